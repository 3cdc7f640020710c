"""Types of the stable tier, tested on their own (not only through the
ports): slots, members, getters, methods reaching module state, Python
subclasses, IslFields in reference cycles that gc collects, exception types,
buffer export, and bad definitions. Every test runs in the main interpreter
and in an own-GIL sub-interpreter."""
import pytest

TYPES = r"""
static const IslModuleDef test_def;
static const IslTypeDef Node_def;
static int destroyed; /* a C int, not a Python object: allowed in a static */

typedef struct {
    IslField value, next;
    IslSsize count;
    double weight;
    int flag;
    char buffer[4];
    IslSsize exports;
} Node;

typedef struct {
    IslField Node_type, Error_type, CodedError_type;
    IslSsize calls;
} State;

static Node *node(IslContext *ctx, IslHandle self) { return (Node *)IslInstance_Data(ctx, self, &Node_def); }

/* Node(value, next=None) */
static int Node_init(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs) {
    IslSsize n;
    const IslHandle *items = IslSequence_FastItems(ctx, args, &n);
    if (!items) return -1;
    if (n < 1 || n > 2 || (!IslHandle_IsNull(kwargs) && IslDict_Size(ctx, kwargs) > 0)) {
        IslErr_SetString(ctx, ctx->h_TypeError, "Node(value, next=None)");
        return -1;
    }
    Node *d = node(ctx, self);
    if (!d) return -1;
    IslField_Store(ctx, self, &d->value, items[0]);
    IslField_Store(ctx, self, &d->next, n == 2 ? items[1] : ctx->h_None);
    d->count = n;
    return 0;
}

static void Node_destroy(void *data) {
    (void)data;
    destroyed++;
}

static IslHandle Node_repr(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    if (!d) return ISL_NULL;
    IslHandle v = IslField_Load(ctx, self, d->value);
    IslHandle r = IslErr_Occurred(ctx) ? ISL_NULL : IslStr_FromUTF8(ctx, "Node(");
    IslStrBuilder *b = IslStrBuilder_New(ctx, 0);
    IslHandle vr = IslHandle_IsNull(v) ? IslStr_FromUTF8(ctx, "<empty>") : IslObject_Repr(ctx, v);
    if (IslHandle_IsNull(vr) || IslStrBuilder_AppendStr(ctx, b, r) < 0 || IslStrBuilder_AppendStr(ctx, b, vr) < 0 ||
        IslStrBuilder_AppendChar(ctx, b, ')') < 0) {
        IslStrBuilder_Discard(ctx, b);
        b = NULL;
    }
    IslHandle_Close(ctx, v);
    IslHandle_Close(ctx, vr);
    IslHandle_Close(ctx, r);
    return b ? IslStrBuilder_Finish(ctx, b) : ISL_NULL;
}

/* Equal when the values are equal; other comparisons are not supported. */
static IslHandle Node_richcompare(IslContext *ctx, IslHandle self, IslHandle other, int op) {
    Node *a = node(ctx, self);
    if (!a) return ISL_NULL;
    Node *b = (Node *)IslInstance_Data(ctx, other, &Node_def);
    if (!b || (op != ISL_EQ && op != ISL_NE)) {
        IslErr_Clear(ctx);
        return IslHandle_Dup(ctx, ctx->h_NotImplemented);
    }
    IslHandle x = IslField_Load(ctx, self, a->value), y = IslField_Load(ctx, other, b->value);
    IslHandle r = IslObject_RichCompare(ctx, x, y, op);
    IslHandle_Close(ctx, x);
    IslHandle_Close(ctx, y);
    return r;
}

static IslSsize Node_hash(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    if (!d) return -1;
    IslHandle v = IslField_Load(ctx, self, d->value);
    IslSsize h = IslObject_Hash(ctx, v);
    IslHandle_Close(ctx, v);
    return h;
}

static IslSsize Node_len(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    return d ? d->count : -1;
}

static IslHandle Node_iter(IslContext *ctx, IslHandle self) { return IslHandle_Dup(ctx, self); }

/* Iterating a node walks the `next` chain, consuming it. */
static IslHandle Node_iternext(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    if (!d) return ISL_NULL;
    IslHandle next = IslField_Load(ctx, self, d->next);
    if (IslHandle_IsNull(next) || IslObject_Is(ctx, next, ctx->h_None)) {
        IslHandle_Close(ctx, next);
        return ISL_NULL; /* no error: the iteration ends */
    }
    Node *n = (Node *)IslInstance_Data(ctx, next, &Node_def);
    if (!n) {
        IslHandle_Close(ctx, next);
        return ISL_NULL;
    }
    IslHandle after = IslField_Load(ctx, next, n->next);
    IslField_Store(ctx, self, &d->next, after);
    IslHandle_Close(ctx, after);
    return next;
}

static IslHandle Node_call(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs) {
    (void)kwargs;
    IslSsize n = IslTuple_Size(ctx, args);
    return n < 0 ? ISL_NULL : IslLong_FromSsize(ctx, n * 100);
}

static IslHandle Node_add(IslContext *ctx, IslHandle a, IslHandle b) {
    /* Either operand may be the Node. */
    Node *x = (Node *)IslInstance_Data(ctx, a, &Node_def);
    Node *y = x ? (Node *)IslInstance_Data(ctx, b, &Node_def) : NULL;
    if (!x || !y) {
        IslErr_Clear(ctx);
        return IslHandle_Dup(ctx, ctx->h_NotImplemented);
    }
    return IslLong_FromSsize(ctx, x->count + y->count);
}

static int Node_bool(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    return d ? d->flag != 0 : -1;
}

static IslHandle Node_getitem(IslContext *ctx, IslHandle self, IslHandle key) {
    if (!IslStr_Check(ctx, key)) return IslErr_SetObject(ctx, ctx->h_KeyError, key);
    return IslObject_GetAttr(ctx, self, key);
}

static int Node_contains(IslContext *ctx, IslHandle self, IslHandle item) {
    Node *d = node(ctx, self);
    if (!d) return -1;
    IslHandle v = IslField_Load(ctx, self, d->value);
    int r = IslHandle_IsNull(v) ? 0 : IslObject_RichCompareBool(ctx, v, item, ISL_EQ);
    IslHandle_Close(ctx, v);
    return r;
}

static int Node_getbuffer(IslContext *ctx, IslHandle self, IslBufferInfo *info, int writable) {
    (void)writable;
    Node *d = node(ctx, self);
    if (!d) return -1;
    info->buf = d->buffer;
    info->len = sizeof d->buffer;
    info->readonly = 0;
    d->exports++;
    return 0;
}

static void Node_releasebuffer(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    if (d) d->exports--;
}

static IslHandle Node_get_double(IslContext *ctx, IslHandle self) {
    Node *d = node(ctx, self);
    return d ? IslFloat_FromDouble(ctx, d->weight * 2) : ISL_NULL;
}

static int Node_set_double(IslContext *ctx, IslHandle self, IslHandle value) {
    Node *d = node(ctx, self);
    if (!d) return -1;
    if (IslHandle_IsNull(value)) {
        IslErr_SetString(ctx, ctx->h_AttributeError, "cannot delete 'double'");
        return -1;
    }
    double v = IslFloat_AsDouble(ctx, value);
    if (v == -1.0 && IslErr_Occurred(ctx)) return -1;
    d->weight = v / 2;
    return 0;
}

/* A method that reaches the state of the module that defined the class. */
static IslHandle Node_count_call(IslContext *ctx, IslHandle self) {
    State *st = (State *)IslType_GetModuleState(ctx, self, &test_def);
    return st ? IslLong_FromSsize(ctx, ++st->calls) : ISL_NULL;
}
ISL_DEF_METH_NOARGS(Node_count_call_def, "count_call", Node_count_call, "Count calls in module state.");

static IslHandle Node_first(IslContext *ctx, IslHandle self, IslHandle dflt) {
    Node *d = node(ctx, self);
    if (!d) return ISL_NULL;
    IslHandle v = IslField_Load(ctx, self, d->value);
    return IslHandle_IsNull(v) ? IslHandle_Dup(ctx, dflt) : v;
}
ISL_DEF_METH_O(Node_first_def, "first", Node_first, "The value, or the default.");

static const IslMethodDef *const Node_methods[] = {&Node_count_call_def, &Node_first_def, NULL};
static const IslMember Node_members[] = {
    ISL_MEMBER_FIELD("value", Node, value, 0),
    ISL_MEMBER_FIELD("next", Node, next, 0),
    ISL_MEMBER_SSIZE("count", Node, count, ISL_READONLY),
    ISL_MEMBER_DOUBLE("weight", Node, weight, 0),
    ISL_MEMBER_INT("flag", Node, flag, 0),
    ISL_MEMBER_SSIZE("exports", Node, exports, ISL_READONLY),
    {0},
};
static const IslGetSet Node_getsets[] = {{"double", Node_get_double, Node_set_double, "2 * weight"}, {0}};
static const IslSlot Node_slots[] = {
    {ISL_SLOT_INIT, ISL_FN(Node_init)},         {ISL_SLOT_DESTROY, ISL_FN(Node_destroy)},
    {ISL_SLOT_REPR, ISL_FN(Node_repr)},         {ISL_SLOT_RICHCOMPARE, ISL_FN(Node_richcompare)},
    {ISL_SLOT_HASH, ISL_FN(Node_hash)},         {ISL_SLOT_LEN, ISL_FN(Node_len)},
    {ISL_SLOT_ITER, ISL_FN(Node_iter)},         {ISL_SLOT_ITERNEXT, ISL_FN(Node_iternext)},
    {ISL_SLOT_CALL, ISL_FN(Node_call)},         {ISL_SLOT_ADD, ISL_FN(Node_add)},
    {ISL_SLOT_BOOL, ISL_FN(Node_bool)},         {ISL_SLOT_GETITEM, ISL_FN(Node_getitem)},
    {ISL_SLOT_CONTAINS, ISL_FN(Node_contains)}, {ISL_SLOT_GETBUFFER, ISL_FN(Node_getbuffer)},
    {ISL_SLOT_RELEASEBUFFER, ISL_FN(Node_releasebuffer)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef Node_def = {
    .name = "typed.Node", .doc = "A node holding a value and a next node.", .basicsize = sizeof(Node),
    .flags = ISL_TYPE_BASETYPE | ISL_TYPE_WEAKREF, .slots = Node_slots, .methods = Node_methods,
    .members = Node_members, .getsets = Node_getsets,
};

/* An exception class with C data, based on Exception. */
typedef struct { int code; } Coded;
static const IslMember Coded_members[] = {ISL_MEMBER_INT("code", Coded, code, 0), {0}};
static const IslTypeDef Coded_def = {
    .name = "typed.CodedError", .basicsize = sizeof(Coded), .flags = ISL_TYPE_BASETYPE, .members = Coded_members,
};

static const IslTypeDef Text_def = {.name = "typed.Text", .flags = ISL_TYPE_BASETYPE};

/* Pair(a, b=0, *, scale=1.0): tp_new arguments through IslArg_ParseTupleAndDict. */
typedef struct { IslField a; IslSsize b; double scale; } Pair;
static const IslTypeDef Pair_def;
static IslHandle Pair_new(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    static const char *const kws[] = {"a", "b", "scale", NULL};
    static IslArgSpec spec = ISL_ARGSPEC("O|n$d:Pair", kws);
    IslHandle a;
    IslSsize b = 0;
    double scale = 1.0;
    if (!IslArg_ParseTupleAndDict(ctx, args, kwargs, &spec, &a, &b, &scale)) return ISL_NULL;
    IslHandle self = IslType_GenericNew(ctx, type);
    Pair *p = IslHandle_IsNull(self) ? NULL : (Pair *)IslInstance_Data(ctx, self, &Pair_def);
    if (!p) return self;
    IslField_Store(ctx, self, &p->a, a);
    p->b = b;
    p->scale = scale;
    return self;
}
static const IslMember Pair_members[] = {
    ISL_MEMBER_FIELD("a", Pair, a, ISL_READONLY), ISL_MEMBER_SSIZE("b", Pair, b, ISL_READONLY),
    ISL_MEMBER_DOUBLE("scale", Pair, scale, ISL_READONLY), {0},
};
static const IslSlot Pair_slots[] = {{ISL_SLOT_NEW, ISL_FN(Pair_new)}, {ISL_SLOT_END, NULL}};
static const IslTypeDef Pair_def = {
    .name = "typed.Pair", .basicsize = sizeof(Pair), .slots = Pair_slots, .members = Pair_members,
};

static int keep(IslContext *ctx, IslHandle module, IslField *slot, IslHandle obj, const char *name) {
    if (IslHandle_IsNull(obj)) return -1;
    if (slot) IslField_Store(ctx, module, slot, obj);
    int r = IslModule_AddObject(ctx, module, name, obj);
    IslHandle_Close(ctx, obj);
    return r;
}

static int typed_exec(IslContext *ctx, IslHandle module) {
    State *st = (State *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    if (keep(ctx, module, &st->Node_type, IslType_FromDef(ctx, module, &Node_def, ISL_NULL), "Node") < 0 ||
        keep(ctx, module, &st->Error_type, IslErr_NewException(ctx, "typed.Error", ctx->h_ValueError, "doc"), "Error") < 0 ||
        keep(ctx, module, &st->CodedError_type, IslType_FromDef(ctx, module, &Coded_def, ctx->h_Exception), "CodedError") < 0 ||
        keep(ctx, module, NULL, IslType_FromDef(ctx, module, &Text_def, ctx->h_StrType), "Text") < 0 ||
        keep(ctx, module, NULL, IslType_FromDef(ctx, module, &Pair_def, ISL_NULL), "Pair") < 0)
        return -1;
    return 0;
}

static const IslMember typed_state_fields[] = {
    ISL_MEMBER_HIDDEN_FIELD(State, Node_type), ISL_MEMBER_HIDDEN_FIELD(State, Error_type),
    ISL_MEMBER_HIDDEN_FIELD(State, CodedError_type), {0},
};

static IslHandle destroyed_count(IslContext *ctx, IslHandle m) {
    (void)m;
    return IslLong_FromInt64(ctx, destroyed);
}
ISL_DEF_METH_NOARGS(destroyed_def, "destroyed", destroyed_count, "");

/* raise_coded(code): raises CodedError from C with `code` set in its C data. */
static IslHandle raise_coded(IslContext *ctx, IslHandle m, IslHandle code) {
    State *st = (State *)IslModule_GetState(ctx, m);
    if (!st) return ISL_NULL;
    IslHandle type = IslField_Load(ctx, m, st->CodedError_type);
    IslHandle exc = IslObject_Vectorcall(ctx, type, &code, 1, ISL_NULL);
    Coded *c = IslHandle_IsNull(exc) ? NULL : (Coded *)IslInstance_Data(ctx, exc, &Coded_def);
    if (c) {
        c->code = (int)IslLong_AsInt64(ctx, code);
        IslErr_SetObject(ctx, type, exc);
    }
    IslHandle_Close(ctx, exc);
    IslHandle_Close(ctx, type);
    return ISL_NULL;
}
ISL_DEF_METH_O(raise_coded_def, "raise_coded", raise_coded, "");

/* catch(f): calls f(); returns "Error:<msg>" if it raised typed.Error (or a
 * subclass), re-raises anything else, returns None otherwise. */
static IslHandle catch_(IslContext *ctx, IslHandle m, IslHandle f) {
    State *st = (State *)IslModule_GetState(ctx, m);
    if (!st) return ISL_NULL;
    IslHandle r = IslObject_Vectorcall(ctx, f, NULL, 0, ISL_NULL);
    if (!IslHandle_IsNull(r)) {
        IslHandle_Close(ctx, r);
        return IslHandle_Dup(ctx, ctx->h_None);
    }
    IslHandle type = IslField_Load(ctx, m, st->Error_type);
    int match = IslErr_ExceptionMatches(ctx, type);
    IslHandle_Close(ctx, type);
    if (!match) return ISL_NULL;
    IslHandle exc = IslErr_Fetch(ctx);
    IslHandle msg = IslObject_Str(ctx, exc);
    IslHandle_Close(ctx, exc);
    return msg;
}
ISL_DEF_METH_O(catch_def, "catch", catch_, "");

/* Bad definitions, each must raise TypeError. */
typedef struct { int x; } Small;
static const IslMember far_members[] = {ISL_MEMBER_FIELD("far", Small, x, 0), {0}};
static const IslTypeDef bad_member_def = {.name = "typed.Bad", .basicsize = sizeof(Small), .members = far_members};
static const IslSlot bad_slots[] = {{(IslSlotKind)999, ISL_FN(Node_repr)}, {ISL_SLOT_END, NULL}};
static const IslTypeDef bad_slot_def = {.name = "typed.Bad", .slots = bad_slots};
static const IslTypeDef data_on_bytes_def = {.name = "typed.Bad", .basicsize = 8};

static IslHandle make_bad(IslContext *ctx, IslHandle m, IslHandle which) {
    int64_t w = IslLong_Check(ctx, which) ? IslLong_AsInt64(ctx, which) : 5;
    if (w == 0) return IslType_FromDef(ctx, m, &bad_member_def, ISL_NULL);
    if (w == 1) return IslType_FromDef(ctx, m, &bad_slot_def, ISL_NULL);
    if (w == 2) return IslType_FromDef(ctx, m, &data_on_bytes_def, ctx->h_BytesType);
    if (w == 3) return IslType_FromDef(ctx, m, &Node_def, ctx->h_None);
    if (w == 4) return IslType_FromDef(ctx, ctx->h_None, &Node_def, ISL_NULL);
    return IslInstance_Data(ctx, which, &Node_def) ? IslHandle_Dup(ctx, ctx->h_None) : ISL_NULL;
}
ISL_DEF_METH_O(make_bad_def, "make_bad", make_bad, "");
"""
TYPES_METHODS = ["destroyed_def", "raise_coded_def", "catch_def", "make_bad_def"]


@pytest.fixture
def typed(make_module):
    return make_module(TYPES, TYPES_METHODS, state_size="sizeof(State)", exec_fn="typed_exec",
                       state_fields="typed_state_fields")


def test_slots_members_getsets(run, typed):
    run("""
        Node = mod.Node
        a = Node(1)
        b = Node(2, a)
        assert repr(b) == "Node(2)" and repr(Node("x")) == "Node('x')"
        assert Node(2) == b and Node(3) != b and hash(b) == hash(2)
        assert len(a) == 1 and len(b) == 2
        assert b(1, 2, 3) == 300
        assert a + b == 3
        assert not b
        b.flag = 7
        assert b and b.flag == 7
        assert b.value == 2 and b.next is a and a.next is None
        b.value = "v"
        assert b["value"] == "v" and "v" in b and "w" not in b
        b.weight = 1.5
        assert b.double == 3.0
        b.double = 10
        assert b.weight == 5.0
        try:
            b.count = 3
        except AttributeError:
            pass
        else:
            raise AssertionError("count is read-only")
        try:
            del b.double
        except AttributeError as e:
            assert "cannot delete" in str(e)
        try:
            b[1]
        except KeyError:
            pass
        assert Node.__doc__.startswith("A node") and Node.__module__ == "typed"
        assert type(Node).__name__ == "type"
        c = Node(3, b)
        assert [n.value for n in c] == ["v", 1]
        assert b.first(0) == "v"
        calls = b.count_call()
        assert a.count_call() == calls + 1  # one counter per module state
        try:
            Node()
        except TypeError as e:
            assert "Node(value, next=None)" in str(e)
        try:
            b.first()
        except TypeError as e:
            assert "first() takes exactly one argument (0 given)" in str(e)
        try:
            b.count_call(1)
        except TypeError as e:
            assert "count_call() takes no arguments (1 given)" in str(e)
        """, typed)


def test_new_parses_tuple_and_dict(run, typed):
    run("""
        import sys
        P = mod.Pair
        p = P([1])
        assert (p.a, p.b, p.scale) == ([1], 0, 1.0)
        p = P("x", 5, scale=2.5)
        assert (p.a, p.b, p.scale) == ("x", 5, 2.5)
        p = P(b=3, a=None)
        assert (p.a, p.b) == (None, 3)
        for args, kwargs, text in [((), {}, "Pair() missing required argument 'a' (pos 1)"),
                                   ((1, 2, 3), {}, "Pair() takes at most 2 positional arguments (3 given)"),
                                   ((1,), {"c": 1}, "Pair() got an unexpected keyword argument 'c'"
                                    if sys.version_info >= (3, 13) else "'c' is an invalid keyword argument for Pair()"),
                                   ((1,), {"a": 1}, "argument for Pair() given by name ('a') and position (1)"),
                                   ((1, "x"), {}, "Pair() argument 'b' must be an integer, not str")]:
            try:
                P(*args, **kwargs)
            except TypeError as e:
                assert str(e) == text, (str(e), text)
            else:
                raise AssertionError(text)
        """, typed)


def test_buffer_export(run, typed):
    run("""
        n = mod.Node(0)
        with memoryview(n) as m:
            assert n.exports == 1 and len(m) == 4 and m.format == "B"
            m[0] = 7
            with memoryview(n) as m2:
                assert m2[0] == 7 and n.exports == 2
        assert n.exports == 0
        assert bytes(n) == b"\\x07\\x00\\x00\\x00"
        """, typed)


def test_python_subclass(run, typed):
    run("""
        class Sub(mod.Node):
            def __init__(self, value, extra):
                super().__init__(value)
                self.extra = extra
            def __repr__(self):
                return "Sub:" + super().__repr__()
        s = Sub(5, "e")
        assert repr(s) == "Sub:Node(5)" and s.extra == "e" and s.value == 5
        assert s == mod.Node(5) and len(s) == 1 and s.count_call() > 0
        assert isinstance(s, mod.Node) and mod.make_bad(s) is None
        class Sub2(Sub):
            __slots__ = ()
        assert repr(Sub2(1, 2)) == "Sub:Node(1)"
        class Text2(mod.Text):
            pass
        assert Text2("ab").upper() == "AB" and issubclass(mod.Text, str)
        """, typed)


def test_cycles_are_collected(run, typed):
    run("""
        import gc, weakref
        gc.collect()
        before = mod.destroyed()
        a = mod.Node(1)
        b = mod.Node(2, a)
        a.next = b            # a -> b -> a through IslFields
        a.value = [a, b]      # and through a list
        class Sub(mod.Node):
            pass
        s = Sub(0)
        s.value = s           # a Python subclass in a cycle with itself
        refs = [weakref.ref(a), weakref.ref(b), weakref.ref(s)]
        del a, b, s
        gc.collect()
        assert all(r() is None for r in refs), "cycle not collected"
        assert mod.destroyed() - before == 3
        """, typed)


def test_gc_sees_fields(run, typed):
    run("""
        import gc
        a = mod.Node(1)
        b = mod.Node([1], a)
        assert a in gc.get_referents(b) and b.value in gc.get_referents(b)
        assert type(b) in gc.get_referents(b)
        assert gc.is_tracked(b)
        """, typed)


def test_exceptions_cross_the_boundary(run, typed):
    run("""
        assert issubclass(mod.Error, ValueError) and mod.Error.__module__ == "typed"
        assert mod.Error.__doc__ == "doc"
        # raised in C, caught in Python, with C data attached
        try:
            mod.raise_coded(42)
        except mod.CodedError as e:
            assert e.code == 42 and e.args == (42,)
        else:
            raise AssertionError("no exception")
        # raised in Python, caught in C
        def fails():
            raise mod.Error("boom")
        assert mod.catch(fails) == "boom"
        class SubError(mod.Error):
            pass
        def fails_sub():
            raise SubError("sub")
        assert mod.catch(fails_sub) == "sub"
        assert mod.catch(lambda: 1) is None
        # anything else passes through C unchanged
        def other():
            raise KeyError("k")
        try:
            mod.catch(other)
        except KeyError as e:
            assert e.args == ("k",)
        class MyCoded(mod.CodedError):
            pass
        try:
            raise MyCoded(1)
        except mod.CodedError as e:
            assert e.code == 0
        """, typed)


def test_bad_definitions_raise(run, typed):
    run("""
        expected = {
            0: "lies outside basicsize",
            1: "unknown or has no function",
            2: "variable-size instances",
            3: "bases must be a type",
            4: "must be an isles module",
            5: "expected an instance of typed.Node, got str",
        }
        for which, text in expected.items():
            arg = "not a node" if which == 5 else which
            try:
                mod.make_bad(arg)
            except TypeError as e:
                assert text in str(e), (which, str(e))
            else:
                raise AssertionError(f"make_bad({which}) did not raise")
        """, typed)


def test_types_are_per_interpreter(typed, ext_dir):
    """One definition gives a distinct type object in each interpreter, each
    with its own module state."""
    import isles.interpreters as interpreters
    interps = [interpreters.create() for _ in range(2)]
    try:
        for i in interps:
            i.exec(f"import sys; sys.path.insert(0, {str(ext_dir)!r})\n"
                   f"import {typed} as mod\n"
                   "assert mod.Node(1).count_call() == 1 and mod.Node(2).count_call() == 2")
        ids = {i.call(_node_type_id, typed) for i in interps}
        assert len(ids) == 2
    finally:
        for i in interps:
            i.close()


def _node_type_id(name):
    import sys
    return id(sys.modules[name].Node)

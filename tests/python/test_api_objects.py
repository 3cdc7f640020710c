"""Generic object operations, calls, iteration and errors of the stable tier."""

OBJECTS = r"""
static IslHandle attrs(IslContext *ctx, IslHandle m, IslHandle o) {
    if (IslObject_SetAttrString(ctx, o, "x", ctx->h_True) < 0) return ISL_NULL;
    int has = IslObject_HasAttrString(ctx, o, "x"), hasnt = IslObject_HasAttrString(ctx, o, "nope");
    if (has != 1 || hasnt != 0) return IslErr_SetString(ctx, ctx->h_AssertionError, "hasattr");
    IslHandle name = IslStr_FromUTF8(ctx, "y");
    if (IslObject_SetAttr(ctx, o, name, ctx->h_False) < 0) return ISL_NULL;
    IslHandle y = IslObject_GetAttr(ctx, o, name);
    IslHandle_Close(ctx, name);
    if (IslHandle_IsNull(y)) return ISL_NULL;
    IslHandle_Close(ctx, y);
    return IslObject_GetAttrString(ctx, o, "x");
}
static IslHandle getattr_(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    const char *name = IslStr_AsUTF8AndSize(ctx, args[1], NULL);
    return name ? IslObject_GetAttrString(ctx, args[0], name) : ISL_NULL;
}
static IslHandle items(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* o[k] = v; r = o[k]; del o[k]; return (r, len(o)) */
    if (IslObject_SetItem(ctx, args[0], args[1], args[2]) < 0) return ISL_NULL;
    IslHandle r = IslObject_GetItem(ctx, args[0], args[1]);
    if (IslHandle_IsNull(r) || IslObject_DelItem(ctx, args[0], args[1]) < 0) return ISL_NULL;
    IslHandle out[2] = {r, IslLong_FromSsize(ctx, IslObject_Length(ctx, args[0]))};
    IslHandle t = IslTuple_New(ctx, out, 2);
    IslHandle_Close(ctx, r);
    IslHandle_Close(ctx, out[1]);
    return t;
}
static IslHandle seq_item(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslSequence_GetItem(ctx, args[0], IslLong_AsSsize(ctx, args[1]));
}
static IslHandle length(IslContext *ctx, IslHandle m, IslHandle o) {
    IslSsize n = IslObject_Length(ctx, o);
    return n < 0 ? ISL_NULL : IslLong_FromSsize(ctx, n);
}
static IslHandle seq_size(IslContext *ctx, IslHandle m, IslHandle o) {
    IslSsize n = IslSequence_Size(ctx, o);
    if (n < 0) return ISL_NULL;
    IslHandle out[2] = {IslLong_FromSsize(ctx, n), IslBool_FromBool(ctx, IslSequence_Check(ctx, o))};
    IslHandle r = IslTuple_New(ctx, out, 2);
    IslHandle_Close(ctx, out[0]);
    IslHandle_Close(ctx, out[1]);
    return r;
}
static IslHandle seq_check(IslContext *ctx, IslHandle m, IslHandle o) {
    return IslBool_FromBool(ctx, IslSequence_Check(ctx, o) + IslSequence_Check(ctx, ISL_NULL));
}
static IslHandle compare(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    int op = (int)IslLong_AsInt64(ctx, args[2]);
    if (nargs == 4) {
        int r = IslObject_RichCompareBool(ctx, args[0], args[1], op);
        return r < 0 ? ISL_NULL : IslLong_FromInt64(ctx, r);
    }
    return IslObject_RichCompare(ctx, args[0], args[1], op);
}
static IslHandle reprs(IslContext *ctx, IslHandle m, IslHandle o) {
    IslHandle out[3];
    out[0] = IslObject_Repr(ctx, o);
    out[1] = IslObject_Str(ctx, o);
    IslSsize h = IslObject_Hash(ctx, o);
    if (h == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    out[2] = IslLong_FromSsize(ctx, h);
    IslHandle t = IslTuple_New(ctx, out, 3);
    for (int i = 0; i < 3; i++) IslHandle_Close(ctx, out[i]);
    return t;
}
static IslHandle types(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle t = IslObject_Type(ctx, args[0]);
    int tc = IslObject_TypeCheck(ctx, args[0], args[1]);
    /* never call on with an exception set: a debug CPython asserts */
    int inst = tc < 0 ? -1 : IslObject_IsInstance(ctx, args[0], args[1]);
    if (inst < 0) { IslHandle_Close(ctx, t); return ISL_NULL; }
    IslHandle out[3] = {t, IslBool_FromBool(ctx, tc), IslBool_FromBool(ctx, inst)};
    IslHandle r = IslTuple_New(ctx, out, 3);
    for (int i = 0; i < 3; i++) IslHandle_Close(ctx, out[i]);
    return r;
}
static IslHandle call(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslObject_Call(ctx, args[0], nargs > 1 ? args[1] : ISL_NULL, nargs > 2 ? args[2] : ISL_NULL);
}
static IslHandle vcall(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    /* forwards everything after the callable, keywords included */
    return IslObject_Vectorcall(ctx, args[0], args + 1, nargs - 1, kwnames);
}
static IslHandle callmethod(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    const char *name = IslStr_AsUTF8AndSize(ctx, args[1], NULL);
    return name ? IslObject_CallMethod(ctx, args[0], name, args + 2, nargs - 2) : ISL_NULL;
}
static IslHandle collect(IslContext *ctx, IslHandle m, IslHandle o) {
    IslHandle it = IslObject_GetIter(ctx, o);
    if (IslHandle_IsNull(it)) return ISL_NULL;
    IslHandle l = IslList_New(ctx), item;
    while (!IslHandle_IsNull(item = IslIter_Next(ctx, it))) {
        IslList_Append(ctx, l, item);
        IslHandle_Close(ctx, item);
    }
    IslHandle_Close(ctx, it);
    if (IslErr_Occurred(ctx)) { IslHandle_Close(ctx, l); return ISL_NULL; }
    return l;
}
static IslHandle next_(IslContext *ctx, IslHandle m, IslHandle it) {
    IslHandle r = IslIter_Next(ctx, it);
    if (IslHandle_IsNull(r) && !IslErr_Occurred(ctx)) return IslStr_FromUTF8(ctx, "<end>");
    return r;
}
static IslHandle import_(IslContext *ctx, IslHandle m, IslHandle name) {
    const char *s = IslStr_AsUTF8AndSize(ctx, name, NULL);
    return s ? IslImport_ImportModule(ctx, s) : ISL_NULL;
}
ISL_DEF_METH_O(attrs_def, "attrs", attrs, "");
ISL_DEF_METH_FASTCALL(getattr_def, "getattr", getattr_, "");
ISL_DEF_METH_FASTCALL(items_def, "items", items, "");
ISL_DEF_METH_FASTCALL(seq_def, "seq_item", seq_item, "");
ISL_DEF_METH_O(len_def, "length", length, "");
ISL_DEF_METH_O(seqsize_def, "seq_size", seq_size, "");
ISL_DEF_METH_O(seqcheck_def, "seq_check", seq_check, "");
ISL_DEF_METH_FASTCALL(cmp_def, "compare", compare, "");
ISL_DEF_METH_O(reprs_def, "reprs", reprs, "");
ISL_DEF_METH_FASTCALL(types_def, "types", types, "");
ISL_DEF_METH_FASTCALL(call_def, "call", call, "");
ISL_DEF_METH_KEYWORDS(vcall_def, "vcall", vcall, "");
ISL_DEF_METH_FASTCALL(cm_def, "callmethod", callmethod, "");
ISL_DEF_METH_O(collect_def, "collect", collect, "");
ISL_DEF_METH_O(next_def, "next", next_, "");
ISL_DEF_METH_O(import_def, "import_", import_, "");
"""
OBJECT_METHODS = ["attrs_def", "getattr_def", "items_def", "seq_def", "len_def", "seqsize_def", "seqcheck_def",
                  "cmp_def", "reprs_def",
                  "types_def", "call_def", "vcall_def", "cm_def", "collect_def", "next_def", "import_def"]


def test_object_protocols(run, make_module):
    run("""
        import islhelpers as t
        class O: pass
        o = O()
        assert mod.attrs(o) is True and o.x is True and o.y is False
        t.raises(AttributeError, mod.getattr, o, "missing")
        t.raises(AttributeError, mod.attrs, 5)
        assert mod.items({}, "k", "v") == ("v", 0)
        assert mod.items([1, 2], 0, 9) == (9, 1)
        t.raises(TypeError, mod.items, (), 0, 1)
        assert mod.seq_item("abc", -1) == "c"
        t.raises(IndexError, mod.seq_item, [], 0)
        assert mod.length([1, 2]) == 2
        t.raises(TypeError, mod.length, 5, match="has no len")
        assert mod.seq_size([1, 2]) == (2, True) and mod.seq_size("abc") == (3, True)
        assert mod.seq_size({1, 2}) == (2, False)  # a length, but no indexing
        t.raises(TypeError, mod.seq_size, {1: 2}, match="dict is not a sequence")
        t.raises(TypeError, mod.seq_size, 5, match="has no len")
        class D(dict):
            def __getitem__(self, k): return k
        assert [mod.seq_check(x) for x in ([], (), range(3), "", b"", {}, D(), set(), 5)] == [True] * 5 + [False] * 4
        LT, LE, EQ, NE, GT, GE = range(6)
        assert mod.compare(1, 2, LT) is True and mod.compare(1, 2, GE) is False
        assert mod.compare(1, 2, LT, "bool") == 1 and mod.compare(2, 2, NE, "bool") == 0
        nan = float("nan")
        assert mod.compare(nan, nan, EQ, "bool") == 1  # identity implies equality
        t.raises(TypeError, mod.compare, 1, "a", LT)
        t.raises(SystemError, mod.compare, 1, 2, 6, match="bad comparison operator")
        assert mod.reprs("a") == ("'a'", "a", hash("a"))
        t.raises(TypeError, mod.reprs, [], match="unhashable")
        assert mod.types(True, int) == (bool, True, True)
        class Meta(type):
            def __instancecheck__(cls, obj): return True
        class Any(metaclass=Meta): pass
        assert mod.types(1, Any) == (int, False, True)
        t.raises(TypeError, mod.types, 1, 2)
        assert mod.call(max, (3, 7)) == 7
        assert mod.call(sorted, ([3, 1],), {"reverse": True}) == [3, 1]
        assert mod.call(list) == []
        t.raises(TypeError, mod.call, max, [1, 2], match="expected a tuple of arguments")
        t.raises(TypeError, mod.call, 5, ())
        assert mod.vcall(sorted, [2, 1, 3], reverse=True) == [3, 2, 1]
        assert mod.vcall(dict, a=1) == {"a": 1}
        assert mod.callmethod([3, 1, 2], "index", 1) == 1
        assert mod.callmethod("a-b", "split", "-") == ["a", "b"]
        t.raises(AttributeError, mod.callmethod, 1, "nope")
        assert mod.collect(range(4)) == [0, 1, 2, 3] and mod.collect("ab") == ["a", "b"]
        def gen():
            yield 1
            raise ValueError("in generator")
        t.raises(ValueError, mod.collect, gen(), match="in generator")
        t.raises(TypeError, mod.collect, 5)
        it = iter([1])
        assert mod.next(it) == 1 and mod.next(it) == "<end>"
        t.raises(TypeError, mod.next, [1], match="'list' object is not an iterator")
        assert mod.import_("math").pi > 3
        t.raises(ModuleNotFoundError, mod.import_, "no_such_module_isles")
    """, make_module(OBJECTS, OBJECT_METHODS))


ERRORS = r"""
static IslHandle raise_(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    const char *msg = IslStr_AsUTF8AndSize(ctx, args[1], NULL);
    return msg ? IslErr_SetString(ctx, args[0], msg) : ISL_NULL;
}
static IslHandle raise_obj(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslErr_SetObject(ctx, args[0], args[1]);
}
static IslHandle fmt(IslContext *ctx, IslHandle m, IslHandle o) {
    return IslErr_Format(ctx, ctx->h_ValueError, "s=%s d=%d ld=%ld lld=%lld zd=%zd zu=%zu u=%u x=%x c=%c "
                         "pct=%% S=%S R=%R T=%T N=%N trunc=%.3s", "txt", -1, -2L, -3LL, (IslSsize)-4,
                         (size_t)5, 6u, 255u, 'q', o, o, o, ctx->h_LongType, "abcdef");
}
static IslHandle bad_fmt(IslContext *ctx, IslHandle m) {
    return IslErr_Format(ctx, ctx->h_ValueError, "%q");
}
/* fmt_case(n, obj): IslErr_Format case number n, raising ValueError. */
static IslHandle fmt_case(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle o = args[1], v = ctx->h_ValueError;
    switch (IslLong_AsInt64(ctx, args[0])) {
        case 0: IslErr_SetString(ctx, ctx->h_KeyError, "pending"); /* dropped, as by PyErr_Format */
                return IslErr_Format(ctx, v, "bad value %R", o);
        case 1: return IslErr_Format(ctx, v, "[%c]", (int)IslLong_AsInt64(ctx, o));
        case 2: return IslErr_Format(ctx, v, "S=%S R=%R", o, o);
        case 3: return IslErr_Format(ctx, v, "[%.3S|%.4R|%-6.2S|%6T|%.3T]", o, o, o, o, o);
        case 4: return IslErr_Format(ctx, v, "T=%T", o);
        case 5: return IslErr_Format(ctx, v, "N=%N", o);
        case 6: return IslErr_Format(ctx, v, "[%200d|%-5d|%05lld|%.3zd|%X]", 7, -3, 42LL, (IslSsize)5, 255u);
        case 7: return IslErr_Format(ctx, v, "[%2147483648s]", "x");
        case 8: return IslErr_Format(ctx, v, "[%.99999999999S]", o);
        case 9: return IslErr_Format(ctx, v, "[%lS]", o);
        case 10: return IslErr_Format(ctx, v, "[%hd]", 1);
        case 11: return IslErr_Format(ctx, v, "[%05S]", o);
        case 12: return IslErr_Format(ctx, v, "trailing %");
        case 13: return IslErr_Format(ctx, v, "[%.2s|%s|%s]", "\xc3\xa9\xc3\xa9", "bad \xff byte", (const char *)NULL);
    }
    return ISL_NULL;
}
static IslHandle catch_(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* calls args[0](); if it raises something matching args[1], returns the
       exception object after checking fetch/restore round-trip */
    IslHandle r = IslObject_Vectorcall(ctx, args[0], NULL, 0, ISL_NULL);
    if (!IslHandle_IsNull(r)) return r;
    if (!IslErr_Occurred(ctx)) return IslErr_SetString(ctx, ctx->h_AssertionError, "no error");
    if (!IslErr_ExceptionMatches(ctx, args[1])) return ISL_NULL;
    IslHandle exc = IslErr_Fetch(ctx);
    if (IslErr_Occurred(ctx)) return IslErr_SetString(ctx, ctx->h_AssertionError, "fetch did not clear");
    IslErr_Restore(ctx, exc);
    if (!IslErr_Occurred(ctx)) return IslErr_SetString(ctx, ctx->h_AssertionError, "restore did not set");
    IslErr_Clear(ctx);
    return exc;
}
static IslHandle restore(IslContext *ctx, IslHandle m, IslHandle exc) {
    IslErr_Restore(ctx, exc);
    return ISL_NULL;
}
static IslHandle nomem(IslContext *ctx, IslHandle m) { return IslErr_NoMemory(ctx); }
static IslHandle warn(IslContext *ctx, IslHandle m, IslHandle msg) {
    const char *s = IslStr_AsUTF8AndSize(ctx, msg, NULL);
    if (!s || IslErr_WarnEx(ctx, ctx->h_UserWarning, s, 1) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle fetch_none(IslContext *ctx, IslHandle m) {
    IslHandle e = IslErr_Fetch(ctx);
    return IslBool_FromBool(ctx, IslHandle_IsNull(e));
}
ISL_DEF_METH_FASTCALL(raise_def, "raise_", raise_, "");
ISL_DEF_METH_FASTCALL(raiseo_def, "raise_obj", raise_obj, "");
ISL_DEF_METH_O(fmt_def, "fmt", fmt, "");
ISL_DEF_METH_NOARGS(badfmt_def, "bad_fmt", bad_fmt, "");
ISL_DEF_METH_FASTCALL(fmtcase_def, "fmt_case", fmt_case, "");
ISL_DEF_METH_FASTCALL(catch_def, "catch", catch_, "");
ISL_DEF_METH_O(restore_def, "restore", restore, "");
ISL_DEF_METH_NOARGS(nomem_def, "nomem", nomem, "");
ISL_DEF_METH_O(warn_def, "warn", warn, "");
ISL_DEF_METH_NOARGS(fetchnone_def, "fetch_none", fetch_none, "");
"""


def test_errors(run, make_module):
    run("""
        import islhelpers as t, warnings
        t.raises(KeyError, mod.raise_, KeyError, "k")
        e = t.raises(ValueError, mod.raise_, ValueError, "caf\\u00e9")
        assert str(e) == "caf\\u00e9"
        class MyError(Exception): pass
        t.raises(MyError, mod.raise_obj, MyError, 42)
        e = t.raises(ValueError, mod.fmt, [1])
        assert str(e) == ("s=txt d=-1 ld=-2 lld=-3 zd=-4 zu=5 u=6 x=ff c=q pct=% S=[1] R=[1] T=list "
                          "N=int trunc=abc"), str(e)
        class Local: pass
        # PyType_GetFullyQualifiedName's: no module for __main__ (the sub-interpreter's)
        where = "" if __name__ == "__main__" else __name__ + "."
        assert "T=" + where + "Local " in str(t.raises(ValueError, mod.fmt, Local())), where
        t.raises(SystemError, mod.bad_fmt, match="unsupported format code '%q'")
        def fmt(n, o=None, exc=ValueError, match=None):
            return str(t.raises(exc, mod.fmt_case, n, o, match=match))
        class P:
            def __repr__(self): return "P-repr"
        e = t.raises(ValueError, mod.fmt_case, 0, P())
        assert str(e) == "bad value P-repr" and e.__context__ is None, (str(e), e.__context__)
        assert fmt(1, 0x263A) == "[\\u263a]" and fmt(1, 0xE9) == "[\\u00e9]" and fmt(1, 65) == "[A]"
        assert fmt(1, 0x1F600) == "[\\U0001F600]" and fmt(1, 0xDC80) == "[\\udc80]"
        fmt(1, -1, exc=ValueError, match="not in range")
        fmt(1, 0x110000, exc=ValueError, match="not in range")
        assert fmt(2, "a\\udc80b") == "S=a\\udc80b R='a\\\\udc80b'"
        assert fmt(3, "abcdef") == "[abc|'abc|ab    |   str|str]", fmt(3, "abcdef")
        assert fmt(3, "\\u00e9\\u00e9\\u00e9\\u00e9") == "[\\u00e9\\u00e9\\u00e9|'\\u00e9\\u00e9\\u00e9|\\u00e9\\u00e9    |   str|str]"
        assert fmt(4, int) == "T=type" and fmt(4, 5) == "T=int" and fmt(4, P()) == "T=" + where + "P"
        assert fmt(5, int) == "N=int" and fmt(5, P) == "N=" + where + "P"
        fmt(5, 5, exc=SystemError, match="%N expects a type, got int")
        assert fmt(6) == "[" + " " * 199 + "7|-3   |00042|005|FF]", fmt(6)
        fmt(7, exc=SystemError, match="too large")
        fmt(8, "x", exc=SystemError, match="too large")
        fmt(9, "x", exc=SystemError, match="unsupported format code '%lS'")
        fmt(10, exc=SystemError, match="unsupported format code '%h'")
        fmt(11, "x", exc=SystemError, match="unsupported format code '%05S'")
        fmt(12, exc=SystemError, match="unsupported format code '%'")
        assert fmt(13) == "[\\u00e9|bad \\ufffd byte|(null)]", fmt(13)
        def boom(): raise MyError("x")
        exc = mod.catch(boom, Exception)
        assert type(exc) is MyError and str(exc) == "x"
        t.raises(MyError, mod.catch, boom, KeyError)
        t.raises(ZeroDivisionError, mod.restore, ZeroDivisionError("z"))
        t.raises(SystemError, mod.restore, 5, match="expected an exception instance")
        t.raises(MemoryError, mod.nomem)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.warn("careful")
        assert len(w) == 1 and str(w[0].message) == "careful" and w[0].category is UserWarning
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            t.raises(UserWarning, mod.warn, "now an error")
        assert mod.fetch_none() is True
    """, make_module(ERRORS, ["raise_def", "raiseo_def", "fmt_def", "badfmt_def", "fmtcase_def", "catch_def", "restore_def",
                              "nomem_def", "warn_def", "fetchnone_def"]))


COMPARE = r"""
static IslHandle cmp_items(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (list, i, j, op) -> list[i] op list[j] */
    int r = IslList_CompareItems(ctx, args[0], IslLong_AsSsize(ctx, args[1]), IslLong_AsSsize(ctx, args[2]),
                                 (int)IslLong_AsInt64(ctx, args[3]));
    return r < 0 ? ISL_NULL : IslBool_FromBool(ctx, r);
}
static IslHandle cmp_item(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (seq, i, other, op, other_first) */
    int r = IslSequence_CompareItem(ctx, args[0], IslLong_AsSsize(ctx, args[1]), args[2],
                                    (int)IslLong_AsInt64(ctx, args[3]), (int)IslLong_AsInt64(ctx, args[4]));
    return r < 0 ? ISL_NULL : IslBool_FromBool(ctx, r);
}
static IslHandle cmp_bool(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    int r = IslObject_RichCompareBool(ctx, args[0], args[1], (int)IslLong_AsInt64(ctx, args[2]));
    return r < 0 ? ISL_NULL : IslBool_FromBool(ctx, r);
}
static IslHandle cmp_keyed(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (seq, i, key, other, op, other_first) */
    int r = IslSequence_CompareKeyedItem(ctx, args[0], IslLong_AsSsize(ctx, args[1]), args[2], args[3],
                                         (int)IslLong_AsInt64(ctx, args[4]), (int)IslLong_AsInt64(ctx, args[5]));
    return r < 0 ? ISL_NULL : IslBool_FromBool(ctx, r);
}
ISL_DEF_METH_FASTCALL(cmp_keyed_def, "cmp_keyed", cmp_keyed, "");
ISL_DEF_METH_FASTCALL(cmp_items_def, "cmp_items", cmp_items, "");
ISL_DEF_METH_FASTCALL(cmp_item_def, "cmp_item", cmp_item, "");
ISL_DEF_METH_FASTCALL(cmp_bool_def, "cmp_bool", cmp_bool, "");
"""


def test_comparisons_match_python(run, make_module):
    """The fast paths of IslList_CompareItems, IslSequence_CompareItem and
    IslObject_RichCompareBool agree with Python's operators on every kind of
    operand, and the list helpers survive comparisons that mutate the list."""
    run("""
        import operator, itertools
        ops = [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge]
        nan = float("nan")
        class MyInt(int):
            def __lt__(self, other):
                return True
        values = [0, 1, -1, 2**80, 1.5, nan, "a", "b", "\\u00e9", b"a", b"b", (1, 2), (1, 3), True, MyInt(5), None,
                  (), (1,), (1, "a"), (nan, 1), (nan, 2), ((1, 2), 3), [1, 2], [1], [1, 2, None], [nan]]
        for a, b in itertools.product(values, repeat=2):
            for code, op in enumerate(ops):
                try:
                    want = op(a, b)
                except TypeError:
                    want = TypeError
                if a is b and op in (operator.eq, operator.ne):
                    want = op is operator.eq  # identity first, as PyObject_RichCompareBool
                for got in (lambda: mod.cmp_bool(a, b, code), lambda: mod.cmp_items([a, b], 0, 1, code),
                            lambda: mod.cmp_item([a], 0, b, code, 0), lambda: mod.cmp_item((b,), 0, a, code, 1),
                            lambda: mod.cmp_keyed([(a,)], 0, operator.itemgetter(0), b, code, 0),
                            lambda: mod.cmp_keyed(((b,),), 0, operator.itemgetter(0), a, code, 1)):
                    try:
                        g = got()
                    except TypeError:
                        g = TypeError
                    assert g == bool(want) if want is not TypeError else g is TypeError, (a, b, op, g, want)
        assert mod.cmp_bool(nan, nan, 2) is True      # identity, as PyObject_RichCompareBool
        for bad in (lambda: mod.cmp_items([1], 0, 1, 0), lambda: mod.cmp_items([1], -1, 0, 0)):
            try:
                bad()
            except IndexError:
                pass
            else:
                raise AssertionError("no IndexError")
        try:
            mod.cmp_items([1, 2], 0, 1, 9)
        except SystemError as e:
            assert "bad comparison operator 9" in str(e)
        heap = []
        class Shrinks:
            def __lt__(self, other):
                heap.clear()
                return True
        heap[:] = [Shrinks(), Shrinks()]
        try:
            mod.cmp_items(heap, 0, 1, 0)
        except RuntimeError as e:
            assert "list changed size" in str(e)
        else:
            raise AssertionError("no RuntimeError")
        seq = []
        class Drops:
            def __lt__(self, other):
                seq.clear()     # the item is held during the comparison
                return False
        seq[:] = [Drops()]
        assert mod.cmp_item(seq, 0, 1, 0, 0) is False and seq == []
        seq[:] = [3]
        def shrinking_key(v):
            seq.clear()         # the item is held while the key runs
            return v
        assert mod.cmp_keyed(seq, 0, shrinking_key, 5, 0, 0) is True and seq == []
        for bad, exc in ((lambda: mod.cmp_keyed([1], 0, None, 1, 0, 0), TypeError),
                         (lambda: mod.cmp_keyed([1], 3, abs, 1, 0, 0), IndexError),
                         (lambda: mod.cmp_keyed([1], 0, lambda v: 1 / 0, 1, 0, 0), ZeroDivisionError)):
            try:
                bad()
            except exc:
                pass
            else:
                raise AssertionError(exc)
        """, make_module(COMPARE, ["cmp_items_def", "cmp_item_def", "cmp_bool_def", "cmp_keyed_def"]))


ITEMS = r"""
static IslHandle sorted_items(IslContext *ctx, IslHandle m, IslHandle mapping) {
    IslHandle items = IslMapping_Items(ctx, mapping);
    if (IslHandle_IsNull(items)) return ISL_NULL;
    if (IslList_Sort(ctx, items) < 0) {
        IslHandle_Close(ctx, items);
        return ISL_NULL;
    }
    return items;
}
static IslHandle sort_(IslContext *ctx, IslHandle m, IslHandle list) {
    return IslList_Sort(ctx, list) < 0 ? ISL_NULL : IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_O(sorted_items_def, "sorted_items", sorted_items, "");
ISL_DEF_METH_O(sort_def, "sort", sort_, "");
"""


def test_mapping_items_and_sort(run, make_module):
    run("""
        import collections
        assert mod.sorted_items({"b": 2, "a": 1}) == [("a", 1), ("b", 2)]
        assert mod.sorted_items(collections.OrderedDict(z=0, y=1)) == [("y", 1), ("z", 0)]
        class M:
            def items(self):
                return [(2, "x"), (1, "y")]
        assert mod.sorted_items(M()) == [(1, "y"), (2, "x")]
        for bad, exc in ((1, AttributeError), ({1: 0, "a": 1}, TypeError)):
            try:
                mod.sorted_items(bad)
            except exc:
                pass
            else:
                raise AssertionError(bad)
        try:
            mod.sort((3, 1))
        except TypeError as e:
            assert "IslList_Sort: expected a list, got tuple" in str(e)
        l = [3, 1, 2]
        mod.sort(l)
        assert l == [1, 2, 3]
        """, make_module(ITEMS, ["sorted_items_def", "sort_def"]))


ITERATION = r"""
/* IslDict_Next: the (key, value) pairs, or only keys or only values */
static IslHandle dict_pairs(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "dict_pairs(d, which)");
    int64_t which = IslLong_AsInt64(ctx, args[1]); /* 0: pairs, 1: keys, 2: values */
    if (which == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    if (which < 0 || which > 2) return IslErr_SetString(ctx, ctx->h_ValueError, "which: 0, 1 or 2");
    IslHandle out = IslList_New(ctx);
    if (IslHandle_IsNull(out)) return ISL_NULL;
    IslSsize pos = 0;
    IslHandle k = ISL_NULL, v = ISL_NULL;
    int r;
    while ((r = IslDict_Next(ctx, args[0], &pos, which == 2 ? NULL : &k, which == 1 ? NULL : &v)) == 1) {
        IslHandle pair[2] = {k, v};
        IslHandle item = which == 1 ? IslHandle_Dup(ctx, k) : which == 2 ? IslHandle_Dup(ctx, v)
                                                                         : IslTuple_New(ctx, pair, 2);
        IslHandle_Close(ctx, k);
        IslHandle_Close(ctx, v);
        k = v = ISL_NULL;
        if (IslHandle_IsNull(item) || IslList_Append(ctx, out, item) < 0) r = -1;
        IslHandle_Close(ctx, item);
        if (r < 0) break;
    }
    if (r < 0) {
        IslHandle_Close(ctx, out);
        return ISL_NULL;
    }
    return out;
}
/* depth(n): n levels of C recursion, each counted by IslRecursion_Enter */
static IslHandle depth(IslContext *ctx, IslHandle m, IslHandle n) {
    int64_t left = IslLong_AsInt64(ctx, n);
    if (left == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    if (left == 0) return IslLong_FromInt64(ctx, 0);
    int entered = IslRecursion_Enter(ctx, " in depth");
    if (entered != 0) /* -1 is the one failure; anything else would recurse on */
        return entered == -1 ? ISL_NULL : IslErr_SetString(ctx, ctx->h_SystemError, "IslRecursion_Enter: not -1");
    IslHandle next = IslLong_FromInt64(ctx, left - 1);
    IslHandle r = IslHandle_IsNull(next) ? ISL_NULL : depth(ctx, m, next);
    IslRecursion_Leave(ctx);
    IslHandle_Close(ctx, next);
    if (IslHandle_IsNull(r)) return ISL_NULL;
    int64_t below = IslLong_AsInt64(ctx, r);
    IslHandle_Close(ctx, r);
    return IslLong_FromInt64(ctx, below + 1);
}
static IslHandle generic_get(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "generic_get(obj, name)");
    return IslObject_GenericGetAttr(ctx, args[0], args[1]);
}
/* generic_set(obj, name[, value]): no value deletes */
static IslHandle generic_set(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    if (nargs < 2 || nargs > 3) return IslErr_SetString(ctx, ctx->h_TypeError, "generic_set(obj, name[, value])");
    if (IslObject_GenericSetAttr(ctx, args[0], args[1], nargs == 3 ? args[2] : ISL_NULL) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle add_type(IslContext *ctx, IslHandle m, IslHandle type) {
    return IslModule_AddType(ctx, m, type) < 0 ? ISL_NULL : IslHandle_Dup(ctx, ctx->h_None);
}
/* IslSequence_Fast, then its items: (the items as a tuple, whether it was obj itself) */
static IslHandle fast_items(IslContext *ctx, IslHandle m, IslHandle obj) {
    IslHandle fast = IslSequence_Fast(ctx, obj, "fast_items() needs an iterable");
    if (IslHandle_IsNull(fast)) return ISL_NULL;
    IslSsize n;
    const IslHandle *items = IslSequence_FastItems(ctx, fast, &n);
    IslHandle out[2] = {items ? IslTuple_New(ctx, items, n) : ISL_NULL, IslBool_FromBool(ctx, IslObject_Is(ctx, fast, obj))};
    IslHandle_Close(ctx, fast);
    IslHandle r = IslHandle_IsNull(out[0]) ? ISL_NULL : IslTuple_New(ctx, out, 2);
    IslHandle_Close(ctx, out[0]);
    IslHandle_Close(ctx, out[1]);
    return r;
}
ISL_DEF_METH_O(fast_items_def, "fast_items", fast_items, "");
ISL_DEF_METH_FASTCALL(dict_pairs_def, "dict_pairs", dict_pairs, "");
ISL_DEF_METH_O(depth_def, "depth", depth, "");
ISL_DEF_METH_FASTCALL(generic_get_def, "generic_get", generic_get, "");
ISL_DEF_METH_FASTCALL(generic_set_def, "generic_set", generic_set, "");
ISL_DEF_METH_O(add_type_def, "add_type", add_type, "");
"""


def test_dict_iteration_recursion_and_generic_attributes(run, make_module):
    """IslSequence_Fast, IslDict_Next, IslRecursion_Enter/Leave,
    IslObject_GenericGetAttr/SetAttr and IslModule_AddType against what
    Python does."""
    run("""
        import sys
        import islhelpers as t
        l, tup = [1, "a"], (None,)
        assert mod.fast_items(l) == ((1, "a"), True) and mod.fast_items(tup) == ((None,), True)
        assert mod.fast_items([]) == ((), True) and mod.fast_items(()) == ((), True)  # never NULL when empty
        class L(list): pass
        assert mod.fast_items(L([1])) == ((1,), False)  # only an exact list or tuple is used as is
        assert mod.fast_items(iter("ab")) == (("a", "b"), False) and mod.fast_items({3: 0}) == ((3,), False)
        t.raises(TypeError, mod.fast_items, 5, match="fast_items.. needs an iterable")
        def broken():
            yield 1
            raise ZeroDivisionError
        t.raises(ZeroDivisionError, mod.fast_items, broken())
        d = {"a": 1, 2: [3], None: None}
        assert mod.dict_pairs(d, 0) == list(d.items())
        assert mod.dict_pairs(d, 1) == list(d) and mod.dict_pairs(d, 2) == list(d.values())
        assert mod.dict_pairs({}, 0) == []
        class D(dict): pass
        assert mod.dict_pairs(D(x=1), 0) == [("x", 1)]
        t.raises(TypeError, mod.dict_pairs, [("a", 1)], 0)
        t.raises(TypeError, mod.dict_pairs, d, "0")
        t.raises(ValueError, mod.dict_pairs, d, 3)
        assert mod.depth(0) == 0 and mod.depth(200) == 200
        def too_deep(outcome):
            try:
                mod.depth(30000)
            except RecursionError as e:
                outcome.append(str(e))
            else:
                outcome.append(None)
        outcome = []
        if sys.version_info < (3, 14):
            too_deep(outcome)  # past the C recursion limit, a count (3.13's is under 10000)
        else:
            # From 3.14 the limit is the C stack itself: a thread with a small
            # one reaches it well before 30000 levels.
            import threading
            old = threading.stack_size(256 * 1024)
            try:
                worker = threading.Thread(target=too_deep, args=(outcome,))
                worker.start()
                worker.join()
            finally:
                threading.stack_size(old)
        assert outcome and outcome[0] is not None, "no RecursionError"
        assert outcome[0].endswith(" in depth"), outcome[0]
        assert mod.depth(50) == 50  # the levels were all left again
        class P:
            cls_attr = "class"
            @property
            def prop(self): return "property"
            def __getattr__(self, name): return "fallback"  # generic lookup does not call it
        p = P()
        mod.generic_set(p, "x", 5)
        assert p.x == 5 and mod.generic_get(p, "x") == 5
        assert mod.generic_get(p, "cls_attr") == "class" and mod.generic_get(p, "prop") == "property"
        t.raises(AttributeError, mod.generic_get, p, "missing")
        mod.generic_set(p, "x")
        assert "x" not in vars(p)
        t.raises(AttributeError, mod.generic_set, p, "x")  # deleting what is not there
        t.raises(AttributeError, mod.generic_set, p, "prop", 1)  # a property without a setter
        t.raises(TypeError, mod.generic_get, p, 1)
        class Added: pass
        mod.add_type(Added)
        assert mod.Added is Added
        t.raises(TypeError, mod.add_type, 1)
        """, make_module(ITERATION, ["fast_items_def", "dict_pairs_def", "depth_def", "generic_get_def", "generic_set_def",
                                    "add_type_def"]))

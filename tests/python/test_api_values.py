"""The value API of the stable tier: handles, constants, numbers, str,
bytes, tuple, list and dict, each in the main and an own-GIL interpreter."""

NUMBERS = r"""
static IslHandle roundtrip_i64(IslContext *ctx, IslHandle m, IslHandle arg) {
    int64_t v = IslLong_AsInt64(ctx, arg);
    if (v == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslLong_FromInt64(ctx, v);
}
/* IslLong_AsInt64AndOverflow: (value, overflow), or the exception with overflow 0 */
static IslHandle i64_overflow(IslContext *ctx, IslHandle m, IslHandle arg) {
    int overflow = 7;
    int64_t v = IslLong_AsInt64AndOverflow(ctx, arg, &overflow);
    if (v == -1 && !overflow && IslErr_Occurred(ctx)) return ISL_NULL;
    if (overflow && (v != -1 || IslErr_Occurred(ctx)))
        return IslErr_SetString(ctx, ctx->h_SystemError, "overflow reported with a value or an exception");
    IslHandle items[2] = {IslLong_FromInt64(ctx, v), IslLong_FromInt64(ctx, overflow)};
    IslHandle r = IslTuple_New(ctx, items, 2);
    IslHandle_Close(ctx, items[0]);
    IslHandle_Close(ctx, items[1]);
    return r;
}
/* IslObject_Id(a) == id(a), the same through a second handle */
static IslHandle id_of(IslContext *ctx, IslHandle m, IslHandle arg) {
    IslHandle d = IslHandle_Dup(ctx, arg);
    IslHandle a = IslObject_Id(ctx, arg), b = IslObject_Id(ctx, d);
    IslHandle_Close(ctx, d);
    if (IslHandle_IsNull(a) || IslHandle_IsNull(b)) {
        IslHandle_Close(ctx, a);
        IslHandle_Close(ctx, b);
        return ISL_NULL;
    }
    int same = IslObject_RichCompareBool(ctx, a, b, ISL_EQ);
    IslHandle_Close(ctx, b);
    if (same != 1) {
        IslHandle_Close(ctx, a);
        return same < 0 ? ISL_NULL : IslErr_SetString(ctx, ctx->h_SystemError, "two handles, two ids");
    }
    return a;
}
static IslHandle id_of_null(IslContext *ctx, IslHandle m) { return IslObject_Id(ctx, ISL_NULL); }
static IslHandle roundtrip_u64(IslContext *ctx, IslHandle m, IslHandle arg) {
    uint64_t v = IslLong_AsUInt64(ctx, arg);
    if (v == (uint64_t)-1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslLong_FromUInt64(ctx, v);
}
static IslHandle roundtrip_ssize(IslContext *ctx, IslHandle m, IslHandle arg) {
    IslSsize v = IslLong_AsSsize(ctx, arg);
    if (v == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslLong_FromSsize(ctx, v);
}
static IslHandle roundtrip_size(IslContext *ctx, IslHandle m, IslHandle arg) {
    size_t v = IslLong_AsSize(ctx, arg);
    if (v == (size_t)-1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslLong_FromSize(ctx, v);
}
static IslHandle roundtrip_double(IslContext *ctx, IslHandle m, IslHandle arg) {
    double v = IslFloat_AsDouble(ctx, arg);
    if (v == -1.0 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslFloat_FromDouble(ctx, v);
}
static IslHandle to_bool(IslContext *ctx, IslHandle m, IslHandle arg) {
    int t = IslObject_IsTrue(ctx, arg);
    return t < 0 ? ISL_NULL : IslBool_FromBool(ctx, t);
}
static IslHandle index_of(IslContext *ctx, IslHandle m, IslHandle arg) { return IslNumber_Index(ctx, arg); }
static IslHandle checks(IslContext *ctx, IslHandle m, IslHandle a) {
    char buf[16];
    buf[0] = '0' + IslLong_Check(ctx, a); buf[1] = '0' + IslFloat_Check(ctx, a);
    buf[2] = '0' + IslStr_Check(ctx, a); buf[3] = '0' + IslBytes_Check(ctx, a);
    buf[4] = '0' + IslTuple_Check(ctx, a); buf[5] = '0' + IslList_Check(ctx, a);
    buf[6] = '0' + IslList_CheckExact(ctx, a); buf[7] = '0' + IslDict_Check(ctx, a);
    return IslStr_FromUTF8AndSize(ctx, buf, 8);
}
/* type(a) is t exactly (0 for the null handle), PyNumber_Check, PyIndex_Check */
static IslHandle kinds(IslContext *ctx, IslHandle m, IslHandle const *args, size_t nargs) {
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "kinds(value, type)");
    char buf[4] = {'0' + IslObject_TypeIs(ctx, args[0], args[1]), '0' + IslNumber_Check(ctx, args[0]),
                   '0' + IslIndex_Check(ctx, args[0]),
                   '0' + (IslObject_TypeIs(ctx, ISL_NULL, args[1]) + IslNumber_Check(ctx, ISL_NULL) +
                          IslIndex_Check(ctx, ISL_NULL))};
    return IslStr_FromUTF8AndSize(ctx, buf, 4);
}
static IslHandle constants(IslContext *ctx, IslHandle m) {
    IslHandle items[5] = {ctx->h_None, ctx->h_True, ctx->h_False, ctx->h_NotImplemented, ctx->h_Ellipsis};
    return IslTuple_New(ctx, items, 5);
}
static IslHandle types(IslContext *ctx, IslHandle m) {
    IslHandle items[10] = {ctx->h_ObjectType, ctx->h_TypeType, ctx->h_LongType, ctx->h_FloatType,
                           ctx->h_BoolType, ctx->h_StrType, ctx->h_BytesType, ctx->h_TupleType,
                           ctx->h_ListType, ctx->h_DictType};
    return IslTuple_New(ctx, items, 10);
}
static IslHandle dup_is(IslContext *ctx, IslHandle m, IslHandle a) {
    IslHandle d = IslHandle_Dup(ctx, a);
    int same = IslObject_Is(ctx, a, d) && !IslObject_Is(ctx, a, ctx->h_None) == !IslObject_Is(ctx, d, ctx->h_None);
    IslHandle_Close(ctx, d);
    IslHandle_Close(ctx, ISL_NULL); /* closing null is a no-op */
    return IslBool_FromBool(ctx, same && IslHandle_IsNull(ISL_NULL));
}
ISL_DEF_METH_O(i64_def, "i64", roundtrip_i64, "");
ISL_DEF_METH_O(u64_def, "u64", roundtrip_u64, "");
ISL_DEF_METH_O(i64_overflow_def, "i64_overflow", i64_overflow, "");
ISL_DEF_METH_O(id_def, "id_of", id_of, "");
ISL_DEF_METH_NOARGS(id_null_def, "id_of_null", id_of_null, "");
ISL_DEF_METH_O(ssize_def, "ssize", roundtrip_ssize, "");
ISL_DEF_METH_O(size_def, "size", roundtrip_size, "");
ISL_DEF_METH_O(double_def, "double", roundtrip_double, "");
ISL_DEF_METH_O(bool_def, "to_bool", to_bool, "");
ISL_DEF_METH_O(index_def, "index", index_of, "");
ISL_DEF_METH_O(checks_def, "checks", checks, "");
ISL_DEF_METH_FASTCALL(kinds_def, "kinds", kinds, "");
ISL_DEF_METH_NOARGS(constants_def, "constants", constants, "");
ISL_DEF_METH_NOARGS(types_def, "types", types, "");
ISL_DEF_METH_O(dup_def, "dup_is", dup_is, "");
"""
NUMBER_METHODS = ["i64_def", "i64_overflow_def", "id_def", "id_null_def", "u64_def", "ssize_def", "size_def", "double_def", "bool_def", "index_def",
                  "checks_def", "kinds_def", "constants_def", "types_def", "dup_def"]


def test_numbers(run, make_module):
    run("""
        import islhelpers as t
        class Idx:
            def __index__(self): return 42
        assert mod.i64(2**63 - 1) == 2**63 - 1 and mod.i64(-2**63) == -2**63
        assert mod.i64(Idx()) == 42 and mod.i64(True) == 1
        t.raises(OverflowError, mod.i64, 2**63)
        t.raises(TypeError, mod.i64, "1", match="'str' object cannot be interpreted as an integer")
        t.raises(TypeError, mod.i64, 1.5)
        for v, want in [(0, (0, 0)), (-1, (-1, 0)), (2**63 - 1, (2**63 - 1, 0)), (-2**63, (-2**63, 0)),
                        (2**63, (-1, 1)), (-2**63 - 1, (-1, -1)), (10**40, (-1, 1)), (-10**40, (-1, -1)),
                        (True, (1, 0)), (Idx(), (42, 0)), (2**30, (2**30, 0)), (-(2**30) + 1, (-(2**30) + 1, 0))]:
            assert mod.i64_overflow(v) == want, (v, mod.i64_overflow(v), want)
        t.raises(TypeError, mod.i64_overflow, "1")
        t.raises(TypeError, mod.i64_overflow, 1.5)
        for o in (object(), None, 1, "s", [], 10**30):
            assert mod.id_of(o) == id(o)
        t.raises(SystemError, mod.id_of_null)
        assert mod.u64(2**64 - 1) == 2**64 - 1
        t.raises(OverflowError, mod.u64, -1)
        t.raises(OverflowError, mod.u64, 2**64)
        assert mod.ssize(-5) == -5 and mod.size(2**63) == 2**63
        t.raises(OverflowError, mod.size, -1)
        assert mod.double(1.25) == 1.25 and mod.double(3) == 3.0 and mod.double(Idx()) == 42.0
        t.raises(TypeError, mod.double, "x")
        assert mod.to_bool([]) is False and mod.to_bool([0]) is True
        assert mod.index(Idx()) == 42
        t.raises(TypeError, mod.index, 1.0)
        assert mod.checks(1) == "10000000" and mod.checks(True) == "10000000"
        assert mod.checks(1.0) == "01000000" and mod.checks("s") == "00100000"
        assert mod.checks(b"b") == "00010000" and mod.checks(()) == "00001000"
        assert mod.checks([]) == "00000110" and mod.checks({}) == "00000001"
        class L(list): pass
        assert mod.checks(L()) == "00000100"
        class I(int): pass
        class F:
            def __float__(self): return 1.0
        class Meta(type):
            def __float__(cls): return 1.0  # makes the class a number, not its instances
        class OnlyMeta(metaclass=Meta): pass
        class OnlyComplex:
            def __complex__(self): return 1j
        class C(complex): pass
        for value, of, want in [(1, int, "1110"), (True, int, "0110"), (I(2), int, "0110"), (I(2), I, "1110"),
                                (1.5, float, "1100"), (1j, complex, "1100"), (Idx(), Idx, "1110"), (F(), F, "1100"),
                                ("1", str, "1000"), ({}, dict, "1000"), (L(), list, "0000"), (None, 3, "0000"),
                                (b"", None, "0000"), (OnlyMeta(), OnlyMeta, "1000"), (OnlyComplex(), int, "0000"),
                                (C(1j), complex, "0100"), (None, type(None), "1000")]:
            assert mod.kinds(value, of) == want, (value, of, mod.kinds(value, of), want)
        assert mod.constants() == (None, True, False, NotImplemented, Ellipsis)
        assert mod.types() == (object, type, int, float, bool, str, bytes, tuple, list, dict)
        assert mod.dup_is(object()) is True
    """, make_module(NUMBERS, NUMBER_METHODS))


STRINGS = r"""
static IslHandle str_roundtrip(IslContext *ctx, IslHandle m, IslHandle arg) {
    IslSsize n;
    const char *s = IslStr_AsUTF8AndSize(ctx, arg, &n);
    if (!s) return ISL_NULL;
    return IslStr_FromUTF8AndSize(ctx, s, n);
}
static IslHandle str_from_bytes(IslContext *ctx, IslHandle m, IslHandle arg) {
    const char *s = IslBytes_AsString(ctx, arg);
    if (!s) return ISL_NULL;
    return IslStr_FromUTF8AndSize(ctx, s, IslBytes_Size(ctx, arg));
}
static IslHandle str_cstring(IslContext *ctx, IslHandle m, IslHandle arg) {
    const char *s = IslBytes_AsString(ctx, arg);
    if (!s) return ISL_NULL;
    return IslStr_FromUTF8(ctx, s);
}
static IslHandle bytes_roundtrip(IslContext *ctx, IslHandle m, IslHandle arg) {
    const char *s = IslBytes_AsString(ctx, arg);
    IslSsize n = IslBytes_Size(ctx, arg);
    if (!s || n < 0) return ISL_NULL;
    return IslBytes_FromStringAndSize(ctx, s, n);
}
static IslHandle str_size(IslContext *ctx, IslHandle m, IslHandle arg) {
    IslSsize n = -2;
    if (!IslStr_AsUTF8AndSize(ctx, arg, &n)) return ISL_NULL;
    return IslLong_FromSsize(ctx, n);
}
ISL_DEF_METH_O(str_def, "str_roundtrip", str_roundtrip, "");
ISL_DEF_METH_O(sfb_def, "str_from_bytes", str_from_bytes, "");
ISL_DEF_METH_O(sc_def, "str_cstring", str_cstring, "");
ISL_DEF_METH_O(bytes_def, "bytes_roundtrip", bytes_roundtrip, "");
ISL_DEF_METH_O(size_def, "str_size", str_size, "");
"""


def test_str_and_bytes(run, make_module):
    run("""
        import islhelpers as t
        for s in ["", "ascii", "h\\u00e9llo \\u4e16\\u754c \\U0001F600", "nul\\0inside"]:
            assert mod.str_roundtrip(s) == s
        assert mod.str_size("\\u00e9") == 2
        t.raises(TypeError, mod.str_roundtrip, b"bytes", match="expected str, got bytes")
        t.raises(UnicodeEncodeError, mod.str_roundtrip, "\\ud800")
        assert mod.str_from_bytes("\\u00e9t\\u00e9".encode()) == "\\u00e9t\\u00e9"
        t.raises(UnicodeDecodeError, mod.str_from_bytes, b"\\xff\\xfe")
        assert mod.str_cstring(b"stop\\0here") == "stop"
        for b in [b"", b"abc", bytes(range(256))]:
            assert mod.bytes_roundtrip(b) == b
        t.raises(TypeError, mod.bytes_roundtrip, bytearray(b"x"), match="expected bytes")
    """, make_module(STRINGS, ["str_def", "sfb_def", "sc_def", "bytes_def", "size_def"]))


CONTAINERS = r"""
static IslHandle tuple_ops(IslContext *ctx, IslHandle m, IslHandle t) {
    IslSsize n = IslTuple_Size(ctx, t);
    if (n < 0) return ISL_NULL;
    IslHandle l = IslList_New(ctx);
    for (IslSsize i = n - 1; i >= 0; --i) {
        IslHandle item = IslTuple_GetItem(ctx, t, i);
        if (IslHandle_IsNull(item) || IslList_Append(ctx, l, item) < 0) return ISL_NULL;
        IslHandle_Close(ctx, item);
    }
    return l;
}
static IslHandle tuple_get(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslTuple_GetItem(ctx, args[0], IslLong_AsSsize(ctx, args[1]));
}
static IslHandle list_ops(IslContext *ctx, IslHandle m, IslHandle l) {
    /* [a, b, c] -> [c, 'x', a, b] via insert, set, swap and pop */
    IslHandle x = IslStr_FromUTF8(ctx, "x");
    if (IslList_Insert(ctx, l, 1, x) < 0) return ISL_NULL;  /* a x b c */
    IslHandle_Close(ctx, x);
    IslHandle last = IslList_Pop(ctx, l, -1);                /* a x b   */
    if (IslHandle_IsNull(last)) return ISL_NULL;
    if (IslList_Insert(ctx, l, 0, last) < 0) return ISL_NULL; /* c a x b */
    IslHandle_Close(ctx, last);
    if (IslList_Swap(ctx, l, 1, 2) < 0) return ISL_NULL;      /* c x a b */
    return IslLong_FromSsize(ctx, IslList_Size(ctx, l));
}
static IslHandle list_index(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslSsize i = IslLong_AsSsize(ctx, args[1]);
    if (nargs == 3) return IslList_SetItem(ctx, args[0], i, args[2]) < 0 ? ISL_NULL : IslHandle_Dup(ctx, ctx->h_None);
    return IslList_GetItem(ctx, args[0], i);
}
static IslHandle list_pop(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslList_Pop(ctx, args[0], IslLong_AsSsize(ctx, args[1]));
}
static IslHandle list_swap(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    int r = IslList_Swap(ctx, args[0], IslLong_AsSsize(ctx, args[1]), IslLong_AsSsize(ctx, args[2]));
    return r < 0 ? ISL_NULL : IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle dict_ops(IslContext *ctx, IslHandle m, IslHandle d) {
    IslHandle v = ISL_NULL, one = IslLong_FromInt64(ctx, 1);
    if (IslDict_SetItemString(ctx, d, "one", one) < 0) return ISL_NULL;
    if (IslDict_SetItem(ctx, d, one, one) < 0) return ISL_NULL;
    int found = IslDict_GetItemString(ctx, d, "missing", &v);
    if (found != 0 || !IslHandle_IsNull(v)) return IslErr_SetString(ctx, ctx->h_AssertionError, "missing found");
    found = IslDict_GetItem(ctx, d, one, &v);
    if (found != 1 || !IslObject_Is(ctx, v, one)) return IslErr_SetString(ctx, ctx->h_AssertionError, "1 not found");
    IslHandle_Close(ctx, v);
    IslHandle_Close(ctx, one);
    IslHandle k = IslStr_FromUTF8(ctx, "drop");
    if (IslDict_DelItem(ctx, d, k) < 0) return ISL_NULL;
    IslHandle_Close(ctx, k);
    IslHandle keys = IslDict_Keys(ctx, d);
    IslHandle items[2] = {keys, ISL_NULL};
    items[1] = IslLong_FromSsize(ctx, IslDict_Size(ctx, d));
    IslHandle r = IslTuple_New(ctx, items, 2);
    IslHandle_Close(ctx, keys);
    IslHandle_Close(ctx, items[1]);
    return r;
}
static IslHandle dict_get(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle v;
    int r = IslDict_GetItem(ctx, args[0], args[1], &v);
    if (r < 0) return ISL_NULL;
    return r ? v : IslStr_FromUTF8(ctx, "<absent>");
}
ISL_DEF_METH_O(tuple_def, "tuple_reversed", tuple_ops, "");
ISL_DEF_METH_FASTCALL(tget_def, "tuple_get", tuple_get, "");
ISL_DEF_METH_O(list_def, "list_ops", list_ops, "");
ISL_DEF_METH_FASTCALL(lidx_def, "list_index", list_index, "");
ISL_DEF_METH_FASTCALL(lpop_def, "list_pop", list_pop, "");
ISL_DEF_METH_FASTCALL(lswap_def, "list_swap", list_swap, "");
ISL_DEF_METH_O(dict_def, "dict_ops", dict_ops, "");
ISL_DEF_METH_FASTCALL(dget_def, "dict_get", dict_get, "");
"""


def test_containers(run, make_module):
    run("""
        import islhelpers as t
        assert mod.tuple_reversed((1, 2, 3)) == [3, 2, 1]
        t.raises(TypeError, mod.tuple_reversed, [1], match="expected tuple, got list")
        t.raises(IndexError, mod.tuple_get, (1,), 1)
        t.raises(IndexError, mod.tuple_get, (1,), -1)
        l = ["a", "b", "c"]
        assert mod.list_ops(l) == 4 and l == ["c", "x", "a", "b"]
        t.raises(TypeError, mod.list_ops, ("a",), match="expected list, got tuple")
        assert mod.list_index([5, 6], 1) == 6
        t.raises(IndexError, mod.list_index, [5, 6], 2)
        t.raises(IndexError, mod.list_index, [5, 6], -1)
        l = [1, 2]; mod.list_index(l, 0, "z"); assert l == ["z", 2]
        t.raises(IndexError, mod.list_index, l, 5, "z")
        t.raises(IndexError, mod.list_pop, [], -1, match="pop from empty list")
        assert mod.list_pop([1, 2, 3], 0) == 1
        t.raises(IndexError, mod.list_swap, [1], 0, 1)
        d = {"drop": 0}
        keys, size = mod.dict_ops(d)
        assert sorted(map(str, keys)) == ["1", "one"] and size == 2 and d == {"one": 1, 1: 1}
        t.raises(KeyError, mod.dict_ops, {})
        t.raises(TypeError, mod.dict_ops, [], match="expected dict, got list")
        assert mod.dict_get({1: 2}, 1) == 2 and mod.dict_get({}, 1) == "<absent>"
        t.raises(TypeError, mod.dict_get, {}, [], match="unhashable")
    """, make_module(CONTAINERS, ["tuple_def", "tget_def", "list_def", "lidx_def", "lpop_def", "lswap_def",
                                  "dict_def", "dget_def"]))

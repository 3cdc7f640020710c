"""The text and number API of ABI 0.2: str contents, encodings, the str
builder, numbers to and from text, and their errors, in both interpreter
modes."""

TEXT = r"""
static IslHandle str_data(IslContext *ctx, IslHandle m, IslHandle s) {
    /* (kind, length, code points as a list) */
    int kind;
    IslSsize n;
    const void *data = IslStr_Data(ctx, s, &kind, &n);
    if (!data) return ISL_NULL;
    IslHandle list = IslList_New(ctx);
    for (IslSsize i = 0; i < n && !IslHandle_IsNull(list); i++) {
        uint32_t c = kind == 1 ? ((const uint8_t *)data)[i] : kind == 2 ? ((const uint16_t *)data)[i]
                                                                        : ((const uint32_t *)data)[i];
        IslHandle v = IslLong_FromInt64(ctx, c);
        IslList_Append(ctx, list, v);
        IslHandle_Close(ctx, v);
    }
    IslHandle out[3] = {IslLong_FromInt64(ctx, kind), IslLong_FromSsize(ctx, n), list};
    IslHandle t = IslTuple_New(ctx, out, 3);
    for (int i = 0; i < 3; i++) IslHandle_Close(ctx, out[i]);
    return t;
}
static IslHandle from_kind(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (kind, bytes) -> str */
    int kind = (int)IslLong_AsInt64(ctx, args[0]);
    IslSsize size = IslBytes_Size(ctx, args[1]);
    const char *data = IslBytes_AsString(ctx, args[1]);
    if (!data) return ISL_NULL;
    return IslStr_FromKindAndData(ctx, kind, data, kind > 0 ? size / kind : size);
}
static IslHandle codec(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (str or bytes, encoding or None, errors or None) */
    const char *enc = IslObject_Is(ctx, args[1], ctx->h_None) ? NULL : IslStr_AsUTF8AndSize(ctx, args[1], NULL);
    const char *err = IslObject_Is(ctx, args[2], ctx->h_None) ? NULL : IslStr_AsUTF8AndSize(ctx, args[2], NULL);
    if (IslStr_Check(ctx, args[0])) return IslStr_Encode(ctx, args[0], enc, err);
    const char *data = IslBytes_AsString(ctx, args[0]);
    return data ? IslStr_Decode(ctx, data, IslBytes_Size(ctx, args[0]), enc, err) : ISL_NULL;
}
static IslHandle build(IslContext *ctx, IslHandle m, IslHandle parts) {
    /* parts: str (appended), int (a code point), bytes (UTF-8) */
    IslStrBuilder *b = IslStrBuilder_New(ctx, 8);
    if (!b) return ISL_NULL;
    IslSsize n;
    const IslHandle *items = IslSequence_FastItems(ctx, parts, &n);
    for (IslSsize i = 0; items && i < n; i++) {
        int r;
        if (IslStr_Check(ctx, items[i]))
            r = IslStrBuilder_AppendStr(ctx, b, items[i]);
        else if (IslLong_Check(ctx, items[i]))
            r = IslStrBuilder_AppendChar(ctx, b, (uint32_t)IslLong_AsInt64(ctx, items[i]));
        else
            r = IslStrBuilder_AppendUTF8(ctx, b, IslBytes_AsString(ctx, items[i]), IslBytes_Size(ctx, items[i]));
        if (r < 0) {
            IslStrBuilder_Discard(ctx, b);
            return ISL_NULL;
        }
    }
    if (!items) {
        IslStrBuilder_Discard(ctx, b);
        return ISL_NULL;
    }
    return IslStrBuilder_Finish(ctx, b);
}
static IslHandle parse_num(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    /* (bytes, base or None) -> int(text, base), or float(text) when base is None */
    const char *s = IslBytes_AsString(ctx, args[0]);
    if (!s) return ISL_NULL;
    IslSsize n = IslBytes_Size(ctx, args[0]);
    if (IslObject_Is(ctx, args[1], ctx->h_None)) return IslFloat_FromUTF8AndSize(ctx, s, n);
    return IslLong_FromUTF8AndSize(ctx, s, n, (int)IslLong_AsInt64(ctx, args[1]));
}
static IslHandle reprs(IslContext *ctx, IslHandle m, IslHandle x) {
    /* (float repr of float(x), int repr of x if an int, '%.3e' of x) */
    double d = IslFloat_AsDouble(ctx, x);
    if (d == -1.0 && IslErr_Occurred(ctx)) return ISL_NULL;
    IslHandle out[3];
    out[0] = IslFloat_Repr(ctx, d);
    out[1] = IslLong_Check(ctx, x) ? IslLong_Repr(ctx, x) : IslHandle_Dup(ctx, ctx->h_None);
    out[2] = IslStr_FromFormatFloat(ctx, d, 'e', 3);
    IslHandle t = IslTuple_New(ctx, out, 3);
    for (int i = 0; i < 3; i++) IslHandle_Close(ctx, out[i]);
    return t;
}
static IslHandle fmt_bad(IslContext *ctx, IslHandle m, IslHandle x) {
    return IslStr_FromFormatFloat(ctx, 1.0, 'q', 2);
}
static IslHandle misc(IslContext *ctx, IslHandle m, IslHandle x) {
    /* (join, tuple(x), float(x[0]), callable(x), setdefault) */
    IslHandle sep = IslStr_FromUTF8(ctx, "-");
    IslHandle out[5];
    out[0] = IslStr_Join(ctx, sep, x);
    IslHandle_Close(ctx, sep);
    if (IslHandle_IsNull(out[0])) return ISL_NULL;
    out[1] = IslSequence_Tuple(ctx, x);
    IslHandle first = IslSequence_GetItem(ctx, x, 0);
    out[2] = IslNumber_Float(ctx, first);
    IslHandle_Close(ctx, first);
    if (IslHandle_IsNull(out[2])) { IslErr_Clear(ctx); out[2] = IslHandle_Dup(ctx, ctx->h_None); }
    out[3] = IslBool_FromBool(ctx, IslCallable_Check(ctx, x));
    IslHandle d = IslDict_New(ctx), k = IslStr_FromUTF8(ctx, "k"), one = IslLong_FromInt64(ctx, 1);
    IslHandle two = IslLong_FromInt64(ctx, 2);
    IslHandle a = IslDict_SetDefault(ctx, d, k, one), b = IslDict_SetDefault(ctx, d, k, two);
    IslHandle pair[2] = {a, b};
    out[4] = IslTuple_New(ctx, pair, 2);
    IslHandle_Close(ctx, a); IslHandle_Close(ctx, b); IslHandle_Close(ctx, d); IslHandle_Close(ctx, k);
    IslHandle_Close(ctx, one); IslHandle_Close(ctx, two);
    IslHandle t = IslTuple_New(ctx, out, 5);
    for (int i = 0; i < 5; i++) IslHandle_Close(ctx, out[i]);
    return t;
}
ISL_DEF_METH_O(str_data_def, "str_data", str_data, "");
ISL_DEF_METH_FASTCALL(from_kind_def, "from_kind", from_kind, "");
ISL_DEF_METH_FASTCALL(codec_def, "codec", codec, "");
ISL_DEF_METH_O(build_def, "build", build, "");
ISL_DEF_METH_FASTCALL(parse_num_def, "parse_num", parse_num, "");
ISL_DEF_METH_O(reprs_def, "reprs", reprs, "");
ISL_DEF_METH_O(fmt_bad_def, "fmt_bad", fmt_bad, "");
ISL_DEF_METH_O(misc_def, "misc", misc, "");
"""
TEXT_METHODS = ["str_data_def", "from_kind_def", "codec_def", "build_def", "parse_num_def", "reprs_def",
                "fmt_bad_def", "misc_def"]


def test_text_and_numbers(run, make_module):
    run("""
        import islhelpers as t
        for s, kind in (("abc", 1), ("\\u00e9t\\u00e9", 1), ("\\u6f22\\u5b57", 2), ("a\\U0001f600", 4), ("", 1)):
            assert mod.str_data(s) == (kind, len(s), [ord(c) for c in s]), s
        t.raises(TypeError, mod.str_data, b"bytes")
        assert mod.from_kind(2, "\\u6f22z".encode("utf-16-le")) == "\\u6f22z"
        assert mod.from_kind(1, b"") == ""
        e = t.raises(ValueError, mod.from_kind, 3, b"abc")
        assert "kind must be 1, 2 or 4" in str(e)
        assert mod.codec("h\\u00e9", None, None) == "h\\u00e9".encode()
        assert mod.codec(b"h\\xc3\\xa9", None, None) == "h\\u00e9"
        assert mod.codec("h\\u00e9", "latin-1", None) == b"h\\xe9"
        assert mod.codec(b"\\xff", "utf-8", "replace") == "\\ufffd"
        t.raises(UnicodeDecodeError, mod.codec, b"\\xff", None, None)
        t.raises(UnicodeEncodeError, mod.codec, "\\u20ac", "ascii", None)
        t.raises(LookupError, mod.codec, "x", "no-such-codec", None)
        assert mod.build(["ab", 0x20ac, "\\u6f22".encode(), b"ascii", 0x1f600]) == "ab\\u20ac\\u6f22ascii\\U0001f600"
        assert mod.build([]) == ""
        e = t.raises(ValueError, mod.build, ["x", 0x110000])
        assert "above U+10FFFF" in str(e)
        t.raises(UnicodeDecodeError, mod.build, [b"\\xff"])
        assert mod.parse_num(b"123456789012345678901234567890", 10) == 123456789012345678901234567890
        assert mod.parse_num(b"ff", 16) == 255 and mod.parse_num(b" -7 ", 10) == -7
        assert mod.parse_num(b"1e3", None) == 1000.0 and mod.parse_num(b"-inf", None) == float("-inf")
        e = t.raises(ValueError, mod.parse_num, b"12x", 10)
        assert "12x" in str(e)
        t.raises(ValueError, mod.parse_num, b"1.5.", None)
        t.raises(ValueError, mod.parse_num, b"1\\x002", 10)
        assert mod.reprs(0.1) == ("0.1", None, "1.000e-01")
        assert mod.reprs(10**20) == ("1e+20", "100000000000000000000", "1.000e+20")
        class I(int):
            def __repr__(self):
                return "nope"
        assert mod.reprs(I(5))[1] == "5"              # int.__repr__, not the subclass's
        assert mod.reprs(float("nan"))[0] == "nan"
        t.raises(ValueError, mod.fmt_bad, 0)
        assert mod.misc(["1", "2"]) == ("1-2", ("1", "2"), 1.0, False, (1, 1))
        t.raises(TypeError, mod.misc, [1, 2])         # join of non-str
        """, make_module(TEXT, TEXT_METHODS))

"""IslArg_Parse and IslArg_ParseSpec: every format code, and the TypeErrors
that name the function and the argument. Every call site is also built as
IslArg_ParseSpec with a static spec, which must behave identically."""
import re

import pytest

PARSE = r"""
static const char *const kws[] = {"", "obj", "i", "n", "L", "d", "s", "p", NULL};
static IslHandle parse(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    IslHandle pos = ISL_NULL, obj = ISL_NULL;
    int i = -1, p = -1;
    IslSsize n = -1;
    int64_t L = -1;
    double d = -1.5;
    const char *s = "<unset>";
    if (!IslArg_Parse(ctx, args, nargs, kwnames, "OO|inLd$sp:parse", kws, &pos, &obj, &i, &n, &L, &d, &s, &p))
        return ISL_NULL;
    IslHandle out[8];
    out[0] = IslHandle_Dup(ctx, pos);
    out[1] = IslHandle_Dup(ctx, obj);
    out[2] = IslLong_FromInt64(ctx, i);
    out[3] = IslLong_FromSsize(ctx, n);
    out[4] = IslLong_FromInt64(ctx, L);
    out[5] = IslFloat_FromDouble(ctx, d);
    out[6] = IslStr_FromUTF8(ctx, s);
    out[7] = IslLong_FromInt64(ctx, p);
    IslHandle r = IslTuple_New(ctx, out, 8);
    for (int k = 0; k < 8; k++) IslHandle_Close(ctx, out[k]);
    return r;
}
static IslHandle positional(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle a, b = ISL_NULL;
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "O|O:positional", NULL, &a, &b)) return ISL_NULL;
    return IslLong_FromSsize(ctx, IslHandle_IsNull(b) ? 1 : 2);
}
static IslHandle nokw(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    IslHandle a;
    if (!IslArg_Parse(ctx, args, nargs, kwnames, "O:nokw", NULL, &a)) return ISL_NULL;
    return IslHandle_Dup(ctx, a);
}
static IslHandle badformat(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle a;
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "Z:badformat", NULL, &a)) return ISL_NULL;
    return IslHandle_Dup(ctx, a);
}
static IslHandle mismatch(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    static const char *const two[] = {"a", "b", NULL};
    IslHandle a;
    if (!IslArg_Parse(ctx, args, nargs, kwnames, "O:mismatch", two, &a)) return ISL_NULL;
    return IslHandle_Dup(ctx, a);
}
/* A name longer than std::string's small buffer: error messages must not use a freed copy of it. */
static IslHandle longname(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    static const char *const ab[] = {"alpha", "beta", NULL};
    IslHandle a, b = ISL_NULL;
    if (!IslArg_Parse(ctx, args, nargs, kwnames, "O|O:a_function_with_a_rather_long_name", ab, &a, &b))
        return ISL_NULL;
    return IslHandle_Dup(ctx, a);
}
static IslHandle fewer(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    static const char *const one[] = {"a", NULL};
    IslHandle a, b;
    if (!IslArg_Parse(ctx, args, nargs, kwnames, "OO:fewer", one, &a, &b)) return ISL_NULL;
    return IslHandle_Dup(ctx, a);
}
ISL_DEF_METH_KEYWORDS(parse_def, "parse", parse, "");
ISL_DEF_METH_FASTCALL(pos_def, "positional", positional, "");
ISL_DEF_METH_KEYWORDS(nokw_def, "nokw", nokw, "");
ISL_DEF_METH_FASTCALL(bad_def, "badformat", badformat, "");
ISL_DEF_METH_KEYWORDS(mis_def, "mismatch", mismatch, "");
ISL_DEF_METH_KEYWORDS(long_def, "longname", longname, "");
ISL_DEF_METH_KEYWORDS(fewer_def, "fewer", fewer, "");
"""


def with_specs(source):
    """The same module, each IslArg_Parse call site using a static IslArgSpec."""
    counter = iter(range(1000))

    def to_spec(m):
        n = next(counter)
        indent, kwnames, fmt, kws = m.groups()
        return (f"{indent}static IslArgSpec spec_{n} = ISL_ARGSPEC({fmt}, {kws});"
                f"{indent}if (!IslArg_ParseSpec(ctx, args, nargs, {kwnames}, &spec_{n}, ")
    out = re.sub(r'(\n\s*)if \(!IslArg_Parse\(ctx, args, nargs, (\w+), ("[^"]*"), (\w+), ', to_spec, source)
    assert "IslArg_Parse(" not in out
    return out


@pytest.mark.parametrize("api", ["IslArg_Parse", "IslArg_ParseSpec"])
def test_arg_parse(run, make_module, api):
    run("""
        import sys
        import islhelpers as t
        UNEXPECTED = ("^{fn}[(][)] got an unexpected keyword argument '{name}'" if sys.version_info >= (3, 13)
                      else "^'{name}' is an invalid keyword argument for {fn}[(][)]")
        class Idx:
            def __index__(self): return 7
        assert mod.parse(1, 2) == (1, 2, -1, -1, -1, -1.5, "<unset>", -1)
        assert mod.parse(1, 2, 3, Idx(), 2**40, 2.5, s="\\u00e9", p=[1]) == (1, 2, 3, 7, 2**40, 2.5, "\\u00e9", 1)
        assert mod.parse(1, obj=2, d=1, n=4) == (1, 2, -1, 4, -1, 1.0, "<unset>", -1)
        t.raises(TypeError, mod.parse, match=r"parse\\(\\) takes at least 2 positional arguments \\(0 given\\)")
        t.raises(TypeError, mod.parse, 1, match=r"parse\\(\\) missing required argument 'obj' \\(pos 2\\)")
        t.raises(TypeError, mod.parse, 1, 2, 3, 4, 5, 6, 7,
                 match=r"parse\\(\\) takes at most 6 positional arguments \\(7 given\\)")
        t.raises(TypeError, mod.parse, 1, 2, bogus=1, match=UNEXPECTED.format(name="bogus", fn="parse"))
        t.raises(TypeError, mod.parse, 1, 2, obj=3,
                 match=r"argument for parse\\(\\) given by name \\('obj'\\) and position \\(2\\)")
        t.raises(TypeError, mod.parse, pos=1, obj=2, match=UNEXPECTED.format(name="pos", fn="parse"))  # positional-only
        t.raises(TypeError, mod.parse, 1, 2, "x", match=r"parse\\(\\) argument 'i' must be an integer, not str")
        t.raises(TypeError, mod.parse, 1, 2, 1.5, match="argument 'i' must be an integer, not float")
        t.raises(OverflowError, mod.parse, 1, 2, 2**31, match="argument 'i'")
        t.raises(OverflowError, mod.parse, 1, 2, 0, 2**63)
        t.raises(TypeError, mod.parse, 1, 2, d="x", match="argument 'd' must be a real number, not str")
        t.raises(TypeError, mod.parse, 1, 2, s=b"x", match="argument 's' must be str, not bytes")
        t.raises(ValueError, mod.parse, 1, 2, s="a\\0b", match="embedded null character")
        class Bad:
            def __bool__(self): raise RuntimeError("no truth")
        t.raises(RuntimeError, mod.parse, 1, 2, p=Bad(), match="no truth")
        assert mod.positional(1) == 1 and mod.positional(1, 2) == 2
        t.raises(TypeError, mod.positional, match="positional.. takes at least 1 positional argument .0 given")
        t.raises(TypeError, mod.positional, 1, 2, 3, match="takes at most 2 positional arguments .3 given")
        t.raises(TypeError, mod.positional, a=1, match="takes no keyword arguments")
        t.raises(TypeError, mod.nokw, a=1, match=r"nokw\\(\\) takes no keyword arguments")
        t.raises(SystemError, mod.badformat, 1, match="unknown format code 'Z'")
        t.raises(SystemError, mod.mismatch, 1, match="format .O:mismatch. has 1 parameter but 2 keywords")
        t.raises(SystemError, mod.fewer, 1, 2, match="format .OO:fewer. has 2 parameters but 1 keyword$")
        long = "a_function_with_a_rather_long_name"
        t.raises(TypeError, mod.longname, 1, 2, 3, match=f"^{long}[(][)] takes at most 2 positional arguments")
        t.raises(TypeError, mod.longname, 1, gamma=1, match=UNEXPECTED.format(name="gamma", fn=long))
        t.raises(TypeError, mod.longname, match=f"^{long}[(][)] missing required argument 'alpha'")
        t.raises(TypeError, mod.longname, 1, alpha=2, match=f"^argument for {long}[(][)] given by name [(]'alpha'[)]")
    """, make_module(PARSE if api == "IslArg_Parse" else with_specs(PARSE), ["parse_def", "pos_def", "nokw_def", "bad_def", "mis_def", "long_def", "fewer_def"]))


UNPACK = r"""
static const char *const ukws[] = {"", "obj", "c", "d", "e", NULL};
static IslArgSpec unpack_spec = ISL_ARGSPEC("OO|OO$O:unpack", ukws);
static IslArgSpec converting_spec = ISL_ARGSPEC("On:converting", NULL);
/* The matched arguments as a tuple, None where a parameter got nothing. */
static IslHandle unpack(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    IslHandle v[5];
    if (!IslArg_UnpackSpec(ctx, args, nargs, kwnames, &unpack_spec, v)) return ISL_NULL;
    for (int k = 0; k < 5; k++)
        if (IslHandle_IsNull(v[k])) v[k] = ctx->h_None;
    return IslTuple_New(ctx, v, 5);
}
static IslHandle converting(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    IslHandle v[2];
    if (!IslArg_UnpackSpec(ctx, args, nargs, ISL_NULL, &converting_spec, v)) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle no_values(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    if (!IslArg_UnpackSpec(ctx, args, nargs, kwnames, &unpack_spec, NULL)) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
/* Keywords the fast matcher leaves to the general one: 63 bytes and more, and not ASCII. */
static const char *const lkws[] = {"a", "a_keyword_name_of_seventy_characters_which_is_longer_than_any_usual_1",
                                   "\xc3\xa9t\xc3\xa9", NULL};
static IslArgSpec longkw_spec = ISL_ARGSPEC("O|OO:longkw", lkws);
static IslHandle longkw(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    IslHandle v[3];
    if (!IslArg_UnpackSpec(ctx, args, nargs, kwnames, &longkw_spec, v)) return ISL_NULL;
    for (int k = 0; k < 3; k++)
        if (IslHandle_IsNull(v[k])) v[k] = ctx->h_None;
    return IslTuple_New(ctx, v, 3);
}
ISL_DEF_METH_KEYWORDS(unpack_def, "unpack", unpack, "");
ISL_DEF_METH_KEYWORDS(longkw_def, "longkw", longkw, "");
ISL_DEF_METH_FASTCALL(converting_def, "converting", converting, "");
ISL_DEF_METH_KEYWORDS(no_values_def, "no_values", no_values, "");
"""


def test_arg_unpack_spec(run, make_module):
    """IslArg_UnpackSpec matches as IslArg_ParseSpec does (same errors) and
    leaves conversion to the caller: values in parameter order, null for an
    optional parameter not given."""
    run("""
        import sys
        import islhelpers as t
        UNEXPECTED = ("^{fn}[(][)] got an unexpected keyword argument '{name}'" if sys.version_info >= (3, 13)
                      else "^'{name}' is an invalid keyword argument for {fn}[(][)]")
        N = None
        obj = object()
        assert mod.unpack(1, 2) == (1, 2, N, N, N)
        assert mod.unpack(1, 2, 3, 4) == (1, 2, 3, 4, N)
        assert mod.unpack(1, obj=obj, e=5)[1] is obj
        assert mod.unpack(1, e=5, d=4, obj=2) == (1, 2, N, 4, 5)       # any keyword order
        assert mod.unpack(1, 2, **{"c": 3}) == (1, 2, 3, N, N)
        before = sys.getrefcount(obj)
        for _ in range(100):
            mod.unpack(1, obj, e=obj)
        assert sys.getrefcount(obj) == before                            # borrowed: nothing leaks
        t.raises(TypeError, mod.unpack, match=r"unpack\\(\\) takes at least 2 positional arguments \\(0 given\\)")
        t.raises(TypeError, mod.unpack, 1, match=r"unpack\\(\\) missing required argument 'obj' \\(pos 2\\)")
        t.raises(TypeError, mod.unpack, 1, 2, 3, 4, 5, match=r"takes at most 4 positional arguments \\(5 given\\)")
        t.raises(TypeError, mod.unpack, 1, 2, zz=1, match=UNEXPECTED.format(name="zz", fn="unpack"))
        t.raises(TypeError, mod.unpack, 1, 2, obj=3, match=r"given by name \\('obj'\\) and position \\(2\\)")
        t.raises(TypeError, mod.unpack, 1, 2, c=3, **{"c\\0": 1}, match="(unexpected|invalid) keyword argument")
        t.raises(TypeError, mod.unpack, 1, 2, ob=3, match=UNEXPECTED.format(name="ob", fn="unpack"))      # a prefix
        t.raises(TypeError, mod.unpack, 1, 2, ee=3, match=UNEXPECTED.format(name="ee", fn="unpack"))      # same length
        t.raises(TypeError, mod.unpack, 1, 2, objx=3, match=UNEXPECTED.format(name="objx", fn="unpack"))
        t.raises(TypeError, mod.unpack, 1, e=5, match=r"missing required argument 'obj'")
        long = "a_keyword_name_of_seventy_characters_which_is_longer_than_any_usual_1"
        assert mod.longkw(1, **{long: 2}) == (1, 2, N)
        assert mod.longkw(1, **{"\u00e9t\u00e9": 3}) == (1, N, 3)
        assert mod.longkw(a=1, **{"\u00e9t\u00e9": 3, long: 2}) == (1, 2, 3)
        t.raises(TypeError, mod.longkw, 1, **{long[:-1]: 2}, match="(unexpected|invalid) keyword argument")
        t.raises(TypeError, mod.longkw, 1, **{long + "x": 2}, match="(unexpected|invalid) keyword argument")
        t.raises(TypeError, mod.longkw, 1, **{"\u00e9t": 2}, match="(unexpected|invalid) keyword argument")
        t.raises(SystemError, mod.converting, 1, 2, match=r"converting\\(\\) format has a code other than 'O'")
        t.raises(SystemError, mod.no_values, 1, 2, match="values is NULL")
    """, make_module(UNPACK, ["unpack_def", "longkw_def", "converting_def", "no_values_def"]))

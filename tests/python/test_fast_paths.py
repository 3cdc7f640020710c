"""The fast paths a runtime switches on per context (ISL_CONTEXT_INLINE_HEADER,
the published module layout) and the paths a universal binary takes where
they are off. The same source is built twice: as usual, and with
_ISL_TEST_SLOW_PATHS, which compiles out every inline read of the object header and
ignores the runtime's layout, as on a runtime that offers neither. Both run
in the main interpreter and an own-GIL one, and must behave alike."""
import pytest

FAST_PATHS = r"""
#include <stdio.h>
typedef struct { IslField kept; } State;
static const IslMember state_fields[] = {ISL_MEMBER_HIDDEN_FIELD(State, kept), {0}};

static IslHandle flags(IslContext *ctx, IslHandle m) {
    (void)m;
    return IslLong_FromInt64(ctx, (int64_t)ctx->flags);
}
/* n handles to `obj` opened, then closed: the count must come back. */
static IslHandle dup_close(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "dup_close(obj, n)");
    IslSsize n = IslLong_AsSsize(ctx, args[1]);
    if (n < 0 || n > 64) return IslErr_SetString(ctx, ctx->h_ValueError, "0 <= n <= 64");
    IslHandle h[64];
    for (IslSsize i = 0; i < n; i++) h[i] = IslHandle_Dup(ctx, args[0]);
    for (IslSsize i = 0; i < n; i++) IslHandle_Close(ctx, h[i]);
    IslHandle_Close(ctx, IslHandle_Dup(ctx, ISL_NULL));
    return IslHandle_Dup(ctx, ctx->h_None);
}
/* factory() is called and its result closed here: the last reference, so
 * the object must be freed now (a finalizer tells). */
static IslHandle close_last(IslContext *ctx, IslHandle m, IslHandle factory) {
    (void)m;
    IslHandle made = IslObject_Vectorcall(ctx, factory, NULL, 0, ISL_NULL);
    if (IslHandle_IsNull(made)) return ISL_NULL;
    IslHandle_Close(ctx, made);
    return IslHandle_Dup(ctx, ctx->h_None);
}
/* keep(x) stores x in the module state (None empties it); kept() loads it. */
static IslHandle keep(IslContext *ctx, IslHandle m, IslHandle x) {
    State *st = (State *)IslModule_GetState(ctx, m);
    IslField_Store(ctx, m, &st->kept, IslObject_Is(ctx, x, ctx->h_None) ? ISL_NULL : x);
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle kept(IslContext *ctx, IslHandle m) {
    State *st = (State *)IslModule_GetState(ctx, m);
    IslHandle h = IslField_Load(ctx, m, st->kept);
    return IslHandle_IsNull(h) ? IslHandle_Dup(ctx, ctx->h_None) : h;
}
/* Type checks and sizes as a string: list check, exact list, tuple, dict,
 * int, float, str, bytes; then the list or tuple size (-1: not one). */
static IslHandle kinds(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    char buf[64];
    IslSsize n = IslList_Check(ctx, x) ? IslList_Size(ctx, x) : IslTuple_Check(ctx, x) ? IslTuple_Size(ctx, x) : -1;
    snprintf(buf, sizeof buf, "%d%d%d%d%d%d%d%d %d", IslList_Check(ctx, x), IslList_CheckExact(ctx, x),
             IslTuple_Check(ctx, x), IslDict_Check(ctx, x), IslLong_Check(ctx, x), IslFloat_Check(ctx, x),
             IslStr_Check(ctx, x), IslBytes_Check(ctx, x), (int)n);
    return IslStr_FromUTF8(ctx, buf);
}
ISL_DEF_METH_O(kinds_def, "kinds", kinds, "");
ISL_DEF_METH_NOARGS(flags_def, "flags", flags, "");
ISL_DEF_METH_FASTCALL(dup_close_def, "dup_close", dup_close, "");
ISL_DEF_METH_O(close_last_def, "close_last", close_last, "");
ISL_DEF_METH_O(keep_def, "keep", keep, "");
ISL_DEF_METH_NOARGS(kept_def, "kept", kept, "");
"""
METHODS = ["kinds_def", "flags_def", "dup_close_def", "close_last_def", "keep_def", "kept_def"]


@pytest.fixture(params=["fast", "slow"])
def fast_paths(request, make_module):
    flags = ["-D_ISL_TEST_SLOW_PATHS"] if request.param == "slow" else []
    name = make_module(FAST_PATHS, METHODS, state_size="sizeof(State)", state_fields="state_fields", flags=flags,
                       prefix=f"islfast_{request.param}")
    return request.param, name


def test_refcounts_match_either_way(run, fast_paths):
    kind, name = fast_paths
    run(f"""
        import sys, weakref
        # The runtime offers the inline object header on every CPython isles supports.
        assert mod.flags() & 2, mod.flags()
        class Obj: pass
        o = Obj()
        before = sys.getrefcount(o)
        for n in (0, 1, 2, 64):
            mod.dup_close(o, n)
            assert sys.getrefcount(o) == before, (n, sys.getrefcount(o), before)
        for immortal in (None, True, 1, ()):  # counts that saturate must stay put
            r = sys.getrefcount(immortal)
            mod.dup_close(immortal, 64)
            assert sys.getrefcount(immortal) == r
        # The last reference, closed in C, frees the object right away.
        freed = []
        def factory():
            x = Obj()
            weakref.finalize(x, freed.append, 1)
            return x
        mod.close_last(factory)
        assert freed == [1], "{kind}: the last close did not free the object"
        # A field holds one reference; replacing or emptying it drops it.
        mod.keep(o)
        assert sys.getrefcount(o) == before + 1
        assert mod.kept() is o and sys.getrefcount(o) == before + 1
        p = Obj()
        mod.keep(p)
        assert sys.getrefcount(o) == before and mod.kept() is p
        wp = weakref.ref(p)
        del p
        mod.keep(None)
        assert wp() is None and mod.kept() is None
    """, name)


def test_type_checks_and_sizes_match_either_way(run, fast_paths):
    _, name = fast_paths
    run("""
        class L(list): pass
        class T(tuple): pass
        class D(dict): pass
        class I(int): pass
        class S(str): pass
        cases = {
            (): "00100000 0", (1, 2): "00100000 2", T((1,)): "00100000 1",
            "[]": None, 1: "00001000 -1", True: "00001000 -1", I(3): "00001000 -1", 1.5: "00000100 -1",
            "s": "00000010 -1", S("s"): "00000010 -1", b"b": "00000001 -1", None: "00000000 -1",
            object(): "00000000 -1",
        }
        for x, want in cases.items():
            if want is not None:
                assert mod.kinds(x) == want, (x, mod.kinds(x), want)
        assert mod.kinds([]) == "11000000 0" and mod.kinds([1, 2, 3]) == "11000000 3"
        assert mod.kinds(L([1])) == "10000000 1"
        assert mod.kinds({}) == "00010000 -1" and mod.kinds(D()) == "00010000 -1"
    """, name)

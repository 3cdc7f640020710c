"""The fast paths a runtime switches on per context (ISL_CONTEXT_INLINE_HEADER,
_REFCOUNT, _INTS, _ITEMS, _TYPEFLAGS and _STR, the published module layout) and the paths a universal binary takes where
they are off. The same source is built as usual and with
_ISL_TEST_SLOW_PATHS, which compiles out every inline read of the object header and
ignores the runtime's layout, as on a runtime that offers neither; each of
those universal and per CPython (the unstable tier). All four run in the
main interpreter and an own-GIL one, and must behave alike."""
import shutil
import subprocess
import sys
import sysconfig

import pytest

from conftest import INCLUDE, ROOT

FAST_PATHS = r"""
#include <stdio.h>
#include <string.h>
typedef struct { IslField kept; } State;
static const IslMember state_fields[] = {ISL_MEMBER_HIDDEN_FIELD(State, kept), {0}};

static IslHandle flags(IslContext *ctx, IslHandle m) {
    (void)m;
    return IslLong_FromInt64(ctx, (int64_t)ctx->flags);
}
/* The promises this binary's inline paths test (0 in the slow-path build). */
static IslHandle inline_running(IslContext *ctx, IslHandle m) {
    (void)m;
    return IslLong_FromInt64(ctx, (int64_t)_IslInline_Running);
}
/* The first word of the object behind x, as CPython keeps it (the test looks
 * at memory no API exposes, to see that nothing wrote to it). */
static IslHandle word0(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    uint64_t w;
    memcpy(&w, (const void *)x._i, sizeof w);
    return IslLong_FromUInt64(ctx, w);
}
ISL_DEF_METH_O(word0_def, "word0", word0, "");
/* IslObject_Vectorcall with a flag bit in nargs: refused, never passed on. */
static IslHandle vectorcall_flag(IslContext *ctx, IslHandle m, IslHandle f) {
    (void)m;
    IslHandle args[1] = {f};
    return IslObject_Vectorcall(ctx, f, args, 1 | ((size_t)1 << (8 * sizeof(size_t) - 1)), ISL_NULL);
}
ISL_DEF_METH_NOARGS(inline_running_def, "inline_running", inline_running, "");
ISL_DEF_METH_O(vectorcall_flag_def, "vectorcall_flag", vectorcall_flag, "");
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
/* IslSequence_Check and IslSequence_Size of x ("E" when the size raised) */
static IslHandle seq(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    char buf[32];
    IslSsize n = IslSequence_Size(ctx, x);
    if (n < 0 && IslErr_Occurred(ctx)) {
        IslErr_Clear(ctx);
        snprintf(buf, sizeof buf, "%d E", IslSequence_Check(ctx, x));
    } else {
        snprintf(buf, sizeof buf, "%d %d", IslSequence_Check(ctx, x), (int)n);
    }
    return IslStr_FromUTF8(ctx, buf);
}
ISL_DEF_METH_O(seq_def, "seq", seq, "");
/* type(x) is tuple, type(x) is int, PyIndex_Check(x) */
static IslHandle exact(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    char buf[3] = {'0' + IslObject_TypeIs(ctx, x, ctx->h_TupleType), '0' + IslObject_TypeIs(ctx, x, ctx->h_LongType),
                   '0' + IslIndex_Check(ctx, x)};
    return IslStr_FromUTF8AndSize(ctx, buf, 3);
}
/* IslLong_AsInt64, _AsUInt64, _AsSsize, _AsSize of x: each value, or the
 * exception's name. */
static IslHandle ints(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    char buf[160], part[48];
    buf[0] = 0;
    for (int k = 0; k < 4; k++) {
        long long s = 0;
        unsigned long long u = 0;
        int is_signed = k == 0 || k == 2;
        if (k == 0) s = IslLong_AsInt64(ctx, x);
        if (k == 1) u = IslLong_AsUInt64(ctx, x);
        if (k == 2) s = IslLong_AsSsize(ctx, x);
        if (k == 3) u = IslLong_AsSize(ctx, x);
        if ((is_signed ? s == -1 : u == (unsigned long long)-1) && IslErr_Occurred(ctx)) {
            snprintf(part, sizeof part, "%s ",
                     IslErr_ExceptionMatches(ctx, ctx->h_OverflowError) ? "OverflowError"
                     : IslErr_ExceptionMatches(ctx, ctx->h_TypeError)   ? "TypeError"
                                                                         : "other");
            IslErr_Clear(ctx);
        } else if (is_signed) {
            snprintf(part, sizeof part, "%lld ", s);
        } else {
            snprintf(part, sizeof part, "%llu ", u);
        }
        strcat(buf, part);
    }
    return IslStr_FromUTF8(ctx, buf);
}
/* IslList_GetItem or IslTuple_GetItem (whichever fits) of (seq, i). */
static IslHandle item(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "item(seq, i)");
    IslSsize i = IslLong_AsSsize(ctx, args[1]);
    if (i == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslTuple_Check(ctx, args[0]) ? IslTuple_GetItem(ctx, args[0], i) : IslList_GetItem(ctx, args[0], i);
}
/* IslList_SetItem(list, i, x), then None. */
static IslHandle set_item(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 3) return IslErr_SetString(ctx, ctx->h_TypeError, "set_item(list, i, x)");
    IslSsize i = IslLong_AsSsize(ctx, args[1]);
    if (i == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    if (IslList_SetItem(ctx, args[0], i, args[2]) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_FASTCALL(set_item_def, "set_item", set_item, "");
/* IslList_Swap(seq, i, j), then None. */
static IslHandle swap(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 3) return IslErr_SetString(ctx, ctx->h_TypeError, "swap(list, i, j)");
    IslSsize i = IslLong_AsSsize(ctx, args[1]), j = IslLong_AsSsize(ctx, args[2]);
    if (IslErr_Occurred(ctx) || IslList_Swap(ctx, args[0], i, j) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_FASTCALL(swap_def, "swap", swap, "");
/* Every operator of IslList_CompareItems(seq, i, j) and, against seq[i],
 * IslSequence_CompareItem(seq, j, seq[i]) both ways, as a string of 0/1/E. */
static IslHandle compare(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 3) return IslErr_SetString(ctx, ctx->h_TypeError, "compare(list, i, j)");
    IslSsize i = IslLong_AsSsize(ctx, args[1]), j = IslLong_AsSsize(ctx, args[2]);
    if (IslErr_Occurred(ctx)) return ISL_NULL;
    IslHandle x = IslList_GetItem(ctx, args[0], i);
    if (IslHandle_IsNull(x)) return ISL_NULL;
    char buf[24];
    for (int op = ISL_LT; op <= ISL_GE; op++) {
        int r[3] = {IslList_CompareItems(ctx, args[0], i, j, op), IslSequence_CompareItem(ctx, args[0], j, x, op, 1),
                    IslSequence_CompareItem(ctx, args[0], j, x, op, 0)};
        for (int k = 0; k < 3; k++) {
            buf[3 * op + k] = r[k] < 0 ? 'E' : (char)('0' + r[k]);
            if (r[k] < 0) IslErr_Clear(ctx);
        }
    }
    buf[18] = 0;
    IslHandle_Close(ctx, x);
    return IslStr_FromUTF8(ctx, buf);
}
ISL_DEF_METH_FASTCALL(compare_def, "compare", compare, "");
/* compare_raw(list, i, j, op): IslList_CompareItems with any indexes and
 * operator; with j None, IslSequence_CompareItem(list, i, list[0], op, 0). */
static IslHandle compare_raw(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 4) return IslErr_SetString(ctx, ctx->h_TypeError, "compare_raw(list, i, j, op)");
    IslSsize i = IslLong_AsSsize(ctx, args[1]);
    int op = (int)IslLong_AsInt64(ctx, args[3]);
    if (IslErr_Occurred(ctx)) return ISL_NULL;
    int r;
    if (IslObject_Is(ctx, args[2], ctx->h_None)) {
        IslHandle first = IslList_GetItem(ctx, args[0], 0);
        if (IslHandle_IsNull(first)) return ISL_NULL;
        r = IslSequence_CompareItem(ctx, args[0], i, first, op, 0);
        IslHandle_Close(ctx, first);
    } else {
        IslSsize j = IslLong_AsSsize(ctx, args[2]);
        if (j == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
        r = IslList_CompareItems(ctx, args[0], i, j, op);
    }
    return r < 0 ? ISL_NULL : IslBool_FromBool(ctx, r);
}
ISL_DEF_METH_FASTCALL(compare_raw_def, "compare_raw", compare_raw, "");
ISL_DEF_METH_O(ints_def, "ints", ints, "");
ISL_DEF_METH_FASTCALL(item_def, "item", item, "");
ISL_DEF_METH_O(kinds_def, "kinds", kinds, "");
/* IslStr_Data of x as (kind, length, the code points as ints). */
static IslHandle str_data(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    int kind = -1;
    IslSsize n = -1;
    const void *d = IslStr_Data(ctx, x, &kind, &n);
    if (!d) return ISL_NULL;
    IslHandle items[3] = {IslLong_FromInt64(ctx, kind), IslLong_FromInt64(ctx, n), IslList_New(ctx)};
    for (IslSsize i = 0; i < n; i++) {
        uint32_t c = kind == 1 ? ((const uint8_t *)d)[i] : kind == 2 ? ((const uint16_t *)d)[i] : ((const uint32_t *)d)[i];
        IslHandle v = IslLong_FromInt64(ctx, c);
        IslList_Append(ctx, items[2], v);
        IslHandle_Close(ctx, v);
    }
    IslHandle r = IslTuple_New(ctx, items, 3);
    for (int i = 0; i < 3; i++) IslHandle_Close(ctx, items[i]);
    return r;
}
ISL_DEF_METH_O(str_data_def, "str_data", str_data, "");
ISL_DEF_METH_O(exact_def, "exact", exact, "");
ISL_DEF_METH_NOARGS(flags_def, "flags", flags, "");
ISL_DEF_METH_FASTCALL(dup_close_def, "dup_close", dup_close, "");
ISL_DEF_METH_O(close_last_def, "close_last", close_last, "");
ISL_DEF_METH_O(keep_def, "keep", keep, "");
ISL_DEF_METH_NOARGS(kept_def, "kept", kept, "");
"""
METHODS = ["word0_def", "compare_raw_def", "inline_running_def", "vectorcall_flag_def", "compare_def", "swap_def", "ints_def", "item_def", "set_item_def", "kinds_def", "seq_def", "str_data_def", "exact_def", "flags_def", "dup_close_def", "close_last_def", "keep_def", "kept_def"]


@pytest.fixture(params=["fast", "slow"])
def fast_paths(request, make_module):
    flags = ["-D_ISL_TEST_SLOW_PATHS"] if request.param == "slow" else []
    name = make_module(FAST_PATHS, METHODS, state_size="sizeof(State)", state_fields="state_fields", flags=flags,
                       prefix=f"islfast_{request.param}")
    return request.param, name


# What the runtime of this CPython promises, by what shim/backend/layout.h
# checked: HEADER 2, INTS 4, ITEMS 8, REFCOUNT 16, TYPEFLAGS 32 and STR 64 on
# 3.12 to 3.15, no REFCOUNT on a debug build (it totals every count change),
# nothing on any other CPython.
CHECKED = (3, 12) <= sys.version_info[:2] <= (3, 15)
PROMISED = (110 if hasattr(sys, "gettotalrefcount") else 126) if CHECKED else 0


def test_refcounts_match_either_way(run, fast_paths):
    """Counts are compared with sys.getrefcount where it is the same on every
    CPython (module level, where 3.14 and later also hold a strong reference to
    the argument), and immortal objects by their first word, which must never
    be written."""
    kind, name = fast_paths
    run(f"""
        import sys, weakref
        assert mod.flags() & ~1 == {PROMISED}, mod.flags()
        assert mod.inline_running() == ({PROMISED} if "{kind}" == "fast" else 0), mod.inline_running()
        import islhelpers as t
        t.raises(SystemError, mod.vectorcall_flag, print, match="bad argument count")
        class Obj: pass
        o = Obj()
        before, word = sys.getrefcount(o), mod.word0(o)
        for n in (0, 1, 2, 64):
            mod.dup_close(o, n)
            assert sys.getrefcount(o) == before, (n, sys.getrefcount(o), before)
            assert mod.word0(o) == word
        for immortal in (None, True, 1, -5, 256, (), "", int, Obj.__base__):  # never written
            r, w = sys.getrefcount(immortal), mod.word0(immortal)
            mod.dup_close(immortal, 64)
            mod.item((immortal,), 0), mod.item([immortal], 0)
            mod.keep(immortal), mod.kept(), mod.keep(None)
            assert sys.getrefcount(immortal) == r and mod.word0(immortal) == w, (immortal, hex(w), hex(mod.word0(immortal)))
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


def test_debug_build_total_stays_balanced(run, fast_paths):
    """A debug CPython totals every reference count change; a reference made
    inline and released by CPython (an item or a field handed back to Python)
    would drift that total by one each time. No runtime promises inline counts
    there, so the drift over 2000 such references stays near zero."""
    _, name = fast_paths
    run("""
        import sys
        if hasattr(sys, "gettotalrefcount"):
            o, seq, tup = object(), [1, object(), 3], (1, object(), 3)
            mod.keep(o)
            def drift(f):
                f()  # warm up: what a first call allocates for good is not drift
                t0 = sys.gettotalrefcount()
                f()
                return sys.gettotalrefcount() - t0
            def items():
                for _ in range(500):
                    mod.item(seq, 1), mod.item(tup, 1), mod.kept(), mod.dup_close(o, 1)
            assert abs(drift(items)) < 100, drift(items)
            mod.keep(None)
    """, name)


def test_str_data_matches_either_way(run, fast_paths):
    """IslStr_Data read inline (compact strs) and through the context agree
    with CPython on every kind, ASCII or not, and on subclass instances,
    which CPython may lay out otherwise."""
    _, name = fast_paths
    run("""
        import sys
        class S(str): pass
        samples = ["", "a", "ascii text", "\\xe9t\\xe9", "\\xff" * 3, "\\u20ac uro", "\\U0001f600!", "x" * 1000 + "\\U0010ffff",
                   sys.intern("interned name"), S(""), S("sub"), S("\\u20ac"), S("\\U0001f600"), "".join(["dyn", "amic"])]
        for s in samples:
            kind = 1 if not s or max(map(ord, s)) < 256 else 2 if max(map(ord, s)) < 65536 else 4
            want = (kind, len(s), [ord(c) for c in s])
            assert mod.str_data(s) == want, (s, mod.str_data(s)[:2], want[:2])
        import islhelpers as t
        t.raises(TypeError, mod.str_data, b"bytes")
    """, name)


def test_type_checks_and_sizes_match_either_way(run, fast_paths):
    _, name = fast_paths
    run("""
        class L(list): pass
        class T(tuple): pass
        class D(dict): pass
        class I(int): pass
        class S(str): pass
        class B(bytes): pass
        class F(float): pass
        class Fake:  # __class__ lies: the checks read the real type, as CPython's do
            __class__ = int
        cases = {
            (): "00100000 0", (1, 2): "00100000 2", T((1,)): "00100000 1",
            "[]": None, 1: "00001000 -1", True: "00001000 -1", I(3): "00001000 -1", 1.5: "00000100 -1",
            "s": "00000010 -1", S("s"): "00000010 -1", b"b": "00000001 -1", None: "00000000 -1",
            object(): "00000000 -1", B(b"b"): "00000001 -1", F(2.5): "00000100 -1", Fake(): "00000000 -1",
            int: "00000000 -1", ValueError(): "00000000 -1",
        }
        assert mod.kinds(bytearray(b"b")) == "00000000 -1"
        for x, want in cases.items():
            if want is not None:
                assert mod.kinds(x) == want, (x, mod.kinds(x), want)
        assert mod.kinds([]) == "11000000 0" and mod.kinds([1, 2, 3]) == "11000000 3"
        assert mod.kinds(L([1])) == "10000000 1"
        assert mod.kinds({}) == "00010000 -1" and mod.kinds(D()) == "00010000 -1"
        class X:
            def __index__(self): return 1
        exact = [((), "100"), (T(), "000"), (1, "011"), (True, "001"), (I(3), "001"), (X(), "001"), (1.0, "000"),
                 ("1", "000")]
        for x, want in exact:
            assert mod.exact(x) == want, (x, mod.exact(x), want)
        class Short(list):
            def __len__(self): return 1
        class NoItems:
            def __len__(self): return 5
        seqs = [([], "1 0"), ([1, 2], "1 2"), ((), "1 0"), ((1,), "1 1"), (L([1, 2]), "1 2"), (Short([1, 2]), "1 1"),
                (T((1, 2)), "1 2"), ("abc", "1 3"), (b"ab", "1 2"), (range(4), "1 4"), ({}, "0 E"), (D(a=1), "0 1"),  # CPython: its __len__ fills sq_length too
                (1, "0 E"), (None, "0 E"), (NoItems(), "0 5"), (bytearray(b"x"), "1 1")]
        for x, want in seqs:
            assert mod.seq(x) == want, (x, mod.seq(x), want)
    """, name)


def test_ints_match_either_way(run, fast_paths):
    _, name = fast_paths
    run("""
        class I(int): pass
        class Idx:
            def __index__(self): return 7
        M = (1 << 63) - 1
        cases = {
            0: "0 0 0 0 ", 1: "1 1 1 1 ", -1: "-1 OverflowError -1 OverflowError ",
            (1 << 30) - 1: f"{(1 << 30) - 1} " * 4, -(1 << 30) + 1: f"{-(1 << 30) + 1} OverflowError " * 2,
            1 << 30: f"{1 << 30} " * 4, -(1 << 30): f"{-(1 << 30)} OverflowError " * 2,
            M: f"{M} " * 4, M + 1: f"OverflowError {M + 1} OverflowError {M + 1} ",
            -M - 1: f"{-M - 1} OverflowError " * 2, 1 << 64: "OverflowError " * 4,
            True: "1 1 1 1 ", I(-5): "-5 OverflowError -5 OverflowError ", Idx(): "7 7 7 7 ",
            1.5: "TypeError " * 4, "7": "TypeError " * 4, None: "TypeError " * 4,
        }
        for x, want in cases.items():
            assert mod.ints(x) == want, (x, mod.ints(x), want)
    """, name)


def test_items_match_either_way(run, fast_paths):
    """IslList_GetItem, IslTuple_GetItem, IslList_SetItem and IslList_Swap."""
    _, name = fast_paths
    run("""
        import sys
        import islhelpers as t
        class L(list): pass
        class T(tuple): pass
        o = object()
        for seq in ([1, o, 3], (1, o, 3), L([1, o, 3]), T((1, o, 3))):
            before = sys.getrefcount(o)
            for _ in range(50):
                assert mod.item(seq, 1) is o
            assert sys.getrefcount(o) == before, type(seq)
            assert mod.item(seq, 0) == 1 and mod.item(seq, 2) == 3
            for bad in (-1, 3, 1 << 40, -(1 << 40)):
                t.raises(IndexError, mod.item, seq, bad)
        for seq in ([1, o, 3], L([1, o, 3])):
            before = sys.getrefcount(o)
            mod.swap(seq, 0, 1)
            assert seq == [o, 1, 3] and sys.getrefcount(o) == before
            mod.swap(seq, 2, 2)
            assert seq == [o, 1, 3]
            for i, j in ((0, 3), (3, 0), (-1, 0), (0, -1), (1 << 40, 0)):
                t.raises(IndexError, mod.swap, seq, i, j)
            assert seq == [o, 1, 3]
        # IslList_SetItem: one reference more to the new item, one fewer to the
        # old one, which is freed at once when that was its last; immortal
        # items are never written.
        import weakref
        class Obj: pass
        for seq in ([1, 2, 3], L([1, 2, 3])):
            new, before = Obj(), None
            before = sys.getrefcount(new)
            mod.set_item(seq, 1, new)
            assert seq[1] is new and sys.getrefcount(new) == before + 1
            freed = []
            weakref.finalize(new, freed.append, 1)
            del new
            w0 = mod.word0(None)
            mod.set_item(seq, 1, None)
            assert freed == [1] and seq == [1, None, 3] and mod.word0(None) == w0
            mod.set_item(seq, 1, None)
            assert mod.word0(None) == w0
            for bad in (-1, 3, 1 << 40):
                t.raises(IndexError, mod.set_item, seq, bad, 0)
            assert seq == [1, None, 3]
        t.raises(TypeError, mod.set_item, (1, 2), 0, 1)
        t.raises(TypeError, mod.swap, (1, 2), 0, 1)
        t.raises(IndexError, mod.item, [], 0)
        t.raises(IndexError, mod.item, (), 0)
        t.raises(TypeError, mod.item, {1: 2}, 1)
    """, name)


def test_comparisons_match_either_way(run, fast_paths):
    """IslList_CompareItems and IslSequence_CompareItem, which compare two
    compact ints of a list inline, against Python's own operators."""
    _, name = fast_paths
    run("""
        import operator
        import islhelpers as t
        class I(int): pass
        ops = (operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge)
        def want(a, b):
            return "".join(f"{int(op(a, b))}{int(op(a, b))}{int(op(b, a))}" for op in ops)
        edge = [0, 1, -1, 7, -7, (1 << 30) - 1, 1 << 30, -(1 << 30) + 1, -(1 << 30), 1 << 62, -(1 << 62), 1 << 100,
                True, False, I(3), 2.5, -0.0]
        for a in edge:
            for b in edge:
                got = mod.compare([a, b], 0, 1)
                assert got == want(a, b), (a, b, got, want(a, b))
        assert mod.compare([5, 5], 0, 0) == want(5, 5)
        # Tuples and lists, decided inline when their first differing items are
        # compact ints: equal prefixes, lengths, identical items, anything else.
        class T(tuple): pass
        big, s = 1 << 100, "s"
        tuples = [(), (1,), (2,), (1, 2), (1, 3), (1, 2, 0), (-1, 5), (1 << 29, 1), ((1 << 30) + 1, 1), (big, 1),
                  (big, 2), (1, s), (1, "t"), (s, 1), (1, 2.5), (1, None), (True, 2), (1, (2, 3)), (1, (2, 4)),
                  T((1, 2)), T((1, 1)), (1, [2]), [1, 2], [1, 3], [1], [], [2, s], [1, 2, 3], [big]]
        for a in tuples:
            for b in tuples:
                try:
                    w = want(a, b)
                except TypeError:  # no ordering at all: the port must raise too, but for == and !=
                    w = None
                got = mod.compare([a, b], 0, 1)
                if w is None:
                    assert got[6:12] == "".join(f"{int(a == b)}{int(a == b)}{int(b == a)}" if i == 0 else
                                                f"{int(a != b)}{int(a != b)}{int(b != a)}" for i in range(2)) \
                        and "E" in got, (a, b, got)
                else:
                    assert got == w, (a, b, got, w)
        same = (7, s)
        assert mod.compare([same, same], 0, 1) == want(same, same)
        got = mod.compare([1, "x"], 0, 1)           # no ordering: TypeError, except == and !=
        assert got[:6] == "EEEEEE" and got[6:12] == "000111" and got[12:] == "EEEEEE", got
        assert mod.compare([1, None, 3], 0, 2) == want(1, 3)
        # The inline guards: indexes out of range or negative, a bad operator.
        for bad in ((0, 2), (2, 0), (-1, 0), (0, -1), (1 << 40, 0)):
            t.raises(IndexError, mod.compare_raw, [1, 2], *bad, 0)
        for op in (6, -1):
            t.raises(SystemError, mod.compare_raw, [1, 2], 0, 1, op, match=f"bad comparison operator {op}")
            t.raises(SystemError, mod.compare_raw, [1, 2], 1, None, op, match=f"bad comparison operator {op}")
        for bad in (2, 1 << 40):
            t.raises(IndexError, mod.compare_raw, [1, 2], bad, None, 0)
        assert mod.compare_raw([1, 2], -1, None, 4) is True      # a negative index counts from the end
        assert mod.compare_raw([1, 2], 1, None, 4) is True and mod.compare_raw([1, 2], 0, 1, 0) is True
    """, name)


LAYOUT_PROBE = r"""
#include <Python.h>
%(fake)s
#define Py_BUILD_CORE 1
#include <internal/pycore_moduleobject.h>
#include "layout.h"
#define ISL_LAYOUT_MODULE_OBJECT 1
#include "layout.h"
namespace L = isles::internal::layout;
static_assert(L::kInlineFlags == %(flags)d, "inline promises");
static_assert((L::kTupleItems != 0) == (%(flags)d != 0) && (L::kTypeModule != 0) == (%(flags)d != 0) &&
              (L::kModuleState != 0) == (%(flags)d != 0), "published offsets");
"""


@pytest.mark.parametrize("fake, flags", [
    ("", None),  # this CPython, as the runtime promises (PROMISED)
    ("#undef PY_VERSION_HEX\n#define PY_VERSION_HEX 0x031000a0", 0),  # 3.16: never checked
    ("#undef PY_VERSION_HEX\n#define PY_VERSION_HEX 0x030b07f0", 0),  # 3.11
    ("#define Py_TRACE_REFS 1", 0),
    ("#define Py_GIL_DISABLED 1", 0),
], ids=["this", "3.16", "3.11", "trace-refs", "free-threaded"])
def test_unchecked_cpython_gets_no_promise(fake, flags, tmp_path):
    """shim/backend/layout.h promises only for what it checked: compiled as if
    for a newer (or older) CPython or another build, it promises nothing, not
    an offset, so the same binary takes the context path there."""
    cxx = shutil.which("c++") or pytest.skip("no C++ compiler")
    flags = PROMISED if flags is None else flags
    src = tmp_path / "probe.cpp"
    src.write_text(LAYOUT_PROBE % {"fake": fake, "flags": flags})
    inc = sysconfig.get_paths()["include"]
    proc = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", f"-I{inc}", f"-I{inc}/internal", f"-I{INCLUDE}",
                           f"-I{ROOT / 'shim' / 'backend'}", str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr

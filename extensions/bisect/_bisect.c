/* _bisect for isles: bisection algorithms, written against the stable tier
 * only. One binary serves every supported CPython in every interpreter. */
#include <isles/isles.h>

#include "../common/pyversion.h"

typedef struct {
    /* 3.15 refuses a negative lo while parsing the arguments ("lo cannot be
     * negative"), before hi is converted or insort calls the key; earlier
     * CPythons check it in the search ("lo must be non-negative"). */
    char lo_checked_when_parsed;
} BisectState;

static const char *const bisect_keywords[] = {"a", "x", "lo", "hi", "key", NULL};
/* (a, x, lo=0, hi=None, *, key=None), compiled by the runtime on first use;
 * matched by IslArg_UnpackSpec, converted here. */
static IslArgSpec bisect_right_spec = ISL_ARGSPEC("OO|OO$O:bisect_right", bisect_keywords);
static IslArgSpec bisect_left_spec = ISL_ARGSPEC("OO|OO$O:bisect_left", bisect_keywords);
static IslArgSpec insort_right_spec = ISL_ARGSPEC("OO|OO$O:insort_right", bisect_keywords);
static IslArgSpec insort_left_spec = ISL_ARGSPEC("OO|OO$O:insort_left", bisect_keywords);

typedef struct {
    IslHandle a, x, key; /* key is null when not given or None */
    IslSsize lo, hi;
} bisect_args;

/* type(o).__name__: what CPython's messages print (tp_name) for classes
 * defined in Python. C types name their module in tp_name as well
 * ('decimal.Decimal'), which this does not. */
static IslHandle type_name(IslContext *ctx, IslHandle o) {
    IslHandle type = IslObject_Type(ctx, o);
    if (IslHandle_IsNull(type)) return type;
    IslHandle name = IslObject_GetAttrString(ctx, type, "__name__");
    IslHandle_Close(ctx, type);
    return name;
}

/* hi as CPython's optional Py_ssize_t converter takes it: None keeps the
 * default; anything with __index__ converts (its own errors pass through);
 * the rest is refused. 0, or -1 with an exception. */
static int convert_hi(IslContext *ctx, IslHandle hi, IslSsize *out) {
    if (IslObject_Is(ctx, hi, ctx->h_None)) return 0;
    IslHandle index = ISL_NULL;
    if (!IslLong_Check(ctx, hi)) {
        if (!IslIndex_Check(ctx, hi)) {
            IslHandle name = type_name(ctx, hi);
            if (!IslHandle_IsNull(name))
                IslErr_Format(ctx, ctx->h_TypeError, "argument should be integer or None, not '%S'", name);
            IslHandle_Close(ctx, name);
            return -1;
        }
        index = IslNumber_Index(ctx, hi);
        if (IslHandle_IsNull(index)) return -1;
    }
    *out = IslLong_AsSsize(ctx, IslHandle_IsNull(index) ? hi : index);
    IslHandle_Close(ctx, index);
    if (*out == -1 && IslErr_Occurred(ctx)) {
        if (IslErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
            IslErr_Clear(ctx); /* replaced below; nothing may run with it set */
            IslHandle name = type_name(ctx, hi);
            if (!IslHandle_IsNull(name))
                IslErr_Format(ctx, ctx->h_OverflowError, "cannot fit '%S' into an index-sized integer", name);
            IslHandle_Close(ctx, name);
        }
        return -1;
    }
    return 0;
}

/* A negative lo, which 3.15 refuses here; -1 with its error, else 0 (a cold path). */
static int check_lo_when_parsed(IslContext *ctx, IslHandle module) {
    BisectState *st = (BisectState *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    if (!st->lo_checked_when_parsed) return 0;
    IslErr_SetString(ctx, ctx->h_ValueError, "lo cannot be negative");
    return -1;
}

/* Parses (a, x, lo=0, hi=None, *, key=None) as CPython does. */
static int parse_bisect_args(IslContext *ctx, IslHandle module, IslArgSpec *spec, const IslHandle *args,
                             size_t nargs, IslHandle kwnames, bisect_args *out) {
    IslHandle v[5]; /* a, x, lo, hi, key */
    out->lo = 0;
    out->hi = -1;
    out->key = ISL_NULL;
    if (nargs == 2 && IslHandle_IsNull(kwnames)) { /* f(a, x): most calls, nothing to convert */
        out->a = args[0];
        out->x = args[1];
        return 0;
    }
    if (!IslArg_UnpackSpec(ctx, args, nargs, kwnames, spec, v)) return -1;
    IslHandle lo = v[2], hi = v[3], key = v[4];
    out->a = v[0];
    out->x = v[1];
    /* lo as Argument Clinic's Py_ssize_t converter takes it: any __index__ */
    if (!IslHandle_IsNull(lo) && (out->lo = IslLong_AsSsize(ctx, lo)) == -1 && IslErr_Occurred(ctx)) return -1;
    if (out->lo < 0 && check_lo_when_parsed(ctx, module) < 0) return -1;
    if (!IslHandle_IsNull(hi) && convert_hi(ctx, hi, &out->hi) < 0) return -1;
    if (!IslHandle_IsNull(key) && !IslObject_Is(ctx, key, ctx->h_None)) out->key = key;
    return 0;
}

/* The insertion point of `item` in a[lo:hi]. `right` selects bisect_right
 * (after equal items) over bisect_left (before them). -1 on error. */
static IslSsize bisect(IslContext *ctx, IslHandle a, IslHandle item, IslSsize lo, IslSsize hi, IslHandle key,
                       int right) {
    /* CPython's checks, in its order, before any item is looked at: a
     * mapping or a type without indexing is refused even if the loop would
     * not run (and after insort called the key). */
    if (lo < 0) {
        IslErr_SetString(ctx, ctx->h_ValueError, "lo must be non-negative");
        return -1;
    }
    if (hi == -1) {
        hi = IslSequence_Size(ctx, a);
        if (hi < 0) return -1;
    }
    if (!IslSequence_Check(ctx, a)) {
        IslErr_Format(ctx, ctx->h_TypeError, IslDict_Check(ctx, a) ? "%T is not a sequence"
                                                                    : "'%T' object does not support indexing", a);
        return -1;
    }
    while (lo < hi) {
        /* The unsigned sum cannot overflow for any pair of valid sizes. */
        IslSsize mid = (IslSsize)(((size_t)lo + (size_t)hi) / 2);
        int lt;
        /* item < key(a[mid]) for bisect_right, key(a[mid]) < item for bisect_left */
        lt = IslHandle_IsNull(key) ? IslSequence_CompareItem(ctx, a, mid, item, ISL_LT, right)
                                   : IslSequence_CompareKeyedItem(ctx, a, mid, key, item, ISL_LT, right);
        if (lt < 0) return -1;
        if (lt == right)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static IslHandle bisect_common(IslContext *ctx, IslHandle m, IslArgSpec *spec, const IslHandle *args, size_t nargs,
                               IslHandle kwnames, int right) {
    bisect_args p;
    if (parse_bisect_args(ctx, m, spec, args, nargs, kwnames, &p) < 0) return ISL_NULL;
    IslSsize index = bisect(ctx, p.a, p.x, p.lo, p.hi, p.key, right);
    return index < 0 ? ISL_NULL : IslLong_FromSsize(ctx, index);
}

static IslHandle insort_common(IslContext *ctx, IslHandle m, IslArgSpec *spec, const IslHandle *args, size_t nargs,
                               IslHandle kwnames, int right) {
    bisect_args p;
    if (parse_bisect_args(ctx, m, spec, args, nargs, kwnames, &p) < 0) return ISL_NULL;
    IslSsize index;
    if (IslHandle_IsNull(p.key)) {
        index = bisect(ctx, p.a, p.x, p.lo, p.hi, p.key, right);
    } else {
        IslHandle keyed = IslObject_Vectorcall(ctx, p.key, &p.x, 1, ISL_NULL);
        if (IslHandle_IsNull(keyed)) return ISL_NULL;
        index = bisect(ctx, p.a, keyed, p.lo, p.hi, p.key, right);
        IslHandle_Close(ctx, keyed);
    }
    if (index < 0) return ISL_NULL;
    if (IslList_CheckExact(ctx, p.a)) {
        if (IslList_Insert(ctx, p.a, index, p.x) < 0) return ISL_NULL;
    } else {
        IslHandle call_args[2];
        call_args[0] = IslLong_FromSsize(ctx, index);
        if (IslHandle_IsNull(call_args[0])) return ISL_NULL;
        call_args[1] = p.x;
        IslHandle r = IslObject_CallMethod(ctx, p.a, "insert", call_args, 2);
        IslHandle_Close(ctx, call_args[0]);
        if (IslHandle_IsNull(r)) return ISL_NULL;
        IslHandle_Close(ctx, r);
    }
    return IslHandle_Dup(ctx, ctx->h_None);
}

static IslHandle bisect_right_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs,
                                   IslHandle kwnames) {
    return bisect_common(ctx, m, &bisect_right_spec, args, nargs, kwnames, 1);
}
static IslHandle bisect_left_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs,
                                  IslHandle kwnames) {
    return bisect_common(ctx, m, &bisect_left_spec, args, nargs, kwnames, 0);
}
static IslHandle insort_right_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs,
                                   IslHandle kwnames) {
    return insort_common(ctx, m, &insort_right_spec, args, nargs, kwnames, 1);
}
static IslHandle insort_left_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs,
                                  IslHandle kwnames) {
    return insort_common(ctx, m, &insort_left_spec, args, nargs, kwnames, 0);
}

ISL_DEF_METH_KEYWORDS(bisect_right_def, "bisect_right", bisect_right_impl,
                      "bisect_right($module, /, a, x, lo=0, hi=None, *, key=None)\n--\n\n"
                      "Return the index where to insert item x in list a, assuming a is sorted.\n\n"
                      "All items in a[:i] are <= x and all in a[i:] are > x.");
ISL_DEF_METH_KEYWORDS(bisect_left_def, "bisect_left", bisect_left_impl,
                      "bisect_left($module, /, a, x, lo=0, hi=None, *, key=None)\n--\n\n"
                      "Return the index where to insert item x in list a, assuming a is sorted.\n\n"
                      "All items in a[:i] are < x and all in a[i:] are >= x.");
ISL_DEF_METH_KEYWORDS(insort_right_def, "insort_right", insort_right_impl,
                      "insort_right($module, /, a, x, lo=0, hi=None, *, key=None)\n--\n\n"
                      "Insert item x in list a, and keep it sorted assuming a is sorted (after equal items).");
ISL_DEF_METH_KEYWORDS(insort_left_def, "insort_left", insort_left_impl,
                      "insort_left($module, /, a, x, lo=0, hi=None, *, key=None)\n--\n\n"
                      "Insert item x in list a, and keep it sorted assuming a is sorted (before equal items).");

static const IslMethodDef *const bisect_methods[] = {
    &bisect_right_def, &insort_right_def, &bisect_left_def, &insort_left_def, NULL,
};

static int bisect_exec(IslContext *ctx, IslHandle module) {
    BisectState *st = (BisectState *)IslModule_GetState(ctx, module);
    uint32_t version;
    if (!st || port_py_version(ctx, &version) < 0) return -1;
    st->lo_checked_when_parsed = version >= PORT_PY_HEX(3, 15, 0, 0, 0);
    return 0;
}

static const IslModuleDef bisect_def = {
    .name = "_bisect",
    .doc = "Bisection algorithms: the isles universal port of _bisect.",
    .state_size = sizeof(BisectState),
    .methods = bisect_methods,
    .exec = bisect_exec,
};

ISL_MODINIT(_bisect, bisect_def);

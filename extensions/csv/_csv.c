/* _csv for isles: the CSV reader/writer accelerator behind csv.py, written
 * against the stable tier only. One binary serves CPython 3.12 to 3.15, in
 * the main interpreter and in own-GIL sub-interpreters; where releases word
 * errors or validate dialects differently, the port branches on the running
 * version, read once per module object in exec, in cold paths only (dialect
 * creation, argument checks, errors).
 *
 * The reader parses straight from the line's code points. A field that lies
 * inside one line is kept as a slice of it ("pending") and becomes a str in
 * one copy; only fields built across lines or around escapes go through the
 * reader's own buffer. The writer builds each record in a C buffer as narrow
 * (one byte per code point) as its contents allow. */
#include <isles/isles.h>

#include "../common/pyversion.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define CSV_INLINE static inline __attribute__((always_inline))
#else
#define CSV_INLINE static inline
#endif

/* Outside Unicode, so neither can come from a str. */
#define NOT_SET 0xFFFFFFFFu
#define EOL 0xFFFFFFFEu

enum { QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE, QUOTE_STRINGS, QUOTE_NOTNULL };

enum {
    START_RECORD,
    START_FIELD,
    ESCAPED_CHAR,
    IN_FIELD,
    IN_QUOTED_FIELD,
    ESCAPE_IN_QUOTED_FIELD,
    QUOTE_IN_QUOTED_FIELD,
    EAT_CRNL,
    AFTER_ESCAPED_CRNL
};

typedef struct {
    IslField error;
    IslField dialects;
    IslField dialect_type;
    IslField reader_type;
    IslField writer_type;
    int64_t field_limit;
    int minor, micro; /* CPython 3.<minor>.<micro> */
} CsvState;

typedef struct {
    uint32_t delimiter, quotechar, escapechar;
    int quoting;
    char doublequote, skipinitialspace, strict;
    IslField lineterminator;
} Dialect;

typedef struct {
    IslField input_iter;
    IslField dialect;
    IslSsize line_num;
    /* parse state, reset by every __next__ */
    int state;
    int unquoted;  /* 3.13: the field has no quoted part */
    int numeric;   /* 3.12: the field is to become a float */
    int fkind;     /* 1 or 4: bytes per code point in fbuf */
    unsigned char *fbuf;
    size_t fcap;   /* bytes */
    IslSsize field_len;
    const void *pend_data; /* the field so far, as a slice of the current line */
    IslSsize pend_len;
    int pend_kind;
    int64_t limit;
    /* the dialect, copied: it is immutable */
    uint32_t delimiter, quotechar, escapechar;
    int quoting, doublequote, skipinitialspace, strict;
    int py313;
    unsigned char stop_unquoted[256]; /* ends a run of plain chars in IN_FIELD */
    unsigned char stop_quoted[256];   /* ... in IN_QUOTED_FIELD */
} Reader;

typedef struct {
    IslField write;
    IslField dialect;
    uint32_t delimiter, quotechar, escapechar;
    int quoting, doublequote, skipinitialspace;
    int py313;
    uint32_t *lineterm;
    IslSsize lineterm_len;
    int base_kind;       /* 4 when a dialect char needs it */
    int hi_special;      /* some special char is above U+00FF */
    unsigned char special[256];
    unsigned char *rec;
    size_t rec_cap;      /* bytes */
    IslSsize rec_len;
    int rec_kind;
    int num_fields;
} Writer;

static const IslModuleDef csv_def;
static const IslTypeDef Dialect_def;
static const IslTypeDef Reader_def;
static const IslTypeDef Writer_def;

#define RD(kind, data, i)                                             \
    ((kind) == 1   ? (uint32_t)((const uint8_t *)(data))[i]           \
     : (kind) == 2 ? (uint32_t)((const uint16_t *)(data))[i]          \
                   : ((const uint32_t *)(data))[i])

static IslHandle raise_error(IslContext *ctx, CsvState *st, IslHandle owner, const char *msg) {
    IslHandle err = IslField_Load(ctx, owner, st->error);
    IslErr_SetString(ctx, err, msg);
    IslHandle_Close(ctx, err);
    return ISL_NULL;
}

#define TPFLAGS_IMMUTABLETYPE (1UL << 8)
#define TPFLAGS_HEAPTYPE (1UL << 9)

/* The name of obj's type as CPython's "%.200s" of tp_name shows it: __name__
 * for a class made by a class statement (a mutable heap type), else
 * "module.name" outside builtins. Called while raising: a pending error is
 * dropped first, since no call may run with one set. */
static IslHandle type_name(IslContext *ctx, IslHandle obj) {
    IslErr_Clear(ctx);
    IslHandle t = IslObject_Type(ctx, obj);
    if (IslHandle_IsNull(t)) return ISL_NULL;
    IslHandle n = IslObject_GetAttrString(ctx, t, "__name__"), flags = ISL_NULL, mod = ISL_NULL, full = ISL_NULL;
    if (IslHandle_IsNull(n)) goto done;
    flags = IslObject_GetAttrString(ctx, t, "__flags__");
    if (IslHandle_IsNull(flags)) goto done;
    uint64_t f = IslLong_AsUInt64(ctx, flags);
    if (IslErr_Occurred(ctx)) goto done;
    if ((f & TPFLAGS_HEAPTYPE) && !(f & TPFLAGS_IMMUTABLETYPE)) goto done;
    mod = IslObject_GetAttrString(ctx, t, "__module__");
    if (IslHandle_IsNull(mod) || !IslStr_Check(ctx, mod)) goto done;
    const char *m = IslStr_AsUTF8AndSize(ctx, mod, NULL);
    if (!m || strcmp(m, "builtins") == 0) goto done;
    IslHandle parts[2] = {mod, n}, dot = IslStr_FromUTF8(ctx, ".");
    IslHandle seq = IslHandle_IsNull(dot) ? ISL_NULL : IslTuple_New(ctx, parts, 2);
    full = IslHandle_IsNull(seq) ? ISL_NULL : IslStr_Join(ctx, dot, seq);
    IslHandle_Close(ctx, seq);
    IslHandle_Close(ctx, dot);
done:
    /* the bare __name__ when anything else fails */
    if (!IslHandle_IsNull(full)) {
        IslHandle_Close(ctx, n);
        n = full;
    }
    IslErr_Clear(ctx);
    IslHandle_Close(ctx, mod);
    IslHandle_Close(ctx, flags);
    IslHandle_Close(ctx, t);
    return n;
}

static IslHandle char_or_none(IslContext *ctx, uint32_t c) {
    if (c == NOT_SET) return IslHandle_Dup(ctx, ctx->h_None);
    return IslStr_FromKindAndData(ctx, 4, &c, 1);
}

/* ---- Dialect */

static const char *const dialect_kw[] = {"dialect",   "delimiter", "doublequote",      "escapechar", "lineterminator",
                                         "quotechar", "quoting",   "skipinitialspace", "strict",     NULL};
enum { A_DIALECT, A_DELIMITER, A_DOUBLEQUOTE, A_ESCAPECHAR, A_LINETERMINATOR, A_QUOTECHAR, A_QUOTING, A_SKIPINITIALSPACE,
       A_STRICT, A_COUNT };

static int set_bool(IslContext *ctx, char *target, IslHandle src, char dflt) {
    if (IslHandle_IsNull(src)) {
        *target = dflt;
        return 0;
    }
    int b = IslObject_IsTrue(ctx, src);
    if (b < 0) return -1;
    *target = (char)b;
    return 0;
}

static int set_char(IslContext *ctx, const CsvState *st, const char *name, uint32_t *target, IslHandle src,
                    uint32_t dflt, int allow_none) {
    if (IslHandle_IsNull(src)) {
        *target = dflt;
        return 0;
    }
    if (allow_none && IslObject_Is(ctx, src, ctx->h_None)) {
        *target = NOT_SET;
        return 0;
    }
    const char *or_none = allow_none ? " or None" : "";
    if (!IslStr_Check(ctx, src)) {
        /* 3.14 names the type fully qualified (%T), as its new messages do */
        if (st->minor >= 14) {
            IslErr_Format(ctx, ctx->h_TypeError, "\"%s\" must be a unicode character%s, not %T", name, or_none, src);
            return -1;
        }
        IslHandle tn = type_name(ctx, src);
        if (!IslHandle_IsNull(tn))
            IslErr_Format(ctx, ctx->h_TypeError, "\"%s\" must be string%s, not %.200S", name, or_none, tn);
        IslHandle_Close(ctx, tn);
        return -1;
    }
    int kind;
    IslSsize len;
    const void *data = IslStr_Data(ctx, src, &kind, &len);
    if (!data) return -1;
    if (len != 1) {
        if (st->minor >= 14)
            IslErr_Format(ctx, ctx->h_TypeError, "\"%s\" must be a unicode character%s, not a string of length %zd",
                          name, or_none, len);
        else
            IslErr_Format(ctx, ctx->h_TypeError, "\"%s\" must be a 1-character string", name);
        return -1;
    }
    *target = RD(kind, data, 0);
    return 0;
}

static int set_quoting(IslContext *ctx, const CsvState *st, int *target, IslHandle src) {
    if (IslHandle_IsNull(src)) {
        *target = QUOTE_MINIMAL;
        return 0;
    }
    if (!IslObject_TypeIs(ctx, src, ctx->h_LongType)) {
        if (st->minor >= 14)
            IslErr_Format(ctx, ctx->h_TypeError, "\"quoting\" must be an integer, not %T", src);
        else
            IslErr_SetString(ctx, ctx->h_TypeError, "\"quoting\" must be an integer");
        return -1;
    }
    int64_t v = IslLong_AsInt64(ctx, src);
    if (v == -1 && IslErr_Occurred(ctx)) {
        if (!IslErr_ExceptionMatches(ctx, ctx->h_OverflowError)) return -1;
        v = INT64_MAX; /* reworded below, as for a C int */
    }
    if (v < INT32_MIN || v > INT32_MAX) {
        IslErr_Clear(ctx);
        IslErr_SetString(ctx, ctx->h_OverflowError, "Python int too large to convert to C int");
        return -1;
    }
    *target = (int)v;
    return 0;
}

static int lineterm_has(IslContext *ctx, IslHandle lt, uint32_t c) {
    int kind;
    IslSsize len;
    const void *data = IslStr_Data(ctx, lt, &kind, &len);
    if (!data) return -1;
    for (IslSsize i = 0; i < len; i++)
        if (RD(kind, data, i) == c) return 1;
    return 0;
}

/* 3.13 refuses characters that the reader could not tell apart. */
static int check_char(IslContext *ctx, const char *name, uint32_t c, IslHandle lt, int allow_space) {
    if (c == '\r' || c == '\n' || (c == ' ' && !allow_space)) {
        IslErr_Format(ctx, ctx->h_ValueError, "bad %s value", name);
        return -1;
    }
    if (c == NOT_SET) return 0;
    int has = lineterm_has(ctx, lt, c);
    if (has < 0) return -1;
    if (has) {
        IslErr_Format(ctx, ctx->h_ValueError, "bad %s or lineterminator value", name);
        return -1;
    }
    return 0;
}

static int check_pair(IslContext *ctx, const char *n1, const char *n2, uint32_t c1, uint32_t c2) {
    if (c1 == c2 && c1 != NOT_SET) {
        IslErr_Format(ctx, ctx->h_ValueError, "bad %s or %s value", n1, n2);
        return -1;
    }
    return 0;
}

/* Fills vals[] (new handles or null) from Dialect(*args, **kwargs). */
static int dialect_parse_args(IslContext *ctx, CsvState *st, IslHandle args, IslHandle kwargs, IslHandle *vals) {
    IslSsize n = IslHandle_IsNull(args) ? 0 : IslTuple_Size(ctx, args);
    if (n < 0) return -1;
    if (n > A_COUNT) {
        IslErr_Format(ctx, ctx->h_TypeError, "function takes at most %d arguments (%zd given)", A_COUNT, n);
        return -1;
    }
    for (IslSsize i = 0; i < n; i++) {
        vals[i] = IslTuple_GetItem(ctx, args, i);
        if (IslHandle_IsNull(vals[i])) return -1;
    }
    if (IslHandle_IsNull(kwargs)) return 0;
    IslSsize pos = 0;
    IslHandle k, v;
    int r;
    while ((r = IslDict_Next(ctx, kwargs, &pos, &k, &v)) == 1) {
        int idx = -1;
        const char *name = IslStr_Check(ctx, k) ? IslStr_AsUTF8AndSize(ctx, k, NULL) : NULL;
        if (name)
            for (int i = 0; i < A_COUNT; i++)
                if (strcmp(name, dialect_kw[i]) == 0) idx = i;
        IslErr_Clear(ctx);
        if (idx < 0) {
            if (st->minor >= 13)
                IslErr_Format(ctx, ctx->h_TypeError, "this function got an unexpected keyword argument '%S'", k);
            else
                IslErr_Format(ctx, ctx->h_TypeError, "'%S' is an invalid keyword argument for this function", k);
        } else if (idx < n) {
            IslErr_Format(ctx, ctx->h_TypeError, "argument for function given by name ('%s') and position (%d)",
                          dialect_kw[idx], idx + 1);
        } else {
            vals[idx] = v;
            IslHandle_Close(ctx, k);
            continue;
        }
        IslHandle_Close(ctx, k);
        IslHandle_Close(ctx, v);
        return -1;
    }
    return r;
}

static IslHandle Dialect_new(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    CsvState *st = (CsvState *)IslType_GetModuleState(ctx, type, &csv_def);
    if (!st) return ISL_NULL;
    IslHandle vals[A_COUNT];
    IslHandle result = ISL_NULL, self = ISL_NULL;
    for (int i = 0; i < A_COUNT; i++) vals[i] = ISL_NULL;
    if (dialect_parse_args(ctx, st, args, kwargs, vals) < 0) goto done;

    IslHandle d = vals[A_DIALECT];
    if (!IslHandle_IsNull(d)) {
        if (IslStr_Check(ctx, d)) {
            IslHandle reg = IslField_Load(ctx, type, st->dialects), found;
            int r = IslDict_GetItem(ctx, reg, d, &found);
            IslHandle_Close(ctx, reg);
            if (r <= 0) {
                if (r == 0) raise_error(ctx, st, type, "unknown dialect");
                goto done;
            }
            IslHandle_Close(ctx, d);
            vals[A_DIALECT] = d = found;
        }
        IslHandle dt = IslField_Load(ctx, type, st->dialect_type);
        int reuse = IslObject_TypeCheck(ctx, d, dt);
        IslHandle_Close(ctx, dt);
        for (int i = 1; i < A_COUNT && reuse; i++)
            if (!IslHandle_IsNull(vals[i])) reuse = 0;
        if (reuse) {
            result = IslHandle_Dup(ctx, d);
            goto done;
        }
        for (int i = 1; i < A_COUNT; i++) {
            if (!IslHandle_IsNull(vals[i])) continue;
            vals[i] = IslObject_GetAttrString(ctx, d, dialect_kw[i]);
            if (!IslHandle_IsNull(vals[i])) continue;
            /* 3.15 (gh-145966) lets errors other than AttributeError out */
            if (st->minor >= 15 && !IslErr_ExceptionMatches(ctx, ctx->h_AttributeError)) goto done;
            IslErr_Clear(ctx);
        }
    }

    self = IslType_GenericNew(ctx, type);
    if (IslHandle_IsNull(self)) goto done;
    Dialect *dl = (Dialect *)IslInstance_Data(ctx, self, &Dialect_def);
    if (!dl) goto done;

    if (set_char(ctx, st, "delimiter", &dl->delimiter, vals[A_DELIMITER], ',', 0) < 0 ||
        set_bool(ctx, &dl->doublequote, vals[A_DOUBLEQUOTE], 1) < 0 ||
        set_char(ctx, st, "escapechar", &dl->escapechar, vals[A_ESCAPECHAR], NOT_SET, 1) < 0)
        goto done;
    IslHandle lt = vals[A_LINETERMINATOR];
    if (IslHandle_IsNull(lt)) {
        IslHandle def_lt = IslStr_FromUTF8(ctx, "\r\n");
        if (IslHandle_IsNull(def_lt)) goto done;
        IslField_Store(ctx, self, &dl->lineterminator, def_lt);
        IslHandle_Close(ctx, def_lt);
    } else if (IslStr_Check(ctx, lt)) {
        IslField_Store(ctx, self, &dl->lineterminator, lt);
    } else if (st->minor >= 14) { /* None included */
        IslErr_Format(ctx, ctx->h_TypeError, "\"lineterminator\" must be a string, not %T", lt);
        goto done;
    } else if (!IslObject_Is(ctx, lt, ctx->h_None)) { /* None: "must be set" below */
        IslErr_SetString(ctx, ctx->h_TypeError, "\"lineterminator\" must be a string");
        goto done;
    }
    if (set_char(ctx, st, "quotechar", &dl->quotechar, vals[A_QUOTECHAR], '"', 1) < 0 ||
        set_quoting(ctx, st, &dl->quoting, vals[A_QUOTING]) < 0 ||
        set_bool(ctx, &dl->skipinitialspace, vals[A_SKIPINITIALSPACE], 0) < 0 ||
        set_bool(ctx, &dl->strict, vals[A_STRICT], 0) < 0)
        goto done;

    if (dl->quoting < QUOTE_MINIMAL || dl->quoting > QUOTE_NOTNULL) {
        IslErr_SetString(ctx, ctx->h_TypeError, "bad \"quoting\" value");
        goto done;
    }
    if (dl->delimiter == NOT_SET) {
        IslErr_SetString(ctx, ctx->h_TypeError, "\"delimiter\" must be a 1-character string");
        goto done;
    }
    if (!IslHandle_IsNull(vals[A_QUOTECHAR]) && IslObject_Is(ctx, vals[A_QUOTECHAR], ctx->h_None) &&
        IslHandle_IsNull(vals[A_QUOTING]))
        dl->quoting = QUOTE_NONE;
    if (dl->quoting != QUOTE_NONE && dl->quotechar == NOT_SET) {
        IslErr_SetString(ctx, ctx->h_TypeError, "quotechar must be set if quoting enabled");
        goto done;
    }
    if (dl->lineterminator._f == 0) {
        IslErr_SetString(ctx, ctx->h_TypeError, "lineterminator must be set");
        goto done;
    }
    if (st->minor >= 13) {
        IslHandle ltv = IslField_Load(ctx, self, dl->lineterminator);
        int bad = check_char(ctx, "delimiter", dl->delimiter, ltv, 1) ||
                  check_char(ctx, "escapechar", dl->escapechar, ltv, !dl->skipinitialspace) ||
                  check_char(ctx, "quotechar", dl->quotechar, ltv, !dl->skipinitialspace) ||
                  check_pair(ctx, "delimiter", "escapechar", dl->delimiter, dl->escapechar) ||
                  check_pair(ctx, "delimiter", "quotechar", dl->delimiter, dl->quotechar) ||
                  check_pair(ctx, "escapechar", "quotechar", dl->escapechar, dl->quotechar);
        IslHandle_Close(ctx, ltv);
        if (bad) goto done;
    }
    result = self;
    self = ISL_NULL;
done:
    IslHandle_Close(ctx, self);
    for (int i = 0; i < A_COUNT; i++) IslHandle_Close(ctx, vals[i]);
    return result;
}

static Dialect *dialect_of(IslContext *ctx, IslHandle self) { return (Dialect *)IslInstance_Data(ctx, self, &Dialect_def); }

static IslHandle Dialect_get_delimiter(IslContext *ctx, IslHandle self) {
    Dialect *d = dialect_of(ctx, self);
    return d ? char_or_none(ctx, d->delimiter) : ISL_NULL;
}
static IslHandle Dialect_get_quotechar(IslContext *ctx, IslHandle self) {
    Dialect *d = dialect_of(ctx, self);
    return d ? char_or_none(ctx, d->quotechar) : ISL_NULL;
}
static IslHandle Dialect_get_escapechar(IslContext *ctx, IslHandle self) {
    Dialect *d = dialect_of(ctx, self);
    return d ? char_or_none(ctx, d->escapechar) : ISL_NULL;
}
static IslHandle Dialect_get_quoting(IslContext *ctx, IslHandle self) {
    Dialect *d = dialect_of(ctx, self);
    return d ? IslLong_FromInt64(ctx, d->quoting) : ISL_NULL;
}
static IslHandle Dialect_get_lineterminator(IslContext *ctx, IslHandle self) {
    Dialect *d = dialect_of(ctx, self);
    return d ? IslField_Load(ctx, self, d->lineterminator) : ISL_NULL;
}

/* Dialects hold C data only reachable through this type: refuse pickling. */
static IslHandle Dialect_reduce_ex(IslContext *ctx, IslHandle self, IslHandle proto) {
    (void)proto;
    IslHandle t = IslObject_Type(ctx, self);
    IslHandle tn = IslHandle_IsNull(t) ? ISL_NULL : IslObject_GetAttrString(ctx, t, "__name__");
    IslHandle_Close(ctx, t);
    if (IslHandle_IsNull(tn)) return ISL_NULL;
    IslErr_Format(ctx, ctx->h_TypeError, "cannot pickle '%.100S' instances", tn);
    IslHandle_Close(ctx, tn);
    return ISL_NULL;
}
ISL_DEF_METH_O(Dialect_reduce_ex_def, "__reduce_ex__", Dialect_reduce_ex, "Raises TypeError: dialects cannot be pickled.");

static const IslMethodDef *const Dialect_methods[] = {&Dialect_reduce_ex_def, NULL};
static const IslMember Dialect_members[] = {
    ISL_MEMBER_BOOL("doublequote", Dialect, doublequote, ISL_READONLY),
    ISL_MEMBER_BOOL("skipinitialspace", Dialect, skipinitialspace, ISL_READONLY),
    ISL_MEMBER_BOOL("strict", Dialect, strict, ISL_READONLY),
    ISL_MEMBER_HIDDEN_FIELD(Dialect, lineterminator), /* a getset: CPython's "not writable" */
    {0},
};
static const IslGetSet Dialect_getsets[] = {
    {"delimiter", Dialect_get_delimiter, NULL, NULL},
    {"escapechar", Dialect_get_escapechar, NULL, NULL},
    {"lineterminator", Dialect_get_lineterminator, NULL, NULL},
    {"quotechar", Dialect_get_quotechar, NULL, NULL},
    {"quoting", Dialect_get_quoting, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};
static const IslSlot Dialect_slots[] = {{ISL_SLOT_NEW, ISL_FN(Dialect_new)}, {ISL_SLOT_END, NULL}};
static const IslTypeDef Dialect_def = {
    .name = "_csv.Dialect",
    .doc = "Dialect(dialect=None, **fmtparams)\n\n"
           "The immutable, validated set of formatting parameters that readers and\n"
           "writers use.\n",
    .basicsize = sizeof(Dialect),
    .flags = ISL_TYPE_BASETYPE,
    .slots = Dialect_slots,
    .methods = Dialect_methods,
    .members = Dialect_members,
    .getsets = Dialect_getsets,
};

/* Dialect(dialect_arg, **kw), with the caller's vectorcall arguments. */
static IslHandle call_dialect(IslContext *ctx, IslHandle module, CsvState *st, const IslHandle *args, size_t nargs,
                              IslHandle kwnames) {
    IslHandle dt = IslField_Load(ctx, module, st->dialect_type);
    IslHandle d = IslObject_Vectorcall(ctx, dt, args, nargs, kwnames);
    IslHandle_Close(ctx, dt);
    return d;
}

/* PyArg_UnpackTuple's check; 3.14 names the function, earlier ones pass "". */
static int check_unpack(IslContext *ctx, const CsvState *st, const char *fname, size_t nargs, size_t lo, size_t hi) {
    if (nargs >= lo && nargs <= hi) return 0;
    const char *name = st->minor >= 14 ? fname : "";
    if (nargs < lo)
        IslErr_Format(ctx, ctx->h_TypeError, "%s expected at least %zu argument%s, got %zu", name, lo,
                      lo == 1 ? "" : "s", nargs);
    else
        IslErr_Format(ctx, ctx->h_TypeError, "%s expected at most %zu arguments, got %zu", name, hi, nargs);
    return -1;
}

/* ---- Reader */

static int fbuf_reserve(IslContext *ctx, Reader *r, IslSsize more) {
    size_t need = (size_t)(r->field_len + more) * (size_t)r->fkind;
    if (need <= r->fcap) return 0;
    size_t cap = r->fcap ? r->fcap : 64;
    while (cap < need) cap *= 2;
    unsigned char *nb = (unsigned char *)realloc(r->fbuf, cap);
    if (!nb) {
        IslErr_NoMemory(ctx);
        return -1;
    }
    r->fbuf = nb;
    r->fcap = cap;
    return 0;
}

static int fbuf_widen(IslContext *ctx, Reader *r) {
    IslSsize n = r->field_len;
    r->fkind = 4;
    if (fbuf_reserve(ctx, r, 0) < 0) {
        r->fkind = 1;
        return -1;
    }
    uint32_t *w = (uint32_t *)(void *)r->fbuf;
    for (IslSsize i = n; i-- > 0;) w[i] = r->fbuf[i];
    return 0;
}

static int field_too_long(IslContext *ctx, CsvState *st, IslHandle self, Reader *r) {
    IslHandle err = IslField_Load(ctx, self, st->error);
    IslErr_Format(ctx, err, "field larger than field limit (%lld)", (long long)r->limit);
    IslHandle_Close(ctx, err);
    return -1;
}

/* Copies n code points of width skind into the field buffer. */
static int fbuf_append(IslContext *ctx, Reader *r, const void *src, int skind, IslSsize n) {
    if (skind > 1 && r->fkind == 1 && fbuf_widen(ctx, r) < 0) return -1;
    if (fbuf_reserve(ctx, r, n) < 0) return -1;
    if (r->fkind == 1) {
        memcpy(r->fbuf + r->field_len, src, (size_t)n);
    } else {
        uint32_t *w = (uint32_t *)(void *)r->fbuf + r->field_len;
        if (skind == 4)
            memcpy(w, src, (size_t)n * 4);
        else if (skind == 2)
            for (IslSsize i = 0; i < n; i++) w[i] = ((const uint16_t *)src)[i];
        else
            for (IslSsize i = 0; i < n; i++) w[i] = ((const uint8_t *)src)[i];
    }
    r->field_len += n;
    return 0;
}

static int flush_pending(IslContext *ctx, Reader *r) {
    if (!r->pend_len) return 0;
    IslSsize n = r->pend_len;
    r->pend_len = 0;
    return fbuf_append(ctx, r, r->pend_data, r->pend_kind, n);
}

static int add_char(IslContext *ctx, CsvState *st, IslHandle self, Reader *r, uint32_t c) {
    if (r->field_len + r->pend_len >= r->limit) return field_too_long(ctx, st, self, r);
    if (flush_pending(ctx, r) < 0) return -1;
    if (c > 0xFF && r->fkind == 1 && fbuf_widen(ctx, r) < 0) return -1;
    if (fbuf_reserve(ctx, r, 1) < 0) return -1;
    if (r->fkind == 1)
        r->fbuf[r->field_len++] = (unsigned char)c;
    else
        ((uint32_t *)(void *)r->fbuf)[r->field_len++] = c;
    return 0;
}

/* Adds line[start:start+n] to the field, as a slice while that is possible. */
static int add_run(IslContext *ctx, CsvState *st, IslHandle self, Reader *r, const void *data, int kind, IslSsize start,
                   IslSsize n) {
    if (r->field_len + r->pend_len + n > r->limit) return field_too_long(ctx, st, self, r);
    const void *src = (const char *)data + (size_t)start * (size_t)kind;
    if (!r->field_len && !r->pend_len) {
        r->pend_data = src;
        r->pend_len = n;
        r->pend_kind = kind;
        return 0;
    }
    if (flush_pending(ctx, r) < 0) return -1;
    return fbuf_append(ctx, r, src, kind, n);
}

static int save_field(IslContext *ctx, Reader *r, IslHandle fields) {
    IslSsize total = r->field_len + r->pend_len;
    int q = r->quoting, rc;
    if (r->py313 && r->unquoted && total == 0 && (q == QUOTE_NOTNULL || q == QUOTE_STRINGS)) {
        rc = IslList_Append(ctx, fields, ctx->h_None);
    } else {
        IslHandle v;
        if (r->pend_len && !r->field_len) {
            v = IslStr_FromKindAndData(ctx, r->pend_kind, r->pend_data, r->pend_len);
        } else {
            if (flush_pending(ctx, r) < 0) return -1;
            v = IslStr_FromKindAndData(ctx, r->fkind, r->fbuf ? (const void *)r->fbuf : (const void *)"", r->field_len);
        }
        r->field_len = r->pend_len = 0;
        r->fkind = 1;
        if (IslHandle_IsNull(v)) return -1;
        int num = r->py313 ? (r->unquoted && total && (q == QUOTE_NONNUMERIC || q == QUOTE_STRINGS)) : r->numeric;
        r->numeric = 0;
        if (num) {
            IslHandle f = IslNumber_Float(ctx, v);
            IslHandle_Close(ctx, v);
            if (IslHandle_IsNull(f)) return -1;
            v = f;
        }
        rc = IslList_Append(ctx, fields, v);
        IslHandle_Close(ctx, v);
    }
    r->field_len = r->pend_len = 0;
    r->fkind = 1;
    return rc;
}

CSV_INLINE int stops(const unsigned char *tab, uint32_t c, uint32_t a, uint32_t b) {
    return c < 256 ? tab[c] : (c == a || c == b);
}

/* Runs the state machine over one line and its end (EOL). */
CSV_INLINE int parse_line(IslContext *ctx, CsvState *st, IslHandle self, Reader *r, IslHandle fields, const void *data,
                          IslSsize len, const int kind) {
    const uint32_t delim = r->delimiter, quote = r->quoting == QUOTE_NONE ? NOT_SET : r->quotechar,
                   esc = r->escapechar;
    IslSsize i = 0;
    while (i <= len) {
        uint32_t c = i < len ? RD(kind, data, i) : EOL;
        switch (r->state) {
        case START_RECORD:
            if (c == EOL) break;
            if (c == '\n' || c == '\r') {
                r->state = EAT_CRNL;
                break;
            }
            r->state = START_FIELD;
            /* fall through */
        case START_FIELD:
            r->unquoted = 1;
            if (c == '\n' || c == '\r' || c == EOL) {
                if (save_field(ctx, r, fields) < 0) return -1;
                r->state = c == EOL ? START_RECORD : EAT_CRNL;
            } else if (c == quote) {
                r->unquoted = 0;
                r->state = IN_QUOTED_FIELD;
            } else if (c == esc) {
                r->state = ESCAPED_CHAR;
            } else if (c == ' ' && r->skipinitialspace) {
                /* skipped */
            } else if (c == delim) {
                if (save_field(ctx, r, fields) < 0) return -1;
            } else {
                r->numeric = r->quoting == QUOTE_NONNUMERIC;
                r->state = IN_FIELD;
                continue; /* IN_FIELD takes this char as the start of a run */
            }
            break;
        case ESCAPED_CHAR:
            if (c == '\n' || c == '\r') {
                if (add_char(ctx, st, self, r, c) < 0) return -1;
                r->state = AFTER_ESCAPED_CRNL;
                break;
            }
            if (c == EOL) c = '\n';
            if (add_char(ctx, st, self, r, c) < 0) return -1;
            r->state = IN_FIELD;
            break;
        case AFTER_ESCAPED_CRNL:
            if (c == EOL) break; /* the state stays until the field ends */
            /* fall through */
        case IN_FIELD:
            if (c == '\n' || c == '\r' || c == EOL) {
                if (save_field(ctx, r, fields) < 0) return -1;
                r->state = c == EOL ? START_RECORD : EAT_CRNL;
            } else if (c == esc) {
                r->state = ESCAPED_CHAR;
            } else if (c == delim) {
                if (save_field(ctx, r, fields) < 0) return -1;
                r->state = START_FIELD;
            } else {
                IslSsize j = i + 1;
                while (j < len && !stops(r->stop_unquoted, RD(kind, data, j), delim, esc)) j++;
                if (add_run(ctx, st, self, r, data, kind, i, j - i) < 0) return -1;
                i = j;
                continue;
            }
            break;
        case IN_QUOTED_FIELD:
            if (c == EOL) {
                /* the line break is in the next line's data */
            } else if (c == esc) {
                r->state = ESCAPE_IN_QUOTED_FIELD;
            } else if (c == quote) {
                r->state = r->doublequote ? QUOTE_IN_QUOTED_FIELD : IN_FIELD;
            } else {
                IslSsize j = i + 1;
                while (j < len && !stops(r->stop_quoted, RD(kind, data, j), esc, quote)) j++;
                if (add_run(ctx, st, self, r, data, kind, i, j - i) < 0) return -1;
                i = j;
                continue;
            }
            break;
        case ESCAPE_IN_QUOTED_FIELD:
            if (c == EOL) c = '\n';
            if (add_char(ctx, st, self, r, c) < 0) return -1;
            r->state = IN_QUOTED_FIELD;
            break;
        case QUOTE_IN_QUOTED_FIELD:
            if (c == quote) {
                if (add_char(ctx, st, self, r, c) < 0) return -1;
                r->state = IN_QUOTED_FIELD;
            } else if (c == delim) {
                if (save_field(ctx, r, fields) < 0) return -1;
                r->state = START_FIELD;
            } else if (c == '\n' || c == '\r' || c == EOL) {
                if (save_field(ctx, r, fields) < 0) return -1;
                r->state = c == EOL ? START_RECORD : EAT_CRNL;
            } else if (!r->strict) {
                if (add_char(ctx, st, self, r, c) < 0) return -1;
                r->state = IN_FIELD;
            } else {
                IslHandle err = IslField_Load(ctx, self, st->error);
                IslErr_Format(ctx, err, "'%c' expected after '%c'", (int)delim, (int)r->quotechar);
                IslHandle_Close(ctx, err);
                return -1;
            }
            break;
        case EAT_CRNL:
            if (c == '\n' || c == '\r') {
                /* eaten */
            } else if (c == EOL) {
                r->state = START_RECORD;
            } else {
                raise_error(ctx, st, self,
                            r->py313 ? "new-line character seen in unquoted field - "
                                       "do you need to open the file with newline=''?"
                                     : "new-line character seen in unquoted field - "
                                       "do you need to open the file in universal-newline mode?");
                return -1;
            }
            break;
        }
        i++;
    }
    /* the line's data goes away: keep what the field holds so far */
    return flush_pending(ctx, r);
}

static IslHandle Reader_iter(IslContext *ctx, IslHandle self) { return IslHandle_Dup(ctx, self); }

static IslHandle Reader_next(IslContext *ctx, IslHandle self) {
    CsvState *st = (CsvState *)IslType_GetModuleState(ctx, self, &csv_def);
    if (!st) return ISL_NULL;
    Reader *r = (Reader *)IslInstance_Data(ctx, self, &Reader_def);
    if (!r) return ISL_NULL;
    IslHandle fields = IslList_New(ctx);
    if (IslHandle_IsNull(fields)) return ISL_NULL;
    r->state = START_RECORD;
    r->field_len = r->pend_len = 0;
    r->fkind = 1;
    r->numeric = 0;
    r->unquoted = 1;
    IslHandle it = IslField_Load(ctx, self, r->input_iter);
    do {
        IslSsize seen = r->line_num;
        IslHandle line = IslIter_Next(ctx, it);
        r->limit = st->field_limit;
        /* The iterator ran this reader itself (gh-145105): its parse state is
         * gone, and CPython 3.13+ refuses to go on (3.12 would crash). */
        if (!IslHandle_IsNull(line) && r->line_num != seen) {
            IslHandle_Close(ctx, line);
            raise_error(ctx, st, self, "iterator has already advanced the reader");
            goto fail;
        }
        if (IslHandle_IsNull(line)) {
            if (!IslErr_Occurred(ctx) && (r->field_len != 0 || r->state == IN_QUOTED_FIELD)) {
                if (r->strict)
                    raise_error(ctx, st, self, "unexpected end of data");
                else if (save_field(ctx, r, fields) >= 0)
                    break;
            }
            goto fail;
        }
        int kind;
        IslSsize len;
        const void *data = IslStr_Data(ctx, line, &kind, &len); /* doubles as the str check */
        if (!data && !IslStr_Check(ctx, line)) {
            IslHandle tn = type_name(ctx, line);
            if (!IslHandle_IsNull(tn)) {
                IslHandle err = IslField_Load(ctx, self, st->error);
                IslErr_Format(ctx, err,
                              "iterator should return strings, not %.200S "
                              "(the file should be opened in text mode)",
                              tn);
                IslHandle_Close(ctx, err);
                IslHandle_Close(ctx, tn);
            }
            IslHandle_Close(ctx, line);
            goto fail;
        }
        r->line_num++;
        int rc;
        if (!data)
            rc = -1;
        else if (kind == 1)
            rc = parse_line(ctx, st, self, r, fields, data, len, 1);
        else if (kind == 2)
            rc = parse_line(ctx, st, self, r, fields, data, len, 2);
        else
            rc = parse_line(ctx, st, self, r, fields, data, len, 4);
        r->pend_len = 0; /* never outlives its line */
        IslHandle_Close(ctx, line);
        if (rc < 0) goto fail;
    } while (r->state != START_RECORD);
    IslHandle_Close(ctx, it);
    return fields;
fail:
    r->pend_len = 0;
    IslHandle_Close(ctx, it);
    IslHandle_Close(ctx, fields);
    return ISL_NULL;
}

static void Reader_destroy(void *data) {
    Reader *r = (Reader *)data;
    free(r->fbuf);
    r->fbuf = NULL;
}

static const IslMember Reader_members[] = {
    ISL_MEMBER_HIDDEN_FIELD(Reader, input_iter),
    ISL_MEMBER_FIELD("dialect", Reader, dialect, ISL_READONLY),
    ISL_MEMBER_SSIZE("line_num", Reader, line_num, ISL_READONLY),
    {0},
};
static const IslSlot Reader_slots[] = {
    {ISL_SLOT_ITER, ISL_FN(Reader_iter)},
    {ISL_SLOT_ITERNEXT, ISL_FN(Reader_next)},
    {ISL_SLOT_DESTROY, ISL_FN(Reader_destroy)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef Reader_def = {
    .name = "_csv.reader",
    .doc = "Iterator over the rows parsed from an iterable of lines; made by reader().\n",
    .basicsize = sizeof(Reader),
    .flags = ISL_TYPE_NO_NEW,
    .slots = Reader_slots,
    .members = Reader_members,
};

static IslHandle csv_reader(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    if (!st || check_unpack(ctx, st, "reader", nargs, 1, 2) < 0) return ISL_NULL;
    IslHandle it = IslObject_GetIter(ctx, args[0]);
    if (IslHandle_IsNull(it)) return ISL_NULL;
    IslHandle dialect = call_dialect(ctx, module, st, args + 1, nargs - 1, kwnames);
    IslHandle self = ISL_NULL;
    if (IslHandle_IsNull(dialect)) goto done;
    Dialect *d = dialect_of(ctx, dialect);
    if (!d) goto done;
    IslHandle rt = IslField_Load(ctx, module, st->reader_type);
    self = IslType_GenericNew(ctx, rt);
    IslHandle_Close(ctx, rt);
    if (IslHandle_IsNull(self)) goto done;
    Reader *r = (Reader *)IslInstance_Data(ctx, self, &Reader_def);
    if (!r) {
        IslHandle_Close(ctx, self);
        self = ISL_NULL;
        goto done;
    }
    IslField_Store(ctx, self, &r->input_iter, it);
    IslField_Store(ctx, self, &r->dialect, dialect);
    r->delimiter = d->delimiter;
    r->quotechar = d->quotechar;
    r->escapechar = d->escapechar;
    r->quoting = d->quoting;
    r->doublequote = d->doublequote;
    r->skipinitialspace = d->skipinitialspace;
    r->strict = d->strict;
    r->py313 = st->minor >= 13;
    r->fkind = 1;
    r->state = START_RECORD;
    uint32_t quote = d->quoting == QUOTE_NONE ? NOT_SET : d->quotechar;
    r->stop_unquoted['\n'] = r->stop_unquoted['\r'] = 1;
    if (d->delimiter < 256) r->stop_unquoted[d->delimiter] = 1;
    if (d->escapechar < 256) r->stop_unquoted[d->escapechar] = r->stop_quoted[d->escapechar] = 1;
    if (quote < 256) r->stop_quoted[quote] = 1;
done:
    IslHandle_Close(ctx, it);
    IslHandle_Close(ctx, dialect);
    return self;
}
ISL_DEF_METH_KEYWORDS(csv_reader_def, "reader", csv_reader,
                      "reader(iterable, dialect='excel', **fmtparams)\n\n"
                      "An iterator over the rows (lists of fields) parsed from the str lines\n"
                      "that iterable yields, e.g. a file opened with newline=''. The dialect\n"
                      "and keyword arguments choose the format, as for Dialect().\n");

/* ---- Writer */

static int rec_reserve(IslContext *ctx, Writer *w, IslSsize more) {
    size_t need = (size_t)(w->rec_len + more) * (size_t)w->rec_kind;
    if (need <= w->rec_cap) return 0;
    size_t cap = w->rec_cap ? w->rec_cap : 256;
    while (cap < need) cap *= 2;
    unsigned char *nb = (unsigned char *)realloc(w->rec, cap);
    if (!nb) {
        IslErr_NoMemory(ctx);
        return -1;
    }
    w->rec = nb;
    w->rec_cap = cap;
    return 0;
}

static int rec_widen(IslContext *ctx, Writer *w) {
    w->rec_kind = 4;
    if (rec_reserve(ctx, w, 0) < 0) {
        w->rec_kind = 1;
        return -1;
    }
    uint32_t *p = (uint32_t *)(void *)w->rec;
    for (IslSsize i = w->rec_len; i-- > 0;) p[i] = w->rec[i];
    return 0;
}

/* Room has been reserved by the caller. */
CSV_INLINE void rec_put(Writer *w, uint32_t c) {
    if (w->rec_kind == 1)
        w->rec[w->rec_len++] = (unsigned char)c;
    else
        ((uint32_t *)(void *)w->rec)[w->rec_len++] = c;
}

CSV_INLINE int w_special(const Writer *w, uint32_t c) {
    if (c < 256) return w->special[c];
    if (!w->hi_special) return 0;
    if (c == w->delimiter || c == w->escapechar || c == w->quotechar) return 1;
    for (IslSsize i = 0; i < w->lineterm_len; i++)
        if (w->lineterm[i] == c) return 1;
    return 0;
}

enum { EMIT_PLAIN, EMIT_ESCAPED, EMIT_DOUBLED };

/* How c is written; may set *quoted. -1: it needs an escapechar there is not. */
static int classify(const Writer *w, uint32_t c, int *quoted) {
    if (!w_special(w, c)) return EMIT_PLAIN;
    int want_escape = 0;
    if (w->quoting == QUOTE_NONE) {
        want_escape = 1;
    } else {
        if (c == w->quotechar) {
            if (w->doublequote) {
                *quoted = 1;
                return EMIT_DOUBLED;
            }
            want_escape = 1;
        } else if (c == w->escapechar) {
            want_escape = 1;
        }
        if (!want_escape) {
            *quoted = 1;
            return EMIT_PLAIN;
        }
    }
    return w->escapechar == NOT_SET ? -1 : EMIT_ESCAPED;
}

/* Appends one field (data null for None) to the record. */
static int join_append(IslContext *ctx, CsvState *st, IslHandle self, Writer *w, int kind, const void *data,
                       IslSsize len, int quoted) {
    if (w->py313 && len == 0 && w->delimiter == ' ' && w->skipinitialspace) {
        if (w->quoting == QUOTE_NONE || (!data && (w->quoting == QUOTE_STRINGS || w->quoting == QUOTE_NOTNULL))) {
            raise_error(ctx, st, self,
                        "empty field must be quoted if delimiter is a space and skipinitialspace is true");
            return -1;
        }
        quoted = 1;
    }
    IslSsize i = 0, extra = 0;
    if (kind == 1) {
        const uint8_t *p = (const uint8_t *)data;
        while (i < len && !w->special[p[i]]) i++;
    } else {
        while (i < len && !w_special(w, RD(kind, data, i))) i++;
    }
    int plain = i == len;
    if (!plain) {
        /* first pass: settle the quoting and the size */
        for (; i < len; i++) {
            int e = classify(w, RD(kind, data, i), &quoted);
            if (e < 0) {
                raise_error(ctx, st, self, "need to escape, but no escapechar set");
                return -1;
            }
            if (e != EMIT_PLAIN) extra++;
        }
    }
    if (kind > 1 && w->rec_kind == 1 && rec_widen(ctx, w) < 0) return -1;
    if (rec_reserve(ctx, w, len + extra + 3) < 0) return -1;
    if (w->num_fields > 0) rec_put(w, w->delimiter);
    if (quoted) rec_put(w, w->quotechar);
    if (plain) {
        if (w->rec_kind == 1) {
            memcpy(w->rec + w->rec_len, data, (size_t)len);
            w->rec_len += len;
        } else {
            uint32_t *p = (uint32_t *)(void *)w->rec + w->rec_len;
            if (kind == 4)
                memcpy(p, data, (size_t)len * 4);
            else
                for (IslSsize k = 0; k < len; k++) p[k] = RD(kind, data, k);
            w->rec_len += len;
        }
    } else {
        int q = quoted;
        for (IslSsize k = 0; k < len; k++) {
            uint32_t c = RD(kind, data, k);
            int e = classify(w, c, &q);
            if (e == EMIT_ESCAPED)
                rec_put(w, w->escapechar);
            else if (e == EMIT_DOUBLED)
                rec_put(w, w->quotechar);
            rec_put(w, c);
        }
    }
    if (quoted) rec_put(w, w->quotechar);
    w->num_fields++;
    return 0;
}

/* Appends one item of a row; 0, or -1 with an exception. */
static int append_item(IslContext *ctx, CsvState *st, IslHandle self, Writer *w, IslHandle item, int *null_field) {
    int is_str = IslStr_Check(ctx, item);
    int is_null = !is_str && IslObject_Is(ctx, item, ctx->h_None);
    int quoted;
    switch (w->quoting) {
    case QUOTE_NONNUMERIC:
        quoted = !IslNumber_Check(ctx, item);
        break;
    case QUOTE_ALL: quoted = 1; break;
    case QUOTE_STRINGS: quoted = is_str; break;
    case QUOTE_NOTNULL: quoted = !is_null; break;
    default: quoted = 0; break;
    }
    *null_field = is_null;
    if (is_null) return join_append(ctx, st, self, w, 1, NULL, 0, quoted);
    int kind;
    IslSsize len;
    if (is_str) {
        const void *data = IslStr_Data(ctx, item, &kind, &len);
        if (!data) return -1;
        return join_append(ctx, st, self, w, kind, data, len, quoted);
    }
    IslHandle s = IslObject_Str(ctx, item);
    if (IslHandle_IsNull(s)) return -1;
    const void *data = IslStr_Data(ctx, s, &kind, &len);
    int rc = data ? join_append(ctx, st, self, w, kind, data, len, quoted) : -1;
    IslHandle_Close(ctx, s);
    return rc;
}

static IslHandle writerow(IslContext *ctx, CsvState *st, IslHandle self, Writer *w, IslHandle row) {
    w->rec_len = 0;
    w->num_fields = 0;
    w->rec_kind = w->base_kind;
    int null_field = 0;
    int fast = IslList_CheckExact(ctx, row) || IslObject_TypeIs(ctx, row, ctx->h_TupleType);
    if (fast) {
        /* Indexes like list's iterator: str() of an item may change the list. */
        IslSsize n;
        const IslHandle *items = IslSequence_FastItems(ctx, row, &n);
        if (!items) return ISL_NULL;
        for (IslSsize i = 0; i < n; i++) {
            IslHandle item = items[i];
            /* An exact str: quoted under every quoting but QUOTE_MINIMAL and
             * QUOTE_NONE. A subclass may be a number (QUOTE_NONNUMERIC). */
            if (IslObject_TypeIs(ctx, item, ctx->h_StrType)) {
                int kind;
                IslSsize len;
                const void *data = IslStr_Data(ctx, item, &kind, &len);
                if (!data) return ISL_NULL;
                null_field = 0;
                if (join_append(ctx, st, self, w, kind, data, len, w->quoting == QUOTE_ALL ||
                                                                   w->quoting == QUOTE_STRINGS ||
                                                                   w->quoting == QUOTE_NONNUMERIC ||
                                                                   w->quoting == QUOTE_NOTNULL) < 0)
                    return ISL_NULL;
                continue;
            }
            item = IslHandle_Dup(ctx, item);
            int rc = append_item(ctx, st, self, w, item, &null_field);
            IslHandle_Close(ctx, item);
            if (rc < 0) return ISL_NULL;
            items = IslSequence_FastItems(ctx, row, &n);
            if (!items) return ISL_NULL;
        }
    } else {
        IslHandle it = IslObject_GetIter(ctx, row);
        if (IslHandle_IsNull(it)) {
            if (IslErr_ExceptionMatches(ctx, ctx->h_TypeError)) {
                /* the TypeError is replaced: type_name drops it before it calls anything */
                IslHandle tn = type_name(ctx, row);
                if (!IslHandle_IsNull(tn)) {
                    IslHandle err = IslField_Load(ctx, self, st->error);
                    IslErr_Format(ctx, err, "iterable expected, not %.200S", tn);
                    IslHandle_Close(ctx, err);
                    IslHandle_Close(ctx, tn);
                }
            }
            return ISL_NULL;
        }
        IslHandle item;
        while (!IslHandle_IsNull(item = IslIter_Next(ctx, it))) {
            int rc = append_item(ctx, st, self, w, item, &null_field);
            IslHandle_Close(ctx, item);
            if (rc < 0) break;
        }
        IslHandle_Close(ctx, it);
        if (IslErr_Occurred(ctx)) return ISL_NULL;
    }
    if (w->num_fields > 0 && w->rec_len == 0) {
        if (w->quoting == QUOTE_NONE ||
            (w->py313 && null_field && (w->quoting == QUOTE_STRINGS || w->quoting == QUOTE_NOTNULL)))
            return raise_error(ctx, st, self, "single empty field record must be quoted");
        w->num_fields--;
        if (join_append(ctx, st, self, w, 1, NULL, 0, 1) < 0) return ISL_NULL;
    }
    if (rec_reserve(ctx, w, w->lineterm_len) < 0) return ISL_NULL;
    for (IslSsize i = 0; i < w->lineterm_len; i++) rec_put(w, w->lineterm[i]);
    IslHandle line = IslStr_FromKindAndData(ctx, w->rec_kind, w->rec, w->rec_len);
    if (IslHandle_IsNull(line)) return ISL_NULL;
    IslHandle write = IslField_Load(ctx, self, w->write);
    IslHandle res = IslObject_Vectorcall(ctx, write, &line, 1, ISL_NULL);
    IslHandle_Close(ctx, write);
    IslHandle_Close(ctx, line);
    return res;
}

static IslHandle Writer_writerow(IslContext *ctx, IslHandle self, IslHandle row) {
    CsvState *st = (CsvState *)IslType_GetModuleState(ctx, self, &csv_def);
    if (!st) return ISL_NULL;
    Writer *w = (Writer *)IslInstance_Data(ctx, self, &Writer_def);
    if (!w) return ISL_NULL;
    return writerow(ctx, st, self, w, row);
}
ISL_DEF_METH_O(Writer_writerow_def, "writerow", Writer_writerow,
               "writerow($self, row, /)\n--\n\n"
               "Format the fields of row as one record and write it; fields that are\n"
               "not str are written as str(field), None as an empty field.");

static IslHandle Writer_writerows(IslContext *ctx, IslHandle self, IslHandle rows) {
    CsvState *st = (CsvState *)IslType_GetModuleState(ctx, self, &csv_def);
    if (!st) return ISL_NULL;
    Writer *w = (Writer *)IslInstance_Data(ctx, self, &Writer_def);
    if (!w) return ISL_NULL;
    IslHandle it = IslObject_GetIter(ctx, rows);
    if (IslHandle_IsNull(it)) return ISL_NULL;
    IslHandle row;
    while (!IslHandle_IsNull(row = IslIter_Next(ctx, it))) {
        IslHandle res = writerow(ctx, st, self, w, row);
        IslHandle_Close(ctx, row);
        if (IslHandle_IsNull(res)) break;
        IslHandle_Close(ctx, res);
    }
    IslHandle_Close(ctx, it);
    if (IslErr_Occurred(ctx)) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_O(Writer_writerows_def, "writerows", Writer_writerows,
               "writerows($self, rows, /)\n--\n\n"
               "writerow() for each row of rows.");

static void Writer_destroy(void *data) {
    Writer *w = (Writer *)data;
    free(w->rec);
    free(w->lineterm);
    w->rec = NULL;
    w->lineterm = NULL;
}

static const IslMethodDef *const Writer_methods[] = {&Writer_writerow_def, &Writer_writerows_def, NULL};
static const IslMember Writer_members[] = {
    ISL_MEMBER_HIDDEN_FIELD(Writer, write),
    ISL_MEMBER_FIELD("dialect", Writer, dialect, ISL_READONLY),
    {0},
};
static const IslSlot Writer_slots[] = {{ISL_SLOT_DESTROY, ISL_FN(Writer_destroy)}, {ISL_SLOT_END, NULL}};
static const IslTypeDef Writer_def = {
    .name = "_csv.writer",
    .doc = "Formats rows as CSV records for a file-like object; made by writer().\n",
    .basicsize = sizeof(Writer),
    .flags = ISL_TYPE_NO_NEW,
    .slots = Writer_slots,
    .methods = Writer_methods,
    .members = Writer_members,
};

static void mark_special(Writer *w, uint32_t c) {
    if (c == NOT_SET) return;
    if (c < 256)
        w->special[c] = 1;
    else
        w->hi_special = 1;
    if (c > 0xFF) w->base_kind = 4;
}

static IslHandle csv_writer(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    if (!st || check_unpack(ctx, st, "writer", nargs, 1, 2) < 0) return ISL_NULL;
    IslHandle write = IslObject_GetAttrString(ctx, args[0], "write"), dialect = ISL_NULL, self = ISL_NULL;
    if (IslHandle_IsNull(write)) {
        if (!IslErr_ExceptionMatches(ctx, ctx->h_AttributeError)) return ISL_NULL;
        IslErr_Clear(ctx);
    }
    if (IslHandle_IsNull(write) || !IslCallable_Check(ctx, write)) {
        IslErr_SetString(ctx, ctx->h_TypeError, "argument 1 must have a \"write\" method");
        goto done;
    }
    dialect = call_dialect(ctx, module, st, args + 1, nargs - 1, kwnames);
    if (IslHandle_IsNull(dialect)) goto done;
    Dialect *d = dialect_of(ctx, dialect);
    if (!d) goto done;
    IslHandle wt = IslField_Load(ctx, module, st->writer_type);
    self = IslType_GenericNew(ctx, wt);
    IslHandle_Close(ctx, wt);
    if (IslHandle_IsNull(self)) goto done;
    Writer *w = (Writer *)IslInstance_Data(ctx, self, &Writer_def);
    IslHandle lt = w ? IslField_Load(ctx, dialect, d->lineterminator) : ISL_NULL;
    int kind;
    IslSsize len;
    const void *ltdata = IslHandle_IsNull(lt) ? NULL : IslStr_Data(ctx, lt, &kind, &len);
    if (!ltdata) {
        IslHandle_Close(ctx, lt);
        goto fail;
    }
    w->lineterm = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)(len + 1));
    if (!w->lineterm) {
        IslHandle_Close(ctx, lt);
        IslErr_NoMemory(ctx);
        goto fail;
    }
    w->lineterm_len = len;
    for (IslSsize i = 0; i < len; i++) w->lineterm[i] = RD(kind, ltdata, i);
    IslHandle_Close(ctx, lt);
    IslField_Store(ctx, self, &w->write, write);
    IslField_Store(ctx, self, &w->dialect, dialect);
    w->delimiter = d->delimiter;
    w->quotechar = d->quotechar;
    w->escapechar = d->escapechar;
    w->quoting = d->quoting;
    w->doublequote = d->doublequote;
    w->skipinitialspace = d->skipinitialspace;
    w->py313 = st->minor >= 13;
    w->base_kind = 1;
    mark_special(w, d->delimiter);
    mark_special(w, d->quotechar);
    mark_special(w, d->escapechar);
    for (IslSsize i = 0; i < len; i++) mark_special(w, w->lineterm[i]);
    if (w->py313) w->special['\n'] = w->special['\r'] = 1;
    w->rec_kind = w->base_kind;
    goto done;
fail:
    IslHandle_Close(ctx, self);
    self = ISL_NULL;
done:
    IslHandle_Close(ctx, write);
    IslHandle_Close(ctx, dialect);
    return self;
}
ISL_DEF_METH_KEYWORDS(csv_writer_def, "writer", csv_writer,
                      "writer(fileobj, dialect='excel', **fmtparams)\n\n"
                      "A writer whose writerow() and writerows() pass each formatted record\n"
                      "to fileobj.write(). The dialect and keyword arguments choose the\n"
                      "format, as for Dialect().\n");

/* ---- the dialect registry and the field limit */

static IslHandle csv_register_dialect(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs,
                                      IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    if (!st || check_unpack(ctx, st, "register_dialect", nargs, 1, 2) < 0) return ISL_NULL;
    if (!IslStr_Check(ctx, args[0])) return IslErr_SetString(ctx, ctx->h_TypeError, "dialect name must be a string");
    IslHandle d = call_dialect(ctx, module, st, args + 1, nargs - 1, kwnames);
    if (IslHandle_IsNull(d)) return ISL_NULL;
    IslHandle reg = IslField_Load(ctx, module, st->dialects);
    int rc = IslDict_SetItem(ctx, reg, args[0], d);
    IslHandle_Close(ctx, reg);
    IslHandle_Close(ctx, d);
    return rc < 0 ? ISL_NULL : IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_KEYWORDS(csv_register_dialect_def, "register_dialect", csv_register_dialect,
                      "register_dialect(name, dialect=None, **fmtparams)\n\n"
                      "Register Dialect(dialect, **fmtparams) under the str name.");

static const char *const name_kw[] = {"name", NULL};

static IslHandle csv_unregister_dialect(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs,
                                        IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    IslHandle name;
    if (!st || !IslArg_Parse(ctx, args, nargs, kwnames, "O:unregister_dialect", name_kw, &name)) return ISL_NULL;
    IslHandle reg = IslField_Load(ctx, module, st->dialects);
    int rc = IslDict_DelItem(ctx, reg, name);
    IslHandle_Close(ctx, reg);
    if (rc < 0) {
        /* 3.13 reports any failure (an unhashable name too) as unknown */
        if (st->minor >= 13 || IslErr_ExceptionMatches(ctx, ctx->h_KeyError)) {
            IslErr_Clear(ctx);
            raise_error(ctx, st, module, "unknown dialect");
        }
        return ISL_NULL;
    }
    return IslHandle_Dup(ctx, ctx->h_None);
}
ISL_DEF_METH_KEYWORDS(csv_unregister_dialect_def, "unregister_dialect", csv_unregister_dialect,
                      "unregister_dialect($module, /, name)\n--\n\n"
                      "Forget the dialect registered as name; csv.Error when there is none.");

static IslHandle csv_get_dialect(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs,
                                 IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    IslHandle name, found;
    if (!st || !IslArg_Parse(ctx, args, nargs, kwnames, "O:get_dialect", name_kw, &name)) return ISL_NULL;
    IslHandle reg = IslField_Load(ctx, module, st->dialects);
    int rc = IslDict_GetItem(ctx, reg, name, &found);
    IslHandle_Close(ctx, reg);
    if (rc == 0) return raise_error(ctx, st, module, "unknown dialect");
    return rc < 0 ? ISL_NULL : found;
}
ISL_DEF_METH_KEYWORDS(csv_get_dialect_def, "get_dialect", csv_get_dialect,
                      "get_dialect($module, /, name)\n--\n\n"
                      "The Dialect registered as name; csv.Error when there is none.");

static IslHandle csv_list_dialects(IslContext *ctx, IslHandle module) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    if (!st) return ISL_NULL;
    IslHandle reg = IslField_Load(ctx, module, st->dialects);
    IslHandle keys = IslDict_Keys(ctx, reg);
    IslHandle_Close(ctx, reg);
    return keys;
}
ISL_DEF_METH_NOARGS(csv_list_dialects_def, "list_dialects", csv_list_dialects,
                    "list_dialects($module, /)\n--\n\n"
                    "The names of the registered dialects, as a list.");

static const char *const limit_kw[] = {"new_limit", NULL};

static IslHandle csv_field_size_limit(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs,
                                      IslHandle kwnames) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    IslHandle limit = ISL_NULL;
    if (!st || !IslArg_Parse(ctx, args, nargs, kwnames, "|O:field_size_limit", limit_kw, &limit)) return ISL_NULL;
    int64_t old = st->field_limit;
    if (!IslHandle_IsNull(limit)) {
        if (!IslObject_TypeIs(ctx, limit, ctx->h_LongType)) return IslErr_SetString(ctx, ctx->h_TypeError, "limit must be an integer");
        int64_t v = IslLong_AsInt64(ctx, limit);
        if (v == -1 && IslErr_Occurred(ctx)) {
            if (IslErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
                /* a Py_ssize_t since gh-116738: 3.13.0 still said long, 3.13.18 does
                 * not; the backport is taken to be in 3.13.1 */
                int ssize = st->minor > 13 || (st->minor == 13 && st->micro >= 1);
                IslErr_Clear(ctx);
                IslErr_SetString(ctx, ctx->h_OverflowError,
                                 ssize ? "Python int too large to convert to C ssize_t"
                                       : "Python int too large to convert to C long");
            }
            return ISL_NULL;
        }
        st->field_limit = v;
    }
    return IslLong_FromInt64(ctx, old);
}
ISL_DEF_METH_KEYWORDS(csv_field_size_limit_def, "field_size_limit", csv_field_size_limit,
                      "field_size_limit($module, /, new_limit=<unrepresentable>)\n--\n\n"
                      "The largest field the reader accepts, in characters. With new_limit,\n"
                      "set a new maximum; the previous one is returned either way.");

static const IslMethodDef *const csv_methods[] = {
    &csv_reader_def,      &csv_writer_def,        &csv_register_dialect_def, &csv_unregister_dialect_def,
    &csv_get_dialect_def, &csv_list_dialects_def, &csv_field_size_limit_def, NULL,
};

static const IslModuleConstant csv_constants[] = {
    {"QUOTE_MINIMAL", ISL_CONST_INT, QUOTE_MINIMAL, 0.0, NULL},
    {"QUOTE_ALL", ISL_CONST_INT, QUOTE_ALL, 0.0, NULL},
    {"QUOTE_NONNUMERIC", ISL_CONST_INT, QUOTE_NONNUMERIC, 0.0, NULL},
    {"QUOTE_NONE", ISL_CONST_INT, QUOTE_NONE, 0.0, NULL},
    {"QUOTE_STRINGS", ISL_CONST_INT, QUOTE_STRINGS, 0.0, NULL},
    {"QUOTE_NOTNULL", ISL_CONST_INT, QUOTE_NOTNULL, 0.0, NULL},
    {NULL, ISL_CONST_END, 0, 0.0, NULL},
};

/* Keeps obj in the state field and, when name is given, on the module. */
static int keep(IslContext *ctx, IslHandle module, IslField *slot, IslHandle obj, const char *name) {
    if (IslHandle_IsNull(obj)) return -1;
    IslField_Store(ctx, module, slot, obj);
    int r = name ? IslModule_AddObject(ctx, module, name, obj) : 0;
    IslHandle_Close(ctx, obj);
    return r;
}

static int csv_exec(IslContext *ctx, IslHandle module) {
    CsvState *st = (CsvState *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    st->field_limit = 128 * 1024;
    uint32_t version;
    if (port_py_version(ctx, &version) < 0) return -1;
    st->minor = (int)(version >> 16 & 0xff);
    st->micro = (int)(version >> 8 & 0xff);
    if (st->minor <= 12) { /* _csv.__version__ went to csv.py in 3.13 */
        IslHandle v = IslStr_FromUTF8(ctx, "1.0");
        int r = IslHandle_IsNull(v) ? -1 : IslModule_AddObject(ctx, module, "__version__", v);
        IslHandle_Close(ctx, v);
        if (r < 0) return -1;
    }

    if (keep(ctx, module, &st->error, IslErr_NewException(ctx, "_csv.Error", ISL_NULL, NULL), "Error") < 0 ||
        keep(ctx, module, &st->dialects, IslDict_New(ctx), "_dialects") < 0 ||
        keep(ctx, module, &st->dialect_type, IslType_FromDef(ctx, module, &Dialect_def, ISL_NULL), "Dialect") < 0 ||
        keep(ctx, module, &st->reader_type, IslType_FromDef(ctx, module, &Reader_def, ISL_NULL), "Reader") < 0 ||
        keep(ctx, module, &st->writer_type, IslType_FromDef(ctx, module, &Writer_def, ISL_NULL), "Writer") < 0)
        return -1;
    return 0;
}

static const IslMember csv_state_fields[] = {
    ISL_MEMBER_HIDDEN_FIELD(CsvState, error),       ISL_MEMBER_HIDDEN_FIELD(CsvState, dialects),
    ISL_MEMBER_HIDDEN_FIELD(CsvState, dialect_type), ISL_MEMBER_HIDDEN_FIELD(CsvState, reader_type),
    ISL_MEMBER_HIDDEN_FIELD(CsvState, writer_type),
    {0},
};

static const IslModuleDef csv_def = {
    .name = "_csv",
    .doc = "CSV parsing and writing.\n\n"
           "The low-level reader and writer behind the csv module, which adds\n"
           "DictReader, DictWriter, the Sniffer and the predefined dialects. Use\n"
           "csv instead of importing this module directly.\n\n"
           "reader(iterable, dialect='excel', **fmtparams) parses lines into rows;\n"
           "writer(fileobj, dialect='excel', **fmtparams) formats rows into lines.\n"
           "A dialect is a registered name, a Dialect instance or any object with\n"
           "the attributes delimiter, quotechar, escapechar, doublequote,\n"
           "skipinitialspace, lineterminator, quoting and strict; keyword\n"
           "arguments override them. quoting is one of QUOTE_MINIMAL, QUOTE_ALL,\n"
           "QUOTE_NONNUMERIC, QUOTE_NONE, QUOTE_STRINGS and QUOTE_NOTNULL.\n\n"
           "register_dialect, unregister_dialect, get_dialect and list_dialects\n"
           "manage named dialects; field_size_limit bounds the parsed field size.\n",
    .state_size = sizeof(CsvState),
    .methods = csv_methods,
    .constants = csv_constants,
    .exec = csv_exec,
    .state_fields = csv_state_fields,
};

ISL_MODINIT(_csv, csv_def);

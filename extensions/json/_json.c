/* _json for isles: the json accelerator (scanstring, make_scanner,
 * make_encoder, encode_basestring[_ascii]) written against the stable tier
 * only. One binary serves every CPython from 3.12, in the main interpreter
 * and in own-GIL sub-interpreters. What differs between releases (see
 * json_exec: trailing-comma errors, indent in the C encoder, error notes,
 * array_hook, frozendict, fixes backported to patch releases) follows the
 * running version, read once per module into flags the calls test.
 *
 * The decoder reads code points straight from IslStr_Data's buffer and the
 * encoder writes into a C buffer of its own, so most characters cost no
 * context call. */
#include <isles/isles.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../common/pyversion.h"

typedef struct {
    IslField scanner_type;
    IslField encoder_type;
    IslField ascii_fn;  /* this module's encode_basestring_ascii, recognised by make_encoder */
    IslField plain_fn;  /* this module's encode_basestring */
    IslField frozendict_type; /* builtins.frozendict where the encoder takes it, else empty */
    /* The running CPython's behaviour, set once by json_exec. */
    char trailing_comma_errors; /* 3.13: "Illegal trailing comma" */
    char indent;                /* 3.13: the C encoder indents (indent is a str) */
    char eof_escape_unterminated; /* gh-152052: a \uXXXX ending the input is an unterminated string */
    char skipped_dict_empty;    /* gh-131884: a dict whose keys were all skipped is {} with indent */
    char notes;                 /* 3.14: "when serializing ..." notes on encoder errors */
    char array_hook;            /* 3.15: the scanner calls context.array_hook */
    char clinic_messages;       /* 3.15: Argument Clinic's argument-type messages */
} JsonState;

static const IslModuleDef json_def;
static const IslTypeDef scanner_def;    /* before 3.15 */
static const IslTypeDef scanner315_def; /* 3.15: array_hook */
static const IslTypeDef encoder_def;

/* ------------------------------------------------------------------ helpers */

static inline uint32_t rd(int kind, const void *data, IslSsize i) {
    if (kind == 1) return ((const uint8_t *)data)[i];
    if (kind == 2) return ((const uint16_t *)data)[i];
    return ((const uint32_t *)data)[i];
}

#define IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

static const char hexdigits[] = "0123456789abcdef";

/* Raises json.decoder.JSONDecodeError(msg, s, pos), looked up each time as
 * CPython does (the test suite swaps the class in). */
static void raise_decode_error(IslContext *ctx, const char *msg, IslHandle s, IslSsize pos) {
    IslHandle mod = IslImport_ImportModule(ctx, "json.decoder");
    if (IslHandle_IsNull(mod)) return;
    IslHandle cls = IslObject_GetAttrString(ctx, mod, "JSONDecodeError");
    IslHandle_Close(ctx, mod);
    if (IslHandle_IsNull(cls)) return;
    IslHandle a[3];
    a[0] = IslStr_FromUTF8(ctx, msg);
    a[1] = s;
    a[2] = IslLong_FromSsize(ctx, pos);
    if (!IslHandle_IsNull(a[0]) && !IslHandle_IsNull(a[2])) {
        IslHandle exc = IslObject_Vectorcall(ctx, cls, a, 3, ISL_NULL);
        if (!IslHandle_IsNull(exc)) {
            IslErr_SetObject(ctx, cls, exc);
            IslHandle_Close(ctx, exc);
        }
    }
    IslHandle_Close(ctx, a[0]);
    IslHandle_Close(ctx, a[2]);
    IslHandle_Close(ctx, cls);
}

static void raise_stop(IslContext *ctx, IslSsize idx) {
    IslHandle v = IslLong_FromSsize(ctx, idx);
    if (IslHandle_IsNull(v)) return;
    IslErr_SetObject(ctx, ctx->h_StopIteration, v);
    IslHandle_Close(ctx, v);
}

static IslHandle pair(IslContext *ctx, IslHandle a, IslHandle b) {
    IslHandle items[2] = {a, b};
    return IslTuple_New(ctx, items, 2);
}

/* ------------------------------------------------------------------ decoder */

typedef struct {
    uint64_t hash; /* 0: empty */
    IslHandle key; /* owned until the call ends */
    const void *data;
    int kind;
    IslSsize len;
} MemoEntry;

typedef struct {
    IslContext *ctx;
    IslHandle pystr;
    const void *data;
    int kind;
    IslSsize len;
    MemoEntry *memo;
    IslSsize memo_cap, memo_used;
    IslHandle object_hook, pairs_hook, parse_float, parse_int, parse_constant, array_hook; /* the scanner's */
    int strict, has_hook, has_pairs, custom_float, custom_int, has_array_hook, trailing_comma_errors;
    int eof_escape_unterminated;
    uint32_t *scratch; /* decoded text of strings with escapes */
    IslSsize scratch_cap;
} Scan;

typedef struct {
    IslField object_hook, object_pairs_hook, parse_float, parse_int, parse_constant;
    IslField array_hook; /* 3.15 */
    char strict;
    char has_hook, has_pairs, custom_float, custom_int, has_array_hook;
} Scanner;

static int scratch_reserve(IslContext *ctx, uint32_t **buf, IslSsize *cap, IslSsize need) {
    if (need <= *cap) return 0;
    IslSsize ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    uint32_t *nb = (uint32_t *)realloc(*buf, (size_t)ncap * sizeof(uint32_t));
    if (!nb) {
        IslErr_NoMemory(ctx);
        return -1;
    }
    *buf = nb;
    *cap = ncap;
    return 0;
}

static int hexval(uint32_t d) {
    if (d >= '0' && d <= '9') return (int)(d - '0');
    if (d >= 'a' && d <= 'f') return (int)(d - 'a' + 10);
    if (d >= 'A' && d <= 'F') return (int)(d - 'A' + 10);
    return -1;
}

/* Index of the first '"', '\\' or (when strict) control character at or
 * after `i`, specialised per kind because it is the decoder's hottest loop. */
#define FIND_SPECIAL(T)                                                       \
    do {                                                                      \
        const T *p = (const T *)data;                                         \
        if (strict) {                                                         \
            while (i < len && p[i] != '"' && p[i] != '\\' && p[i] > 0x1f) i++; \
        } else {                                                              \
            while (i < len && p[i] != '"' && p[i] != '\\') i++;               \
        }                                                                     \
    } while (0)

static IslSsize find_special(int kind, const void *data, IslSsize i, IslSsize len, int strict) {
    if (kind == 1)
        FIND_SPECIAL(uint8_t);
    else if (kind == 2)
        FIND_SPECIAL(uint16_t);
    else
        FIND_SPECIAL(uint32_t);
    return i;
}

/* Decodes the JSON string whose body starts at `end` (just after the opening
 * quote) without making a str: *text is either a slice of `data` (same kind)
 * or the scratch buffer (kind 4). *next_end receives the index after the
 * closing quote. 0, or -1 with an error. */
typedef struct {
    const void *data;
    int kind;
    IslSsize len;
} Text;

static int scan_text(IslContext *ctx, IslHandle pystr, const void *data, int kind, IslSsize len, IslSsize end,
                     int strict, int eof_escape_unterminated, IslSsize *next_end, uint32_t **scratch,
                     IslSsize *scratch_cap, Text *text) {
    IslSsize begin = end - 1;
    if (end < 0 || len < end) {
        IslErr_SetString(ctx, ctx->h_ValueError, "end is out of bounds");
        return -1;
    }
    IslSsize out = 0;
    int escaped = 0;
    for (;;) {
        IslSsize next = find_special(kind, data, end, len, strict);
        if (next >= len) {
            raise_decode_error(ctx, "Unterminated string starting at", pystr, begin);
            return -1;
        }
        uint32_t c = rd(kind, data, next);
        if (c != '"' && c != '\\') {
            raise_decode_error(ctx, "Invalid control character at", pystr, next);
            return -1;
        }
        if (c == '"' && !escaped) {
            *next_end = next + 1;
            text->data = (const char *)data + (size_t)kind * (size_t)end;
            text->kind = kind;
            text->len = next - end;
            return 0;
        }
        /* room for this chunk and one decoded character */
        if (scratch_reserve(ctx, scratch, scratch_cap, out + (next - end) + 1) < 0) return -1;
        uint32_t *buf = *scratch;
        for (IslSsize j = end; j < next; j++) buf[out++] = rd(kind, data, j);
        escaped = 1;
        next++;
        if (c == '"') {
            *next_end = next;
            text->data = buf;
            text->kind = 4;
            text->len = out;
            return 0;
        }
        if (next == len) {
            raise_decode_error(ctx, "Unterminated string starting at", pystr, begin);
            return -1;
        }
        c = rd(kind, data, next);
        if (c != 'u') {
            end = next + 1;
            switch (c) {
                case '"': case '\\': case '/': break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                default:
                    raise_decode_error(ctx, "Invalid \\escape", pystr, end - 2);
                    return -1;
            }
        } else {
            next++;
            end = next + 4;
            /* four digits ending the input: "Unterminated string" since gh-152052 */
            if (end > len || (end == len && !eof_escape_unterminated)) {
                raise_decode_error(ctx, "Invalid \\uXXXX escape", pystr, next - 1);
                return -1;
            }
            c = 0;
            for (; next < end; next++) {
                int h = hexval(rd(kind, data, next));
                if (h < 0) {
                    raise_decode_error(ctx, "Invalid \\uXXXX escape", pystr, end - 5);
                    return -1;
                }
                c = (c << 4) | (uint32_t)h;
            }
            /* a high surrogate followed by an escaped low one makes one character */
            if (c >= 0xD800 && c <= 0xDBFF && end + 6 < len && rd(kind, data, next) == '\\' &&
                rd(kind, data, next + 1) == 'u') {
                uint32_t c2 = 0;
                next += 2;
                IslSsize stop = end + 6;
                for (; next < stop; next++) {
                    int h = hexval(rd(kind, data, next));
                    if (h < 0) {
                        raise_decode_error(ctx, "Invalid \\uXXXX escape", pystr, stop - 5);
                        return -1;
                    }
                    c2 = (c2 << 4) | (uint32_t)h;
                }
                if (c2 >= 0xDC00 && c2 <= 0xDFFF) {
                    c = 0x10000 + (((c - 0xD800) << 10) | (c2 - 0xDC00));
                    end = stop;
                }
            }
        }
        buf[out++] = c;
    }
}

static IslHandle scan_string(IslContext *ctx, IslHandle pystr, const void *data, int kind, IslSsize len,
                             IslSsize end, int strict, int eof_escape_unterminated, IslSsize *next_end,
                             uint32_t **scratch, IslSsize *scratch_cap) {
    Text t;
    if (scan_text(ctx, pystr, data, kind, len, end, strict, eof_escape_unterminated, next_end, scratch, scratch_cap,
                  &t) < 0)
        return ISL_NULL;
    return IslStr_FromKindAndData(ctx, t.kind, t.data, t.len);
}

static IslHandle scan_once(Scan *s, IslSsize idx, IslSsize *next);

static IslSsize skip_ws(const Scan *s, IslSsize idx) {
    while (idx < s->len && IS_WS(rd(s->kind, s->data, idx))) idx++;
    return idx;
}

static int char_at(const Scan *s, IslSsize idx, uint32_t c) { return idx < s->len && rd(s->kind, s->data, idx) == c; }

static uint64_t text_hash(const Text *t) {
    uint64_t h = 1469598103934665603u;
    for (IslSsize i = 0; i < t->len; i++) h = (h ^ rd(t->kind, t->data, i)) * 1099511628211u;
    return h ? h : 1;
}

static int text_equal(const Text *a, const MemoEntry *b) {
    if (a->len != b->len) return 0;
    if (a->kind == b->kind) return memcmp(a->data, b->data, (size_t)a->len * (size_t)a->kind) == 0;
    for (IslSsize i = 0; i < a->len; i++)
        if (rd(a->kind, a->data, i) != rd(b->kind, b->data, i)) return 0;
    return 1;
}

static int memo_grow(Scan *s) {
    IslSsize ncap = s->memo_cap ? s->memo_cap * 2 : 64;
    MemoEntry *nt = (MemoEntry *)calloc((size_t)ncap, sizeof(MemoEntry));
    if (!nt) {
        IslErr_NoMemory(s->ctx);
        return -1;
    }
    for (IslSsize i = 0; i < s->memo_cap; i++) {
        MemoEntry *e = &s->memo[i];
        if (!e->hash) continue;
        IslSsize j = (IslSsize)(e->hash & (uint64_t)(ncap - 1));
        while (nt[j].hash) j = (j + 1) & (ncap - 1);
        nt[j] = *e;
    }
    free(s->memo);
    s->memo = nt;
    s->memo_cap = ncap;
    return 0;
}

/* Object keys go through a C table of the keys made so far in this call, so
 * a repeated key is one shared str, as with CPython's memo dict, and costs no
 * allocation. */
static IslHandle scan_key(Scan *s, IslSsize idx, IslSsize *next) {
    IslContext *ctx = s->ctx;
    Text t;
    if (scan_text(ctx, s->pystr, s->data, s->kind, s->len, idx, s->strict, s->eof_escape_unterminated, next,
                  &s->scratch, &s->scratch_cap, &t) < 0)
        return ISL_NULL;
    if (2 * (s->memo_used + 1) > s->memo_cap && memo_grow(s) < 0) return ISL_NULL;
    uint64_t h = text_hash(&t);
    IslSsize j = (IslSsize)(h & (uint64_t)(s->memo_cap - 1));
    for (; s->memo[j].hash; j = (j + 1) & (s->memo_cap - 1))
        if (s->memo[j].hash == h && text_equal(&t, &s->memo[j])) return IslHandle_Dup(ctx, s->memo[j].key);
    IslHandle key = IslStr_FromKindAndData(ctx, t.kind, t.data, t.len);
    if (IslHandle_IsNull(key)) return key;
    MemoEntry *e = &s->memo[j];
    e->data = IslStr_Data(ctx, key, &e->kind, &e->len);
    if (!e->data) {
        IslHandle_Close(ctx, key);
        return ISL_NULL;
    }
    e->hash = h;
    e->key = IslHandle_Dup(ctx, key);
    s->memo_used++;
    return key;
}

static IslHandle parse_object(Scan *s, IslSsize idx, IslSsize *next_ptr) {
    IslContext *ctx = s->ctx;
    IslHandle rval = s->has_pairs ? IslList_New(ctx) : IslDict_New(ctx);
    if (IslHandle_IsNull(rval)) return rval;
    IslSsize next;
    idx = skip_ws(s, idx);
    if (!char_at(s, idx, '}')) {
        for (;;) {
            if (!char_at(s, idx, '"')) {
                raise_decode_error(ctx, "Expecting property name enclosed in double quotes", s->pystr, idx);
                goto fail;
            }
            IslHandle key = scan_key(s, idx + 1, &next);
            if (IslHandle_IsNull(key)) goto fail;
            idx = skip_ws(s, next);
            if (!char_at(s, idx, ':')) {
                IslHandle_Close(ctx, key);
                raise_decode_error(ctx, "Expecting ':' delimiter", s->pystr, idx);
                goto fail;
            }
            idx = skip_ws(s, idx + 1);
            IslHandle val = scan_once(s, idx, &next);
            if (IslHandle_IsNull(val)) {
                IslHandle_Close(ctx, key);
                goto fail;
            }
            int r;
            if (s->has_pairs) {
                IslHandle item = pair(ctx, key, val);
                r = IslHandle_IsNull(item) ? -1 : IslList_Append(ctx, rval, item);
                IslHandle_Close(ctx, item);
            } else {
                r = IslDict_SetItem(ctx, rval, key, val);
            }
            IslHandle_Close(ctx, key);
            IslHandle_Close(ctx, val);
            if (r < 0) goto fail;
            idx = skip_ws(s, next);
            if (char_at(s, idx, '}')) break;
            if (!char_at(s, idx, ',')) {
                raise_decode_error(ctx, "Expecting ',' delimiter", s->pystr, idx);
                goto fail;
            }
            IslSsize comma = idx;
            idx = skip_ws(s, idx + 1);
            if (s->trailing_comma_errors && char_at(s, idx, '}')) {
                raise_decode_error(ctx, "Illegal trailing comma before end of object", s->pystr, comma);
                goto fail;
            }
        }
    }
    *next_ptr = idx + 1;
    if (s->has_pairs || s->has_hook) {
        IslHandle hook = s->has_pairs ? s->pairs_hook : s->object_hook;
        IslHandle res = IslObject_Vectorcall(ctx, hook, &rval, 1, ISL_NULL);
        IslHandle_Close(ctx, rval);
        return res;
    }
    return rval;
fail:
    IslHandle_Close(ctx, rval);
    return ISL_NULL;
}

static IslHandle parse_array(Scan *s, IslSsize idx, IslSsize *next_ptr) {
    IslContext *ctx = s->ctx;
    IslHandle rval = IslList_New(ctx);
    if (IslHandle_IsNull(rval)) return rval;
    IslSsize next;
    idx = skip_ws(s, idx);
    if (!char_at(s, idx, ']')) {
        for (;;) {
            IslHandle val = scan_once(s, idx, &next);
            if (IslHandle_IsNull(val)) goto fail;
            int r = IslList_Append(ctx, rval, val);
            IslHandle_Close(ctx, val);
            if (r < 0) goto fail;
            idx = skip_ws(s, next);
            if (char_at(s, idx, ']')) break;
            if (!char_at(s, idx, ',')) {
                raise_decode_error(ctx, "Expecting ',' delimiter", s->pystr, idx);
                goto fail;
            }
            IslSsize comma = idx;
            idx = skip_ws(s, idx + 1);
            if (s->trailing_comma_errors && char_at(s, idx, ']')) {
                raise_decode_error(ctx, "Illegal trailing comma before end of array", s->pystr, comma);
                goto fail;
            }
        }
    }
    *next_ptr = idx + 1;
    if (s->has_array_hook) {
        IslHandle res = IslObject_Vectorcall(ctx, s->array_hook, &rval, 1, ISL_NULL);
        IslHandle_Close(ctx, rval);
        return res;
    }
    return rval;
fail:
    IslHandle_Close(ctx, rval);
    return ISL_NULL;
}

static IslHandle parse_constant(Scan *s, const char *name, IslSsize idx, IslSsize *next) {
    IslContext *ctx = s->ctx;
    IslHandle cstr = IslStr_FromUTF8(ctx, name);
    if (IslHandle_IsNull(cstr)) return cstr;
    IslHandle r = IslObject_Vectorcall(ctx, s->parse_constant, &cstr, 1, ISL_NULL);
    IslHandle_Close(ctx, cstr);
    *next = idx + (IslSsize)strlen(name);
    return r;
}

static IslHandle match_number(Scan *s, IslSsize start, IslSsize *next) {
    IslContext *ctx = s->ctx;
    const void *data = s->data;
    int kind = s->kind;
    IslSsize end_idx = s->len - 1;
    IslSsize idx = start;
    int is_float = 0;
    if (rd(kind, data, idx) == '-') {
        idx++;
        if (idx > end_idx) {
            raise_stop(ctx, start);
            return ISL_NULL;
        }
    }
    uint32_t c = rd(kind, data, idx);
    if (c >= '1' && c <= '9') {
        idx++;
        while (idx <= end_idx && IS_DIGIT(rd(kind, data, idx))) idx++;
    } else if (c == '0') {
        idx++;
    } else {
        raise_stop(ctx, start);
        return ISL_NULL;
    }
    if (idx < end_idx && rd(kind, data, idx) == '.' && IS_DIGIT(rd(kind, data, idx + 1))) {
        is_float = 1;
        idx += 2;
        while (idx <= end_idx && IS_DIGIT(rd(kind, data, idx))) idx++;
    }
    if (idx < end_idx && (rd(kind, data, idx) == 'e' || rd(kind, data, idx) == 'E')) {
        IslSsize e_start = idx;
        idx++;
        if (idx < end_idx && (rd(kind, data, idx) == '-' || rd(kind, data, idx) == '+')) idx++;
        while (idx <= end_idx && IS_DIGIT(rd(kind, data, idx))) idx++;
        if (IS_DIGIT(rd(kind, data, idx - 1)))
            is_float = 1;
        else
            idx = e_start;
    }
    IslSsize n = idx - start;
    *next = idx;
    if (is_float ? s->custom_float : s->custom_int) {
        IslHandle text = IslStr_FromKindAndData(ctx, kind, (const char *)data + (size_t)kind * (size_t)start, n);
        if (IslHandle_IsNull(text)) return text;
        IslHandle r = IslObject_Vectorcall(ctx, is_float ? s->parse_float : s->parse_int, &text, 1, ISL_NULL);
        IslHandle_Close(ctx, text);
        return r;
    }
    if (!is_float && n <= 18) {
        /* fits in int64: no text round trip */
        IslSsize i = start;
        int neg = 0;
        if (rd(kind, data, i) == '-') {
            neg = 1;
            i++;
        }
        int64_t v = 0;
        for (; i < idx; i++) v = v * 10 + (int64_t)(rd(kind, data, i) - '0');
        return IslLong_FromInt64(ctx, neg ? -v : v);
    }
    char small[64];
    char *buf = n <= (IslSsize)sizeof small ? small : (char *)malloc((size_t)n);
    if (!buf) return IslErr_NoMemory(ctx);
    for (IslSsize i = 0; i < n; i++) buf[i] = (char)rd(kind, data, start + i);
    IslHandle r = is_float ? IslFloat_FromUTF8AndSize(ctx, buf, n) : IslLong_FromUTF8AndSize(ctx, buf, n, 10);
    if (buf != small) free(buf);
    return r;
}

static int matches(const Scan *s, IslSsize idx, const char *word) {
    IslSsize n = (IslSsize)strlen(word);
    if (idx + n > s->len) return 0;
    for (IslSsize i = 0; i < n; i++)
        if (rd(s->kind, s->data, idx + i) != (uint32_t)(unsigned char)word[i]) return 0;
    return 1;
}

static IslHandle scan_once(Scan *s, IslSsize idx, IslSsize *next) {
    IslContext *ctx = s->ctx;
    if (idx < 0) {
        IslErr_SetString(ctx, ctx->h_ValueError, "idx cannot be negative");
        return ISL_NULL;
    }
    if (idx >= s->len) {
        raise_stop(ctx, idx);
        return ISL_NULL;
    }
    IslHandle res;
    switch (rd(s->kind, s->data, idx)) {
        case '"':
            return scan_string(ctx, s->pystr, s->data, s->kind, s->len, idx + 1, s->strict,
                               s->eof_escape_unterminated, next, &s->scratch, &s->scratch_cap);
        case '{':
            if (IslRecursion_Enter(ctx, " while decoding a JSON object from a unicode string")) return ISL_NULL;
            res = parse_object(s, idx + 1, next);
            IslRecursion_Leave(ctx);
            return res;
        case '[':
            if (IslRecursion_Enter(ctx, " while decoding a JSON array from a unicode string")) return ISL_NULL;
            res = parse_array(s, idx + 1, next);
            IslRecursion_Leave(ctx);
            return res;
        case 'n':
            if (matches(s, idx, "null")) {
                *next = idx + 4;
                return IslHandle_Dup(ctx, ctx->h_None);
            }
            break;
        case 't':
            if (matches(s, idx, "true")) {
                *next = idx + 4;
                return IslHandle_Dup(ctx, ctx->h_True);
            }
            break;
        case 'f':
            if (matches(s, idx, "false")) {
                *next = idx + 5;
                return IslHandle_Dup(ctx, ctx->h_False);
            }
            break;
        case 'N':
            if (matches(s, idx, "NaN")) return parse_constant(s, "NaN", idx, next);
            break;
        case 'I':
            if (matches(s, idx, "Infinity")) return parse_constant(s, "Infinity", idx, next);
            break;
        case '-':
            if (matches(s, idx, "-Infinity")) return parse_constant(s, "-Infinity", idx, next);
            break;
    }
    return match_number(s, idx, next);
}

static IslHandle scanner_call(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs,
                               const IslTypeDef *def) {
    static const char *const names[] = {"string", "idx", NULL};
    static IslArgSpec spec = ISL_ARGSPEC("OO:scan_once", names);
    IslHandle a[2];
    if (!IslArg_ParseTupleAndDict(ctx, args, kwargs, &spec, &a[0], &a[1])) return ISL_NULL;
    IslSsize idx;
    if (!IslArg_Parse(ctx, a, 2, ISL_NULL, "On:scan_once", NULL, &a[0], &idx)) return ISL_NULL;
    if (!IslStr_Check(ctx, a[0]))
        return IslErr_Format(ctx, ctx->h_TypeError, "first argument must be a string, not %.80T", a[0]);
    Scanner *sc = (Scanner *)IslInstance_Data(ctx, self, def);
    if (!sc) return ISL_NULL;
    JsonState *st = (JsonState *)IslType_GetModuleState(ctx, self, &json_def);
    if (!st) return ISL_NULL;
    Scan s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.pystr = a[0];
    s.data = IslStr_Data(ctx, a[0], &s.kind, &s.len);
    if (!s.data) return ISL_NULL;
    s.strict = sc->strict;
    s.has_hook = sc->has_hook;
    s.has_pairs = sc->has_pairs;
    s.custom_float = sc->custom_float;
    s.custom_int = sc->custom_int;
    s.has_array_hook = sc->has_array_hook;
    s.trailing_comma_errors = st->trailing_comma_errors;
    s.eof_escape_unterminated = st->eof_escape_unterminated;
    IslHandle res = ISL_NULL;
    s.object_hook = IslField_Load(ctx, self, sc->object_hook);
    s.pairs_hook = IslField_Load(ctx, self, sc->object_pairs_hook);
    s.parse_float = IslField_Load(ctx, self, sc->parse_float);
    s.parse_int = IslField_Load(ctx, self, sc->parse_int);
    s.parse_constant = IslField_Load(ctx, self, sc->parse_constant);
    s.array_hook = s.has_array_hook ? IslField_Load(ctx, self, sc->array_hook) : ISL_NULL;
    IslSsize next = -1;
    IslHandle v = scan_once(&s, idx, &next);
    if (!IslHandle_IsNull(v)) {
        IslHandle end = IslLong_FromSsize(ctx, next);
        if (!IslHandle_IsNull(end)) res = pair(ctx, v, end);
        IslHandle_Close(ctx, end);
        IslHandle_Close(ctx, v);
    }
    for (IslSsize i = 0; i < s.memo_cap; i++)
        if (s.memo[i].hash) IslHandle_Close(ctx, s.memo[i].key);
    free(s.memo);
    IslHandle_Close(ctx, s.object_hook);
    IslHandle_Close(ctx, s.pairs_hook);
    IslHandle_Close(ctx, s.parse_float);
    IslHandle_Close(ctx, s.parse_int);
    IslHandle_Close(ctx, s.parse_constant);
    IslHandle_Close(ctx, s.array_hook);
    free(s.scratch);
    return res;
}

static IslHandle scanner_new(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs,
                              const IslTypeDef *def) {
    static const char *const names[] = {"context", NULL};
    static IslArgSpec spec = ISL_ARGSPEC("O:make_scanner", names);
    IslHandle context;
    if (!IslArg_ParseTupleAndDict(ctx, args, kwargs, &spec, &context)) return ISL_NULL;
    IslHandle self = IslType_GenericNew(ctx, type);
    if (IslHandle_IsNull(self)) return self;
    Scanner *sc = (Scanner *)IslInstance_Data(ctx, self, def);
    if (!sc) goto fail;
    IslHandle strict = IslObject_GetAttrString(ctx, context, "strict");
    if (IslHandle_IsNull(strict)) goto fail;
    int t = IslObject_IsTrue(ctx, strict);
    IslHandle_Close(ctx, strict);
    if (t < 0) goto fail;
    sc->strict = (char)t;
    static const char *const attrs[] = {"object_hook", "object_pairs_hook", "parse_float", "parse_int",
                                        "parse_constant", "array_hook"};
    IslField *fields[] = {&sc->object_hook, &sc->object_pairs_hook, &sc->parse_float, &sc->parse_int,
                          &sc->parse_constant, &sc->array_hook};
    /* context.array_hook only where the running CPython's scanner reads it */
    int nattrs = def == &scanner315_def ? 6 : 5;
    for (int i = 0; i < nattrs; i++) {
        IslHandle v = IslObject_GetAttrString(ctx, context, attrs[i]);
        if (IslHandle_IsNull(v)) goto fail;
        IslField_Store(ctx, self, fields[i], v);
        switch (i) {
            case 0: sc->has_hook = !IslObject_Is(ctx, v, ctx->h_None); break;
            case 1: sc->has_pairs = !IslObject_Is(ctx, v, ctx->h_None); break;
            case 2: sc->custom_float = !IslObject_Is(ctx, v, ctx->h_FloatType); break;
            case 3: sc->custom_int = !IslObject_Is(ctx, v, ctx->h_LongType); break;
            case 5: sc->has_array_hook = !IslObject_Is(ctx, v, ctx->h_None); break;
            default: break;
        }
        IslHandle_Close(ctx, v);
    }
    return self;
fail:
    IslHandle_Close(ctx, self);
    return ISL_NULL;
}

/* One scanner type per behaviour (3.15's has array_hook); each slot knows its definition. */
static IslHandle scanner_call_pre315(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs) {
    return scanner_call(ctx, self, args, kwargs, &scanner_def);
}
static IslHandle scanner_new_pre315(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    return scanner_new(ctx, type, args, kwargs, &scanner_def);
}
static IslHandle scanner_call_315(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs) {
    return scanner_call(ctx, self, args, kwargs, &scanner315_def);
}
static IslHandle scanner_new_315(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    return scanner_new(ctx, type, args, kwargs, &scanner315_def);
}

/* "argument N must be str" as the running CPython words it (cold path). */
static IslHandle not_a_str(IslContext *ctx, IslHandle module, const char *fname, const char *arg, IslHandle obj) {
    JsonState *st = (JsonState *)IslModule_GetState(ctx, module);
    if (!st) return ISL_NULL;
    if (st->clinic_messages)
        return IslErr_Format(ctx, ctx->h_TypeError, "%s() argument%s must be str, not %.80T", fname, arg, obj);
    return IslErr_Format(ctx, ctx->h_TypeError, "first argument must be a string, not %.80T", obj);
}

static IslHandle py_scanstring(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs) {
    IslHandle str;
    IslSsize end;
    int strict = 1;
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "On|p:scanstring", NULL, &str, &end, &strict)) return ISL_NULL;
    if (!IslStr_Check(ctx, str)) return not_a_str(ctx, module, "scanstring", " 1", str);
    JsonState *st = (JsonState *)IslModule_GetState(ctx, module);
    if (!st) return ISL_NULL;
    int kind;
    IslSsize len;
    const void *data = IslStr_Data(ctx, str, &kind, &len);
    if (!data) return ISL_NULL;
    uint32_t *scratch = NULL;
    IslSsize cap = 0, next = -1;
    IslHandle v = scan_string(ctx, str, data, kind, len, end, strict, st->eof_escape_unterminated, &next, &scratch,
                              &cap);
    free(scratch);
    if (IslHandle_IsNull(v)) return v;
    IslHandle res = ISL_NULL, e = IslLong_FromSsize(ctx, next);
    if (!IslHandle_IsNull(e)) res = pair(ctx, v, e);
    IslHandle_Close(ctx, e);
    IslHandle_Close(ctx, v);
    return res;
}
ISL_DEF_METH_FASTCALL(scanstring_def, "scanstring", py_scanstring,
                      "scanstring(string, end, strict=True) -> (string, end)\n\n"
                      "Scan the string s for a JSON string. End is the index of the\n"
                      "character in s after the quote that started the JSON string.\n"
                      "Unescapes all valid JSON string escape sequences and raises ValueError\n"
                      "on attempt to decode an invalid string. If strict is False then literal\n"
                      "control characters are allowed in the string.\n\n"
                      "Returns a tuple of the decoded string and the index of the character in s\n"
                      "after the end quote.");

/* ------------------------------------------------------------------ writer */

/* A growing str in the narrowest of kinds 1, 2, 4 that holds it so far. */
typedef struct {
    void *buf;
    int kind;
    IslSsize len, cap;
} Writer;

static int w_grow_slow(IslContext *ctx, Writer *w, IslSsize extra, int kind) {
    IslSsize need = w->len + extra;
    int nkind = kind > w->kind ? kind : w->kind;
    IslSsize ncap = w->cap < 256 ? 256 : w->cap;
    while (ncap < need) ncap *= 2;
    if (nkind == w->kind) {
        void *nb = realloc(w->buf, (size_t)ncap * (size_t)nkind);
        if (!nb) goto nomem;
        w->buf = nb;
    } else {
        void *nb = malloc((size_t)ncap * (size_t)nkind);
        if (!nb) goto nomem;
        for (IslSsize i = 0; i < w->len; i++) {
            uint32_t c = rd(w->kind, w->buf, i);
            if (nkind == 2)
                ((uint16_t *)nb)[i] = (uint16_t)c;
            else
                ((uint32_t *)nb)[i] = c;
        }
        free(w->buf);
        w->buf = nb;
        w->kind = nkind;
    }
    w->cap = ncap;
    return 0;
nomem:
    IslErr_NoMemory(ctx);
    return -1;
}

/* Room for `extra` more code points of `kind`: inline, as every write asks. */
static inline int w_grow(IslContext *ctx, Writer *w, IslSsize extra, int kind) {
    if (kind <= w->kind && w->len + extra <= w->cap) return 0;
    return w_grow_slow(ctx, w, extra, kind);
}

static inline void w_put(Writer *w, uint32_t c) {
    if (w->kind == 1)
        ((uint8_t *)w->buf)[w->len++] = (uint8_t)c;
    else if (w->kind == 2)
        ((uint16_t *)w->buf)[w->len++] = (uint16_t)c;
    else
        ((uint32_t *)w->buf)[w->len++] = c;
}

static inline int w_ascii(IslContext *ctx, Writer *w, const char *s, IslSsize n) {
    if (w_grow(ctx, w, n, 1) < 0) return -1;
    if (w->kind == 1) {
        memcpy((uint8_t *)w->buf + w->len, s, (size_t)n);
        w->len += n;
    } else {
        for (IslSsize i = 0; i < n; i++) w_put(w, (unsigned char)s[i]);
    }
    return 0;
}

static inline int w_char(IslContext *ctx, Writer *w, char c) { return w_ascii(ctx, w, &c, 1); }

/* Appends code points in a str's own layout (so `kind` is the narrowest for them). */
/* Copies n code points of `kind` (at most w->kind) into room already made. */
#define W_CONVERT(DT, ST)                                                      \
    do {                                                                       \
        DT *d = (DT *)w->buf + w->len;                                         \
        const ST *p = (const ST *)data;                                        \
        for (IslSsize i = 0; i < n; i++) d[i] = (DT)p[i];                      \
    } while (0)

static inline void w_copy(Writer *w, int kind, const void *data, IslSsize n) {
    if (kind == w->kind)
        memcpy((char *)w->buf + (size_t)w->len * (size_t)kind, data, (size_t)n * (size_t)kind);
    else if (w->kind == 2)
        W_CONVERT(uint16_t, uint8_t);
    else if (kind == 1)
        W_CONVERT(uint32_t, uint8_t);
    else
        W_CONVERT(uint32_t, uint16_t);
    w->len += n;
}

static inline int w_data(IslContext *ctx, Writer *w, int kind, const void *data, IslSsize n) {
    if (n == 0) return 0;
    if (w_grow(ctx, w, n, kind) < 0) return -1;
    w_copy(w, kind, data, n);
    return 0;
}

static int w_str(IslContext *ctx, Writer *w, IslHandle str) {
    int kind;
    IslSsize n;
    const void *data = IslStr_Data(ctx, str, &kind, &n);
    if (!data) return -1;
    return w_data(ctx, w, kind, data, n);
}

static IslHandle w_finish(IslContext *ctx, Writer *w) {
    IslHandle r = IslStr_FromKindAndData(ctx, w->kind ? w->kind : 1, w->buf ? w->buf : "", w->len);
    free(w->buf);
    w->buf = NULL;
    return r;
}

#define S_CHAR(c) ((c) >= ' ' && (c) <= '~' && (c) != '\\' && (c) != '"')

/* Writes the JSON string literal for `data` with every non-ASCII character
 * escaped (ascii) or kept as is. */
/* Length of the prefix of `data` that needs no escaping. */
#define PLAIN_RUN(T)                                                                    \
    do {                                                                                \
        const T *p = (const T *)data;                                                   \
        if (ascii)                                                                      \
            while (i < n && S_CHAR(p[i])) i++;                                          \
        else                                                                            \
            while (i < n && p[i] > 0x1f && p[i] != '\\' && p[i] != '"') i++;            \
    } while (0)

/* Eight bytes at a time: nonzero when some byte of `x` is below 0x20, is '"'
 * or '\\', or (ascii) above 0x7e. Each test leaves the high bit of exactly
 * the bytes it matches; they are ORed. */
static inline uint64_t special_bytes(uint64_t x, int ascii) {
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t r = ((x & ~high) + ones * (0x80 - 0x20)) | x; /* high bit clear: below 0x20 */
    uint64_t t = (~r & high) | ((~(((q & ~high) + ~high) | q)) & high) | ((~(((b & ~high) + ~high) | b)) & high);
    if (ascii) t |= (((x & ~high) + ones * (0x80 - 0x7f)) | x) & high; /* 0x7f and up */
    return t;
}

static IslSsize plain_run(int kind, const void *data, IslSsize n, int ascii) {
    IslSsize i = 0;
    if (kind == 1) {
        const uint8_t *p = (const uint8_t *)data;
        for (; i + 8 <= n; i += 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            if (special_bytes(x, ascii)) break;
        }
        PLAIN_RUN(uint8_t);
    }
    else if (kind == 2)
        PLAIN_RUN(uint16_t);
    else
        PLAIN_RUN(uint32_t);
    return i;
}

static int w_escape(IslContext *ctx, Writer *w, int kind, const void *data, IslSsize n, int ascii) {
    IslSsize plain = plain_run(kind, data, n, ascii);
    if (plain == n) {
        if (w_grow(ctx, w, n + 2, kind) < 0) return -1;
        w_put(w, '"');
        w_copy(w, kind, data, n);
        w_put(w, '"');
        return 0;
    }
    IslSsize size = 2 + plain;
    for (IslSsize i = plain; i < n; i++) {
        uint32_t c = rd(kind, data, i);
        IslSsize d;
        if (S_CHAR(c))
            d = 1;
        else if (c == '\\' || c == '"' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
            d = 2;
        else if (c < 0x20)
            d = 6;
        else if (!ascii)
            d = 1;
        else
            d = c >= 0x10000 ? 12 : 6;
        if (size > ((IslSsize)(((size_t)-1) >> 2)) - d) {
            IslErr_SetString(ctx, ctx->h_OverflowError, "string is too long to escape");
            return -1;
        }
        size += d;
    }
    if (w_grow(ctx, w, size, ascii ? 1 : kind) < 0) return -1;
    w_put(w, '"');
    if (kind <= w->kind)
        w_copy(w, kind, data, plain);
    else /* ASCII escaping of a wide str into a narrower writer: the run is ASCII */
        for (IslSsize i = 0; i < plain; i++) w_put(w, rd(kind, data, i));
    {
        for (IslSsize i = plain; i < n; i++) {
            uint32_t c = rd(kind, data, i);
            if (S_CHAR(c) || (!ascii && c >= 0x7f)) {
                w_put(w, c);
                continue;
            }
            w_put(w, '\\');
            switch (c) {
                case '\\': case '"': w_put(w, c); break;
                case '\b': w_put(w, 'b'); break;
                case '\f': w_put(w, 'f'); break;
                case '\n': w_put(w, 'n'); break;
                case '\r': w_put(w, 'r'); break;
                case '\t': w_put(w, 't'); break;
                default:
                    if (c >= 0x10000) {
                        uint32_t v = c - 0x10000;
                        uint32_t hi = 0xD800 | (v >> 10);
                        w_put(w, 'u');
                        w_put(w, (uint8_t)hexdigits[(hi >> 12) & 0xf]);
                        w_put(w, (uint8_t)hexdigits[(hi >> 8) & 0xf]);
                        w_put(w, (uint8_t)hexdigits[(hi >> 4) & 0xf]);
                        w_put(w, (uint8_t)hexdigits[hi & 0xf]);
                        c = 0xDC00 | (v & 0x3ff);
                        w_put(w, '\\');
                    }
                    w_put(w, 'u');
                    w_put(w, (uint8_t)hexdigits[(c >> 12) & 0xf]);
                    w_put(w, (uint8_t)hexdigits[(c >> 8) & 0xf]);
                    w_put(w, (uint8_t)hexdigits[(c >> 4) & 0xf]);
                    w_put(w, (uint8_t)hexdigits[c & 0xf]);
            }
        }
    }
    w_put(w, '"');
    return 0;
}

static IslHandle escape_to_str(IslContext *ctx, IslHandle module, IslHandle str, int ascii) {
    if (!IslStr_Check(ctx, str))
        return not_a_str(ctx, module, ascii ? "encode_basestring_ascii" : "encode_basestring", "", str);
    int kind;
    IslSsize n;
    const void *data = IslStr_Data(ctx, str, &kind, &n);
    if (!data) return ISL_NULL;
    if (kind == 1 && n <= 254 && plain_run(kind, data, n, ascii) == n) {
        /* the common short, clean string: no heap buffer */
        uint8_t tmp[256];
        tmp[0] = '"';
        memcpy(tmp + 1, data, (size_t)n);
        tmp[n + 1] = '"';
        return IslStr_FromKindAndData(ctx, 1, tmp, n + 2);
    }
    Writer w = {NULL, 1, 0, 0};
    if (w_escape(ctx, &w, kind, data, n, ascii) < 0) {
        free(w.buf);
        return ISL_NULL;
    }
    return w_finish(ctx, &w);
}

static IslHandle py_encode_basestring_ascii(IslContext *ctx, IslHandle module, IslHandle str) {
    return escape_to_str(ctx, module, str, 1);
}
ISL_DEF_METH_O(ascii_def, "encode_basestring_ascii", py_encode_basestring_ascii,
               "encode_basestring_ascii(string) -> string\n\nReturn an ASCII-only JSON representation of a Python string");

static IslHandle py_encode_basestring(IslContext *ctx, IslHandle module, IslHandle str) {
    return escape_to_str(ctx, module, str, 0);
}
ISL_DEF_METH_O(plain_def, "encode_basestring", py_encode_basestring,
               "encode_basestring(string) -> string\n\nReturn a JSON representation of a Python string");

/* ------------------------------------------------------------------ encoder */

typedef struct {
    IslField markers, defaultfn, encoder, indent, key_separator, item_separator;
    char sort_keys, skipkeys, allow_nan;
    char fast; /* 0: call encoder; 1: ASCII escaping; 2: plain escaping */
} Encoder;

typedef struct {
    IslContext *ctx;
    Writer w;
    Writer nl; /* '\n' followed by indent repeated */
    IslHandle markers, defaultfn, encoder, indent, key_sep, item_sep;
    IslHandle frozendict; /* null where the running CPython's encoder does not take one */
    int has_markers, sort_keys, skipkeys, allow_nan, fast, use_indent;
    int notes, skipped_dict_empty;
    const void *ks_data, *is_data, *in_data;
    int ks_kind, is_kind, in_kind;
    IslSsize ks_len, is_len, in_len;
} Enc;

static int enc_obj(Enc *e, IslHandle obj, IslSsize level);
static int enc_default(Enc *e, IslHandle obj, IslSsize level);

/* type(obj)'s name as CPython's %T prints it (PyType_GetFullyQualifiedName):
 * "module.qualname", the module left out for builtins and __main__. */
static int append_type_name(IslContext *ctx, IslStrBuilder *b, IslHandle obj) {
    IslHandle type = IslObject_Type(ctx, obj);
    if (IslHandle_IsNull(type)) return -1;
    IslHandle mod = IslObject_GetAttrString(ctx, type, "__module__");
    IslHandle qual = IslHandle_IsNull(mod) ? ISL_NULL : IslObject_GetAttrString(ctx, type, "__qualname__");
    IslHandle_Close(ctx, type);
    int r = -1;
    if (!IslHandle_IsNull(qual) && IslStr_Check(ctx, qual)) {
        r = 0;
        if (IslStr_Check(ctx, mod)) {
            IslSsize n;
            const char *m = IslStr_AsUTF8AndSize(ctx, mod, &n);
            if (!m) {
                r = -1;
            } else if (!(n == 8 && memcmp(m, "builtins", 8) == 0) && !(n == 8 && memcmp(m, "__main__", 8) == 0)) {
                if (IslStrBuilder_AppendStr(ctx, b, mod) < 0 || IslStrBuilder_AppendChar(ctx, b, '.') < 0) r = -1;
            }
        }
        if (r == 0) r = IslStrBuilder_AppendStr(ctx, b, qual);
    }
    IslHandle_Close(ctx, mod);
    IslHandle_Close(ctx, qual);
    return r;
}

/* 3.14's encoder notes where an error happened: "when serializing <type of
 * container> item <index or repr(key)>" or "... <type> object" for what
 * default() replaced. Cold path: the note is built with the exception
 * fetched, appended to __notes__ directly (no call, so it works at the
 * recursion limit too), and any failure while doing so keeps the original
 * exception as it was. `key` null: an item index; `container` null: "object". */
static void add_note(Enc *e, IslHandle container, IslSsize index, IslHandle key, IslHandle obj) {
    IslContext *ctx = e->ctx;
    if (!e->notes) return;
    IslHandle exc = IslErr_Fetch(ctx);
    if (IslHandle_IsNull(exc)) return;
    IslStrBuilder *b = IslStrBuilder_New(ctx, 64);
    IslHandle note = ISL_NULL, what = ISL_NULL, notes = ISL_NULL;
    if (!b || IslStrBuilder_AppendUTF8(ctx, b, "when serializing ", 17) < 0) goto done;
    if (IslHandle_IsNull(container)) {
        if (append_type_name(ctx, b, obj) < 0 || IslStrBuilder_AppendUTF8(ctx, b, " object", 7) < 0) goto done;
    } else {
        if (append_type_name(ctx, b, container) < 0 || IslStrBuilder_AppendUTF8(ctx, b, " item ", 6) < 0) goto done;
        if (IslHandle_IsNull(key)) {
            IslHandle i = IslLong_FromSsize(ctx, index);
            what = IslHandle_IsNull(i) ? ISL_NULL : IslLong_Repr(ctx, i);
            IslHandle_Close(ctx, i);
        } else {
            what = IslObject_Repr(ctx, key);
        }
        if (IslHandle_IsNull(what) || IslStrBuilder_AppendStr(ctx, b, what) < 0) goto done;
    }
    note = IslStrBuilder_Finish(ctx, b);
    b = NULL;
    if (IslHandle_IsNull(note)) goto done;
    notes = IslObject_GetAttrString(ctx, exc, "__notes__");
    if (IslHandle_IsNull(notes)) {
        if (!IslErr_ExceptionMatches(ctx, ctx->h_AttributeError)) goto done;
        IslErr_Clear(ctx);
        notes = IslList_New(ctx);
        if (IslHandle_IsNull(notes) || IslObject_SetAttrString(ctx, exc, "__notes__", notes) < 0) goto done;
    }
    if (IslList_Check(ctx, notes)) (void)IslList_Append(ctx, notes, note);
done:
    if (b) IslStrBuilder_Discard(ctx, b);
    IslHandle_Close(ctx, what);
    IslHandle_Close(ctx, note);
    IslHandle_Close(ctx, notes);
    IslErr_Restore(ctx, exc); /* drops whatever failed here */
    IslHandle_Close(ctx, exc);
}

/* Writes '\n' + indent * level from a buffer grown to the deepest level
 * seen, so each line break is one copy. */
static int enc_newline_indent(Enc *e, IslSsize level) {
    IslSsize need = 1 + level * e->in_len;
    if (need > e->nl.len) {
        e->nl.len = 0;
        if (w_char(e->ctx, &e->nl, '\n') < 0) return -1;
        for (IslSsize i = 0; i < level + 4; i++)
            if (w_data(e->ctx, &e->nl, e->in_kind, e->in_data, e->in_len) < 0) return -1;
    }
    return w_data(e->ctx, &e->w, e->nl.kind, e->nl.buf, need);
}

static int enc_item_sep(Enc *e, IslSsize level) {
    if (w_data(e->ctx, &e->w, e->is_kind, e->is_data, e->is_len) < 0) return -1;
    return e->use_indent ? enc_newline_indent(e, level) : 0;
}

/* indent must be a str by the time it is used, as 3.13's encoder requires. */
static int enc_check_indent(Enc *e) {
    if (e->in_data) return 0;
    IslErr_Format(e->ctx, e->ctx->h_TypeError, "can only concatenate str (not \"%.200T\") to str", e->indent);
    return -1;
}

static int enc_string(Enc *e, IslHandle str) {
    IslContext *ctx = e->ctx;
    if (e->fast) {
        int kind;
        IslSsize n;
        const void *data = IslStr_Data(ctx, str, &kind, &n);
        if (!data) return -1;
        return w_escape(ctx, &e->w, kind, data, n, e->fast == 1);
    }
    IslHandle r = IslObject_Vectorcall(ctx, e->encoder, &str, 1, ISL_NULL);
    if (IslHandle_IsNull(r)) return -1;
    int rv;
    if (!IslStr_Check(ctx, r)) {
        IslErr_Format(ctx, ctx->h_TypeError, "encoder() must return a string, not %.80T", r);
        rv = -1;
    } else {
        rv = w_str(ctx, &e->w, r);
    }
    IslHandle_Close(ctx, r);
    return rv;
}

/* The JSON text of a float as a new str, or null with an error. */
static IslHandle float_text(Enc *e, IslHandle obj) {
    IslContext *ctx = e->ctx;
    double v = IslFloat_AsDouble(ctx, obj);
    if (v == -1.0 && IslErr_Occurred(ctx)) return ISL_NULL;
    if (!isfinite(v)) {
        if (!e->allow_nan)
            return IslErr_Format(ctx, ctx->h_ValueError, "Out of range float values are not JSON compliant: %R", obj);
        return IslStr_FromUTF8(ctx, v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN");
    }
    return IslFloat_Repr(ctx, v);
}

static int enc_float(Enc *e, IslHandle obj) {
    IslHandle t = float_text(e, obj);
    if (IslHandle_IsNull(t)) return -1;
    int r = w_str(e->ctx, &e->w, t);
    IslHandle_Close(e->ctx, t);
    return r;
}

static int enc_int(Enc *e, IslHandle obj) {
    IslContext *ctx = e->ctx;
    int overflow;
    int64_t v = IslLong_AsInt64AndOverflow(ctx, obj, &overflow);
    if (v == -1 && !overflow && IslErr_Occurred(ctx)) return -1;
    if (overflow) { /* as CPython writes any int: its repr */
        IslHandle t = IslLong_Repr(ctx, obj);
        if (IslHandle_IsNull(t)) return -1;
        int r = w_str(ctx, &e->w, t);
        IslHandle_Close(ctx, t);
        return r;
    }
    char buf[24];
    int i = (int)sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[--i] = '-';
    return w_ascii(ctx, &e->w, buf + i, (IslSsize)sizeof buf - i);
}

/* Marks `obj` as being encoded; *ident receives its key (null without markers). */
static int mark_enter(Enc *e, IslHandle obj, IslHandle *ident) {
    IslContext *ctx = e->ctx;
    *ident = ISL_NULL;
    if (!e->has_markers) return 0;
    IslHandle id = IslObject_Id(ctx, obj); /* markers are keyed by identity */
    if (IslHandle_IsNull(id)) return -1;
    IslHandle old;
    int has = IslDict_GetItem(ctx, e->markers, id, &old);
    if (has != 0) {
        if (has > 0) {
            IslHandle_Close(ctx, old);
            IslErr_SetString(ctx, ctx->h_ValueError, "Circular reference detected");
        }
        IslHandle_Close(ctx, id);
        return -1;
    }
    if (IslDict_SetItem(ctx, e->markers, id, obj) < 0) {
        IslHandle_Close(ctx, id);
        return -1;
    }
    *ident = id;
    return 0;
}

static int mark_leave(Enc *e, IslHandle ident) {
    if (IslHandle_IsNull(ident)) return 0;
    int r = IslDict_DelItem(e->ctx, e->markers, ident);
    IslHandle_Close(e->ctx, ident);
    return r;
}

static int enc_list(Enc *e, IslHandle seq, IslSsize level) {
    IslContext *ctx = e->ctx;
    IslHandle fast = IslSequence_Fast(ctx, seq, "_iterencode_list needs a sequence");
    if (IslHandle_IsNull(fast)) return -1;
    IslSsize n;
    const IslHandle *items = IslSequence_FastItems(ctx, fast, &n);
    if (!items) goto fail_fast;
    if (n == 0) {
        IslHandle_Close(ctx, fast);
        return w_ascii(ctx, &e->w, "[]", 2);
    }
    IslHandle ident;
    if (mark_enter(e, seq, &ident) < 0) goto fail_fast;
    if (w_char(ctx, &e->w, '[') < 0) goto fail;
    if (e->use_indent) {
        if (enc_check_indent(e) < 0) goto fail;
        level++;
        if (enc_newline_indent(e, level) < 0) goto fail;
    }
    for (IslSsize i = 0;; i++) {
        /* encoding an item may run Python code that changes the list */
        items = IslSequence_FastItems(ctx, fast, &n);
        if (i >= n) break;
        if (i && enc_item_sep(e, level) < 0) goto fail;
        if (enc_obj(e, items[i], level) < 0) {
            add_note(e, seq, i, ISL_NULL, ISL_NULL);
            goto fail;
        }
    }
    if (mark_leave(e, ident) < 0) {
        ident = ISL_NULL;
        goto fail;
    }
    ident = ISL_NULL;
    if (e->use_indent && enc_newline_indent(e, level - 1) < 0) goto fail;
    IslHandle_Close(ctx, fast);
    return w_char(ctx, &e->w, ']');
fail:
    IslHandle_Close(ctx, ident);
fail_fast:
    IslHandle_Close(ctx, fast);
    return -1;
}

/* The value of one item; a failure is noted with the dict and the key as given. */
static int enc_value(Enc *e, IslHandle dct, IslHandle key, IslHandle value, IslSsize level) {
    if (enc_obj(e, value, level) == 0) return 0;
    add_note(e, dct, 0, key, ISL_NULL);
    return -1;
}

static int enc_key_value(Enc *e, IslHandle dct, int *first, IslHandle key, IslHandle value, IslSsize level) {
    IslContext *ctx = e->ctx;
    IslHandle keystr;
    if (IslStr_Check(ctx, key)) {
        if (*first)
            *first = 0;
        else if (enc_item_sep(e, level) < 0)
            return -1;
        if (enc_string(e, key) < 0) return -1;
        if (w_data(ctx, &e->w, e->ks_kind, e->ks_data, e->ks_len) < 0) return -1;
        return enc_value(e, dct, key, value, level);
    } else if (IslFloat_Check(ctx, key)) {
        keystr = float_text(e, key);
    } else if (IslObject_Is(ctx, key, ctx->h_True) || IslObject_Is(ctx, key, ctx->h_False) ||
               IslObject_Is(ctx, key, ctx->h_None)) {
        keystr = IslStr_FromUTF8(ctx, IslObject_Is(ctx, key, ctx->h_True)    ? "true"
                                      : IslObject_Is(ctx, key, ctx->h_False) ? "false"
                                                                             : "null");
    } else if (IslLong_Check(ctx, key)) {
        keystr = IslLong_Repr(ctx, key);
    } else if (e->skipkeys) {
        return 0;
    } else {
        IslErr_Format(ctx, ctx->h_TypeError, "keys must be str, int, float, bool or None, not %.100T", key);
        return -1;
    }
    if (IslHandle_IsNull(keystr)) return -1;
    if (*first) {
        *first = 0;
    } else if (enc_item_sep(e, level) < 0) {
        IslHandle_Close(ctx, keystr);
        return -1;
    }
    int r = enc_string(e, keystr);
    IslHandle_Close(ctx, keystr);
    if (r < 0) return -1;
    if (w_data(ctx, &e->w, e->ks_kind, e->ks_data, e->ks_len) < 0) return -1;
    return enc_value(e, dct, key, value, level);
}

/* A dict, or (3.15) a frozendict, read through items(). */
static int enc_dict(Enc *e, IslHandle dct, IslSsize level) {
    IslContext *ctx = e->ctx;
    IslSsize size = IslDict_Check(ctx, dct) ? IslDict_Size(ctx, dct) : IslObject_Length(ctx, dct);
    if (size < 0) return -1;
    if (size == 0) return w_ascii(ctx, &e->w, "{}", 2);
    IslHandle ident, items = ISL_NULL;
    if (mark_enter(e, dct, &ident) < 0) return -1;
    int first = 1;
    IslSsize open = e->w.len; /* where '{' goes */
    if (w_char(ctx, &e->w, '{') < 0) goto fail;
    if (e->use_indent) {
        if (enc_check_indent(e) < 0) goto fail;
        level++;
        if (enc_newline_indent(e, level) < 0) goto fail;
    }
    if (e->sort_keys || !IslObject_TypeIs(ctx, dct, ctx->h_DictType)) {
        items = IslMapping_Items(ctx, dct);
        if (IslHandle_IsNull(items)) goto fail;
        if (e->sort_keys && IslList_Sort(ctx, items) < 0) goto fail;
        for (IslSsize i = 0;; i++) {
            IslSsize n;
            const IslHandle *it = IslSequence_FastItems(ctx, items, &n);
            if (!it) goto fail;
            if (i >= n) break;
            /* held: encoding may run Python code that empties the list (gh-142831) */
            IslHandle item = IslHandle_Dup(ctx, it[i]);
            if (!IslTuple_Check(ctx, item) || IslTuple_Size(ctx, item) != 2) {
                IslHandle_Close(ctx, item);
                IslErr_SetString(ctx, ctx->h_ValueError, "items must return 2-tuples");
                goto fail;
            }
            IslSsize two;
            const IslHandle *kv = IslSequence_FastItems(ctx, item, &two);
            int r = kv ? enc_key_value(e, dct, &first, kv[0], kv[1], level) : -1;
            IslHandle_Close(ctx, item);
            if (r < 0) goto fail;
        }
        IslHandle_Close(ctx, items);
        items = ISL_NULL;
    } else {
        IslSsize pos = 0;
        IslHandle k, v;
        int more;
        while ((more = IslDict_Next(ctx, dct, &pos, &k, &v)) > 0) {
            int r = enc_key_value(e, dct, &first, k, v, level);
            IslHandle_Close(ctx, k);
            IslHandle_Close(ctx, v);
            if (r < 0) goto fail;
        }
        if (more < 0) goto fail;
    }
    {
        IslHandle id = ident;
        ident = ISL_NULL;
        if (mark_leave(e, id) < 0) goto fail;
    }
    if (first && e->skipped_dict_empty) { /* every key skipped: "{}", not an indented empty body */
        e->w.len = open;
        return w_ascii(ctx, &e->w, "{}", 2);
    }
    if (e->use_indent && enc_newline_indent(e, level - 1) < 0) goto fail;
    return w_char(ctx, &e->w, '}');
fail:
    IslHandle_Close(ctx, items);
    IslHandle_Close(ctx, ident);
    return -1;
}

static int enc_obj(Enc *e, IslHandle obj, IslSsize level) {
    IslContext *ctx = e->ctx;
    int rv;
    if (IslStr_Check(ctx, obj)) return enc_string(e, obj);
    /* bool has no subclasses and no instances but these two */
    if (IslObject_Is(ctx, obj, ctx->h_True)) return w_ascii(ctx, &e->w, "true", 4);
    if (IslObject_Is(ctx, obj, ctx->h_False)) return w_ascii(ctx, &e->w, "false", 5);
    if (IslLong_Check(ctx, obj)) return enc_int(e, obj);
    if (IslObject_Is(ctx, obj, ctx->h_None)) return w_ascii(ctx, &e->w, "null", 4);
    /* float after list, tuple and dict, which are tested inline (no type is
     * two of them) */
    if (IslList_Check(ctx, obj) || IslTuple_Check(ctx, obj)) {
        if (IslRecursion_Enter(ctx, " while encoding a JSON object")) return -1;
        rv = enc_list(e, obj, level);
        IslRecursion_Leave(ctx);
        return rv;
    }
    int mapping = IslDict_Check(ctx, obj);
    if (!mapping && IslFloat_Check(ctx, obj)) return enc_float(e, obj);
    if (!mapping && !IslHandle_IsNull(e->frozendict) && (mapping = IslObject_TypeCheck(ctx, obj, e->frozendict)) < 0)
        return -1;
    /* A dict, or what default() gets, is used after Python code ran (its
     * items, default itself), which may drop the container holding it: hold
     * it. (A list or tuple is held by IslSequence_Fast.) */
    if (mapping) {
        if (IslRecursion_Enter(ctx, " while encoding a JSON object")) return -1;
        obj = IslHandle_Dup(ctx, obj);
        rv = enc_dict(e, obj, level);
        IslHandle_Close(ctx, obj);
        IslRecursion_Leave(ctx);
        return rv;
    }
    obj = IslHandle_Dup(ctx, obj);
    rv = enc_default(e, obj, level);
    IslHandle_Close(ctx, obj);
    return rv;
}

static int enc_default(Enc *e, IslHandle obj, IslSsize level) {
    IslContext *ctx = e->ctx;
    int rv;
    IslHandle ident;
    if (mark_enter(e, obj, &ident) < 0) return -1;
    IslHandle newobj = IslObject_Vectorcall(ctx, e->defaultfn, &obj, 1, ISL_NULL);
    if (IslHandle_IsNull(newobj)) {
        IslHandle_Close(ctx, ident);
        return -1;
    }
    if (IslRecursion_Enter(ctx, " while encoding a JSON object")) {
        IslHandle_Close(ctx, newobj);
        IslHandle_Close(ctx, ident);
        return -1;
    }
    rv = enc_obj(e, newobj, level);
    IslRecursion_Leave(ctx);
    IslHandle_Close(ctx, newobj);
    if (rv < 0) {
        add_note(e, ISL_NULL, 0, ISL_NULL, obj);
        IslHandle_Close(ctx, ident);
        return -1;
    }
    return mark_leave(e, ident);
}

static IslHandle encoder_call(IslContext *ctx, IslHandle self, IslHandle args, IslHandle kwargs) {
    static const char *const names[] = {"obj", "_current_indent_level", NULL};
    static IslArgSpec spec = ISL_ARGSPEC("OO:_iterencode", names);
    IslHandle a[2];
    if (!IslArg_ParseTupleAndDict(ctx, args, kwargs, &spec, &a[0], &a[1])) return ISL_NULL;
    IslSsize level;
    IslHandle obj;
    if (!IslArg_Parse(ctx, a, 2, ISL_NULL, "On:_iterencode", NULL, &obj, &level)) return ISL_NULL;
    Encoder *en = (Encoder *)IslInstance_Data(ctx, self, &encoder_def);
    if (!en) return ISL_NULL;
    JsonState *st = (JsonState *)IslType_GetModuleState(ctx, self, &json_def);
    if (!st) return ISL_NULL;
    Enc e;
    memset(&e, 0, sizeof e);
    e.ctx = ctx;
    e.w.kind = 1;
    e.nl.kind = 1;
    e.markers = IslField_Load(ctx, self, en->markers);
    e.defaultfn = IslField_Load(ctx, self, en->defaultfn);
    e.encoder = IslField_Load(ctx, self, en->encoder);
    e.indent = IslField_Load(ctx, self, en->indent);
    e.key_sep = IslField_Load(ctx, self, en->key_separator);
    e.item_sep = IslField_Load(ctx, self, en->item_separator);
    e.frozendict = IslField_Load(ctx, self, st->frozendict_type);
    e.notes = st->notes;
    e.skipped_dict_empty = st->skipped_dict_empty;
    e.has_markers = !IslObject_Is(ctx, e.markers, ctx->h_None);
    e.sort_keys = en->sort_keys;
    e.skipkeys = en->skipkeys;
    e.allow_nan = en->allow_nan;
    e.fast = en->fast;
    /* 3.12's C encoder ignores indent (json only uses it without one) */
    e.use_indent = st->indent && !IslObject_Is(ctx, e.indent, ctx->h_None);
    IslHandle res = ISL_NULL;
    e.ks_data = IslStr_Data(ctx, e.key_sep, &e.ks_kind, &e.ks_len);
    e.is_data = e.ks_data ? IslStr_Data(ctx, e.item_sep, &e.is_kind, &e.is_len) : NULL;
    if (!e.is_data) goto done;
    if (e.use_indent && IslStr_Check(ctx, e.indent)) {
        e.in_data = IslStr_Data(ctx, e.indent, &e.in_kind, &e.in_len);
        if (!e.in_data) goto done;
    }
    /* CPython indents from level 0 for a negative level (3.14.3 fixed a crash there) */
    if (level < 0) level = 0;
    if (e.use_indent && e.in_len && level > (IslSsize)(((size_t)-1 >> 2) / (size_t)e.in_len)) {
        IslErr_NoMemory(ctx);
        goto done;
    }
    if (enc_obj(&e, obj, level) < 0) goto done;
    {
        IslHandle s = w_finish(ctx, &e.w);
        if (IslHandle_IsNull(s)) goto done;
        res = IslTuple_New(ctx, &s, 1);
        IslHandle_Close(ctx, s);
    }
done:
    free(e.w.buf);
    free(e.nl.buf);
    IslHandle_Close(ctx, e.markers);
    IslHandle_Close(ctx, e.defaultfn);
    IslHandle_Close(ctx, e.encoder);
    IslHandle_Close(ctx, e.indent);
    IslHandle_Close(ctx, e.key_sep);
    IslHandle_Close(ctx, e.item_sep);
    IslHandle_Close(ctx, e.frozendict);
    return res;
}

static IslHandle encoder_new(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    static const char *const names[] = {"markers",   "default",  "encoder",   "indent", "key_separator",
                                        "item_separator", "sort_keys", "skipkeys", "allow_nan", NULL};
    static IslArgSpec spec = ISL_ARGSPEC("OOOOOOOOO:make_encoder", names);
    IslHandle a[9];
    if (!IslArg_ParseTupleAndDict(ctx, args, kwargs, &spec, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6], &a[7],
                                  &a[8]))
        return ISL_NULL;
    for (int i = 4; i < 6; i++)
        if (!IslStr_Check(ctx, a[i]))
            return IslErr_Format(ctx, ctx->h_TypeError, "make_encoder() argument %d must be str, not %.200T", i + 1,
                                 a[i]);
    int flags[3];
    for (int i = 0; i < 3; i++)
        if ((flags[i] = IslObject_IsTrue(ctx, a[6 + i])) < 0) return ISL_NULL;
    if (!IslObject_Is(ctx, a[0], ctx->h_None) && !IslDict_Check(ctx, a[0]))
        return IslErr_Format(ctx, ctx->h_TypeError, "make_encoder() argument 1 must be dict or None, not %.200T",
                             a[0]);
    JsonState *st = (JsonState *)IslType_GetModuleState(ctx, type, &json_def);
    if (!st) return ISL_NULL;
    IslHandle self = IslType_GenericNew(ctx, type);
    if (IslHandle_IsNull(self)) return self;
    Encoder *en = (Encoder *)IslInstance_Data(ctx, self, &encoder_def);
    if (!en) {
        IslHandle_Close(ctx, self);
        return ISL_NULL;
    }
    IslField *fields[] = {&en->markers, &en->defaultfn, &en->encoder, &en->indent, &en->key_separator,
                          &en->item_separator};
    for (int i = 0; i < 6; i++) IslField_Store(ctx, self, fields[i], a[i]);
    en->sort_keys = (char)flags[0];
    en->skipkeys = (char)flags[1];
    en->allow_nan = (char)flags[2];
    IslHandle fn = IslField_Load(ctx, type, st->ascii_fn);
    if (IslObject_Is(ctx, fn, a[2])) en->fast = 1;
    IslHandle_Close(ctx, fn);
    fn = IslField_Load(ctx, type, st->plain_fn);
    if (IslObject_Is(ctx, fn, a[2])) en->fast = 2;
    IslHandle_Close(ctx, fn);
    return self;
}

/* ------------------------------------------------------------------ types and module */

#define SCANNER_MEMBERS                                                                 \
    ISL_MEMBER_BOOL("strict", Scanner, strict, ISL_READONLY),                           \
        ISL_MEMBER_FIELD("object_hook", Scanner, object_hook, ISL_READONLY),            \
        ISL_MEMBER_FIELD("object_pairs_hook", Scanner, object_pairs_hook, ISL_READONLY), \
        ISL_MEMBER_FIELD("parse_float", Scanner, parse_float, ISL_READONLY),            \
        ISL_MEMBER_FIELD("parse_int", Scanner, parse_int, ISL_READONLY),                \
        ISL_MEMBER_FIELD("parse_constant", Scanner, parse_constant, ISL_READONLY)
/* array_hook is listed (and so traversed) in both; only 3.15's shows it */
static const IslMember scanner_members[] = {SCANNER_MEMBERS, ISL_MEMBER_HIDDEN_FIELD(Scanner, array_hook), {0}};
static const IslMember scanner315_members[] = {
    SCANNER_MEMBERS, ISL_MEMBER_FIELD("array_hook", Scanner, array_hook, ISL_READONLY), {0}};
static const IslSlot scanner_slots[] = {
    {ISL_SLOT_NEW, ISL_FN(scanner_new_pre315)},
    {ISL_SLOT_CALL, ISL_FN(scanner_call_pre315)},
    {ISL_SLOT_END, NULL},
};
static const IslSlot scanner315_slots[] = {
    {ISL_SLOT_NEW, ISL_FN(scanner_new_315)},
    {ISL_SLOT_CALL, ISL_FN(scanner_call_315)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef scanner_def = {
    .name = "_json.Scanner",
    .doc = "JSON scanner object",
    .basicsize = sizeof(Scanner),
    .slots = scanner_slots,
    .members = scanner_members,
};
static const IslTypeDef scanner315_def = {
    .name = "_json.Scanner",
    .doc = "JSON scanner object",
    .basicsize = sizeof(Scanner),
    .slots = scanner315_slots,
    .members = scanner315_members,
};

static const IslMember encoder_members[] = {
    ISL_MEMBER_FIELD("markers", Encoder, markers, ISL_READONLY),
    ISL_MEMBER_FIELD("default", Encoder, defaultfn, ISL_READONLY),
    ISL_MEMBER_FIELD("encoder", Encoder, encoder, ISL_READONLY),
    ISL_MEMBER_FIELD("indent", Encoder, indent, ISL_READONLY),
    ISL_MEMBER_FIELD("key_separator", Encoder, key_separator, ISL_READONLY),
    ISL_MEMBER_FIELD("item_separator", Encoder, item_separator, ISL_READONLY),
    ISL_MEMBER_BOOL("sort_keys", Encoder, sort_keys, ISL_READONLY),
    ISL_MEMBER_BOOL("skipkeys", Encoder, skipkeys, ISL_READONLY),
    {0},
};
static const IslSlot encoder_slots[] = {
    {ISL_SLOT_NEW, ISL_FN(encoder_new)},
    {ISL_SLOT_CALL, ISL_FN(encoder_call)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef encoder_def = {
    .name = "_json.Encoder",
    .doc = "Encoder(markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys, "
           "allow_nan)",
    .basicsize = sizeof(Encoder),
    .slots = encoder_slots,
    .members = encoder_members,
};

static const IslMethodDef *const json_methods[] = {&ascii_def, &plain_def, &scanstring_def, NULL};

/* Loads module attribute `name` (or an attribute of module `from`) into `slot`. */
static int keep_attr(IslContext *ctx, IslHandle module, IslField *slot, IslHandle from, const char *name) {
    IslHandle v = IslObject_GetAttrString(ctx, from, name);
    if (IslHandle_IsNull(v)) return -1;
    IslField_Store(ctx, module, slot, v);
    IslHandle_Close(ctx, v);
    return 0;
}

static int add_type(IslContext *ctx, IslHandle module, IslField *slot, const IslTypeDef *def, const char *name) {
    IslHandle t = IslType_FromDef(ctx, module, def, ISL_NULL);
    if (IslHandle_IsNull(t)) return -1;
    IslField_Store(ctx, module, slot, t);
    int r = IslModule_AddObject(ctx, module, name, t);
    IslHandle_Close(ctx, t);
    return r;
}

/* From the version on: whether the running CPython's _json has a behaviour
 * (3.X.Y final or later, or the pre-release given for the branch in
 * development). A fix backported to patch releases names each branch. */
static int since(uint32_t v, uint32_t b313, uint32_t b314, uint32_t b315) {
    uint32_t branch = v >> 16 & 0xffff;
    if (branch < 0x030D) return 0;
    if (branch == 0x030D) return b313 && v >= b313;
    if (branch == 0x030E) return b314 && v >= b314;
    if (branch == 0x030F) return v >= b315;
    return 1;
}

static int json_exec(IslContext *ctx, IslHandle module) {
    JsonState *st = (JsonState *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    uint32_t v;
    if (port_py_version(ctx, &v) < 0) return -1;
    const uint32_t v313 = PORT_PY_HEX(3, 13, 0, 0, 0), v314 = PORT_PY_HEX(3, 14, 0, 0, 0),
                   v315 = PORT_PY_HEX(3, 15, 0, 0, 0);
    st->trailing_comma_errors = v >= v313;
    st->indent = v >= v313;
    st->eof_escape_unterminated = since(v, PORT_PY_HEX(3, 13, 15, 0xF, 0), PORT_PY_HEX(3, 14, 7, 0xF, 0),
                                        PORT_PY_HEX(3, 15, 0, 0xB, 4));
    st->skipped_dict_empty = since(v, PORT_PY_HEX(3, 13, 5, 0xF, 0), PORT_PY_HEX(3, 14, 0, 0xB, 3), v315);
    st->notes = v >= v314;
    st->array_hook = v >= PORT_PY_HEX(3, 15, 0, 0xA, 8);
    st->clinic_messages = v >= v315;
    /* gh-141510, 3.15.0a7: the encoder takes frozendict as it takes dict */
    if (v >= PORT_PY_HEX(3, 15, 0, 0xA, 7)) {
        IslHandle builtins = IslImport_ImportModule(ctx, "builtins");
        if (IslHandle_IsNull(builtins)) return -1;
        int r = keep_attr(ctx, module, &st->frozendict_type, builtins, "frozendict");
        IslHandle_Close(ctx, builtins);
        if (r < 0) return -1;
    }
    if (keep_attr(ctx, module, &st->ascii_fn, module, "encode_basestring_ascii") < 0 ||
        keep_attr(ctx, module, &st->plain_fn, module, "encode_basestring") < 0 ||
        add_type(ctx, module, &st->scanner_type, st->array_hook ? &scanner315_def : &scanner_def, "make_scanner") < 0 ||
        add_type(ctx, module, &st->encoder_type, &encoder_def, "make_encoder") < 0)
        return -1;
    return 0;
}

static const IslMember json_state_fields[] = {
    ISL_MEMBER_HIDDEN_FIELD(JsonState, scanner_type),
    ISL_MEMBER_HIDDEN_FIELD(JsonState, encoder_type),
    ISL_MEMBER_HIDDEN_FIELD(JsonState, ascii_fn),
    ISL_MEMBER_HIDDEN_FIELD(JsonState, plain_fn),
    ISL_MEMBER_HIDDEN_FIELD(JsonState, frozendict_type),
    {0},
};

static const IslModuleDef json_def = {
    .name = "_json",
    .doc = "json speedups\n",
    .state_size = sizeof(JsonState),
    .methods = json_methods,
    .exec = json_exec,
    .state_fields = json_state_fields,
};

ISL_MODINIT(_json, json_def);

/* isles private tier: what universal builds read of an object inline.
 * Never call these directly; IslHandle_Dup/Close, IslField_Load/Store, the
 * type checks, list and tuple sizes and items, and IslLong_As* expand to them.
 *
 * A runtime sets each ISL_CONTEXT_INLINE_* bit only for a CPython whose
 * headers it has checked for what the bit says (shim/backend/layout.h), and
 * only where handles are the object pointers; for any other CPython it
 * leaves the bit clear, and the same binary calls the context: the layout is
 * switched on at run time, never assumed at build time. The words read here
 * are those every checked CPython (3.12 to 3.15, 64-bit, with a GIL) shares:
 *   ISL_CONTEXT_INLINE_HEADER  word 1 is the type, and word 2 the size of a
 *       variable-size object such as a list (what the stable ABI's own
 *       Py_TYPE and Py_SIZE read);
 * and, each set only together with HEADER:
 *   ISL_CONTEXT_INLINE_REFCOUNT  the reference count is the low 32 bits of
 *       word 0; where they are negative as an int32 the object is immortal and
 *       is never written (immortal objects are shared by interpreters that run
 *       at once); a count of 1 is the last reference, which only the runtime
 *       releases, as that runs the deallocator. A mortal count never carries
 *       out of the low half, so the word is added to as a whole. Withheld on
 *       debug builds, which total every count change;
 *   ISL_CONTEXT_INLINE_INTS   an exact int has a tag word after its header,
 *       below 16 for a compact int (at most one digit), whose low two bits
 *       give the sign (0 positive, 1 zero, 2 negative), then its first
 *       30-bit digit as a uint32 (IslLong_As* read compact ints inline);
 *   ISL_CONTEXT_INLINE_ITEMS  an exact list keeps a pointer to its item
 *       array after the size word; an exact tuple keeps its items inline, at
 *       the offset the runtime publishes (_IslLayout.tuple_items: CPython 3.14
 *       put a cached hash before them). IslList_Swap exchanges list items
 *       there; with REFCOUNT too, IslList_GetItem and IslTuple_GetItem read
 *       in-range items inline;
 *   ISL_CONTEXT_INLINE_TYPEFLAGS  a type object's flags are word 21, and
 *       every builtin int, list, tuple, bytes, str and dict type (subclasses
 *       included) sets its own bit there (the _ISL_TPFLAGS_* below), so
 *       IslLong_Check and its siblings answer 0 inline too;
 *   ISL_CONTEXT_INLINE_STR  a compact str (every exact str CPython makes)
 *       keeps its length in word 2 and a state word at byte 32 whose bits
 *       2-4 give its kind (bytes per code point), bit 5 says compact and bit
 *       6 ASCII; its code points start at byte 40 when ASCII, 56 otherwise
 *       (IslStr_Data reads them inline).
 * With ITEMS and INTS, IslList_CompareItems and IslSequence_CompareItem
 * compare two compact ints of a list inline. */
#ifndef ISLES_PRIVATE_OBJECT_HEADER_H
#define ISLES_PRIVATE_OBJECT_HEADER_H

#include <stddef.h>
#include <stdint.h>

/* The flag bits universal code tests: 0 where the protocol cannot apply to
 * this binary (32-bit), so the compiler drops the inline path, and in the
 * builds with which isles tests the paths every other runtime takes
 * (_ISL_TEST_SLOW_PATHS). */
#if UINTPTR_MAX == UINT64_MAX && !defined(_ISL_TEST_SLOW_PATHS)
#define _ISL_INLINE_HEADER ISL_CONTEXT_INLINE_HEADER
#define _ISL_INLINE_INTS ISL_CONTEXT_INLINE_INTS
#define _ISL_INLINE_ITEMS ISL_CONTEXT_INLINE_ITEMS
#define _ISL_INLINE_REFCOUNT ISL_CONTEXT_INLINE_REFCOUNT
#define _ISL_INLINE_TYPEFLAGS ISL_CONTEXT_INLINE_TYPEFLAGS
#define _ISL_INLINE_STR ISL_CONTEXT_INLINE_STR
#else
#define _ISL_INLINE_HEADER 0u
#define _ISL_INLINE_INTS 0u
#define _ISL_INLINE_ITEMS 0u
#define _ISL_INLINE_REFCOUNT 0u
#define _ISL_INLINE_TYPEFLAGS 0u
#define _ISL_INLINE_STR 0u
#endif

/* One per extension binary (merged across its files, never exported). */
#define _ISL_WEAK_HIDDEN __attribute__((weak, visibility("hidden")))

/* The inline promises (ISL_CONTEXT_INLINE_*) the runtime makes for every
 * context in the process, copied from its _IslLayout at module init; 0
 * before. Read instead of ctx->flags so that an inline path needs no load
 * through the context. */
_ISL_WEAK_HIDDEN uint32_t _IslInline_Running;
/* Where an exact tuple's first item sits, in bytes (_IslLayout.tuple_items),
 * copied with it; valid whenever ISL_CONTEXT_INLINE_ITEMS is on. */
_ISL_WEAK_HIDDEN intptr_t _IslTupleItems_Running;
#define _ISL_INLINE_ON(BITS) (__atomic_load_n(&_IslInline_Running, __ATOMIC_RELAXED) & (BITS))
/* Every one of BITS (none of which is compiled out) is on. */
#define _ISL_INLINE_ALL(BITS) \
    ((BITS) != 0 && (__atomic_load_n(&_IslInline_Running, __ATOMIC_RELAXED) & (BITS)) == (BITS))

static inline IslHandle _IslHandle_FromBits(intptr_t bits) {
    IslHandle h;
    h._i = bits;
    return h;
}

/* The type of the object at `o` (not 0), as the bits of a handle. */
static inline intptr_t _IslObject_TypeBits(intptr_t o) { return ((const intptr_t *)o)[1]; }

/* The bits of a type's flags word that mark the builtin types and their
 * subclasses (ISL_CONTEXT_INLINE_TYPEFLAGS). */
#define _ISL_TPFLAGS_LONG_SUBCLASS (1ul << 24)
#define _ISL_TPFLAGS_LIST_SUBCLASS (1ul << 25)
#define _ISL_TPFLAGS_TUPLE_SUBCLASS (1ul << 26)
#define _ISL_TPFLAGS_BYTES_SUBCLASS (1ul << 27)
#define _ISL_TPFLAGS_STR_SUBCLASS (1ul << 28)
#define _ISL_TPFLAGS_DICT_SUBCLASS (1ul << 29)

/* 1 when the object at `o` (not 0) is of a type whose flags word has `bit`. */
static inline int _IslObject_TypeFlag(intptr_t o, unsigned long bit) {
    return (((const unsigned long *)_IslObject_TypeBits(o))[21] & bit) != 0;
}

/* The size word of the variable-size object at `o`. */
static inline intptr_t _IslVarObject_Size(intptr_t o) { return ((const intptr_t *)o)[2]; }

/* 1 when `o` is not 0, is exactly of the type whose bits are `type`, and
 * `i` indexes within its size word (lists and tuples), else 0. */
static inline int _IslVarObject_InRange(intptr_t o, intptr_t type, intptr_t i) {
    return o && _IslObject_TypeBits(o) == type && (size_t)i < (size_t)_IslVarObject_Size(o);
}

/* One more reference to the object at `o` (none for 0); none for an
 * immortal one, which is never written. */
static inline void _IslRefcount_Inc(intptr_t o) {
    if (o) {
        intptr_t *rc = (intptr_t *)o;
        if ((int32_t)*rc >= 0) *rc += 1;
    }
}

/* One reference fewer, unless it is the last: releasing that one runs the
 * deallocator, which only the runtime does. 1 when done, 0 when the caller
 * must let the runtime release it. Only the low half is compared: the high
 * one may hold flags. */
static inline int _IslRefcount_DecUnlessLast(intptr_t o) {
    intptr_t *rc = (intptr_t *)o;
    if (!o || (int32_t)*rc < 0) return 1; /* nothing, or immortal */
    if ((uint32_t)*rc <= 1) return 0;
    *rc -= 1;
    return 1;
}

/* The code points of the str at `o` when it is compact (ISL_CONTEXT_INLINE_STR),
 * with its kind and length; 0 when it is not (a subclass instance may not be). */
static inline const void *_IslStr_CompactData(intptr_t o, int *kind, intptr_t *length) {
    uint32_t state = ((const uint32_t *)o)[8];
    if (!(state & 0x20u)) return 0;
    if (kind) *kind = (int)((state >> 2) & 7u);
    if (length) *length = ((const intptr_t *)o)[2];
    return (const char *)o + ((state & 0x40u) ? 40 : 56);
}

/* The value of the exact int at `o` into *v when it is compact: 1, else 0. */
static inline int _IslLong_CompactValue(intptr_t o, int64_t *v) {
    uintptr_t tag = ((const uintptr_t *)o)[2];
    if (tag >= 16) return 0;
    *v = (int64_t)(1 - (intptr_t)(tag & 3)) * (int64_t)((const uint32_t *)o)[6];
    return 1;
}

/* 1 with its value in *v when the object at `o` is an exact compact int
 * (`long_type`: the int type's bits), else 0. */
static inline int _IslObject_CompactInt(intptr_t o, intptr_t long_type, int64_t *v) {
    return _IslObject_TypeBits(o) == long_type && _IslLong_CompactValue(o, v);
}

/* `a op b` for ISL_LT..ISL_GE (0..5), as int's own comparison answers it. */
static inline int _IslInt64_Compare(int64_t a, int64_t b, int op) {
    switch (op) {
        case 0: return a < b;
        case 1: return a <= b;
        case 2: return a == b;
        case 3: return a != b;
        case 4: return a > b;
        default: return a >= b;
    }
}

/* The item arrays of the exact list and the exact tuple at `o`. */
static inline intptr_t *_IslList_Items(intptr_t o) { return (intptr_t *)((const intptr_t *)o)[3]; }
static inline const intptr_t *_IslTuple_Items(intptr_t o) {
    return (const intptr_t *)(o + __atomic_load_n(&_IslTupleItems_Running, __ATOMIC_RELAXED));
}

/* `a op b` for two exact compact ints, or for two exact tuples (or two
 * exact lists) whose first differing items are exact compact ints, decided
 * as their own comparison decides it: equal prefixes, then those items or the
 * lengths. -2 when neither holds and the runtime must compare: no code runs
 * here. Needs the HEADER, INTS and ITEMS promises. */
static inline int _IslObject_IntsCompare(intptr_t a, intptr_t b, intptr_t long_type, intptr_t tuple_type,
                                         intptr_t list_type, int op) {
    int64_t x, y;
    if (_IslObject_CompactInt(a, long_type, &x))
        return _IslObject_CompactInt(b, long_type, &y) ? _IslInt64_Compare(x, y, op) : -2;
    intptr_t t = _IslObject_TypeBits(a);
    if (t != _IslObject_TypeBits(b) || (t != tuple_type && t != list_type)) return -2;
    intptr_t na = _IslVarObject_Size(a), nb = _IslVarObject_Size(b), k;
    const intptr_t *ia = t == tuple_type ? _IslTuple_Items(a) : _IslList_Items(a);
    const intptr_t *ib = t == tuple_type ? _IslTuple_Items(b) : _IslList_Items(b);
    for (k = 0; k < na && k < nb; k++) {
        if (ia[k] == ib[k]) continue; /* identical: equal, as RichCompareBool takes it */
        if (!_IslObject_CompactInt(ia[k], long_type, &x) || !_IslObject_CompactInt(ib[k], long_type, &y)) return -2;
        if (x != y) return _IslInt64_Compare(x, y, op);
    }
    return _IslInt64_Compare(na, nb, op);
}

#endif

/* isles stable tier: handles, the context type, sizes, comparison operators.
 * Nothing here names CPython: the stable tier compiles without Python.h. */
#ifndef ISLES_STABLE_HANDLES_H
#define ISLES_STABLE_HANDLES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque reference to a Python object, valid in the interpreter (and
 * context) that produced it. A struct, so it cannot be mixed up with
 * integers or pointers; in release mode it is exactly as large as a pointer
 * and passed in a register. Compare handles with IslObject_Is, never by bits. */
typedef struct { intptr_t _i; } IslHandle;

/* The per-interpreter table every API call goes through; see context.h. */
typedef struct IslContext IslContext;

/* A reference to an object kept inside an instance or a module state. Read
 * it with IslField_Load and write it with IslField_Store; zero means empty.
 * It must be listed as an ISL_MEMBER_FIELD so isles can traverse it. */
typedef struct { intptr_t _f; } IslField;

/* IslContext.flags, set by the runtime per context. Each bit tells universal
 * code what it may do inline instead of calling the context.
 * DEBUG_HANDLES: handles are tracked ids rather than the object pointers, so
 * even IslObject_Is must ask the context.
 * INLINE_HEADER: handles are the object pointers and objects start with the
 * header described in isles/private/object_header.h, so exact-type checks
 * and IslList_Size/IslTuple_Size need no call in the common case.
 * INLINE_INTS, INLINE_ITEMS, INLINE_REFCOUNT (only with INLINE_HEADER):
 * compact ints, the items of lists and tuples, and the reference count are
 * laid out as that header describes too, so IslLong_As* read ints inline,
 * IslList_Swap and the item comparisons read items, and reference counting
 * (IslHandle_Dup/Close, IslField_Load/Store, and with ITEMS
 * IslList/Tuple_GetItem) needs no call. A debug build of CPython gets no
 * INLINE_REFCOUNT: it keeps a total of every count change.
 * INLINE_TYPEFLAGS (only with INLINE_HEADER): a type's flags word marks the
 * builtin int, list, tuple, bytes, str and dict types and their subclasses,
 * so IslLong_Check and its siblings answer inline for any object.
 * INLINE_STR (only with INLINE_HEADER): an exact str is laid out as CPython's
 * compact strings are, so IslStr_Data needs no call. */
#define ISL_CONTEXT_DEBUG_HANDLES 1u
#define ISL_CONTEXT_INLINE_HEADER 2u
#define ISL_CONTEXT_INLINE_INTS 4u
#define ISL_CONTEXT_INLINE_ITEMS 8u
#define ISL_CONTEXT_INLINE_REFCOUNT 16u
#define ISL_CONTEXT_INLINE_TYPEFLAGS 32u
#define ISL_CONTEXT_INLINE_STR 64u

/* Defined in module.h, type.h and the runtime; declared here because
 * context.h's functions take pointers to them. */
typedef struct IslModuleDef IslModuleDef;
typedef struct IslTypeDef IslTypeDef;
/* An incremental str builder (IslStrBuilder_*), owned by the runtime. */
typedef struct IslStrBuilder IslStrBuilder;

/* An argument format and its keywords for IslArg_ParseSpec, declared once:
 *   static IslArgSpec spec = ISL_ARGSPEC("OO|n:f", keywords);
 * The runtime compiles the format into the private fields on first use
 * (safely, from any interpreter); never touch them. */
typedef struct {
    const char *format;
    const char *const *keywords;
    int _state;          /* 0 = not compiled, 1 = being compiled, 2 = compiled */
    uint64_t _compiled[10];
} IslArgSpec;
#define ISL_ARGSPEC(FORMAT, KEYWORDS) {FORMAT, KEYWORDS, 0, {0}}

/* Signed size, the width of CPython's Py_ssize_t. */
typedef intptr_t IslSsize;

#ifdef __cplusplus
#define ISL_NULL (IslHandle{0})
#else
#define ISL_NULL ((IslHandle){0})
#endif

/* 1 for the null handle, which signals an error (or "absent") where documented. */
static inline int IslHandle_IsNull(IslHandle h) { return h._i == 0; }

/* Operators for IslObject_RichCompare[Bool]. */
enum {
    ISL_LT = 0,
    ISL_LE = 1,
    ISL_EQ = 2,
    ISL_NE = 3,
    ISL_GT = 4,
    ISL_GE = 5
};

#ifdef __cplusplus
}
#endif
#endif

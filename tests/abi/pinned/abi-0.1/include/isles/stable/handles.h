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

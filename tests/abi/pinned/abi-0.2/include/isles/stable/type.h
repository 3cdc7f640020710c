/* isles stable tier: types.
 *
 *   typedef struct { IslField items; IslSsize count; } Bag;
 *   static const IslMember bag_members[] = {
 *       ISL_MEMBER_FIELD("items", Bag, items, 0),
 *       ISL_MEMBER_SSIZE("count", Bag, count, ISL_READONLY), {0}};
 *   static const IslSlot bag_slots[] = {{ISL_SLOT_REPR, ISL_FN(bag_repr)}, {0}};
 *   static const IslTypeDef bag_def = {
 *       .name = "spam.Bag", .basicsize = sizeof(Bag), .flags = ISL_TYPE_BASETYPE,
 *       .slots = bag_slots, .methods = bag_methods, .members = bag_members};
 *
 *   // in the module's exec, once per interpreter:
 *   IslHandle bag = IslType_FromDef(ctx, module, &bag_def, ISL_NULL);
 *
 * A type is made per interpreter from a constant definition, so nothing in
 * the definition is a Python object. The author's struct (`basicsize` bytes,
 * zeroed) follows the base type's instance layout; IslInstance_Data finds it.
 * Every IslField named in `members` is traversed and cleared by isles, so a
 * type never needs hand-written GC support. Slots get handles, never
 * CPython's structs; methods are ordinary IslMethodDef (their second argument
 * is the instance). */
#ifndef ISLES_STABLE_TYPE_H
#define ISLES_STABLE_TYPE_H

#include "isles/stable/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Slot kinds. The comment gives the implementation's signature (ctx first). */
typedef enum {
    ISL_SLOT_END = 0,
    ISL_SLOT_NEW = 1,            /* IslHandle (type, args tuple, kwargs dict or null) */
    ISL_SLOT_INIT = 2,           /* int (self, args tuple, kwargs dict or null) */
    ISL_SLOT_DESTROY = 3,        /* void (void *data): C resources only, no API calls */
    ISL_SLOT_REPR = 4,           /* IslHandle (self) */
    ISL_SLOT_STR = 5,            /* IslHandle (self) */
    ISL_SLOT_HASH = 6,           /* IslSsize (self); -1 on error */
    ISL_SLOT_RICHCOMPARE = 7,    /* IslHandle (self, other, int op) */
    ISL_SLOT_ITER = 8,           /* IslHandle (self) */
    ISL_SLOT_ITERNEXT = 9,       /* IslHandle (self); null without an error ends the iteration */
    ISL_SLOT_CALL = 10,          /* IslHandle (self, args tuple, kwargs dict or null) */
    ISL_SLOT_GETATTRO = 11,      /* IslHandle (self, name) */
    ISL_SLOT_SETATTRO = 12,      /* int (self, name, value or null to delete) */
    ISL_SLOT_GETBUFFER = 13,     /* int (self, IslBufferInfo *info, int writable) */
    ISL_SLOT_RELEASEBUFFER = 14, /* void (self) */
    ISL_SLOT_BOOL = 15,          /* int (self) */
    ISL_SLOT_INT = 16,           /* IslHandle (self) */
    ISL_SLOT_FLOAT = 17,         /* IslHandle (self) */
    ISL_SLOT_INDEX = 18,         /* IslHandle (self) */
    ISL_SLOT_NEGATIVE = 19,      /* IslHandle (self) */
    ISL_SLOT_ADD = 20,           /* IslHandle (a, b): either may be the instance */
    ISL_SLOT_SUBTRACT = 21,      /* IslHandle (a, b) */
    ISL_SLOT_MULTIPLY = 22,      /* IslHandle (a, b) */
    ISL_SLOT_LEN = 23,           /* IslSsize (self); -1 on error (sequence and mapping) */
    ISL_SLOT_SEQ_ITEM = 24,      /* IslHandle (self, IslSsize index) */
    ISL_SLOT_CONTAINS = 25,      /* int (self, item) */
    ISL_SLOT_GETITEM = 26,       /* IslHandle (self, key) (mapping) */
    ISL_SLOT_SETITEM = 27,       /* int (self, key, value or null to delete) (mapping) */
    ISL_SLOT__COUNT = 28
} IslSlotKind;

/* What a buffer export hands out: one-dimensional unsigned bytes. The memory
 * must stay valid until the matching ISL_SLOT_RELEASEBUFFER. */
typedef struct {
    void *buf;
    IslSsize len;
    int readonly;
} IslBufferInfo;

typedef void (*IslGenericFunc)(void);
/* Casts an implementation for an IslSlot (whose kind fixes its signature). */
#define ISL_FN(f) ((IslGenericFunc)(f))

typedef struct {
    IslSlotKind kind;
    IslGenericFunc impl;
} IslSlot;

/* A computed attribute. `set` may be NULL (read-only); value is null on delete. */
typedef IslHandle (*IslGetter)(IslContext *ctx, IslHandle self);
typedef int (*IslSetter)(IslContext *ctx, IslHandle self, IslHandle value);
typedef struct {
    const char *name;
    IslGetter get;
    IslSetter set;
    const char *doc;
} IslGetSet;

/* Type flags. */
#define ISL_TYPE_BASETYPE 1   /* Python code may subclass it */
#define ISL_TYPE_WEAKREF 2    /* instances support weak references */
#define ISL_TYPE_NO_NEW 4     /* cannot be instantiated from Python (no __new__) */

struct IslTypeDef {
    const char *name;                    /* "module.Name" */
    const char *doc;
    size_t basicsize;                    /* the author's struct; 0 for none */
    unsigned flags;                      /* ISL_TYPE_* */
    const IslSlot *slots;                /* ended by ISL_SLOT_END; may be NULL */
    const IslMethodDef *const *methods;  /* NULL-terminated; may be NULL */
    const IslMember *members;            /* ended by ISL_MEMBER_END; may be NULL */
    const IslGetSet *getsets;            /* ended by a NULL name; may be NULL */
};

#ifdef __cplusplus
}
#endif
#endif

/* What xxlimited and xxlimited_35 (two modules, two binaries) have in common:
 * Xxo's attributes in a dict made on first assignment and consulted before
 * the type's own attributes, foo() and new(). Both modules keep the Xxo type
 * first in their state. */
#ifndef XXLIMITED_XX_COMMON_H
#define XXLIMITED_XX_COMMON_H

#include <isles/isles.h>

/* getattr: the dict first, then the type's attributes (methods, members). */
static inline IslHandle attr_dict_get(IslContext *ctx, IslHandle self, IslField attrs_field, IslHandle name) {
    IslHandle attrs = IslField_Load(ctx, self, attrs_field);
    if (!IslHandle_IsNull(attrs)) {
        IslHandle v;
        int found = IslDict_GetItem(ctx, attrs, name, &v);
        IslHandle_Close(ctx, attrs);
        if (found != 0) return v; /* the value, or null with the error */
    }
    return IslObject_GenericGetAttr(ctx, self, name);
}

/* setattr (value) or delattr (null value); deleting a missing name is an AttributeError. */
static inline int attr_dict_set(IslContext *ctx, IslHandle self, IslField *attrs_field, IslHandle name, IslHandle value) {
    IslHandle attrs = IslField_Load(ctx, self, *attrs_field);
    if (IslHandle_IsNull(attrs)) {
        attrs = IslDict_New(ctx);
        if (IslHandle_IsNull(attrs)) return -1;
        IslField_Store(ctx, self, attrs_field, attrs);
    }
    int r;
    if (IslHandle_IsNull(value)) {
        r = IslDict_DelItem(ctx, attrs, name);
        if (r < 0 && IslErr_ExceptionMatches(ctx, ctx->h_KeyError)) {
            IslErr_Clear(ctx);
            IslErr_SetString(ctx, ctx->h_AttributeError, "delete non-existing Xxo attribute");
        }
    } else {
        r = IslDict_SetItem(ctx, attrs, name, value);
    }
    IslHandle_Close(ctx, attrs);
    return r;
}

/* Creates a type or exception (`obj`), keeps it in the state field `slot`
 * (NULL: not kept) and adds it to the module as `name`. */
static inline int add_kept(IslContext *ctx, IslHandle module, IslField *slot, IslHandle obj, const char *name) {
    if (IslHandle_IsNull(obj)) return -1;
    if (slot) IslField_Store(ctx, module, slot, obj);
    int r = IslModule_AddObject(ctx, module, name, obj);
    IslHandle_Close(ctx, obj);
    return r;
}

/* foo(i, j): the sum of two C longs. */
static IslHandle xx_foo(IslContext *ctx, IslHandle module, const IslHandle *args, size_t nargs) {
    (void)module;
    int64_t i, j;
    if (nargs != 2)
        return IslErr_Format(ctx, ctx->h_TypeError, "foo() takes exactly 2 arguments (%zu given)", nargs);
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "LL:foo", NULL, &i, &j)) return ISL_NULL;
    return IslLong_FromInt64(ctx, i + j);
}
ISL_DEF_METH_FASTCALL(xx_foo_def, "foo", xx_foo, "foo(i,j)\n\nReturn the sum of i and j.");

/* new(): a new Xxo of this interpreter's type. */
static IslHandle xx_new(IslContext *ctx, IslHandle module) {
    IslField *xxo_type = (IslField *)IslModule_GetState(ctx, module);
    if (!xxo_type) return ISL_NULL;
    IslHandle type = IslField_Load(ctx, module, *xxo_type);
    IslHandle obj = IslType_GenericNew(ctx, type);
    IslHandle_Close(ctx, type);
    return obj;
}
ISL_DEF_METH_NOARGS(xx_new_def, "new", xx_new, "new() -> new Xx object");

#endif

/* xxlimited for isles: CPython's example of a Limited-API module (a type
 * keeping attributes in a dict, a buffer export, a str subclass, a module
 * exception), written against the isles stable tier. Its types and exception
 * are created per interpreter and kept in module state, so the one binary
 * loads in the main interpreter and in own-GIL sub-interpreters.
 *
 * CPython 3.15 reworked xxlimited (Xxo became subclassable, got a __new__
 * refusing arguments and a setattr refusing 'reserved') and kept the 3.13
 * module as xxlimited_3_13. This file is both: xxlimited follows the running
 * CPython, decided at exec; xxlimited_3_13.c builds it again as the frozen
 * 3.13 module (XX_FROZEN_3_13), which loads on every CPython. */
#include <isles/isles.h>

#include <string.h>

#include "../common/pyversion.h"
#include "xx_common.h"

#ifdef XX_FROZEN_3_13
#define XX_NAME "xxlimited_3_13"
#else
#define XX_NAME "xxlimited"
#endif

#define XXO_BUFSIZE 10

typedef struct {
    IslField x_attr;       /* dict of attributes, made on first assignment */
    char x_buffer[XXO_BUFSIZE];
    IslSsize x_exports;    /* live buffer exports */
} Xxo;

typedef struct {
    IslField Xxo_type; /* first: xx_new (xx_common.h) reads it there */
    IslField Str_type;
    IslField Error_type;
} XxState;

static const IslModuleDef xx_def;
static const IslTypeDef Xxo_def;    /* 3.13's Xxo: final */
#ifndef XX_FROZEN_3_13
static const IslTypeDef Xxo315_def; /* 3.15's: subclassable, same layout */
#endif

static IslHandle Xxo_getattro(IslContext *ctx, IslHandle self, IslHandle name) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo_def);
    return x ? attr_dict_get(ctx, self, x->x_attr, name) : ISL_NULL;
}

static int Xxo_setattro(IslContext *ctx, IslHandle self, IslHandle name, IslHandle value) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo_def);
    return x ? attr_dict_set(ctx, self, &x->x_attr, name, value) : -1;
}

#ifndef XX_FROZEN_3_13
static IslHandle Xxo315_getattro(IslContext *ctx, IslHandle self, IslHandle name) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo315_def);
    return x ? attr_dict_get(ctx, self, x->x_attr, name) : ISL_NULL;
}

/* 3.15 refuses to set or delete the name 'reserved', before anything else. */
static int Xxo315_setattro(IslContext *ctx, IslHandle self, IslHandle name, IslHandle value) {
    if (IslStr_Check(ctx, name)) {
        IslSsize n;
        const char *s = IslStr_AsUTF8AndSize(ctx, name, &n);
        if (!s) return -1;
        if (n == 8 && memcmp(s, "reserved", 8) == 0) {
            IslErr_Format(ctx, ctx->h_AttributeError, "cannot set %R", name);
            return -1;
        }
    }
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo315_def);
    return x ? attr_dict_set(ctx, self, &x->x_attr, name, value) : -1;
}

/* 3.15's Xxo.__new__ takes no arguments (a subclass is made through it too). */
static IslHandle Xxo315_new(IslContext *ctx, IslHandle type, IslHandle args, IslHandle kwargs) {
    IslSsize nargs = IslTuple_Size(ctx, args);
    IslSsize nkw = IslHandle_IsNull(kwargs) ? 0 : IslDict_Size(ctx, kwargs);
    if (nargs < 0 || nkw < 0) return ISL_NULL;
    if (nargs || nkw) return IslErr_SetString(ctx, ctx->h_TypeError, "Xxo.__new__() takes no arguments");
    return IslType_GenericNew(ctx, type);
}
#endif

/* demo(o) -> o: returns o when it is a str or an Xxo, else None. */
static IslHandle Xxo_demo(IslContext *ctx, IslHandle self, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    if (!IslHandle_IsNull(kwnames) && IslTuple_Size(ctx, kwnames) > 0)
        return IslErr_SetString(ctx, ctx->h_TypeError, "demo() takes no keyword arguments");
    if (nargs != 1) return IslErr_SetString(ctx, ctx->h_TypeError, "demo() takes exactly 1 argument");
    XxState *st = (XxState *)IslType_GetModuleState(ctx, self, &xx_def);
    if (!st) return ISL_NULL;
    if (IslStr_Check(ctx, args[0])) return IslHandle_Dup(ctx, args[0]);
    IslHandle xxo_type = IslField_Load(ctx, self, st->Xxo_type);
    int is_xxo = IslObject_TypeCheck(ctx, args[0], xxo_type);
    IslHandle_Close(ctx, xxo_type);
    if (is_xxo < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, is_xxo ? args[0] : ctx->h_None);
}
ISL_DEF_METH_KEYWORDS(Xxo_demo_def, "demo", Xxo_demo, "demo(o) -> o");

static int export_buffer(Xxo *x, IslBufferInfo *info) {
    if (!x) return -1;
    info->buf = x->x_buffer;
    info->len = XXO_BUFSIZE;
    info->readonly = 0;
    x->x_exports++;
    return 0;
}

static int Xxo_getbuffer(IslContext *ctx, IslHandle self, IslBufferInfo *info, int writable) {
    (void)writable;
    return export_buffer((Xxo *)IslInstance_Data(ctx, self, &Xxo_def), info);
}
#ifndef XX_FROZEN_3_13
static int Xxo315_getbuffer(IslContext *ctx, IslHandle self, IslBufferInfo *info, int writable) {
    (void)writable;
    return export_buffer((Xxo *)IslInstance_Data(ctx, self, &Xxo315_def), info);
}
#endif

static void Xxo_releasebuffer(IslContext *ctx, IslHandle self) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo_def);
    if (x) x->x_exports--;
}
#ifndef XX_FROZEN_3_13
static void Xxo315_releasebuffer(IslContext *ctx, IslHandle self) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo315_def);
    if (x) x->x_exports--;
}
#endif

static const IslMethodDef *const Xxo_methods[] = {&Xxo_demo_def, NULL};
static const IslMember Xxo_members[] = {
    ISL_MEMBER_HIDDEN_FIELD(Xxo, x_attr),
    ISL_MEMBER_SSIZE("x_exports", Xxo, x_exports, ISL_READONLY),
    {0},
};
static const IslSlot Xxo_slots[] = {
    {ISL_SLOT_GETATTRO, ISL_FN(Xxo_getattro)},
    {ISL_SLOT_SETATTRO, ISL_FN(Xxo_setattro)},
    {ISL_SLOT_GETBUFFER, ISL_FN(Xxo_getbuffer)},
    {ISL_SLOT_RELEASEBUFFER, ISL_FN(Xxo_releasebuffer)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef Xxo_def = {
    .name = XX_NAME ".Xxo",
    .doc = "A class that explicitly stores attributes in an internal dict",
    .basicsize = sizeof(Xxo),
    .slots = Xxo_slots,
    .methods = Xxo_methods,
    .members = Xxo_members,
};

#ifndef XX_FROZEN_3_13
static const IslSlot Xxo315_slots[] = {
    {ISL_SLOT_NEW, ISL_FN(Xxo315_new)},
    {ISL_SLOT_GETATTRO, ISL_FN(Xxo315_getattro)},
    {ISL_SLOT_SETATTRO, ISL_FN(Xxo315_setattro)},
    {ISL_SLOT_GETBUFFER, ISL_FN(Xxo315_getbuffer)},
    {ISL_SLOT_RELEASEBUFFER, ISL_FN(Xxo315_releasebuffer)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef Xxo315_def = {
    .name = XX_NAME ".Xxo",
    .doc = "A class that explicitly stores attributes in an internal dict",
    .basicsize = sizeof(Xxo),
    .flags = ISL_TYPE_BASETYPE,
    .slots = Xxo315_slots,
    .methods = Xxo_methods,
    .members = Xxo_members,
};
#endif

static const IslTypeDef Str_def = {
    .name = XX_NAME ".Str",
    .flags = ISL_TYPE_BASETYPE,
};

static const IslMethodDef *const xx_methods[] = {&xx_foo_def, &xx_new_def, NULL};

static int xx_exec(IslContext *ctx, IslHandle module) {
    XxState *st = (XxState *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    const IslTypeDef *xxo = &Xxo_def;
#ifndef XX_FROZEN_3_13
    uint32_t version;
    if (port_py_version(ctx, &version) < 0) return -1;
    if (version >= PORT_PY_HEX(3, 15, 0, 0, 0)) xxo = &Xxo315_def;
#endif
    if (add_kept(ctx, module, &st->Xxo_type, IslType_FromDef(ctx, module, xxo, ISL_NULL), "Xxo") < 0 ||
        add_kept(ctx, module, &st->Error_type, IslErr_NewException(ctx, XX_NAME ".Error", ISL_NULL, NULL), "Error") < 0 ||
        add_kept(ctx, module, &st->Str_type, IslType_FromDef(ctx, module, &Str_def, ctx->h_StrType), "Str") < 0)
        return -1;
    return 0;
}

static const IslMember xx_state_fields[] = {
    ISL_MEMBER_HIDDEN_FIELD(XxState, Xxo_type),
    ISL_MEMBER_HIDDEN_FIELD(XxState, Str_type),
    ISL_MEMBER_HIDDEN_FIELD(XxState, Error_type),
    {0},
};

static const IslModuleDef xx_def = {
    .name = XX_NAME,
    .doc = "This is a template module just for instruction.",
    .state_size = sizeof(XxState),
    .methods = xx_methods,
    .exec = xx_exec,
    .state_fields = xx_state_fields,
};

#ifdef XX_FROZEN_3_13
ISL_MODINIT(xxlimited_3_13, xx_def);
#else
ISL_MODINIT(xxlimited, xx_def);
#endif

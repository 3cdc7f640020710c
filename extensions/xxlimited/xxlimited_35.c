/* xxlimited_35 for isles: CPython's example module for the Limited API of
 * Python 3.5 (Xxo, Null, Str, `error`, foo, new, roj), written against the
 * isles stable tier. CPython's own build keeps its types in C statics and so
 * refuses to load in an own-GIL interpreter; this one keeps them in module
 * state and loads everywhere. */
#include <isles/isles.h>

#include "xx_common.h"

typedef struct {
    IslField x_attr; /* dict of attributes, made on first assignment */
} Xxo;

typedef struct {
    IslField Xxo_type; /* first: xx_new (xx_common.h) reads it there */
    IslField error;
} Xx35State;

static const IslModuleDef xx35_def;
static const IslTypeDef Xxo_def;

static IslHandle Xxo_getattro(IslContext *ctx, IslHandle self, IslHandle name) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo_def);
    return x ? attr_dict_get(ctx, self, x->x_attr, name) : ISL_NULL;
}

static int Xxo_setattro(IslContext *ctx, IslHandle self, IslHandle name, IslHandle value) {
    Xxo *x = (Xxo *)IslInstance_Data(ctx, self, &Xxo_def);
    return x ? attr_dict_set(ctx, self, &x->x_attr, name, value) : -1;
}

/* demo([o]) -> o when o is a str, else None. */
static IslHandle Xxo_demo(IslContext *ctx, IslHandle self, const IslHandle *args, size_t nargs) {
    (void)self;
    IslHandle o = ISL_NULL;
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "|O:demo", NULL, &o)) return ISL_NULL;
    return IslHandle_Dup(ctx, !IslHandle_IsNull(o) && IslStr_Check(ctx, o) ? o : ctx->h_None);
}
ISL_DEF_METH_FASTCALL(Xxo_demo_def, "demo", Xxo_demo, "demo() -> None");

static const IslMethodDef *const Xxo_methods[] = {&Xxo_demo_def, NULL};
static const IslMember Xxo_members[] = {ISL_MEMBER_HIDDEN_FIELD(Xxo, x_attr), {0}};
static const IslSlot Xxo_slots[] = {
    {ISL_SLOT_GETATTRO, ISL_FN(Xxo_getattro)},
    {ISL_SLOT_SETATTRO, ISL_FN(Xxo_setattro)},
    {ISL_SLOT_END, NULL},
};
static const IslTypeDef Xxo_def = {
    .name = "xxlimited_35.Xxo",
    .doc = "The Xxo type",
    .basicsize = sizeof(Xxo),
    .slots = Xxo_slots,
    .methods = Xxo_methods,
    .members = Xxo_members,
};

/* Null: instances compare by identity, so no two are equal. */
static const IslTypeDef Null_def = {.name = "xxlimited_35.Null", .flags = ISL_TYPE_BASETYPE};
static const IslTypeDef Str_def = {.name = "xxlimited_35.Str", .flags = ISL_TYPE_BASETYPE};

/* roj(a, b) always fails: CPython's version trips over a bad format string,
 * which surfaces as SystemError; the port raises the same. */
static IslHandle xx35_roj(IslContext *ctx, IslHandle module, IslHandle arg) {
    (void)module;
    (void)arg;
    return IslErr_SetString(ctx, ctx->h_SystemError, "bad format string: O#:roj");
}
ISL_DEF_METH_O(xx35_roj_def, "roj", xx35_roj, "roj(a,b) -> None");

static const IslMethodDef *const xx35_methods[] = {&xx35_roj_def, &xx_foo_def, &xx_new_def, NULL};

static int xx35_exec(IslContext *ctx, IslHandle module) {
    Xx35State *st = (Xx35State *)IslModule_GetState(ctx, module);
    if (!st) return -1;
    if (add_kept(ctx, module, &st->Xxo_type, IslType_FromDef(ctx, module, &Xxo_def, ISL_NULL), "Xxo") < 0 ||
        add_kept(ctx, module, &st->error, IslErr_NewException(ctx, "xxlimited_35.error", ISL_NULL, NULL), "error") < 0 ||
        add_kept(ctx, module, NULL, IslType_FromDef(ctx, module, &Null_def, ISL_NULL), "Null") < 0 ||
        add_kept(ctx, module, NULL, IslType_FromDef(ctx, module, &Str_def, ctx->h_StrType), "Str") < 0)
        return -1;
    return 0;
}

static const IslMember xx35_state_fields[] = {
    ISL_MEMBER_HIDDEN_FIELD(Xx35State, Xxo_type),
    ISL_MEMBER_HIDDEN_FIELD(Xx35State, error),
    {0},
};

static const IslModuleDef xx35_def = {
    .name = "xxlimited_35",
    .doc = "This is a module for testing limited API from Python 3.5.",
    .state_size = sizeof(Xx35State),
    .methods = xx35_methods,
    .exec = xx35_exec,
    .state_fields = xx35_state_fields,
};

ISL_MODINIT(xxlimited_35, xx35_def);

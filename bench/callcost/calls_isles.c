/* The call-overhead probes written against isles: built once as a universal
 * binary and once per CPython (ISL_UNSTABLE_API) by bench/callcost.py. The
 * same functions on the raw C-API are in calls_capi.c. */
#include <isles/isles.h>

static IslHandle noargs(IslContext *ctx, IslHandle m) {
    (void)m;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle onearg(IslContext *ctx, IslHandle m, IslHandle x) {
    (void)m;
    return IslHandle_Dup(ctx, x);
}
static IslHandle add(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "add() takes 2 arguments");
    int64_t a = IslLong_AsInt64(ctx, args[0]), b;
    if (a == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    b = IslLong_AsInt64(ctx, args[1]);
    if (b == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
    return IslLong_FromInt64(ctx, a + b);
}
/* sum(list of ints): an API call per item, the inner loop of real code */
static IslHandle list_sum(IslContext *ctx, IslHandle m, IslHandle list) {
    (void)m;
    IslSsize n = IslList_Size(ctx, list);
    if (n < 0) return ISL_NULL;
    int64_t total = 0;
    for (IslSsize i = 0; i < n; i++) {
        IslHandle item = IslList_GetItem(ctx, list, i);
        if (IslHandle_IsNull(item)) return ISL_NULL;
        int64_t v = IslLong_AsInt64(ctx, item);
        IslHandle_Close(ctx, item);
        if (v == -1 && IslErr_Occurred(ctx)) return ISL_NULL;
        total += v;
    }
    return IslLong_FromInt64(ctx, total);
}
ISL_DEF_METH_NOARGS(noargs_def, "noargs", noargs, "");
ISL_DEF_METH_O(onearg_def, "onearg", onearg, "");
ISL_DEF_METH_FASTCALL(add_def, "add", add, "");
ISL_DEF_METH_O(list_sum_def, "list_sum", list_sum, "");
static const IslMethodDef *const methods[] = {&noargs_def, &onearg_def, &add_def, &list_sum_def, NULL};
static const IslModuleDef def = {.name = MODNAME_STR, .methods = methods};
ISL_MODINIT(MODNAME, def);

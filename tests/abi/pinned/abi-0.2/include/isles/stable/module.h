/* isles stable tier: method and module definitions.
 *
 *   static IslHandle add_impl(IslContext *ctx, IslHandle module,
 *                             const IslHandle *args, size_t nargs);
 *   ISL_DEF_METH_FASTCALL(add_def, "add", add_impl, "add(a, b)\n--\n\nSum.");
 *
 *   static const IslMethodDef *const methods[] = {&add_def, NULL};
 *   static const IslModuleDef spam_def = {
 *       .name = "spam", .doc = "...", .methods = methods,
 *   };
 *   ISL_MODINIT(spam, spam_def);
 *
 * Each ISL_DEF_METH_* emits a small trampoline that finds the context of the
 * calling interpreter from the module's state and calls the implementation
 * with handles. ISL_MODINIT emits PyInit_<name>, which hands the definition to
 * the isles runtime of whichever CPython imports the file. Both macros need
 * the ';' that follows them, like a declaration. */
#ifndef ISLES_STABLE_MODULE_H
#define ISLES_STABLE_MODULE_H

#include "isles/stable/context.h"
#include "isles/stable/member.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Implementation signatures. `module` is the module object the function
 * belongs to; give it to IslModule_GetState for the per-interpreter state.
 * The same definitions serve as methods of a type (IslTypeDef.methods), where
 * `module` is the instance instead. */
typedef IslHandle (*IslCFunction_NoArgs)(IslContext *ctx, IslHandle module);
typedef IslHandle (*IslCFunction_O)(IslContext *ctx, IslHandle module, IslHandle arg);
typedef IslHandle (*IslCFunction_Fastcall)(IslContext *ctx, IslHandle module,
                                           const IslHandle *args, size_t nargs);
typedef IslHandle (*IslCFunction_Keywords)(IslContext *ctx, IslHandle module,
                                           const IslHandle *args, size_t nargs,
                                           IslHandle kwnames);

typedef enum {
    ISL_METH_NOARGS = 1,
    ISL_METH_O = 2,
    ISL_METH_FASTCALL = 3,
    ISL_METH_KEYWORDS = 4   /* fastcall with keyword names, as in vectorcall */
} IslMethodKind;

typedef struct {
    const char *name;
    void (*trampoline)(void); /* what CPython calls for a module function; made by ISL_DEF_METH_* */
    void (*impl)(void);       /* the author's function */
    IslMethodKind kind;
    const char *doc;          /* may start with a "name(sig)\n--\n\n" text signature */
    void (*method_trampoline)(void); /* what CPython calls for a method of an IslTypeDef */
} IslMethodDef;

typedef enum {
    ISL_CONST_END = 0,
    ISL_CONST_INT = 1,
    ISL_CONST_FLOAT = 2,
    ISL_CONST_STR = 3
} IslConstantKind;

/* A module attribute set before `exec` runs. */
typedef struct {
    const char *name;
    IslConstantKind kind;
    int64_t int_value;
    double float_value;
    const char *str_value;
} IslModuleConstant;

/* Runs once per module object, i.e. once per interpreter importing it. */
typedef int (*IslModuleExecFunc)(IslContext *ctx, IslHandle module);
/* Releases what the state holds outside Python; runs when the module dies. */
typedef void (*IslModuleFreeFunc)(void *state);

struct IslModuleDef {
    const char *name;                         /* must match ISL_MODINIT's name */
    const char *doc;
    size_t state_size;                        /* zeroed per-interpreter state */
    const IslMethodDef *const *methods;       /* NULL-terminated, may be NULL */
    const IslModuleConstant *constants;       /* ended by ISL_CONST_END, may be NULL */
    IslModuleExecFunc exec;                   /* may be NULL */
    IslModuleFreeFunc free_state;             /* may be NULL */
    const IslMember *state_fields;            /* IslFields in the state, for GC; ended by
                                                 ISL_MEMBER_END; may be NULL */
};

#ifdef __cplusplus
}
#endif

#include "isles/private/loader.h"

#define ISL_DEF_METH_NOARGS(SYM, NAME, IMPL, DOC) \
    _ISL_METH_TRAMPOLINE(SYM, NAME, IMPL, DOC, NoArgs, ISL_METH_NOARGS)
#define ISL_DEF_METH_O(SYM, NAME, IMPL, DOC) \
    _ISL_METH_TRAMPOLINE(SYM, NAME, IMPL, DOC, O, ISL_METH_O)
#define ISL_DEF_METH_FASTCALL(SYM, NAME, IMPL, DOC) \
    _ISL_METH_TRAMPOLINE(SYM, NAME, IMPL, DOC, Fastcall, ISL_METH_FASTCALL)
#define ISL_DEF_METH_KEYWORDS(SYM, NAME, IMPL, DOC) \
    _ISL_METH_TRAMPOLINE(SYM, NAME, IMPL, DOC, Keywords, ISL_METH_KEYWORDS)

/* Exports the module's init function for the module described by DEF. */
#define ISL_MODINIT(NAME, DEF) _ISL_MODINIT(NAME, DEF)

#endif

/* isles private tier: what ISL_MODINIT and ISL_DEF_METH_* expand to.
 * Never call these directly; they may change in any release.
 *
 * This is the only header an extension compiles that names CPython at all,
 * and it names only a handful of stable-ABI (abi3) symbols, declared here
 * rather than taken from Python.h so that no CPython header is needed. */
#ifndef ISLES_PRIVATE_LOADER_H
#define ISLES_PRIVATE_LOADER_H

#include <stdio.h>
#include "isles/stable/context.h"

#ifdef __cplusplus
#define _ISL_EXTERN_C extern "C"
#else
#define _ISL_EXTERN_C
#endif
#if defined(_WIN32)
#define _ISL_EXPORT __declspec(dllexport)
#else
#define _ISL_EXPORT __attribute__((visibility("default")))
#endif
#define _ISL_INLINE static inline
#define _ISL_COLD __attribute__((cold, noinline, unused)) static

/* CPython's object and type, by their struct tags only: never dereferenced here. */
typedef struct _object _IslPyObject;
typedef struct _typeobject _IslPyTypeObject;

#ifdef __cplusplus
extern "C" {
#endif

/* abi3 symbols (all in the stable ABI of CPython 3.12). */
extern _IslPyObject *PyImport_ImportModule(const char *name);
extern _IslPyObject *PyObject_GetAttrString(_IslPyObject *o, const char *name);
extern void *PyCapsule_GetPointer(_IslPyObject *capsule, const char *name);
extern void *PyModule_GetState(_IslPyObject *module);
extern void *PyType_GetModuleState(_IslPyTypeObject *type);
extern IslSsize PyTuple_Size(_IslPyObject *tuple);
extern _IslPyObject *PyErr_Format(_IslPyObject *exception, const char *format, ...);
extern _IslPyObject *PyErr_GetRaisedException(void);
extern void Py_DecRef(_IslPyObject *o);
extern void PyErr_Clear(void);
struct PyModuleDef; /* CPython's tag, so a file that also includes Python.h still compiles */
extern _IslPyObject *PyModuleDef_Init(struct PyModuleDef *def);
extern _IslPyObject *PyExc_ImportError;
extern _IslPyObject *PyExc_TypeError;
extern const unsigned long Py_Version;

/* The runtime's entry table, published per interpreter as the capsule
 * isles._backend_cpXY._api. The first two fields are frozen forever. */
typedef struct {
    IslSsize module_state;  /* offset of a module object's state pointer, or 0 */
    IslSsize type_module;   /* offset of a heap type's module pointer, or 0 */
    IslSsize state_context; /* offset in an isles module's state of its own copy of
                               the context; set whenever module_state is */
    IslSsize inline_flags;  /* the ISL_CONTEXT_INLINE_* bits every context of this
                               process carries, for as long as it runs */
    IslSsize tuple_items;   /* offset of an exact tuple's first item; set
                               whenever inline_flags has ISL_CONTEXT_INLINE_ITEMS */
} _IslLayout;

typedef struct {
    uint32_t abi_major;
    uint32_t abi_minor;
    const char *runtime_version;
    _IslPyObject *(*module_init)(const IslModuleDef *def, uint32_t abi_major, uint32_t abi_minor);
    /* ABI 0.3 (0.2 runtimes end before it): */
    _IslLayout layout;
} _IslBackendApi;

/* One per extension binary (merged across its files, never exported): the
 * runtime's _IslLayout, copied at module init. All zero until then, and on a
 * runtime that publishes none, which sends the trampolines through
 * PyModule_GetState instead. The offsets describe the running CPython, the
 * same for every interpreter, so a plain process-wide copy is right; relaxed
 * atomics keep interpreters initializing at once well defined. */
_ISL_WEAK_HIDDEN _IslLayout _IslLayout_Running;

/* Leads every isles module's state (PyModule_GetState). The runtime puts the
 * module's own copy of the context after it (_IslLayout.state_context), then
 * the author's state; `ctx` points at the copy. */
typedef struct {
    IslContext *ctx;
    void *_runtime;
} _IslModuleStateHeader;

#define _ISL_BACKEND_API_NAME "isles._backend_cp%lu%lu"

_ISL_INLINE IslHandle _IslHandle_FromObject(_IslPyObject *o) {
    IslHandle h;
    h._i = (intptr_t)o;
    return h;
}

_ISL_INLINE _IslPyObject *_IslHandle_AsObject(IslHandle h) { return (_IslPyObject *)h._i; }

/* Module functions get the module as `self`; its state names the context of
 * the interpreter the module lives in, so no process-wide lookup is needed. */
_ISL_COLD IslContext *_IslModule_ContextByCall(_IslPyObject *module) {
    return ((_IslModuleStateHeader *)PyModule_GetState(module))->ctx;
}
/* The context of a module whose state pointer sits `off` bytes in: the
 * copy in its state, found without loading the header's pointer to it. */
_ISL_INLINE IslContext *_IslModule_ContextAt(_IslPyObject *module, IslSsize off) {
    IslSsize in_state = __atomic_load_n(&_IslLayout_Running.state_context, __ATOMIC_RELAXED);
    return (IslContext *)(*(char **)((char *)module + off) + in_state);
}
_ISL_INLINE IslContext *_IslModule_Context(_IslPyObject *module) {
    IslSsize off = __atomic_load_n(&_IslLayout_Running.module_state, __ATOMIC_RELAXED);
    if (__builtin_expect(off == 0, 0)) return _IslModule_ContextByCall(module);
    return _IslModule_ContextAt(module, off);
}

/* Finds the runtime table of the running CPython (importing its backend
 * through the import system); NULL with ImportError set, naming what is
 * missing or which versions disagree. */
_ISL_INLINE const _IslBackendApi *_IslBackend_Find(const IslModuleDef *def, uint32_t major, uint32_t minor) {
    char backend_name[48], capsule_name[56];
    unsigned long py_major = (Py_Version >> 24) & 0xff, py_minor = (Py_Version >> 16) & 0xff;
    snprintf(backend_name, sizeof backend_name, _ISL_BACKEND_API_NAME, py_major, py_minor);
    snprintf(capsule_name, sizeof capsule_name, "%s._api", backend_name);
    const _IslBackendApi *api = NULL;
    _IslPyObject *backend = PyImport_ImportModule(backend_name);
    if (backend) {
        _IslPyObject *capsule = PyObject_GetAttrString(backend, "_api");
        Py_DecRef(backend);
        if (capsule) {
            api = (const _IslBackendApi *)PyCapsule_GetPointer(capsule, capsule_name);
            Py_DecRef(capsule); /* the backend module keeps the capsule; the table is static */
        }
    }
    if (!api) {
        _IslPyObject *cause = PyErr_GetRaisedException();
        PyErr_Format(PyExc_ImportError,
                     "isles extension '%s' needs the isles runtime for CPython %lu.%lu "
                     "(module %s), which could not be imported: %S",
                     def->name, py_major, py_minor, backend_name, cause);
        Py_DecRef(cause);
        return NULL;
    }
    if (api->abi_major != major) {
        PyErr_Format(PyExc_ImportError,
                     "isles extension '%s' was built for isles ABI %u.%u, but the isles runtime "
                     "%s for CPython %lu.%lu provides ABI %u.%u (a different major version)",
                     def->name, (unsigned)major, (unsigned)minor, api->runtime_version,
                     py_major, py_minor, (unsigned)api->abi_major, (unsigned)api->abi_minor);
        return NULL;
    }
    return api;
}

/* CPython's PyModuleDef and PyModuleDef_Slot as the stable ABI lays them out
 * (GIL builds). Used only for the stand-in definition below. The slot's value
 * is a union so that C can store the create function without converting a
 * function pointer to void * (ISO C forbids it); the layout is CPython's
 * {int slot; void *value;} (tests/abi checks it against Python.h). */
typedef struct _IslPyModuleDef _IslPyModuleDef;
typedef struct {
    int slot;
    union {
        void *value;
        _IslPyObject *(*create)(_IslPyObject *spec, _IslPyModuleDef *def);
    } u;
} _IslPyModuleDefSlot;
struct _IslPyModuleDef {
    intptr_t ob_refcnt;
    void *ob_type;
    void *m_init;
    intptr_t m_index;
    void *m_copy;
    const char *m_name;
    const char *m_doc;
    intptr_t m_size;
    void *m_methods;
    _IslPyModuleDefSlot *m_slots;
    void *m_traverse, *m_clear, *m_free;
};

/* PyInit_<name> must not raise: CPython 3.13 runs it in the main interpreter
 * even for an import in a sub-interpreter, and an exception raised there
 * crashes the importing interpreter (python/cpython#144601). So when the
 * runtime cannot be found, PyInit returns this stand-in, whose create slot
 * raises the ImportError again, in the importing interpreter. */
typedef struct {
    _IslPyModuleDef def; /* first: CPython hands &def to the create slot */
    _IslPyModuleDefSlot slots[3];
    const IslModuleDef *isl;
    uint32_t abi_major, abi_minor;
} _IslStandIn;

_ISL_INLINE _IslPyObject *_IslStandIn_Create(_IslPyObject *spec, _IslPyModuleDef *def) {
    const _IslStandIn *s = (const _IslStandIn *)def;
    (void)spec;
    /* This interpreter can import the runtime, yet PyInit could not: on
     * CPython 3.13+ PyInit runs in the main interpreter, whatever imports. */
    if (_IslBackend_Find(s->isl, s->abi_major, s->abi_minor))
        PyErr_Format(PyExc_ImportError,
                     "isles extension '%s' could not be initialized: its init function could not import "
                     "the isles runtime, which this interpreter can import. On CPython 3.13 and later the "
                     "init function runs in the main interpreter, so the isles package must be importable "
                     "in the main interpreter too", s->isl->name);
    return NULL;
}

/* Slot ids and values of CPython's stable ABI: Py_mod_create = 1,
 * Py_mod_multiple_interpreters = 3, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED = 2.
 * C sets the union's create member by name; C++ (no designated initializers
 * before C++20) sets its first member with a cast, which C++ allows. */
#ifdef __cplusplus
#define _ISL_STANDIN_CREATE_SLOT {1, {(void *)&_IslStandIn_Create}}
#else
#define _ISL_STANDIN_CREATE_SLOT {1, {.create = &_IslStandIn_Create}}
#endif
#define _ISL_STANDIN_INIT(NAME, DEF, SELF) \
    {{1, NULL, NULL, 0, NULL, NAME, NULL, 0, NULL, (SELF).slots, NULL, NULL, NULL}, \
     {_ISL_STANDIN_CREATE_SLOT, {3, {(void *)(intptr_t)2}}, {0, {NULL}}}, \
     &(DEF), ISL_ABI_VERSION_MAJOR, ISL_ABI_VERSION_MINOR}

/* Body of every PyInit_<name>: let the runtime of the running CPython build
 * the module definition, or hand back the stand-in. Never raises. */
_ISL_INLINE _IslPyObject *_IslModule_Init(_IslStandIn *standin) {
    const _IslBackendApi *api = _IslBackend_Find(standin->isl, standin->abi_major, standin->abi_minor);
    _IslPyObject *def = api ? api->module_init(standin->isl, standin->abi_major, standin->abi_minor) : NULL;
    if (def) {
#ifndef _ISL_TEST_SLOW_PATHS /* tests: as on a runtime that publishes no layout */
        if (api->abi_minor >= 3) { /* `layout` is new in 0.3 */
            /* module_state last: it switches the fast path on. Relaxed loads
             * suffice: an interpreter runs this init before its module exists,
             * storing the same values as any other, and its other threads see
             * them after the GIL hand-over that lets them run. */
            __atomic_store_n(&_IslTupleItems_Running, (intptr_t)api->layout.tuple_items, __ATOMIC_RELAXED);
            __atomic_store_n(&_IslInline_Running, (uint32_t)api->layout.inline_flags, __ATOMIC_RELAXED);
            __atomic_store_n(&_IslLayout_Running.state_context, api->layout.state_context, __ATOMIC_RELAXED);
            __atomic_store_n(&_IslLayout_Running.type_module, api->layout.type_module, __ATOMIC_RELAXED);
            __atomic_store_n(&_IslLayout_Running.module_state, api->layout.module_state, __ATOMIC_RELEASE);
        }
#endif
        return def;
    }
    PyErr_Clear();
    return PyModuleDef_Init((struct PyModuleDef *)(void *)&standin->def);
}

/* One trampoline per method: CPython's calling convention in, handles out.
 * The context comes from where the runtime's layout says the module keeps
 * it (loads only), or, for a runtime that publishes no layout, from a tail
 * call into a cold twin that asks PyModule_GetState: kept out of line, so
 * that the hot path needs no stack frame of its own. */
#define _ISL_MODULE_TRAMPOLINE(TNAME, KIND, PARAMS, ARGS, IMPL) \
    static _IslPyObject *TNAME PARAMS { \
        IslSsize off_ = __atomic_load_n(&_IslLayout_Running.module_state, __ATOMIC_RELAXED); \
        if (__builtin_expect(off_ == 0, 0)) return _IslTrampoline_ByCall_##KIND ARGS; \
        IslContext *ctx_ = _IslModule_ContextAt(self, off_); \
        IslCFunction_##KIND impl_ = (IMPL); \
        _ISL_TRAMPOLINE_CALL_##KIND; \
    }
#define _ISL_TRAMPOLINE_CALL_NoArgs \
    (void)unused_; \
    return _IslHandle_AsObject(impl_(ctx_, _IslHandle_FromObject(self)))
#define _ISL_TRAMPOLINE_CALL_O \
    return _IslHandle_AsObject(impl_(ctx_, _IslHandle_FromObject(self), _IslHandle_FromObject(arg)))
#define _ISL_TRAMPOLINE_CALL_Fastcall \
    return _IslHandle_AsObject(impl_(ctx_, _IslHandle_FromObject(self), (const IslHandle *)args, (size_t)nargs))
#define _ISL_TRAMPOLINE_CALL_Keywords \
    return _IslHandle_AsObject(impl_(ctx_, _IslHandle_FromObject(self), (const IslHandle *)args, (size_t)nargs, \
                                     _IslHandle_FromObject(kwnames)))
#define _ISL_PARAMS_NoArgs (_IslPyObject *self, _IslPyObject *unused_)
#define _ISL_PARAMS_O (_IslPyObject *self, _IslPyObject *arg)
#define _ISL_PARAMS_Fastcall (_IslPyObject *self, _IslPyObject *const *args, IslSsize nargs)
#define _ISL_PARAMS_Keywords (_IslPyObject *self, _IslPyObject *const *args, IslSsize nargs, _IslPyObject *kwnames)
/* The cold twins, one per convention, shared by every trampoline of it. */
#define _ISL_TRAMPOLINE_BY_CALL(KIND, ...) \
    _ISL_COLD _IslPyObject *_IslTrampoline_ByCall_##KIND(__VA_ARGS__, IslCFunction_##KIND impl_) { \
        IslContext *ctx_ = _IslModule_ContextByCall(self); \
        _ISL_TRAMPOLINE_CALL_##KIND; \
    }
_ISL_TRAMPOLINE_BY_CALL(NoArgs, _IslPyObject *self, _IslPyObject *unused_)
_ISL_TRAMPOLINE_BY_CALL(O, _IslPyObject *self, _IslPyObject *arg)
_ISL_TRAMPOLINE_BY_CALL(Fastcall, _IslPyObject *self, _IslPyObject *const *args, IslSsize nargs)
_ISL_TRAMPOLINE_BY_CALL(Keywords, _IslPyObject *self, _IslPyObject *const *args, IslSsize nargs,
                        _IslPyObject *kwnames)
#define _IslTrampoline_NoArgs(TNAME, IMPL) \
    _ISL_MODULE_TRAMPOLINE(TNAME, NoArgs, _ISL_PARAMS_NoArgs, (self, unused_, IMPL), IMPL)
#define _IslTrampoline_O(TNAME, IMPL) _ISL_MODULE_TRAMPOLINE(TNAME, O, _ISL_PARAMS_O, (self, arg, IMPL), IMPL)
#define _IslTrampoline_Fastcall(TNAME, IMPL) \
    _ISL_MODULE_TRAMPOLINE(TNAME, Fastcall, _ISL_PARAMS_Fastcall, (self, args, nargs, IMPL), IMPL)
#define _IslTrampoline_Keywords(TNAME, IMPL) \
    _ISL_MODULE_TRAMPOLINE(TNAME, Keywords, _ISL_PARAMS_Keywords, (self, args, nargs, kwnames, IMPL), IMPL)

/* Methods of a type are called with METH_METHOD|METH_FASTCALL|METH_KEYWORDS,
 * CPython's one convention that hands over the defining class, whose module
 * state names the context. So the argument checks CPython does for
 * METH_NOARGS and METH_O are done here. */
_ISL_INLINE int _IslMethod_BadArgs(const char *name, IslSsize nargs, _IslPyObject *kwnames, IslSsize want) {
    if (kwnames && PyTuple_Size(kwnames) > 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", name);
        return 1;
    }
    if (want < 0 || nargs == want) return 0;
    if (want == 0)
        PyErr_Format(PyExc_TypeError, "%s() takes no arguments (%zd given)", name, nargs);
    else
        PyErr_Format(PyExc_TypeError, "%s() takes exactly one argument (%zd given)", name, nargs);
    return 1;
}
_ISL_INLINE IslContext *_IslType_Context(_IslPyTypeObject *defining_class) {
    IslSsize off = __atomic_load_n(&_IslLayout_Running.type_module, __ATOMIC_RELAXED);
    if (off) return _IslModule_Context(*(_IslPyObject **)((char *)defining_class + off));
    return ((_IslModuleStateHeader *)PyType_GetModuleState(defining_class))->ctx;
}
#define _ISL_NARGS(nargsf) ((IslSsize)((nargsf) & ~((size_t)1 << (8 * sizeof(size_t) - 1))))
#define _IslMethodTrampoline_NoArgs(TNAME, IMPL, NAME) \
    static _IslPyObject *TNAME(_IslPyObject *self, _IslPyTypeObject *cls, _IslPyObject *const *args, \
                               size_t nargsf, _IslPyObject *kwnames) { \
        IslCFunction_NoArgs impl_ = (IMPL); \
        (void)args; \
        if (_IslMethod_BadArgs(NAME, _ISL_NARGS(nargsf), kwnames, 0)) return NULL; \
        return _IslHandle_AsObject(impl_(_IslType_Context(cls), _IslHandle_FromObject(self))); \
    }
#define _IslMethodTrampoline_O(TNAME, IMPL, NAME) \
    static _IslPyObject *TNAME(_IslPyObject *self, _IslPyTypeObject *cls, _IslPyObject *const *args, \
                               size_t nargsf, _IslPyObject *kwnames) { \
        IslCFunction_O impl_ = (IMPL); \
        if (_IslMethod_BadArgs(NAME, _ISL_NARGS(nargsf), kwnames, 1)) return NULL; \
        return _IslHandle_AsObject(impl_(_IslType_Context(cls), _IslHandle_FromObject(self), \
                                         _IslHandle_FromObject(args[0]))); \
    }
#define _IslMethodTrampoline_Fastcall(TNAME, IMPL, NAME) \
    static _IslPyObject *TNAME(_IslPyObject *self, _IslPyTypeObject *cls, _IslPyObject *const *args, \
                               size_t nargsf, _IslPyObject *kwnames) { \
        IslCFunction_Fastcall impl_ = (IMPL); \
        if (_IslMethod_BadArgs(NAME, 0, kwnames, -1)) return NULL; \
        return _IslHandle_AsObject(impl_(_IslType_Context(cls), _IslHandle_FromObject(self), \
                                         (const IslHandle *)args, (size_t)_ISL_NARGS(nargsf))); \
    }
#define _IslMethodTrampoline_Keywords(TNAME, IMPL, NAME) \
    static _IslPyObject *TNAME(_IslPyObject *self, _IslPyTypeObject *cls, _IslPyObject *const *args, \
                               size_t nargsf, _IslPyObject *kwnames) { \
        IslCFunction_Keywords impl_ = (IMPL); \
        return _IslHandle_AsObject(impl_(_IslType_Context(cls), _IslHandle_FromObject(self), \
                                         (const IslHandle *)args, (size_t)_ISL_NARGS(nargsf), \
                                         _IslHandle_FromObject(kwnames))); \
    }

/* Both end in a declaration without its ';': the author's ';' completes it
 * (a ';' after a function body is an error under -pedantic in C). Each method
 * definition carries both trampolines: one serves a module, one a type. */
#define _ISL_METH_TRAMPOLINE(SYM, NAME, IMPL, DOC, KIND, FLAG) \
    _IslTrampoline_##KIND(SYM##_trampoline, IMPL) \
    _IslMethodTrampoline_##KIND(SYM##_method_trampoline, IMPL, NAME) \
    static const IslMethodDef SYM = {NAME, (void (*)(void))SYM##_trampoline, \
                                     (void (*)(void))(IMPL), FLAG, DOC, \
                                     (void (*)(void))SYM##_method_trampoline}

/* A note in the binary saying what it was built for, read by
 * `python -m isles check` without loading the file. */
#define _ISL_STR2(x) #x
#define _ISL_STR(x) _ISL_STR2(x)
#ifdef ISL_UNSTABLE_FLAVOUR
#define _ISL_FLAVOUR ISL_UNSTABLE_FLAVOUR
#else
#define _ISL_FLAVOUR "universal"
#endif
#if defined(__ELF__)
#define _ISL_ABI_NOTE(NAME) \
    __attribute__((used, section(".isles_abi"))) static const char _isl_abi_note_##NAME[] = \
        "isles-abi " _ISL_STR(ISL_ABI_VERSION_MAJOR) "." _ISL_STR(ISL_ABI_VERSION_MINOR) " " _ISL_FLAVOUR " " #NAME;
#else
#define _ISL_ABI_NOTE(NAME)
#endif

#define _ISL_MODINIT(NAME, DEF) \
    _ISL_ABI_NOTE(NAME) \
    static _IslStandIn _isl_standin_##NAME = _ISL_STANDIN_INIT(#NAME, DEF, _isl_standin_##NAME); \
    _ISL_EXTERN_C _ISL_EXPORT _IslPyObject *PyInit_##NAME(void); \
    _ISL_EXTERN_C _ISL_EXPORT _IslPyObject *PyInit_##NAME(void) { return _IslModule_Init(&_isl_standin_##NAME); } \
    _ISL_EXTERN_C _ISL_EXPORT _IslPyObject *PyInit_##NAME(void)

#ifdef __cplusplus
}
#endif
#endif

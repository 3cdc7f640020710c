// Per-interpreter contexts: filled from the manifest's slot table.
#include "backend.h"

#include <new>

namespace isles::internal {

Runtime *Runtime::create() {
    auto *rt = new (std::nothrow) Runtime{};
    if (!rt) {
        PyErr_NoMemory();
        return nullptr;
    }
    IslContext &ctx = rt->ctx;
    ctx.abi_major = ISL_ABI_VERSION_MAJOR;
    ctx.abi_minor = ISL_ABI_VERSION_MINOR;
    ctx.flags = kInlineFlags;
    ctx.n_slots = ISL_CONTEXT_N_SLOTS;
    ctx._runtime = rt;
    // Singletons, builtin types and exceptions are immortal statics on 3.12+,
    // identical in every interpreter: no reference is held.
#define ISL_FILL_CONSTANT(slot, field, object) ctx.field = H(object);
    ISL_FOR_EACH_CONSTANT(ISL_FILL_CONSTANT)
#undef ISL_FILL_CONSTANT
#define ISL_FILL_FUNCTION(slot, field, impl_name) ctx.field = &impl::impl_name;
    ISL_FOR_EACH_FUNCTION(ISL_FILL_FUNCTION)
#undef ISL_FILL_FUNCTION
    rt->interp = PyInterpreterState_Get();
    rt->refs = 1;
    return rt;
}

void Runtime::decref() {
    if (--refs == 0) delete this;
}

BackendState *current_backend() {
    PyObject *backend = PyImport_ImportModule(ISL_BACKEND_MODULE);
    if (!backend) return nullptr;
    auto *st = static_cast<BackendState *>(PyModule_GetState(backend));
    Py_DECREF(backend);  // sys.modules keeps it
    if ((!st || !st->rt) && !PyErr_Occurred())
        PyErr_SetString(PyExc_ImportError, ISL_BACKEND_MODULE " is not initialized in this interpreter");
    return st && st->rt ? st : nullptr;
}

BackendState *imported_backend() {
    PyObject *name = PyUnicode_FromString(ISL_BACKEND_MODULE);
    PyObject *backend = name ? PyImport_GetModule(name) : nullptr;
    Py_XDECREF(name);
    auto *st = backend ? static_cast<BackendState *>(PyModule_GetState(backend)) : nullptr;
    Py_XDECREF(backend);  // sys.modules keeps it
    PyErr_Clear();
    return st && st->rt ? st : nullptr;
}

}  // namespace isles::internal

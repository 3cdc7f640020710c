// isles._backend_cpXY: the runtime module of one CPython version. Each
// interpreter that imports it gets its own Runtime (and so its own context);
// extensions find it through the `_api` capsule.
#include "backend.h"

namespace isles::internal {
namespace {

const _IslBackendApi backend_api = {
    ISL_ABI_VERSION_MAJOR,
    ISL_ABI_VERSION_MINOR,
    "isles._backend_" ISL_STR(ISL_BACKEND_TAG),
    module_init,
};

Runtime **state_of(PyObject *module) { return static_cast<Runtime **>(PyModule_GetState(module)); }

PyObject *context_id(PyObject *module, PyObject *) {
    Runtime *rt = *state_of(module);
    return PyLong_FromVoidPtr(rt ? &rt->ctx : nullptr);
}

int exec_backend(PyObject *module) {
    Runtime *rt = Runtime::create();
    if (!rt) return -1;
    *state_of(module) = rt;
    PyObject *capsule = PyCapsule_New(const_cast<_IslBackendApi *>(&backend_api), ISL_BACKEND_MODULE "._api", nullptr);
    if (module_add(module, "_api", capsule) < 0) return -1;
    if (module_add(module, "abi_version", Py_BuildValue("(ii)", ISL_ABI_VERSION_MAJOR, ISL_ABI_VERSION_MINOR)) < 0)
        return -1;
    return 0;
}

void free_backend(void *module) {
    Runtime **slot = state_of(static_cast<PyObject *>(module));
    if (slot && *slot) {
        (*slot)->decref();
        *slot = nullptr;
    }
}

PyMethodDef backend_methods[] = {
    {"run_isolated", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(run_isolated)),
     METH_FASTCALL | METH_KEYWORDS,
     "run_isolated(code, /, *, own_gil=True) -> str | None\n--\n\n"
     "Run `code` in a new sub-interpreter (own GIL and obmalloc, strict extension checks by default) on\n"
     "the calling thread, then destroy it. Returns __main__.__isles_result__ if the code sets it to a str.\n"
     "An exception inside raises RuntimeError carrying the remote traceback text."},
    {"context_id", context_id, METH_NOARGS, "Address of this interpreter's isles context (for tests)."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef_Slot backend_slots[] = {
    {Py_mod_exec, reinterpret_cast<void *>(exec_backend)},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {0, nullptr},
};

PyModuleDef backend_def = {
    PyModuleDef_HEAD_INIT, "isles._backend_" ISL_STR(ISL_BACKEND_TAG),
    "The isles runtime for this CPython: per-interpreter contexts and the universal loader.",
    sizeof(Runtime *), backend_methods, backend_slots, nullptr, nullptr, free_backend,
};

}  // namespace
}  // namespace isles::internal

#define ISL_PYINIT2(tag) PyInit__backend_##tag
#define ISL_PYINIT(tag) ISL_PYINIT2(tag)
PyMODINIT_FUNC ISL_PYINIT(ISL_BACKEND_TAG)(void) { return PyModuleDef_Init(&isles::internal::backend_def); }

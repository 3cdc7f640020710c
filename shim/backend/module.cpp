// isles._backend_cpXY: the runtime module of one CPython version. Each
// interpreter that imports it gets its own Runtime (and so its own context);
// extensions find it through the `_api` capsule.
#include <string>

#include "backend.h"

namespace isles::internal {
namespace {

BackendState *state_of(PyObject *module) { return static_cast<BackendState *>(PyModule_GetState(module)); }

PyObject *context_id(PyObject *module, PyObject *) {
    Runtime *rt = state_of(module)->rt;
    return PyLong_FromVoidPtr(rt ? &rt->ctx : nullptr);
}

// Every Python object the state holds, for traverse and clear.
template <class F>
void for_each_object(BackendState *st, F &&f) {
    for (PyTypeObject **t : {&st->queue_type, &st->send_type, &st->recv_type, &st->buffer_type}) {
        PyObject *o = reinterpret_cast<PyObject *>(*t);
        f(o);
        *t = reinterpret_cast<PyTypeObject *>(o);
    }
    for (PyObject **p : {&st->InterpreterError, &st->InterpreterNotFoundError, &st->NotShareableError,
                         &st->QueueError, &st->QueueNotFoundError, &st->QueueEmpty, &st->QueueFull,
                         &st->ChannelError, &st->ChannelNotFoundError, &st->ChannelClosedError, &st->ChannelEmptyError, &st->ChannelNotEmptyError, &st->pickle,
                         &st->unbound_markers[0], &st->unbound_markers[1], &st->queue_objects})
        f(*p);
}

int traverse_backend(PyObject *module, visitproc visit, void *arg) {
    BackendState *st = state_of(module);
    int r = 0;
    if (st)
        for_each_object(st, [&](PyObject *&o) {
            if (!r && o) r = visit(o, arg);
        });
    return r;
}

int clear_backend(PyObject *module) {
    BackendState *st = state_of(module);
    if (st) for_each_object(st, [](PyObject *&o) { Py_CLEAR(o); });
    return 0;
}

// CPython's own class for the same failure, where this CPython has one
// (3.13+'s _interpreters), or nullptr. isles's
// classes derive from them, so code written against the stdlib's modules
// catches isles's failures too.
PyObject *stdlib_peer(const char *module, const char *name) {
    PyObject *mod = PyImport_ImportModule(module);
    PyObject *cls = mod ? PyObject_GetAttrString(mod, name) : nullptr;
    Py_XDECREF(mod);
    if (!cls) PyErr_Clear();
    return cls;
}

// Creates isles.interpreters.<name>, deriving from `base` and from the
// stdlib's peer <peer_module>.<name> when there is one, and adds it.
int add_exception(PyObject *module, PyObject **slot, const char *name, PyObject *base, const char *doc,
                  const char *peer_module = nullptr) {
    std::string qualified = std::string("isles.interpreters.") + name;
    PyObject *peer = peer_module ? stdlib_peer(peer_module, name) : nullptr;
    PyObject *bases = !peer ? Py_NewRef(base)
                            : PyObject_IsSubclass(peer, base) == 1 ? PyTuple_Pack(1, peer)
                                                                     : PyTuple_Pack(2, base, peer);
    PyErr_Clear();
    Py_XDECREF(peer);
    *slot = bases ? PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr) : nullptr;
    Py_XDECREF(bases);
    return *slot ? PyModule_AddObjectRef(module, name, *slot) : -1;
}

int add_exceptions(PyObject *module, BackendState *st) {
    // QueueEmpty and QueueFull derive from queue.Empty/queue.Full, and
    // importing `queue` imports heapq: they are made on first use (see
    // queue_exception) so that importing isles never pins CPython's _heapq
    // before build/ports can be put first on sys.path.
    // Only _interpreters (3.13+; 3.12 would search sys.path for it in vain):
    // the peers of the other classes would cost every interpreter two more
    // imports (0.3-0.6 ms each on 3.14).
    const char *interps = PY_VERSION_HEX >= 0x030D0000 ? "_interpreters" : nullptr;
    const char *queues = nullptr, *channels = nullptr;
    if (add_exception(module, &st->InterpreterError, "InterpreterError", PyExc_Exception,
                      "An interpreter operation failed.", interps) < 0 ||
        add_exception(module, &st->InterpreterNotFoundError, "InterpreterNotFoundError", st->InterpreterError,
                      "The interpreter does not exist (any more).", interps) < 0 ||
        add_exception(module, &st->NotShareableError, "NotShareableError", PyExc_TypeError,
                      "The object cannot cross between interpreters.", interps) < 0 ||
        add_exception(module, &st->QueueError, "QueueError", st->InterpreterError, "A queue operation failed.",
                      queues) < 0 ||
        add_exception(module, &st->QueueNotFoundError, "QueueNotFoundError", st->QueueError,
                      "No queue has this id (any more).", queues) < 0 ||
        add_exception(module, &st->ChannelError, "ChannelError", st->InterpreterError,
                      "A channel operation failed.", channels) < 0 ||
        add_exception(module, &st->ChannelNotFoundError, "ChannelNotFoundError", st->ChannelError,
                      "No channel has this id (any more).", channels) < 0 ||
        add_exception(module, &st->ChannelClosedError, "ChannelClosedError", st->ChannelError,
                      "The channel is closed, or nobody can send on it any more.", channels) < 0 ||
        add_exception(module, &st->ChannelEmptyError, "ChannelEmptyError", st->ChannelError,
                      "Nothing was waiting in the channel.", channels) < 0 ||
        add_exception(module, &st->ChannelNotEmptyError, "ChannelNotEmptyError", st->ChannelError,
                      "The channel still holds values.", channels) < 0)
        return -1;
    return 0;
}

PyObject *queue_exceptions(PyObject *module, PyObject *) {
    BackendState *st = state_of(module);
    PyObject *empty = queue_exception(st, false), *full = empty ? queue_exception(st, true) : nullptr;
    return full ? PyTuple_Pack(2, empty, full) : nullptr;
}

// The backend module this interpreter already runs, if any (new reference).
// The interpreter's dict keeps a weak reference to it: sys.modules may lose
// it (a test harness deleting isles.* entries) while objects still use it.
constexpr const char *kBackendKey = ISL_BACKEND_MODULE;

PyObject *running_backend() {
    PyObject *dict = PyInterpreterState_GetDict(PyInterpreterState_Get());
    PyObject *ref = dict ? PyDict_GetItemString(dict, kBackendKey) : nullptr;  // borrowed
    return ref ? referent(ref) : nullptr;
}

int exec_backend(PyObject *module) {
    BackendState *st = state_of(module);
    if (PyObject *running = running_backend()) {
        // Imported again after leaving sys.modules: a second runtime would
        // have its own types and exceptions, and nothing would cross between
        // the two. The import returns the running one instead (an exec that
        // replaces its entry in sys.modules gives the import that module).
        PyObject *modules = PyImport_GetModuleDict();
        int r = PyDict_SetItemString(modules, ISL_BACKEND_MODULE, running);
        Py_DECREF(running);
        return r;
    }
    if (PyObject *dict = PyInterpreterState_GetDict(PyInterpreterState_Get())) {
        PyObject *ref = PyWeakref_NewRef(module, nullptr);
        int stored = ref ? PyDict_SetItemString(dict, kBackendKey, ref) : -1;
        Py_XDECREF(ref);
        if (stored < 0) return -1;
    }
    Runtime *rt = Runtime::create();
    if (!rt) return -1;
    install_fork_handler();
    st->rt = rt;
    rt->backend = st;
    if (add_exceptions(module, st) < 0 || xi_types_init(module, st) < 0 || queue_types_init(module, st) < 0 ||
        PyModule_AddFunctions(module, interpreter_methods) < 0)
        return -1;
    PyObject *capsule = PyCapsule_New(const_cast<_IslBackendApi *>(&backend_api), ISL_BACKEND_MODULE "._api", nullptr);
    if (module_add(module, "_api", capsule) < 0) return -1;
    if (module_add(module, "abi_version", Py_BuildValue("(ii)", ISL_ABI_VERSION_MAJOR, ISL_ABI_VERSION_MINOR)) < 0)
        return -1;
    return 0;
}

void free_backend(void *module) {
    BackendState *st = state_of(static_cast<PyObject *>(module));
    if (!st) return;
    clear_backend(static_cast<PyObject *>(module));
    if (st->rt) {
        st->rt->backend = nullptr;
        st->rt->decref();
        st->rt = nullptr;
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
    {"_queue_exceptions", queue_exceptions, METH_NOARGS, "(QueueEmpty, QueueFull), made on first use."},
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
    sizeof(BackendState), backend_methods, backend_slots, traverse_backend, clear_backend, free_backend,
};

}  // namespace

PyObject *queue_exception(BackendState *st, bool full) {
    PyObject *&slot = full ? st->QueueFull : st->QueueEmpty;
    if (slot) return slot;
    PyObject *queue = PyImport_ImportModule("queue");
    PyObject *base = queue ? PyObject_GetAttrString(queue, full ? "Full" : "Empty") : nullptr;
    PyObject *bases = base ? PyTuple_Pack(2, st->QueueError, base) : nullptr;
    if (bases)
        slot = PyErr_NewExceptionWithDoc(full ? "isles.interpreters.QueueFull" : "isles.interpreters.QueueEmpty",
                                         full ? "The queue is full (also a queue.Full)."
                                              : "The queue is empty (also a queue.Empty).",
                                         bases, nullptr);
    Py_XDECREF(bases);
    Py_XDECREF(base);
    Py_XDECREF(queue);
    return slot;
}
}  // namespace isles::internal

#define ISL_PYINIT2(tag) PyInit__backend_##tag
#define ISL_PYINIT(tag) ISL_PYINIT2(tag)
PyMODINIT_FUNC ISL_PYINIT(ISL_BACKEND_TAG)(void) { return PyModuleDef_Init(&isles::internal::backend_def); }

// run_isolated: a minimal own-GIL interpreter runner for tests and the demo,
// until isles.interpreters exists. The interpreter lives on the calling
// thread for the duration of the call; the caller's GIL is released meanwhile.
#include <functional>
#include <mutex>
#include <new>
#include <string>

#include "backend.h"
#include "interp_switch.h"
#include "lifecycle.h"

namespace isles::internal {

std::recursive_mutex &lifecycle_lock() {
    // Never destroyed: an embedder may finalize Python after static destructors ran.
    static auto &lock = *new std::recursive_mutex;
    return lock;
}

void lifecycle_after_fork_in_child() { new (&lifecycle_lock()) std::recursive_mutex; }

namespace {

// Runs code in the current (fresh) interpreter. Returns false with `error`
// holding the formatted traceback on failure.
bool run_code(const std::string &code, std::string &result, bool &has_result, std::string &error) {
    PyObject *main = PyImport_AddModule("__main__");  // borrowed
    PyObject *globals = main ? PyModule_GetDict(main) : nullptr;
    PyObject *r = globals ? PyRun_String(code.c_str(), Py_file_input, globals, globals) : nullptr;
    if (r) {
        Py_DECREF(r);
        PyObject *v = PyDict_GetItemString(globals, "__isles_result__");  // borrowed
        if (v && PyUnicode_Check(v)) {
            Py_ssize_t n;
            const char *s = PyUnicode_AsUTF8AndSize(v, &n);
            if (s) {
                result.assign(s, static_cast<size_t>(n));
                has_result = true;
                return true;
            }
        } else {
            return true;
        }
    }
    error = capture_exception().formatted;
    return false;
}

PyObject *threads_already_joined(PyObject *, PyObject *) { Py_RETURN_NONE; }
PyMethodDef threads_already_joined_def = {"_shutdown", threads_already_joined, METH_NOARGS, nullptr};

}  // namespace

// Joins the current interpreter's non-daemon threads (threading._shutdown),
// as Py_EndInterpreter would, but before lifecycle_lock() is taken: a thread
// that creates interpreters itself would otherwise wait for the lock forever.
// Py_EndInterpreter's own call then finds nothing to do; it is replaced by a
// no-op because a second _shutdown() asserts in a 3.12 sub-interpreter and
// runs the threading atexit hooks twice on 3.13.
void join_threads_before_end() {
    PyObject *name = PyUnicode_FromString("threading");
    PyObject *threading = name ? PyImport_GetModule(name) : nullptr;
    PyObject *r = threading ? PyObject_CallMethod(threading, "_shutdown", nullptr) : nullptr;
    PyObject *noop = r ? PyCFunction_New(&threads_already_joined_def, nullptr) : nullptr;
    if (noop) PyObject_SetAttrString(threading, "_shutdown", noop);
    // Whatever failed (the join, making or installing the no-op) is reported
    // here: Py_EndInterpreter must not start with an error set.
    if (PyErr_Occurred()) PyErr_WriteUnraisable(threading);
    Py_XDECREF(noop);
    Py_XDECREF(r);
    Py_XDECREF(threading);
    Py_XDECREF(name);
}


PyThreadState *new_interpreter(bool own_gil, const std::function<void()> &setup) {
    PyInterpreterConfig config = {};
    config.use_main_obmalloc = !own_gil;
    // Legacy ones too: a child forked from any interpreter but the main one
    // aborts in CPython's PyOS_AfterFork_Child ("not main interpreter").
    config.allow_fork = 0;
    config.allow_exec = !own_gil;
    config.allow_threads = 1;
    config.allow_daemon_threads = !own_gil;
    config.check_multi_interp_extensions = own_gil;
    config.gil = own_gil ? PyInterpreterConfig_OWN_GIL : PyInterpreterConfig_SHARED_GIL;
#if PY_VERSION_HEX >= 0x030D0000
    // 3.13 aborts the process (Py_FatalError) when an audit hook refuses
    // cpython.PyInterpreterState_New during creation: ask the hooks first.
    if (PySys_Audit("cpython.PyInterpreterState_New", nullptr) < 0) return nullptr;
#endif
    PyThreadState *caller = PyThreadState_Get();
    PyThreadState *sub = nullptr;
    PyStatus status;
    {
        LifecycleGuard guard;
        status = Py_NewInterpreterFromConfig(&sub, &config);
        if (!PyStatus_Exception(status) && sub && setup) setup();
    }
    // 3.12 also fails with an OK status and no thread state (an audit hook
    // refusing cpython.PyInterpreterState_New): that exception stays set.
    if (PyStatus_Exception(status) || !sub) {
        if (current_tstate_or_null() != caller) PyThreadState_Swap(caller);  // CPython usually restored it
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_RuntimeError, "could not create an interpreter: %s",
                         PyStatus_Exception(status) && status.err_msg ? status.err_msg : "unknown error");
        return nullptr;
    }
    return sub;
}

PyObject *run_isolated(PyObject *, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    static const char *const kws[] = {"", "own_gil", nullptr};
    PyObject *code_obj = nullptr;
    int own_gil = 1;
    if (nargs != 1 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "run_isolated() takes one str argument: the code to run");
        return nullptr;
    }
    code_obj = args[0];
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); ++k) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        if (!PyUnicode_Check(key) || PyUnicode_CompareWithASCIIString(key, kws[1]) != 0) {
            PyErr_Format(PyExc_TypeError, "run_isolated() got an unexpected keyword argument '%U'", key);
            return nullptr;
        }
        own_gil = PyObject_IsTrue(args[nargs + k]);
        if (own_gil < 0) return nullptr;
    }
    const char *code_utf8 = PyUnicode_AsUTF8(code_obj);
    if (!code_utf8) return nullptr;
    std::string code(code_utf8), result, error;
    bool has_result = false, ok = false;

    PyThreadState *caller = PyThreadState_Get();
    PyThreadState *sub = new_interpreter(own_gil, nullptr);
    if (!sub) return nullptr;
    ok = run_code(code, result, has_result, error);  // holds only the new interpreter's GIL
    join_threads_before_end();
    {
        LifecycleGuard guard;
        Py_EndInterpreter(sub);
    }
    PyThreadState_Swap(caller);
    if (!ok) {
        PyErr_Format(PyExc_RuntimeError, "the code raised in the isolated interpreter:\n%s", error.c_str());
        return nullptr;
    }
    if (has_result) return PyUnicode_FromStringAndSize(result.data(), static_cast<Py_ssize_t>(result.size()));
    Py_RETURN_NONE;
}

}  // namespace isles::internal

// The interpreter half of isles.interpreters: creating, running code in,
// and closing interpreters. The registry is C++ data outside every
// interpreter; each operation switches the calling thread into the target
// interpreter (taking its GIL, releasing the caller's) and back.
#include <pthread.h>

#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "backend.h"
#include "marshal.h"
#include "interp_switch.h"
#include "lifecycle.h"

extern "C" {  // runtime_state.c
void isl_runtime_unlist(PyInterpreterState *interp);
int isl_mark_running_main(PyInterpreterState *interp);
void isl_unmark_running_main(PyInterpreterState *interp);
int isl_is_running_main(PyInterpreterState *interp);
}

namespace isles::internal {
namespace {

// One interpreter created by isles.
// Guarded by registry_lock.
struct Entry {
    PyInterpreterState *interp;
    // The thread state Py_NewInterpreterFromConfig made, bound to the
    // creating OS thread and reused by calls from that thread. It is never
    // deleted before the interpreter ends: deleting an interpreter's
    // initial thread state breaks later ones on 3.12.1 and leaks on 3.13.0.
    PyThreadState *initial;
    unsigned long creator;
    bool initial_busy = false;
    int running = 0;        // isles calls executing in it: nested ones of `runner`
    unsigned long runner = 0;  // the OS thread running it, while running
    bool closing = false;
};

std::mutex registry_lock;
std::map<int64_t, Entry> registry;

const char *whence_of(int64_t id, PyInterpreterState *interp) {
    if (interp == PyInterpreterState_Main()) return "runtime init";
    std::lock_guard<std::mutex> guard(registry_lock);
    return registry.count(id) ? "isles" : "unknown";
}

// The interpreter with `id`, or nullptr with InterpreterNotFoundError set.
PyInterpreterState *find_interp(BackendState *st, int64_t id) {
    {
        std::lock_guard<std::mutex> guard(registry_lock);
        auto it = registry.find(id);
        if (it != registry.end() && !it->second.closing) return it->second.interp;
        if (it != registry.end()) {
            PyErr_Format(st->InterpreterNotFoundError, "interpreter %lld is being closed", static_cast<long long>(id));
            return nullptr;
        }
    }
    if (id == PyInterpreterState_GetID(PyInterpreterState_Main())) return PyInterpreterState_Main();
    // Not ours: walk CPython's list (isles' own creations and closings are
    // serialized with this; other creators' are not, see docs/interpreters.md).
    PyInterpreterState *found = nullptr;
    {
        LifecycleGuard guard;
        for (PyInterpreterState *i = PyInterpreterState_Head(); i; i = PyInterpreterState_Next(i))
            if (PyInterpreterState_GetID(i) == id) found = i;
    }
    if (!found) PyErr_Format(st->InterpreterNotFoundError, "no interpreter with id %lld", static_cast<long long>(id));
    return found;
}

int64_t id_arg(PyObject *arg) {
    int64_t id = PyLong_AsLongLong(arg);
    if (id == -1 && PyErr_Occurred()) return -1;
    if (id < 0) {
        PyErr_SetString(PyExc_ValueError, "interpreter ids are non-negative");
        return -1;
    }
    return id;
}

PyObject *excinfo_tuple(const ExcInfo &e) {
    return Py_BuildValue("(sssss)", e.type_name.c_str(), e.qualname.c_str(), e.module.c_str(), e.msg.c_str(),
                         e.formatted.c_str());
}

// True when the current interpreter's sys.path already is `path`.
bool same_path(const std::vector<std::string> &path) {
    PyObject *cur = PySys_GetObject("path");  // borrowed
    if (!cur || !PyList_Check(cur) || static_cast<size_t>(PyList_GET_SIZE(cur)) != path.size()) return false;
    for (size_t i = 0; i < path.size(); ++i) {
        PyObject *item = PyList_GET_ITEM(cur, static_cast<Py_ssize_t>(i));
        if (!PyUnicode_Check(item) || PyUnicode_CompareWithASCIIString(item, path[i].c_str()) != 0) return false;
    }
    return true;
}

PyObject *main_dict() {
    PyObject *main = PyImport_AddModule("__main__");  // borrowed
    return main ? PyModule_GetDict(main) : nullptr;   // borrowed
}

// ---- module functions

PyObject *interp_create(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    int own_gil = 1;
    if (nargs > 0) {
        PyErr_SetString(PyExc_TypeError, "create() takes only keyword arguments");
        return nullptr;
    }
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); ++k) {
        if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, k), "own_gil") != 0) {
            PyErr_Format(PyExc_TypeError, "create() got an unexpected keyword argument '%U'",
                         PyTuple_GET_ITEM(kwnames, k));
            return nullptr;
        }
        if ((own_gil = PyObject_IsTrue(args[k])) < 0) return nullptr;
    }
    // The new interpreter starts with the creator's sys.path, so what the
    // creator can import (isles included) the new one can too.
    std::vector<std::string> path;
    PyObject *sys_path = PySys_GetObject("path");  // borrowed
    for (Py_ssize_t i = 0; sys_path && PyList_Check(sys_path) && i < PyList_GET_SIZE(sys_path); ++i) {
        const char *p = PyUnicode_Check(PyList_GET_ITEM(sys_path, i)) ? PyUnicode_AsUTF8(PyList_GET_ITEM(sys_path, i))
                                                                       : nullptr;
        if (p) path.emplace_back(p);
        PyErr_Clear();
    }
    PyThreadState *caller = PyThreadState_Get();
    int64_t id = -1;
    PyThreadState *ts = new_interpreter(own_gil, [&] {
        if (!same_path(path)) {  // touching sys.path costs memory CPython never returns
            PyObject *list = PyList_New(0);
            for (const std::string &p : path) {
                PyObject *item = list ? PyUnicode_FromString(p.c_str()) : nullptr;
                if (!item || PyList_Append(list, item) < 0) Py_CLEAR(list);
                Py_XDECREF(item);
            }
            if (!list || PySys_SetObject("path", list) < 0) PyErr_Clear();  // keep the default path
            Py_XDECREF(list);
        }
        PyInterpreterState *interp = PyInterpreterState_Get();
        id = PyInterpreterState_GetID(interp);
        std::lock_guard<std::mutex> reg(registry_lock);
        registry[id] = Entry{interp, PyThreadState_Get(), PyThread_get_thread_ident()};
    });
    if (!ts) {
        PyObject *cause = PyErr_GetRaisedException();
        PyErr_Format(st->InterpreterError, "%S", cause);
        PyObject *exc = PyErr_GetRaisedException();
        PyException_SetCause(exc, cause);  // steals cause
        PyErr_SetRaisedException(exc);
        return nullptr;
    }
    PyEval_SaveThread();  // the new interpreter's thread state idles until a call from this thread reuses it
    PyEval_RestoreThread(caller);
    return PyLong_FromLongLong(id);
}

PyObject *interp_close(PyObject *module, PyObject *arg) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    int64_t id = id_arg(arg);
    if (id < 0) return nullptr;
    if (id == current_interp_id()) {
        PyErr_SetString(st->InterpreterError, "an interpreter cannot close itself");
        return nullptr;
    }
    PyInterpreterState *interp = nullptr;
    PyThreadState *initial = nullptr;
    bool on_creator = false;
    {
        std::lock_guard<std::mutex> guard(registry_lock);
        auto it = registry.find(id);
        if (it == registry.end()) {
            bool main = PyInterpreterState_GetID(PyInterpreterState_Main()) == id;
            PyErr_Format(main ? st->InterpreterError : st->InterpreterNotFoundError,
                         main ? "the main interpreter cannot be closed"
                              : "interpreter %lld does not exist or was not created by isles",
                         static_cast<long long>(id));
            return nullptr;
        }
        if (it->second.closing) {
            PyErr_Format(st->InterpreterNotFoundError, "interpreter %lld is already being closed",
                         static_cast<long long>(id));
            return nullptr;
        }
        if (it->second.running || isl_is_running_main(it->second.interp)) {
            PyErr_Format(st->InterpreterError, "interpreter %lld is running; it can be closed once it is idle",
                         static_cast<long long>(id));
            return nullptr;
        }
        it->second.closing = true;
        interp = it->second.interp;
        initial = it->second.initial;
        on_creator = it->second.initial && it->second.creator == PyThread_get_thread_ident();
    }
    std::string refused;
    PyThreadState *caller = PyEval_SaveThread();
    // Py_EndInterpreter needs a thread state of this OS thread, and the
    // only one left: the initial one, or a new one replacing it.
    PyThreadState *ts = on_creator ? initial : PyThreadState_New(interp);
    PyEval_RestoreThread(ts);
    BackendState *target = imported_backend();  // none: it never lent a buffer
    if (target && !detach_buffers_of(target, id, true)) {  // refuse before changing anything
        PyObject *exc = PyErr_GetRaisedException();
        refused = str_of(exc);
        Py_XDECREF(exc);
    }
    if (refused.empty() && !on_creator) {
        // The initial thread state holds the lock threading._shutdown() waits
        // for when it is not called from the thread that created it.
        PyThreadState_Clear(initial);
        PyThreadState_Delete(initial);
        initial = nullptr;
    }
    // Its non-daemon threads are joined before the lifecycle lock is taken:
    // they may themselves create or close interpreters.
    if (refused.empty()) join_threads_before_end();
    // Buffers this interpreter lent that nobody has received yet are
    // copied; lent memory still in use elsewhere keeps it alive.
    if (refused.empty() && target && !detach_buffers_of(target, id, false)) {
        PyObject *exc = PyErr_GetRaisedException();
        refused = str_of(exc);
        Py_XDECREF(exc);
    }
    if (!refused.empty()) {
        if (on_creator) {
            PyEval_SaveThread();
        } else {
            PyThreadState_Clear(ts);
            PyThreadState_DeleteCurrent();
        }
    } else {
        buffers_exporter_ending(id);
        LifecycleGuard guard;
        Py_EndInterpreter(ts);
    }
    PyEval_RestoreThread(caller);
    {
        std::lock_guard<std::mutex> guard(registry_lock);
        if (!refused.empty()) {
            Entry &e = registry[id];
            e.closing = false;
            if (!initial) e.initial = nullptr;  // deleted above: later calls make their own
            PyErr_SetString(st->InterpreterError, refused.c_str());
            return nullptr;
        }
        registry.erase(id);
    }
    queues_unbind_owner(id);  // its items still waiting follow their rules
    Py_RETURN_NONE;
}

// interp_close_at_exit(id) -> None once closed; else the reason close()
// refused, and the interpreter is abandoned: off the registry and CPython's
// list, its lent memory never released, it lasts until the process ends.
PyObject *interp_close_at_exit(PyObject *module, PyObject *arg) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    PyObject *closed = interp_close(module, arg);
    if (closed || PyErr_ExceptionMatches(st->InterpreterNotFoundError) ||
        !PyErr_ExceptionMatches(st->InterpreterError))
        return closed;
    PyObject *exc = PyErr_GetRaisedException();
    std::string why = str_of(exc);
    Py_DECREF(exc);
    int64_t id = id_arg(arg);
    PyInterpreterState *interp = nullptr;
    {
        std::lock_guard<std::mutex> guard(registry_lock);
        auto it = registry.find(id);
        if (it == registry.end()) Py_RETURN_NONE;
        interp = it->second.interp;
        registry.erase(it);
    }
    orphan_buffers_of(id);
    {
        LifecycleGuard guard;
        isl_runtime_unlist(interp);
    }
    return PyUnicode_FromString(why.c_str());
}

PyObject *interp_list(PyObject *, PyObject *) {
    std::vector<std::pair<int64_t, PyInterpreterState *>> all;
    {
        LifecycleGuard guard;
        for (PyInterpreterState *i = PyInterpreterState_Head(); i; i = PyInterpreterState_Next(i))
            all.emplace_back(PyInterpreterState_GetID(i), i);
    }
    PyObject *out = PyList_New(0);
    for (auto it = all.rbegin(); out && it != all.rend(); ++it) {  // oldest first
        std::pair<int64_t, PyInterpreterState *> &p = *it;
        {
            std::lock_guard<std::mutex> guard(registry_lock);
            auto e = registry.find(p.first);
            if (e != registry.end() && e->second.closing) continue;
        }
        PyObject *item = Py_BuildValue("(Ls)", static_cast<long long>(p.first), whence_of(p.first, p.second));
        if (!item || PyList_Append(out, item) < 0) Py_CLEAR(out);
        Py_XDECREF(item);
    }
    return out;
}

PyObject *interp_current(PyObject *, PyObject *) {
    PyInterpreterState *i = PyInterpreterState_Get();
    int64_t id = PyInterpreterState_GetID(i);
    return Py_BuildValue("(Ls)", static_cast<long long>(id), whence_of(id, i));
}

PyObject *interp_main(PyObject *, PyObject *) {
    return PyLong_FromLongLong(PyInterpreterState_GetID(PyInterpreterState_Main()));
}

PyObject *interp_is_running(PyObject *module, PyObject *arg) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    int64_t id = id_arg(arg);
    if (id < 0) return nullptr;
    // Running means running __main__ code (isles's exec or call, or another
    // module's that CPython marks), not merely having threads, as in 3.14.
    {
        std::lock_guard<std::mutex> guard(registry_lock);
        auto it = registry.find(id);
        if (it != registry.end())
            return PyBool_FromLong(it->second.running > 0 || isl_is_running_main(it->second.interp));
    }
    PyInterpreterState *interp = find_interp(st, id);
    if (!interp) return nullptr;
    // The main interpreter runs the program; another creator's, as CPython marks them.
    return PyBool_FromLong(interp == PyInterpreterState_Main() || isl_is_running_main(interp));
}

// Calls that hop between interpreters nest on one C stack, but each hop
// enters its interpreter on a thread state whose recursion count starts at
// zero, so neither interpreter's limit sees the chain. The hops of each OS
// thread are counted here instead: at most the caller's recursion limit, and
// never once less than a quarter of the thread's stack is left.
thread_local int hops_on_this_thread = 0;

// The lowest usable address of this thread's stack, or nullptr if unknown.
char *stack_floor() {
    thread_local char *floor = [] {
        char *low = nullptr;
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            void *addr = nullptr;
            size_t size = 0;
            if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr)
                low = static_cast<char *>(addr) + size / 4;
            pthread_attr_destroy(&attr);
        }
        return low;
    }();
    return floor;
}

class HopGuard {
  public:
    HopGuard() {
        char here;
        char *floor = stack_floor();
        if (hops_on_this_thread >= Py_GetRecursionLimit() || (floor && &here < floor)) {
            PyErr_Format(PyExc_RecursionError,
                         "maximum recursion depth exceeded in calls between interpreters (%d nested on this thread)",
                         hops_on_this_thread);
            return;
        }
        entered_ = true;
        ++hops_on_this_thread;
    }
    ~HopGuard() {
        if (entered_) --hops_on_this_thread;
    }
    explicit operator bool() const { return entered_; }
    HopGuard(const HopGuard &) = delete;
    HopGuard &operator=(const HopGuard &) = delete;

  private:
    bool entered_ = false;
};

// Runs `body` (returning false on a Python error, GIL held) in interpreter
// `id` and converts a failure into an ExcInfo. The caller's GIL is
// released meanwhile. One OS thread at a time runs an isles interpreter, as
// in Python 3.14 (its calls may nest: a call that comes back into it), and
// the outermost run carries CPython's "running __main__" mark, so that
// CPython's own modules see it running and isles sees their runs.
template <class Body>
bool run_in(BackendState *st, int64_t id, ExcInfo *failure, Body &&body) {
    HopGuard hop;
    if (!hop) return false;
    PyInterpreterState *interp = nullptr;
    PyThreadState *reuse = nullptr;
    bool ours = false, outer = false;
    unsigned long me = PyThread_get_thread_ident();
    {
        // Looking up and marking it running is one step, so close() either
        // sees the mark or this call sees `closing`.
        std::lock_guard<std::mutex> guard(registry_lock);
        auto it = registry.find(id);
        if (it != registry.end() && !it->second.closing) {
            Entry &e = it->second;
            if (e.running && e.runner != me) {
                PyErr_Format(st->InterpreterError, "interpreter %lld is already running in another thread",
                             static_cast<long long>(id));
                return false;
            }
            outer = e.running++ == 0;
            e.runner = me;
            interp = e.interp;
            ours = true;
            if (e.initial && e.creator == me && !e.initial_busy) {
                e.initial_busy = true;
                reuse = e.initial;
            }
        }
    }
    if (!interp && !(interp = find_interp(st, id))) return false;
    bool busy = false;
    run_in_interpreter(
        interp, [&] {
            if (outer && isl_mark_running_main(interp) < 0) {
                busy = true;
                return;
            }
            if (!body()) *failure = capture_exception();
            if (outer) isl_unmark_running_main(interp);
        },
        reuse);
    if (ours) {
        std::lock_guard<std::mutex> guard(registry_lock);
        Entry &e = registry[id];
        --e.running;
        if (reuse) e.initial_busy = false;
    }
    if (busy) {
        PyErr_Format(st->InterpreterError, "interpreter %lld is already running", static_cast<long long>(id));
        return false;
    }
    return true;
}

// exec(id, code) -> None, or the excinfo tuple of the exception it raised.
// `code` is source text, or bytes holding a marshalled code object.
PyObject *interp_exec(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    if (nargs != 2 || !(PyUnicode_Check(args[1]) || PyBytes_Check(args[1]))) {
        PyErr_SetString(PyExc_TypeError, "exec() takes an interpreter id and the code: a str or marshalled bytes");
        return nullptr;
    }
    int64_t id = id_arg(args[0]);
    if (id < 0) return nullptr;
    bool source = PyUnicode_Check(args[1]);
    std::string code;
    if (source) {
        Py_ssize_t n;
        const char *c = PyUnicode_AsUTF8AndSize(args[1], &n);
        if (!c) return nullptr;
        if (std::strlen(c) != static_cast<size_t>(n)) {  // PyRun_String would stop at the NUL
            PyErr_SetString(PyExc_SyntaxError, "source code string cannot contain null bytes");
            return nullptr;
        }
        code.assign(c, static_cast<size_t>(n));
    } else {
        code.assign(PyBytes_AS_STRING(args[1]), static_cast<size_t>(PyBytes_GET_SIZE(args[1])));
    }
    ExcInfo failure;
    bool failed = false;
    bool ran = run_in(st, id, &failure, [&] {
        PyObject *d = main_dict();
        PyObject *r = nullptr;
        if (d && source) {
            r = PyRun_String(code.c_str(), Py_file_input, d, d);
        } else if (d) {
            PyObject *co = PyMarshal_ReadObjectFromString(code.data(), static_cast<Py_ssize_t>(code.size()));
            if (co && !PyCode_Check(co)) PyErr_SetString(PyExc_TypeError, "exec() bytes must hold a code object");
            r = co && PyCode_Check(co) ? PyEval_EvalCode(co, d, d) : nullptr;
            Py_XDECREF(co);
        }
        Py_XDECREF(r);
        failed = r == nullptr;
        return r != nullptr;
    });
    if (!ran) return nullptr;
    if (failed) return excinfo_tuple(failure);
    Py_RETURN_NONE;
}

// call(id, payload, args, kwargs) -> (True, result) or (False, excinfo):
// runs isles._calls.run_call(payload, args, kwargs) in the
// interpreter. Arguments and result cross as data, pickled when they are
// not shareable.
PyObject *interp_call(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    if (nargs != 4 || !PyBytes_Check(args[1]) || !PyTuple_Check(args[2]) || !PyDict_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "call() takes an interpreter id, a bytes payload, a tuple and a dict");
        return nullptr;
    }
    int64_t id = id_arg(args[0]);
    if (id < 0) return nullptr;
    std::string payload(PyBytes_AS_STRING(args[1]), static_cast<size_t>(PyBytes_GET_SIZE(args[1])));
    xi::Value call_args, kw_names, kw_values;
    PyObject *names = PyDict_Keys(args[3]);
    PyObject *values = names ? PyDict_Values(args[3]) : nullptr;
    PyObject *names_t = values ? PyList_AsTuple(names) : nullptr;
    PyObject *values_t = names_t ? PyList_AsTuple(values) : nullptr;
    bool converted = values_t && to_value(st, args[2], call_args, true) && to_value(st, names_t, kw_names, false) &&
                     to_value(st, values_t, kw_values, true);
    for (PyObject *o : {names, values, names_t, values_t}) Py_XDECREF(o);
    if (!converted) return nullptr;
    ExcInfo failure;
    xi::Value result;
    bool failed = false;
    std::string unshareable;  // arguments or result that could not cross: NotShareableError, as in 3.14
    auto not_shareable = [&](const char *what) {
        PyObject *exc = PyErr_GetRaisedException();
        unshareable = std::string("call(): ") + what + ": " + str_of(exc);
        Py_XDECREF(exc);
        return true;
    };
    bool ran = run_in(st, id, &failure, [&] {
        BackendState *here = current_backend();
        PyObject *mod = here ? PyImport_ImportModule("isles._calls") : nullptr;
        PyObject *data = mod ? PyBytes_FromStringAndSize(payload.data(), static_cast<Py_ssize_t>(payload.size()))
                             : nullptr;
        if (!data) return false;
        PyObject *a = from_value(here, std::move(call_args));
        PyObject *kn = a ? from_value(here, std::move(kw_names)) : nullptr;
        PyObject *kv = kn ? from_value(here, std::move(kw_values)) : nullptr;
        if (!kv) {
            for (PyObject *o : {kn, a, data, mod}) Py_XDECREF(o);
            return not_shareable("the arguments cannot be rebuilt in the interpreter");
        }
        PyObject *kw = PyDict_New();
        for (Py_ssize_t i = 0; kw && i < PyTuple_GET_SIZE(kn); ++i)
            if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kn, i), PyTuple_GET_ITEM(kv, i)) < 0) Py_CLEAR(kw);
        PyObject *r = kw ? PyObject_CallMethod(mod, "run_call", "OOO", data, a, kw) : nullptr;
        bool ok = r && to_value(here, r, result, true);
        if (r && !ok) not_shareable("the result cannot cross back");
        for (PyObject *o : {r, kw, kv, kn, a, data, mod}) Py_XDECREF(o);
        failed = !ok && unshareable.empty();
        return ok || !unshareable.empty();
    });
    if (!ran) return nullptr;
    if (!unshareable.empty()) {
        PyErr_SetString(st->NotShareableError, unshareable.c_str());
        return nullptr;
    }
    if (failed) return Py_BuildValue("(ON)", Py_False, excinfo_tuple(failure));
    PyObject *value = from_value(st, std::move(result));
    return value ? Py_BuildValue("(ON)", Py_True, value) : nullptr;
}

// set_main(id, dict): binds shareable values in the interpreter's __main__.
PyObject *interp_set_main(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    if (nargs != 2 || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "set_main() takes an interpreter id and a dict");
        return nullptr;
    }
    int64_t id = id_arg(args[0]);
    if (id < 0) return nullptr;
    std::vector<std::pair<std::string, xi::Value>> items;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(args[1], &pos, &key, &value)) {
        Py_ssize_t klen = 0;
        const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8AndSize(key, &klen) : nullptr;
        if (!k) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "prepare_main() names must be str");
            return nullptr;
        }
        if (std::strlen(k) != static_cast<size_t>(klen)) {  // the name would be cut at the NUL
            PyErr_Format(PyExc_ValueError, "prepare_main() names cannot contain null characters: %R", key);
            return nullptr;
        }
        items.emplace_back(k, xi::Value{});
        if (!to_value(st, value, items.back().second, false)) {
            PyObject *cause = PyErr_GetRaisedException();
            PyErr_Format(st->NotShareableError, "prepare_main(): %s: %S", k, cause);
            Py_XDECREF(cause);
            return nullptr;
        }
    }
    ExcInfo failure;
    bool failed = false;
    bool ran = run_in(st, id, &failure, [&] {
        BackendState *here = current_backend();
        PyObject *d = here ? main_dict() : nullptr;
        for (auto &kv : items) {
            PyObject *v = d ? from_value(here, std::move(kv.second)) : nullptr;
            if (!v || PyDict_SetItemString(d, kv.first.c_str(), v) < 0) {
                Py_XDECREF(v);
                failed = true;
                return false;
            }
            Py_DECREF(v);
        }
        return true;
    });
    if (!ran) return nullptr;
    if (failed) {
        PyErr_Format(st->InterpreterError, "prepare_main() failed in interpreter %lld: %s",
                     static_cast<long long>(id), failure.formatted.c_str());
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyObject *is_shareable(PyObject *module, PyObject *obj) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    xi::Value v;
    if (to_value(st, obj, v, false)) Py_RETURN_TRUE;
    if (!PyErr_ExceptionMatches(st->NotShareableError)) return nullptr;
    PyErr_Clear();
    Py_RETURN_FALSE;
}

}  // namespace

bool interp_closing(int64_t id) {
    std::lock_guard<std::mutex> guard(registry_lock);
    auto it = registry.find(id);
    return it != registry.end() && it->second.closing;
}

std::string str_of(PyObject *o) {
    PyObject *s = o ? PyObject_Str(o) : nullptr;
    const char *c = s ? PyUnicode_AsUTF8(s) : nullptr;
    std::string r = c ? c : "<unprintable>";
    Py_XDECREF(s);
    PyErr_Clear();
    return r;
}

namespace {
// str(getattr(o, name)), "<unprintable>" if either fails; leaves no error set.
std::string attr_str(PyObject *o, const char *name) {
    PyObject *v = PyObject_GetAttrString(o, name);
    std::string r = str_of(v);  // clears a failed lookup's error too
    Py_XDECREF(v);
    return r;
}

// Bounds a traceback text whose chain of nested calls made it huge: its
// first and last lines stay, whole lines between them go.
void cut_middle_lines(std::string *text) {
    constexpr size_t limit = 64 * 1024, head = 8 * 1024;
    if (text->size() <= limit) return;
    size_t head_end = text->find('\n', head);
    size_t tail_start = text->rfind('\n', text->size() - (limit - head));
    if (head_end == std::string::npos || tail_start == std::string::npos || tail_start <= head_end) return;
    std::string note = "\n[... " + std::to_string(tail_start - head_end) + " characters of traceback cut ...]";
    text->replace(head_end, tail_start - head_end, note);
}
}  // namespace

// Takes the current exception (GIL of the failing interpreter held). Each
// step that can fail clears its error before the next one runs: a type's
// metaclass or traceback itself may raise.
ExcInfo capture_exception() {
    ExcInfo info;
    PyObject *exc = PyErr_GetRaisedException();
    if (!exc) {  // a failure that set nothing
        info.type_name = info.qualname = "SystemError";
        info.module = "builtins";
        info.msg = "error return without exception set";
        info.formatted = "SystemError: " + info.msg + "\n";
        return info;
    }
    PyObject *tp = reinterpret_cast<PyObject *>(Py_TYPE(exc));
    info.type_name = attr_str(tp, "__name__");
    info.qualname = attr_str(tp, "__qualname__");
    info.module = attr_str(tp, "__module__");
    PyObject *crossing = PyObject_GetAttrString(exc, "_crossing_msg");  // an ExecutionFailed crossing again
    if (!crossing) PyErr_Clear();
    info.msg = str_of(crossing ? crossing : exc);
    Py_XDECREF(crossing);
    PyObject *tb = PyImport_ImportModule("traceback");
    PyObject *lines = tb ? PyObject_CallMethod(tb, "format_exception", "O", exc) : nullptr;
    PyObject *empty = lines ? PyUnicode_FromString("") : nullptr;
    PyObject *text = empty ? PyUnicode_Join(empty, lines) : nullptr;
    PyErr_Clear();
    info.formatted = text ? str_of(text) : info.type_name + ": " + info.msg + "\n";
    cut_middle_lines(&info.formatted);
    for (PyObject *o : {tb, lines, empty, text, exc}) Py_XDECREF(o);
    PyErr_Clear();
    return info;
}

PyMethodDef interpreter_methods[] = {
    {"interp_create", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(interp_create)),
     METH_FASTCALL | METH_KEYWORDS, "interp_create(*, own_gil=True) -> id"},
    {"interp_close", interp_close, METH_O, "interp_close(id)"},
    {"interp_close_at_exit", interp_close_at_exit, METH_O,
     "interp_close_at_exit(id) -> None | why it was abandoned instead"},
    {"interp_list", interp_list, METH_NOARGS, "interp_list() -> [(id, whence)]"},
    {"interp_current", interp_current, METH_NOARGS, "interp_current() -> (id, whence)"},
    {"interp_main", interp_main, METH_NOARGS, "interp_main() -> id"},
    {"interp_is_running", interp_is_running, METH_O, "interp_is_running(id) -> bool"},
    {"interp_exec", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(interp_exec)), METH_FASTCALL,
     "interp_exec(id, code) -> None | excinfo"},
    {"interp_call", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(interp_call)), METH_FASTCALL,
     "interp_call(id, payload, args, kwargs) -> (ok, result | excinfo)"},
    {"interp_set_main", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(interp_set_main)), METH_FASTCALL,
     "interp_set_main(id, dict)"},
    {"is_shareable", is_shareable, METH_O, "is_shareable(obj) -> bool"},
    {nullptr, nullptr, 0, nullptr},
};

void interpreters_after_fork_in_child() {
    // Overwritten, not cleared: a thread that did not survive may have been
    // changing it. The old nodes are left behind.
    new (&registry_lock) std::mutex;
    new (&registry) std::map<int64_t, Entry>;
}

}  // namespace isles::internal

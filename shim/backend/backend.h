// The isles backend for one CPython version: shared declarations.
// Built once per CPython (ISL_BACKEND_TAG, e.g. cp312); the only code that
// includes Python.h.
#ifndef ISLES_SHIM_BACKEND_H
#define ISLES_SHIM_BACKEND_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstddef>
#include <memory>
#include <string>

#include "isles/internal/slots.h"
#include "isles/internal/xi.h"
#include "isles/stable/module.h"
#include "isles/stable/type.h"
#include "layout.h"

#define ISL_STR2(x) #x
#define ISL_STR(x) ISL_STR2(x)
#define ISL_BACKEND_MODULE "isles._backend_" ISL_STR(ISL_BACKEND_TAG)

namespace isles::internal {

// Release-mode handles are the object pointers.
inline PyObject *O(IslHandle h) { return reinterpret_cast<PyObject *>(h._i); }
inline IslHandle H(PyObject *o) { return IslHandle{reinterpret_cast<intptr_t>(o)}; }
inline IslHandle Null() { return IslHandle{0}; }

// PyModule_Add (3.13+) for 3.12 too: adds `value` and drops the reference.
inline int module_add(PyObject *module, const char *name, PyObject *value) {
    if (!value) return -1;
    int r = PyModule_AddObjectRef(module, name, value);
    Py_DECREF(value);
    return r;
}

// What universal binaries may read of CPython's objects inline, and where
// (layout.h). Every context carries these bits, and the runtime publishes
// them as _IslLayout.inline_flags: a future debug-handle mode must clear both.
constexpr unsigned kInlineFlags = layout::kInlineFlags;

// Where an isles module keeps its own copy of the context in its state:
// right after the header (published as _IslLayout.state_context).
constexpr IslSsize kStateContextOffset = sizeof(_IslModuleStateHeader);

// One per interpreter that imported the backend: owns that interpreter's
// context. Kept alive by the backend module and by every isles module of
// the interpreter, so a context outlives every function that can see it.
struct Runtime {
    IslContext ctx;            // the original; isles modules hold copies (ctx._runtime leads back here)
    PyInterpreterState *interp;
    struct BackendState *backend = nullptr;  // while the backend module lives
    long refs;                 // touched only under this interpreter's GIL
    // IslInstance_Data's last answer (hot loops ask about one type).
    PyTypeObject *last_type = nullptr;
    const IslTypeDef *last_def = nullptr;
    Py_ssize_t last_offset = 0;

    static Runtime *create();  // for the current interpreter
    static Runtime *of(IslContext *ctx) { return static_cast<Runtime *>(ctx->_runtime); }
    void incref() { ++refs; }
    void decref();
};

// The backend module's state, one per interpreter: the context, and the
// types and exceptions of the cross-interpreter machinery.
struct BackendState {
    Runtime *rt;
    PyTypeObject *queue_type, *send_type, *recv_type, *buffer_type;
    PyObject *InterpreterError, *InterpreterNotFoundError, *NotShareableError;
    PyObject *QueueError, *QueueNotFoundError, *QueueEmpty, *QueueFull;
    PyObject *ChannelError, *ChannelNotFoundError, *ChannelClosedError, *ChannelEmptyError, *ChannelNotEmptyError;
    PyObject *pickle;  // isles._calls (pickle with stateless functions), imported on first use
    // (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND, ItemInterpreterDestroyed) of
    // isles.interpreters._queues [0] and .channels [1], registered when
    // those modules are imported.
    PyObject *unbound_markers[2];
    PyObject *queue_objects;  // dict: queue id -> weak reference to this interpreter's Queue
};

// The backend state of the current interpreter (imports the backend if
// needed); nullptr with an exception set on failure.
BackendState *current_backend();
// QueueEmpty or QueueFull of this interpreter, made on first use; nullptr
// with an exception set if `queue` cannot be imported.
PyObject *queue_exception(BackendState *st, bool full);

// The same, only if this interpreter already imported the backend.
BackendState *imported_backend();
inline Runtime *current_runtime() {
    BackendState *st = current_backend();
    return st ? st->rt : nullptr;
}

// The object a weak reference points to (a new reference), or nullptr if it
// died (no error set).
inline PyObject *referent(PyObject *ref) {
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *obj = nullptr;
    if (PyWeakref_GetRef(ref, &obj) < 0) PyErr_Clear();
    return obj;
#else
    PyObject *obj = PyWeakref_GetObject(ref);
    return obj && obj != Py_None ? Py_NewRef(obj) : nullptr;
#endif
}

// Raises unless `ok` (TypeError naming `what` and got's type; SystemError
// for the null handle), for checks CPython's concrete API would crash on.
inline bool expect(bool ok, const char *api, const char *what, PyObject *got) {
    if (ok) return true;
    if (!got)
        PyErr_Format(PyExc_SystemError, "%s: got the null handle where %s was expected", api, what);
    else
        PyErr_Format(PyExc_TypeError, "%s: expected %s, got %s", api, what, Py_TYPE(got)->tp_name);
    return false;
}

// ---- cross-interpreter data (xidata.cpp)
int64_t current_interp_id();
// Converts obj to data; false with NotShareableError (or another error) set.
bool to_value(BackendState *st, PyObject *obj, xi::Value &out, bool allow_pickle);
// obj's memory (any PEP 3118 exporter) lent by reference; false with an error set.
bool buffer_to_value(PyObject *obj, xi::Value &out);
// A new object for `v` in the current interpreter (consumes v's resources).
PyObject *from_value(BackendState *st, xi::Value &&v);
int xi_types_init(PyObject *backend_module, BackendState *st);
// Called in `interp` (its GIL held) before it is destroyed: copies shared
// buffers nobody has received yet; false with InterpreterError set if some
// are still in use by other interpreters.
bool detach_buffers_of(BackendState *st, int64_t interp_id, bool check_only);
// For an interpreter that will never be finalized: its lent memory stays
// valid and its shares never switch into it to release it.
void orphan_buffers_of(int64_t interp_id);
// In `interp_id` (its GIL held) just before it ends: from now on a share it
// exported that dies elsewhere does not enter it; waits (GIL released) for
// those already inside.
void buffers_exporter_ending(int64_t interp_id);

// ---- queues and channels (queues.cpp)
int queue_types_init(PyObject *backend_module, BackendState *st);
PyObject *new_queue_object(BackendState *st, std::shared_ptr<xi::Queue> q);
PyObject *new_channel_end_object(BackendState *st, xi::Side side, std::shared_ptr<xi::Channel> ch);
bool unwrap_queue(BackendState *st, PyObject *o, std::shared_ptr<xi::Queue> *q);
bool unwrap_channel_end(BackendState *st, PyObject *o, xi::ChannelEnd *end);
// Isles interpreter `id` was closed: the items it put that still wait in a
// queue follow their unbounditems rule.
void queues_unbind_owner(int64_t id);

// ---- interpreters (interpreters.cpp)
// True once close() of isles interpreter `id` has begun (and until it is
// refused): what it shares from then on (from atexit hooks, __del__, its
// last threads) must not refer to its memory.
bool interp_closing(int64_t id);
// The exception of a failed run, as text that can cross interpreters.
struct ExcInfo {
    std::string type_name, qualname, module, msg, formatted;
};
// Takes the set exception (the failing interpreter's GIL held) and clears it.
ExcInfo capture_exception();
// str(o) as UTF-8, never failing (and clearing any error).
std::string str_of(PyObject *o);
extern PyMethodDef interpreter_methods[];
// True on the main thread of the main interpreter, the only one that runs
// signal handlers: its blocking waits wake up to run them.
bool needs_interrupt_checks();

// ---- fork (fork.cpp): pthread_atfork's child handler, installed once.
// In a child just forked, where only the main interpreter and the forking
// thread are left, each piece forgets the rest: no Python API, no waiting
// on a lock whose holder did not survive.
void install_fork_handler();
void interpreters_after_fork_in_child();
void lifecycle_after_fork_in_child();
void shares_after_fork_in_child(int64_t survivor);
void queues_after_fork_in_child();

// Loader: builds the CPython module definition for an isles module.
// The IslModuleDef behind an isles module object, or nullptr for any other object.
const IslModuleDef *isles_def_of(PyObject *module);
// The author's part of an isles module's state.
void *author_state_of(PyObject *module);
PyObject *module_init(const IslModuleDef *def, uint32_t abi_major, uint32_t abi_minor);
// The entry table extensions find through the `_api` capsule (api.cpp).
extern const _IslBackendApi backend_api;

// A new str with the fully qualified name of type(obj) (or of obj if a type).
PyObject *type_name(PyObject *type);

// Own-GIL interpreter runner (until isles.interpreters exists).
PyObject *run_isolated(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);

}  // namespace isles::internal
#endif

// Python types over the C++ queues and channels: Queue (PEP 734) and
// SendChannel/RecvChannel (PEP 554). One set of types per interpreter; the
// objects they wrap are shared by all.
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include "backend.h"

namespace isles::internal {
namespace {

// A queue plus the settings every interpreter must agree on.
struct PyQueue : xi::Queue {
    PyQueue(Py_ssize_t maxsize, bool pickle, xi::Unbound unbound)
        : xi::Queue(maxsize > 0 ? static_cast<size_t>(maxsize) : 0), requested_maxsize(maxsize), pickle(pickle),
          unbound(unbound) {}
    const Py_ssize_t requested_maxsize;  // as given: <= 0 means unbounded, as in queue.Queue
    const bool pickle;                   // items that are not shareable are pickled
    const xi::Unbound unbound;           // the default rule for items of a closed interpreter
};

struct QueueObject {
    PyObject_HEAD
    std::shared_ptr<PyQueue> q;
    PyObject *weakrefs;  // one object per queue and interpreter: see new_queue_object
};

struct ChannelEndObject {
    PyObject_HEAD
    xi::ChannelEnd end;  // owned by this object's interpreter
};

std::atomic<unsigned long> main_thread_ident{0};

// Every live queue by id, so a pickled queue (by id) can be found again in
// another interpreter of this process. Leaked: queues may outlive statics.
xi::WeakRegistry<PyQueue> &queues() {
    static auto *r = new xi::WeakRegistry<PyQueue>;
    return *r;
}

std::shared_ptr<PyQueue> make_queue(Py_ssize_t maxsize, bool pickle, xi::Unbound unbound) {
    auto q = std::make_shared<PyQueue>(maxsize, pickle, unbound);
    queues().add(q->id(), q);
    return q;
}

BackendState *state_of_type(PyTypeObject *tp) { return static_cast<BackendState *>(PyType_GetModuleState(tp)); }

// ---- arguments
bool parse_timeout(PyObject *arg, std::optional<double> *out) {
    if (!arg || arg == Py_None) {
        *out = std::nullopt;
        return true;
    }
    double t = PyFloat_AsDouble(arg);
    if (t == -1.0 && PyErr_Occurred()) return false;
    if (!(t >= 0)) {
        PyErr_SetString(PyExc_ValueError, "timeout must be a non-negative number or None");
        return false;
    }
    *out = t;
    return true;
}

// Minimal fastcall keyword matcher: names[i] binds args or keywords to out[i].
bool bind_args(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               std::initializer_list<const char *> names, size_t npositional, PyObject **out) {
    size_t n = names.size();
    if (static_cast<size_t>(nargs) > npositional) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zu positional arguments (%zd given)", fname, npositional,
                     nargs);
        return false;
    }
    for (Py_ssize_t i = 0; i < nargs; ++i) out[i] = args[i];
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); ++k) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        size_t i = 0;
        for (const char *name : names) {
            if (PyUnicode_CompareWithASCIIString(key, name) == 0) break;
            ++i;
        }
        if (i == n) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fname, key);
            return false;
        }
        if (out[i]) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%U'", fname, key);
            return false;
        }
        out[i] = args[nargs + k];
    }
    return true;
}

// Whose unbound-item markers: each kind has its own UNBOUND, as in 3.14.
enum Kind { kQueue = 0, kChannel = 1 };
const char *const kMarkerModules[] = {"isles.interpreters._queues", "isles.interpreters.channels"};

// The markers of that module, importing it if this interpreter has not yet;
// nullptr with an error set.
PyObject *unbound_markers(BackendState *st, Kind kind) {
    if (!st->unbound_markers[kind]) {
        PyObject *mod = PyImport_ImportModule(kMarkerModules[kind]);
        Py_XDECREF(mod);
        if (mod && !st->unbound_markers[kind])
            PyErr_Format(PyExc_SystemError, "%s did not register its UNBOUND markers", kMarkerModules[kind]);
    }
    return st->unbound_markers[kind];
}

// An unbounditems argument (UNBOUND, UNBOUND_ERROR or UNBOUND_REMOVE; absent
// or None: `dflt`).
bool parse_unbound(BackendState *st, Kind kind, PyObject *arg, xi::Unbound dflt, xi::Unbound *out) {
    if (!arg || arg == Py_None) {
        *out = dflt;
        return true;
    }
    PyObject *markers = unbound_markers(st, kind);
    if (!markers) return false;
    for (int flag = 1; flag <= 3; ++flag) {
        if (PyTuple_GET_ITEM(markers, flag - 1) == arg) {
            *out = static_cast<xi::Unbound>(flag);
            return true;
        }
    }
    PyErr_Format(PyExc_ValueError, "unbounditems must be UNBOUND, UNBOUND_ERROR or UNBOUND_REMOVE, not %R", arg);
    return false;
}

bool truth(PyObject *o, bool dflt, int *out) {
    if (!o) {
        *out = dflt;
        return true;
    }
    *out = PyObject_IsTrue(o);
    return *out >= 0;
}

// Runs a blocking core call with the GIL released. `attempt(block, deadline,
// check)` must be safe to call with and without the GIL. Unless the call
// must wait anyway (a send waiting for receipt), it is first tried without
// releasing the GIL.
template <class F>
xi::Status blocking(bool block, std::optional<double> timeout, F &&attempt, bool try_first = true) {
    if (try_first) {
        xi::Status s = attempt(false, xi::Deadline{}, xi::InterruptCheck{});
        if (s == xi::Status::ok || !block || (timeout && *timeout == 0.0)) return s;
        if (s != xi::Status::empty && s != xi::Status::full) return s;
    }
    xi::Deadline deadline = xi::deadline_after(timeout);
    xi::InterruptCheck check;
    bool interruptible = needs_interrupt_checks();
    PyThreadState *ts = PyEval_SaveThread();
    if (interruptible) {
        check = [ts]() {  // runs signal handlers with the GIL, between waits
            PyEval_RestoreThread(ts);
            int r = PyErr_CheckSignals();
            PyEval_SaveThread();
            return r < 0;
        };
    }
    xi::Status s = attempt(true, deadline, check);
    PyEval_RestoreThread(ts);
    return s;
}

// ---- operations shared by the Python methods and the C API

// What get()/recv() give for an item whose interpreter was closed.
PyObject *unbound_item(BackendState *st, Kind kind, xi::Unbound rule) {
    PyObject *markers = unbound_markers(st, kind);
    if (!markers) return nullptr;
    if (rule == xi::Unbound::replace) return Py_NewRef(PyTuple_GET_ITEM(markers, 2));
    PyErr_SetString(PyTuple_GET_ITEM(markers, 3), "the interpreter that sent this item was closed");
    return nullptr;
}

PyObject *queue_put_op(BackendState *st, const std::shared_ptr<PyQueue> &q, PyObject *obj, bool block,
                       std::optional<double> timeout, bool pickle, xi::Unbound unbound) {
    xi::Value v;
    if (!to_value(st, obj, v, pickle)) return nullptr;
    xi::Binding binding{current_interp_id(), unbound};
    xi::Status s = blocking(block, timeout, [&](bool b, xi::Deadline d, const xi::InterruptCheck &c) {
        return q->put(std::move(v), b, d, c, binding);  // put leaves v intact unless it succeeds
    });
    if (s == xi::Status::ok) Py_RETURN_NONE;
    if (s == xi::Status::full) {
        if (PyObject *exc = queue_exception(st, true)) PyErr_SetString(exc, "the queue is full");
    }
    return nullptr;  // interrupted: the signal handler's exception is set
}

PyObject *queue_get_op(BackendState *st, const std::shared_ptr<PyQueue> &q, bool block,
                       std::optional<double> timeout) {
    xi::Value v;
    std::optional<xi::Unbound> unbound;
    xi::Status s = blocking(block, timeout, [&](bool b, xi::Deadline d, const xi::InterruptCheck &c) {
        return q->get(v, b, d, c, &unbound);
    });
    if (s == xi::Status::ok && unbound) return unbound_item(st, kQueue, *unbound);
    if (s == xi::Status::ok) return from_value(st, std::move(v));
    if (s == xi::Status::empty) {
        if (PyObject *exc = queue_exception(st, false)) PyErr_SetString(exc, "the queue is empty");
    }
    return nullptr;
}

PyObject *channel_error(BackendState *st, xi::Status s, const char *what);

// send: waits for receipt unless `taken` is given (then returns at once).
PyObject *channel_send_op(BackendState *st, const xi::ChannelEnd &end, PyObject *obj,
                          std::optional<double> timeout, bool *taken, bool as_buffer = false,
                          std::optional<xi::Unbound> unbound = std::nullopt) {  // nullopt: the channel's rule
    xi::Value v;
    if (as_buffer && !PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError, "send_buffer() needs an object with the buffer protocol, not %.200s",
                     Py_TYPE(obj)->tp_name);
        return nullptr;
    }
    if (as_buffer ? !buffer_to_value(obj, v) : !to_value(st, obj, v, false)) return nullptr;
    auto ch = end.channel();
    int64_t owner = end.owner();
    xi::Binding binding{current_interp_id(), unbound.value_or(ch->unbound())};
    xi::Status s;
    if (taken) {
        s = ch->send(std::move(v), owner, false, {}, {}, taken, binding);
        return s == xi::Status::ok ? Py_NewRef(Py_None) : channel_error(st, s, "send_nowait()");
    }
    s = blocking(true, timeout, [&](bool, xi::Deadline d, const xi::InterruptCheck &c) {
        return ch->send(std::move(v), owner, true, d, c, nullptr, binding);
    }, false);
    return s == xi::Status::ok ? Py_NewRef(Py_None) : channel_error(st, s, "send()");
}

// recv; `status` (if given) receives the core status when nothing is returned.
PyObject *channel_recv_op(BackendState *st, const xi::ChannelEnd &end, bool block, std::optional<double> timeout,
                          xi::Status *status) {
    auto ch = end.channel();
    int64_t owner = end.owner();
    xi::Value v;
    std::optional<xi::Unbound> unbound;
    xi::Status s = blocking(block, timeout, [&](bool b, xi::Deadline d, const xi::InterruptCheck &c) {
        return ch->recv(v, owner, b, d, c, &unbound);
    });
    if (s == xi::Status::ok && unbound) return unbound_item(st, kChannel, *unbound);
    if (s == xi::Status::ok) return from_value(st, std::move(v));
    if (status) *status = s;
    if (block && s == xi::Status::empty) s = xi::Status::timeout;
    return channel_error(st, s, block ? "recv()" : "recv_nowait()");
}

// ---- Queue
PyObject *queue_put_impl(QueueObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                         bool nowait) {
    BackendState *st = state_of_type(Py_TYPE(self));
    PyObject *a[5] = {};
    if (nowait ? !bind_args("put_nowait", args, nargs, kwnames, {"obj", "unbounditems", "pickle"}, 1, a)
               : !bind_args("put", args, nargs, kwnames, {"obj", "block", "timeout", "unbounditems", "pickle"}, 3, a))
        return nullptr;
    PyObject *obj = a[0], *unbound_arg = nowait ? a[1] : a[3], *pickle_arg = nowait ? a[2] : a[4];
    if (!obj) {
        PyErr_SetString(PyExc_TypeError, "put() missing required argument 'obj'");
        return nullptr;
    }
    int block = 0, pickle = 0;
    std::optional<double> timeout;
    xi::Unbound unbound;
    if ((!nowait && (!truth(a[1], true, &block) || !parse_timeout(a[2], &timeout))) ||
        !truth(pickle_arg == Py_None ? nullptr : pickle_arg, self->q->pickle, &pickle) ||
        !parse_unbound(st, kQueue, unbound_arg, self->q->unbound, &unbound))
        return nullptr;
    return queue_put_op(st, self->q, obj, block, timeout, pickle, unbound);
}

PyObject *queue_put(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
    return queue_put_impl(reinterpret_cast<QueueObject *>(self), args, nargs, kw, false);
}
PyObject *queue_put_nowait(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
    return queue_put_impl(reinterpret_cast<QueueObject *>(self), args, nargs, kw, true);
}

PyObject *queue_get_impl(QueueObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                         bool nowait) {
    BackendState *st = state_of_type(Py_TYPE(self));
    PyObject *a[2] = {};
    int block = 0;
    std::optional<double> timeout;
    if (!nowait && (!bind_args("get", args, nargs, kwnames, {"block", "timeout"}, 2, a) ||
                    !truth(a[0], true, &block) || !parse_timeout(a[1], &timeout)))
        return nullptr;
    if (nowait && (nargs || kwnames)) {
        PyErr_SetString(PyExc_TypeError, "get_nowait() takes no arguments");
        return nullptr;
    }
    return queue_get_op(st, self->q, block, timeout);
}

PyObject *queue_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
    return queue_get_impl(reinterpret_cast<QueueObject *>(self), args, nargs, kw, false);
}
PyObject *queue_get_nowait(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
    return queue_get_impl(reinterpret_cast<QueueObject *>(self), args, nargs, kw, true);
}

std::shared_ptr<PyQueue> &queue_of(PyObject *self) { return reinterpret_cast<QueueObject *>(self)->q; }

PyObject *queue_qsize(PyObject *self, PyObject *) { return PyLong_FromSize_t(queue_of(self)->size()); }
PyObject *queue_empty(PyObject *self, PyObject *) { return PyBool_FromLong(queue_of(self)->size() == 0); }
PyObject *queue_full(PyObject *self, PyObject *) {
    auto &q = queue_of(self);
    return PyBool_FromLong(q->maxsize() && q->size() >= q->maxsize());
}
PyObject *queue_get_id(PyObject *self, void *) { return PyLong_FromLongLong(queue_of(self)->id()); }
PyObject *queue_get_maxsize(PyObject *self, void *) { return PyLong_FromSsize_t(queue_of(self)->requested_maxsize); }
PyObject *queue_get_unbounditems(PyObject *self, void *) {
    PyObject *markers = unbound_markers(state_of_type(Py_TYPE(self)), kQueue);
    return markers ? Py_NewRef(PyTuple_GET_ITEM(markers, static_cast<int>(queue_of(self)->unbound) - 1)) : nullptr;
}
PyObject *queue_repr(PyObject *self) {
    return PyUnicode_FromFormat("isles.interpreters.Queue(id=%lld, maxsize=%zd)",
                                static_cast<long long>(queue_of(self)->id()), queue_of(self)->requested_maxsize);
}
Py_hash_t queue_hash(PyObject *self) {
    Py_hash_t h = static_cast<Py_hash_t>(queue_of(self)->id());
    return h == -1 ? -2 : h;
}
PyObject *queue_richcompare(PyObject *a, PyObject *b, int op) {
    if (!PyObject_TypeCheck(b, Py_TYPE(a)) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    bool same = queue_of(a) == queue_of(b);
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}
// Drops the dead entry of queue `id` from new_queue_object's table.
void forget_queue_object(BackendState *st, int64_t id) {
    if (!st || !st->queue_objects) return;  // the interpreter is finalizing its backend
    PyObject *exc = PyErr_GetRaisedException();  // dealloc may run with an error set
    PyObject *key = PyLong_FromLongLong(id);
    PyObject *ref = key ? PyDict_GetItemWithError(st->queue_objects, key) : nullptr;
    PyObject *alive = ref ? referent(ref) : nullptr;
    if (ref && !alive && PyDict_DelItem(st->queue_objects, key) < 0) PyErr_Clear();
    Py_XDECREF(alive);
    Py_XDECREF(key);
    PyErr_Clear();
    PyErr_SetRaisedException(exc);
}

void queue_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    auto *o = reinterpret_cast<QueueObject *>(self);
    if (o->weakrefs) PyObject_ClearWeakRefs(self);
    forget_queue_object(state_of_type(tp), o->q->id());
    auto q = std::move(o->q);  // the last reference may drop items: do it before freeing
    o->q.~shared_ptr();
    q.reset();
    tp->tp_free(self);
    Py_DECREF(tp);
}

// Pickles by id: meaningful only inside this process, while the queue lives.
PyObject *queue_reduce(PyObject *self, PyObject *) {
    PyObject *mod = PyType_GetModule(Py_TYPE(self));
    PyObject *fn = mod ? PyObject_GetAttrString(mod, "_queue_by_id") : nullptr;
    return fn ? Py_BuildValue("(N(L))", fn, static_cast<long long>(queue_of(self)->id())) : nullptr;
}

PyMethodDef queue_methods[] = {
    {"__reduce__", queue_reduce, METH_NOARGS, nullptr},
    {"put", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(queue_put)), METH_FASTCALL | METH_KEYWORDS,
     "put(obj, block=True, timeout=None, *, unbounditems=None, pickle=None)\n--\n\nAdd obj; wait for room if the "
     "queue is full. QueueFull if there is still no room when `timeout` passes (or at once with block=False). "
     "unbounditems (default: the queue's) says what becomes of obj if this interpreter is closed before it is "
     "taken."},
    {"put_nowait", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(queue_put_nowait)),
     METH_FASTCALL | METH_KEYWORDS,
     "put_nowait(obj, *, unbounditems=None, pickle=None)\n--\n\nput(obj, block=False)."},
    {"get", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(queue_get)), METH_FASTCALL | METH_KEYWORDS,
     "get(block=True, timeout=None)\n--\n\nRemove and return the oldest item, waiting for one if needed. "
     "QueueEmpty when `timeout` passes (or at once with block=False)."},
    {"get_nowait", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(queue_get_nowait)),
     METH_FASTCALL | METH_KEYWORDS, "get_nowait()\n--\n\nget(block=False)."},
    {"qsize", queue_qsize, METH_NOARGS, "qsize()\n--\n\nThe number of items queued."},
    {"empty", queue_empty, METH_NOARGS, "empty()\n--\n\nTrue when nothing is queued."},
    {"full", queue_full, METH_NOARGS, "full()\n--\n\nTrue when a bounded queue has no room."},
    {nullptr, nullptr, 0, nullptr},
};
PyGetSetDef queue_getset[] = {
    {"id", queue_get_id, nullptr, "The queue's id, unique in the process.", nullptr},
    {"maxsize", queue_get_maxsize, nullptr, "The bound, as given to create_queue() (0 or less: unbounded).", nullptr},
    {"unbounditems", queue_get_unbounditems, nullptr,
     "What becomes of an item whose interpreter is closed before it is taken, unless put() said otherwise.",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
// The one id argument of Queue(id), SendChannel(id), RecvChannel(id); -1 with an error set.
long long id_of_new(const char *what, PyObject *args, PyObject *kwds) {
    if ((kwds && PyDict_GET_SIZE(kwds)) || PyTuple_GET_SIZE(args) != 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly one argument, the id", what);
        return -1;
    }
    PyObject *arg = PyTuple_GET_ITEM(args, 0);
    if (!PyLong_Check(arg) || PyBool_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s() id must be an int, not %.200s", what, Py_TYPE(arg)->tp_name);
        return -1;
    }
    long long id = PyLong_AsLongLong(arg);
    if (id == -1 && PyErr_Occurred()) return -1;
    if (id < 0) {
        PyErr_Format(PyExc_ValueError, "%s() id must be non-negative, got %lld", what, id);
        return -1;
    }
    return id;
}

// Queue(id): the live queue with that id (made by create_queue() in any interpreter).
PyObject *queue_new(PyTypeObject *tp, PyObject *args, PyObject *kwds) {
    BackendState *st = state_of_type(tp);
    long long id = id_of_new("Queue", args, kwds);
    if (id < 0) return nullptr;
    std::shared_ptr<PyQueue> q = queues().find(id);
    if (!q) return PyErr_Format(st->QueueNotFoundError, "no queue with id %lld exists in this process", id);
    return new_queue_object(st, std::move(q));
}

PyMemberDef queue_members[] = {
    {"__weaklistoffset__", Py_T_PYSSIZET, offsetof(QueueObject, weakrefs), Py_READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyType_Slot queue_slots[] = {
    {Py_tp_members, queue_members},
    {Py_tp_new, reinterpret_cast<void *>(queue_new)},
    {Py_tp_dealloc, reinterpret_cast<void *>(queue_dealloc)},
    {Py_tp_methods, queue_methods},
    {Py_tp_getset, queue_getset},
    {Py_tp_repr, reinterpret_cast<void *>(queue_repr)},
    {Py_tp_hash, reinterpret_cast<void *>(queue_hash)},
    {Py_tp_richcompare, reinterpret_cast<void *>(queue_richcompare)},
    {Py_tp_doc, const_cast<char *>("Queue(id)\n--\n\nA FIFO shared by all interpreters (PEP 734); make one with "
                                   "create_queue(). Queue(id) finds a live one: QueueNotFoundError if none has it.")},
    {0, nullptr},
};
PyType_Spec queue_spec = {"isles.interpreters.Queue", sizeof(QueueObject), 0,
                          Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE, queue_slots};

PyObject *create_queue(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    PyObject *a[3] = {};
    if (!bind_args("create_queue", args, nargs, kwnames, {"maxsize", "unbounditems", "pickle"}, 1, a))
        return nullptr;
    Py_ssize_t maxsize = 0;
    if (a[0]) {
        maxsize = PyNumber_AsSsize_t(a[0], PyExc_OverflowError);
        if (maxsize == -1 && PyErr_Occurred()) return nullptr;
    }
    int pickle = 0;
    xi::Unbound unbound;
    if (!truth(a[2], true, &pickle) || !parse_unbound(st, kQueue, a[1], xi::Unbound::replace, &unbound))
        return nullptr;
    return new_queue_object(st, make_queue(maxsize, pickle, unbound));
}

// ---- channel ends
xi::ChannelEnd &end_of(PyObject *self) { return reinterpret_cast<ChannelEndObject *>(self)->end; }

// Maps a core status to the channel exceptions; returns nullptr.
PyObject *channel_error(BackendState *st, xi::Status s, const char *what) {
    switch (s) {
        case xi::Status::closed: PyErr_Format(st->ChannelClosedError, "%s: the channel is closed", what); break;
        case xi::Status::empty: PyErr_Format(st->ChannelEmptyError, "%s: the channel is empty", what); break;
        case xi::Status::timeout: PyErr_Format(PyExc_TimeoutError, "%s: timed out", what); break;
        case xi::Status::not_empty:
            PyErr_Format(st->ChannelNotEmptyError, "%s: values are still pending; use force=True to drop them",
                         what);
            break;
        default: break;  // interrupted: the handler's exception is set
    }
    return nullptr;
}

PyObject *send_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, bool nowait,
                    bool as_buffer = false) {
    BackendState *st = state_of_type(Py_TYPE(self));
    PyObject *a[3] = {};
    const char *name = as_buffer ? (nowait ? "send_buffer_nowait" : "send_buffer") : (nowait ? "send_nowait" : "send");
    if (!bind_args(name, args, nargs, kwnames, {"obj", "timeout", "unbounditems"}, nowait ? 1 : 2, a))
        return nullptr;
    if (nowait && a[1]) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument 'timeout'", name);
        return nullptr;
    }
    if (!a[0]) {
        PyErr_Format(PyExc_TypeError, "%s() missing required argument 'obj'", name);
        return nullptr;
    }
    std::optional<double> timeout;
    if (!parse_timeout(a[1], &timeout)) return nullptr;
    xi::Unbound unbound;
    if (!parse_unbound(st, kChannel, a[2], end_of(self).channel()->unbound(), &unbound)) return nullptr;
    bool taken = false;
    PyObject *r = channel_send_op(st, end_of(self), a[0], timeout, nowait ? &taken : nullptr, as_buffer, unbound);
    if (r && nowait) {
        Py_DECREF(r);
        return PyBool_FromLong(taken);
    }
    return r;
}

PyObject *chan_send(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) { return send_impl(self, a, n, k, false); }
PyObject *chan_send_nowait(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) {
    return send_impl(self, a, n, k, true);
}
PyObject *chan_send_buffer(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) {
    return send_impl(self, a, n, k, false, true);
}
PyObject *chan_send_buffer_nowait(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) {
    return send_impl(self, a, n, k, true, true);
}

PyObject *recv_impl(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames, bool nowait) {
    BackendState *st = state_of_type(Py_TYPE(self));
    PyObject *a[1] = {};
    if (!bind_args(nowait ? "recv_nowait" : "recv", args, nargs, kwnames, {nowait ? "default" : "timeout"}, 1, a))
        return nullptr;
    std::optional<double> timeout;
    if (!nowait && !parse_timeout(a[0], &timeout)) return nullptr;
    xi::Status s = xi::Status::ok;
    PyObject *r = channel_recv_op(st, end_of(self), !nowait, timeout, &s);
    if (!r && nowait && s == xi::Status::empty && a[0]) {
        PyErr_Clear();
        return Py_NewRef(a[0]);
    }
    return r;
}

PyObject *chan_recv(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) { return recv_impl(self, a, n, k, false); }
PyObject *chan_recv_nowait(PyObject *self, PyObject *const *a, Py_ssize_t n, PyObject *k) {
    return recv_impl(self, a, n, k, true);
}

PyObject *chan_close(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    BackendState *st = state_of_type(Py_TYPE(self));
    PyObject *a[1] = {};
    int force = 0;
    if (!bind_args("close", args, nargs, kwnames, {"force"}, 0, a) || !truth(a[0], false, &force)) return nullptr;
    xi::Status s = end_of(self).channel()->close(force);
    if (s == xi::Status::ok) Py_RETURN_NONE;
    return channel_error(st, s, "close()");
}

PyObject *chan_release(PyObject *self, PyObject *) {
    end_of(self).channel()->release(end_of(self).side(), end_of(self).owner());
    Py_RETURN_NONE;
}

PyObject *chan_get_id(PyObject *self, void *) { return PyLong_FromLongLong(end_of(self).channel()->id()); }
PyObject *chan_get_closed(PyObject *self, void *) { return PyBool_FromLong(end_of(self).channel()->is_closed()); }
PyObject *chan_get_unbounditems(PyObject *self, void *) {
    PyObject *markers = unbound_markers(state_of_type(Py_TYPE(self)), kChannel);
    int rule = static_cast<int>(end_of(self).channel()->unbound());
    return markers ? Py_NewRef(PyTuple_GET_ITEM(markers, rule - 1)) : nullptr;
}
PyObject *chan_repr(PyObject *self) {
    return PyUnicode_FromFormat("%s(id=%lld)", Py_TYPE(self)->tp_name,
                                static_cast<long long>(end_of(self).channel()->id()));
}
Py_hash_t chan_hash(PyObject *self) {
    Py_hash_t h = static_cast<Py_hash_t>(end_of(self).channel()->id() * 2 + (end_of(self).side() == xi::Side::recv));
    return h == -1 ? -2 : h;
}
PyObject *chan_richcompare(PyObject *a, PyObject *b, int op) {
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE)) Py_RETURN_NOTIMPLEMENTED;
    bool same = end_of(a).channel() == end_of(b).channel();
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}
void chan_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    end_of(self).~ChannelEnd();  // may wake receivers: no sender left
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyObject *chan_reduce(PyObject *self, PyObject *) {
    PyObject *mod = PyType_GetModule(Py_TYPE(self));
    PyObject *fn = mod ? PyObject_GetAttrString(mod, "_channel_end_by_id") : nullptr;
    return fn ? Py_BuildValue("(N(Li))", fn, static_cast<long long>(end_of(self).channel()->id()),
                              end_of(self).side() == xi::Side::send)
              : nullptr;
}

PyGetSetDef chan_getset[] = {
    {"id", chan_get_id, nullptr, "The channel's id, unique in the process.", nullptr},
    {"is_closed", chan_get_closed, nullptr, "True once the channel was closed.", nullptr},
    {"unbounditems", chan_get_unbounditems, nullptr,
     "What becomes of a value whose interpreter is closed before it is received, unless send() said otherwise.",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyMethodDef send_methods[] = {
    {"__reduce__", chan_reduce, METH_NOARGS, nullptr},
    {"send", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_send)), METH_FASTCALL | METH_KEYWORDS,
     "send(obj, timeout=None, *, unbounditems=None)\n--\n\nSend obj's data and wait until it is received. TimeoutError (the value is "
     "withdrawn) when `timeout` passes; ChannelClosedError if the channel is or gets closed."},
    {"send_nowait", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_send_nowait)),
     METH_FASTCALL | METH_KEYWORDS,
     "send_nowait(obj, *, unbounditems=None)\n--\n\nQueue obj's data without waiting; True if a receiver was already waiting."},
    {"send_buffer", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_send_buffer)),
     METH_FASTCALL | METH_KEYWORDS,
     "send_buffer(obj, timeout=None)\n--\n\nsend() obj's memory by reference (any buffer exporter, bytes too): the "
     "receiver gets a memoryview on it."},
    {"send_buffer_nowait", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_send_buffer_nowait)),
     METH_FASTCALL | METH_KEYWORDS, "send_buffer_nowait(obj)\n--\n\nsend_nowait() obj's memory by reference."},
    {"close", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_close)), METH_FASTCALL | METH_KEYWORDS,
     "close(force=False)\n--\n\nClose the channel for every interpreter."},
    {"release", chan_release, METH_NOARGS, "release()\n--\n\nThis interpreter stops sending on the channel."},
    {nullptr, nullptr, 0, nullptr},
};
PyMethodDef recv_methods[] = {
    {"__reduce__", chan_reduce, METH_NOARGS, nullptr},
    {"recv", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_recv)), METH_FASTCALL | METH_KEYWORDS,
     "recv(timeout=None)\n--\n\nReturn the next value, waiting for one. TimeoutError when `timeout` passes; "
     "ChannelClosedError if the channel is closed or nobody can send any more."},
    {"recv_nowait", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_recv_nowait)),
     METH_FASTCALL | METH_KEYWORDS,
     "recv_nowait(default=<unset>)\n--\n\nThe next value; `default` (or ChannelEmptyError) if none is queued."},
    {"close", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(chan_close)), METH_FASTCALL | METH_KEYWORDS,
     "close(force=False)\n--\n\nClose the channel for every interpreter."},
    {"release", chan_release, METH_NOARGS, "release()\n--\n\nThis interpreter stops receiving on the channel."},
    {nullptr, nullptr, 0, nullptr},
};

// SendChannel(id), RecvChannel(id): an end of the live channel with that id.
PyObject *chan_new(PyTypeObject *tp, PyObject *args, PyObject *kwds) {
    BackendState *st = state_of_type(tp);
    bool send = tp == st->send_type;
    long long id = id_of_new(send ? "SendChannel" : "RecvChannel", args, kwds);
    if (id < 0) return nullptr;
    std::shared_ptr<xi::Channel> ch = xi::Channel::find(id);
    if (!ch) return PyErr_Format(st->ChannelNotFoundError, "no channel with id %lld exists in this process", id);
    return new_channel_end_object(st, send ? xi::Side::send : xi::Side::recv, std::move(ch));
}

PyType_Slot send_slots[] = {
    {Py_tp_new, reinterpret_cast<void *>(chan_new)},
    {Py_tp_dealloc, reinterpret_cast<void *>(chan_dealloc)}, {Py_tp_methods, send_methods},
    {Py_tp_getset, chan_getset}, {Py_tp_repr, reinterpret_cast<void *>(chan_repr)},
    {Py_tp_hash, reinterpret_cast<void *>(chan_hash)}, {Py_tp_richcompare, reinterpret_cast<void *>(chan_richcompare)},
    {Py_tp_doc, const_cast<char *>("The sending end of a channel (PEP 554).")}, {0, nullptr},
};
PyType_Slot recv_slots[] = {
    {Py_tp_new, reinterpret_cast<void *>(chan_new)},
    {Py_tp_dealloc, reinterpret_cast<void *>(chan_dealloc)}, {Py_tp_methods, recv_methods},
    {Py_tp_getset, chan_getset}, {Py_tp_repr, reinterpret_cast<void *>(chan_repr)},
    {Py_tp_hash, reinterpret_cast<void *>(chan_hash)}, {Py_tp_richcompare, reinterpret_cast<void *>(chan_richcompare)},
    {Py_tp_doc, const_cast<char *>("The receiving end of a channel (PEP 554).")}, {0, nullptr},
};
constexpr unsigned kEndFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE;
PyType_Spec send_spec = {"isles.interpreters.SendChannel", sizeof(ChannelEndObject), 0, kEndFlags, send_slots};
PyType_Spec recv_spec = {"isles.interpreters.RecvChannel", sizeof(ChannelEndObject), 0, kEndFlags, recv_slots};

PyObject *create_channel(PyObject *module, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    PyObject *a[1] = {};
    xi::Unbound unbound;
    if (!bind_args("create_channel", args, nargs, kwnames, {"unbounditems"}, 0, a) ||
        !parse_unbound(st, kChannel, a[0], xi::Unbound::replace, &unbound))
        return nullptr;
    auto ch = xi::Channel::create(unbound);
    PyObject *r = new_channel_end_object(st, xi::Side::recv, ch);
    PyObject *s = r ? new_channel_end_object(st, xi::Side::send, ch) : nullptr;
    if (!s) {
        Py_XDECREF(r);
        return nullptr;
    }
    return Py_BuildValue("(NN)", r, s);
}

PyObject *list_channels(PyObject *module, PyObject *) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    PyObject *out = PyList_New(0);
    for (auto &ch : xi::Channel::list_open()) {
        if (!out) break;
        // The second end is made only if the first was: never with an error set.
        PyObject *recv = new_channel_end_object(st, xi::Side::recv, ch);
        PyObject *send = recv ? new_channel_end_object(st, xi::Side::send, ch) : nullptr;
        if (!send) Py_CLEAR(recv);
        PyObject *pair = recv ? Py_BuildValue("(NN)", recv, send) : nullptr;
        if (!pair || PyList_Append(out, pair) < 0) Py_CLEAR(out);
        Py_XDECREF(pair);
    }
    return out;
}

PyObject *queue_by_id(PyObject *module, PyObject *arg) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    long long id = PyLong_AsLongLong(arg);
    if (id == -1 && PyErr_Occurred()) return nullptr;
    std::shared_ptr<PyQueue> q = queues().find(id);
    if (!q) return PyErr_Format(st->QueueNotFoundError, "no queue with id %lld exists in this process", id);
    return new_queue_object(st, std::move(q));
}

PyObject *queue_ids(PyObject *, PyObject *) {
    std::vector<std::shared_ptr<PyQueue>> live = queues().live();
    PyObject *out = PyList_New(0);
    for (const auto &q : live) {
        PyObject *id = out ? PyLong_FromLongLong(q->id()) : nullptr;
        if (!id || PyList_Append(out, id) < 0) Py_CLEAR(out);
        Py_XDECREF(id);
    }
    return out;
}

PyObject *set_unbound_markers(PyObject *module, PyObject *args) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    const char *kind = nullptr;
    PyObject *markers = nullptr;
    if (!PyArg_ParseTuple(args, "sO!", &kind, &PyTuple_Type, &markers)) return nullptr;
    int k = std::strcmp(kind, "queue") == 0 ? kQueue : std::strcmp(kind, "channel") == 0 ? kChannel : -1;
    if (k < 0 || PyTuple_GET_SIZE(markers) != 4 || !PyExceptionClass_Check(PyTuple_GET_ITEM(markers, 3))) {
        PyErr_SetString(PyExc_TypeError,
                        "_set_unbound_markers('queue' or 'channel', (remove, error, replace, exception_class))");
        return nullptr;
    }
    Py_XSETREF(st->unbound_markers[k], Py_NewRef(markers));
    Py_RETURN_NONE;
}

PyObject *channel_end_by_id(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    auto *st = static_cast<BackendState *>(PyModule_GetState(module));
    long long id = nargs == 2 ? PyLong_AsLongLong(args[0]) : -1;
    int send = nargs == 2 ? PyObject_IsTrue(args[1]) : -1;
    if (id == -1 || send < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "_channel_end_by_id(id, send)");
        return nullptr;
    }
    std::shared_ptr<xi::Channel> ch = xi::Channel::find(id);
    if (ch && !ch->is_closed()) return new_channel_end_object(st, send ? xi::Side::send : xi::Side::recv, ch);
    return PyErr_Format(st->ChannelClosedError, "no open channel with id %lld exists in this process", id);
}

}  // namespace

PyMethodDef queue_module_methods[] = {
    {"_queue_by_id", queue_by_id, METH_O, "Unpickles a queue (by id, inside this process)."},
    {"_channel_end_by_id", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(channel_end_by_id)), METH_FASTCALL,
     "Unpickles a channel end (by id, inside this process)."},
    {"create_queue", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(create_queue)),
     METH_FASTCALL | METH_KEYWORDS,
     "create_queue(maxsize=0, *, unbounditems=UNBOUND, pickle=True)\n--\n\nA new queue shared by all "
     "interpreters. Items that are not shareable cross pickled (NotShareableError instead with pickle=False); "
     "unbounditems is the default rule for items whose interpreter is closed before they are taken."},
    {"_queue_ids", queue_ids, METH_NOARGS, "The ids of every live queue, oldest first."},
    {"_set_unbound_markers", set_unbound_markers, METH_VARARGS,
     "Registers (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND, ItemInterpreterDestroyed) for this interpreter."},
    {"create_channel", reinterpret_cast<PyCFunction>(reinterpret_cast<void *>(create_channel)),
     METH_FASTCALL | METH_KEYWORDS,
     "create_channel(*, unbounditems=UNBOUND)\n--\n\nA new channel: (RecvChannel, SendChannel). unbounditems is "
     "the default rule for values whose interpreter is closed before they are received."},
    {"list_all_channels", list_channels, METH_NOARGS, "list_all_channels()\n--\n\n(recv, send) for every open channel."},
    {nullptr, nullptr, 0, nullptr},
};

// ---- the stable-tier C API (IslQueue_*, IslChannel_*)
namespace impl {
namespace {
BackendState *backend_of(IslContext *ctx) {
    BackendState *st = Runtime::of(ctx)->backend;
    if (!st) PyErr_SetString(PyExc_RuntimeError, "the isles runtime of this interpreter is finalizing");
    return st;
}
bool of_type(PyObject *o, PyTypeObject *type, const char *api, const char *what) {
    return expect(o && Py_TYPE(o) == type, api, what, o);
}
// A C timeout: < 0 waits forever, 0 does not wait.
std::optional<double> c_timeout(double t) { return t < 0 ? std::nullopt : std::optional<double>(t); }
}  // namespace

int Queue_Check(IslContext *ctx, IslHandle h) {
    BackendState *st = Runtime::of(ctx)->backend;
    return st && O(h) && Py_TYPE(O(h)) == st->queue_type;
}
int Queue_Put(IslContext *ctx, IslHandle queue, IslHandle item, double timeout) {
    BackendState *st = backend_of(ctx);
    if (!st || !of_type(O(queue), st->queue_type, "IslQueue_Put", "an isles.interpreters.Queue")) return -1;
    if (!O(item)) return PyErr_SetString(PyExc_SystemError, "IslQueue_Put: got the null handle"), -1;
    auto &q = queue_of(O(queue));
    PyObject *r = queue_put_op(st, q, O(item), timeout != 0, c_timeout(timeout), q->pickle, q->unbound);
    Py_XDECREF(r);
    return r ? 0 : -1;
}
IslHandle Queue_Get(IslContext *ctx, IslHandle queue, double timeout) {
    BackendState *st = backend_of(ctx);
    if (!st || !of_type(O(queue), st->queue_type, "IslQueue_Get", "an isles.interpreters.Queue")) return Null();
    return H(queue_get_op(st, queue_of(O(queue)), timeout != 0, c_timeout(timeout)));
}
int Channel_Send(IslContext *ctx, IslHandle send_end, IslHandle item, double timeout) {
    BackendState *st = backend_of(ctx);
    if (!st || !of_type(O(send_end), st->send_type, "IslChannel_Send", "an isles.interpreters.SendChannel"))
        return -1;
    if (!O(item)) return PyErr_SetString(PyExc_SystemError, "IslChannel_Send: got the null handle"), -1;
    PyObject *r = channel_send_op(st, end_of(O(send_end)), O(item), c_timeout(timeout), nullptr);
    Py_XDECREF(r);
    return r ? 0 : -1;
}
IslHandle Channel_Recv(IslContext *ctx, IslHandle recv_end, double timeout) {
    BackendState *st = backend_of(ctx);
    if (!st || !of_type(O(recv_end), st->recv_type, "IslChannel_Recv", "an isles.interpreters.RecvChannel"))
        return Null();
    return H(channel_recv_op(st, end_of(O(recv_end)), timeout != 0, c_timeout(timeout), nullptr));
}
}  // namespace impl

void queues_after_fork_in_child() {
    queues().after_fork_in_child();
    for (const std::shared_ptr<PyQueue> &q : queues().live()) q->after_fork_in_child();
    // Forked from another thread, the forking thread is the child's main thread.
    main_thread_ident = PyThread_get_thread_ident();
}

void queues_unbind_owner(int64_t id) {
    for (const std::shared_ptr<PyQueue> &q : queues().live()) q->unbind(id);
    for (const std::shared_ptr<xi::Channel> &ch : xi::Channel::list_open()) ch->unbind(id);
}

bool needs_interrupt_checks() {
    return PyInterpreterState_Get() == PyInterpreterState_Main() && PyThread_get_thread_ident() == main_thread_ident;
}

int queue_types_init(PyObject *module, BackendState *st) {
    if (PyInterpreterState_Get() == PyInterpreterState_Main() && main_thread_ident == 0) {
        PyObject *threading = PyImport_ImportModule("threading");
        PyObject *main = threading ? PyObject_CallMethod(threading, "main_thread", nullptr) : nullptr;
        PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : nullptr;
        if (ident) main_thread_ident = PyLong_AsUnsignedLong(ident);
        Py_XDECREF(ident);
        Py_XDECREF(main);
        Py_XDECREF(threading);
        if (PyErr_Occurred()) return -1;
    }
    st->queue_type = reinterpret_cast<PyTypeObject *>(PyType_FromModuleAndSpec(module, &queue_spec, nullptr));
    st->send_type = reinterpret_cast<PyTypeObject *>(PyType_FromModuleAndSpec(module, &send_spec, nullptr));
    st->recv_type = reinterpret_cast<PyTypeObject *>(PyType_FromModuleAndSpec(module, &recv_spec, nullptr));
    if (!st->queue_type || !st->send_type || !st->recv_type) return -1;
    if (PyModule_AddFunctions(module, queue_module_methods) < 0) return -1;
    for (PyTypeObject *tp : {st->queue_type, st->send_type, st->recv_type})
        if (PyModule_AddObjectRef(module, strrchr(tp->tp_name, '.') + 1, reinterpret_cast<PyObject *>(tp)) < 0)
            return -1;
    return 0;
}

// The interpreter's one object for the queue, as Python 3.14 keeps one per
// id: Queue(id), unpickling and receiving give the same object while it lives
// (a dict of weak references; a Queue's dealloc removes its entry).
PyObject *new_queue_object(BackendState *st, std::shared_ptr<xi::Queue> q) {
    if (!st->queue_objects && !(st->queue_objects = PyDict_New())) return nullptr;
    PyObject *key = PyLong_FromLongLong(q->id());
    if (!key) return nullptr;
    PyObject *ref = PyDict_GetItemWithError(st->queue_objects, key);  // borrowed
    PyObject *obj = ref ? referent(ref) : nullptr;
    if (obj || PyErr_Occurred()) {
        Py_DECREF(key);
        return obj;
    }
    auto *o = PyObject_New(QueueObject, st->queue_type);
    if (o) {
        new (&o->q) std::shared_ptr<PyQueue>(std::static_pointer_cast<PyQueue>(std::move(q)));
        o->weakrefs = nullptr;
        obj = reinterpret_cast<PyObject *>(o);
        ref = PyWeakref_NewRef(obj, nullptr);
        if (!ref || PyDict_SetItem(st->queue_objects, key, ref) < 0) Py_CLEAR(obj);
        Py_XDECREF(ref);
    }
    Py_DECREF(key);
    return obj;
}

PyObject *new_channel_end_object(BackendState *st, xi::Side side, std::shared_ptr<xi::Channel> ch) {
    auto *o = PyObject_New(ChannelEndObject, side == xi::Side::send ? st->send_type : st->recv_type);
    if (!o) return nullptr;
    new (&o->end) xi::ChannelEnd(std::move(ch), side, current_interp_id());
    return reinterpret_cast<PyObject *>(o);
}

bool unwrap_queue(BackendState *st, PyObject *o, std::shared_ptr<xi::Queue> *q) {
    if (Py_TYPE(o) != st->queue_type) return false;
    *q = reinterpret_cast<QueueObject *>(o)->q;
    return true;
}

bool unwrap_channel_end(BackendState *st, PyObject *o, xi::ChannelEnd *end) {
    if (Py_TYPE(o) != st->send_type && Py_TYPE(o) != st->recv_type) return false;
    const xi::ChannelEnd &mine = reinterpret_cast<ChannelEndObject *>(o)->end;
    *end = xi::ChannelEnd(mine.channel(), mine.side(), xi::ChannelEnd::kInTransit);
    return true;
}

}  // namespace isles::internal

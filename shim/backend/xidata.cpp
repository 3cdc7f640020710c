// Cross-interpreter data: objects become xi::Values in the sending
// interpreter and new objects in the receiving one. Buffers cross by
// reference: the receiver gets a memoryview on the exporter's memory, and
// the exporter's Py_buffer is released in the exporter's own interpreter.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "backend.h"
#include "interp_switch.h"

namespace isles::internal {

int64_t current_interp_id() { return PyInterpreterState_GetID(PyInterpreterState_Get()); }

namespace {

constexpr int kMaxDepth = 200;

// A Py_buffer exported in one interpreter. Until an interpreter that is
// being closed detaches it (copying the bytes), `view` points into the
// exporter's memory and must be released there.
class PyBufferShare : public xi::BufferShare {
  public:
    PyBufferShare(PyInterpreterState *exporter, int64_t exporter_id) : exporter_(exporter), exporter_id_(exporter_id) {}
    ~PyBufferShare() override;

    bool acquire(PyObject *obj);  // in the exporter, GIL held
    // In the exporter, GIL held: copy the bytes and release the exporter's
    // buffer; false if a receiver holds the memory (it cannot be moved).
    bool detach();
    int fill(PyObject *owner, Py_buffer *view, int flags);
    void pin() {
        std::lock_guard<std::mutex> guard(lock_);
        ++pins_;
    }
    void unpin() {
        std::lock_guard<std::mutex> guard(lock_);
        --pins_;
    }
    bool pinned() {
        std::lock_guard<std::mutex> guard(lock_);
        return pins_ > 0 && held_;
    }
    int64_t exporter_id() const { return exporter_id_; }
    // In a child just forked: memory of an interpreter that did not survive
    // stays valid (nothing frees it) but can never be released there.
    void after_fork_in_child(int64_t survivor) {
        new (&lock_) std::mutex;
        if (exporter_id_ != survivor) orphaned_ = true;
    }
    void orphan() {
        std::lock_guard<std::mutex> guard(lock_);
        orphaned_ = true;
    }

  private:
    std::mutex lock_;  // receivers in other interpreters vs detach()
    int pins_ = 0;     // live receiving objects
    PyInterpreterState *exporter_;
    int64_t exporter_id_;
    Py_buffer view_{};
    bool held_ = false;           // view_ still refers to the exporter's memory
    bool orphaned_ = false;       // its exporter is never finalized (fork, exit): never released
    std::string owned_;           // the bytes after detach()
    std::string format_;
    std::vector<Py_ssize_t> shape_, strides_;
};

// Every live share, so closing its exporter can detach it. Leaked: a share
// in a queue may outlive statics.
xi::WeakRegistry<PyBufferShare> &shares() {
    static auto *r = new xi::WeakRegistry<PyBufferShare>;
    return *r;
}
std::atomic<int64_t> next_share_id{0};

bool PyBufferShare::acquire(PyObject *obj) {
    if (PyObject_GetBuffer(obj, &view_, PyBUF_FULL_RO) < 0) return false;
    if (view_.suboffsets) {  // pointers into other memory (PIL-style): fill() could not describe them
        PyBuffer_Release(&view_);
        PyErr_SetString(PyExc_BufferError, "a buffer with suboffsets cannot be shared");
        return false;
    }
    held_ = true;
    format_ = view_.format ? view_.format : "B";
    shape_.assign(view_.shape, view_.shape + view_.ndim);
    if (view_.strides) strides_.assign(view_.strides, view_.strides + view_.ndim);
    return true;
}

bool PyBufferShare::detach() {
    std::lock_guard<std::mutex> guard(lock_);
    if (!held_) return true;
    if (pins_ > 0) return false;
    owned_.resize(static_cast<size_t>(view_.len));
    if (PyBuffer_ToContiguous(owned_.data(), &view_, view_.len, 'C') < 0) PyErr_Clear();
    // C-contiguous strides for the copy.
    strides_.assign(shape_.size(), 0);
    Py_ssize_t step = view_.itemsize;
    for (size_t i = shape_.size(); i-- > 0;) {
        strides_[i] = step;
        step *= shape_[i];
    }
    PyBuffer_Release(&view_);
    held_ = false;
    return true;
}

// A share whose last reference drops in another interpreter releases the
// exporter's buffer there; it is no longer in shares(), so the exporter's
// close cannot detach it. Close waits for such releases already inside the
// exporter, and later ones skip an exporter that is gone: its memory went
// with it (or, abandoned at exit, stays until the process ends).
struct Exporters {
    std::mutex lock;
    std::condition_variable idle;
    std::map<int64_t, int> releasing;  // exporter id -> releases running in it
    std::set<int64_t> gone;            // ended or abandoned: never entered again
};
Exporters &exporters() {  // leaked, as shares() is: shares may die after statics
    static auto *e = new Exporters;
    return *e;
}

PyBufferShare::~PyBufferShare() {
    if (!held_ || orphaned_) return;  // no lock: detach() runs only on shares still referenced
    PyThreadState *ts = current_tstate_or_null();
    if (ts && PyThreadState_GetInterpreter(ts) == exporter_) {
        PyBuffer_Release(&view_);
        return;
    }
    Exporters &ex = exporters();
    {
        std::lock_guard<std::mutex> guard(ex.lock);
        if (ex.gone.count(exporter_id_)) return;
        ++ex.releasing[exporter_id_];
    }
    run_in_interpreter(exporter_, [this] { PyBuffer_Release(&view_); });
    {
        std::lock_guard<std::mutex> guard(ex.lock);
        if (--ex.releasing[exporter_id_] == 0) ex.releasing.erase(exporter_id_);
    }
    ex.idle.notify_all();
}

int PyBufferShare::fill(PyObject *owner, Py_buffer *view, int flags) {
    std::lock_guard<std::mutex> guard(lock_);
    bool readonly = held_ ? view_.readonly != 0 : false;
    if ((flags & PyBUF_WRITABLE) && readonly) {
        PyErr_SetString(PyExc_BufferError, "the shared buffer is read-only");
        return -1;
    }
    view->buf = held_ ? view_.buf : owned_.data();
    view->obj = Py_NewRef(owner);
    view->len = held_ ? view_.len : static_cast<Py_ssize_t>(owned_.size());
    view->readonly = readonly;
    view->itemsize = held_ ? view_.itemsize : (view_.itemsize ? view_.itemsize : 1);
    view->format = (flags & PyBUF_FORMAT) ? format_.data() : nullptr;
    view->ndim = static_cast<int>(shape_.size());
    view->shape = (flags & PyBUF_ND) ? shape_.data() : nullptr;
    view->strides = (flags & PyBUF_STRIDES) && !strides_.empty() ? strides_.data() : nullptr;
    view->suboffsets = nullptr;
    view->internal = nullptr;
    // Contiguity is judged on the exporter's own layout, not on what the
    // request leaves in `view` (no strides reads as C-contiguous).
    Py_buffer layout = *view;
    layout.shape = shape_.data();
    layout.strides = strides_.empty() ? nullptr : strides_.data();
    const char *refused = nullptr;
    if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS || !(flags & PyBUF_STRIDES)) {
        if (!PyBuffer_IsContiguous(&layout, 'C')) refused = "C-contiguous";
    } else if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS) {
        if (!PyBuffer_IsContiguous(&layout, 'F')) refused = "Fortran-contiguous";
    } else if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS) {
        if (!PyBuffer_IsContiguous(&layout, 'A')) refused = "contiguous";
    }
    if (refused) {
        Py_CLEAR(view->obj);
        PyErr_Format(PyExc_BufferError, "the shared buffer is not %s", refused);
        return -1;
    }
    return 0;
}

// The receiving side's object: exports the shared memory; a memoryview on
// it is what the receiver gets.
struct SharedBufferObject {
    PyObject_HEAD
    std::shared_ptr<PyBufferShare> share;
};

int shared_getbuffer(PyObject *self, Py_buffer *view, int flags) {
    return reinterpret_cast<SharedBufferObject *>(self)->share->fill(self, view, flags);
}

void shared_dealloc(PyObject *self) {
    auto *o = reinterpret_cast<SharedBufferObject *>(self);
    PyTypeObject *tp = Py_TYPE(self);
    if (o->share) o->share->unpin();
    o->share.~shared_ptr();  // may release the exporter's buffer, in its interpreter
    tp->tp_free(self);
    Py_DECREF(tp);
}

PyType_Slot shared_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void *>(shared_dealloc)},
    {Py_bf_getbuffer, reinterpret_cast<void *>(shared_getbuffer)},
    {Py_tp_doc, const_cast<char *>("Memory shared by another interpreter (wrapped in a memoryview).")},
    {0, nullptr},
};
PyType_Spec shared_spec = {"isles.interpreters.SharedBuffer", sizeof(SharedBufferObject), 0,
                           Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, shared_slots};

bool not_shareable(BackendState *st, PyObject *obj, const char *why = nullptr) {
    if (why)
        PyErr_Format(st->NotShareableError, "%s", why);
    else
        PyErr_Format(st->NotShareableError, "objects of type %.200s cannot be shared between interpreters",
                     Py_TYPE(obj)->tp_name);
    return false;
}

// What pickles values that are not shareable: isles._calls (pickle, plus
// functions that pickle cannot name crossing as their code).
PyObject *pickle_module(BackendState *st) {
    if (!st->pickle) st->pickle = PyImport_ImportModule("isles._calls");
    return st->pickle;
}

}  // namespace

bool buffer_to_value(PyObject *obj, xi::Value &out) {
    int64_t id = current_interp_id();
    auto share = std::make_shared<PyBufferShare>(PyInterpreterState_Get(), id);
    if (!share->acquire(obj)) return false;
    if (interp_closing(id)) share->detach();  // its memory is about to go: lend a copy
    shares().add(next_share_id++, share);
    out.kind = xi::Value::Kind::buffer;
    out.buffer = std::move(share);
    return true;
}

namespace {

bool to_value_rec(BackendState *st, PyObject *obj, xi::Value &out, bool allow_pickle, int depth) {
    using K = xi::Value::Kind;
    if (obj == Py_None) {
        out.kind = K::none;
    } else if (PyBool_Check(obj)) {
        out.kind = K::boolean;
        out.boolean = obj == Py_True;
    } else if (PyLong_CheckExact(obj)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (v == -1 && PyErr_Occurred()) return false;
        if (!overflow) {
            out.kind = K::integer;
            out.integer = v;
        } else {
            PyObject *hex = PyNumber_ToBase(obj, 16);
            const char *s = hex ? PyUnicode_AsUTF8(hex) : nullptr;
            if (!s) {
                Py_XDECREF(hex);
                return false;
            }
            out.kind = K::big_integer;
            out.text = s;
            Py_DECREF(hex);
        }
    } else if (PyFloat_CheckExact(obj)) {
        out.kind = K::real;
        out.real = PyFloat_AS_DOUBLE(obj);
    } else if (PyUnicode_CheckExact(obj)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(obj, &n);
        if (s) {
            out.text.assign(s, static_cast<size_t>(n));
        } else {  // lone surrogates: keep them, as the receiver decodes with surrogatepass
            PyErr_Clear();
            PyObject *b = PyUnicode_AsEncodedString(obj, "utf-8", "surrogatepass");
            if (!b) return false;
            out.text.assign(PyBytes_AS_STRING(b), static_cast<size_t>(PyBytes_GET_SIZE(b)));
            Py_DECREF(b);
        }
        out.kind = K::str;
    } else if (PyBytes_CheckExact(obj)) {
        out.kind = K::bytes;
        out.text.assign(PyBytes_AS_STRING(obj), static_cast<size_t>(PyBytes_GET_SIZE(obj)));
    } else if (PyTuple_CheckExact(obj)) {
        if (depth >= kMaxDepth) return not_shareable(st, obj, "the tuple is nested too deeply to be shared");
        out.kind = K::tuple;
        Py_ssize_t n = PyTuple_GET_SIZE(obj);
        out.items.resize(static_cast<size_t>(n));
        for (Py_ssize_t i = 0; i < n; ++i)
            if (!to_value_rec(st, PyTuple_GET_ITEM(obj, i), out.items[static_cast<size_t>(i)], allow_pickle,
                              depth + 1))
                return false;
    } else if (unwrap_queue(st, obj, &out.queue)) {
        out.kind = K::queue;
    } else if (unwrap_channel_end(st, obj, &out.channel)) {
        out.kind = K::channel;
    } else if (PyObject_CheckBuffer(obj) && !PyBytes_Check(obj)) {  // a bytes subclass is no plain buffer, as in CPython
        return buffer_to_value(obj, out);
    } else if (allow_pickle) {
        PyObject *pickle = pickle_module(st);
        PyObject *data = pickle ? PyObject_CallMethod(pickle, "dumps", "Oi", obj, 5) : nullptr;
        if (!data) {
            // What pickle raises for an object it cannot pickle: TypeError or
            // AttributeError up to 3.13, pickle.PicklingError from 3.14 on.
            // That becomes NotShareableError, caused by it; anything else stays.
            PyObject *cause = PyErr_GetRaisedException();
            PyObject *picklingerror = pickle ? PyObject_GetAttrString(pickle, "PicklingError") : nullptr;
            if (!picklingerror) PyErr_Clear();
            bool unpicklable = PyErr_GivenExceptionMatches(cause, PyExc_TypeError) ||
                               PyErr_GivenExceptionMatches(cause, PyExc_AttributeError) ||
                               (picklingerror && PyErr_GivenExceptionMatches(cause, picklingerror));
            Py_XDECREF(picklingerror);
            if (unpicklable) {
                PyErr_Format(st->NotShareableError, "objects of type %.200s cannot be shared or pickled: %S",
                             Py_TYPE(obj)->tp_name, cause);
                PyObject *exc = PyErr_GetRaisedException();
                PyException_SetCause(exc, cause);  // steals cause
                PyErr_SetRaisedException(exc);
            } else {
                PyErr_SetRaisedException(cause);
            }
            return false;
        }
        out.kind = K::pickled;
        out.text.assign(PyBytes_AS_STRING(data), static_cast<size_t>(PyBytes_GET_SIZE(data)));
        Py_DECREF(data);
    } else {
        return not_shareable(st, obj);
    }
    return true;
}

}  // namespace

bool to_value(BackendState *st, PyObject *obj, xi::Value &out, bool allow_pickle) {
    if (PyErr_Occurred()) return false;
    return to_value_rec(st, obj, out, allow_pickle, 0);
}

PyObject *from_value(BackendState *st, xi::Value &&v) {
    using K = xi::Value::Kind;
    switch (v.kind) {
        case K::none: Py_RETURN_NONE;
        case K::boolean: return PyBool_FromLong(v.boolean);
        case K::integer: return PyLong_FromLongLong(v.integer);
        case K::big_integer: return PyLong_FromString(v.text.c_str(), nullptr, 0);
        case K::real: return PyFloat_FromDouble(v.real);
        case K::str:
            return PyUnicode_DecodeUTF8(v.text.data(), static_cast<Py_ssize_t>(v.text.size()), "surrogatepass");
        case K::bytes: return PyBytes_FromStringAndSize(v.text.data(), static_cast<Py_ssize_t>(v.text.size()));
        case K::tuple: {
            PyObject *t = PyTuple_New(static_cast<Py_ssize_t>(v.items.size()));
            for (size_t i = 0; t && i < v.items.size(); ++i) {
                PyObject *item = from_value(st, std::move(v.items[i]));
                if (!item) Py_CLEAR(t);
                else PyTuple_SET_ITEM(t, static_cast<Py_ssize_t>(i), item);
            }
            return t;
        }
        case K::queue: return new_queue_object(st, std::move(v.queue));
        case K::channel: return new_channel_end_object(st, v.channel.side(), v.channel.channel());
        case K::buffer: {
            auto share = std::static_pointer_cast<PyBufferShare>(v.buffer);
            auto *o = PyObject_New(SharedBufferObject, st->buffer_type);
            if (!o) return nullptr;
            new (&o->share) std::shared_ptr<PyBufferShare>(std::move(share));
            o->share->pin();
            PyObject *mv = PyMemoryView_FromObject(reinterpret_cast<PyObject *>(o));
            Py_DECREF(o);
            return mv;
        }
        case K::pickled: {
            PyObject *pickle = pickle_module(st);  // its import error stays the one reported
            PyObject *data =
                pickle ? PyBytes_FromStringAndSize(v.text.data(), static_cast<Py_ssize_t>(v.text.size())) : nullptr;
            PyObject *r = data ? PyObject_CallMethod(pickle, "loads", "O", data) : nullptr;
            Py_XDECREF(data);
            return r;
        }
    }
    PyErr_SetString(PyExc_SystemError, "isles: unknown cross-interpreter value");
    return nullptr;
}

void shares_after_fork_in_child(int64_t survivor) {
    shares().after_fork_in_child();
    new (&exporters().lock) std::mutex;
    new (&exporters().idle) std::condition_variable;
    new (&exporters().releasing) std::map<int64_t, int>;
    // No other thread is left to drop a reference: these are never the last.
    for (const std::shared_ptr<PyBufferShare> &s : shares().live()) s->after_fork_in_child(survivor);
}

void orphan_buffers_of(int64_t interp_id) {
    {
        std::lock_guard<std::mutex> guard(exporters().lock);
        exporters().gone.insert(interp_id);
    }
    for (const std::shared_ptr<PyBufferShare> &s : shares().live())
        if (s->exporter_id() == interp_id) s->orphan();
}

void buffers_exporter_ending(int64_t interp_id) {
    Exporters &ex = exporters();
    std::unique_lock<std::mutex> lk(ex.lock);
    ex.gone.insert(interp_id);
    if (!ex.releasing.count(interp_id)) return;
    PyThreadState *ts = PyEval_SaveThread();  // the releases need this interpreter's GIL
    ex.idle.wait(lk, [&] { return !ex.releasing.count(interp_id); });
    lk.unlock();
    PyEval_RestoreThread(ts);
}

bool detach_buffers_of(BackendState *st, int64_t interp_id, bool check_only) {
    std::vector<std::shared_ptr<PyBufferShare>> mine = shares().live();
    mine.erase(std::remove_if(mine.begin(), mine.end(), [&](auto &s) { return s->exporter_id() != interp_id; }),
               mine.end());
    size_t pinned = 0;
    for (auto &s : mine) pinned += s->pinned();
    if (!pinned && !check_only)
        for (auto &s : mine) pinned += !s->detach();
    if (pinned) {
        PyErr_Format(st->InterpreterError,
                     "%zu buffer(s) exported by interpreter %lld are still in use by other interpreters; "
                     "release the memoryviews first",
                     pinned, static_cast<long long>(interp_id));
        return false;
    }
    return true;
}

int xi_types_init(PyObject *module, BackendState *st) {
    st->buffer_type = reinterpret_cast<PyTypeObject *>(PyType_FromModuleAndSpec(module, &shared_spec, nullptr));
    return st->buffer_type ? 0 : -1;
}

}  // namespace isles::internal

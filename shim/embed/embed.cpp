// The C++ embedding API (include/isles/embed.hpp), built once per CPython
// as the static library isles_embed_cpXY. It drives the Python-level
// isles.interpreters module of the main interpreter, so it shares the
// runtime's registry and locks; it touches no isles internals.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "isles/embed.hpp"

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <set>
#include <utility>

namespace isles::embed {

namespace detail {
// A strong reference to an object of the main interpreter. Every live Ref is
// registered so that ~Runtime can drop the references (and close the
// interpreters) before CPython finalizes; a Ref outliving it is inert.
struct Ref {
    PyObject *obj = nullptr;
    bool interpreter = false;  // close it when the last owner goes
    ~Ref();
};
}  // namespace detail

namespace {
using detail::Ref;

std::mutex g_mu;                   // guards g_refs and every Ref::obj swap
std::set<Ref *> g_refs;
std::atomic<bool> g_made{false};   // a Runtime was constructed (ever)
std::atomic<bool> g_alive{false};  // the Runtime exists and CPython runs
PyThreadState *g_main = nullptr;   // the constructing thread's state, parked while the GIL is released
// Objects of the main interpreter, alive while g_alive.
PyObject *g_api = nullptr;    // isles.interpreters
PyObject *g_named = nullptr;  // Named(name): pickles as "resolve `name`", see kHelpers
PyObject *g_exec_failed = nullptr, *g_not_shareable = nullptr, *g_queue_empty = nullptr, *g_queue_full = nullptr;

// call() hands isles.interpreters.Interpreter.call a Named: it pickles as a
// call to pkgutil.resolve_name, so the name is imported and looked up when
// the target interpreter unpickles it, i.e. there, not here.
const char *kHelpers = R"PY(
import pkgutil
class Named:
    __slots__ = ("name",)
    def __init__(self, name):
        self.name = name
    def __reduce__(self):
        return (pkgutil.resolve_name, (self.name,))
)PY";

constexpr int kMaxDepth = 200;  // nested tuples, as the backend allows

// The main GIL, from any thread (its thread state is made and dropped as needed).
class Gil {
  public:
    Gil() : state_(PyGILState_Ensure()) {}
    ~Gil() { PyGILState_Release(state_); }
    Gil(const Gil &) = delete;
    Gil &operator=(const Gil &) = delete;

  private:
    PyGILState_STATE state_;
};

// An owned reference, released at scope exit (declare it after the Gil).
class Obj {
  public:
    explicit Obj(PyObject *p = nullptr) : p_(p) {}
    ~Obj() { Py_XDECREF(p_); }
    Obj(const Obj &) = delete;
    Obj &operator=(const Obj &) = delete;
    PyObject *get() const { return p_; }
    PyObject *release() { return std::exchange(p_, nullptr); }
    explicit operator bool() const { return p_ != nullptr; }

  private:
    PyObject *p_;
};


// Decimal digits <-> Python int without CPython's int_max_str_digits limit
// (4300 digits by default, on str(int) and int(str)): decimal.Decimal
// converts both ways exactly and has no such limit. New reference, or
// nullptr with an error set.
PyObject *decimal_of(PyObject *arg) {
    Obj mod(PyImport_ImportModule("decimal"));
    Obj type(mod ? PyObject_GetAttrString(mod.get(), "Decimal") : nullptr);
    return type ? PyObject_CallOneArg(type.get(), arg) : nullptr;
}

// An optional '-' and decimal digits, nothing else (Decimal would also take
// exponents, underscores, spaces and NaN).
bool is_decimal_integer(const std::string &s) {
    size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
    return start < s.size() && s.find_first_not_of("0123456789", start) == std::string::npos;
}

// str(obj) as UTF-8 (lone surrogates kept); never raises.
std::string text_of(PyObject *obj) {
    Obj s(obj ? PyObject_Str(obj) : nullptr);
    Obj b(s ? PyUnicode_AsEncodedString(s.get(), "utf-8", "surrogatepass") : nullptr);
    if (!b) {
        PyErr_Clear();
        return "<unprintable>";
    }
    return std::string(PyBytes_AS_STRING(b.get()), static_cast<size_t>(PyBytes_GET_SIZE(b.get())));
}

std::string attr_text(PyObject *obj, const char *name) {
    Obj a(obj ? PyObject_GetAttrString(obj, name) : nullptr);
    if (!a) PyErr_Clear();
    return a && a.get() != Py_None ? text_of(a.get()) : std::string();
}

bool matches(PyObject *exc, PyObject *type) { return type && PyErr_GivenExceptionMatches(exc, type); }

// Turns the pending Python exception into the matching C++ one. GIL held.
[[noreturn]] void raise_pending() {
    Obj exc(PyErr_GetRaisedException());
    if (!exc) throw Error("isles::embed: a Python call failed without an exception");
    if (matches(exc.get(), g_exec_failed)) {
        Obj info(PyObject_GetAttrString(exc.get(), "excinfo"));
        Obj type(info ? PyObject_GetAttrString(info.get(), "type") : nullptr);
        if (!type) PyErr_Clear();
        throw ExecutionFailed(attr_text(type.get(), "__name__"), attr_text(info.get(), "msg"),
                              attr_text(info.get(), "formatted"));
    }
    std::string what = std::string(Py_TYPE(exc.get())->tp_name) + ": " + text_of(exc.get());
    if (matches(exc.get(), g_not_shareable)) throw NotShareable(what);
    if (matches(exc.get(), g_queue_empty)) throw QueueEmpty(what);
    if (matches(exc.get(), g_queue_full)) throw QueueFull(what);
    throw Error(what);
}

PyObject *check(PyObject *result) {  // a new reference, or the pending error thrown
    if (!result) raise_pending();
    return result;
}

void require_runtime() {
    if (!g_alive) throw Error("isles::embed: no Runtime (make an isles::embed::Runtime first)");
}

PyObject *live(const std::shared_ptr<Ref> &ref, const char *what) {
    require_runtime();
    if (!ref || !ref->obj) throw Error(std::string("isles::embed: the ") + what + " is closed or was moved from");
    return ref->obj;
}

std::shared_ptr<Ref> make_ref(PyObject *owned, bool interpreter) {
    auto ref = std::make_shared<Ref>();
    ref->obj = owned;
    ref->interpreter = interpreter;
    std::lock_guard<std::mutex> lock(g_mu);
    g_refs.insert(ref.get());
    return ref;
}

PyObject *take(Ref *ref) {  // ownership of the reference, leaving the Ref inert
    std::lock_guard<std::mutex> lock(g_mu);
    return std::exchange(ref->obj, nullptr);
}

PyObject *timeout_arg(const Timeout &t) {
    return t ? PyFloat_FromDouble(t->count()) : Py_NewRef(Py_None);
}

// ---- Value <-> Python (main interpreter, GIL held)

PyObject *to_py(const Value &value) {
    return std::visit(
        [](const auto &v) -> PyObject * {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, None>) {
                return Py_NewRef(Py_None);
            } else if constexpr (std::is_same_v<T, bool>) {
                return PyBool_FromLong(v);
            } else if constexpr (std::is_same_v<T, int64_t>) {
                return PyLong_FromLongLong(v);
            } else if constexpr (std::is_same_v<T, BigInt>) {
                if (!is_decimal_integer(v.digits)) {
                    PyErr_Format(PyExc_ValueError, "BigInt holds no decimal number: %.200s", v.digits.c_str());
                    return nullptr;
                }
                Obj text(PyUnicode_FromStringAndSize(v.digits.data(), static_cast<Py_ssize_t>(v.digits.size())));
                Obj d(text ? decimal_of(text.get()) : nullptr);
                return d ? PyNumber_Long(d.get()) : nullptr;
            } else if constexpr (std::is_same_v<T, double>) {
                return PyFloat_FromDouble(v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), "surrogatepass");
            } else if constexpr (std::is_same_v<T, Bytes>) {
                return PyBytes_FromStringAndSize(v.data.data(), static_cast<Py_ssize_t>(v.data.size()));
            } else {
                Obj t(PyTuple_New(static_cast<Py_ssize_t>(v.size())));
                for (size_t i = 0; t && i < v.size(); ++i) {
                    PyObject *item = to_py(v[i]);
                    if (!item) return nullptr;
                    PyTuple_SET_ITEM(t.get(), static_cast<Py_ssize_t>(i), item);
                }
                return t.release();
            }
        },
        value.variant());
}

Value from_py(PyObject *o, int depth = 0) {
    if (o == Py_None) return none;
    if (PyBool_Check(o)) return o == Py_True;
    if (PyLong_CheckExact(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (!overflow) return static_cast<int64_t>(v);
        Obj d(check(decimal_of(o)));
        Obj digits(check(PyObject_Str(d.get())));
        return BigInt{text_of(digits.get())};
    }
    if (PyFloat_CheckExact(o)) return PyFloat_AS_DOUBLE(o);
    if (PyUnicode_CheckExact(o)) {
        Obj b(check(PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass")));
        return std::string(PyBytes_AS_STRING(b.get()), static_cast<size_t>(PyBytes_GET_SIZE(b.get())));
    }
    if (PyBytes_CheckExact(o)) return Bytes{std::string(PyBytes_AS_STRING(o), static_cast<size_t>(PyBytes_GET_SIZE(o)))};
    if (PyTuple_CheckExact(o)) {
        if (depth >= kMaxDepth) throw NotShareable("isles::embed: tuples nested too deeply");
        Tuple t;
        t.reserve(static_cast<size_t>(PyTuple_GET_SIZE(o)));
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(o); ++i) t.push_back(from_py(PyTuple_GET_ITEM(o, i), depth + 1));
        return t;
    }
    if (PyMemoryView_Check(o)) {  // a shared buffer: copied out, the view itself stays in Python
        Py_buffer view;
        if (PyObject_GetBuffer(o, &view, PyBUF_FULL_RO) < 0) raise_pending();
        std::string data(static_cast<size_t>(view.len), '\0');
        int rc = PyBuffer_ToContiguous(data.data(), &view, view.len, 'C');
        PyBuffer_Release(&view);
        if (rc < 0) raise_pending();
        return Bytes{std::move(data)};
    }
    throw NotShareable(std::string("isles::embed: objects of type ") + Py_TYPE(o)->tp_name +
                       " cannot be converted to a Value (None, bool, int, float, str, bytes, tuple)");
}

// obj.method(*args) with the GIL held; the result as a new reference.
PyObject *call_method(PyObject *obj, const char *method, std::initializer_list<PyObject *> args) {
    Obj m(check(PyObject_GetAttrString(obj, method)));
    Obj t(check(PyTuple_New(static_cast<Py_ssize_t>(args.size()))));
    Py_ssize_t i = 0;
    for (PyObject *a : args) PyTuple_SET_ITEM(t.get(), i++, Py_NewRef(a));
    return check(PyObject_Call(m.get(), t.get(), nullptr));
}

void clear_globals() {
    for (PyObject **p : {&g_api, &g_named, &g_exec_failed, &g_not_shareable, &g_queue_empty, &g_queue_full})
        Py_CLEAR(*p);
}

// Everything the Runtime needs in the main interpreter. GIL held.
void setup(const Config &config) {
    PyObject *path = PySys_GetObject("path");  // borrowed
    if (!path || !PyList_Check(path)) throw Error("isles::embed: sys.path is not a list");
    for (auto it = config.sys_path.rbegin(); it != config.sys_path.rend(); ++it) {  // the first ends up first
        Obj dir(check(PyUnicode_DecodeFSDefault(it->c_str())));
        if (PyList_Insert(path, 0, dir.get()) < 0) raise_pending();
    }
    g_api = check(PyImport_ImportModule("isles.interpreters"));
    g_exec_failed = check(PyObject_GetAttrString(g_api, "ExecutionFailed"));
    g_not_shareable = check(PyObject_GetAttrString(g_api, "NotShareableError"));
    g_queue_empty = check(PyObject_GetAttrString(g_api, "QueueEmpty"));
    g_queue_full = check(PyObject_GetAttrString(g_api, "QueueFull"));
    Obj ns(check(PyDict_New()));
    if (PyDict_SetItemString(ns.get(), "__builtins__", PyEval_GetBuiltins()) < 0 ||
        PyDict_SetItemString(ns.get(), "__name__", Obj(check(PyUnicode_FromString("isles.embed"))).get()) < 0)
        raise_pending();
    Obj r(check(PyRun_String(kHelpers, Py_file_input, ns.get(), ns.get())));
    g_named = Py_XNewRef(PyDict_GetItemString(ns.get(), "Named"));
    if (!g_named) throw Error("isles::embed: helper class missing");
}

}  // namespace

detail::Ref::~Ref() {
    PyObject *o = take(this);
    {
        std::lock_guard<std::mutex> lock(g_mu);
        g_refs.erase(this);
    }
    if (!o || !g_alive) return;
    Gil gil;
    if (interpreter) {
        PyObject *r = PyObject_CallMethod(o, "close", nullptr);
        if (!r) PyErr_Clear();  // running elsewhere or already gone: the atexit hook retries
        Py_XDECREF(r);
    }
    Py_DECREF(o);
}

// ---- errors and values

ExecutionFailed::ExecutionFailed(std::string type_name, std::string message, std::string traceback)
    : Error(message.empty() ? type_name : type_name + ": " + message),
      type_name_(std::move(type_name)),
      message_(std::move(message)),
      traceback_(std::move(traceback)) {}

const char *Value::type_name() const noexcept {
    static const char *const names[] = {"NoneType", "bool", "int", "int", "float", "str", "bytes", "tuple"};
    return names[v_.index()];
}

namespace {
void quote(std::string &out, const std::string &s, bool bytes) {
    out += bytes ? "b'" : "'";
    for (unsigned char c : s) {
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);  // UTF-8 kept as is in str
        }
    }
    out += '\'';
}

void repr_into(std::string &out, const Value &value) {
    std::visit(
        [&](const auto &v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, None>) {
                out += "None";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "True" : "False";
            } else if constexpr (std::is_same_v<T, int64_t>) {
                out += std::to_string(v);
            } else if constexpr (std::is_same_v<T, BigInt>) {
                out += v.digits;
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isnan(v)) {
                    out += "nan";
                } else if (std::isinf(v)) {
                    out += v > 0 ? "inf" : "-inf";
                } else {
                    char buf[32];
                    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip, as Python
                    std::string s(buf, r.ptr);
                    if (s.find_first_of(".e") == std::string::npos) s += ".0";
                    out += s;
                }
            } else if constexpr (std::is_same_v<T, std::string>) {
                quote(out, v, false);
            } else if constexpr (std::is_same_v<T, Bytes>) {
                quote(out, v.data, true);
            } else {
                out += '(';
                for (size_t i = 0; i < v.size(); ++i) {
                    if (i) out += ", ";
                    repr_into(out, v[i]);
                }
                out += v.size() == 1 ? ",)" : ")";
            }
        },
        value.variant());
}
}  // namespace

std::string Value::repr() const {
    std::string out;
    repr_into(out, *this);
    return out;
}

// ---- Runtime

Runtime::Runtime(const Config &config) {
    if (g_made.exchange(true)) throw Error("isles::embed: only one Runtime per process");
    if (Py_IsInitialized()) throw Error("isles::embed: CPython is already initialized; the Runtime must start it");
    PyConfig pc;
    if (config.isolated)
        PyConfig_InitIsolatedConfig(&pc);
    else
        PyConfig_InitPythonConfig(&pc);
    // Path discovery (stdlib, site-packages) is left to CPython: setting
    // module_search_paths here would switch it off.
    PyStatus st = PyStatus_Ok();
    if (!config.home.empty()) st = PyConfig_SetBytesString(&pc, &pc.home, config.home.c_str());
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&pc);
    PyConfig_Clear(&pc);
    if (PyStatus_Exception(st))
        throw Error(std::string("isles::embed: Py_InitializeFromConfig failed: ") + (st.err_msg ? st.err_msg : "?"));
    try {
        setup(config);
    } catch (...) {
        PyErr_Clear();
        clear_globals();
        Py_FinalizeEx();
        throw;
    }
    g_main = PyEval_SaveThread();  // any thread may take the GIL from now on
    g_alive = true;
}

Runtime::~Runtime() {
    PyEval_RestoreThread(g_main);
    g_alive = false;  // later calls throw; Refs dying later do nothing
    std::vector<std::pair<PyObject *, bool>> owned;
    {
        std::lock_guard<std::mutex> lock(g_mu);
        for (Ref *r : g_refs)
            if (r->obj) owned.emplace_back(std::exchange(r->obj, nullptr), r->interpreter);
    }
    for (auto &[o, interpreter] : owned) {  // without g_mu: close() releases the GIL
        if (interpreter) {
            PyObject *r = PyObject_CallMethod(o, "close", nullptr);
            if (!r) PyErr_Clear();
            Py_XDECREF(r);
        }
        Py_DECREF(o);
    }
    clear_globals();
    Py_FinalizeEx();  // runs isles.interpreters' atexit hook: closes what is left
}

// ---- Interpreter

Interpreter Interpreter::create(bool own_gil) {
    require_runtime();
    Gil gil;
    Obj fn(check(PyObject_GetAttrString(g_api, "create")));
    Obj args(check(PyTuple_New(0)));
    Obj kw(check(Py_BuildValue("{s:O}", "own_gil", own_gil ? Py_True : Py_False)));
    Obj interp(check(PyObject_Call(fn.get(), args.get(), kw.get())));
    Obj id(check(PyObject_GetAttrString(interp.get(), "id")));
    long long n = PyLong_AsLongLong(id.get());
    if (n == -1 && PyErr_Occurred()) raise_pending();
    return Interpreter(make_ref(interp.release(), true), n);
}

std::vector<int64_t> Interpreter::list_all() {
    require_runtime();
    Gil gil;
    Obj all(check(PyObject_CallMethod(g_api, "list_all", nullptr)));
    Obj seq(check(PySequence_Fast(all.get(), "list_all() must return a sequence")));
    std::vector<int64_t> ids;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq.get()); ++i) {
        Obj id(check(PyObject_GetAttrString(PySequence_Fast_GET_ITEM(seq.get(), i), "id")));
        long long n = PyLong_AsLongLong(id.get());
        if (n == -1 && PyErr_Occurred()) raise_pending();
        ids.push_back(n);
    }
    return ids;
}

Interpreter &Interpreter::operator=(Interpreter &&other) noexcept {
    ref_ = std::move(other.ref_);  // the Ref we held closes its interpreter as it goes
    id_ = other.id_;
    return *this;
}

Interpreter::~Interpreter() = default;

int64_t Interpreter::id() const { return id_; }

bool Interpreter::valid() const noexcept { return ref_ && ref_->obj; }

void Interpreter::exec(std::string_view code) {
    PyObject *o = live(ref_, "interpreter");
    Gil gil;
    Obj src(check(PyUnicode_DecodeUTF8(code.data(), static_cast<Py_ssize_t>(code.size()), nullptr)));
    Py_DECREF(call_method(o, "exec", {src.get()}));
}

Value Interpreter::call(std::string_view function, std::vector<Value> args) {
    PyObject *o = live(ref_, "interpreter");
    std::string name(function);
    if (name.find_first_of(".:") == std::string::npos) name = "__main__:" + name;
    Gil gil;
    Obj named(check(PyObject_CallFunction(g_named, "s#", name.data(), static_cast<Py_ssize_t>(name.size()))));
    Obj t(check(PyTuple_New(static_cast<Py_ssize_t>(args.size() + 1))));
    PyTuple_SET_ITEM(t.get(), 0, named.release());
    for (size_t i = 0; i < args.size(); ++i) PyTuple_SET_ITEM(t.get(), static_cast<Py_ssize_t>(i + 1), check(to_py(args[i])));
    Obj m(check(PyObject_GetAttrString(o, "call")));
    Obj r(check(PyObject_Call(m.get(), t.get(), nullptr)));
    return from_py(r.get());
}

namespace {
void set_main(PyObject *interp, std::string_view name, PyObject *value) {
    Obj ns(check(PyDict_New()));
    Obj key(check(PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size()))));
    if (PyDict_SetItem(ns.get(), key.get(), value) < 0) raise_pending();
    Py_DECREF(call_method(interp, "prepare_main", {ns.get()}));
}
}  // namespace

void Interpreter::set(std::string_view name, const Value &value) {
    PyObject *o = live(ref_, "interpreter");
    Gil gil;
    Obj v(check(to_py(value)));
    set_main(o, name, v.get());
}

void Interpreter::set(std::string_view name, const Queue &queue) {
    PyObject *o = live(ref_, "interpreter");
    PyObject *q = live(queue.ref_, "queue");
    Gil gil;
    set_main(o, name, q);
}

void Interpreter::close() {
    PyObject *o = live(ref_, "interpreter");
    Gil gil;
    Py_DECREF(call_method(o, "close", {}));  // Error (and still open) if it is running
    Py_XDECREF(take(ref_.get()));
}

// ---- Queue

Queue Queue::create(size_t maxsize) {
    require_runtime();
    Gil gil;
    Obj q(check(PyObject_CallMethod(g_api, "create_queue", "n", static_cast<Py_ssize_t>(maxsize))));
    return Queue(make_ref(q.release(), false));
}

void Queue::put(const Value &value, Timeout timeout) {
    PyObject *o = live(ref_, "queue");
    Gil gil;
    Obj v(check(to_py(value)));
    Obj t(check(timeout_arg(timeout)));
    Py_DECREF(call_method(o, "put", {v.get(), Py_True, t.get()}));  // waits with the GIL released
}

Value Queue::get(Timeout timeout) {
    PyObject *o = live(ref_, "queue");
    Gil gil;
    Obj t(check(timeout_arg(timeout)));
    Obj r(call_method(o, "get", {Py_True, t.get()}));
    return from_py(r.get());
}

size_t Queue::size() const {
    PyObject *o = live(ref_, "queue");
    Gil gil;
    Obj n(call_method(o, "qsize", {}));
    size_t v = PyLong_AsSize_t(n.get());
    if (v == static_cast<size_t>(-1) && PyErr_Occurred()) raise_pending();
    return v;
}

int64_t Queue::id() const {
    PyObject *o = live(ref_, "queue");
    Gil gil;
    Obj n(check(PyObject_GetAttrString(o, "id")));
    long long v = PyLong_AsLongLong(n.get());
    if (v == -1 && PyErr_Occurred()) raise_pending();
    return v;
}

}  // namespace isles::embed

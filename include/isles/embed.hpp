// isles/embed.hpp: a C++ API for programs that embed CPython and want its
// isolated interpreters: create them, run code, call functions, exchange
// values through queues, with RAII and C++ exceptions.
//
//     isles::embed::Runtime rt({{"/path/holding/isles"}});   // once per process
//     auto interp = isles::embed::Interpreter::create();      // its own GIL
//     interp.exec("def area(w, h): return w * h");
//     int64_t a = interp.call("area", 6, 7).as<int64_t>();   // 42
//     interp.call("math.factorial", 30);                      // a BigInt
//
// Everything goes through the Python-level `isles.interpreters` module of
// the main interpreter, so interpreters made here are the ones Python code
// sees with `isles.interpreters.list_all()`, under the same locks. Any
// thread may call the API: each call takes the main GIL for the moment it
// needs it (PyGILState_Ensure) and the backend releases it while code runs
// in the target interpreter or a queue waits, so interpreters driven from
// different threads run in parallel.
//
// Not supported: mixing this API with a CPython the program initialized
// itself; using objects of this API while the Runtime is being destroyed.
//
// This header names no CPython type: include Python.h yourself if you need it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace isles::embed {

// ---- errors: every Python failure arrives as one of these, never as a crash

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// An uncaught exception in an interpreter (a syntax error in exec() too).
class ExecutionFailed : public Error {
  public:
    ExecutionFailed(std::string type_name, std::string message, std::string traceback);
    const std::string &type_name() const noexcept { return type_name_; }  // e.g. "ZeroDivisionError"
    const std::string &message() const noexcept { return message_; }      // str(exc)
    const std::string &traceback() const noexcept { return traceback_; }  // the formatted traceback text

  private:
    std::string type_name_, message_, traceback_;
};

class NotShareable : public Error {  // a value that cannot cross as a Value
    using Error::Error;
};
class QueueEmpty : public Error {  // Queue::get timed out
    using Error::Error;
};
class QueueFull : public Error {  // Queue::put timed out on a bounded queue
    using Error::Error;
};

// ---- values: what crosses between C++ and an interpreter, as data

struct None {
    friend bool operator==(None, None) { return true; }
    friend bool operator!=(None, None) { return false; }
};
inline constexpr None none{};

// Python bytes (a std::string would become str).
struct Bytes {
    std::string data;
    friend bool operator==(const Bytes &a, const Bytes &b) { return a.data == b.data; }
    friend bool operator!=(const Bytes &a, const Bytes &b) { return a.data != b.data; }
};

// A Python int outside int64_t: its decimal digits, with a leading '-' if negative.
struct BigInt {
    std::string digits;
    friend bool operator==(const BigInt &a, const BigInt &b) { return a.digits == b.digits; }
    friend bool operator!=(const BigInt &a, const BigInt &b) { return a.digits != b.digits; }
};

class Value;

// A Python tuple. A type of its own, not std::vector<Value>, so that
// call(f, Tuple{...}) passes one tuple rather than the arguments.
struct Tuple : std::vector<Value> {
    using std::vector<Value>::vector;
};

// None, bool, int (int64_t, else BigInt), float (double), str (std::string,
// UTF-8; lone surrogates pass as their UTF-8-style bytes), bytes, and tuples
// of these. Exact Python types only: a list, a dict or an int subclass coming
// back is NotShareable. A memoryview coming back (a buffer someone shared)
// arrives as Bytes, copied.
class Value {
  public:
    using Variant = std::variant<None, bool, int64_t, BigInt, double, std::string, Bytes, Tuple>;

    Value() = default;  // None
    Value(None) {}
    Value(std::nullptr_t) {}
    Value(bool b) : v_(b) {}
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
    Value(I i) {
        if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(int64_t)) {
            if (i > static_cast<uint64_t>(INT64_MAX)) {
                v_ = BigInt{std::to_string(i)};
                return;
            }
        }
        v_ = static_cast<int64_t>(i);
    }
    Value(double d) : v_(d) {}
    Value(std::string s) : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(const char *s) : v_(std::string(s)) {}
    Value(Bytes b) : v_(std::move(b)) {}
    Value(BigInt b) : v_(std::move(b)) {}
    Value(Tuple t) : v_(std::move(t)) {}

    template <class T>
    bool is() const noexcept { return std::holds_alternative<T>(v_); }
    // The value as T; Error naming both types when it holds something else.
    template <class T>
    const T &as() const {
        if (const T *p = std::get_if<T>(&v_)) return *p;
        throw Error("isles::embed::Value holds " + std::string(type_name()) + ", not the type asked for");
    }
    const Variant &variant() const noexcept { return v_; }
    const char *type_name() const noexcept;  // the Python type: "NoneType", "int", "tuple", ...
    std::string repr() const;                // like Python's repr(), for messages and logs

    friend bool operator==(const Value &a, const Value &b) { return a.v_ == b.v_; }
    friend bool operator!=(const Value &a, const Value &b) { return !(a == b); }

  private:
    Variant v_;
};

// A timeout for blocking calls; nullopt waits forever. Any std::chrono duration converts.
using Timeout = std::optional<std::chrono::duration<double>>;

namespace detail {
struct Ref;  // a Python object of the main interpreter (defined in the implementation)
}

// ---- the runtime

struct Config {
    // Prepended to sys.path in this order (the first entry is searched
    // first). Must make `isles` importable unless it is installed; new
    // interpreters inherit the main interpreter's sys.path.
    std::vector<std::string> sys_path;
    // true: ignore PYTHON* environment variables and the user site directory
    // (PyConfig_InitIsolatedConfig, no signal handlers); false: behave like
    // the `python` command (PyConfig_InitPythonConfig).
    bool isolated = true;
    // PyConfig.home: the prefix of the CPython installation, for one that
    // lives elsewhere than its build said (a relocated or unpacked CPython).
    // Empty: CPython finds it from the program's location and its build.
    std::string home;
};

// Initializes CPython, imports isles.interpreters, then releases the GIL so
// that any thread may use the API. One per process, ever: a second throws
// Error, as does a CPython already initialized by the program. The
// destructor (on the thread that constructed it) closes the interpreters
// made through this API, invalidates every Interpreter and Queue, and
// finalizes CPython.
class Runtime {
  public:
    explicit Runtime(const Config &config = {});
    ~Runtime();
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;
};

class Queue;

// An isolated interpreter, closed when this object is destroyed (move-only).
class Interpreter {
  public:
    // own_gil: its own GIL and allocator (runs in parallel with the rest);
    // false: a legacy interpreter sharing the main GIL.
    static Interpreter create(bool own_gil = true);
    // Ids of every interpreter of the process (the main one included).
    static std::vector<int64_t> list_all();

    Interpreter() = default;  // empty (valid() is false) until assigned
    Interpreter(Interpreter &&) noexcept = default;
    Interpreter &operator=(Interpreter &&other) noexcept;
    Interpreter(const Interpreter &) = delete;
    Interpreter &operator=(const Interpreter &) = delete;
    ~Interpreter();  // close(), errors ignored

    int64_t id() const;           // kept after close()
    bool valid() const noexcept;  // false once closed or moved from

    // Runs source text in its __main__. ExecutionFailed on an uncaught exception.
    void exec(std::string_view code);
    // Calls `function(*args)` there and returns the result. `function` is
    // "module.attr" (imported there: "math.factorial", "os.path.join",
    // "pkg.mod:Class.method", "builtins.len") or a bare name defined in its
    // __main__ by exec() or set(). Raised exceptions, a missing module or
    // name included, are ExecutionFailed; a result that is no Value, or
    // that cannot even leave the interpreter, is NotShareable.
    Value call(std::string_view function, std::vector<Value> args);
    template <class... A>
    Value call(std::string_view function, A &&...args) {  // call("f", 1, "two", Tuple{3})
        return call(function, std::vector<Value>{Value(std::forward<A>(args))...});
    }
    // Binds `name` in its __main__.
    void set(std::string_view name, const Value &value);
    void set(std::string_view name, const Queue &queue);
    // Finalizes and destroys it. Error if code is still running in it
    // (from another thread). Using it afterwards is an Error.
    void close();

  private:
    explicit Interpreter(std::shared_ptr<detail::Ref> ref, int64_t id) : ref_(std::move(ref)), id_(id) {}
    std::shared_ptr<detail::Ref> ref_;
    int64_t id_ = -1;
};

// An isles.interpreters queue: C++ and every interpreter holding it (see
// Interpreter::set) put and get values; copies of a Queue share it.
// Waiting releases the GIL and blocks without polling.
class Queue {
  public:
    static Queue create(size_t maxsize = 0);  // 0: unbounded

    void put(const Value &value, Timeout timeout = std::nullopt);  // QueueFull when the timeout passes
    Value get(Timeout timeout = std::nullopt);                     // QueueEmpty when the timeout passes
    size_t size() const;
    int64_t id() const;

  private:
    friend class Interpreter;
    explicit Queue(std::shared_ptr<detail::Ref> ref) : ref_(std::move(ref)) {}
    std::shared_ptr<detail::Ref> ref_;
};

}  // namespace isles::embed

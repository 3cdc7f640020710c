// The C++ embedding API (include/isles/embed.hpp) on one embedded CPython:
// values both ways, errors, queues, parallel interpreters on std::threads,
// RAII, and the universal ports inside an interpreter it made. Built once
// per CPython (isles_embed_api_gtest_cpXY).
//
// Needs ISLES_PYTHONPATH (the directory holding the `isles` package) and
// ISLES_PORTS (build/ports); the tests skip without them.
#include <isles/embed.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

namespace em = isles::embed;
using em::BigInt;
using em::Bytes;
using em::Tuple;
using em::Value;
using namespace std::chrono_literals;

namespace isles::embed {
void PrintTo(const Value &v, std::ostream *os) { *os << v.repr(); }  // readable gtest failures
}  // namespace isles::embed

namespace {

std::unique_ptr<em::Runtime> g_runtime;  // made once, in main()
std::string g_setup_error;               // why the tests cannot run
bool g_skip = false;                     // not configured (skip) rather than broken (fail)

const char *env(const char *name) {
    const char *v = std::getenv(name);
    return v && *v ? v : nullptr;
}

class EmbedApi : public ::testing::Test {
  protected:
    void SetUp() override {
        if (g_runtime) return;
        if (g_skip) GTEST_SKIP() << g_setup_error;
        FAIL() << g_setup_error;
    }
};

// A fresh interpreter with two helpers in its __main__.
class WithInterp : public EmbedApi {
  protected:
    void SetUp() override {
        EmbedApi::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        interp = em::Interpreter::create();
        interp.exec("def echo(x):\n    return x\n"
                    "def kind(x):\n    return type(x).__name__\n"
                    "def get(name):\n    return globals()[name]\n");
    }
    em::Interpreter interp;
};

std::vector<Value> samples() {
    return {em::none,
            true,
            false,
            0,
            -1,
            std::numeric_limits<int64_t>::max(),
            std::numeric_limits<int64_t>::min(),
            std::numeric_limits<uint64_t>::max(),  // a BigInt
            BigInt{"-123456789012345678901234567890"},
            1.5,
            -0.0,
            1e300,
            std::numeric_limits<double>::infinity(),
            "",
            "h\xc3\xa9llo \xe2\x9c\x93",  // héllo ✓
            std::string("a\0b", 3),
            Bytes{std::string("\0\xff x", 4)},
            Bytes{},
            Tuple{},
            Tuple{1},
            Tuple{1, "two", Bytes{"3"}, Tuple{4.0, em::none, Tuple{false}}}};
}

TEST_F(EmbedApi, OneRuntimePerProcess) {
    EXPECT_THROW({ em::Runtime again; }, em::Error);
}

TEST_F(EmbedApi, ValueAccessorsAndRepr) {
    Value v = 5;
    EXPECT_TRUE(v.is<int64_t>());
    EXPECT_EQ(v.as<int64_t>(), 5);
    EXPECT_THROW(v.as<std::string>(), em::Error);
    EXPECT_TRUE(Value(std::numeric_limits<uint64_t>::max()).is<BigInt>());
    EXPECT_TRUE(Value().is<em::None>());
    EXPECT_STREQ(Value(Bytes{"x"}).type_name(), "bytes");
    EXPECT_EQ(Value(Tuple{1, "a'", Bytes{std::string(1, '\0')}, em::none, 1.5, true, 2.0}).repr(),
              "(1, 'a\\'', b'\\x00', None, 1.5, True, 2.0)");
    EXPECT_EQ(Value(Tuple{1}).repr(), "(1,)");
    EXPECT_NE(Value(1), Value(true));  // bool and int stay distinct
    EXPECT_NE(Value("x"), Value(Bytes{"x"}));
}

TEST_F(WithInterp, EveryValueKindRoundTrips) {
    for (const Value &v : samples()) {
        EXPECT_EQ(interp.call("echo", v), v) << v.repr();
        EXPECT_EQ(interp.call("kind", v), Value(v.type_name())) << v.repr();
    }
    Value nan = interp.call("echo", std::nan(""));
    ASSERT_TRUE(nan.is<double>());
    EXPECT_TRUE(std::isnan(nan.as<double>()));
    EXPECT_TRUE(std::signbit(interp.call("echo", -0.0).as<double>()));
    // A vector is the argument list; a Tuple is one argument.
    EXPECT_EQ(interp.call("builtins.max", std::vector<Value>{3, 9, 4}), Value(9));
    EXPECT_EQ(interp.call("builtins.len", Tuple{3, 9, 4}), Value(3));
}

TEST_F(WithInterp, SetBindsInMain) {
    for (const Value &v : samples()) {
        interp.set("x", v);
        EXPECT_EQ(interp.call("get", "x"), v) << v.repr();
    }
    interp.set("t", Tuple{1, "a"});
    interp.exec("assert t == (1, 'a'), t\nu = t + (b'z',)");
    EXPECT_EQ(interp.call("get", "u"), Value(Tuple{1, "a", Bytes{"z"}}));
}

TEST_F(WithInterp, CallResolvesNamesInTheInterpreter) {
    EXPECT_EQ(interp.call("math.factorial", 20), Value(int64_t{2432902008176640000}));
    EXPECT_EQ(interp.call("math.factorial", 25), Value(BigInt{"15511210043330985984000000"}));
    EXPECT_EQ(interp.call("builtins.pow", 2, 100), Value(BigInt{"1267650600228229401496703205376"}));
    EXPECT_EQ(interp.call("os.path.join", "a", "b"), Value("a/b"));
    EXPECT_EQ(interp.call("builtins.len", Bytes{"abc"}), Value(3));
    EXPECT_EQ(interp.call("__main__.echo", "x"), Value("x"));
    EXPECT_EQ(interp.call("__main__:echo", "x"), Value("x"));
    // Imported there, not in the main interpreter: its sys.modules gains it.
    EXPECT_EQ(interp.call("colorsys.rgb_to_hsv", 1.0, 0.0, 0.0), Value(Tuple{0.0, 1.0, 1.0}));
    interp.exec("import sys\nassert 'colorsys' in sys.modules");
    try {
        interp.call("no_such_module_xyz.f");
        ADD_FAILURE() << "no exception";
    } catch (const em::ExecutionFailed &e) {
        EXPECT_EQ(e.type_name(), "ModuleNotFoundError");
    }
    try {
        interp.call("math.no_such_function");
        ADD_FAILURE() << "no exception";
    } catch (const em::ExecutionFailed &e) {
        EXPECT_EQ(e.type_name(), "AttributeError");
    }
}

TEST_F(WithInterp, ExecutionFailedCarriesTypeMessageAndTraceback) {
    interp.exec("def boom(n):\n    raise ValueError(f'bad {n}')\n");
    try {
        interp.call("boom", 7);
        ADD_FAILURE() << "no exception";
    } catch (const em::ExecutionFailed &e) {
        EXPECT_EQ(e.type_name(), "ValueError");
        EXPECT_EQ(e.message(), "bad 7");
        EXPECT_STREQ(e.what(), "ValueError: bad 7");
        EXPECT_NE(e.traceback().find("in boom"), std::string::npos) << e.traceback();
        EXPECT_NE(e.traceback().find("ValueError: bad 7"), std::string::npos) << e.traceback();
    }
    try {
        interp.exec("x = 1\n1 / 0\n");
        ADD_FAILURE() << "no exception";
    } catch (const em::ExecutionFailed &e) {
        EXPECT_EQ(e.type_name(), "ZeroDivisionError");
        EXPECT_EQ(e.message(), "division by zero");
        EXPECT_NE(e.traceback().find("line 2"), std::string::npos) << e.traceback();
    }
    try {
        interp.exec("def broken(:\n");
        ADD_FAILURE() << "no exception";
    } catch (const em::ExecutionFailed &e) {
        EXPECT_EQ(e.type_name(), "SyntaxError");
    }
    EXPECT_THROW(interp.exec("raise KeyError('k')"), em::Error);  // ExecutionFailed is an Error
    EXPECT_EQ(interp.call("echo", 1), Value(1)) << "the interpreter stays usable";
}

TEST_F(WithInterp, BigIntsPastCPythonsDecimalDigitLimit) {
    // int_max_str_digits (4300) limits str(int) and int(str): BigInt must not be.
    std::string ten_to_5000 = "1" + std::string(5000, '0');
    EXPECT_EQ(interp.call("builtins.pow", 10, 5000), Value(BigInt{ten_to_5000}));
    std::string digits(20000, '7');
    EXPECT_EQ(interp.call("echo", BigInt{"-" + digits}), Value(BigInt{"-" + digits}));
    interp.exec("import sys\nbits = lambda n: n.bit_length()");
    EXPECT_EQ(interp.call("bits", BigInt{ten_to_5000}), Value(int64_t{16610}));
    EXPECT_EQ(interp.call("echo", BigInt{"-18446744073709551617"}), Value(BigInt{"-18446744073709551617"}));
}

TEST_F(WithInterp, BadInputIsAnErrorNotACrash) {
    EXPECT_THROW(interp.exec(std::string("x = '\xff'")), em::Error);  // not UTF-8
    EXPECT_THROW(interp.call("echo", BigInt{"12x"}), em::Error);      // not digits
    EXPECT_THROW(interp.call(""), em::ExecutionFailed);
    em::Queue q = em::Queue::create();
    EXPECT_THROW(q.get(-1s), em::Error);  // a negative timeout: ValueError
    em::Interpreter none_yet;
    EXPECT_FALSE(none_yet.valid());
    EXPECT_THROW(none_yet.exec("pass"), em::Error);
}

TEST_F(WithInterp, NotShareable) {
    interp.exec("def as_list():\n    return [1, 2]\n"
                "def as_closure():\n    n = 1\n    return lambda: n\n");
    EXPECT_THROW(interp.call("as_list"), em::NotShareable);  // crosses (pickled), but is no Value
    // A closure cannot even leave the interpreter: the call fails with
    // NotShareableError, as Interpreter.call() does (3.14).
    EXPECT_THROW(interp.call("as_closure"), em::NotShareable);
}

TEST_F(EmbedApi, QueueExchangesValuesWithAnInterpreter) {
    em::Interpreter interp = em::Interpreter::create();
    em::Queue tasks = em::Queue::create(), results = em::Queue::create();
    interp.set("tasks", tasks);
    interp.set("results", results);
    std::string worker_error;
    std::thread worker([&] {
        try {
            interp.exec("while (x := tasks.get()) is not None:\n"
                        "    results.put((type(x).__name__, x))\n"
                        "results.put(bytearray(b'buf'))\n"       // a buffer: arrives as Bytes
                        "results.put([1, 2], pickle=True)\n");   // pickled: no Value
        } catch (const em::Error &e) {
            worker_error = e.what();
        }
    });
    for (const Value &v : samples()) {
        if (v.is<em::None>()) continue;  // the stop signal
        tasks.put(v);
        EXPECT_EQ(results.get(30s), Value(Tuple{v.type_name(), v})) << v.repr();
    }
    tasks.put(em::none);
    EXPECT_EQ(results.get(30s), Value(Bytes{"buf"}));
    EXPECT_THROW(results.get(30s), em::NotShareable);
    worker.join();
    EXPECT_EQ(worker_error, "");

    EXPECT_THROW(results.get(20ms), em::QueueEmpty);
    em::Queue bounded = em::Queue::create(1);
    bounded.put("first");
    EXPECT_THROW(bounded.put("second", 20ms), em::QueueFull);
    em::Queue same = bounded;  // copies share the queue
    EXPECT_EQ(same.id(), bounded.id());
    EXPECT_EQ(same.size(), 1u);
    EXPECT_EQ(same.get(), Value("first"));
    EXPECT_EQ(bounded.size(), 0u);
}

TEST_F(EmbedApi, TwoInterpretersRunInParallelOnTwoThreads) {
    const char *spin = "def spin(n):\n    t = 0\n    for i in range(n):\n        t += i * i\n    return t\n";
    const int64_t n = 2'000'000;
    int64_t want = 0;
    for (int64_t i = 0; i < n; ++i) want += i * i;
    em::Interpreter a = em::Interpreter::create(), b = em::Interpreter::create();
    a.exec(spin);
    b.exec(spin);
    auto seconds = [](auto since) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count(); };

    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(a.call("spin", n), Value(want));
    double alone = seconds(t0);

    Value results[2];
    std::string errors[2];
    auto run = [&](int i, em::Interpreter &interp) {
        try {
            results[i] = interp.call("spin", n);
        } catch (const em::Error &e) {
            errors[i] = e.what();
        }
    };
    t0 = std::chrono::steady_clock::now();
    std::thread ta(run, 0, std::ref(a)), tb(run, 1, std::ref(b));
    ta.join();
    tb.join();
    double both = seconds(t0);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(errors[i], "");
        EXPECT_EQ(results[i], Value(want)) << "thread " << i;
    }
    // Reported, never asserted: timings on a shared machine are noise.
    std::printf("[ timing   ] one alone %.3f s, two in parallel %.3f s: %.2fx one alone (%u cores; <1.8x expected on 2+)\n",
                alone, both, both / alone, std::thread::hardware_concurrency());
}

TEST_F(EmbedApi, ClosesOnScopeExit) {
    auto count = [] { return em::Interpreter::list_all().size(); };
    auto listed = [](int64_t id) {
        auto all = em::Interpreter::list_all();
        return std::find(all.begin(), all.end(), id) != all.end();
    };
    size_t before = count();
    int64_t ida, idb;
    {
        em::Interpreter a = em::Interpreter::create();
        em::Interpreter b = em::Interpreter::create(/*own_gil=*/false);
        ida = a.id();
        idb = b.id();
        EXPECT_NE(ida, idb);
        EXPECT_EQ(count(), before + 2);
        EXPECT_EQ(b.call("math.sqrt", 16.0), Value(4.0));
    }
    EXPECT_EQ(count(), before);
    EXPECT_FALSE(listed(ida) || listed(idb));

    em::Interpreter c = em::Interpreter::create();
    c.close();
    EXPECT_FALSE(c.valid());
    EXPECT_THROW(c.exec("pass"), em::Error);
    EXPECT_THROW(c.close(), em::Error);
    EXPECT_EQ(count(), before);

    em::Interpreter d = em::Interpreter::create();
    int64_t idd = d.id();
    em::Interpreter e = std::move(d);
    EXPECT_FALSE(d.valid());
    EXPECT_TRUE(e.valid());
    EXPECT_EQ(e.id(), idd);
    e.exec("pass");
    e = em::Interpreter::create();  // the one it held is closed
    EXPECT_FALSE(listed(idd));
    EXPECT_EQ(count(), before + 1);
}

TEST_F(EmbedApi, PortsImportInAnInterpreter) {
    // isles.ports: where CPython compiles the accelerators in (Debian's),
    // sys.path alone cannot make the ports take their place.
    std::string code = std::string("import isles.ports\nisles.ports.install(") + "r'" + env("ISLES_PORTS") + "')\n" +
                       "import heapq, _heapq, bisect, _bisect, isles\n"
                       "assert heapq.heappush is _heapq.heappush and bisect.insort is _bisect.insort_right\n"
                       "def smallest(n, xs):\n    return tuple(heapq.nsmallest(n, xs))\n"
                       "def origin():\n    return (_heapq.__file__, _bisect.__file__)\n"
                       "def context():\n    return isles.backend().context_id()\n";
    em::Interpreter a = em::Interpreter::create(), b = em::Interpreter::create();
    a.exec(code);
    b.exec(code);
    EXPECT_EQ(a.call("smallest", 3, Tuple{5, 1, 4, 1, 9}), Value(Tuple{1, 1, 4}));
    Value origin = a.call("origin");
    ASSERT_EQ(origin.as<Tuple>().size(), 2u);
    for (const Value &f : origin.as<Tuple>()) {
        const std::string &path = f.as<std::string>(), suffix = ".abi3.so";
        EXPECT_TRUE(path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
            << path;
    }
    EXPECT_NE(a.call("context"), b.call("context")) << "each interpreter has its own isles context";
}

// Child-process body for the test below: destroys the Runtime while an
// Interpreter and a Queue are alive; 0 if they then fail cleanly.
int outlive_runtime() {
    int bad = 0;
    {
        em::Interpreter interp = em::Interpreter::create();
        em::Queue q = em::Queue::create();
        interp.set("q", q);
        interp.exec("q.put('left behind')");
        g_runtime.reset();  // closes the interpreter and finalizes CPython
        bad += interp.valid();
        for (auto f : std::initializer_list<std::function<void()>>{
                 [&] { interp.exec("pass"); }, [&] { q.get(0s); }, [] { em::Interpreter::create(); },
                 [] { em::Interpreter::list_all(); }, [] { em::Queue::create(); }}) {
            try {
                f();
                ++bad;
            } catch (const em::Error &) {
            }
        }
    }  // their destructors must not touch the finalized CPython
    return bad;
}

TEST_F(EmbedApi, ObjectsOutlivingTheRuntimeAreInert) {
    // "threadsafe": the child re-runs main(), so it has a Runtime of its own to destroy.
    ::testing::FLAGS_gtest_death_test_style = "threadsafe";
    EXPECT_EXIT(std::_Exit(outlive_runtime()), ::testing::ExitedWithCode(0), "");
}

}  // namespace

int main(int argc, char **argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const char *runtime = env("ISLES_PYTHONPATH"), *ports = env("ISLES_PORTS");
    if (!runtime || !ports) {
        g_skip = true;
        g_setup_error = "set ISLES_PYTHONPATH (the staged build/python) and ISLES_PORTS (build/ports); "
                        "`meson test -C build/meson` sets both";
    } else {
        try {
            em::Config config{{ports, runtime}};  // ports first
            config.home = ISL_TEST_PYTHONHOME;  // the CPython it was built for (tests/meson.build)
            g_runtime = std::make_unique<em::Runtime>(config);
        } catch (const em::Error &e) {
            g_setup_error = e.what();
        }
    }
    if (!g_runtime) std::fprintf(stderr, "isles_embed_api_gtest: %s\n", g_setup_error.c_str());
    int rc = RUN_ALL_TESTS();
    g_runtime.reset();  // closes what is left and finalizes CPython
    return rc;
}

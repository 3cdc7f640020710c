// Embeds CPython and loads the universal ports (build/ports) with the staged
// isles runtime (build/python), in the main interpreter and in own-GIL
// sub-interpreters, one or two at a time. Built once per CPython.
//
// Needs ISLES_PYTHONPATH (the directory holding the `isles` package) and
// ISLES_PORTS (the directory holding _heapq.abi3.so, _bisect.abi3.so); the
// tests skip without them.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

bool g_python_ready = false;
std::string g_setup_error;        // why the tests cannot run
bool g_skip = false;              // true: skip (not configured), false: fail (broken)
PyThreadState *g_main = nullptr;  // the main interpreter's thread state (main thread)

const char *env(const char *name) {
    const char *v = std::getenv(name);
    return v && *v ? v : nullptr;
}

// Puts the ports, then the runtime, first on the current interpreter's
// sys.path, and the ports' finder first on its sys.meta_path. Done per
// interpreter: a sub-interpreter copies the main config, not its sys.path (and PyConfig_Read no longer computes the stdlib paths
// since 3.11, so they cannot simply be prepended to module_search_paths).
bool add_isles_paths() {
    PyObject *path = PySys_GetObject("path");  // borrowed
    if (!path || !PyList_Check(path)) return false;
    for (const char *var : {"ISLES_PYTHONPATH", "ISLES_PORTS"}) {  // inserted at 0: ports end up first
        PyObject *dir = PyUnicode_DecodeFSDefault(env(var));
        int rc = dir ? PyList_Insert(path, 0, dir) : -1;
        Py_XDECREF(dir);
        if (rc < 0) return false;
    }
    // Where the accelerators are compiled into CPython (Debian's), sys.path
    // cannot shadow them: isles.ports puts a finder for the ports first.
    PyObject *ports = PyImport_ImportModule("isles.ports");
    PyObject *finder = ports ? PyObject_CallMethod(ports, "install", "s", env("ISLES_PORTS")) : nullptr;
    Py_XDECREF(ports);
    Py_XDECREF(finder);
    return finder != nullptr;
}

// Starts CPython isolated from the environment (no PYTHON* variables, no user
// site) but with `site`, so the stdlib is found as for a normal python.
bool start_python() {
    if (!env("ISLES_PYTHONPATH") || !env("ISLES_PORTS")) {
        g_skip = true;
        g_setup_error = "set ISLES_PYTHONPATH (the staged build/python) and ISLES_PORTS (build/ports); "
                        "`meson test -C build/meson` sets both";
        return false;
    }
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    // The prefix of the CPython this test was built for (tests/meson.build):
    // getpath cannot find one unpacked where its build did not expect.
    PyStatus st = PyConfig_SetBytesString(&config, &config.home, ISL_TEST_PYTHONHOME);
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        g_setup_error = std::string("Py_InitializeFromConfig failed: ") + (st.err_msg ? st.err_msg : "?");
        return false;
    }
    g_main = PyThreadState_Get();
    if (!add_isles_paths()) {
        PyErr_Print();
        g_setup_error = "could not extend sys.path";
        return false;
    }
    return true;
}

// Runs `code` in the current interpreter's __main__ and returns str(result),
// or "ERROR: <traceback>" if it raised. Needs the current interpreter's GIL.
std::string run(const std::string &code) {
    PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject *r = PyRun_String(code.c_str(), Py_file_input, globals, globals);
    std::string out;
    if (r) {
        Py_DECREF(r);
        PyObject *v = PyDict_GetItemString(globals, "result");  // borrowed
        PyObject *s = v ? PyObject_Str(v) : nullptr;
        const char *u = s ? PyUnicode_AsUTF8(s) : nullptr;
        out = u ? u : "ERROR: no `result` set";
        Py_XDECREF(s);
        PyErr_Clear();
        return out;
    }
    PyObject *exc = PyErr_GetRaisedException();
    PyObject *tb = PyImport_ImportModule("traceback");
    PyObject *lines = tb ? PyObject_CallMethod(tb, "format_exception", "O", exc) : nullptr;
    PyObject *empty = PyUnicode_FromString("");
    PyObject *text = lines && empty ? PyUnicode_Join(empty, lines) : nullptr;
    const char *u = text ? PyUnicode_AsUTF8(text) : nullptr;
    out = std::string("ERROR: ") + (u ? u : "<unformattable exception>");
    PyErr_Clear();
    Py_XDECREF(text);
    Py_XDECREF(empty);
    Py_XDECREF(lines);
    Py_XDECREF(tb);
    Py_XDECREF(exc);
    return out;
}

// Ends the current sub-interpreter and makes `caller` current again.
void end_isolated(PyThreadState *sub, PyThreadState *caller) {
    Py_EndInterpreter(sub);
    PyThreadState_Swap(caller);
}

// A fresh own-GIL interpreter with the isles paths, made current on this
// thread; the switch releases the caller's GIL. nullptr (with `err`) on failure.
PyThreadState *new_isolated(PyThreadState *caller, std::string *err) {
    PyInterpreterConfig cfg = {};
    cfg.use_main_obmalloc = 0;
    cfg.allow_fork = 0;
    cfg.allow_exec = 0;
    cfg.allow_threads = 1;
    cfg.allow_daemon_threads = 0;
    cfg.check_multi_interp_extensions = 1;  // refuses modules that don't declare isolation support
    cfg.gil = PyInterpreterConfig_OWN_GIL;
    PyThreadState *sub = nullptr;
    PyStatus st = Py_NewInterpreterFromConfig(&sub, &cfg);
    if (PyStatus_Exception(st)) {
        PyThreadState_Swap(caller);
        *err = std::string("Py_NewInterpreterFromConfig: ") + (st.err_msg ? st.err_msg : "?");
        return nullptr;
    }
    if (!add_isles_paths()) {
        PyErr_Clear();
        *err = "could not extend sys.path in the sub-interpreter";
        end_isolated(sub, caller);
        return nullptr;
    }
    return sub;
}

// Both ports, driven through the stdlib modules that wrap them.
const char *kWorkload = R"PY(
import heapq, bisect, _heapq, _bisect
assert _heapq.__file__.endswith("_heapq.abi3.so"), _heapq.__file__
assert _bisect.__file__.endswith("_bisect.abi3.so"), _bisect.__file__
assert heapq.heappush is _heapq.heappush and bisect.insort is _bisect.insort_right
data = [(i * 7919) % 1009 for i in range(1009)]   # a permutation of range(1009)
for _ in range(ROUNDS):
    h = []
    for x in data:
        heapq.heappush(h, x)
    out = [heapq.heappop(h) for _ in range(len(h))]
    assert out == list(range(1009)), out[:10]
    s = []
    for x in data:
        bisect.insort(s, x)
    assert s == out
    assert bisect.bisect_left(s, 500) == 500 and bisect.bisect_right(s, 500) == 501
    assert heapq.nsmallest(3, data) == [0, 1, 2]
result = "ok"
)PY";

std::string workload(int rounds) {
    return "ROUNDS = " + std::to_string(rounds) + "\n" + kWorkload;
}

const char *kContextId = "import isles\nresult = isles.backend().context_id()\n";

class Embed : public ::testing::Test {
  protected:
    void SetUp() override {
        if (g_python_ready) return;
        if (g_skip) GTEST_SKIP() << g_setup_error;
        FAIL() << g_setup_error;
    }
};

TEST_F(Embed, MainInterpreterUsesUniversalHeapq) {
    EXPECT_EQ(run(R"PY(
import heapq, _heapq
assert _heapq.__file__.endswith("_heapq.abi3.so"), _heapq.__file__
h = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    heapq.heappush(h, x)
result = [heapq.heappop(h) for _ in range(len(h))]
)PY"),
              "[1, 1, 2, 4, 5, 5, 6, 9]");
    EXPECT_EQ(run(workload(1)), "ok");
}

TEST_F(Embed, OwnGilSubInterpreterGetsItsOwnContext) {
    std::string main_ctx = run(kContextId);
    ASSERT_EQ(main_ctx.find("ERROR"), std::string::npos) << main_ctx;
    std::string err;
    PyThreadState *sub = new_isolated(g_main, &err);
    ASSERT_NE(sub, nullptr) << err;
    std::string work = run(workload(3));
    std::string sub_ctx = run(kContextId);
    end_isolated(sub, g_main);
    EXPECT_EQ(work, "ok");
    ASSERT_EQ(sub_ctx.find("ERROR"), std::string::npos) << sub_ctx;
    EXPECT_NE(sub_ctx, main_ctx) << "each interpreter must get its own isles context";
    EXPECT_EQ(run(kContextId), main_ctx) << "the main interpreter's context is untouched";
    EXPECT_EQ(run("import heapq\nresult = heapq.nlargest(2, [3, 1, 2])"), "[3, 2]");
}

TEST_F(Embed, TwoOwnGilInterpretersOnTwoThreads) {
    constexpr int kThreads = 2;
    std::string results[kThreads];
    std::atomic<int> created{0};
    bool overlapped[kThreads] = {};
    auto body = [&](int i) {
        // A thread state of the main interpreter first: a new interpreter is
        // made from the current one (and copies its config).
        PyGILState_STATE g = PyGILState_Ensure();
        PyThreadState *mine = PyThreadState_Get();
        PyThreadState *sub = new_isolated(mine, &results[i]);
        if (sub) {
            // Wait (holding only our own GIL) until both exist, so they really run side by side.
            ++created;
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (created.load() < kThreads && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            overlapped[i] = created.load() == kThreads;
            results[i] = run(workload(20));
            end_isolated(sub, mine);
        }
        PyGILState_Release(g);
    };
    PyThreadState *saved = PyEval_SaveThread();  // let the threads take the main GIL
    std::thread t0(body, 0), t1(body, 1);
    t0.join();
    t1.join();
    PyEval_RestoreThread(saved);
    for (int i = 0; i < kThreads; ++i) {
        EXPECT_EQ(results[i], "ok") << "thread " << i;
        EXPECT_TRUE(overlapped[i]) << "thread " << i << ": the two interpreters never coexisted";
    }
}

// Hides the isles runtime from the current interpreter (its sys.path entries
// and any imported isles modules), then imports a port afresh.
const char *kImportWithoutRuntime = R"PY(
import os, sys
sys.path[:] = [p for p in sys.path if not os.path.isdir(os.path.join(p or ".", "isles"))]
for name in [m for m in sys.modules if m in ("isles", "_heapq") or m.startswith("isles.")]:
    del sys.modules[name]
try:
    import _heapq
except ImportError as e:
    result = "ImportError: " + str(e)
else:
    result = "imported anyway from " + _heapq.__file__
)PY";

bool is_runtime_import_error(const std::string &r) {
    return r.rfind("ImportError: ", 0) == 0 && r.find("isles runtime") != std::string::npos;
}

TEST_F(Embed, MissingRuntimeIsImportErrorNotCrash) {
    std::string err;
    PyThreadState *sub = new_isolated(g_main, &err);
    ASSERT_NE(sub, nullptr) << err;
    std::string r = run(kImportWithoutRuntime);
    end_isolated(sub, g_main);
    EXPECT_TRUE(is_runtime_import_error(r)) << r;
    EXPECT_EQ(run("import _heapq\nresult = 'still fine'"), "still fine") << "the main interpreter is unaffected";
}

// The same with the runtime missing from the main interpreter too. It matters
// on 3.13+, where an import in a sub-interpreter runs PyInit_<name> in the
// main interpreter (CPython gh-117953), so the port's runtime lookup fails
// there. Run in a child process: CPython 3.13 can crash when PyInit raises
// during a sub-interpreter import (gh-144601), and that must not take the
// rest of the suite down with it.
// Child-process body for the test below: 0 if both imports fail cleanly.
int import_without_runtime_anywhere() {
    std::string in_main = run(kImportWithoutRuntime), err;  // hides it from main, and checks main too
    PyThreadState *sub = new_isolated(g_main, &err);
    std::string in_sub = sub ? run(kImportWithoutRuntime) : err;
    if (sub) end_isolated(sub, g_main);
    std::fprintf(stderr, "main: %s\nsub-interpreter: %s\n", in_main.c_str(), in_sub.c_str());
    return is_runtime_import_error(in_main) && is_runtime_import_error(in_sub) ? 0 : 1;
}

TEST_F(Embed, MissingRuntimeEverywhereIsImportErrorNotCrash) {
    EXPECT_EXIT(std::_Exit(import_without_runtime_anywhere()), ::testing::ExitedWithCode(0), "");
}

}  // namespace

int main(int argc, char **argv) {
    ::testing::InitGoogleTest(&argc, argv);
    g_python_ready = start_python();
    if (!g_python_ready) std::fprintf(stderr, "isles_embed_gtest: %s\n", g_setup_error.c_str());
    int rc = RUN_ALL_TESTS();
    if (g_main && Py_FinalizeEx() < 0) rc = rc ? rc : 120;
    return rc;
}

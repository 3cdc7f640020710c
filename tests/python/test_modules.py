"""Module definitions, per-interpreter module state, and the universal
loader: version negotiation, a missing runtime, and many interpreters."""
import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

from conftest import PORTS, PYTHONPATH, USE_PORTS, run_in

KINDS = r"""
static IslHandle noargs(IslContext *ctx, IslHandle m) { return IslStr_FromUTF8(ctx, "noargs"); }
static IslHandle one(IslContext *ctx, IslHandle m, IslHandle a) { return IslHandle_Dup(ctx, a); }
static IslHandle fast(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslLong_FromSize(ctx, nargs);
}
static IslHandle kw(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    IslHandle out[2] = {IslLong_FromSize(ctx, nargs), IslHandle_IsNull(kwnames) ? IslHandle_Dup(ctx, ctx->h_None)
                                                                               : IslHandle_Dup(ctx, kwnames)};
    IslHandle r = IslTuple_New(ctx, out, 2);
    IslHandle_Close(ctx, out[0]);
    IslHandle_Close(ctx, out[1]);
    return r;
}
static IslHandle self_is_module(IslContext *ctx, IslHandle m) {
    IslHandle name = IslObject_GetAttrString(ctx, m, "__name__");
    return name;
}
ISL_DEF_METH_NOARGS(noargs_def, "noargs", noargs, "noargs($module, /)\n--\n\nTakes nothing.");
ISL_DEF_METH_O(one_def, "one", one, "one($module, value, /)\n--\n\nReturns value.");
ISL_DEF_METH_FASTCALL(fast_def, "fast", fast, NULL);
ISL_DEF_METH_KEYWORDS(kw_def, "kw", kw, "kw docs");
ISL_DEF_METH_NOARGS(self_def, "self_name", self_is_module, "");
static const IslModuleConstant consts[] = {
    {"ANSWER", ISL_CONST_INT, 42, 0, NULL},
    {"BIG", ISL_CONST_INT, -9223372036854775807LL - 1, 0, NULL},
    {"PI", ISL_CONST_FLOAT, 0, 3.25, NULL},
    {"NAME", ISL_CONST_STR, 0, 0, "caf\xc3\xa9"},
    {NULL, ISL_CONST_END, 0, 0, NULL},
};
"""


def test_method_kinds_and_constants(run, make_module, abi):
    name = make_module(KINDS, ["noargs_def", "one_def", "fast_def", "kw_def", "self_def"], constants="consts")
    suffix = ".abi3.so" if abi == "universal" else sysconfig.get_config_var("EXT_SUFFIX")
    run(f"""
        import islhelpers as t
        assert mod.__file__.endswith("{suffix}"), mod.__file__  # the ABI mode's own build
        assert mod.noargs() == "noargs" and mod.one(5) == 5
        t.raises(TypeError, mod.noargs, 1, match="takes no arguments")
        t.raises(TypeError, mod.one, match="takes exactly one argument")
        assert mod.fast() == 0 and mod.fast(1, 2, 3) == 3
        t.raises(TypeError, mod.fast, a=1, match="takes no keyword arguments")
        assert mod.kw(1, 2, a=3, b=4) == (2, ("a", "b")) and mod.kw() == (0, None)
        assert mod.self_name() == "{name}"
        assert mod.noargs.__module__ == "{name}" and mod.noargs.__name__ == "noargs"
        assert mod.one.__text_signature__ == "($module, value, /)" and mod.one.__doc__ == "Returns value."
        assert mod.fast.__doc__ is None and mod.kw.__doc__ == "kw docs"
        assert mod.__doc__ == "isles test module"
        assert (mod.ANSWER, mod.BIG, mod.PI, mod.NAME) == (42, -2**63, 3.25, "caf\u00e9")
        import pickle
        assert pickle.loads(pickle.dumps(mod.one)) is mod.one
    """, name)


STATE = r"""
typedef struct { int64_t calls; int64_t exec_runs; } state_t;
static int freed = 0; /* C data only: counts module objects destroyed, in any interpreter */
static int exec_fn(IslContext *ctx, IslHandle m) {
    state_t *st = (state_t *)IslModule_GetState(ctx, m);
    if (!st) return -1;
    st->exec_runs += 1;
    IslHandle v = IslLong_FromInt64(ctx, 7);
    int r = IslModule_AddObject(ctx, m, "from_exec", v);
    IslHandle_Close(ctx, v);
    return r;
}
static IslHandle count(IslContext *ctx, IslHandle m) {
    state_t *st = (state_t *)IslModule_GetState(ctx, m);
    if (!st) return ISL_NULL;
    st->calls += 1;
    return IslLong_FromInt64(ctx, st->calls * 100 + st->exec_runs);
}
static IslHandle state_of(IslContext *ctx, IslHandle m, IslHandle other) {
    return IslModule_GetState(ctx, other) ? IslHandle_Dup(ctx, ctx->h_True) : ISL_NULL;
}
static IslHandle freed_count(IslContext *ctx, IslHandle m) { return IslLong_FromInt64(ctx, freed); }
ISL_DEF_METH_NOARGS(count_def, "count", count, "");
ISL_DEF_METH_O(stateof_def, "state_of", state_of, "");
ISL_DEF_METH_NOARGS(freed_def, "freed", freed_count, "");
"""


def test_module_state_is_per_interpreter(run, make_module, mode, ext_dir):
    name = make_module(STATE, ["count_def", "stateof_def", "freed_def"], state_size="sizeof(state_t)",
                       exec_fn="exec_fn")
    run("""
        import islhelpers as t, sys
        assert mod.from_exec == 7
        first = mod.count()
        assert first % 100 == 1  # exec ran once for this module object
        assert mod.count() == first + 100
        t.raises(TypeError, mod.state_of, sys, match="expected an isles module, got module")
        t.raises(TypeError, mod.state_of, 5, match="expected an isles module, got int")
        assert mod.state_of(mod) is True
    """, name)
    # Meanwhile a fresh interpreter gets a fresh module object with fresh state.
    fresh = run_in("sub", f"""
        import sys
        sys.path.insert(0, {str(ext_dir)!r})
        import {name} as mod
        __isles_result__ = str(mod.count())
    """)
    assert fresh == "101"


def test_module_free_runs_when_interpreter_ends(make_module, ext_dir):
    body = STATE.replace("static int freed = 0;", "static int freed = 0;\n"
                         "static void free_state(void *state) { (void)state; ++freed; }")
    name = make_module(body, ["count_def", "stateof_def", "freed_def"], state_size="sizeof(state_t)",
                       exec_fn="exec_fn", free_fn="free_state")
    import isles
    sys.path.insert(0, str(ext_dir))
    try:
        mod = __import__(name)
        before = mod.freed()
        for _ in range(3):
            isles.backend().run_isolated(f"import sys\nsys.path.insert(0, {str(ext_dir)!r})\n"
                                         f"import {name}\n{name}.count()")
        assert mod.freed() == before + 3
    finally:
        sys.path.remove(str(ext_dir))


def test_exec_failures_raise(make_module, mode, run):
    raising = make_module("""
        static int exec_fn(IslContext *ctx, IslHandle m) {
            IslErr_SetString(ctx, ctx->h_ValueError, "exec refused");
            return -1;
        }
    """, [], exec_fn="exec_fn")
    silent = make_module("""
        static int exec_fn(IslContext *ctx, IslHandle m) { (void)ctx; (void)m; return -1; }
    """, [], exec_fn="exec_fn")
    run(f"""
        import islhelpers as t, importlib
        t.raises(ValueError, importlib.import_module, "{raising}", match="exec refused")
        t.raises(SystemError, importlib.import_module, "{silent}", match="exec failed without setting an exception")
    """)


def test_bad_method_definition_is_an_import_error(make_module, run):
    name = make_module("""
        static IslHandle f(IslContext *ctx, IslHandle m) { return ISL_NULL; }
        static const IslMethodDef bad_def = {"bad", (void (*)(void))f, (void (*)(void))f, (IslMethodKind)99, ""};
    """, ["bad_def"])
    run(f"""
        import islhelpers as t, importlib
        t.raises(ImportError, importlib.import_module, "{name}", match="method #0 has a bad definition")
    """)


SIMPLE = """
static IslHandle hello(IslContext *ctx, IslHandle m) { return IslStr_FromUTF8(ctx, "hello"); }
ISL_DEF_METH_NOARGS(hello_def, "hello", hello, "");
"""


def test_newer_minor_abi_is_refused(make_module, run):
    name = make_module(SIMPLE, ["hello_def"], flags=("-DISL_ABI_VERSION_MINOR=99",))
    run(f"""
        import islhelpers as t, importlib, isles
        major, minor = isles.backend().abi_version
        e = t.raises(ImportError, importlib.import_module, "{name}")
        assert "built for isles ABI 0.99" in str(e) and f"provides ABI {{major}}.{{minor}}" in str(e), str(e)
    """)


def test_other_major_abi_is_refused(make_module, run):
    name = make_module(SIMPLE, ["hello_def"], flags=("-DISL_ABI_VERSION_MAJOR=9",))
    run(f"""
        import islhelpers as t, importlib
        e = t.raises(ImportError, importlib.import_module, "{name}")
        assert "built for isles ABI 9." in str(e) and "provides ABI 0." in str(e) and "major" in str(e), str(e)
    """)


def test_older_minor_abi_loads(make_module, run):
    name = make_module(SIMPLE, ["hello_def"], flags=("-DISL_ABI_VERSION_MINOR=0",))
    assert run(f"import {name}\n__isles_result__ = {name}.hello()") == "hello"


def test_missing_runtime_is_an_import_error(make_module, ext_dir):
    name = make_module(SIMPLE, ["hello_def"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ext_dir)
    proc = subprocess.run([sys.executable, "-c", f"import {name}"], env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    tag = "cp%d%d" % sys.version_info[:2]
    expected = (f"ImportError: isles extension '{name}' needs the isles runtime for CPython "
                f"{sys.version_info[0]}.{sys.version_info[1]} (module isles._backend_{tag}), which could not "
                f"be imported: No module named 'isles'")
    assert expected in proc.stderr, proc.stderr


def test_runtime_missing_in_sub_interpreter(make_module, ext_dir):
    """The main interpreter has the runtime, the sub-interpreter cannot import
    it: a clean ImportError in the sub-interpreter (whichever interpreter
    CPython runs PyInit in), and nothing breaks afterwards."""
    name = make_module(SIMPLE, ["hello_def"])
    code = textwrap.dedent(f"""
        import sys, islhelpers as t
        sys.path[:] = [{str(ext_dir)!r}] + [p for p in sys.path if p != {str(PYTHONPATH)!r}]
        for m in [m for m in sys.modules if m == "isles" or m.startswith("isles.")]:
            del sys.modules[m]
        e = t.raises(ImportError, __import__, "{name}")
        assert "needs the isles runtime for CPython" in str(e) and "No module named 'isles'" in str(e), str(e)
    """)
    sys.path.insert(0, os.path.dirname(__file__))
    try:
        run_in("sub", "import sys\nsys.path.insert(0, %r)\n" % os.path.dirname(__file__) + code)
    finally:
        sys.path.pop(0)
    assert run_in("sub", f"import sys\nsys.path.insert(0, {str(ext_dir)!r})\nimport {name}\n"
                         f"__isles_result__ = {name}.hello()") == "hello"


def test_contexts_are_per_interpreter():
    import isles
    main_ctx = isles.backend().context_id()
    code = "import isles\n__isles_result__ = str(isles.backend().context_id())"
    subs = {int(run_in("sub", code)) for _ in range(2)}
    assert main_ctx not in subs and all(subs)
    shared = int(isles.backend().run_isolated(code, own_gil=False))
    assert shared != main_ctx


def test_same_binary_in_many_interpreters_at_once(make_module, ext_dir):
    """Four own-GIL interpreters load one extension binary for the first time
    at once (a module never imported before in this process), import the
    _heapq port, and hammer both together."""
    import threading
    import time
    import isles
    name = make_module(STATE, ["count_def", "stateof_def", "freed_def"], state_size="sizeof(state_t)",
                       exec_fn="exec_fn", prefix=f"islfirst{os.getpid()}")
    assert name not in sys.modules
    start = time.time() + 0.5  # every interpreter exists by then: the first imports overlap
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ext_dir)!r})
        {USE_PORTS}
        time.sleep(max(0.0, {start!r} - time.time()))
        import {name} as mod, _heapq
        h = []
        for i in range(20000):
            n = mod.count()
            _heapq.heappush(h, -i)
        assert _heapq.heappop(h) == -19999
        __isles_result__ = str(n) + " " + _heapq.__file__
    """)
    results, errors = [], []

    def worker():
        try:
            results.append(isles.backend().run_isolated(code))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == [f"2000001 {PORTS / '_heapq.abi3.so'}"] * 4, results


def test_run_isolated_reports_remote_errors():
    import isles
    with pytest.raises(RuntimeError, match=r"(?s)ZeroDivisionError: division by zero"):
        isles.backend().run_isolated("1/0")
    with pytest.raises(RuntimeError, match="SyntaxError"):
        isles.backend().run_isolated("def (:")
    with pytest.raises(TypeError):
        isles.backend().run_isolated(b"bytes")
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        isles.backend().run_isolated("pass", bogus=1)


def run_script(code, timeout=60):
    """Runs code in a fresh CPython with isles importable: a hang fails the
    test (subprocess.TimeoutExpired) instead of hanging the suite."""
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_run_isolated_joins_threads_that_create_interpreters():
    """The sub-interpreter's non-daemon threads are joined before the
    interpreter lifecycle lock is taken: one that runs an interpreter itself
    must not deadlock, and joining twice must print nothing."""
    proc = run_script('''
        import isles
        code = """
        import threading, time, isles
        def later():
            time.sleep(0.5)
            print("nested:", isles.backend().run_isolated("__isles_result__ = 'ok'"), flush=True)
        threading.Thread(target=later).start()
        """
        isles.backend().run_isolated(code.replace("\\n        ", "\\n"))
        print("back", flush=True)
        isles.backend().run_isolated("import threading")
        isles.backend().run_isolated("pass", own_gil=False)
    ''')
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, ["nested:", "ok", "back"], "")


def test_run_isolated_refused_by_an_audit_hook():
    """An audit hook refusing cpython.PyInterpreterState_New: its exception
    comes back, the caller's thread state is intact, the next call works."""
    proc = run_script('''
        import sys, isles
        refuse = True
        def hook(event, args):
            if event == "cpython.PyInterpreterState_New" and refuse:
                raise RuntimeError("interpreters are forbidden here")
        sys.addaudithook(hook)
        for _ in range(2):
            try:
                isles.backend().run_isolated("pass")
            except RuntimeError as e:
                print("refused:", e)
        refuse = False
        print(isles.backend().run_isolated("__isles_result__ = 'works'"))
    ''')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["refused: interpreters are forbidden here"] * 2 + ["works"], proc.stdout


def test_runtime_missing_only_in_main_interpreter(make_module, ext_dir):
    """On 3.13+ PyInit runs in the main interpreter: when only the
    sub-interpreter can import the runtime, every import attempt says that
    the isles package must be importable in the main interpreter too."""
    name = make_module(SIMPLE, ["hello_def"], prefix="islmainless")
    proc = run_script(f'''
        import sys, isles
        backend = isles.backend()
        for m in [m for m in sys.modules if m == "isles" or m.startswith("isles.")]:
            del sys.modules[m]
        sys.path.remove({str(PYTHONPATH)!r})
        print(backend.run_isolated("""if 1:
            import sys
            sys.path[:0] = [{str(PYTHONPATH)!r}, {str(ext_dir)!r}]
            outcomes = []
            for attempt in range(3):
                try:
                    outcomes.append(__import__("{name}").hello())
                except ImportError as e:
                    outcomes.append(str(e))
            __isles_result__ = "\\\\n".join(outcomes)
        """))
    ''')
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    if sys.version_info >= (3, 13):
        assert len(lines) == 3 and all("must be importable in the main interpreter too" in x for x in lines), lines
        assert "import the module again" not in proc.stdout
    else:  # PyInit runs in the importing interpreter
        assert lines == ["hello"] * 3, lines

"""isles.interpreters: PEP 734 interpreters and queues, PEP 554 channels,
what crosses between interpreters, and the error paths."""
import math
import os
import queue as stdqueue
import subprocess
import sys
import threading
import textwrap
import time

import pytest

import isles.interpreters as interpreters
from isles.interpreters import (ChannelClosedError, ChannelEmptyError, ChannelNotEmptyError, ExecutionFailed,
                                InterpreterError, InterpreterNotFoundError, NotShareableError, QueueEmpty, QueueFull)


@pytest.fixture
def interp():
    i = interpreters.create()
    yield i
    try:
        i.close()
    except InterpreterNotFoundError:
        pass


def run_python(code, timeout=60):
    """Runs code in a fresh process of this Python (for what may crash, hang
    or change process state); returns the CompletedProcess, text mode."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))


def wait_until(pred, timeout=5.0):
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.002)


# ---------------------------------------------------------------- interpreters

def test_module_level_functions(interp):
    main = interpreters.get_main()
    assert main == interpreters.get_current() and main.whence == "runtime init"
    assert main.is_running()
    assert interp in interpreters.list_all() and interp.whence == "isles"
    assert interpreters.Interpreter(interp.id) is interp
    assert repr(interp) == f"Interpreter({interp.id})" and hash(interp) == hash(interp.id)
    assert not interp.is_running()
    with pytest.raises(TypeError):
        interpreters.Interpreter("1")


def test_exec_keeps_state_and_reports_exceptions(interp):
    interp.exec("x = 40")
    interp.exec("x += 2")
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    interp.exec("q.put(x)")
    assert q.get() == 42
    with pytest.raises(ExecutionFailed) as err:
        interp.exec("def boom():\n    raise KeyError('missing')\nboom()")
    info = err.value.excinfo
    assert info.type.__name__ == "KeyError" and info.type.__module__ == "builtins"
    assert info.msg == "'missing'"
    assert "Traceback (most recent call last)" in info.formatted and "in boom" in info.formatted
    assert "KeyError: 'missing'" in str(err.value)
    with pytest.raises(ExecutionFailed, match="SyntaxError"):
        interp.exec("def (:")
    with pytest.raises(TypeError):
        interp.exec(42)
    interp.exec("x = 1")  # still usable after failures


def test_interpreter_from_an_id_must_name_one(interp):
    assert interpreters.Interpreter(interp.id) is interp
    assert interpreters.Interpreter(interpreters.get_main().id).whence == interpreters.WHENCE_RUNTIME
    with pytest.raises(ValueError, match="non-negative"):
        interpreters.Interpreter(-1)
    with pytest.raises(InterpreterNotFoundError, match="unrecognized"):
        interpreters.Interpreter(10**6)
    with pytest.raises(OverflowError):
        interpreters.Interpreter(2**70)
    with pytest.raises(TypeError):
        interpreters.Interpreter("1")
    gone = interpreters.create()
    gid = gone.id
    gone.close()
    with pytest.raises(InterpreterNotFoundError):
        interpreters.Interpreter(gid)


def test_exec_and_prepare_main_refuse_nul(interp):
    """A NUL would cut the code or the name short: refused, as CPython 3.14 does."""
    with pytest.raises(SyntaxError, match="null bytes"):
        interp.exec("x = 1\0\nraise SystemError")
    with pytest.raises(ValueError, match="null"):
        interp.prepare_main({"x\0y": 5})
    interp.exec("assert 'x' not in globals(), 'ran up to the NUL'")


def test_exec_function(interp):
    def body():
        import sys
        sys.modules["__main__"].ran = True
    interp.exec(body)
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    interp.exec("q.put(ran)")
    assert q.get() is True
    with pytest.raises(ValueError):
        interp.exec(lambda a: a)


def test_prepare_main(interp):
    q = interpreters.create_queue()
    interp.prepare_main({"a": 1}, b=(2, "three"), q=q)
    interp.exec("q.put((a, b))")
    assert q.get() == (1, (2, "three"))
    with pytest.raises(NotShareableError, match="prepare_main\\(\\): c"):
        interp.prepare_main(c=[1])
    assert issubclass(NotShareableError, TypeError)
    with pytest.raises(TypeError):
        interp.prepare_main(5)
    # 3.14's rules: dict(ns, **kwargs), and binding nothing is an error
    interp.prepare_main([("d", 4)], e=5)
    interp.prepare_main({"a": 1}, a=6)
    interp.exec("q.put((a, d, e))")
    assert q.get() == (6, 4, 5)
    for args in [(), ({},), (None,), ([],)]:
        with pytest.raises(ValueError):
            interp.prepare_main(*args)


def double(x, factor=2):
    return x * factor


def test_call(interp):
    assert interp.call(math.factorial, 25) == math.factorial(25)
    assert interp.call(double, 21) == 42 and interp.call(double, "ab", factor=3) == "ababab"
    assert interp.call(sorted, [3, 1, 2]) == [1, 2, 3]  # pickled both ways

    def local(x, *, y=1):
        return x + y
    local.__module__ = "__main__"  # as if defined in a script: crosses as code
    assert interp.call(local, 1, y=2) == 3
    q = interpreters.create_queue()
    interp.call(q.put, "via a bound method")
    assert q.get() == "via a bound method"
    with pytest.raises(ExecutionFailed, match="ZeroDivisionError"):
        interp.call(divmod, 1, 0)
    # A result that cannot come back is the caller's NotShareableError (3.14).
    with pytest.raises(NotShareableError, match="result cannot cross back.*_thread.lock"):
        interp.call(threading.Lock)
    # Functions pickle cannot name cross as code if they use no closure and no
    # globals (3.14's stateless functions), as callables, arguments or results.
    assert interp.call(lambda: 1) == 1
    assert interp.call(lambda f, x: f(x), lambda x: x * 2, 21) == 42
    assert interp.call(lambda: (lambda x: -x))(5) == -5
    n = 1
    with pytest.raises(NotShareableError):
        interp.call(lambda: n)  # a closure
    with pytest.raises(NotShareableError):
        interp.call(lambda: math.pi)  # a global
    t = interp.call_in_thread(q.put, 7)
    t.join()
    assert isinstance(t, threading.Thread) and q.get() == 7


def test_call_refuses_a_main_function_whose_defaults_cannot_cross(interp):
    def uses_a_lock(lock=threading.Lock(), *, other=threading.Lock()):
        return 1
    uses_a_lock.__module__ = "__main__"
    with pytest.raises(NotShareableError, match="uses_a_lock"):
        interp.call(uses_a_lock)
    uses_a_lock.__defaults__ = (None,)
    with pytest.raises(NotShareableError, match="uses_a_lock"):  # the keyword-only default
        interp.call(uses_a_lock)
    uses_a_lock.__kwdefaults__ = None
    assert interp.call(uses_a_lock, other=None) == 1


BOUNCE = """
def bounce(n, here, there):
    return 0 if n == 0 else there.call(bounce, n - 1, there, here) + 1
"""


@pytest.mark.parametrize("stack", [0, 1 << 20])
def test_recursion_between_interpreters_is_bounded(stack):
    """Calls bouncing between two interpreters nest on one C stack while each
    hop starts a fresh recursion count: deep chains must end in RecursionError,
    not a crashed process, also on a thread with a small stack (subprocess).
    The failure's text stays bounded though it crossed a thousand hops."""
    code = ("import threading, isles.interpreters as I\n"
            f"exec({BOUNCE!r})\n"
            "a, b = I.create(), I.create()\n"
            f"a.exec({BOUNCE!r}); b.exec({BOUNCE!r})\n"
            "out = []\n"
            "def run():\n"
            "    out.append(a.call(bounce, 40, a, b))\n"
            "    try:\n"
            "        a.call(bounce, 100000, a, b)\n"
            "    except (I.ExecutionFailed, RecursionError) as e:\n"
            "        out.append('in calls between interpreters' in str(e) and len(str(e)) < 80_000)\n"
            "    out.append(a.call(bounce, 40, a, b))  # the count is back to zero\n"
            f"if {stack}: threading.stack_size({stack})\n"
            "t = threading.Thread(target=run); t.start(); t.join()\n"
            "print(out)\n")
    proc = run_python(code, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "[40, True, 40]", proc.stdout + proc.stderr


def test_registries_forget_dead_queues_and_buffers():
    """Live queues and lent buffers are tracked by weak pointers; dead ones
    must not pile up (RSS) nor make each new queue scan all others (time,
    as a ratio of two runs side by side)."""
    for _ in range(1000):
        interpreters.is_shareable(bytearray(8))
    before = rss_mb()
    for _ in range(200_000):
        interpreters.is_shareable(bytearray(8))
    grown = rss_mb() - before
    assert grown < 8, f"{grown:.1f} MiB kept after 200,000 shared buffers"

    def create_2000():
        t0 = time.perf_counter()
        made = [interpreters.create_queue() for _ in range(2000)]
        return time.perf_counter() - t0, made
    alone = min(create_2000()[0] for _ in range(3))
    live = [interpreters.create_queue() for _ in range(30_000)]
    crowded = min(create_2000()[0] for _ in range(3))
    assert crowded < 10 * alone, f"2,000 queues: {alone * 1e3:.1f} ms alone, {crowded * 1e3:.1f} ms beside {len(live)}"


def test_close(interp):
    interp.close()
    assert interp not in interpreters.list_all()
    with pytest.raises(InterpreterNotFoundError):
        interp.exec("pass")
    with pytest.raises(InterpreterNotFoundError):
        interp.close()
    with pytest.raises(InterpreterError, match="cannot close itself"):
        interpreters.get_current().close()
    other = interpreters.create()
    with pytest.raises(ExecutionFailed, match="main interpreter cannot be closed"):
        other.exec(f"import isles.interpreters as I\nI.Interpreter({interpreters.get_main().id}).close()")
    other.close()


def test_close_while_running_is_refused(interp):
    go, started = interpreters.create_queue(), interpreters.create_queue()
    interp.prepare_main(go=go, started=started)
    t = threading.Thread(target=interp.exec, args=("started.put(1)\ngo.get()",))
    t.start()
    try:
        started.get(timeout=10)
        assert interp.is_running()
        with pytest.raises(InterpreterError, match="is running"):
            interp.close()
    finally:
        go.put(None)
        t.join()
    assert not interp.is_running()


def test_close_joins_threads_that_use_interpreters():
    """A thread of the closing interpreter that itself creates and closes an
    interpreter must not deadlock against the close (run in a subprocess,
    so a deadlock fails instead of hanging the suite)."""
    inner = ("import threading, time, isles.interpreters as I\n"
             "def work():\n"
             "    time.sleep(0.3)\n"
             "    inner = I.create()\n"
             "    inner.exec('x = 1')\n"
             "    inner.close()\n"
             "threading.Thread(target=work).start()\n")
    proc = run_python("import isles.interpreters as I\n"
                      "outer = I.create()\n"
                      f"outer.exec({inner!r})\n"
                      "outer.close()\n"
                      "print('closed')\n")
    assert proc.returncode == 0 and proc.stdout.strip() == "closed", proc.stderr


def test_legacy_shared_gil_interpreter():
    i = interpreters.create(own_gil=False)
    try:
        assert i.call(eval, "1 + 1") == 2
    finally:
        i.close()


def test_interpreters_from_a_sub_interpreter(interp):
    interp.exec("""if True:
        import isles.interpreters as I
        inner = I.create()
        assert inner.call(eval, '6 * 7') == 42
        assert I.get_current().whence == 'isles'
        inner.close()
    """)


def test_owned_interpreter_closes_when_forgotten():
    i = interpreters.create()
    ident = i.id
    del i
    import gc
    gc.collect()
    assert ident not in [x.id for x in interpreters.list_all()]


def test_close_after_threading_was_first_imported_from_another_thread():
    """3.12 aborted in Py_EndInterpreter ("not the last thread") when the
    interpreter's first `threading` import ran on a non-creator thread, whose
    thread state then counted as its main thread (subprocess: an abort)."""
    proc = run_python(
        "import threading, isles.interpreters as I\n"
        "a = I.create()\n"
        "code = 'import threading; t = threading.Thread(target=print); t.start(); t.join()'\n"
        "t = threading.Thread(target=a.exec, args=(code,)); t.start(); t.join()\n"
        "a.exec('import threading')\n"
        "a.close()\n"
        "print('closed')\n")
    assert proc.returncode == 0 and proc.stdout.strip().endswith("closed"), proc.stdout + proc.stderr


def run_blocked_in(interp):
    """Starts a thread blocked in interp (in q.get()); put anything in q to end it."""
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    t = threading.Thread(target=interp.exec, args=("q.get()",))
    t.start()
    wait_until(interp.is_running)
    return q, t


def test_one_thread_at_a_time_runs_an_interpreter(interp):
    """As in 3.14: exec/call/prepare_main from a second thread while one runs
    the interpreter raise InterpreterError; it works again once idle."""
    q, t = run_blocked_in(interp)
    for attempt in (lambda: interp.exec("pass"), lambda: interp.call(len, ()), lambda: interp.prepare_main(x=1)):
        with pytest.raises(InterpreterError, match="already running"):
            attempt()
    q.put(None)
    t.join()
    assert not interp.is_running()
    interp.exec("pass")


@pytest.mark.skipif(sys.version_info < (3, 13), reason="CPython's _interpreters module is 3.13+")
def test_side_by_side_with_cpythons_own_module(interp):
    """isles and CPython's _interpreters see each other's runs, isles closes
    what CPython's module made through it, and the exceptions are CPython's too."""
    import _interpreters

    assert issubclass(InterpreterError, _interpreters.InterpreterError)
    assert issubclass(InterpreterNotFoundError, _interpreters.InterpreterNotFoundError)
    assert issubclass(NotShareableError, _interpreters.NotShareableError)
    q, t = run_blocked_in(interp)
    assert _interpreters.is_running(interp.id)
    with pytest.raises(_interpreters.InterpreterError, match="running"):
        _interpreters.run_string(interp.id, "pass")
    q.put(None)
    t.join()
    assert not _interpreters.is_running(interp.id)
    # A run of CPython's module is seen by isles.
    r, w = os.pipe()
    t = threading.Thread(target=_interpreters.run_string, args=(interp.id, f"import os; os.read({r}, 1)"))
    t.start()
    while not interp.is_running():
        time.sleep(0.01)
    with pytest.raises(InterpreterError, match="already running"):
        interp.exec("pass")
    with pytest.raises(InterpreterError, match="running"):
        interp.close()
    os.write(w, b"x")
    t.join()
    os.close(r), os.close(w)
    # One that CPython's module made.
    other = interpreters.Interpreter(_interpreters.create())
    assert other.whence == "_interpreters module" and other in interpreters.list_all()
    other.close()
    assert other.id not in [i.id for i in interpreters.list_all()]


def test_one_backend_per_interpreter_even_if_sys_modules_loses_it():
    """Deleting isles.* from sys.modules and importing again gives the running
    backend back, not a second one whose queues and exceptions differ."""
    code = textwrap.dedent("""
        import importlib, sys, isles, isles.interpreters as I
        b, q = isles.backend(), I.create_queue()
        for m in [m for m in sys.modules if m == "isles" or m.startswith("isles.")]:
            del sys.modules[m]
        import isles.interpreters as I2
        assert isles.backend() is b and I2.Queue is I.Queue and I2.QueueEmpty is I.QueueEmpty
        q2 = I2.create_queue()
        q2.put(q)
        assert q2.get() is q
        try:
            q.get_nowait()
        except I2.QueueEmpty:
            pass
        __isles_result__ = "ok"
    """)
    assert run_python("import isles\n" + f"exec({code!r})\nprint(__isles_result__)").stdout.strip() == "ok"
    assert interpreters.create().call(exec_for_result, code) == "ok"


def exec_for_result(code):
    ns = {}
    exec(code, ns)
    return ns["__isles_result__"]


# ---------------------------------------------------------------- values

VALUES = [None, True, False, 0, -1, 2**63 - 1, -2**63, 2**200, -(2**200) + 1, 0.0, -1.5, math.inf,
          "", "h\u00e9llo \U0001F600", "lone \ud800 surrogate", b"", b"\x00\xff", (), (1, ("a", (b"b", None))),
          ((((),),),)]


def test_values_cross_exactly(interp):
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    for v in VALUES:
        assert interpreters.is_shareable(v), v
        q.put(v)
        interp.exec("q.put(q.get())")  # through the other interpreter and back
        got = q.get()
        assert got == v and type(got) is type(v), (v, got)
    q.put(math.nan)
    assert math.isnan(q.get())
    q.put(True)
    assert q.get() is True


def test_not_shareable():
    class S(str):
        pass
    class B(bytes):
        pass
    for v in [[], {}, object(), S("x"), B(b"x"), 1 + 2j, ([],), interpreters.get_main(), {1}]:
        assert not interpreters.is_shareable(v), v
    q = interpreters.create_queue(pickle=False)
    with pytest.raises(NotShareableError, match="list"):
        q.put([1])
    # As in Python 3.14, a default queue pickles what it cannot share.
    default = interpreters.create_queue()
    default.put([1, {2: 3}])
    assert default.get() == [1, {2: 3}]
    deep = ()
    for _ in range(300):
        deep = (deep,)
    with pytest.raises(NotShareableError, match="nested too deeply"):
        q.put(deep)


# ---------------------------------------------------------------- queues

def test_queue_basics():
    q = interpreters.create_queue(maxsize=2)
    assert q.maxsize == 2 and q.empty() and not q.full() and q.qsize() == 0
    q.put(1)
    q.put_nowait(2)
    assert q.full() and q.qsize() == 2
    with pytest.raises(QueueFull):
        q.put(3, block=False)
    t0 = time.monotonic()
    with pytest.raises(QueueFull):
        q.put(3, timeout=0.05)
    assert time.monotonic() - t0 >= 0.04
    assert q.get() == 1 and q.get_nowait() == 2
    with pytest.raises(QueueEmpty):
        q.get_nowait()
    with pytest.raises(stdqueue.Empty):
        q.get(timeout=0.01)
    assert issubclass(QueueFull, stdqueue.Full) and issubclass(QueueEmpty, interpreters.QueueError)
    with pytest.raises(ValueError):
        q.get(timeout=-1)
    with pytest.raises(TypeError):
        q.put()
    unbounded = interpreters.create_queue()
    for i in range(1000):
        unbounded.put(i)
    assert unbounded.qsize() == 1000 and not unbounded.full()
    assert q != unbounded and q == q and len({q, q}) == 1


def test_queue_pickle_fallback():
    q = interpreters.create_queue(pickle=True)
    q.put([1, {"a": 2}])
    assert q.get() == [1, {"a": 2}]
    plain = interpreters.create_queue()
    plain.put({"x": 1}, pickle=True)
    assert plain.get() == {"x": 1}
    with pytest.raises(NotShareableError, match="cannot be shared or pickled"):
        q.put(threading.Lock())


def test_queue_blocks_without_polling_across_interpreters(interp):
    requests, replies = interpreters.create_queue(), interpreters.create_queue()
    interp.prepare_main(requests=requests, replies=replies)
    t = interp.call_in_thread(exec, "while (m := requests.get()) is not None:\n    replies.put(m + 1)",
                              {"requests": requests, "replies": replies})
    for i in range(1000):
        requests.put(i)
        assert replies.get(timeout=10) == i + 1
    requests.put(None)
    t.join()


def test_queue_is_shareable_and_keeps_identity(interp):
    q = interpreters.create_queue(maxsize=7)
    carrier = interpreters.create_queue()
    carrier.put(q)
    q2 = carrier.get()
    assert q2 == q and q2.id == q.id and q2.maxsize == 7
    interp.prepare_main(carrier=carrier)
    carrier.put(q)
    interp.exec("inner = carrier.get()\ninner.put('from the other side')")
    assert q.get() == "from the other side"


def test_queues_and_channels_from_an_id(interp):
    """3.14's Queue(id) (QueueNotFoundError for an id naming none) and PEP 554's
    SendChannel(id)/RecvChannel(id); maxsize is kept as given."""
    q = interpreters.create_queue(maxsize=3)
    assert interpreters.Queue(q.id) == q
    interp.prepare_main(qid=q.id)
    interp.exec("import isles.interpreters as I\nI.Queue(qid).put('by id')")
    assert q.get() == "by id"
    gone = interpreters.create_queue().id
    with pytest.raises(interpreters.QueueNotFoundError, match=str(gone)):
        interpreters.Queue(gone)
    assert issubclass(interpreters.QueueNotFoundError, interpreters.QueueError)
    for bad, exc in (("1", TypeError), (True, TypeError), (-1, ValueError), (1 << 70, OverflowError)):
        with pytest.raises(exc):
            interpreters.Queue(bad)
    with pytest.raises(TypeError):
        interpreters.Queue()
    assert interpreters.create_queue(-10).maxsize == -10 and not interpreters.create_queue(-10).full()
    unbounded = interpreters.create_queue(-1)
    for n in range(100):
        unbounded.put_nowait(n)

    r, s = interpreters.create_channel()
    assert interpreters.SendChannel(s.id) == s and interpreters.RecvChannel(r.id) == r
    interp.prepare_main(cid=s.id)
    t = threading.Thread(target=interp.exec, args=("import isles.interpreters as I\nI.SendChannel(cid).send('hi')",))
    t.start()
    assert interpreters.RecvChannel(r.id).recv(timeout=10) == "hi"
    t.join()
    gone = interpreters.create_channel()[0].id
    with pytest.raises(interpreters.ChannelNotFoundError):
        interpreters.RecvChannel(gone)
    assert issubclass(interpreters.ChannelNotFoundError, interpreters.ChannelError)


def test_items_of_a_closed_interpreter_follow_their_unbound_rule():
    """Python 3.14's unbounditems: each waiting item of a closed interpreter
    becomes UNBOUND, raises ItemInterpreterDestroyed, or is removed."""
    from isles.interpreters import _queues as Q

    i = interpreters.create()
    q = interpreters.create_queue(maxsize=4)
    i.prepare_main(q=q)
    i.exec("import isles.interpreters._queues as Q\n"
           "q.put(1)\n"
           "q.put(2, unbounditems=Q.UNBOUND_ERROR)\n"
           "q.put(3, unbounditems=Q.UNBOUND_REMOVE)\n")
    q.put(4)  # main's own item stays bound to main
    assert q.full()
    i.close()
    assert q.qsize() == 3
    assert q.get_nowait() is Q.UNBOUND
    with pytest.raises(Q.ItemInterpreterDestroyed, match="closed"):
        q.get_nowait()
    assert q.get_nowait() == 4 and q.empty()
    # A queue's own default, and bad rules.
    r = Q.create(unbounditems=Q.UNBOUND_REMOVE)
    assert r.unbounditems is Q.UNBOUND_REMOVE and q.unbounditems is Q.UNBOUND
    i = interpreters.create()
    i.prepare_main(r=r)
    i.exec("r.put('gone')")
    i.close()
    assert r.empty()
    for bad in [None, "UNBOUND", 3]:
        if bad is not None:
            with pytest.raises(ValueError, match="unbounditems"):
                Q.create(unbounditems=bad)
        with pytest.raises(ValueError, match="unbounditems"):
            r.put(1, unbounditems=bad or object())
    assert repr(Q.UNBOUND) == "isles.interpreters._queues.UNBOUND" and Q.list_all()
    with pytest.raises(TypeError):
        type(Q.UNBOUND)()


def test_a_queue_is_one_object_per_interpreter():
    q = interpreters.create_queue()
    assert interpreters.Queue(q.id) is q
    import pickle
    assert pickle.loads(pickle.dumps(q)) is q
    q.put(q)
    assert q.get() is q


# ---------------------------------------------------------------- channels

def test_channel_send_waits_for_the_receiver(interp):
    r, s = interpreters.create_channel()
    assert isinstance(r, interpreters.RecvChannel) and isinstance(s, interpreters.SendChannel)
    assert r.id == s.id and not r.is_closed
    stamps = interpreters.create_queue()
    interp.prepare_main(r=r, stamps=stamps)
    t = threading.Thread(target=interp.exec, args=("import time\ntime.sleep(0.2)\nstamps.put(time.monotonic())\n"
                                                   "stamps.put(r.recv())",))
    t.start()
    s.send("hello")
    sent_at = time.monotonic()
    received_at = stamps.get(timeout=10)
    assert sent_at >= received_at  # send returned only once the receiver was there
    assert stamps.get(timeout=10) == "hello"
    t.join()


def test_channel_timeouts_and_nowait():
    r, s = interpreters.create_channel()
    with pytest.raises(TimeoutError):
        s.send(1, timeout=0.05)
    assert r.recv_nowait(None) is None  # the timed-out value was withdrawn
    assert s.send_nowait(2) is False
    assert r.recv() == 2
    with pytest.raises(ChannelEmptyError):
        r.recv_nowait()
    assert r.recv_nowait("dflt") == "dflt"
    with pytest.raises(TimeoutError):
        r.recv(timeout=0.05)
    with pytest.raises(ValueError):
        r.recv(timeout=-1)


def test_channel_close_and_release():
    r, s = interpreters.create_channel()
    s.send_nowait(1)
    with pytest.raises(ChannelNotEmptyError):
        s.close()
    s.close(force=True)
    assert r.is_closed and s.is_closed
    with pytest.raises(ChannelClosedError):
        r.recv()
    with pytest.raises(ChannelClosedError):
        s.send_nowait(1)
    r2, s2 = interpreters.create_channel()
    s2.release()
    with pytest.raises(ChannelClosedError):
        s2.send_nowait(1)
    with pytest.raises(ChannelClosedError):  # nobody can send any more
        r2.recv(timeout=1)


def test_blocked_receiver_wakes_when_the_senders_interpreter_goes(interp):
    r, s = interpreters.create_channel()
    interp.prepare_main(s=s)
    del s  # the other interpreter now holds the only send end
    errors = []

    def receive():
        try:
            r.recv(timeout=30)
        except Exception as exc:
            errors.append(exc)
    t = threading.Thread(target=receive)
    t.start()
    time.sleep(0.1)
    assert t.is_alive()
    interp.close()
    t.join(10)
    assert not t.is_alive() and type(errors[0]) is ChannelClosedError


def test_blocked_sender_wakes_when_the_channel_is_closed():
    r, s = interpreters.create_channel()
    errors = []
    t = threading.Thread(target=lambda: errors.append(pytest.raises(ChannelClosedError, s.send, 1, timeout=30)))
    t.start()
    time.sleep(0.1)
    r.close(force=True)
    t.join(10)
    assert not t.is_alive() and errors


def test_send_with_nobody_to_receive_is_an_error(interp):
    r, s = interpreters.create_channel()
    del r
    with pytest.raises(ChannelClosedError):
        s.send_nowait("lost?")  # never silently lost: nobody could receive it
    r, s = interpreters.create_channel()
    interp.prepare_main(r=r)
    del r  # the other interpreter holds the only receive end
    errors = []
    t = threading.Thread(target=lambda: errors.append(pytest.raises(ChannelClosedError, s.send, 1, timeout=30)))
    t.start()
    time.sleep(0.1)
    interp.close()
    t.join(10)
    assert not t.is_alive() and errors


def test_channel_ends_cross(interp):
    r, s = interpreters.create_channel()
    carrier = interpreters.create_queue()
    interp.prepare_main(carrier=carrier)
    carrier.put(s)
    interp.exec("carrier.get().send_nowait('through a shared end')")
    assert r.recv(timeout=10) == "through a shared end"
    assert (r, s) in interpreters.list_all_channels() or any(x[0] == r for x in interpreters.list_all_channels())


def test_channel_values_of_a_closed_interpreter_follow_their_unbound_rule():
    from isles.interpreters import channels as C

    r, s = C.create()
    assert s.unbounditems is C.UNBOUND and C.UNBOUND is not interpreters._queues.UNBOUND
    i = interpreters.create()
    i.prepare_main(s=s)
    i.exec("from isles.interpreters import channels as C\n"
           "s.send_nowait(1)\n"
           "s.send_nowait(2, unbounditems=C.UNBOUND_ERROR)\n"
           "s.send_nowait(3, unbounditems=C.UNBOUND_REMOVE)\n")
    s.send_nowait(4)
    i.close()
    assert r.recv_nowait() is C.UNBOUND
    with pytest.raises(C.ItemInterpreterDestroyed, match="closed"):
        r.recv_nowait()
    assert r.recv_nowait() == 4 and r.recv_nowait(None) is None
    r2, s2 = C.create(unbounditems=C.UNBOUND_REMOVE)
    assert s2.unbounditems is C.UNBOUND_REMOVE
    with pytest.raises(ValueError, match="unbounditems"):
        s2.send_nowait(1, unbounditems="nope")
    with pytest.raises(TypeError, match="timeout"):
        s2.send_nowait(1, timeout=1)


def test_send_buffer_lends_any_exporters_memory():
    r, s = interpreters.create_channel()
    ba = bytearray(b"spam")
    s.send_buffer_nowait(ba)
    view = r.recv()
    assert isinstance(view, memoryview) and view == b"spam"
    view[0:1] = b"S"
    assert ba == b"Spam"
    s.send_buffer_nowait(b"bytes too")  # send() would copy bytes
    got = r.recv()
    assert isinstance(got, memoryview) and got.readonly and got == b"bytes too"
    with pytest.raises(TypeError, match="buffer protocol, not int"):
        s.send_buffer(5)
    from isles.interpreters import channels
    assert channels.create is interpreters.create_channel and channels.SendChannel is type(s)


# ---------------------------------------------------------------- buffers

def test_buffers_cross_by_reference(interp):
    data = bytearray(b"hello")
    interp.prepare_main(buf=data)
    interp.exec("buf[0] = ord('J')\ndel buf")
    assert data == b"Jello"  # the same memory
    import array
    arr = array.array("d", [1.5, 2.5])
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    q.put(arr)
    interp.exec("m = q.get()\nq.put((m.format, m.itemsize, tuple(m.tolist()), m.readonly))\ndel m")
    assert q.get() == ("d", 8, (1.5, 2.5), False)
    q.put(b"read only bytes are copied, not shared")  # bytes are data
    interp.exec("v = q.get()\nq.put(type(v).__name__)")
    assert q.get() == "bytes"


def test_strided_buffers_cross_with_their_strides(interp):
    """A view that is not contiguous keeps its strides, and a consumer that
    cannot take strides (PyBUF_SIMPLE, as binascii and readinto ask) is
    refused with BufferError instead of reading or writing past the memory."""
    ba = bytearray(b"01234567")
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    for view, want in ((memoryview(ba)[::-1], b"76543210"), (memoryview(ba)[::2], b"0246"),
                       (memoryview(ba)[1::3], b"147")):
        q.put(view)
        interp.exec("""if True:
            import binascii, io
            m = q.get()
            out = [m.tobytes(), m.c_contiguous, m.contiguous, bytes(memoryview(m.obj))]
            for consumer in (lambda: binascii.hexlify(m.obj), lambda: io.BytesIO(b"x" * 8).readinto(m.obj)):
                try:
                    consumer()
                    out.append("accepted")
                except (BufferError, TypeError) as e:
                    out.append(type(e).__name__)
            q.put(tuple(out))
            del m
        """)
        got = list(q.get())
        assert got[:4] == [want, False, False, want], (want, got)
        # readinto's argument parser turns the BufferError into a TypeError
        assert got[4] == "BufferError" and got[5] in ("BufferError", "TypeError"), got
        assert ba == bytearray(b"01234567")
    # A contiguous slice still serves every consumer.
    q.put(memoryview(ba)[2:5])
    interp.exec("import binascii\nm = q.get()\nq.put(binascii.hexlify(m.obj))\ndel m")
    assert q.get() == b"323334"
    # A 2-D view keeps its shape.
    q.put(memoryview(bytearray(range(6))).cast("B", (2, 3)))
    interp.exec("m = q.get()\nq.put((m.shape, tuple(map(tuple, m.tolist()))))\ndel m")
    assert q.get() == ((2, 3), ((0, 1, 2), (3, 4, 5)))


def test_buffers_with_suboffsets_are_refused(interp):
    _testbuffer = pytest.importorskip("_testbuffer")
    indirect = _testbuffer.ndarray(list(range(8)), shape=[8], format="B", flags=_testbuffer.ND_PIL)
    q = interpreters.create_queue()
    with pytest.raises((NotShareableError, BufferError), match="suboffsets"):
        q.put(memoryview(indirect))


def test_big_buffer_is_not_copied(interp):
    big = bytearray(100 * 1024 * 1024)
    q = interpreters.create_queue()
    interp.prepare_main(q=q)
    t0 = time.perf_counter()
    q.put(big)
    interp.exec("m = q.get()\nm[-1] = 7\nq.put(len(m))\ndel m")
    assert q.get() == len(big) and big[-1] == 7
    assert time.perf_counter() - t0 < 5  # a copy would also pass; the benchmark measures it


def test_lent_memory_keeps_the_exporter_open():
    lender = interpreters.create()
    q = interpreters.create_queue()
    lender.prepare_main(q=q)
    lender.exec("q.put(bytearray(b'lent'))")  # the exporter object lives only in the lender
    view = q.get()
    assert bytes(view) == b"lent"
    with pytest.raises(InterpreterError, match="still in use"):
        lender.close()
    view.release()
    del view
    lender.exec("q.put(bytearray(b'queued, never received'))")
    lender.close()  # the queued share is dropped: the item is unbound
    assert q.get() is interpreters._queues.UNBOUND


def test_memory_lent_while_closing_is_copied():
    """Buffers an interpreter shares from its atexit hooks or a __del__ run by
    close() arrive as copies: the interpreter's memory is gone by the time
    they are read and released (subprocess: a dangling view segfaults)."""
    lender_code = ("import atexit\n"
                   "atexit.register(lambda: s.send(bytearray(b'from atexit'), timeout=10))\n"
                   "class Lender:\n"
                   "    def __del__(self): s.send(memoryview(bytearray(b'from __del__')), timeout=10)\n"
                   "keep = Lender()\n")
    # Received while the lender closes (send() waits for the receiver; a
    # value still pending after close would be unbound): the views must stay
    # valid after close().
    proc = run_python(
        "import threading, isles.interpreters as I\n"
        "lender = I.create(); r, s = I.create_channel(); lender.prepare_main(s=s)\n"
        f"lender.exec({lender_code!r})\n"
        "views = []\n"
        "t = threading.Thread(target=lambda: views.extend(r.recv(timeout=10) for _ in range(2))); t.start()\n"
        "lender.close(); t.join()\n"
        "got = sorted(bytes(v) for v in views)\n"
        "print(got, r.recv_nowait(None) is None)\n")
    assert proc.returncode == 0 and proc.stdout.strip() == "[b'from __del__', b'from atexit'] True", \
        proc.stdout + proc.stderr


# ---------------------------------------------------------------- executor

def square(x):
    return x * x


def test_pool_executor():
    before = len(interpreters.list_all())
    with interpreters.InterpreterPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(square, range(10))) == [x * x for x in range(10)]
        fut = pool.submit(divmod, 1, 0)
        with pytest.raises(ExecutionFailed, match="ZeroDivisionError"):
            fut.result()
        assert len(interpreters.list_all()) == before + 2
    assert len(interpreters.list_all()) == before


# ---------------------------------------------------------------- stress

PRODUCER = """if True:
    for n in range(count):
        out.put((me, n))
"""


@pytest.mark.parametrize("through", ["queue", "channel"])
def test_stress_every_message_once_and_in_order(through):
    senders, count = 4, 100_000
    interps = [interpreters.create() for _ in range(senders)]
    try:
        if through == "queue":
            sink = interpreters.create_queue()
            get, code = sink.get, PRODUCER
            for n, i in enumerate(interps):
                i.prepare_main(out=sink, me=n, count=count)
        else:
            r, s = interpreters.create_channel()
            get, code = r.recv, PRODUCER.replace("out.put", "out.send_nowait")
            for n, i in enumerate(interps):
                i.prepare_main(out=s, me=n, count=count)
        threads = [threading.Thread(target=i.exec, args=(code,)) for i in interps]
        for t in threads:
            t.start()
        last = [-1] * senders
        for _ in range(senders * count):
            me, n = get(timeout=60)
            assert n == last[me] + 1
            last[me] = n
        for t in threads:
            t.join()
        assert last == [count - 1] * senders
    finally:
        for i in interps:
            i.close()


def test_stress_rendezvous_send():
    r, s = interpreters.create_channel()
    i = interpreters.create()
    try:
        i.prepare_main(out=s, me=0, count=20_000)
        t = threading.Thread(target=i.exec, args=(PRODUCER.replace("out.put", "out.send"),))
        t.start()
        assert [r.recv(timeout=60)[1] for _ in range(20_000)] == list(range(20_000))
        t.join()
    finally:
        i.close()


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def stdlib_create_destroy():
    """CPython's own create/exec/destroy of an isolated interpreter, for the baseline."""
    if sys.version_info >= (3, 13):
        import _interpreters as xi
        i = xi.create(xi.new_config("isolated"))
        xi.exec(i, "x = 1")
    else:
        import _xxsubinterpreters as xi
        i = xi.create(isolated=True)
        xi.run_string(i, "x = 1")
    xi.destroy(i)


def isles_create_close():
    i = interpreters.create()
    i.exec("x = 1")
    i.close()


# CPython frees an isolated interpreter's memory when it is destroyed from 3.14
# on; 3.12 and 3.13 (even 3.13.18) keep its obmalloc arenas, about 1.7 MiB per
# interpreter (python/cpython#110411, #113055), which no extension can avoid.
CPYTHON_FREES_ISOLATED_INTERPRETERS = sys.version_info >= (3, 14)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_create_close_cycles_leave_rss_flat():
    """1,000 create/exec/close cycles: under 10 MiB of RSS growth in all where
    CPython frees isolated interpreters, and under 10 MiB beyond what CPython's
    own create/destroy keeps (measured side by side) where it does not."""
    for _ in range(20):  # warm up allocators and caches
        stdlib_create_destroy()
        isles_create_close()
    ours = baseline = 0.0
    for _ in range(20):  # interleaved blocks, so both see the same allocator state
        for cycle, n in ((isles_create_close, 50), (stdlib_create_destroy, 50)):
            before = rss_mb()
            for _ in range(n):
                cycle()
            if cycle is isles_create_close:
                ours += rss_mb() - before
            else:
                baseline += rss_mb() - before
    print(f"RSS growth over 1000 cycles on {sys.version.split()[0]}: isles {ours:.1f} MiB, "
          f"CPython's own create/destroy {baseline:.1f} MiB")
    if CPYTHON_FREES_ISOLATED_INTERPRETERS:
        assert ours < 10, f"isles kept {ours:.1f} MiB over 1000 cycles (CPython's own: {baseline:.1f} MiB)"
    else:
        assert ours - baseline < 10


def test_create_refused_by_an_audit_hook():
    """An audit hook refusing interpreter creation gives InterpreterError, not
    a crash (subprocess: audit hooks cannot be removed)."""
    code = ("import sys, isles.interpreters as I\n"
            "def hook(event, args):\n"
            "    if event == 'cpython.PyInterpreterState_New': raise RuntimeError('refused by hook')\n"
            "sys.addaudithook(hook)\n"
            "try:\n    I.create()\nexcept I.InterpreterError as e:\n"
            "    print(type(e.__cause__).__name__, e)\n")
    proc = run_python(code)
    assert proc.returncode == 0 and proc.stdout.strip() == "RuntimeError refused by hook", proc.stderr


def test_importing_isles_does_not_pin_heapq():
    """build/ports can still be put first on sys.path after importing isles."""
    code = ("import sys, isles, isles.interpreters\nisles.backend()\n"
            "assert 'heapq' not in sys.modules and '_heapq' not in sys.modules, sorted(sys.modules)\n")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("wait", ["q.get(timeout=30)", "r.recv(timeout=30)", "s.send(1, timeout=30)"])
def test_ctrl_c_interrupts_a_blocked_wait_in_the_main_thread(wait):
    """The main thread wakes to run signal handlers while it waits (subprocess:
    it sends itself SIGINT)."""
    code = ("import os, signal, threading, time, isles.interpreters as I\n"
            "q = I.create_queue(); r, s = I.create_channel()\n"
            "threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
            "t0 = time.monotonic()\n"
            f"try:\n    {wait}\nexcept KeyboardInterrupt:\n"
            "    print('interrupted', time.monotonic() - t0 < 5)\n")
    proc = run_python(code)
    assert proc.stdout.strip() == "interrupted True", proc.stdout + proc.stderr


# ---------------------------------------------------------------- fork

FORK_CHILD = """
import os, sys, threading, isles.interpreters as I
def report(*lines):
    sys.stdout.write("".join(f"{l}\\n" for l in lines)); sys.stdout.flush()
a = I.create()
a.exec("x = 1")
q = I.create_queue()
q.put(bytearray(b"lent by main"))
recv, send = I.create_channel()
a.prepare_main(send=send, QID=q.id)
del send  # only `a` can send now
a.exec("import isles.interpreters as I\\nq = I.Queue(QID)\\nq.put(memoryview(bytearray(b'lent by a')))")
view = q.get(); lent_by_a = q.get()
def child():
    out = []
    b = I.create()
    out.append(b.call(len, "abc"))
    try:
        a.exec("x = 2")
    except I.InterpreterNotFoundError:
        out.append("a gone")
    out.append(sorted(i.whence for i in I.list_all()))
    try:
        recv.recv(timeout=5)
    except I.ChannelClosedError:
        out.append("no sender left")
    q.put(3); out.append(q.get(timeout=1))
    out.append(bytes(view))
    out.append(bytes(lent_by_a))
    b.close()
    return out
"""


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_fork_leaves_the_child_with_the_main_interpreter_only(where):
    """CPython's own fork handling crashes in a child forked with
    sub-interpreters alive: isles's child keeps working, without them."""
    code = FORK_CHILD + """
def fork_and_wait():
    pid = os.fork()
    if pid == 0:
        try:
            report(repr(child()))
        finally:
            os._exit(0)
    report(f"status {os.waitpid(pid, 0)[1]}")
""" + ("fork_and_wait()\n" if where == "main thread" else
       "t = threading.Thread(target=fork_and_wait); t.start(); t.join()\n") + """
report(a.call(len, "ab"))  # the parent's interpreters are untouched
del view, lent_by_a
"""
    proc = run_python(code, timeout=60)
    expected = ("[3, 'a gone', ['isles', 'runtime init'], 'no sender left', 3, b'lent by main', b'lent by a']\n"
                "status 0\n2\n")
    assert proc.returncode == 0 and proc.stdout == expected, proc.stdout + proc.stderr[-3000:]


def test_signals_reach_a_child_forked_from_another_thread():
    """The child's main thread is the one that forked: a blocked get() there
    must wake for its signal handlers."""
    code = """
import os, signal, threading, time, isles.interpreters as I
a = I.create()
q = I.create_queue()
def fork_and_wait():
    pid = os.fork()
    if pid == 0:
        class Alarm(Exception): pass
        def on_alarm(*_): raise Alarm
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        t0 = time.monotonic()
        try:
            q.get(timeout=30)
        except Alarm:
            print("woke after", "under 5 s" if time.monotonic() - t0 < 5 else "too long", flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
t = threading.Thread(target=fork_and_wait); t.start(); t.join()
"""
    proc = run_python(code, timeout=60)
    assert proc.stdout == "woke after under 5 s\n", proc.stdout + proc.stderr[-3000:]


@pytest.mark.parametrize("own_gil", [True, False])
def test_fork_from_another_interpreter_is_refused(own_gil):
    """CPython aborts a child forked from any interpreter but the main one:
    isles's interpreters, legacy ones included, refuse os.fork() instead."""
    interp = interpreters.create(own_gil=own_gil)
    try:
        with pytest.raises(ExecutionFailed, match="RuntimeError"):
            interp.exec("import os\nif os.fork() == 0: os._exit(0)")
    finally:
        interp.close()


# ---------------------------------------------------------------- at exit

# An interpreter `a` that main can reach through queue `q` (id `qid` in a).
EXIT_PRELUDE = """
import threading, time, warnings, isles.interpreters as I
warnings.simplefilter("default")
a = I.create()
q = I.create_queue()
a.prepare_main(qid=q.id)
"""

def test_exit_with_a_daemon_thread_blocked_in_an_interpreter():
    """The interpreter cannot be closed while the thread is in it: it is left
    open, with a warning, and CPython's finalization must not touch it."""
    code = EXIT_PRELUDE + """
a.exec("import isles.interpreters as I\\nq = I.Queue(qid)")
t = threading.Thread(target=a.exec, args=("q.get()",), daemon=True)
t.start()
while not a.is_running():
    time.sleep(0.01)
print("exiting", flush=True)
"""
    proc = run_python(code, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "exiting\n", proc.stdout + proc.stderr[-3000:]
    assert "could not be closed at exit" in proc.stderr and "is running" in proc.stderr, proc.stderr


def test_exit_while_main_holds_memory_an_interpreter_lent():
    """The lender cannot be closed while main holds the memory: it is left
    open, so the memory stays valid through main's own finalization."""
    code = EXIT_PRELUDE + """
a.exec("import isles.interpreters as I\\nI.Queue(qid).put(bytearray(b'lent' * 1000))")
class Reader:
    def __del__(self):
        print(bytes(self.view[:8]), flush=True)
keeper = Reader()
keeper.view = q.get()
"""
    proc = run_python(code, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "b'lentlent'\n", proc.stdout + proc.stderr[-3000:]
    assert "could not be closed at exit" in proc.stderr and "still in use" in proc.stderr, proc.stderr

"""isles.interpreters against its peers, side by side in one run: round trips,
throughput, interpreter creation, memory per interpreter, passing buffers.

    scripts/py 3.13 bench/interpreters.py [--quick] [--out-dir bench/results]

Prints one table per section with the brief's targets beside the figures and
writes bench/results/interpreters-<X.Y>.json and .png. Peers: CPython's own
interpreters (3.14+: concurrent.interpreters, its queues and
concurrent.futures.InterpreterPoolExecutor; 3.13: _interpreters and
test.support.interpreters.queues; 3.12: _xxsubinterpreters and the channels of
test.support.interpreters),
multiprocessing, os.pipe and threads; a peer the running CPython lacks is
skipped and listed as such.

Latencies (round trips, warm pools, buffers) are measured twice, with the main
thread and the server pinned to the same core and to two cores: on a virtual
machine, waking a thread that sleeps on another core can cost tens of
microseconds, which then dominates every blocking transport alike (os.pipe
included), while on one core a round trip is a few microseconds. Unpinned, a run
lands on either, by chance. Throughput is measured unpinned.

Only the standard library is imported at module level: multiprocessing's
spawn start method imports this file again in every child it starts.
"""
import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time

from machine import cpu_model, python_label  # bench/ is sys.path[0] when run as a script

HERE = os.path.dirname(os.path.abspath(__file__))
VER = python_label()
MiB = 2 ** 20
TARGETS = {  # the brief's performance targets
    "roundtrip_us": 10.0,      # channel round trip, small int, main <-> sub-interpreter
    "create_ms": 5.0,          # create an isolated interpreter with isles ready
    "pool_ms": 0.1,            # ... from a warm pool
    "buffer_us": 50.0,         # pass a 100 MB buffer (constant time, no copy)
    "extra_mib": 0.5,          # extra memory isles adds to an idle isolated interpreter
}


# --- functions run in child processes (spawn) or pools: keep them importable --

def trivial(x):
    return x + 1


def _noop():
    pass


def _mp_echo(rx, tx):
    for m in iter(rx.get, None):
        tx.put(m)


def _mp_buf_echo(rx, tx):
    for m in iter(rx.get, None):
        tx.put((len(m), m[-1]))


def _mp_produce(go, tx, n):
    go.get()
    for i in range(n):
        tx.put((i, "tick"))


PIPE_ECHO = "import os\nwhile (b := os.read(0, 8)):\n    os.write(1, b)\n"
PIPE_BUF_ECHO = r"""if True:
    import os, pickle
    def readn(n):
        buf = bytearray(n)
        view, got = memoryview(buf), 0
        while got < n:
            k = os.readv(0, [view[got:]])
            if not k:
                raise SystemExit
            got += k
        return buf
    while True:
        n = int.from_bytes(readn(8), "little")
        if not n:
            break
        m = pickle.loads(readn(n))
        os.write(1, len(m).to_bytes(8, "little") + bytes([m[-1]]))
"""


# --- small helpers ---------------------------------------------------------------

def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


def rss_mib(pid="self"):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MiB


def fmt_us(us):
    if us >= 1e6:
        return f"{us / 1e6:.3g} s"
    if us >= 1e3:
        return f"{us / 1e3:.3g} ms"
    return f"{us:.3g} us"


def g4(x):
    return None if x is None else float(f"{x:.4g}")


def pin_code(cpu):
    """Source that pins the running OS thread to `cpu` (nothing for None)."""
    return "" if cpu is None else f"import os\nos.sched_setaffinity(0, {{{cpu}}})\n"


def _pin(cpu):  # initializer of pool workers; crosses to interpreters as code
    import os
    os.sched_setaffinity(0, {cpu})


@contextlib.contextmanager
def pinned(cpu):
    """Pins this thread (and the threads it starts meanwhile) to `cpu`."""
    if cpu is None:
        yield
        return
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, old)


def placements():
    """[(name, main cpu, server cpu)]: both on one core, and on two cores. The time a
    round trip takes depends mostly on this: waking a thread that sleeps on another
    core costs tens of microseconds on some (virtual) machines, on the same core a few."""
    cpus = sorted(os.sched_getaffinity(0))
    out = [("same core", cpus[0], cpus[0])]
    if len(cpus) > 1:
        out.append(("two cores", cpus[0], cpus[1]))
    return out


@contextlib.contextmanager
def stderr_captured(notes, section):
    """Sends fd 2 (also children's) to a file during a section, then summarizes it: CPython
    prints 'Exception ignored' messages there, which would flood the tables."""
    import tempfile
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as f:
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            f.seek(0)
            text = f.read().decode(errors="replace")
            if text.strip():
                lines = list(dict.fromkeys(l for l in text.splitlines() if l.strip()))
                notes[section] = {"exception_ignored": text.count("Exception ignored"), "lines": lines[:40]}
                print(f"  stderr during {section}: {text.count('Exception ignored')} 'Exception ignored' "
                      f"message(s); distinct lines:")
                for l in lines[:12]:
                    print(f"    | {l}")


class Skip(Exception):
    """This peer does not exist on the running CPython."""


class Runner:
    """Runs a blocking call in a thread and keeps its exception for join()."""

    def __init__(self, fn, *args, name=None):
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn, args), name=name, daemon=True)
        self.thread.start()

    def _run(self, fn, args):
        try:
            fn(*args)
        except BaseException as exc:  # reported by join()
            self.error = exc

    def join(self, timeout=30):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise RuntimeError(f"{self.thread.name}: still running after {timeout} s")
        if self.error is not None:
            raise RuntimeError(f"{self.thread.name} failed: {self.error}") from self.error


# --- who is there ---------------------------------------------------------------------

def stdlib_peer():
    """('3.13', module) or ('3.12', module) for CPython's private interpreters module; Skip otherwise."""
    try:
        import _interpreters
        return "3.13", _interpreters
    except ImportError:
        pass
    try:
        import _xxsubinterpreters
        return "3.12", _xxsubinterpreters
    except ImportError:
        raise Skip("no _interpreters or _xxsubinterpreters in this CPython")


def std_create():
    kind, X = stdlib_peer()
    return X.create(X.new_config("isolated")) if kind == "3.13" else X.create(isolated=True)


def std_exec(iid, code):
    kind, X = stdlib_peer()
    if kind == "3.13":
        exc = X.exec(iid, code)
        if exc is not None:
            raise RuntimeError(f"in a stdlib interpreter: {exc.errdisplay or exc.formatted}")
    else:
        X.run_string(iid, code)


def std_destroy(iid):
    stdlib_peer()[1].destroy(iid)


def need_313_queues():
    """The stdlib's queues module: 3.14+'s concurrent.interpreters._queues, 3.13's test.support one."""
    try:
        import _interpqueues  # noqa: F401
        if sys.version_info >= (3, 14):
            from concurrent.interpreters import _queues as queues
        else:
            from test.support.interpreters import queues
        return queues
    except ImportError:
        raise Skip("3.13's _interpqueues / test.support.interpreters.queues are missing")


def stdlib_interpreters():
    """The stdlib's high-level module: concurrent.interpreters (3.14+) or 3.13's test.support one."""
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
    else:
        from test.support import interpreters
    return interpreters


STD = f"{VER} stdlib"  # the label of the stdlib's rows


def need_312_channels():
    try:
        import _xxinterpchannels  # noqa: F401
        import _xxsubinterpreters  # noqa: F401
        from test.support import interpreters as tsi
    except ImportError:
        raise Skip("3.12's _xxsubinterpreters / _xxinterpchannels are missing")
    if not hasattr(tsi, "create_channel"):
        raise Skip("test.support.interpreters has no channels")
    return tsi


def mp_spawn():
    import multiprocessing
    return multiprocessing.get_context("spawn")


# --- transports: a main side (put, get) and a server in another interpreter, process
# or thread. Each is a context manager; leaving it stops the server (sentinel None),
# joins its thread or process and closes its interpreter, also after an error.

ECHO = "while (m := rx()) is not None:\n    tx(m)\n"
BUF_ECHO = ("while (m := rx()) is not None:\n"
            "    m[0] = (m[0] + 1) & 255\n"   # written through: the main side checks it
            "    tx((len(m), m[-1]))\n"
            "    m.release()\n")
PRODUCE = "go()\nfor i in range(count):\n    tx((i, 'tick'))\n"
PRODUCE_INT = "go()\nfor i in range(count):\n    tx(i)\n"  # 3.12 shares no tuples


def _spinner(get_nowait, empty):
    def get():
        while True:
            try:
                return get_nowait()
            except empty:
                pass
    return get


@contextlib.contextmanager
def isles_server(kind, code, cpu=None, **main_ns):
    """kind: queue | chan (send_nowait/recv) | chan-send (send/recv, both ways blocking) |
    queue-spin (both sides busy-poll get_nowait(): the transport without any thread wake-up).
    Yields (put, get, go) for the main side; `go` releases a producer waiting in go()."""
    import isles.interpreters as I
    with contextlib.ExitStack() as stack:
        interp = I.create()
        stack.callback(interp.close)
        g = I.create_queue()
        if kind in ("queue", "queue-spin"):
            a, b = I.create_queue(), I.create_queue()
            put, get, stop = a.put, b.get, a.put
            prelude = "rx, tx = a.get, b.put\n"
            if kind == "queue-spin":
                get = _spinner(b.get_nowait, I.QueueEmpty)
                prelude = ("from isles.interpreters import QueueEmpty\n"
                           "def rx():\n    while True:\n        try:\n            return a.get_nowait()\n"
                           "        except QueueEmpty:\n            pass\ntx = b.put\n")
            interp.prepare_main(a=a, b=b, gq=g)
        else:
            r1, s1 = I.create_channel()
            r2, s2 = I.create_channel()
            blocking = kind == "chan-send"
            put, get, stop = (s1.send if blocking else s1.send_nowait), r2.recv, s1.send_nowait
            prelude = f"rx, tx = r1.recv, s2.{'send' if blocking else 'send_nowait'}\n"
            interp.prepare_main(r1=r1, s2=s2, gq=g)
        if main_ns:
            interp.prepare_main(main_ns)
        runner = Runner(interp.exec, pin_code(cpu) + prelude + "go = gq.get\n" + code, name=f"isles {kind} server")

        done = []

        def finish():
            if "count" not in main_ns:  # an echo server: stop it
                stop(None)
            elif not done:  # after an error, a producer may wait for go, or in send() for a receiver
                g.put(1)
                if kind.startswith("chan"):
                    r2.close(force=True)
                runner.thread.join(30)  # its own error (the channel closed) is expected then
                return
            runner.join()
        stack.callback(finish)
        yield put, get, lambda: g.put(1)
        done.append(True)


@contextlib.contextmanager
def std313_server(code, delay=None, cpu=None, **main_ns):
    """The stdlib's interpreters + queues (3.13: syncobj=True, no pickling; 3.14+: the
    same for these ints and bytes). Their get() polls: it sleeps `_delay` (10 ms by
    default) between tries; delay=0 busy-polls."""
    queues = need_313_queues()
    tsi = stdlib_interpreters()
    with contextlib.ExitStack() as stack:
        interp = tsi.create()
        stack.callback(interp.close)
        interp.exec(f"import {queues.__name__}")  # 3.13.0: needed before sharing a Queue
        kw = {"syncobj": True} if sys.version_info < (3, 14) else {}
        a, b, g = (queues.create(**kw) for _ in range(3))
        interp.prepare_main(a=a, b=b, gq=g, **main_ns)
        get = b.get if delay is None else (lambda: b.get(_delay=delay))
        rx = "a.get" if delay is None else f"lambda: a.get(_delay={delay})"
        runner = Runner(interp.exec, pin_code(cpu) + f"rx, tx, go = {rx}, b.put, gq.get\n" + code,
                        name="3.13 queues server")

        def finish():
            if runner.thread.is_alive():
                g.put(1) if "count" in main_ns else a.put(None)
            runner.join()
        stack.callback(finish)
        yield a.put, get, lambda: g.put(1)


@contextlib.contextmanager
def std312_server(code, delay=None, cpu=None, **main_ns):
    """3.12's test.support.interpreters channels: send_nowait, and recv() that polls
    (sleeps `_delay`, 10 ms by default, between tries; delay=0 busy-polls)."""
    tsi = need_312_channels()
    import _xxinterpchannels as C
    with contextlib.ExitStack() as stack:
        iid = std_create()
        stack.callback(std_destroy, iid)
        # CPython 3.12.1 hangs in destroy() when the sub-interpreter's threading module
        # was first imported by another OS thread (test.support imports it): import it here.
        std_exec(iid, "import threading")
        (r1, s1), (r2, s2), (rg, sg) = (tsi.create_channel() for _ in range(3))
        for r, _ in ((r1, s1), (r2, s2), (rg, sg)):
            stack.callback(lambda cid=r.id: C.destroy(cid))
        get = r2.recv if delay is None else (lambda: r2.recv(_delay=delay))
        ns = "".join(f"{k} = {v!r}\n" for k, v in main_ns.items())
        rx = "r1.recv" if delay is None else f"lambda: r1.recv(_delay={delay})"
        src = (pin_code(cpu) + f"from test.support import interpreters as I\n{ns}"
               f"r1, s2, rg = I.RecvChannel({int(r1.id)}), I.SendChannel({int(s2.id)}), I.RecvChannel({int(rg.id)})\n"
               f"rx, tx, go = {rx}, s2.send_nowait, rg.recv\n" + code)
        runner = Runner(std_exec, iid, src, name="3.12 channels server")

        def finish():
            if runner.thread.is_alive():
                sg.send_nowait(1) if "count" in main_ns else s1.send_nowait(None)
            runner.join()
        stack.callback(finish)
        yield s1.send_nowait, get, lambda: sg.send_nowait(1)


@contextlib.contextmanager
def mp_server(target, *args, cpu=None):
    """multiprocessing.Queue to a spawned process; yields (put, get, go)."""
    ctx = mp_spawn()
    a, b, g = ctx.Queue(), ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=target, args=(g, b, *args) if target is _mp_produce else (a, b), daemon=True)
    p.start()
    try:
        if cpu is not None:  # before its queue's feeder thread starts, which inherits it
            os.sched_setaffinity(p.pid, {cpu})
        yield a.put, b.get, lambda: g.put(1)
        if target is not _mp_produce:
            a.put(None)
        p.join(30)
    finally:
        if p.is_alive():
            p.terminate()
            p.join(10)
        for q in (a, b, g):
            q.close()
            q.join_thread()


@contextlib.contextmanager
def pipe_server(code, cpu=None):
    """A `python -I -S` child reading its stdin, writing its stdout (raw os.read/os.write)."""
    p = subprocess.Popen([sys.executable, "-I", "-S", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        if cpu is not None:
            os.sched_setaffinity(p.pid, {cpu})
        yield p.stdin.fileno(), p.stdout.fileno()
        p.stdin.close()
        p.wait(30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(10)
        for f in (p.stdin, p.stdout):
            if not f.closed:
                f.close()


@contextlib.contextmanager
def pipe_echo(cpu=None):
    with pipe_server(PIPE_ECHO, cpu) as (w, r):
        msg = (42).to_bytes(8, "little")
        yield (lambda _: os.write(w, msg)), (lambda: os.read(r, 8)), None


@contextlib.contextmanager
def thread_server(fn, cpu=None):
    """queue.Queue between two threads of this interpreter (one shared GIL)."""
    import queue
    a, b, go = queue.Queue(), queue.Queue(), threading.Event()

    def run():
        if cpu is not None:
            _pin(cpu)
        fn(a, b, go)
    runner = Runner(run, name="thread server")
    try:
        yield a.put, b.get, go.set
    finally:
        go.set()
        if runner.thread.is_alive() and fn is _thread_echo:
            a.put(None)
        runner.join()


def _thread_echo(a, b, go):
    for m in iter(a.get, None):
        b.put(m)


def _thread_produce(count):
    def produce(a, b, go):
        go.wait()
        for i in range(count):
            b.put((i, "tick"))
    return produce


# --- 1. round trip ---------------------------------------------------------------------

def roundtrip_transports():
    """(name, group, make(cpu) -> context manager yielding (put, get, go))."""
    t = [("isles Queue put/get", "isles", lambda cpu: isles_server("queue", ECHO, cpu)),
         ("isles channel send_nowait/recv", "isles", lambda cpu: isles_server("chan", ECHO, cpu)),
         ("isles channel send/recv (rendezvous)", "isles", lambda cpu: isles_server("chan-send", ECHO, cpu)),
         ("isles Queue, busy poll get_nowait (reference)", "isles ref", lambda cpu: isles_server("queue-spin", ECHO, cpu))]
    if VER == "3.12":
        t += [("3.12 stdlib channels (recv polls 10 ms)", "stdlib", lambda cpu: std312_server(ECHO, cpu=cpu)),
              ("3.12 stdlib channels, busy poll (_delay=0)", "stdlib",
               lambda cpu: std312_server(ECHO, delay=0, cpu=cpu))]
    else:
        t += [(f"{STD} queues (get polls 10 ms)", "stdlib", lambda cpu: std313_server(ECHO, cpu=cpu)),
              (f"{STD} queues, busy poll (_delay=0)", "stdlib",
               lambda cpu: std313_server(ECHO, delay=0, cpu=cpu))]
    t += [("multiprocessing.Queue, 2 processes", "process", lambda cpu: mp_server(_mp_echo, cpu=cpu)),
          ("os.pipe, 2 processes, 8-byte message", "process", pipe_echo),
          ("queue.Queue, 2 threads, shared GIL", "thread", lambda cpu: thread_server(_thread_echo, cpu))]
    return t


def rt_batch(put, get, n, cap_s, warm):
    pc = time.perf_counter_ns
    for i in range(warm):
        put(i)
        get()
    out, end = [], pc() + int(cap_s * 1e9)
    for i in range(n):
        t0 = pc()
        put(i)
        r = get()
        t1 = pc()
        out.append(t1 - t0)
        if t1 > end:
            break
    if r != i and not isinstance(r, bytes):
        raise RuntimeError(f"round trip: sent {i}, got back {r!r}")
    return out


def bench_roundtrip(cfg, skipped):
    transports = roundtrip_transports()
    places = placements()
    samples = {}
    print("  rounds:", end="", flush=True)
    for rnd in range(cfg["rt_rounds"]):
        # A fresh server per batch: nothing idles (or busy-polls) next to the others.
        for place, main_cpu, cpu in places if rnd % 2 == 0 else places[::-1]:
            for name, _, make in transports if rnd % 2 == 0 else transports[::-1]:
                if name in skipped:
                    continue
                try:
                    with pinned(main_cpu), make(cpu) as (put, get, _):
                        warm = 50 if "poll" not in name else 2  # pollers can be slow: a 10 ms sleep, a time slice
                        samples.setdefault((name, place), []).extend(
                            rt_batch(put, get, cfg["rt_n"], cfg["rt_cap_s"], warm))
                except Skip as exc:
                    skipped[name] = str(exc)
        print(f" {rnd + 1}", end="", flush=True)
    print()
    rows = []
    for name, group, _ in transports:
        if name in skipped:
            continue
        row = {"name": name, "group": group}
        for place, _, _ in places:
            us = [x / 1e3 for x in samples[(name, place)]]
            row[place] = {"n": len(us), "median_us": g4(statistics.median(us)), "p90_us": g4(percentile(us, 90)),
                          "min_us": g4(min(us))}
        rows.append(row)
    return rows


# --- 2. throughput ----------------------------------------------------------------------

def tp_transports(n):
    nr = max(1000, n // 5)  # rendezvous: one hand-over per message, fewer of them
    t = [("isles Queue put/get", "isles", n, lambda: isles_server("queue", PRODUCE, count=n)),
         ("isles channel send_nowait/recv", "isles", n, lambda: isles_server("chan", PRODUCE, count=n)),
         ("isles channel send/recv (rendezvous)", "isles", nr, lambda: isles_server("chan-send", PRODUCE, count=nr))]
    if VER == "3.12":
        t += [("isles Queue put/get (ints, like the next row)", "isles", n,
               lambda: isles_server("queue", PRODUCE_INT, count=n)),
              ("3.12 stdlib channels send_nowait/recv (ints)", "stdlib", n,
               lambda: std312_server(PRODUCE_INT, count=n))]
    else:
        t += [(f"{STD} queues put/get", "stdlib", n, lambda: std313_server(PRODUCE, count=n))]
    t += [("multiprocessing.Queue, 2 processes", "process", n, lambda: mp_server(_mp_produce, n)),
          ("queue.Queue, 2 threads, shared GIL", "thread", n, lambda: thread_server(_thread_produce(n)))]
    return t


def tp_run(make, n, cap_s):
    """Messages per second from the first message received to the last one inside the cap."""
    pc = time.perf_counter
    with make() as (_, get, go):
        go()
        first = get()
        t0 = pc()
        k, end = 1, t0 + cap_s
        while k < n:
            last = get()
            k += 1
            if not k & 1023 and pc() > end:
                break
        t1 = pc()
        for _ in range(n - k):  # drain, untimed, so the producer can finish
            last = get()
    if first not in ((0, "tick"), 0) or last not in ((n - 1, "tick"), n - 1):
        raise RuntimeError(f"throughput: got {first!r} .. {last!r}")
    return (k - 1) / (t1 - t0), k


def bench_throughput(cfg, skipped):
    transports = tp_transports(cfg["tp_n"])
    runs = {name: [] for name, *_ in transports}
    print("  rounds:", end="", flush=True)
    for rnd in range(cfg["tp_rounds"]):
        for name, _, n, make in transports if rnd % 2 == 0 else transports[::-1]:
            if name in skipped:
                continue
            try:
                runs[name].append(tp_run(make, n, cfg["tp_cap_s"]))
            except Skip as exc:
                skipped[name] = str(exc)
        print(f" {rnd + 1}", end="", flush=True)
    print()
    rows = []
    for name, group, n, _ in transports:
        if name in skipped:
            continue
        rates = [r for r, _ in runs[name]]
        rows.append({"name": name, "group": group, "messages": n, "timed_messages": min(k for _, k in runs[name]),
                     "best_per_s": g4(max(rates)), "median_per_s": g4(statistics.median(rates)),
                     "runs_per_s": [g4(r) for r in rates]})
    return rows


# --- 3. creation ----------------------------------------------------------------------------

def bench_create(cfg, skipped):
    import isles.interpreters as I
    pc = time.perf_counter
    ms = {}

    def add(key, dt):
        ms.setdefault(key, []).append(dt * 1e3)

    have_std = True
    try:
        stdlib_peer()
    except Skip as exc:
        have_std = False
        skipped["stdlib create/destroy"] = str(exc)
    std = f"{VER} _interpreters" if VER != "3.12" else "3.12 _xxsubinterpreters"
    # warm up both (first creation imports and caches more)
    for _ in range(2):
        I.create().close()
        if have_std:
            std_destroy(std_create())
    for k in range(cfg["create_n"]):
        order = (0, 1) if k % 2 == 0 else (1, 0)
        for who in order:
            if who == 0:
                t0 = pc()
                i = I.create()
                t1 = pc()
                i.close()
                t2 = pc()
                add("isles create()", t1 - t0)
                add("isles close()", t2 - t1)
                add("isles create() + close()", t2 - t0)
                t0 = pc()
                i = I.create()
                try:
                    i.exec("x = 1")
                finally:
                    i.close()
                add("isles create + exec('x = 1') + close", pc() - t0)
                t0 = pc()
                i = I.create()
                try:
                    i.exec("import isles.interpreters")
                finally:
                    i.close()
                add("isles create + import isles.interpreters + close", pc() - t0)
            elif have_std:
                t0 = pc()
                iid = std_create()
                t1 = pc()
                std_destroy(iid)
                t2 = pc()
                add(f"{std} create()", t1 - t0)
                add(f"{std} destroy()", t2 - t1)
                add(f"{std} create() + destroy()", t2 - t0)
                t0 = pc()
                iid = std_create()
                try:
                    std_exec(iid, "x = 1")
                finally:
                    std_destroy(iid)
                add(f"{std} create + exec('x = 1') + destroy", pc() - t0)
    # processes
    for _ in range(cfg["proc_n"]):
        t0 = pc()
        subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)
        add("process: subprocess python -I -S -c pass", pc() - t0)
    ctx = mp_spawn()
    for _ in range(cfg["spawn_n"]):
        t0 = pc()
        p = ctx.Process(target=_noop)
        p.start()
        p.join(60)
        add("process: multiprocessing spawn, start + join", pc() - t0)
        if p.exitcode != 0:
            raise RuntimeError(f"spawned process exited with {p.exitcode}")
    # warm pools: latency of submit(trivial, i).result(), after warm-up
    import concurrent.futures as cf
    # (the worker pinned by the pool's initializer, main by pinned(); see placements())
    pools = [("isles InterpreterPoolExecutor(1)", lambda c: I.InterpreterPoolExecutor(1, initializer=_pin, initargs=(c,))),
             ("ThreadPoolExecutor(1) (reference)", lambda c: cf.ThreadPoolExecutor(1, initializer=_pin, initargs=(c,))),
             ("ProcessPoolExecutor(1, spawn)",
              lambda c: cf.ProcessPoolExecutor(1, mp_context=ctx, initializer=_pin, initargs=(c,)))]
    if hasattr(cf, "InterpreterPoolExecutor"):  # 3.14+: the stdlib's own
        pools.insert(1, (f"{STD} InterpreterPoolExecutor(1)",
                         lambda c: cf.InterpreterPoolExecutor(1, initializer=_pin, initargs=(c,))))
    else:
        skipped["stdlib InterpreterPoolExecutor"] = "concurrent.futures has it from 3.14"
        # The PyPI backport of 3.14's module (interpreters-pep-734 0.5.0): on 3.12
        # it needs the interpreters-3-12 C extension; on 3.13.18 its pool never
        # finished the first warm-up task here (its worker blocked in
        # _interpqueues), so it is not run.
        skipped["interpreters-pep-734 InterpreterPoolExecutor"] = (
            "3.12: needs the interpreters-3-12 extension; 3.13.18: hung on its first task")
    for k, (place, main_cpu, cpu) in enumerate(placements()):
        for name, make in pools:
            t0 = pc()
            with pinned(main_cpu), make(cpu) as pool:
                if pool.submit(trivial, 1).result(60) != 2:
                    raise RuntimeError(f"{name}: wrong result")
                if k == 0:
                    add(f"{name}: start + first task", pc() - t0)
                for i in range(20):
                    pool.submit(trivial, i).result(60)
                for i in range(cfg["pool_n"]):
                    t0 = pc()
                    r = pool.submit(trivial, i).result()
                    add(f"{name}: warm, submit().result(), {place}", pc() - t0)
                if r != i + 1:
                    raise RuntimeError(f"{name}: wrong result")
    i = I.create()
    try:
        for k in range(20):
            i.call(trivial, k)
        for k in range(cfg["pool_n"]):
            t0 = pc()
            i.call(trivial, k)
            add("isles Interpreter.call(trivial, i), no pool (reference)", pc() - t0)
    finally:
        i.close()

    def group(key):
        return ("isles" if key.startswith("isles") else "process" if key.startswith(("process", "ProcessPool"))
                else "thread" if key.startswith("Thread") else "stdlib")

    def target(key):
        if key == "isles create()" or key.startswith("isles create + import"):
            return TARGETS["create_ms"]
        if key.startswith("isles InterpreterPoolExecutor(1): warm"):
            return TARGETS["pool_ms"]
        return None
    return [{"name": k, "group": group(k), "n": len(v), "median_ms": g4(statistics.median(v)),
             "p90_ms": g4(percentile(v, 90)), "min_ms": g4(min(v)), "target_ms": target(k)} for k, v in ms.items()]


# --- 4. memory ------------------------------------------------------------------------------

MEM_CHILD = r"""if True:
    import gc, json, os, sys
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    mode, n = sys.argv[1], int(sys.argv[2])
    out = {}
    if mode == "isles":
        import isles.interpreters as I
        gc.collect()
        r0 = rss()
        its = [I.create() for _ in range(n)]
        r1 = rss()
        try:
            for i in its: i.exec("pass")
            r2 = rss()
            for i in its: i.exec("import isles")
            r25 = rss()
            for i in its: i.exec("import isles; isles.backend()")
            r3 = rss()
            for i in its: i.exec("import isles.interpreters")
            r4 = rss()
        finally:
            for i in its: i.close()
        out = {"created": (r1 - r0) / n, "after exec(pass)": (r2 - r0) / n,
               "package": (r25 - r2) / n, "backend": (r3 - r2) / n, "interpreters": (r4 - r2) / n}
    else:
        if sys.version_info >= (3, 13):
            import _interpreters as X
            create, run = (lambda: X.create(X.new_config("isolated"))), X.exec
        else:
            import _xxsubinterpreters as X
            create, run = (lambda: X.create(isolated=True)), X.run_string
        gc.collect()
        r0 = rss()
        its = [create() for _ in range(n)]
        r1 = rss()
        try:
            for i in its: run(i, "pass")
            r2 = rss()
        finally:
            for i in its: X.destroy(i)
        out = {"created": (r1 - r0) / n, "after exec(pass)": (r2 - r0) / n}
    print(json.dumps(out))
"""


def process_rss(args):
    """VmRSS and PSS (MiB) of an idle child `python ARGS -c ...` that waits on its stdin."""
    code = "import sys\nsys.stdout.write('ready\\n')\nsys.stdout.flush()\nsys.stdin.read()\n"
    p = subprocess.Popen([sys.executable, *args, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        if p.stdout.readline() != b"ready\n":
            raise RuntimeError("idle child did not start")
        rss = rss_mib(p.pid)
        pss = None
        try:
            with open(f"/proc/{p.pid}/smaps_rollup") as f:
                pss = next(int(l.split()[1]) / 1024 for l in f if l.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        return rss, pss
    finally:
        p.stdin.close()
        p.wait(30)
        p.stdout.close()


def bench_memory(cfg, skipped):
    n = cfg["mem_interps"]
    res = {}
    modes = ["isles"]
    try:
        stdlib_peer()
        modes.append("stdlib")
    except Skip as exc:
        skipped["stdlib memory"] = str(exc)
    for rep in range(cfg["mem_rounds"]):
        for mode in modes if rep % 2 == 0 else modes[::-1]:
            out = subprocess.run([sys.executable, "-c", MEM_CHILD, mode, str(n)], check=True, capture_output=True,
                                 text=True, timeout=300)
            for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items():
                res.setdefault((mode, k), []).append(v)
        for args in (["-I", "-S"], ["-I"]):
            rss, pss = process_rss(args)
            res.setdefault(("process", " ".join(args)), []).append(rss)
            if pss is not None:
                res.setdefault(("process-pss", " ".join(args)), []).append(pss)
    std = f"{VER} _interpreters" if VER != "3.12" else "3.12 _xxsubinterpreters"
    names = [(("isles", "created"), "isles create(): RSS growth per idle interpreter", "isles", None),
             (("isles", "after exec(pass)"), "isles create() + exec('pass'): per interpreter", "isles", None),
             (("stdlib", "created"), f"{std} create(): RSS growth per idle interpreter", "stdlib", None),
             (("stdlib", "after exec(pass)"), f"{std} create() + exec('pass'): per interpreter", "stdlib", None),
             (("isles", "backend"), "extra: the isles runtime imported (isles.backend())", "isles extra",
              TARGETS["extra_mib"]),
             (("isles", "package"), "  of which: import isles (a 10-line package; first import from disk)",
              "isles extra", None),
             (("isles", "interpreters"), "extra: import isles.interpreters", "isles extra", TARGETS["extra_mib"]),
             (("process", "-I -S"), "bare process: python -I -S, VmRSS", "process", None),
             (("process-pss", "-I -S"), "bare process: python -I -S, PSS", "process", None),
             (("process", "-I"), "process with site: python -I, VmRSS", "process", None)]
    return [{"name": label, "group": group, "n": len(res[key]), "median_mib": g4(statistics.median(res[key])),
             "min_mib": g4(min(res[key])), "max_mib": g4(max(res[key])), "target_mib": target}
            for key, label, group, target in names if key in res]


# --- 5. buffers ---------------------------------------------------------------------------------

@contextlib.contextmanager
def pipe_buf(cpu=None):
    import pickle
    with pipe_server(PIPE_BUF_ECHO, cpu) as (w, r):
        def put(buf):
            data = pickle.dumps(buf, protocol=5)
            os.write(w, len(data).to_bytes(8, "little"))
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]

        def get():
            got = b""
            while len(got) < 9:
                chunk = os.read(r, 9 - len(got))
                if not chunk:
                    raise RuntimeError("pipe child exited")
                got += chunk
            return int.from_bytes(got[:8], "little"), got[8]
        yield put, get, None
        os.write(w, (0).to_bytes(8, "little"))


def bench_buffers(cfg, skipped):
    sizes = [10 ** 6, 10 ** 8]
    transports = [("isles Queue put/get", "isles", lambda cpu: isles_server("queue", BUF_ECHO, cpu)),
                  ("isles channel send_nowait/recv", "isles", lambda cpu: isles_server("chan", BUF_ECHO, cpu)),
                  ("multiprocessing.Queue (pickled), 2 processes", "process",
                   lambda cpu: mp_server(_mp_buf_echo, cpu=cpu)),
                  ("os.pipe (pickled), 2 processes", "process", pipe_buf)]
    places = placements()
    bufs = {}
    for s in sizes:
        bufs[s] = bytearray(s)
        bufs[s][-1] = 7
    times, warmups = {}, 0
    pc = time.perf_counter_ns
    print("  rounds:", end="", flush=True)
    for rnd in range(cfg["buf_rounds"]):
        for place, main_cpu, cpu in places if rnd % 2 == 0 else places[::-1]:
            with pinned(main_cpu), contextlib.ExitStack() as stack:
                servers = [(name, group, stack.enter_context(make(cpu))) for name, group, make in transports]
                for name, group, (put, get, _) in servers if rnd % 2 == 0 else servers[::-1]:
                    for s in sizes:
                        n = cfg["buf_n_isles"] if group == "isles" else cfg["buf_n_proc"][s]
                        buf = bufs[s]
                        put(buf)  # warm-up
                        get()
                        warmups += group == "isles"
                        for _ in range(n):
                            t0 = pc()
                            put(buf)
                            r = get()
                            times.setdefault((name, s, place), []).append((pc() - t0) / 1e3)
                        if tuple(r) != (s, 7):
                            raise RuntimeError(f"{name}: sent {s} bytes, got back {r!r}")
        print(f" {rnd + 1}", end="", flush=True)
    print()
    # by reference: every isles transfer incremented byte 0 in place
    for s in sizes:
        done = sum(len(v) for (n, size, _), v in times.items() if size == s and n.startswith("isles")) + warmups // 2
        if bufs[s][0] != done & 255:
            raise RuntimeError(f"isles buffer of {s} bytes: byte 0 is {bufs[s][0]}, expected {done & 255} "
                               f"after {done} transfers: was it copied?")
    rows = []
    for name, group, _ in transports:
        for s in sizes:
            row = {"name": name, "group": group, "size": s,
                   "target_us": TARGETS["buffer_us"] if group == "isles" and s == 10 ** 8 else None}
            for place, _, _ in places:
                us = times[(name, s, place)]
                row[place] = {"n": len(us), "median_us": g4(statistics.median(us)), "p90_us": g4(percentile(us, 90)),
                              "min_us": g4(min(us))}
            rows.append(row)
    return rows


# --- report ----------------------------------------------------------------------------------------

def table(title, head, rows):
    if not rows:
        return
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(head)]
    print(f"\n  {title}")
    line = "  " + "  ".join(f"{h:<{widths[0]}}" if i == 0 else f"{h:>{widths[i]}}" for i, h in enumerate(head))
    print(line + "\n  " + "-" * (len(line) - 2))
    for r in rows:
        print("  " + "  ".join(f"{str(c):<{widths[0]}}" if i == 0 else f"{str(c):>{widths[i]}}"
                               for i, c in enumerate(r)))


def verdict(value, target, lower_is_better=True):
    if target is None or value is None:
        return ""
    ok = value <= target if lower_is_better else value >= target
    return "ok" if ok else "MISSED"


def placed(row, places, key, fmt, target=None):
    """Table cells for one figure under each placement, and the verdicts."""
    cells = [fmt(row[p][key]) if p in row else "" for p in places]
    verdicts = [verdict(row[p][key], target) for p in places if p in row]
    return cells, " / ".join(verdicts) if target else ""


def report(res):
    places = [p for p, _, _ in placements()]
    ph = [f"{k} ({p})" for p in places for k in ("median", "p90")]
    rows = []
    for r in res["roundtrip"]:
        target = TARGETS["roundtrip_us"] if r["group"] == "isles" else None
        cells = [fmt_us(r[p][k]) for p in places for k in ("median_us", "p90_us")]
        rows.append([r["name"], *cells, "/".join(str(r[p]["n"]) for p in places),
                     f"<= {target:g} us" if target else "", placed(r, places, "median_us", fmt_us, target)[1]])
    table("1. round trip main <-> sub-interpreter (or process/thread), small int, per round trip",
          ["transport", *ph, "samples", "target", "ok? " + " / ".join(places)], rows)
    tp = res["throughput"]
    table("2. throughput, one way: a sub-interpreter (or process/thread) sends small tuples, main receives "
          "(not pinned)",
          ["transport", "best msg/s", "median msg/s", "us/msg (best)", "timed msgs"],
          [[r["name"], f"{r['best_per_s']:,.0f}", f"{r['median_per_s']:,.0f}", f"{1e6 / r['best_per_s']:.3g}",
            r["timed_messages"]] for r in tp])
    cr = res["create"]
    table("3. creating interpreters (and processes); warm pools: latency per trivial task",
          ["what", "median", "p90", "min", "samples", "target", ""],
          [[r["name"], fmt_us(r["median_ms"] * 1e3), fmt_us(r["p90_ms"] * 1e3), fmt_us(r["min_ms"] * 1e3), r["n"],
            f"<= {r['target_ms']:g} ms" if r["target_ms"] else "", verdict(r["median_ms"], r["target_ms"])]
           for r in cr])
    mem = res["memory"]
    table(f"4. memory: RSS growth per interpreter, {res['config']['mem_interps']} interpreters alive "
          f"(median of {res['config']['mem_rounds']} fresh processes)",
          ["what", "MiB", "min", "max", "target", ""],
          [[r["name"], f"{r['median_mib']:.2f}", f"{r['min_mib']:.2f}", f"{r['max_mib']:.2f}",
            f"<= {r['target_mib']:g} MiB" if r["target_mib"] else "", verdict(r["median_mib"], r["target_mib"])]
           for r in mem])
    rows = []
    for r in res["buffers"]:
        t = r["target_us"]
        rows.append([r["name"], f"{r['size'] // 10 ** 6} MB", *[fmt_us(r[p][k]) for p in places
                                                                 for k in ("median_us", "p90_us")],
                     "/".join(str(r[p]["n"]) for p in places), f"<= {t:g} us" if t else "",
                     placed(r, places, "median_us", fmt_us, t)[1]])
    table("5. passing a bytearray to a sub-interpreter (or process) and getting back (len, last byte)",
          ["transport", "size", *ph, "samples", "target", "ok? " + " / ".join(places)], rows)
    if res["skipped"]:
        print("\n  skipped: " + "; ".join(f"{k} ({v})" for k, v in res["skipped"].items()))


def draw(path, res, title):
    sys.path.insert(0, HERE)
    from plot import bar_panels
    places = [p for p, _, _ in placements()]

    def series(r, key, tick):
        return [(r[p][key], r[p][tick]) for p in places]
    panels = [
        {"title": "1. round trip, small int (median; | = p90)", "unit": "\u00b5s per round trip", "log": True,
         "series": places, "rows": [(r["name"], series(r, "median_us", "p90_us"), r["group"])
                                    for r in res["roundtrip"]],
         "targets": [(TARGETS["roundtrip_us"], f"target \u2264 {TARGETS['roundtrip_us']:g} \u00b5s")]},
        {"title": "2. throughput, one way, small tuples, not pinned (best; | = median)",
         "unit": "messages per second (higher is better)", "log": True,
         "rows": [(r["name"], r["best_per_s"], r["median_per_s"], r["group"]) for r in res["throughput"]],
         "targets": []},
        {"title": "3. creation, and warm pools per task (median; | = p90)", "unit": "ms", "log": True,
         "rows": [(r["name"], r["median_ms"], r["p90_ms"], r["group"]) for r in res["create"]],
         "targets": [(TARGETS["create_ms"], f"create \u2264 {TARGETS['create_ms']:g} ms"),
                     (TARGETS["pool_ms"], f"pool \u2264 {TARGETS['pool_ms']:g} ms")]},
        {"title": f"4. memory per interpreter ({res['config']['mem_interps']} alive) and per process (median)",
         "unit": "MiB", "log": False,
         "rows": [(r["name"], r["median_mib"], None, r["group"]) for r in res["memory"]],
         "targets": [(TARGETS["extra_mib"], f"isles extra \u2264 {TARGETS['extra_mib']:g} MiB")]},
        {"title": "5. pass a bytearray and get back its length (median; | = p90)", "unit": "\u00b5s per transfer",
         "log": True, "series": places,
         "rows": [(f"{r['name']}, {r['size'] // 10 ** 6} MB", series(r, "median_us", "p90_us"), r["group"])
                  for r in res["buffers"]],
         "targets": [(TARGETS["buffer_us"], f"100 MB \u2264 {TARGETS['buffer_us']:g} \u00b5s")]},
    ]
    return bar_panels(path, title, panels)


def git_state():
    """The commit measured, and whether the runtime's sources differ from it."""
    root = os.path.join(HERE, "..")
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "shim", "include", "meson.build"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
        return {"commit": head or None, "runtime_sources_modified": sorted(l[3:] for l in dirty if l.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"), help="where the JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter samples (a smoke run, noisier)")
    ap.add_argument("--only", default="", help="comma-separated sections to run (roundtrip,throughput,create,"
                    "memory,buffers); the JSON and PNG are written only for a full run")
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        ap.error("reads /proc: Linux only")
    q = args.quick
    cfg = {"quick": q,
           "rt_rounds": 2 if q else 4, "rt_n": 500 if q else 3000, "rt_cap_s": 0.05 if q else 0.2,
           "tp_rounds": 1 if q else 3, "tp_n": 20_000 if q else 100_000, "tp_cap_s": 0.5 if q else 2.0,
           "create_n": 6 if q else 25, "proc_n": 3 if q else 10, "spawn_n": 2 if q else 5, "pool_n": 100 if q else 500,
           "mem_interps": 10 if q else 20, "mem_rounds": 1 if q else 3,
           "buf_rounds": 1 if q else 3, "buf_n_isles": 30 if q else 100,
           "buf_n_proc": {10 ** 6: 5, 10 ** 8: 1} if q else {10 ** 6: 20, 10 ** 8: 2}}
    cores = len(os.sched_getaffinity(0))
    import isles.interpreters  # noqa: F401  (fail early, before any peer runs)
    print(f"\nisles.interpreters vs its peers on CPython {platform.python_version()} ({platform.platform()}), "
          f"{cores} cores{' (quick)' if q else ''}")
    sections = [("roundtrip", bench_roundtrip), ("throughput", bench_throughput), ("create", bench_create),
                ("memory", bench_memory), ("buffers", bench_buffers)]
    only = [s for s in args.only.split(",") if s]
    if any(s not in dict(sections) for s in only):
        ap.error(f"--only: sections are {','.join(dict(sections))}")
    res = {"config": cfg, "skipped": {}, "stderr": {}}
    if VER == "3.12":
        res["skipped"]["3.13 stdlib queues (_interpqueues, test.support.interpreters.queues)"] = "CPython 3.13 only"
    else:
        res["skipped"]["3.12 stdlib channels (_xxinterpchannels)"] = "CPython 3.12 only (renamed _interpchannels)"
    t_start = time.perf_counter()
    for name, fn in sections:
        if only and name not in only:
            res[name] = []
            continue
        t0 = time.perf_counter()
        print(f"\n[{name}]", flush=True)
        with stderr_captured(res["stderr"], name):
            res[name] = fn(cfg, res["skipped"])
        print(f"  ({time.perf_counter() - t0:.1f} s)")
    gc.collect()
    report(res)
    print(f"\n  total {time.perf_counter() - t_start:.0f} s")
    if only:
        return
    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, f"interpreters-{VER}")
    rel = lambda p: os.path.relpath(p, os.path.join(HERE, ".."))  # no machine paths in results
    cfg_json = dict(cfg, buf_n_proc={str(k): v for k, v in cfg["buf_n_proc"].items()})
    with open(out + ".json", "w") as f:
        json.dump({"benchmark": "interpreters", "targets": TARGETS,
                   "machine": {"cores": cores, "cpu_count": os.cpu_count(), "platform": platform.platform(),
                               "machine": platform.machine(), "cpu": cpu_model(), "python": sys.version,
                               "implementation": platform.python_implementation()},
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "source": git_state(), "config": cfg_json,
                   "placements": {p: {"main_cpu": m, "server_cpu": c} for p, m, c in placements()},
                   "skipped": res["skipped"], "stderr": res["stderr"],
                   "roundtrip": res["roundtrip"], "throughput": res["throughput"], "create": res["create"],
                   "memory": res["memory"], "buffers": res["buffers"]}, f, indent=1)
        f.write("\n")
    png = draw(out + ".png", res, f"isles.interpreters vs peers \u2014 CPython {platform.python_version()}, "
                                  f"{cores} cores{' (quick)' if q else ''}")
    print(f"  wrote {rel(out + '.json')}" + (f" and {rel(png)}" if png else ""))


if __name__ == "__main__":
    main()

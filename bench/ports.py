"""The isles ports of _heapq/_bisect (build/ports) against CPython's own C
accelerators, side by side in one process. Prints a table and writes
bench/results/ports-<X.Y>.json and .png (time ratio isles / CPython; the
brief's target is <= 1.10x on typical workloads).

    scripts/py 3.12 bench/ports.py --ports build/ports [--quick] [--out-dir bench/results]
"""
import argparse
import gc
import importlib.machinery
import importlib.util
import json
import os
import platform
import random
import sys
import time
from collections import deque
from functools import partial
from itertools import repeat
from operator import itemgetter

from machine import cpu_model  # bench/ is sys.path[0] when run as a script

TARGET = 1.10
HERE = os.path.dirname(os.path.abspath(__file__))


# --- loading both implementations -------------------------------------------

class Impl:
    """One implementation: the accelerators and heapq.py/bisect.py bound to them."""

    def __init__(self, name, h, b, heapq, bisect):
        self.name, self.h, self.b, self.heapq, self.bisect = name, h, b, heapq, bisect


def load_port(name, ports):
    # Loaded under its real name but kept out of sys.modules, so CPython's own
    # module of that name stays importable next to it.
    path = os.path.join(ports, name + ".abi3.so")
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    mod = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(mod)
    return mod


def load_py(pyname, accel):
    """A fresh copy of heapq.py / bisect.py whose `from _x import *` gets `accel`."""
    origin = importlib.util.find_spec(pyname).origin
    saved = sys.modules.get(accel.__name__)
    sys.modules[accel.__name__] = accel
    try:
        mod = importlib.util.module_from_spec(importlib.util.spec_from_file_location(pyname + "_isles", origin))
        mod.__spec__.loader.exec_module(mod)
    finally:
        sys.modules[accel.__name__] = saved
    return mod


def load_impls(ports):
    import _bisect, _heapq, bisect, heapq  # CPython's own
    cp = Impl("CPython", _heapq, _bisect, heapq, bisect)
    ph, pb = load_port("_heapq", ports), load_port("_bisect", ports)
    isl = Impl("isles", ph, pb, load_py("heapq", ph), load_py("bisect", pb))
    # Make sure each side really runs the code we think it does.
    for a, py, names in (("h", "heapq", ("heappush", "heappop", "heapify", "heapreplace", "_heapreplace_max")),
                         ("b", "bisect", ("bisect_left", "bisect_right", "insort_left", "insort_right"))):
        for n in names:
            c, i = getattr(getattr(cp, a), n), getattr(getattr(isl, a), n)
            if c is i or c.__self__ is not getattr(cp, a) or i.__self__ is not getattr(isl, a):
                sys.exit(f"error: {n} is not the expected implementation")
            if vars(getattr(cp, py))[n] is not c or vars(getattr(isl, py))[n] is not i:
                sys.exit(f"error: {py}.{n} is not bound to its accelerator")
    for m in (ph, pb):
        if os.path.dirname(os.path.realpath(m.__file__)) != ports:
            sys.exit(f"error: {m.__name__} port came from {m.__file__}, not {ports}")
    for m in (_heapq, _bisect):
        if os.path.dirname(os.path.realpath(getattr(m, "__file__", "") or "<builtin>")) == ports:
            sys.exit(f"error: CPython's {m.__name__} is the port: keep {ports} off sys.path")
    return cp, isl


# --- workloads ---------------------------------------------------------------
# Each one: (group, label, calls per run, make(impl, loops) -> run). make()
# prepares the inputs for `loops` runs (untimed: copies of lists the run
# mutates); run() does the timed work and returns a result that must be the
# same for both implementations. Calls are driven from C (map) where possible,
# so the time is the accelerator's rather than the bytecode loop's; "(loop)"
# marks rows called from a Python loop, whose bytecode time both sides share.

N = 10_000          # heap / sorted list size
NI = 2_000          # insort: smaller, so the list's memmove does not dominate
NCALL = 100_000     # calls per run for the per-call overhead rows
rnd = random.Random(20240501)
INTS = [rnd.randrange(1 << 30) for _ in range(N)]
MORE = [rnd.randrange(1 << 30) for _ in range(N)]
TUPS = [(v % 1000, i) for i, v in enumerate(INTS)]   # (priority, counter): the usual queue entry
SORTED = sorted(INTS)
RECS = sorted((v, i) for i, v in enumerate(INTS))    # records bisected with key=itemgetter(0)
RUNS = [sorted(INTS[i::16]) for i in range(16)]       # for heapq.merge
HEAP_I, HEAP_T = INTS[:], TUPS[:]
__import__("heapq").heapify(HEAP_I)
__import__("heapq").heapify(HEAP_T)
sink = partial(deque, maxlen=0)                       # consumes an iterator at C speed
WORKLOADS = []


def workload(group, label, calls):
    def add(make):
        WORKLOADS.append((group, label, calls, make))
        return make
    return add


def fresh(src, loops):
    return [src[:] for _ in range(loops)]


def push_all(data):
    def make(m, loops):
        push = m.h.heappush
        def run():
            for _ in range(loops):
                h = []
                sink(map(push, repeat(h), data))
            return h
        return run
    return make


def pop_all(heap):
    def make(m, loops):
        pop, heaps = m.h.heappop, fresh(heap, loops)
        return lambda: [list(map(pop, repeat(h, len(h)))) for h in heaps][-1]
    return make


def heapify_all(data):
    def make(m, loops):
        heapify, heaps = m.h.heapify, fresh(data, loops)
        return lambda: [heapify(h) for h in heaps] and heaps[-1]
    return make


def replace_all(fname):
    def make(m, loops):
        f, heaps = getattr(m.h, fname), fresh(HEAP_I, loops)
        return lambda: [list(map(f, repeat(h), MORE)) for h in heaps][-1]
    return make


workload("heapq", f"heappush {N} ints", N)(push_all(INTS))
workload("heapq", f"heappush {N} tuples", N)(push_all(TUPS))
workload("heapq", f"heappop {N} ints", N)(pop_all(HEAP_I))
workload("heapq", f"heappop {N} tuples", N)(pop_all(HEAP_T))
workload("heapq", f"heapify {N} ints", 1)(heapify_all(INTS))
workload("heapq", f"heapify {N} tuples", 1)(heapify_all(TUPS))
workload("heapq", f"heapreplace x{N} (ints)", N)(replace_all("heapreplace"))
workload("heapq", f"heappushpop x{N} (ints)", N)(replace_all("heappushpop"))


@workload("heapq", f"heapq.nsmallest(100, {N} ints)", 1)
def _(m, loops):
    f = m.heapq.nsmallest  # heapq.py: _heapify_max + a Python loop of _heapreplace_max
    return lambda: [f(100, INTS) for _ in range(loops)][-1]


@workload("heapq", f"heapq.merge(16 runs, {N} ints)", 1)
def _(m, loops):
    f = m.heapq.merge  # heapq.py: heapreplace/heappop on [value, order, next] lists
    return lambda: [list(f(*RUNS)) for _ in range(loops)][-1]


def bisect_all(fname, a, queries):
    def make(m, loops):
        f = getattr(m.b, fname)
        return lambda: [list(map(f, repeat(a), queries)) for _ in range(loops)][-1]
    return make


def insort_all(fname, data):
    def make(m, loops):
        f = getattr(m.b, fname)
        def run():
            for _ in range(loops):
                s = []
                sink(map(f, repeat(s), data))
            return s
        return run
    return make


# Keyword calls are made from Python code: map() cannot pass keywords, and
# partial(f, key=...) would rebuild a dict on every call and dominate the time.
KEY = itemgetter(0)
INS_RECS = [(v, i) for i, v in enumerate(INTS[:NI])]

workload("bisect", f"bisect_left x{N}, {N} ints", N)(bisect_all("bisect_left", SORTED, MORE))
workload("bisect", f"bisect_right x{N}, {N} ints", N)(bisect_all("bisect_right", SORTED, MORE))
workload("bisect", f"insort_right {NI} ints", NI)(insort_all("insort_right", INTS[:NI]))


@workload("bisect", f"bisect_left key= x{N}, {N} records (loop)", N)
def _(m, loops):
    f = m.b.bisect_left
    return lambda: [[f(RECS, x, key=KEY) for x in MORE] for _ in range(loops)][-1]


@workload("bisect", f"insort_left key= {NI} records (loop)", NI)
def _(m, loops):
    f = m.b.insort_left
    def run():
        for _ in range(loops):
            s = []
            for r in INS_RECS:
                f(s, r, key=KEY)
        return s
    return run


def trivial(fname, a):
    # The same call NCALL times on a list of length 0 or 1: what is left is the
    # cost of the call itself (argument parsing, handles, context lookup).
    def make(m, loops):
        f = partial(getattr(m.h if fname.startswith("heap") else m.b, fname), a)
        return lambda: [sink(map(f, repeat(0, NCALL))) for _ in range(loops)] and a
    return make


workload("per call", "heappushpop([], x)", NCALL)(trivial("heappushpop", []))
workload("per call", "heappushpop([1], 0)", NCALL)(trivial("heappushpop", [1]))
workload("per call", "bisect_left([1], x)", NCALL)(trivial("bisect_left", [1]))


@workload("per call", "heapify([])", NCALL)
def _(m, loops):
    f, e = m.h.heapify, []  # METH_O
    return lambda: [sink(map(f, repeat(e, NCALL))) for _ in range(loops)] and e


@workload("per call", "bisect_right([1], x, lo=0, hi=1) (loop)", NCALL)
def _(m, loops):
    f, a = m.b.bisect_right, [1]  # keywords: the kwnames path of the argument parser
    def run():
        for _ in range(loops):
            for _ in repeat(None, NCALL):
                f(a, 0, lo=0, hi=1)
        return a
    return run


# --- timing --------------------------------------------------------------------

def timed(run):
    gc.disable()  # as timeit does: no collection inside a sample
    try:
        t0 = time.perf_counter()
        result = run()
        return time.perf_counter() - t0, result
    finally:
        gc.enable()


def calibrate(make, impl, sample):
    """Loops per sample so that one sample takes about `sample` seconds."""
    loops = 1
    while True:
        t, _ = timed(make(impl, loops))
        if t >= sample / 4 or loops >= 1 << 20:
            return max(1, round(loops * sample / max(t, 1e-9)))
        loops *= 4


def measure_all(impls, repeats, sample):
    """Per workload, {impl name: [seconds per run, one per round]}."""
    loops = [calibrate(make, impls[0], sample) for _, _, _, make in WORKLOADS]
    times = [{m.name: [] for m in impls} for _ in WORKLOADS]
    print("  rounds:", end="", flush=True)
    for rep in range(repeats):
        # Round-robin over all workloads, so a noisy stretch of the machine
        # spoils one sample of many workloads rather than all of one; and
        # alternate which implementation goes first, so drift hits both alike.
        for (_, label, _, make), n, t in zip(WORKLOADS, loops, times):
            results = []
            for m in impls if rep % 2 == 0 else impls[::-1]:
                run = make(m, n)
                dt, res = timed(run)
                del run
                t[m.name].append(dt / n)
                results.append(res)
            if results[0] != results[1]:
                sys.exit(f"error: {label}: the two implementations gave different results")
        print(f" {rep + 1}", end="", flush=True)
    print("\n")
    return times


def fmt_t(s):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.1f} ns"


def median(xs):
    xs = sorted(xs)
    return (xs[len(xs) // 2] + xs[(len(xs) - 1) // 2]) / 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ports", default=os.path.join(HERE, "..", "build", "ports"),
                    help="directory holding the isles _heapq/_bisect ports (default: build/ports)")
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"), help="where the JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter samples (a smoke run, noisier)")
    args = ap.parse_args()
    args.ports = os.path.realpath(args.ports)
    for f in ("_heapq", "_bisect"):
        if not os.path.isfile(os.path.join(args.ports, f + ".abi3.so")):
            ap.error(f"no {f}.abi3.so in {args.ports} (build first: scripts/bench builds it)")
    repeats, sample = (5, 0.01) if args.quick else (15, 0.04)
    ver = "%d.%d" % sys.version_info[:2]
    cores = len(os.sched_getaffinity(0))
    impls = load_impls(args.ports)

    print(f"\nisles ports vs CPython's accelerators on CPython {platform.python_version()} "
          f"({platform.platform()}), {cores} cores")
    print(f"best of {repeats} rounds of ~{sample * 1e3:.0f} ms samples, workloads and implementations "
          f"interleaved; ratio = isles / CPython time (target <= {TARGET:.2f})\n")
    t_start = time.perf_counter()
    all_times = measure_all(impls, repeats, sample)
    head = f"  {'workload':<46}{'CPython':>11}{'isles':>11}{'ratio':>8}{'median':>8}"
    print(head + "\n  " + "-" * (len(head) - 2))
    rows, group = [], None
    for (g, label, calls, _), times in zip(WORKLOADS, all_times):
        if g != group:
            group = g
            print(f"  [{g}]" + ("  (time per call)" if g == "per call" else "  (time per call of the accelerator)"))
        c, i = min(times["CPython"]), min(times["isles"])
        # The median of per-round ratios: a noise check on the best-of ratio.
        med = median([b / a for a, b in zip(times["CPython"], times["isles"])])
        rows.append({"group": g, "workload": label, "calls": calls,
                     "cpython_s": float(f"{c:.4g}"), "isles_s": float(f"{i:.4g}"),
                     "ratio": round(i / c, 4), "median_ratio": round(med, 4),
                     "cpython_runs_s": [float(f"{x:.4g}") for x in times["CPython"]],
                     "isles_runs_s": [float(f"{x:.4g}") for x in times["isles"]]})
        flag = "  *" if i / c > TARGET else ""
        print(f"  {label:<46}{fmt_t(c / calls):>11}{fmt_t(i / calls):>11}{i / c:>7.3f}x{med:>7.3f}x{flag}")
    typ = [r["ratio"] for r in rows if r["group"] != "per call"]
    geo = 1.0
    for r in typ:
        geo *= r
    geo **= 1 / len(typ)
    print(f"\n  ratio: best isles / best CPython; median: of the per-round ratios (a noise check); "
          f"* above the {TARGET:.2f} target")
    print(f"  geometric mean over the {len(typ)} typical workloads: {geo:.3f}x "
          f"({time.perf_counter() - t_start:.0f} s)")

    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, f"ports-{ver}")
    rel = lambda p: os.path.relpath(p, os.path.join(HERE, ".."))  # no machine paths in results
    where = lambda mod: rel(mod.__file__) if mod.__file__.startswith(args.ports) else os.path.basename(mod.__file__)
    with open(out + ".json", "w") as f:
        json.dump({"benchmark": "ports", "target_ratio": TARGET,
                   "machine": {"cores": cores, "cpu_count": os.cpu_count(), "platform": platform.platform(),
                               "machine": platform.machine(), "cpu": cpu_model(), "python": sys.version,
                               "implementation": platform.python_implementation()},
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   "config": {"quick": args.quick, "repeats": repeats, "sample_s": sample, "n": N,
                              "insort_n": NI, "calls_per_call_row": NCALL},
                   "modules": {m.name: {x.__name__: where(x) for x in (m.h, m.b)} for m in impls},
                   "geomean_ratio_typical": round(geo, 4), "results": rows}, f, indent=1)
        f.write("\n")
    sys.path.insert(0, HERE)
    from plot import ratio_bars
    png = ratio_bars(out + ".png",
                     f"isles ports vs CPython's own _heapq/_bisect — CPython {platform.python_version()}, "
                     f"{cores} cores{' (quick)' if args.quick else ''}\n"
                     f"geometric mean of typical workloads: {geo:.3f}\u00d7",
                     [(r["workload"], r["ratio"], r["group"], r["median_ratio"]) for r in rows], TARGET,
                     f"target \u2264 {TARGET:.2f}\u00d7")
    print(f"  wrote {rel(out + '.json')}" + (f" and {rel(png)}" if png else ""))


if __name__ == "__main__":
    main()

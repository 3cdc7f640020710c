"""The isles ports (build/ports: _heapq, _bisect, _json, _csv) against
CPython's own C accelerators, side by side in one process. Prints a table and writes
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

from machine import cpu_model, python_label  # bench/ is sys.path[0] when run as a script

TARGET = 1.10
HERE = os.path.dirname(os.path.abspath(__file__))


# --- loading both implementations -------------------------------------------
# accelerator -> the stdlib module that imports it (and binds its names)
PORTS = {"_heapq": "heapq", "_bisect": "bisect", "_json": "json", "_csv": "csv"}


class Impl:
    """One implementation: each accelerator (h, b, j, c) and the stdlib module
    bound to it (heapq, bisect, json, csv); None where a port is missing."""

    def __init__(self, name, accels, stdlib):
        self.name, self.accels, self.stdlib = name, accels, stdlib
        self.h, self.b, self.j, self.c = (accels.get(a) for a in PORTS)
        self.heapq, self.bisect, self.json, self.csv = (stdlib.get(PORTS[a]) for a in PORTS)


def load_port(name, ports):
    # Loaded under its real name but kept out of sys.modules, so CPython's own
    # module of that name stays importable next to it.
    path = os.path.join(ports, name + ".abi3.so")
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    mod = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(mod)
    return mod


def fresh_import(pkg, accel):
    """A fresh copy of the stdlib module or package `pkg` whose imports of the
    accelerator get `accel`; sys.modules is left as it was."""
    def ours(k):
        return k == pkg or k.startswith(pkg + ".") or k == accel.__name__
    saved = {k: v for k, v in sys.modules.items() if ours(k)}
    for k in saved:
        del sys.modules[k]
    sys.modules[accel.__name__] = accel
    try:
        return importlib.import_module(pkg)
    finally:
        for k in [k for k in sys.modules if ours(k)]:
            del sys.modules[k]
        sys.modules.update(saved)


def bound_names(pkg_mod, accel):
    """(name, function in the stdlib module) pairs that must come from accel."""
    if accel.__name__ == "_json":
        return [("c_scanstring", pkg_mod.decoder.c_scanstring), ("c_make_encoder", pkg_mod.encoder.c_make_encoder),
                ("c_make_scanner", pkg_mod.scanner.c_make_scanner)]
    if accel.__name__ == "_csv":
        return [("reader", pkg_mod.reader), ("writer", pkg_mod.writer)]
    # 3.14's _heapq has the max-heap functions under public names only
    max_name = "heapreplace_max" if sys.version_info >= (3, 14) else "_heapreplace_max"
    names = {"_heapq": ("heappush", "heappop", "heapify", "heapreplace", max_name),
             "_bisect": ("bisect_left", "bisect_right", "insort_left", "insort_right")}[accel.__name__]
    return [(n, vars(pkg_mod)[n]) for n in names]


def load_impls(ports):
    available = [a for a in PORTS if os.path.isfile(os.path.join(ports, a + ".abi3.so"))]
    cp_accels = {a: importlib.import_module(a) for a in available}
    isl_accels = {a: load_port(a, ports) for a in available}
    impls = []
    for name, accels in (("CPython", cp_accels), ("isles", isl_accels)):
        stdlib = {PORTS[a]: fresh_import(PORTS[a], accels[a]) for a in available}
        impls.append(Impl(name, accels, stdlib))
    # Make sure each side really runs the code we think it does.
    cp, isl = impls
    for a in available:
        for (n, c), (_, i) in zip(bound_names(cp.stdlib[PORTS[a]], cp.accels[a]),
                                  bound_names(isl.stdlib[PORTS[a]], isl.accels[a])):
            if c is None or i is None or c is i or getattr(cp.accels[a], n.removeprefix("c_")) is not c \
                    or getattr(isl.accels[a], n.removeprefix("c_")) is not i:
                sys.exit(f"error: {PORTS[a]}.{n} is not bound to the expected accelerator")
        if os.path.dirname(os.path.realpath(isl.accels[a].__file__)) != ports:
            sys.exit(f"error: {a} port came from {isl.accels[a].__file__}, not {ports}")
        if os.path.dirname(os.path.realpath(getattr(cp.accels[a], "__file__", "") or "<builtin>")) == ports:
            sys.exit(f"error: CPython's {a} is the port: keep {ports} off sys.path")
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


# json: a mixed document (nested objects and arrays; ASCII, escaped and
# non-ASCII strings; ints, floats, bools, nulls), about 130 kB as text.
def _json_doc():
    r = random.Random(7)
    words = ["alpha", "beta", "gamma", "d\u00e9j\u00e0 vu", "line\nbreak", "quote\"d", "tab\there", "\u6f22\u5b57",
             "emoji \U0001f600", "plain text with some length to it"]
    def item(i):
        return {"id": i, "name": r.choice(words), "score": r.random() * 1000, "count": r.randrange(-10**6, 10**6),
                "big": r.randrange(10**20), "active": r.random() < 0.5, "parent": None if i % 3 else i // 3,
                "tags": [r.choice(words) for _ in range(r.randrange(5))],
                "pos": {"x": r.uniform(-1, 1), "y": r.uniform(-1, 1), "label": r.choice(words)}}
    return {"version": 3, "items": [item(i) for i in range(400)], "meta": {"source": "bench", "ok": True}}


JSON_DOC = _json_doc()
JSON_TEXT = __import__("json").dumps(JSON_DOC)


@workload("json", f"json.loads ({len(JSON_TEXT) // 1000} kB mixed document)", 1)
def _(m, loops):
    f = m.json.loads
    return lambda: [f(JSON_TEXT) for _ in range(loops)][-1]


@workload("json", f"json.dumps ({len(JSON_TEXT) // 1000} kB mixed document)", 1)
def _(m, loops):
    f = m.json.dumps
    return lambda: [f(JSON_DOC) for _ in range(loops)][-1]


@workload("json", "json.dumps(ensure_ascii=False, sort_keys=True)", 1)
def _(m, loops):
    f = m.json.dumps
    return lambda: [f(JSON_DOC, ensure_ascii=False, sort_keys=True) for _ in range(loops)][-1]


# csv: 50,000 rows of six mixed fields, some needing quotes.
NROWS = 50_000
_r = random.Random(11)
CSV_ROWS = [[str(i), f"{_r.random() * 1e4:.3f}", _r.choice(["red", "green", "blue, ish", 'say "hi"', ""]),
             str(_r.randrange(10**9)), _r.choice(["a", "bb", "ccc dd", "multi\nline"]), "tail"]
            for i in range(NROWS)]
CSV_TEXT = None


def csv_text():
    global CSV_TEXT
    if CSV_TEXT is None:
        import csv, io
        buf = io.StringIO()
        csv.writer(buf).writerows(CSV_ROWS)
        CSV_TEXT = buf.getvalue()
    return CSV_TEXT


@workload("csv", f"csv.reader: read {NROWS} rows", 1)
def _(m, loops):
    import io
    reader, text = m.csv.reader, csv_text()
    return lambda: [list(reader(io.StringIO(text))) for _ in range(loops)][-1]


@workload("csv", f"csv.writer: writerows {NROWS} rows", 1)
def _(m, loops):
    import io
    writer = m.csv.writer
    def run():
        for _ in range(loops):
            buf = io.StringIO()
            writer(buf).writerows(CSV_ROWS)
        return buf.getvalue()
    return run


@workload("csv", f"csv.DictReader: read {NROWS // 5} rows", 1)
def _(m, loops):
    import io
    dict_reader, text = m.csv.DictReader, "a,b,c,d,e,f\r\n" + csv_text()[:len(csv_text()) // 5].rsplit("\r\n", 1)[0]
    return lambda: [list(dict_reader(io.StringIO(text))) for _ in range(loops)][-1]


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


GROUP_PORT = {"heapq": "_heapq", "bisect": "_bisect", "json": "_json", "csv": "_csv"}


def measure_all(impls, repeats, sample):
    """Per workload, {impl name: [seconds per run, one per round]}."""
    have = set(impls[1].accels)
    WORKLOADS[:] = [w for w in WORKLOADS if GROUP_PORT.get(w[0], "_heapq") in have]
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
                    help="directory holding the isles ports (default: build/ports)")
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"), help="where the JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter samples (a smoke run, noisier)")
    ap.add_argument("--only", metavar="TEXT",
                    help="run only the workloads whose group or label contains TEXT; writes no results")
    args = ap.parse_args()
    if args.only:
        WORKLOADS[:] = [w for w in WORKLOADS if args.only in w[0] or args.only in w[1]]
        if not WORKLOADS:
            ap.error(f"--only {args.only!r}: no workload matches")
    args.ports = os.path.realpath(args.ports)
    for f in ("_heapq", "_bisect"):
        if not os.path.isfile(os.path.join(args.ports, f + ".abi3.so")):
            ap.error(f"no {f}.abi3.so in {args.ports} (build first: scripts/bench builds it)")
    missing = [a for a in PORTS if not os.path.isfile(os.path.join(args.ports, a + ".abi3.so"))]
    if missing:
        print(f"note: no port of {', '.join(missing)} in {args.ports}: those rows are skipped")
    repeats, sample = (5, 0.01) if args.quick else (15, 0.04)
    ver = python_label()
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
    geo **= 1 / max(1, len(typ))
    print(f"\n  ratio: best isles / best CPython; median: of the per-round ratios (a noise check); "
          f"* above the {TARGET:.2f} target")
    print(f"  geometric mean over the {len(typ)} typical workloads: {geo:.3f}x "
          f"({time.perf_counter() - t_start:.0f} s)")
    if args.only:
        return

    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, f"ports-{ver}")
    rel = lambda p: os.path.relpath(p, os.path.join(HERE, ".."))  # no machine paths in results
    def where(mod):  # a built-in accelerator (Debian's CPythons) has no file
        f = getattr(mod, "__file__", None)
        return "built-in" if f is None else rel(f) if f.startswith(args.ports) else os.path.basename(f)
    with open(out + ".json", "w") as f:
        json.dump({"benchmark": "ports", "target_ratio": TARGET,
                   "machine": {"cores": cores, "cpu_count": os.cpu_count(), "platform": platform.platform(),
                               "machine": platform.machine(), "cpu": cpu_model(), "python": sys.version,
                               "implementation": platform.python_implementation()},
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   "config": {"quick": args.quick, "repeats": repeats, "sample_s": sample, "n": N,
                              "insort_n": NI, "calls_per_call_row": NCALL},
                   "modules": {m.name: {x.__name__: where(x) for x in m.accels.values()} for m in impls},
                   "geomean_ratio_typical": round(geo, 4), "results": rows}, f, indent=1)
        f.write("\n")
    sys.path.insert(0, HERE)
    from plot import ratio_bars
    png = ratio_bars(out + ".png",
                     f"isles ports vs CPython's own accelerators — CPython {platform.python_version()}, "
                     f"{cores} cores{' (quick)' if args.quick else ''}\n"
                     f"geometric mean of typical workloads: {geo:.3f}\u00d7",
                     [(r["workload"], r["ratio"], r["group"], r["median_ratio"]) for r in rows], TARGET,
                     f"target \u2264 {TARGET:.2f}\u00d7")
    print(f"  wrote {rel(out + '.json')}" + (f" and {rel(png)}" if png else ""))


if __name__ == "__main__":
    main()

"""The cross-mode demo: one universal binary of _heapq/_bisect (build/ports),
the same CPU-bound work per worker, run by N threads of the main interpreter
(one shared GIL) and by N own-GIL sub-interpreters (isles run_isolated, one
per thread). Prints a table and writes bench/results/demo-<X.Y>.json.

    scripts/py 3.12 bench/demo.py --ports build/ports [--workers N] [--scale X] [--repeat R]
"""
import argparse
import json
import os
import platform
import sys
import threading
import time

# The worker, as source: the very same text is exec'd in the main interpreter
# (threads mode) and run in each sub-interpreter, so the work is identical.
WORKER = r'''
import os, sys

def _load(ports):
    # ports first on sys.path: CPython's heapq.py/bisect.py then pick up the
    # isles ports through their own `from _heapq import *`.
    if ports and sys.path[:1] != [ports]:
        sys.path.insert(0, ports)
    import heapq, bisect, _heapq, _bisect
    for m in (_heapq, _bisect):
        where = os.path.dirname(os.path.realpath(getattr(m, "__file__", "") or "<builtin>"))
        if (where == ports) != bool(ports):
            raise ImportError(f"{m.__name__} was loaded from {getattr(m, '__file__', 'a builtin')}, "
                              f"expected {'the isles ports in ' + ports if ports else 'CPython'}")
    if heapq.heappop is not _heapq.heappop or bisect.bisect_left is not _bisect.bisect_left:
        raise ImportError("heapq/bisect did not pick up _heapq/_bisect")
    return heapq, bisect, _heapq.__file__

def work(seed, rounds, size, ports):
    """Fixed work for one worker; returns (checksum, _heapq file)."""
    heapq, bisect, where = _load(ports)
    from itertools import repeat
    from random import Random
    heapify, heappush, heappop = heapq.heapify, heapq.heappush, heapq.heappop
    heapreplace, heappushpop = heapq.heapreplace, heapq.heappushpop
    insort, bisect_left = bisect.insort, bisect.bisect_left
    rnd = Random(seed)
    ints = [rnd.randrange(1 << 30) for _ in range(size)]
    pairs = [(v % 997, v) for v in ints]            # tuples: compares go through tuple richcompare
    acc = 0
    for r in range(rounds):
        # map() drives most calls from C, so the time goes to the ports, not to bytecode.
        h = ints[:]
        heapify(h)
        acc += sum(map(heapreplace, repeat(h), (v ^ r for v in ints[: size // 2])))
        acc += sum(map(heappop, repeat(h, size)))
        t = []
        any(map(heappush, repeat(t), pairs))
        acc += sum(p[1] for p in map(heappushpop, repeat(t), pairs[::3]))
        acc += hash(tuple(map(heappop, repeat(t, size // 4))))
        top = ints[:64]                              # classic Python-level top-k
        heapify(top)
        for v in ints:
            if v > top[0]:
                heapreplace(top, v)
        acc += top[0]
        s = []                                       # sorted list grown by insort, then queried
        any(map(insort, repeat(s), ints[: size // 2]))
        acc += sum(map(bisect_left, repeat(s), ints))
        acc &= (1 << 61) - 1
    return acc, where
'''


def run_threads(n, args):
    """N threads of this interpreter: they share its one GIL."""
    ns = {"__name__": "isles_demo_worker"}
    exec(compile(WORKER, "<demo worker>", "exec"), ns)
    return _in_threads(n, lambda i: ns["work"](i, args.rounds, args.size, args.ports))


def run_interpreters(n, args):
    """N threads, each running the worker in a fresh own-GIL sub-interpreter."""
    b = __import__("isles").backend()

    def one(i):
        code = WORKER + f"\n__isles_result__ = repr(work({i}, {args.rounds}, {args.size}, {args.ports!r}))\n"
        out = b.run_isolated(code)
        if not isinstance(out, str):
            raise RuntimeError(f"run_isolated returned {out!r}, not the worker's result")
        return eval(out)  # a (int, str) tuple, from our own code

    return _in_threads(n, one)


def _in_threads(n, fn):
    """Runs fn(0..n-1) on n threads; returns (wall seconds, [results])."""
    results, errors = [None] * n, []
    start = threading.Barrier(n + 1)

    def body(i):
        start.wait()
        try:
            results[i] = fn(i)
        except BaseException as e:  # reported by the main thread below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return wall, results


MODES = {"threads": run_threads, "interpreters": run_interpreters}
LABEL = {"threads": "threads, one shared GIL", "interpreters": "own-GIL interpreters"}


def positive(kind):
    def parse(s):
        try:
            v = kind(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {kind.__name__}: {s!r}") from None
        if v <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0: {s!r}")
        return v
    return parse


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ports", required=True, help="directory holding the isles _heapq/_bisect ports")
    ap.add_argument("--workers", type=positive(int), default=max(2, len(os.sched_getaffinity(0))),
                    help="N, the number of workers (default: cores, at least 2)")
    ap.add_argument("--scale", type=positive(float), default=1.0,
                    help="multiplies the work per worker (default 1.0)")
    ap.add_argument("--repeat", type=positive(int), default=3, help="best of R runs (default 3)")
    ap.add_argument("--out", help="JSON output (default: bench/results/demo-X.Y.json)")
    args = ap.parse_args()
    args.ports = os.path.realpath(args.ports)
    found = os.listdir(args.ports) if os.path.isdir(args.ports) else []
    for f in ("_heapq", "_bisect"):
        if not any(x.startswith(f + ".") and x.endswith(".so") for x in found):
            ap.error(f"no {f} port in {args.ports} (build first: scripts/demo builds it)")
    args.size, args.rounds = 2000, max(1, round(400 * args.scale))  # ~1.2 s per worker here
    ver = "%d.%d" % sys.version_info[:2]
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", f"demo-{ver}.json")
    cores = len(os.sched_getaffinity(0))
    n = args.workers

    # Reference: the same work on CPython's own _heapq/_bisect, in a sub-interpreter
    # (this interpreter must import the ports). Also gives the port-vs-stock cost.
    b = __import__("isles").backend()
    t0 = time.perf_counter()
    ref = eval(b.run_isolated(WORKER + f"\n__isles_result__ = repr(work(0, {args.rounds}, {args.size}, None))\n"))
    stock_s = time.perf_counter() - t0

    print(f"\nisles demo on CPython {platform.python_version()} ({platform.platform()}), {cores} cores")
    print(f"work per worker: {args.rounds} rounds on {args.size} ints/tuples (--scale {args.scale:g}), "
          f"best of {args.repeat}", flush=True)
    runs = {(m, w): [] for m in MODES for w in sorted({1, n})}
    sums = {}
    for rep in range(args.repeat):       # modes interleaved, so drift hits all alike
        for (mode, w), times in runs.items():
            wall, res = MODES[mode](w, args)
            times.append(wall)
            for i, (cs, where) in enumerate(res):
                if os.path.dirname(os.path.realpath(where)) != args.ports:
                    raise SystemExit(f"error: {mode} worker {i} used {where}, not the ports")
                if sums.setdefault(i, cs) != cs:
                    raise SystemExit(f"error: checksum mismatch: {mode} x{w} worker {i}: {cs} != {sums[i]}")
    if sums[0] != ref[0]:
        raise SystemExit(f"error: the ports' checksum {sums[0]} differs from CPython's own modules' {ref[0]}")

    rows = []
    print(f"\n  {'mode':<26}{'workers':>8}{'seconds':>10}{'speedup':>10}")
    for (mode, w), times in runs.items():
        best, base = min(times), min(runs[(mode, 1)])
        rows.append({"mode": mode, "workers": w, "seconds": round(best, 4),
                     "runs": [round(t, 4) for t in times], "speedup": round(w * base / best, 3)})
        print(f"  {LABEL[mode]:<26}{w:>8}{best:>10.3f}{rows[-1]['speedup']:>9.2f}x")
    ratio = min(runs[("interpreters", n)]) / min(runs[("threads", n)])
    print("  (speedup: work done per second vs 1 worker of the same mode; the ideal is N)")
    ideal = 1 / min(n, cores)  # threads take N units of time; interpreters N / min(N, cores)
    print(f"\n  own-GIL interpreters time / threads time at {n} workers: {ratio:.3f}"
          f"  (target <= 0.6 on 2 cores; ideal here 1/{min(n, cores)} = {ideal:.3f})")
    print(f"  checksum {ref[0]} identical in every mode and with CPython's own _heapq/_bisect "
          f"({stock_s:.3f} s for 1 worker, vs {min(runs[('threads', 1)]):.3f} s with the ports)")

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"machine": {"cores": cores, "cpu_count": os.cpu_count(), "platform": platform.platform(),
                               "machine": platform.machine(), "python": sys.version,
                               "implementation": platform.python_implementation()},
                   "config": {"workers": n, "scale": args.scale, "rounds": args.rounds, "size": args.size,
                              "repeat": args.repeat},
                   "results": rows, "interpreters_over_threads": round(ratio, 4), "ideal": round(ideal, 4),
                   "checksum": ref[0], "stock_1_worker_seconds": round(stock_s, 4),
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, f, indent=2)
        f.write("\n")
    print(f"  wrote {os.path.relpath(out)}")


if __name__ == "__main__":
    main()

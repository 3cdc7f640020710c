"""The cross-mode demo: one universal binary of each accelerator (_csv, _json,
_heapq, _bisect from build/ports) and the same CPU-bound work per worker, run
by 1..N workers in four modes:

  threads                      N threads of the main interpreter (one shared GIL)
  own-GIL interpreters         N isolated isles interpreters, each in its own thread
  shared-GIL sub-interpreters  N legacy sub-interpreters (own_gil=False), each in its own thread
  processes                    N multiprocessing processes (spawn)

The work, on CSV text generated from a seed: parse it with csv.reader, turn
the rows into records, encode them with json.dumps and decode them with
json.loads, merge per-region sorted runs with heapq.merge, keep a top-k heap
(heappush, heappushpop), a histogram (bisect) and write the top rows with
csv.writer. Every worker does the same work (calibrated so that one worker
takes about --duration seconds) and returns a checksum, which must be the same
in every worker and mode and equal to the one CPython's own accelerators give
(computed once, in a subprocess without the ports).

Workers start one at a time (the startup of each is timed alone: thread
start, interpreter creation or process spawn, imports, data), then wait; all
are released at once and only that work phase is timed, as rows per second.

    scripts/py 3.13 bench/demo.py [--workers N] [--duration S] [--repeat R] [--quick] [--out FILE]

Prints a table, merges this CPython's results into bench/results/demo.json
(keyed by version) and draws bench/results/demo.png from every version there
(without matplotlib: JSON only). A progress bar goes to stderr.

Only light standard modules are imported at module level: the ports must come
first on sys.path before csv, json, heapq or bisect is imported (random
imports bisect), and multiprocessing's spawn imports this file again in every
child.
"""
import gc
import os
import platform
import sys
import threading
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ACCELERATORS = ("_csv", "_json", "_heapq", "_bisect")

# The worker, as source: the very same text runs in a fresh namespace per
# thread, in each sub-interpreter's __main__, in each child process and in the
# reference subprocess, so the work is identical in every mode.
WORKER = r'''
import io, os, time


def startup(ports, use_ports):
    """Imports what the work needs and checks where the accelerators came from:
    build/ports (use_ports) or CPython itself (the reference). Returns
    ((module, file), ...)."""
    if use_ports:
        # sys.path cannot shadow accelerators CPython compiles in (Debian's): a
        # finder can. What a spawned child imported before (3.14's spawn
        # brings in json, heapq and bisect) is imported again through it.
        import sys
        import isles.ports
        isles.ports.install(ports)
        stale = {m for m in ("_csv", "_json", "_heapq", "_bisect") if m in sys.modules and os.path.dirname(
            os.path.realpath(getattr(sys.modules[m], "__file__", None) or "<built-in>")) != ports}
        if stale:
            for name in [n for n in sys.modules if n.split(".")[0] in stale | {"csv", "json", "heapq", "bisect"}]:
                del sys.modules[name]
    import csv, json, json.encoder, json.scanner, heapq, bisect, zlib
    import _csv, _json, _heapq, _bisect
    files = []
    for m in (_csv, _json, _heapq, _bisect):
        f = getattr(m, "__file__", None)
        from_ports = f is not None and os.path.dirname(os.path.realpath(f)) == ports
        if from_ports != use_ports:
            raise ImportError(f"{m.__name__} was loaded from {f or 'CPython (built in)'}, expected "
                              f"{'the isles port in ' + ports if use_ports else 'CPython itself'}")
        files.append((m.__name__, f or "built-in"))
    # The stdlib modules must use the accelerators, not their pure-Python fallbacks.
    if not (csv.reader is _csv.reader and json.scanner.c_make_scanner is _json.make_scanner
            and json.encoder.c_make_encoder is _json.make_encoder
            and heapq.heappushpop is _heapq.heappushpop and bisect.bisect_right is _bisect.bisect_right):
        raise ImportError("csv, json, heapq or bisect did not pick up its accelerator")
    return tuple(files)


def work(batches, items):
    """items work items, cycling through batches (CSV text). Returns (checksum, rows)."""
    import csv, json, heapq, bisect, zlib
    reader, writer, StringIO = csv.reader, csv.writer, io.StringIO
    dumps, loads = json.dumps, json.loads
    merge, heappush, heappushpop = heapq.merge, heapq.heappush, heapq.heappushpop
    bisect_right, crc32 = bisect.bisect_right, zlib.crc32
    bands = [100 * 2 ** k for k in range(16)]   # order totals in cents: a log histogram
    hist = [0] * (len(bands) + 1)
    top = []                                   # the 64 largest orders so far (a min-heap)
    acc = rows = 0
    for i in range(items):
        recs = []
        for oid, day, region, sku, qty, price, customer, note in reader(StringIO(batches[i % len(batches)], "")):
            oid, qty, price = int(oid), int(qty), float(price)
            unit = round(price * 100)
            recs.append({"id": oid, "day": day, "region": region, "sku": sku, "qty": qty, "price": price,
                         "total": qty * unit * (100 - (i + oid) % 15) // 100,  # discount varies per pass
                         "customer": customer.title(), "note": note,
                         "tags": [region[:3].lower(), sku[-2:], day[5:7]]})
        text = dumps(recs, sort_keys=True)
        back = loads(text)
        if len(back) != len(recs) or back[-1] != recs[-1]:
            raise AssertionError(f"json round trip changed record {recs[-1]!r} into {back[-1]!r}")
        runs = {}                                   # one sorted run per region...
        for r in back:
            runs.setdefault(r["region"], []).append((r["total"], r["id"]))
        for run in runs.values():
            run.sort()
        for t in merge(*runs.values()):             # ...merged in one ascending pass
            hist[bisect_right(bands, t[0])] += 1
            if len(top) < 64:
                heappush(top, t)
            elif t > top[0]:
                heappushpop(top, t)
        out = StringIO()
        writer(out).writerows(top)
        acc = (acc * 1000003 + crc32(text.encode()) + crc32(out.getvalue().encode())) & ((1 << 61) - 1)
        rows += len(recs)
    return acc ^ crc32(repr((hist, sorted(top))).encode()), rows


def peak_rss_kib():
    """This process's peak resident set (VmHWM), KiB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            return next((int(l.split()[1]) for l in f if l.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def serve(ports, worker, batches, items, go, msgs):
    """One worker's life: start up, say "ready", wait for "go", work, report.
    go and msgs are queues (isles queues in-process, multiprocessing's across processes)."""
    try:
        files = startup(ports, True)
        msgs.put(("ready", worker, time.monotonic(), files))
        if go.get() != "go":                     # "stop": the run is abandoned
            return
        t0 = time.monotonic()                    # CLOCK_MONOTONIC: one clock for every process
        checksum, rows = work(batches, items)
        msgs.put(("done", worker, t0, time.monotonic(), checksum, rows, peak_rss_kib()))
    except BaseException:
        import traceback
        msgs.put(("error", worker, traceback.format_exc()))
'''

# Runs the worker with CPython's own accelerators in a fresh `python -P -s`
# without PYTHONPATH: nothing but the stdlib and the venv on sys.path, so
# build/ports is not there. Input: marshal on stdin.
REFERENCE = r'''
import marshal, sys, time
src, ports, batches, items = marshal.loads(sys.stdin.buffer.read())
ns = {"__name__": "isles_demo_worker"}
exec(compile(src, "<demo worker>", "exec"), ns)
files = ns["startup"](ports, False)
t0 = time.monotonic()
checksum, rows = ns["work"](batches, items)
print(repr((checksum, rows, time.monotonic() - t0, files)))
'''

MODES = {  # key: (label, group colour for the plot)
    "threads": ("threads (one shared GIL)", "tab:grey"),
    "own_gil": ("own-GIL interpreters", "tab:blue"),
    "shared_gil": ("shared-GIL sub-interpreters", "tab:purple"),
    "processes": ("processes (spawn)", "tab:green"),
}
ROWS_PER_ITEM, BATCHES = 200, 16  # a work item is one batch of CSV rows; workers cycle through the batches


class Failed(Exception):
    """A worker failed or the checks did not hold; the message says which."""


# --- the dataset --------------------------------------------------------------

def make_batches(seed, nbatches, rows):
    """nbatches CSV texts of `rows` orders each, the same for a given seed. Names
    with commas and non-ASCII letters, notes with quotes and newlines: the quoting
    paths of csv and the escaping of json get their share."""
    import csv
    import io
    from random import Random
    rnd = Random(seed)
    regions = ["north", "south", "east", "west", "central", "islands", "coast", "mountains"]
    first = ["ada", "grace", "alan", "zoë", "jürgen", "ǿrjan", "linus", "guido", "margaret", "edsger"]
    last = ["lovelace", "hopper", "turing", "ångström", "müller", "o'neil", "van rossum", "hamilton"]
    notes = ["", "", "", "gift", 'said "handle with care"', "leave at door, ring twice", "fragile\nkeep upright"]
    oid = 0
    out = []
    for _ in range(nbatches):
        buf = io.StringIO()
        w = csv.writer(buf)
        for _ in range(rows):
            oid += 1
            name = f"{rnd.choice(last)}, {rnd.choice(first)}" if rnd.random() < 0.3 else \
                f"{rnd.choice(first)} {rnd.choice(last)}"
            w.writerow([oid, f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", rnd.choice(regions),
                        f"SKU-{rnd.randrange(10000):04d}", rnd.randint(1, 20), f"{rnd.randrange(50, 500000) / 100:.2f}",
                        name, rnd.choice(notes)])
        out.append(buf.getvalue())
    return tuple(out)  # a tuple of str crosses to interpreters as data


# --- memory -------------------------------------------------------------------

def rss_kib():
    """This process's resident set now (/proc/self/statm), KiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_kib():
    """This process's peak resident set (VmHWM), KiB."""
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))


def reset_peak_rss():
    """Resets VmHWM to the current RSS (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# --- one run: n workers of one mode -------------------------------------------

def _thread_worker(code, ports, i, batches, items, go, msgs):
    """threads mode: the worker source in a fresh namespace of this interpreter."""
    try:
        ns = {"__name__": "isles_demo_worker"}
        exec(code, ns)
        ns["serve"](ports, i, batches, items, go, msgs)
    except BaseException as e:
        msgs.put(("error", i, f"{type(e).__name__}: {e}"))


def _interp_worker(interps, own_gil, ports, i, batches, items, go, msgs):
    """Interpreter modes: a new interpreter, the worker source in its __main__;
    this thread then runs in it until the work is done."""
    try:
        import isles.interpreters as interpreters
        interp = interpreters.create(own_gil=own_gil)
        interps.append(interp)  # closed by the main thread once every worker is done
        interp.prepare_main(batches=batches, go=go, msgs=msgs)
        interp.exec(WORKER)
        interp.exec(f"serve({ports!r}, {i}, batches, {items}, go, msgs)")
    except BaseException as e:
        msgs.put(("error", i, f"{type(e).__name__}: {e}"))


def _process_worker(ports, i, batches, items, go, msgs):
    """processes mode, in the child: spawn gave it the parent's sys.path (ports first)."""
    ns = {"__name__": "isles_demo_worker"}
    exec(compile(WORKER, "<demo worker>", "exec"), ns)
    ns["serve"](ports, i, batches, items, go, msgs)


def run_once(mode, n, cfg, expect):
    """n workers of `mode`, started one after another (each one's startup is timed
    alone, and nobody works meanwhile), then released together. Returns a dict:
    seconds (release to the last worker done), rows, startup_ms per worker,
    memory_mib per worker."""
    import queue
    gc.collect()
    interps, workers = [], []
    if mode == "processes":
        import multiprocessing
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: fair, and safe with threads
        go, msgs = ctx.Queue(), ctx.Queue()
    else:
        import isles.interpreters as interpreters
        go, msgs = interpreters.create_queue(), interpreters.create_queue()
    base_kib = rss_kib()
    peak_reset = reset_peak_rss()

    def receive(kind, pending, timeout):
        """The next message from a worker; Failed on an error, or when a worker in
        `pending` (not heard from yet) died silently or the time ran out."""
        deadline = time.monotonic() + timeout
        quiet = 0  # polls in a row with nothing received and a pending worker gone
        while True:
            try:
                msg = msgs.get(timeout=1.0)
            except queue.Empty:
                gone = any(not workers[i].is_alive() for i in pending)
                quiet = quiet + 1 if gone else 0
                if quiet > 1 or time.monotonic() > deadline:  # one more poll: its last words may be in flight
                    raise Failed(f"{MODES[mode][0]} x{n}: a worker stopped (or took too long) "
                                 f"before sending {kind!r}") from None
                continue
            if msg[0] == "error":
                raise Failed(f"{MODES[mode][0]} x{n}, worker {msg[1]} failed:\n{msg[2]}")
            if msg[0] != kind:
                raise Failed(f"{MODES[mode][0]} x{n}: got {msg[0]!r}, expected {kind!r}")
            pending.discard(msg[1])
            return msg

    startup, done = [], []
    try:
        for i in range(n):
            args = (cfg.ports, i, cfg.batches, cfg.items, go, msgs)
            if mode == "processes":
                w = ctx.Process(target=_process_worker, args=args, daemon=True)
            elif mode == "threads":
                w = threading.Thread(target=_thread_worker, args=(cfg.code, *args))
            else:
                w = threading.Thread(target=_interp_worker, args=(interps, mode == "own_gil", *args))
            t_launch = time.monotonic()
            w.start()
            workers.append(w)
            _, _, t_ready, files = receive("ready", {i}, 120)
            for name, f in files:  # checked in the worker too; the report must agree
                if os.path.dirname(os.path.realpath(f)) != cfg.ports:
                    raise Failed(f"{MODES[mode][0]} worker {i}: {name} came from {f}, not {cfg.ports}")
            startup.append((t_ready - t_launch) * 1000)
        t_go = time.monotonic()
        for _ in range(n):
            go.put("go")
        pending = set(range(n))
        done = [receive("done", pending, 600 + 20 * n * cfg.duration) for _ in range(n)]
        wall = max(d[3] for d in done) - t_go
        if mode == "processes":  # each child's own peak: its whole cost
            mem = sum(d[6] for d in done) / n / 1024
        else:                    # this process's peak growth, shared out
            mem = ((peak_kib() if peak_reset else rss_kib()) - base_kib) / n / 1024
    finally:
        for _ in range(n - len(done)):
            go.put("stop")
        for w in workers:
            w.join(30)
            if mode == "processes" and w.is_alive():
                w.terminate()
        for interp in interps:
            try:
                interp.close()
            except Exception:  # still running after a failure: left to exit
                pass
    for d in done:
        if (d[4], d[5]) != expect:
            raise Failed(f"{MODES[mode][0]} x{n}, worker {d[1]}: checksum {d[4]} over {d[5]} rows, "
                         f"expected {expect[0]} over {expect[1]} rows")
    return {"seconds": wall, "rows": sum(d[5] for d in done), "startup_ms": startup,
            "memory_mib": max(mem, 0.0), "worker_seconds": [d[3] - d[2] for d in done], "peak_reset": peak_reset}


# --- calibration and reference ------------------------------------------------

def calibrate(cfg, target_s):
    """Items per worker so that one worker's work takes about cfg.duration: time
    growing runs in this thread (ports loaded) until one lasts target_s, then
    that one again, and keep the faster (a busy host slows some runs down)."""
    ns = {"__name__": "isles_demo_worker"}
    exec(cfg.code, ns)
    ns["startup"](cfg.ports, True)
    ns["work"](cfg.batches, 2)  # warm up

    def timed(k):
        t0 = time.perf_counter()
        ns["work"](cfg.batches, k)
        return time.perf_counter() - t0

    k = 4
    while (dt := timed(k)) < target_s:
        k = max(2 * k, int(k * target_s / dt * 1.2))  # aim a little past target_s
    return max(1, round(cfg.duration * k / min(dt, timed(k))))


def reference(cfg):
    """The work with CPython's own accelerators, in a subprocess: (checksum, rows, seconds)."""
    import ast
    import marshal
    import subprocess
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # keeps PYTHONHASHSEED
    proc = subprocess.run([sys.executable, "-P", "-s", "-c", REFERENCE], capture_output=True, env=env,
                          input=marshal.dumps((WORKER, cfg.ports, cfg.batches, cfg.items)))
    if proc.returncode:
        raise Failed("the reference run (CPython's own accelerators) failed:\n" + proc.stderr.decode())
    checksum, rows, seconds, _ = ast.literal_eval(proc.stdout.decode())
    return checksum, rows, seconds


# --- output -------------------------------------------------------------------

class Progress:
    """A small hand-written progress bar on stderr: redrawn in place on a
    terminal, one line per step otherwise (logs stay readable). Drawn only
    between runs, so it never takes the GIL from timed work."""

    def __init__(self, total, title):
        self.total, self.done, self.title = total, 0, title
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()

    def show(self, what):
        width = 28
        fill = width * self.done // self.total
        el = int(time.monotonic() - self.t0)
        line = (f"{self.title} [{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} "
                f"{el // 60}:{el % 60:02d}  {what}")
        if self.tty:
            sys.stderr.write("\r\033[K" + line)
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def step(self, what):
        """Marks one step done and shows the next."""
        self.done += 1
        self.show(what)

    def close(self):
        self.done = self.total
        self.show("done")
        if self.tty:
            sys.stderr.write("\n")


def worker_counts(n):
    """1..n: every count up to 4, then powers of two and n (threads at n workers take n times as long)."""
    return sorted({1, n} | {k for k in range(2, min(n, 4) + 1)} | {2 ** k for k in range(2, n.bit_length())})


def median(xs):
    xs = sorted(xs)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def summarize(runs):
    """Per (mode, workers): the best throughput of the repeats, speedup over the best of 1 worker,
    median startup per worker, and the largest memory per worker (later repeats reuse memory that
    earlier runs freed in this process, so they understate it)."""
    rows = []
    for (mode, n), rs in runs.items():
        best = max(r["rows"] / r["seconds"] for r in rs)
        one = max(r["rows"] / r["seconds"] for r in runs[(mode, 1)])
        rows.append({"mode": mode, "label": MODES[mode][0], "workers": n,
                     "rows_per_s": round(best), "speedup": round(best / one, 3),
                     "startup_ms": round(median([s for r in rs for s in r["startup_ms"]]), 2),
                     "memory_mib": round(max(r["memory_mib"] for r in rs), 2),
                     "runs": [{"seconds": round(r["seconds"], 4), "rows_per_s": round(r["rows"] / r["seconds"]),
                               "startup_ms": [round(s, 2) for s in r["startup_ms"]],
                               "memory_mib": round(r["memory_mib"], 2),
                               "worker_seconds": [round(s, 4) for s in r["worker_seconds"]]} for r in rs]})
    return rows


def memory_method(peak_reset):
    mine = ("peak RSS growth of this process during the run (VmHWM, reset at its start)" if peak_reset else
            "RSS growth of this process from the start of the run to the end of the work (statm)")
    return (f"threads and interpreters: {mine}, divided by the workers; processes: each child's peak RSS "
            f"(VmHWM: its whole interpreter, shared library pages included)")


def print_table(result):
    c = result["config"]
    print(f"\nisles demo on CPython {result['python']} ({result['machine']['platform']}), "
          f"{result['machine']['cores']} cores")
    print(f"work per worker: {c['items']} items x {c['rows_per_item']} CSV rows "
          f"(about {c['duration']:g} s for one worker), best of {c['repeat']}; "
          f"PYTHONHASHSEED={c['pythonhashseed']} in every process")
    print(f"\n  {'mode':<29}{'workers':>8}{'rows/s':>11}{'speedup':>9}{'startup ms':>12}{'MiB/worker':>12}")
    for r in result["results"]:
        print(f"  {r['label']:<29}{r['workers']:>8}{r['rows_per_s']:>11,}{r['speedup']:>8.2f}x"
              f"{r['startup_ms']:>12.1f}{r['memory_mib']:>12.1f}")
    s, n = result["summary"], c["workers"]
    print(f"\n  own-GIL interpreters at {n} workers: {s['own_gil']:.2f}x over one worker "
          f"(threads {s['threads']:.2f}x, shared-GIL sub-interpreters {s['shared_gil']:.2f}x, "
          f"processes {s['processes']:.2f}x; ideal {min(n, result['machine']['cores'])}x)")
    ref = result["reference"]
    print(f"  checksum {result['checksum']} identical in every worker of every run, and with CPython's own "
          f"accelerators (one worker: {ref['rows_per_s']:,} rows/s with them in a single run, "
          f"{ref['ports_rows_per_s']:,} with the ports)")
    print("  rows/s: rows of all workers / time from the release of the workers to the last one done")
    print("  speedup: rows/s over 1 worker of the same mode")
    print("  startup: per worker, launch (thread start, interpreter creation, process spawn) to ready "
          "(imports done, data received), workers started one at a time")
    print(f"  memory: {result['memory_method']}")


def write_json(path, version, result):
    """Merges this CPython's result into the file (keyed by version), atomically."""
    import json
    data = {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        pass
    data[version] = result
    data = dict(sorted(data.items(), key=lambda kv: [int(x) for x in kv[0].split(".")]))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    return data


def plot(path, data):
    """Throughput and speedup against workers, one column per CPython in `data`."""
    from plot import line_panels  # bench/ is on sys.path, right after the ports
    throughput, speedup = [], []
    for res in data.values():
        if not (isinstance(res, dict) and {"results", "machine", "reference"} <= res.keys()):
            continue  # not a demo result (written by something else): nothing to draw
        cores, name = res["machine"]["cores"], f"CPython {res['python']}"
        counts = sorted({r["workers"] for r in res["results"]})
        by_mode = {m: [r for r in res["results"] if r["mode"] == m] for m in MODES}

        def lines(key, scale=1):
            return [(MODES[m][0], [r["workers"] for r in rs], [r[key] / scale for r in rs], MODES[m][1])
                    for m, rs in by_mode.items() if rs]

        ref = res["reference"]["rows_per_s"] / 1000
        throughput.append({"title": f"{name}: throughput", "ylabel": "thousand rows/s", "xticks": counts,
                           "lines": lines("rows_per_s", 1000),
                           "refs": [([counts[0], counts[-1]], [ref, ref], "1 worker, CPython's own accelerators")]})
        speedup.append({"title": f"{name}: speedup over 1 worker", "ylabel": "speedup", "xticks": counts,
                        "lines": lines("speedup"),
                        "refs": [(counts, [min(c, cores) for c in counts], f"ideal on {cores} cores", ":")]})
    return line_panels(path, "isles demo: csv, json, heapq and bisect work on the same universal ports",
                       [throughput, speedup], xlabel="workers")


# --- main ---------------------------------------------------------------------

def positive(kind):
    import argparse

    def parse(s):
        try:
            v = kind(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {kind.__name__}: {s!r}") from None
        if not v > 0:
            raise argparse.ArgumentTypeError(f"must be > 0: {s!r}")
        return v
    return parse


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ports", default=os.path.join(os.path.dirname(HERE), "build", "ports"),
                    help="directory holding the isles ports (default: build/ports)")
    ap.add_argument("--workers", type=positive(int), default=max(2, len(os.sched_getaffinity(0))),
                    help="N: runs 1..N workers per mode (default: the number of cores, at least 2)")
    ap.add_argument("--duration", type=positive(float),
                    help="seconds of work for one worker; sets the work per worker (default 1.0, --quick 0.2)")
    ap.add_argument("--repeat", type=positive(int), help="best of R runs per mode and count (default 5, --quick 1)")
    ap.add_argument("--quick", action="store_true", help="a smoke run of seconds: short work, one repeat")
    ap.add_argument("--seed", type=int, default=684, help="seed of the generated dataset (default 684, for PEP 684)")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "demo.json"),
                    help="JSON to merge the results into (default bench/results/demo.json); the PNG goes beside it")
    args = ap.parse_args()
    if "PYTHONHASHSEED" not in os.environ:
        # str hashes are randomized per process, and the dict layouts they give move this
        # work's speed by up to 10%: one seed for this process and every child, so that
        # the modes compare like for like. Set here, it needs a fresh start.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    # Short runs, many repeats: on a shared host a run at N workers, with no core to
    # spare, is slowed more often than one at 1 worker; the best of 5 finds a quiet spell.
    args.duration = args.duration or (0.2 if args.quick else 1.0)
    args.repeat = args.repeat or (1 if args.quick else 5)
    args.ports = os.path.realpath(args.ports)
    found = os.listdir(args.ports) if os.path.isdir(args.ports) else []
    for m in ACCELERATORS:
        if not any(x.startswith(m + ".") and x.endswith(".so") for x in found):
            ap.error(f"no {m} port in {args.ports} (scripts/demo builds it)")
    # Ports first, before anything imports csv, json, heapq or bisect: the threads
    # share this interpreter's modules, and children and sub-interpreters inherit sys.path.
    early = [m for m in ("csv", "json", "heapq", "bisect", *ACCELERATORS) if m in sys.modules]
    if early:
        sys.exit(f"error: {', '.join(early)} imported before build/ports was put on sys.path")
    sys.path.insert(0, args.ports)
    import isles.ports  # and where CPython compiles the accelerators in (Debian's), a finder
    isles.ports.install(args.ports)

    try:
        run(args)
    except Failed as e:
        sys.exit(f"\nerror: {e}")


def run(args):
    from machine import cpu_model  # bench/ is on sys.path, right after the ports
    ver = "%d.%d" % sys.version_info[:2]
    cores = len(os.sched_getaffinity(0))
    n = args.workers
    counts = worker_counts(n)
    cfg = types.SimpleNamespace(ports=args.ports, duration=args.duration, items=0,
                                batches=make_batches(args.seed, BATCHES, ROWS_PER_ITEM),
                                code=compile(WORKER, "<demo worker>", "exec"))
    bar = Progress(2 + args.repeat * len(MODES) * len(counts), f"CPython {ver}")
    bar.show("calibrating")
    cfg.items = calibrate(cfg, 0.1 if args.quick else 0.3)
    bar.step("reference run with CPython's own accelerators")
    checksum, ref_rows, ref_s = reference(cfg)
    expect = (checksum, ref_rows)

    # Modes and counts interleaved in each repeat, so slow drift hits all alike.
    runs = {(m, k): [] for m in MODES for k in counts}
    for rep in range(args.repeat):
        for (mode, k), rs in runs.items():
            bar.step(f"{MODES[mode][0]} x{k}" + (f" (round {rep + 1}/{args.repeat})" if args.repeat > 1 else ""))
            rs.append(run_once(mode, k, cfg, expect))
    bar.close()

    rows = summarize(runs)
    at_n = {r["mode"]: r["speedup"] for r in rows if r["workers"] == n}
    peak = all(r["peak_reset"] for rs in runs.values() for r in rs)
    result = {
        "python": platform.python_version(),
        "machine": {"cores": cores, "cpu_count": os.cpu_count(), "cpu": cpu_model(), "platform": platform.platform(),
                    "machine": platform.machine(), "python": sys.version},
        "config": {"workers": n, "counts": counts, "duration": args.duration, "repeat": args.repeat,
                   "seed": args.seed, "items": cfg.items, "rows_per_item": ROWS_PER_ITEM, "batches": BATCHES,
                   "quick": args.quick, "pythonhashseed": os.environ["PYTHONHASHSEED"]},
        "results": rows,
        "summary": at_n,
        "checksum": checksum,
        # one worker with CPython's own accelerators (subprocess) beside the ports (threads x1)
        "reference": {"rows_per_s": round(ref_rows / ref_s), "seconds": round(ref_s, 4),
                      "ports_rows_per_s": next(r["rows_per_s"] for r in rows if r["mode"] == "threads")},
        "memory_method": memory_method(peak),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print_table(result)
    data = write_json(args.out, ver, result)
    png = plot(os.path.splitext(args.out)[0] + ".png", data)
    print(f"  wrote {os.path.relpath(args.out)}" + (f" and {os.path.relpath(png)}" if png else ""))


if __name__ == "__main__":
    main()

"""Call overhead of one isles source built two ways against the same
functions on the raw C-API, side by side in one process: the universal
binary (one file for every CPython), the per-CPython unstable-tier build of
the same source, and METH_NOARGS/METH_O/METH_FASTCALL functions written
directly against Python.h. Prints a table and writes
bench/results/callcost-<X.Y>.json and .png (time ratio to the raw C-API; the
brief's target for the universal build is <= 1.05x).

    scripts/py 3.13 bench/callcost.py [--quick] [--out-dir bench/results]
"""
import argparse
import gc
import importlib.machinery
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import deque
from functools import partial
from itertools import repeat

from machine import cpu_model  # bench/ is sys.path[0] when run as a script

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = 1.05
NCALL = 200_000
LIST = list(range(1000))


def compile_module(src, name, outdir, *, python_headers, defines=()):
    """Builds bench/callcost/<src> into outdir; returns the file."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") if python_headers else ".abi3.so"
    out = os.path.join(outdir, name + suffix)
    cc = os.environ.get("CC") or shutil.which("cc") or "gcc"
    cmd = [cc, "-std=c11", "-O2", "-shared", "-fPIC", "-fvisibility=hidden", f"-I{ROOT}/include",
           f"-DMODNAME={name}", f'-DMODNAME_STR="{name}"', *defines, os.path.join(HERE, "callcost", src), "-o", out]
    if python_headers:
        cmd.insert(1, "-I" + sysconfig.get_paths()["include"])
    subprocess.run(cmd, check=True)
    return out


def load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    mod = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(mod)
    return mod


# (label, make(module) -> zero-argument run doing NCALL calls from C)
def calls(fname, *args):
    def make(m):
        f = partial(getattr(m, fname), *args[:-1]) if len(args) > 1 else getattr(m, fname)
        it = args[-1]
        return lambda: deque(map(f, repeat(it, NCALL)), maxlen=0)
    return make


WORKLOADS = [
    ("METH_O: onearg(x)", calls("onearg", 7)),
    ("METH_FASTCALL: add(a, b)", calls("add", 3, 4)),
    ("METH_O: list_sum(1000 ints), per item", lambda m: (lambda f: lambda: [f(LIST) for _ in range(NCALL // 1000)])(m.list_sum)),
]


def noargs_make(m):
    f = m.noargs
    return lambda: deque((f() for _ in repeat(None, NCALL)), maxlen=0)


WORKLOADS.insert(0, ("METH_NOARGS: noargs()", noargs_make))
PER = {WORKLOADS[3][0]: 1000 * (NCALL // 1000)}  # items, not calls


def timed(run):
    gc.disable()
    try:
        t0 = time.perf_counter()
        run()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(HERE, "results"))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeats = 5 if args.quick else 21
    tmp = tempfile.mkdtemp(prefix="isles-callcost-")
    try:
        mods = {
            "C-API": load("calls_capi", compile_module("calls_capi.c", "calls_capi", tmp, python_headers=True)),
            "isles universal": load("calls_universal", compile_module("calls_isles.c", "calls_universal", tmp,
                                                                      python_headers=False)),
            "isles unstable": load("calls_unstable", compile_module("calls_isles.c", "calls_unstable", tmp,
                                                                    python_headers=True,
                                                                    defines=["-DISL_UNSTABLE_API"])),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    names = list(mods)
    # every build computes the same thing
    assert mods["isles universal"].add(3, 4) == mods["C-API"].add(3, 4) == mods["isles unstable"].add(3, 4) == 7
    assert len({m.list_sum(LIST) for m in mods.values()}) == 1
    times = {label: {n: [] for n in names} for label, _ in WORKLOADS}
    print(f"\ncall overhead on CPython {platform.python_version()}: best of {repeats} rounds, builds interleaved\n")
    for rep in range(repeats):
        order = names if rep % 2 == 0 else names[::-1]
        for label, make in WORKLOADS:
            for n in order:
                run = make(mods[n])
                times[label][n].append(timed(run) / PER.get(label, NCALL))
    head = f"  {'function':<40}{'C-API':>10}{'universal':>11}{'ratio':>8}{'unstable':>11}{'ratio':>8}"
    print(head + "\n  " + "-" * (len(head) - 2))
    rows = []
    for label, _ in WORKLOADS:
        best = {n: min(times[label][n]) for n in names}
        ru, rs = best["isles universal"] / best["C-API"], best["isles unstable"] / best["C-API"]
        mu = sorted(u / c for u, c in zip(times[label]["isles universal"], times[label]["C-API"]))[repeats // 2]
        rows.append({"workload": label, "capi_ns": round(best["C-API"] * 1e9, 2),
                     "universal_ns": round(best["isles universal"] * 1e9, 2),
                     "unstable_ns": round(best["isles unstable"] * 1e9, 2),
                     "universal_ratio": round(ru, 4), "unstable_ratio": round(rs, 4), "universal_median_ratio": round(mu, 4)})
        flag = "  *" if ru > TARGET else ""
        print(f"  {label:<40}{best['C-API'] * 1e9:>8.1f}ns{best['isles universal'] * 1e9:>9.1f}ns{ru:>7.3f}x"
              f"{best['isles unstable'] * 1e9:>9.1f}ns{rs:>7.3f}x{flag}")
    print(f"\n  ratio: best time / best raw C-API time; * above the {TARGET:.2f} target for the universal build")
    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, "callcost-%d.%d" % sys.version_info[:2])
    with open(out + ".json", "w") as f:
        json.dump({"benchmark": "callcost", "target_ratio": TARGET,
                   "machine": {"cores": len(os.sched_getaffinity(0)), "platform": platform.platform(),
                               "cpu": cpu_model(), "python": sys.version},
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "config": {"quick": args.quick, "repeats": repeats},
                   "results": rows}, f, indent=1)
        f.write("\n")
    sys.path.insert(0, HERE)
    from plot import ratio_bars
    bars = []
    for r in rows:
        bars.append((r["workload"] + " (universal)", r["universal_ratio"], "universal", r["universal_median_ratio"]))
        bars.append((r["workload"] + " (unstable)", r["unstable_ratio"], "unstable", r["unstable_ratio"]))
    png = ratio_bars(out + ".png", f"isles call overhead vs the raw C-API — CPython {platform.python_version()}"
                     f"{' (quick)' if args.quick else ''}", bars, TARGET, f"target \u2264 {TARGET:.2f}\u00d7 (universal)")
    rel = os.path.relpath(out, ROOT)
    print(f"  wrote {rel}.json" + (f" and {rel}.png" if png else ""))


if __name__ == "__main__":
    main()

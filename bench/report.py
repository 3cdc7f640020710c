"""Writes docs/benchmarks.md from the JSON in bench/results/, so that every
figure in it comes from a run of scripts/bench or scripts/demo. scripts/bench
and scripts/demo call it after they run; `python3 bench/report.py` redoes it.
"""
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
OUT = os.path.join(HERE, "..", "docs", "benchmarks.md")


def load(pattern):
    out = {}
    for path in sorted(glob.glob(os.path.join(RESULTS, pattern))):
        with open(path) as f:
            out[os.path.basename(path)] = json.load(f)
    return out


def machine_line(d):
    m = d.get("machine", {})
    return (f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('platform', '?')}; "
            f"CPython {m.get('python', '?').split()[0]}; run {d.get('time', '?')}")


def version_of(name):
    return name.rsplit("-", 1)[-1].removesuffix(".json")


def ports_section(out):
    files = load("ports-*.json")
    if not files:
        return
    out += ["## Ports against CPython's own accelerators", "",
            "`scripts/bench ports`: the universal ports in `build/ports` and CPython's C accelerators, the "
            "same workloads interleaved in one process; ratio = isles time / CPython time (best of the "
            "rounds; the median of per-round ratios beside it). Target: <= 1.10.", ""]
    versions = [version_of(n) for n in files]
    out.append("| workload | " + " | ".join(f"{v} ratio (median)" for v in versions) + " |")
    out.append("|---|" + "---|" * len(versions))
    first = next(iter(files.values()))
    for i, r in enumerate(first["results"]):
        cells = []
        for d in files.values():
            rr = d["results"][i] if i < len(d["results"]) else None
            cells.append(f"{rr['ratio']:.2f} ({rr['median_ratio']:.2f})" if rr else "-")
        out.append(f"| {r['group']}: {r['workload']} | " + " | ".join(cells) + " |")
    out.append("| **geometric mean, typical workloads** | "
               + " | ".join(f"**{d['geomean_ratio_typical']:.3f}**" for d in files.values()) + " |")
    out += [""] + [f"- {n}: {machine_line(d)}" for n, d in files.items()] + [""]
    out += [f"![ports {version_of(n)}](../bench/results/{n.removesuffix('.json')}.png)" for n in files] + [""]


def quartiles(xs):
    xs = sorted(xs)
    return xs[len(xs) // 4], xs[(3 * len(xs)) // 4]


def callcost_section(out):
    files = load("callcost-*.json")
    if not files:
        return
    out += ["## Call overhead", "",
            "`scripts/bench callcost`: one isles source built universal, universal with every runtime-switched "
            "fast path compiled out (what a runtime that withholds its layout promises costs), and per CPython "
            "(unstable tier), "
            "the raw C-API, pybind11 3 (per-interpreter GIL declared), nanobind and Cython 3; ratio = time / "
            "raw C-API time. Target for the universal build: <= 1.05. The C-API functions are written the "
            "plain way (`PyLong_AsLongLong`, a reference taken per list item, METH_O's recursion check); Cython "
            "and nanobind inline small-int conversion and call through their own vectorcall, hence their lead. "
            "nanobind cannot load in sub-interpreters; pybind11 pays for its per-interpreter internals. Every build "
            "aligns its functions to 64 bytes (`-falign-functions=64`): code placement alone moves a "
            "5-instruction function by +-7% otherwise. In a fixed order, the first build timed after a change of "
            "workload ran METH_O up to 6% faster than identical code timed later; so each workload's sweep "
            "starts with an untimed run of a build no column reports, and the builds run in a new random order "
            "every round. Each ratio is taken within one process (best of the rounds against best of the rounds) "
            "and the median over several fresh processes is reported: the addresses a process loads the builds "
            "at move whole rows by several per cent. \"C-API, again\" is the raw C-API source built a second "
            "time under another name, a null control: it should read 1.00, and the spread of its per-process "
            "ratios (the middle half is given under each table) is the noise in one process's ratio; the median "
            "over the processes is steadier.", ""]
    for n, d in files.items():
        others = [b for b in d.get("builds", []) if b != "C-API"] or ["isles universal", "isles unstable"]
        out.append(f"CPython {version_of(n)} ({machine_line(d)}):")
        out.append("")
        out.append("| function | C-API | " + " | ".join(others) + " |")
        out.append("|---|---|" + "---|" * len(others))
        for r in d["results"]:
            ns = r.get("ns", {})
            cells = [f"{ns.get(b, 0):.1f} ns ({r['ratio'][b]:.2f}x)" for b in others] if "ratio" in r \
                else [f"{r['universal_ratio']:.2f}x", f"{r['unstable_ratio']:.2f}x"]
            out.append(f"| {r['workload']} | {ns.get('C-API', r.get('capi_ns', 0)):.1f} ns | " + " | ".join(cells) + " |")
        for build in ("C-API, again", "isles universal"):
            spread = [r for r in d["results"] if build in r.get("ratio_per_process", {})]
            if spread:
                out += ["", f"{build}, middle half of the per-process ratios: " + "; ".join(
                    "{} {:.3f}–{:.3f}".format(r['workload'].split(':')[1].strip(), *quartiles(r['ratio_per_process'][build]))
                    for r in spread) + "."]
        if d.get("skipped"):
            out.append("")
            out += [f"- skipped {k}: {v}" for k, v in d["skipped"].items()]
        out += ["", f"![callcost {version_of(n)}](../bench/results/{n.removesuffix('.json')}.png)", ""]


def interpreters_section(out):
    files = load("interpreters-*.json")
    if not files:
        return
    out += ["## Interpreters, queues and channels", "",
            "`scripts/bench interpreters`: isles.interpreters against CPython's own interpreter modules, "
            "multiprocessing and pipes (medians).", ""]
    for n, d in files.items():
        out += [f"CPython {version_of(n)} ({machine_line(d)}):", "",
                "| measurement | same core | two cores |", "|---|---|---|"]
        for r in d.get("roundtrip", []):
            a, b = r.get("same core", {}), r.get("two cores", {})
            out.append(f"| round trip: {r['name']} | {a.get('median_us', '-')} µs | {b.get('median_us', '-')} µs |")
        for r in d.get("buffers", []):
            a, b = r.get("same core", {}), r.get("two cores", {})
            out.append(f"| {r['size'] // 1000000} MB buffer: {r['name']} | {a.get('median_us', '-')} µs | "
                       f"{b.get('median_us', '-')} µs |")
        out += ["", "| measurement | value |", "|---|---|"]
        for r in d.get("throughput", []):
            out.append(f"| throughput: {r['name']} | {r['best_per_s']:,.0f} msg/s |")
        for r in d.get("create", []):
            out.append(f"| {r['name']} | {r['median_ms']} ms |")
        for r in d.get("memory", []):
            out.append(f"| {r['name']} | {r['median_mib']} MiB |")
        out += ["", f"![interpreters {version_of(n)}](../bench/results/{n.removesuffix('.json')}.png)", ""]


def demo_table(d):
    """The demo's table for one CPython, as scripts/demo prints it."""
    lines = [f"{'mode':<30}{'workers':>8}{'rows/s':>11}{'speedup':>9}{'startup ms':>12}{'MiB/worker':>12}"]
    for r in d["results"]:
        lines.append(f"{r['label']:<30}{r['workers']:>8}{r['rows_per_s']:>11,}{r['speedup']:>8.2f}x"
                     f"{r['startup_ms']:>12.1f}{r['memory_mib']:>12.1f}")
    return lines


def demo_section(out):
    path = os.path.join(RESULTS, "demo.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        runs = json.load(f)
    out += ["## The cross-mode demo", "",
            "`scripts/demo`: the same CPU-bound work (CSV parsing, JSON encoding and decoding, heapq merges, "
            "bisect) through the universal ports, by 1..N workers of each mode; the work phase is timed after "
            "every worker has started. Speedup is rows/s over one worker of the same mode.", ""]
    for version, d in sorted(runs.items()):
        out += [f"CPython {version} ({machine_line(d)}):", "", "```", *demo_table(d), "```", ""]
        s = d.get("summary")
        if isinstance(s, dict):
            n = d.get("config", {}).get("workers", "N")
            out.append(f"- speedup at {n} workers over one: " + ", ".join(f"{k.replace('_', '-')} {v:.2f}x"
                                                                       for k, v in s.items()))
        if d.get("memory_method"):
            out.append(f"- memory: {d['memory_method']}")
        out.append("")
    if os.path.exists(os.path.join(RESULTS, "demo.png")):
        out += ["![demo](../bench/results/demo.png)", ""]


def main():
    out = ["<!-- generated from bench/results/*.json by bench/report.py — do not edit -->", "# Benchmarks", "",
           "Every figure below comes from the JSON that `scripts/bench` and `scripts/demo` write into "
           "`bench/results/`; this page is regenerated from it (`python3 bench/report.py`). The machines are "
           "noisy, so comparisons are measured side by side in one run and reported as ratios.", ""]
    for section in (demo_section, ports_section, callcost_section, interpreters_section):
        section(out)
    with open(OUT, "w") as f:
        f.write("\n".join(out))
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()

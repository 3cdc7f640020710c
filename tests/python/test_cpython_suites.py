"""CPython's own test suites for the ported modules, run unmodified from the
installed `test` package: with the isles port substituted for CPython's
accelerator and with the accelerator itself, in the main interpreter and in
an own-GIL one. A port must get CPython's own counts: as many tests run and
skipped, none failing."""
import functools
import json
import os
import pathlib
import subprocess
import sys
import sysconfig

import pytest

from conftest import PORTS, PYTHONPATH, SUITE_REPORT, unstable_ports_dir
from cpython_suite import ACCELERATORS

HERE = pathlib.Path(__file__).parent
# CPython's own xxlimited_35 keeps its types in C statics: it refuses an
# own-GIL interpreter, where the isles port loads and passes.
XXLIMITED_REFUSAL = "xxlimited_35 does not support loading in subinterpreters"


@functools.lru_cache(maxsize=None)
def run_suite(name, impl, mode):
    """(summary dict or None, the process) of one suite run."""
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    # isles-unstable: the same sources built for this CPython only (ISL_UNSTABLE_API)
    ports = unstable_ports_dir() if impl == "isles-unstable" else PORTS
    proc = subprocess.run([sys.executable, str(HERE / "cpython_suite.py"), name, "--impl", impl.split("-")[0],
                           "--mode", mode, "--ports", str(ports)], capture_output=True, text=True, env=env,
                          timeout=900)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("ISLES_SUITE ")]
    return (json.loads(lines[-1].split(" ", 1)[1]) if lines else None), proc


def baseline(name, mode):
    """CPython's own counts for this suite: in `mode`, or in the main
    interpreter where CPython's module refuses `mode`."""
    if (name, mode) == ("xxlimited", "sub"):
        mode = "main"
    summary, proc = run_suite(name, "cpython", mode)
    assert summary, f"CPython's own run gave no summary; rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return summary


@pytest.mark.parametrize("mode", ["main", "sub"])
@pytest.mark.parametrize("impl", ["cpython", "isles", "isles-unstable"])
@pytest.mark.parametrize("name", ["heapq", "bisect", "json", "csv", "xxlimited"])
def test_cpython_suite(name, impl, mode):
    summary, proc = run_suite(name, impl, mode)
    if (name, impl, mode) == ("xxlimited", "cpython", "sub"):
        assert proc.returncode != 0 and XXLIMITED_REFUSAL in proc.stderr, proc.stderr[-4000:]
        SUITE_REPORT.append(f"{name} [cpython, sub]: refused as expected ({XXLIMITED_REFUSAL})")
        return
    assert summary, f"no summary; rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    counts = f"{summary['run']} tests, {summary['skipped']} skipped, {summary['failures']} failures, " \
             f"{summary['errors']} errors"
    for line in proc.stdout.splitlines():
        if line.startswith(f"{name} ["):
            SUITE_REPORT.append(f"{line.replace('[isles', '[' + impl)}  ({counts})")
    ports = unstable_ports_dir() if impl == "isles-unstable" else PORTS
    suffix = ".abi3.so" if impl == "isles" else sysconfig.get_config_var("EXT_SUFFIX")
    port_files = [str(ports / f"{m}{suffix}") for m in ACCELERATORS[name][0]]
    if impl.startswith("isles"):
        assert summary["files"] == port_files
    else:
        assert not set(summary["files"]) & set(port_files)
    assert summary["run"] >= 10 and summary["failures"] == 0 and summary["errors"] == 0, proc.stderr[-4000:]
    assert proc.returncode == 0, proc.stderr[-4000:]
    if impl != "cpython":
        own = baseline(name, mode)
        assert (summary["run"], summary["skipped"]) == (own["run"], own["skipped"]), \
            f"{impl} ran {summary['run']} tests and skipped {summary['skipped']}; CPython's own module: " \
            f"{own['run']} run, {own['skipped']} skipped"


# ---- CPython's interpreters suite (test.test_interpreters), public names
# resolved to isles.interpreters by interp_suite.py.

def test_cpython_interpreters_suite():
    import interp_suite_excluded as ex

    if sys.version_info < (3, 13):
        pytest.skip("CPython 3.12's test_interpreters tests its own pre-PEP 734 draft "
                    "(_xxsubinterpreters, RunFailedError); 3.13+ suites run on 3.13+")
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    proc = subprocess.run([sys.executable, str(HERE / "interp_suite.py")], capture_output=True, text=True,
                          env=env, timeout=1200)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("ISLES_INTERP_SUITE ")]
    assert lines, f"no outcomes; rc={proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-6000:]}"
    outcomes = json.loads(lines[-1].split(" ", 1)[1])
    excluded = ex.for_version(sys.version_info[:2])
    bad = {t: o for t, o in outcomes.items() if o[0] not in ("passed", "skipped")}
    wrongly_skipped = {t: o[1] for t, o in outcomes.items()
                       if o[0] == "skipped" and o[1].startswith("excluded:") and not ex.reason_for(t, excluded)}
    unused = [k for k in excluded if not any(t == k or t.startswith(k + ".") for t in outcomes)]
    counts = {k: sum(1 for o in outcomes.values() if o[0] == k) for k in ("passed", "skipped")}
    n_excluded = sum(1 for o in outcomes.values() if o[1].startswith("excluded:"))
    SUITE_REPORT.append(f"test_interpreters [isles]: {len(outcomes)} tests, {counts['passed']} passed, "
                        f"{n_excluded} excluded, {counts['skipped'] - n_excluded} skipped by CPython's suite")
    assert not bad, "\n\n".join(f"{t}: {o[0]}\n{o[1]}" for t, o in bad.items())
    assert not wrongly_skipped and not unused, (wrongly_skipped, f"excluded but not in the suite: {unused}")
    assert len(outcomes) >= 100 and counts["passed"] >= 90


def test_interpreters_suite_exclusions_are_documented():
    import interp_suite_excluded as ex

    doc = (HERE.parents[1] / "docs" / "interpreters.md").read_text()
    missing = [t for version in ex.EXCLUDED.values() for t in version if f"`{t}`" not in doc]
    assert not missing, f"docs/interpreters.md does not list these excluded tests: {missing}"

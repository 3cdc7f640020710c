"""CPython's own test suites for the ported modules, run unmodified from the
installed `test` package: with the isles port first on sys.path and with
CPython's accelerator, in the main interpreter and in an own-GIL one."""
import json
import os
import pathlib
import subprocess
import sys
import sysconfig

import pytest

from conftest import PORTS, PYTHONPATH, SUITE_REPORT
from cpython_suite import ACCELERATORS

HERE = pathlib.Path(__file__).parent


@pytest.mark.parametrize("mode", ["main", "sub"])
@pytest.mark.parametrize("impl", ["isles", "isles-unstable", "cpython"])
@pytest.mark.parametrize("name", ["heapq", "bisect", "json", "csv", "xxlimited"])
def test_cpython_suite(name, impl, mode):
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    # isles-unstable: the same sources built for this CPython only (ISL_UNSTABLE_API)
    ports, suffix = PORTS, ".abi3.so"
    if impl == "isles-unstable":
        ports = PORTS.parent / ("ports-cp%d%d" % sys.version_info[:2])
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
    proc = subprocess.run([sys.executable, str(HERE / "cpython_suite.py"), name, "--impl", impl.split("-")[0],
                           "--mode", mode, "--ports", str(ports)], capture_output=True, text=True, env=env,
                          timeout=600)
    if (name, impl, mode) == ("xxlimited", "cpython", "sub"):
        # CPython's own xxlimited_35 keeps its types in C statics: it refuses
        # an own-GIL interpreter, where the isles port loads and passes.
        refusal = "xxlimited_35 does not support loading in subinterpreters"
        assert proc.returncode != 0 and refusal in proc.stderr, proc.stderr[-4000:]
        SUITE_REPORT.append(f"{name} [cpython, sub]: refused as expected ({refusal})")
        return
    lines = [l for l in proc.stdout.splitlines() if l.startswith("ISLES_SUITE ")]
    assert lines, f"no summary; rc={proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    summary = json.loads(lines[-1].split(" ", 1)[1])
    SUITE_REPORT.append(f"{proc.stdout.splitlines()[0].replace('[isles', '[' + impl)}  ({summary['run']} tests, "
                        f"{summary['failures']} failures, {summary['errors']} errors)")
    port_files = [str(ports / f"{m}{suffix}") for m in ACCELERATORS[name][0]]
    if impl.startswith("isles"):
        assert summary["files"] == port_files
    else:
        assert not set(summary["files"]) & set(port_files)
    assert summary["run"] >= 10 and summary["failures"] == 0 and summary["errors"] == 0, proc.stderr[-4000:]
    assert proc.returncode == 0

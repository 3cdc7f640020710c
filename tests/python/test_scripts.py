"""The entry points in scripts/: a supported CPython that cannot be found
must show in scripts/test's last line, not shrink the run silently; the demo
runs every mode and keeps the results of other CPythons."""
import json
import os
import subprocess
import sys

from conftest import LABEL, ROOT


def bash(command, **env):
    return subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **env))


def test_missing_versions_are_listed():
    proc = bash("source scripts/lib.sh; echo \"[$(isles_versions)] [$(isles_missing_versions)]\"",
                ISLES_VERSIONS=f"3.99 {LABEL}")
    found = LABEL
    assert proc.stdout.strip() == f"[{found}] [3.99]", proc.stdout + proc.stderr
    assert "CPython 3.99 not found: skipped" in proc.stderr


def test_scripts_test_counts_a_missing_version_as_a_failure():
    proc = bash("scripts/test", ISLES_VERSIONS="3.98 3.99")
    assert proc.returncode != 0
    assert proc.stdout.splitlines()[-1] == "0 passed, 2 failed", proc.stdout + proc.stderr


def test_scripts_demo_quick(tmp_path):
    # --no-build: the suite runs on a build that is already there (staging again
    # would replace build/ports under the other tests).
    ver = LABEL
    out = tmp_path / "demo.json"
    out.write_text(json.dumps({"3.99": {"kept": True}}))
    bad = bash(f"scripts/demo --no-build --duration 0 --out {out}")
    assert bad.returncode != 0 and "--duration must be a positive number" in bad.stderr, bad.stderr
    proc = bash(f"scripts/demo --quick --no-build --workers 2 --versions {ver} --out {out}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    modes = {"threads": "threads (one shared GIL)", "own_gil": "own-GIL interpreters",
             "shared_gil": "shared-GIL sub-interpreters", "processes": "processes (spawn)"}
    for label in modes.values():
        assert label in proc.stdout, proc.stdout
    assert "identical in every worker of every run" in proc.stdout  # demo.py fails on any mismatch
    data = json.loads(out.read_text())
    assert data["3.99"] == {"kept": True}  # merged, not overwritten
    res = data[ver]
    assert {(r["mode"], r["workers"]) for r in res["results"]} == {(m, k) for m in modes for k in (1, 2)}
    assert all(r["rows_per_s"] > 0 and r["startup_ms"] > 0 for r in res["results"])

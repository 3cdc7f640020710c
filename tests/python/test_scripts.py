"""The entry points in scripts/: a supported CPython that cannot be found
must show in scripts/test's last line, not shrink the run silently."""
import os
import subprocess
import sys

from conftest import ROOT


def bash(command, **env):
    return subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **env))


def test_missing_versions_are_listed():
    proc = bash("source scripts/lib.sh; echo \"[$(isles_versions)] [$(isles_missing_versions)]\"",
                ISLES_VERSIONS="3.99 %d.%d" % sys.version_info[:2])
    found = "%d.%d" % sys.version_info[:2]
    assert proc.stdout.strip() == f"[{found}] [3.99]", proc.stdout + proc.stderr
    assert "CPython 3.99 not found: skipped" in proc.stderr


def test_scripts_test_counts_a_missing_version_as_a_failure():
    proc = bash("scripts/test", ISLES_VERSIONS="3.98 3.99")
    assert proc.returncode != 0
    assert proc.stdout.splitlines()[-1] == "0 passed, 2 failed", proc.stdout + proc.stderr

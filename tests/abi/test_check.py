"""python -m isles check: reports what an extension was built for and every
symbol its tier does not allow, with a non-zero exit status on a violation
and a clear error for a file that is not an isles extension."""
import json
import os
import pathlib
import re
import subprocess
import sys
import sysconfig

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from conftest import INCLUDE, PORTS, PYTHONPATH, TAG, compile_shared  # noqa: E402

sys.path.insert(0, str(PYTHONPATH))
from isles import check  # noqa: E402


def run_check(*args):
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    return subprocess.run([sys.executable, "-m", "isles", "check", *map(str, args)], capture_output=True,
                          text=True, env=env)


def test_ports_are_clean():
    ports = sorted(PORTS.glob("*.abi3.so"))
    proc = run_check("--json", *ports)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reports = [json.loads(line) for line in proc.stdout.splitlines()]
    import isles
    want = "%d.%d" % tuple(isles.backend().abi_version)
    for path, r in zip(ports, reports):
        assert r["module"] == path.name.split(".")[0] and r["flavour"] == "universal"
        assert r["isles_abi"] == want and r["violations"] == [] and r["other_symbols"] == []
        assert set(r["cpython_symbols"]) <= check.LOADER_SYMBOLS


def test_per_cpython_builds_say_so():
    tag = TAG
    ports = sorted((PORTS.parent / f"ports-{tag}").glob("*.so"))
    assert len(ports) == len(list(PORTS.glob("*.abi3.so")))
    proc = run_check("--json", *ports)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for r in map(json.loads, proc.stdout.splitlines()):
        assert r["flavour"] == f"unstable-{tag}" and r["violations"] == []
        assert "unstable" in r["tiers"]


def test_loader_symbol_list_matches_the_header():
    """The checker's allowance is exactly what loader.h declares."""
    text = (INCLUDE / "isles" / "private" / "loader.h").read_text()
    declared = set(re.findall(r"^extern [^;(]*?\b(Py\w+)\s*[;(]", text, re.M))
    assert declared == check.LOADER_SYMBOLS


BAD = r"""
#include <isles/isles.h>
struct _object;
extern struct _object *PyList_New(long);               /* not reached through the context */
__attribute__((visibility("default"))) int leaked_helper(void) { return 1; }
static IslHandle f(IslContext *ctx, IslHandle m) {
    (void)m;
    return PyList_New(0) ? IslHandle_Dup(ctx, ctx->h_None) : ISL_NULL;
}
ISL_DEF_METH_NOARGS(f_def, "f", f, "");
static const IslMethodDef *const methods[] = {&f_def, NULL};
static const IslModuleDef def = {.name = "bad_symbols", .methods = methods};
ISL_MODINIT(bad_symbols, def);
"""


def test_violations_are_reported(tmp_path):
    so = compile_shared(BAD, "bad_symbols", tmp_path)
    proc = run_check(so)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "imports PyList_New" in proc.stdout and "exports leaked_helper" in proc.stdout
    assert "VIOLATIONS 2" in proc.stdout


def test_not_an_isles_extension(tmp_path):
    text = tmp_path / "notes.so"
    text.write_text("not a binary")
    proc = run_check(text)
    assert proc.returncode == 2 and "is not an ELF shared object" in proc.stderr
    # CPython's own accelerator: an extension, but not built with isles
    import _json
    proc = run_check(_json.__file__) if getattr(_json, "__file__", None) else None
    if proc is not None:
        assert proc.returncode == 2 and "not built with the isles headers" in proc.stderr
    proc = run_check(tmp_path / "missing.so")
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_note_records_the_abi_it_was_built_for(tmp_path):
    src = BAD.replace("bad_symbols", "newer_minor").replace("PyList_New(0)", "1")
    so = compile_shared(src, "newer_minor", tmp_path, flags=("-DISL_ABI_VERSION_MINOR=99",))
    r = check.inspect(so)
    assert r["isles_abi"].endswith(".99")
    out = check.describe(r, (0, 2))
    assert "too old, it would be refused" in out

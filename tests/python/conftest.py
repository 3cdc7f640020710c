"""Shared fixtures: where the build is, compiling tiny isles modules from
inline C, and running Python code in each interpreter mode.

Every test that takes `run` executes twice: in the main interpreter and in a
fresh own-GIL sub-interpreter (own GIL, own obmalloc, strict extension
checks), with the same extension binary. Every test that takes `make_module`
runs once per build of its inline C: the universal binary and the
per-CPython unstable-tier build of the same source (-DISL_UNSTABLE_API);
a test about the universal build alone says so with
@pytest.mark.universal_only.
"""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("ISLES_BUILD", ROOT / "build"))
INCLUDE = ROOT / "include"
PORTS = BUILD / "ports"
PYTHONPATH = BUILD / "python"
MODES = ["main", "sub"]
# This CPython's label, as scripts/ name it: X.Y, with "d" for a debug build.
DEBUG_BUILD = hasattr(sys, "gettotalrefcount")
LABEL = "%d.%d%s" % (*sys.version_info[:2], "d" if DEBUG_BUILD else "")
TAG = "cp" + LABEL.replace(".", "")  # cp315d: names build/ports-cp315d and the per-CPython builds
ABIS = ["universal", "unstable"]


def all_pythons():
    """{"3.12": path, ...}: every CPython the suite runs on (set by scripts/test)."""
    spec = os.environ.get("ISLES_TEST_PYTHONS", "")
    found = dict(item.split("=", 1) for item in spec.split() if "=" in item)
    found.setdefault(LABEL, sys.executable)
    return found


# Makes build/ports take the place of CPython's accelerators in the
# interpreter that runs it, also where they are built in (isles/ports.py).
USE_PORTS = f"import sys, isles.ports; sys.path.insert(0, {str(PORTS)!r}); isles.ports.install({str(PORTS)!r})"


def unstable_ports_dir():
    """The ports built for this CPython alone (the unstable tier)."""
    return BUILD / f"ports-{TAG}"


def c_compiler():
    for cc in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if cc and shutil.which(cc):
            return cc
    pytest.skip("no C compiler found")


def extension_file(name, abi="universal"):
    return f"{name}.abi3.so" if abi == "universal" else name + sysconfig.get_config_var("EXT_SUFFIX")


def compile_shared(source, name, outdir, *, lang="c", flags=(), include=INCLUDE, abi="universal"):
    """Compiles `source` into outdir/<name>.abi3.so with only the isles headers
    (those under `include`: the current ones unless told otherwise), or, for
    abi="unstable", into a module for this CPython alone with Python.h too."""
    outdir.mkdir(parents=True, exist_ok=True)
    src = outdir / f"{name}.{lang}"
    src.write_text(source)
    out = outdir / extension_file(name, abi)
    cc = c_compiler() if lang == "c" else (os.environ.get("CXX") or "c++")
    std = "-std=c11" if lang == "c" else "-std=c++17"
    if abi == "unstable":
        flags = ["-DISL_UNSTABLE_API", "-I" + sysconfig.get_paths()["include"], *flags]
    cmd = [cc, std, "-shared", "-fPIC", "-O1", "-fvisibility=hidden", "-Wall", "-Werror", "-pedantic",
           "-Wno-unused-function", f"-I{include}", *flags, str(src), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise AssertionError(f"compiling {name} failed:\n{' '.join(cmd)}\n{proc.stderr}")
    return out


MODULE_TEMPLATE = """\
#include <isles/isles.h>
#include <string.h>
{body}
static const IslMethodDef *const test_methods[] = {{{methods} NULL}};
static const IslModuleDef test_def = {{
    .name = "{name}", .doc = "isles test module", .state_size = {state_size},
    .methods = test_methods, .constants = {constants}, .exec = {exec_fn}, .free_state = {free_fn},
    .state_fields = {state_fields},
}};
ISL_MODINIT({name}, test_def);
"""


@pytest.fixture(scope="session")
def ext_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("isles_ext")


def pytest_configure(config):
    config.addinivalue_line("markers", "universal_only: make_module builds the universal binary alone")


def pytest_generate_tests(metafunc):
    if "abi" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("universal_only")
        metafunc.parametrize("abi", ABIS[:1] if only else ABIS)


@pytest.fixture
def make_module(ext_dir, abi):
    """make_module(body, methods=[...]) -> the module name, built into ext_dir
    for this test's ABI mode (`abi`).

    `body` is C defining implementations and ISL_DEF_METH_* entries; `methods`
    names those entries. The name derives from the source and the mode, so
    each distinct module is built once per session and never clashes in
    sys.modules.
    """
    def build(body, methods=(), *, state_size=0, exec_fn="NULL", constants="NULL", free_fn="NULL", flags=(),
              prefix="isltest", state_fields="NULL"):
        body = textwrap.dedent(body)
        fields = dict(state_size=state_size, exec_fn=exec_fn, constants=constants, free_fn=free_fn,
                      state_fields=state_fields)
        key = hashlib.sha1(repr((body, methods, fields, flags, abi)).encode()).hexdigest()[:12]
        name = f"{prefix}_{key}"
        if not (ext_dir / extension_file(name, abi)).exists():
            src = MODULE_TEMPLATE.format(body=body, name=name, methods="".join(f"&{m}, " for m in methods),
                                         **fields)
            compile_shared(src, name, ext_dir, flags=flags, abi=abi)
        return name
    return build


def run_in(mode, code, *, timeout=None):
    """Runs code in the current interpreter ("main") or a fresh own-GIL one
    ("sub"); returns the str it stores in __isles_result__, if any."""
    code = textwrap.dedent(code)
    if mode == "main":
        ns = {"__name__": "__isles_test__"}
        saved = sys.path[:]
        try:
            exec(compile(code, "<isles test>", "exec"), ns)
        finally:
            sys.path[:] = saved
        return ns.get("__isles_result__")
    import isles
    return isles.backend().run_isolated(code)


SUITE_REPORT = []  # lines the CPython-suite tests want shown after the run


def pytest_terminal_summary(terminalreporter):
    if SUITE_REPORT:
        terminalreporter.section("CPython's own test suites")
        for line in sorted(SUITE_REPORT):
            terminalreporter.write_line(line)


@pytest.fixture(params=MODES)
def mode(request):
    return request.param


@pytest.fixture
def run(mode, ext_dir):
    """run(code, module=None): runs code in this test's mode; with `module`,
    binds it as `mod` first (ext_dir and build/ports are put on sys.path)."""
    def runner(code, module=None):
        paths = [str(ext_dir), str(PORTS), str(pathlib.Path(__file__).parent)]
        prelude = f"import sys\nsys.path[:0] = {paths!r}\n{USE_PORTS}\n"
        if module:
            prelude += f"import {module} as mod\n"
        return run_in(mode, prelude + textwrap.dedent(code))
    return runner

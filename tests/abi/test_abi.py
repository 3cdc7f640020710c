"""ABI conformance: the manifest governs the headers, the tiers are guarded,
and every universal port is one abi3-clean file that every CPython loads."""
import copy
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "python"))
from conftest import INCLUDE, PORTS, ROOT, USE_PORTS, all_pythons, c_compiler, compile_shared  # noqa: E402
from conftest import ext_dir, mode, run  # noqa: E402,F401  (fixtures: run a module in both interpreter modes)

sys.path.insert(0, str(ROOT / "capi-tiers"))
import islgen  # noqa: E402

PORT_FILES = sorted(PORTS.glob("*.abi3.so"))
LIMITED_API_FLOOR = (3, 12)


@pytest.fixture
def manifest():
    return islgen.load()


# ---------------------------------------------------------------- manifest

def test_manifest_headers_and_baseline_agree(manifest):
    assert islgen.check(manifest) == []


def test_moving_a_slot_fails(manifest):
    a, b = manifest.functions[0], manifest.functions[1]
    a.slot, b.slot = b.slot, a.slot
    errors = islgen.check_baseline(manifest)
    assert any(f"slot {a.slot} changed" in e for e in errors), errors


def test_removing_a_stable_item_fails(manifest):
    released = tomllib.loads(islgen.BASELINE.read_text())["slots"]
    last = [f for f in manifest.functions if str(f.slot) in released][-1]
    manifest.functions.remove(last)
    errors = islgen.check_baseline(manifest)
    assert any(f"slot {last.slot}" in e and "removed" in e for e in errors), errors


def test_changing_a_signature_fails(manifest):
    f = manifest.functions[3]
    f.sig = f.sig.replace("IslHandle h", "IslHandle other")
    assert any(f"slot {f.slot} changed" in e for e in islgen.check_baseline(manifest))


def test_appending_needs_a_new_minor(manifest, tmp_path):
    released = tomllib.loads(islgen.BASELINE.read_text())["abi"]
    major, minor = released["major"], released["minor"]
    extra = copy.copy(manifest.functions[-1])
    extra.slot, extra.name, extra.sig = len(manifest.slots), "IslNew_Thing", "int IslNew_Thing(IslContext *ctx)"
    extra.added = f"{major}.{minor}"  # claims the released minor
    manifest.functions.append(extra)
    errors = islgen.check_baseline(manifest)
    assert any("bump the ABI minor" in e for e in errors), errors
    extra.added = f"{major}.{minor + 1}"
    manifest.abi = (major, max(manifest.abi[1], minor + 1))
    assert islgen.check_baseline(manifest) == []


def test_manifest_rejects_gaps_and_bad_tier_names(tmp_path):
    text = islgen.MANIFEST.read_text()
    bad = tmp_path / "m.toml"
    bad.write_text(text.replace("slot = 5\n", "slot = 500\n", 1))
    with pytest.raises(islgen.ManifestError, match="slots must be 0..N-1"):
        islgen.load(bad)
    bad.write_text(text.replace('names = ["ISL_UNSTABLE_API"]', 'names = ["IslNotUnstable"]'))
    with pytest.raises(islgen.ManifestError, match="does not show its tier"):
        islgen.load(bad)


def test_header_names_must_be_in_the_manifest(manifest, tmp_path):
    include = tmp_path / "isles"
    shutil.copytree(INCLUDE / "isles", include)
    with open(include / "stable" / "handles.h", "a") as f:
        f.write("\n#define ISL_SNEAKY 1\nstatic inline int IslSneaky_Call(void) { return 0; }\n")
    (include / "private" / "extra.h").write_text("#define ISL_WRONG_TIER 1\n")
    (include / "stable" / "leak.h").write_text("typedef struct _object PyObject;\n")
    (include / "stable" / "layout.h").write_text(  # CPython's lower-case names leak a layout too
        "struct _object;\nstruct IslFake { long ob_refcnt; void *ob_type; };\n"
        "#define ISL_FAKE_FLAGS (METH_FASTCALL | METH_KEYWORDS)\n#define ISL_FAKE_NAME(t) ((t)->tp_name)\n"
        "#define ISL_FAKE_ITEM(t) ((t)->tp_as_sequence->sq_item)\n")
    errors = "\n".join(islgen.check_headers(manifest, include))
    for leaked in ("_object", "ob_refcnt", "ob_type", "METH_FASTCALL", "METH_KEYWORDS", "tp_name", "tp_as_sequence",
                   "sq_item"):
        assert f"layout.h names CPython's {leaked}:" in errors, (leaked, errors)
    assert "names CPython" not in "\n".join(islgen.check_headers(manifest))  # the real headers are clean
    assert "ISL_SNEAKY is defined in include/isles/stable/ but missing from the manifest" in errors
    assert "IslSneaky_Call is defined" in errors
    assert "ISL_WRONG_TIER is defined in include/isles/private/" in errors
    assert "leak.h names CPython's PyObject" in errors


def test_every_function_is_called_by_an_api_test(manifest):
    """The API tests build their inline-C modules universal and unstable, so
    a function they call has its universal path and its unstable body held
    to the same behaviour. Each function must be called somewhere there."""
    sources = "".join(p.read_text() for p in (ROOT / "tests" / "python").glob("test_*.py"))
    uncalled = [f.name for f in manifest.functions if not re.search(rf"\b{f.name}\s*\(", sources)]
    assert not uncalled, f"no API test in tests/python calls {uncalled}"


def test_generated_files_are_current(manifest):
    assert islgen.check_generated(manifest) == []
    for path, _ in islgen.OUTPUTS.values():
        assert "generated from capi-tiers/manifest.toml" in path.read_text().splitlines()[0]


# ---------------------------------------------------------------- tier guards

def _compile(tmp_path, source, *flags, lang="c"):
    src = tmp_path / ("probe." + lang)
    src.write_text(source)
    cc = c_compiler() if lang == "c" else (os.environ.get("CXX") or "c++")
    return subprocess.run([cc, "-fsyntax-only", f"-I{INCLUDE}", *flags, str(src)], capture_output=True, text=True)


@pytest.mark.parametrize("header,lang", [("isles/internal/slots.h", "c"), ("isles/internal/slots.h", "cpp"),
                                         ("isles/internal/handle_table.h", "cpp")])
def test_internal_headers_refuse_without_build_core(tmp_path, header, lang):
    proc = _compile(tmp_path, f"#include <{header}>\n", lang=lang)
    assert proc.returncode != 0
    assert "runtime-only: define ISL_BUILD_CORE" in proc.stderr
    assert _compile(tmp_path, f"#include <{header}>\n", "-DISL_BUILD_CORE", lang=lang).returncode == 0


def test_unstable_tier_needs_opt_in(tmp_path):
    proc = _compile(tmp_path, "#include <isles/unstable/unstable.h>\n")
    assert proc.returncode != 0 and "define ISL_UNSTABLE_API to opt in" in proc.stderr
    assert _compile(tmp_path, "#include <isles/isles.h>\n#ifdef ISLES_UNSTABLE_UNSTABLE_H\n#error leaked\n#endif\n"
                    ).returncode == 0
    # opting in brings CPython's headers (the build is per CPython)
    proc = _compile(tmp_path, "#include <isles/isles.h>\n#ifndef ISLES_UNSTABLE_UNSTABLE_H\n#error missing\n#endif\n"
                    "#ifndef Py_PYTHON_H\n#error no Python.h\n#endif\n",
                    "-DISL_UNSTABLE_API", "-I" + sysconfig.get_paths()["include"])
    assert proc.returncode == 0, proc.stderr


def test_stable_tier_needs_no_python_headers(tmp_path):
    proc = _compile(tmp_path, "#include <isles/isles.h>\n#ifdef Py_PYTHON_H\n#error Python.h leaked\n#endif\n",
                    "-H", "-Wall", "-Werror", "-pedantic", "-std=c11")
    assert proc.returncode == 0, proc.stderr
    assert "Python.h" not in proc.stderr  # -H lists every header read


# Every macro an author uses, each kind of method, and ISL_MODINIT: as C11 with
# designated initializers, and as C++17 with positional aggregate ones.
PEDANTIC_MODULE = """
#include <isles/isles.h>
static IslHandle noargs(IslContext *ctx, IslHandle m) { (void)m; return IslStr_FromUTF8(ctx, "noargs"); }
static IslHandle one(IslContext *ctx, IslHandle m, IslHandle a) { (void)m; return IslHandle_Dup(ctx, a); }
static IslHandle fast(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m; (void)args;
    return IslLong_FromSize(ctx, nargs);
}
static IslHandle kw(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    (void)m; (void)args;
    return IslLong_FromSize(ctx, nargs + (IslHandle_IsNull(kwnames) ? 0 : 100));
}
ISL_DEF_METH_NOARGS(noargs_def, "noargs", noargs, "noargs($module, /)\\n--\\n\\nTakes nothing.");
ISL_DEF_METH_O(one_def, "one", one, NULL);
ISL_DEF_METH_FASTCALL(fast_def, "fast", fast, NULL);
ISL_DEF_METH_KEYWORDS(kw_def, "kw", kw, NULL);
static const IslMethodDef *const methods[] = {&noargs_def, &one_def, &fast_def, &kw_def, NULL};
static const IslModuleConstant constants[] = {
    {"ANSWER", ISL_CONST_INT, 42, 0.0, NULL},
    {NULL, ISL_CONST_END, 0, 0.0, NULL},
};
"""
PEDANTIC_DEF = {
    "c": 'static const IslModuleDef {name}_def = {{.name = "{name}", .doc = "pedantic", .methods = methods, '
         '.constants = constants}};\nISL_MODINIT({name}, {name}_def);\n',
    "cpp": 'static const IslModuleDef {name}_def = {{"{name}", "pedantic", 0, methods, constants, NULL, NULL, NULL}};\n'
           'ISL_MODINIT({name}, {name}_def);\n',
}


@pytest.mark.parametrize("lang,std", [("c", "-std=c11"), ("cpp", "-std=c++17"), ("cpp", "-std=c++20")])
def test_pedantic_module_compiles_and_runs(run, ext_dir, lang, std):
    """A complete module builds warning-free under -Wall -Wextra -Werror
    -pedantic (no function-to-object pointer cast in C, no stray ';' after
    the macros) and the binary works in both interpreter modes."""
    name = "pedantic_" + std.split("=")[1].replace("+", "p")  # pedantic_c11, pedantic_cpp17, ...
    if not (ext_dir / f"{name}.abi3.so").exists():
        source = PEDANTIC_MODULE + PEDANTIC_DEF[lang].format(name=name)
        compile_shared(source, name, ext_dir, lang=lang, flags=(std, "-Wall", "-Wextra", "-Werror", "-pedantic"))
    run("""
        assert mod.noargs() == "noargs" and mod.noargs.__text_signature__ == "($module, /)"
        assert mod.one(5) == 5 and mod.fast(1, 2) == 2 and mod.kw(1, a=2) == 101 and mod.ANSWER == 42
    """, name)


def test_stand_in_slot_matches_cpython(tmp_path):
    """The loader's hand-written copies of PyModuleDef and PyModuleDef_Slot
    have CPython's layout, and the slot ids/values it hard-codes are CPython's
    for the stable ABI of 3.12 that universal binaries speak (3.15 gave the
    slots new ids for code built for its own stable ABI or later, and still
    accepts the old ones)."""
    source = textwrap.dedent("""
        #define Py_LIMITED_API 0x030c0000
        #include <Python.h>
        #include <stddef.h>
        #include <isles/isles.h>
        #define SAME(f) _Static_assert(offsetof(PyModuleDef, f) == offsetof(_IslPyModuleDef, f), #f);
        _Static_assert(sizeof(PyModuleDef_Slot) == sizeof(_IslPyModuleDefSlot), "slot size");
        _Static_assert(offsetof(PyModuleDef_Slot, slot) == offsetof(_IslPyModuleDefSlot, slot), "slot");
        _Static_assert(offsetof(PyModuleDef_Slot, value) == offsetof(_IslPyModuleDefSlot, u.value), "value");
        _Static_assert(offsetof(PyModuleDef_Slot, value) == offsetof(_IslPyModuleDefSlot, u.create), "create");
        _Static_assert(sizeof(((_IslPyModuleDefSlot *)0)->u) == sizeof(void *), "value size");
        _Static_assert(sizeof(PyModuleDef) == sizeof(_IslPyModuleDef), "def size");
        _Static_assert(offsetof(PyModuleDef, m_base.m_init) == offsetof(_IslPyModuleDef, m_init), "m_init");
        _Static_assert(offsetof(PyModuleDef, m_base.m_index) == offsetof(_IslPyModuleDef, m_index), "m_index");
        _Static_assert(offsetof(PyModuleDef, m_base.m_copy) == offsetof(_IslPyModuleDef, m_copy), "m_copy");
        SAME(m_name) SAME(m_doc) SAME(m_size) SAME(m_methods) SAME(m_slots) SAME(m_traverse) SAME(m_clear)
        SAME(m_free)
        _Static_assert(Py_mod_create == 1 && Py_mod_multiple_interpreters == 3, "slot ids");
        _Static_assert(sizeof(Py_ssize_t) == sizeof(IslSsize), "ssize");
    """)
    python_h = f"-I{sysconfig.get_paths()['include']}"
    proc = _compile(tmp_path, source, python_h, "-std=c11", "-Wall", "-Werror")
    assert proc.returncode == 0, proc.stderr
    # A pointer constant, so not checkable by _Static_assert: compare its expansion.
    (tmp_path / "value.c").write_text("#define Py_LIMITED_API 0x030c0000\n#include <Python.h>\n"
                                      "ISL_VALUE Py_MOD_PER_INTERPRETER_GIL_SUPPORTED\n")
    out = subprocess.run([c_compiler(), "-E", "-P", python_h, str(tmp_path / "value.c")], capture_output=True,
                         text=True, check=True).stdout
    assert "ISL_VALUE ((void *)2)" in out


def test_headers_compile_as_cpp_and_the_module_runs(tmp_path):
    src = (ROOT / "extensions" / "bisect" / "_bisect.c").read_text().replace("ISL_MODINIT(_bisect,",
                                                                             "ISL_MODINIT(_bisect_cpp,")
    src = src.replace('.name = "_bisect"', '.name = "_bisect_cpp"')
    # -I the port's directory, for the headers the ports share (../common/)
    compile_shared(src, "_bisect_cpp", tmp_path, lang="cpp", flags=("-std=c++20", "-Wno-missing-field-initializers",
                                                                    f"-I{ROOT / 'extensions' / 'bisect'}"))
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import _bisect_cpp as b; print(b.bisect_left([1, 2, 3], 2))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr


# ---------------------------------------------------------------- the ports

def test_ports_were_built():
    assert {p.name for p in PORT_FILES} >= {"_heapq.abi3.so", "_bisect.abi3.so"}


@pytest.mark.parametrize("port", PORT_FILES, ids=lambda p: p.name)
def test_port_is_abi3_clean(port):
    audit = shutil.which("abi3audit", path=os.path.dirname(sys.executable)) or shutil.which("abi3audit")
    if not audit:
        pytest.fail("abi3audit is not installed (scripts/test installs it)")
    proc = subprocess.run([audit, "--strict", "--report", "--assume-minimum-abi3", "3.12", str(port)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)["specs"][str(port)]["object"]["result"]
    assert result["is_abi3"] and result["is_abi3_baseline_compatible"] and result["non_abi3_symbols"] == []


def _dynamic_symbols(port, *flags):
    out = subprocess.run(["nm", "-D", *flags, str(port)], capture_output=True, text=True, check=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("port", PORT_FILES, ids=lambda p: p.name)
def test_port_imports_only_stable_abi_symbols(port):
    import abi3info
    stable = {}
    for table in (abi3info.FUNCTIONS, abi3info.DATAS):
        for sym, info in table.items():
            stable[sym.name] = (info.added.major, info.added.minor)
    python = [s for s in _dynamic_symbols(port, "--undefined-only") if s.startswith(("Py", "_Py"))]
    assert python, "expected the loader's few abi3 imports"
    bad = [s for s in python if s not in stable or stable[s] > LIMITED_API_FLOOR]
    assert bad == [], f"{port.name} imports symbols outside the 3.12 stable ABI: {bad}"
    others = [s for s in _dynamic_symbols(port, "--undefined-only") if s not in python]
    assert all("@GLIBC" in s or s.startswith(("_ITM_", "__gmon_start__", "__cxa_finalize")) for s in others), others


@pytest.mark.parametrize("port", PORT_FILES, ids=lambda p: p.name)
def test_port_exports_only_its_init_function(port):
    exported = [s for s in _dynamic_symbols(port, "--defined-only") if not s.startswith("_")]
    assert exported == [f"PyInit_{port.name.split('.')[0]}"]


def test_one_file_for_every_cpython():
    """Each CPython imports the very same file of every port, in the main
    interpreter and in an own-GIL one: one path, one sha256."""
    names = [p.name.split(".")[0] for p in PORT_FILES]
    assert {"_heapq", "_bisect", "_json", "_csv", "xxlimited", "xxlimited_35"} <= set(names)
    imports = "; ".join(f"import {n}" for n in names)
    probe = f"{imports}; __isles_result__ = ' '.join(m.__file__ for m in ({', '.join(names)},))"
    in_sub = f"{USE_PORTS}\n{probe}"
    code = (f"import sys, isles\n{USE_PORTS}\nexec({probe!r})\nprint(__isles_result__)\n"
            f"print(isles.backend().run_isolated({in_sub!r}))\n")
    seen = {}
    for version, python in sorted(all_pythons().items()):
        env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        main, sub = out.stdout.splitlines()
        assert main == sub, (version, main, sub)
        files = [pathlib.Path(f) for f in main.split()]
        assert len(files) == len(names) and all(f.parent == PORTS for f in files), (version, files)
        seen[version] = [(str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files]
    assert len(seen) >= 1
    assert len({tuple(v) for v in seen.values()}) == 1, seen


PINNED_0_1 = pathlib.Path(__file__).parent / "pinned" / "abi-0.1" / "include"
PINNED_0_2 = pathlib.Path(__file__).parent / "pinned" / "abi-0.2" / "include"
OLD_MODULE = r"""
#include <isles/isles.h>
typedef struct { int64_t calls; } State;
static IslHandle count(IslContext *ctx, IslHandle m) {
    State *st = (State *)IslModule_GetState(ctx, m);
    return st ? IslLong_FromInt64(ctx, ++st->calls) : ISL_NULL;
}
static IslHandle add(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    int64_t a, b;
    (void)m;
    if (!IslArg_Parse(ctx, args, nargs, ISL_NULL, "LL:add", NULL, &a, &b)) return ISL_NULL;
    return IslLong_FromInt64(ctx, a + b);
}
ISL_DEF_METH_NOARGS(count_def, "count", count, "");
ISL_DEF_METH_FASTCALL(add_def, "add", add, "");
static const IslMethodDef *const methods[] = {&count_def, &add_def, NULL};
static const IslModuleDef def = {.name = "%(name)s", .state_size = sizeof(State), .methods = methods};
ISL_MODINIT(%(name)s, def);
"""


def test_extension_built_for_an_older_minor_loads(run, ext_dir):
    """Built against the released 0.1 headers (tests/abi/pinned), it loads and
    runs on the current runtime in both interpreter modes: the context only
    grew at its end, and the runtime reads no field 0.1 definitions lack."""
    assert "#define ISL_ABI_VERSION_MINOR 1" in (PINNED_0_1 / "isles/stable/context.h").read_text()
    compile_shared(OLD_MODULE % {"name": "built_for_0_1"}, "built_for_0_1", ext_dir, include=PINNED_0_1)
    run("""
        import isles
        assert isles.backend().abi_version[1] > 1
        import built_for_0_1 as m
        assert m.add(2, 3) == 5 and m.count() == 1 and m.count() == 2
        try:
            m.add(1)
        except TypeError as e:
            assert "add()" in str(e)
        """)


def test_extension_built_for_0_2_loads(run, ext_dir):
    """The xxlimited port (a type with a buffer and attributes, a str
    subclass, an exception, module-state fields), built against the released
    0.2 headers, runs on the current runtime in both interpreter modes: a 0.2
    binary reads no layout from the runtime and finds its context through
    the state header, whatever follows it in the state."""
    assert "#define ISL_ABI_VERSION_MINOR 2" in (PINNED_0_2 / "isles/stable/context.h").read_text()
    source = (ROOT / "extensions" / "xxlimited" / "xxlimited.c").read_text()
    path = compile_shared(source, "xxlimited", ext_dir / "abi-0.2", include=PINNED_0_2,
                          flags=[f"-I{ROOT / 'extensions' / 'xxlimited'}"])
    run(f"""
        import gc, importlib.machinery, importlib.util, isles
        assert isles.backend().abi_version[1] > 2
        loader = importlib.machinery.ExtensionFileLoader("xxlimited", {str(path)!r})
        m = importlib.util.module_from_spec(importlib.util.spec_from_loader("xxlimited", loader))
        loader.exec_module(m)
        xxo = m.Xxo()
        xxo.foo = [xxo]            # a cycle through the instance's attributes
        assert xxo.foo[0] is xxo and m.foo(1, 2) == 3
        assert xxo.demo(7) is None and bytes(memoryview(xxo)) == bytes(10) and xxo.x_exports == 0
        assert issubclass(m.Str, str) and m.Str("abcd").upper() == "ABCD"
        assert issubclass(m.Error, Exception)
        del xxo
        gc.collect()
        """)


@pytest.mark.parametrize("lang,std", [("c", "-std=c11"), ("cpp", "-std=c++20")])
def test_unstable_build_is_warning_free(tmp_path, lang, std):
    """Every port's source, and a C++ module, compile per CPython with
    ISL_UNSTABLE_API under -Wall -Wextra -Werror -pedantic."""
    sources = sorted((ROOT / "extensions").glob("*/*.c")) if lang == "c" else [None]
    for src in sources:
        text = src.read_text() if src else OLD_MODULE % {"name": "unstable_cpp"}
        probe = tmp_path / ("probe." + lang)
        probe.write_text(text)
        cc = c_compiler() if lang == "c" else (os.environ.get("CXX") or "c++")
        extra = [f"-I{src.parent}"] if src else []
        proc = subprocess.run([cc, std, "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic",
                               "-Wno-missing-field-initializers", "-DISL_UNSTABLE_API", f"-I{INCLUDE}", *extra,
                               "-I" + sysconfig.get_paths()["include"], str(probe)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{src}:\n{proc.stderr[-3000:]}"


def test_private_names_stay_private():
    """Private names are not in the documented API, and no sample extension
    uses a private or internal name: only macros expand to them."""
    api = (ROOT / "docs" / "api.md").read_text()
    assert not re.search(r"`_Isl\w|`_ISL_\w", api)
    for src in sorted((ROOT / "extensions").rglob("*")):
        if src.suffix not in (".c", ".h"):
            continue
        text = re.sub(r"/\*.*?\*/", "", src.read_text(), flags=re.S)
        used = set(re.findall(r"\b_Isl\w*|\b_ISL_\w*|isles::internal|ISL_BUILD_CORE|isles/internal/", text))
        assert not used, (src, used)

"""python -m isles check FILE.so...: what an isles extension was built for,
and every symbol it uses that its tier does not allow.

Reads the file as ELF (pyelftools) without loading it. Exit status: 0 when
every file is a clean isles extension, 1 when one has a violation, 2 when one
is not an isles extension (or not a shared object at all).
"""
import argparse
import json
import sys

# The CPython symbols the private loader (include/isles/private/loader.h) may
# import in a universal extension: all in the stable ABI of 3.12. tests/abi
# checks this list against the header's declarations.
LOADER_SYMBOLS = frozenset({
    "PyImport_ImportModule", "PyObject_GetAttrString", "PyCapsule_GetPointer", "PyModule_GetState",
    "PyType_GetModuleState", "PyTuple_Size", "PyErr_Format", "PyErr_GetRaisedException", "Py_DecRef",
    "PyErr_Clear", "PyModuleDef_Init", "PyExc_ImportError", "PyExc_TypeError", "Py_Version",
})
# Toolchain symbols every shared object may reference.
TOOLCHAIN = ("_ITM_", "__gmon_start__", "__cxa_finalize")
NOTE_SECTION = ".isles_abi"


class NotAnExtension(Exception):
    pass


def is_cpython_symbol(name):
    return name.startswith(("Py", "_Py"))


def inspect(path):
    """A report dict for one file; NotAnExtension if it is not one."""
    try:
        from elftools.common.exceptions import ELFError
        from elftools.elf.elffile import ELFFile
    except ImportError:  # pragma: no cover - a dependency of isles
        raise SystemExit("isles check needs pyelftools: pip install pyelftools")
    try:
        f = open(path, "rb")
    except OSError as e:
        raise NotAnExtension(f"cannot read {path}: {e.strerror}")
    with f:
        try:
            elf = ELFFile(f)
        except ELFError:
            raise NotAnExtension(f"{path} is not an ELF shared object (an extension module is one)")
        if elf.header["e_type"] != "ET_DYN":
            raise NotAnExtension(f"{path} is an ELF {elf.header['e_type']} file, not a shared object")
        dynsym = elf.get_section_by_name(".dynsym")
        symbols = list(dynsym.iter_symbols()) if dynsym else []
        versions = _symbol_versions(elf)
        note = elf.get_section_by_name(NOTE_SECTION)
        note_text = note.data().split(b"\0")[0].decode("ascii", "replace") if note else None

    exported = sorted(s.name for s in symbols if s.name and s["st_shndx"] != "SHN_UNDEF"
                      and s["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK"))
    undefined = sorted({s.name for s in symbols if s.name and s["st_shndx"] == "SHN_UNDEF"})
    inits = [s for s in exported if s.startswith("PyInit_")]
    if not inits:
        raise NotAnExtension(f"{path} exports no PyInit_<name> function: not a Python extension module")
    if note_text is None or not note_text.startswith("isles-abi "):
        raise NotAnExtension(f"{path} is a Python extension ({', '.join(inits)}) but was not built with "
                             f"the isles headers (no {NOTE_SECTION} note)")
    _, version, flavour, name = (note_text.split() + ["?"] * 4)[:4]

    cpython = [s for s in undefined if is_cpython_symbol(s)]
    violations = []
    if flavour == "universal":
        for s in cpython:
            if s not in LOADER_SYMBOLS:
                violations.append(f"imports {s}: a universal extension reaches CPython only through the isles "
                                  f"context (the stable tier); only the unstable tier, built per CPython, may "
                                  f"call CPython directly")
    extra_exports = [s for s in exported if s != f"PyInit_{name}" and not s.startswith("_")]
    for s in extra_exports:
        violations.append(f"exports {s}: an extension exports only PyInit_{name} (build with "
                          f"-fvisibility=hidden)")
    other = [s for s in undefined if not is_cpython_symbol(s) and not s.startswith(TOOLCHAIN)
             and not versions.get(s, "").startswith(("GLIBC", "GLIBCXX", "CXXABI", "GCC"))]
    if flavour == "universal":
        tiers = ["stable", "private (the loader, from ISL_MODINIT)"]
    else:  # unstable-cpXY: the stable API with inline fast paths, for one CPython
        tiers = ["stable (inline fast paths)", "unstable", "private (the loader, from ISL_MODINIT)"]
    return {
        "file": str(path), "module": name, "isles_abi": version, "flavour": flavour, "tiers": tiers,
        "cpython_symbols": cpython, "other_symbols": other, "violations": violations,
    }


def _symbol_versions(elf):
    """{undefined symbol: required version name} from .gnu.version_r."""
    from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
    need = elf.get_section_by_name(".gnu.version_r")
    sym = elf.get_section_by_name(".gnu.version")
    dynsym = elf.get_section_by_name(".dynsym")
    if not (isinstance(need, GNUVerNeedSection) and isinstance(sym, GNUVerSymSection) and dynsym):
        return {}
    names = {}
    for _, auxes in need.iter_versions():
        for aux in auxes:
            names[aux["vna_other"]] = aux.name
    out = {}
    for i, s in enumerate(dynsym.iter_symbols()):
        idx = sym.get_symbol(i)["ndx"]
        if isinstance(idx, int) and idx in names:
            out[s.name] = names[idx]
    return out


def describe(r, runtime_abi):
    lines = [f"{r['file']}: isles extension '{r['module']}'"]
    major, _, minor = r["isles_abi"].partition(".")
    fit = ""
    if runtime_abi:
        rmaj, rmin = runtime_abi
        if major != str(rmaj):
            fit = f" (this runtime serves {rmaj}.{rmin}: a different major, it would be refused)"
        elif minor.isdigit() and int(minor) > rmin:
            fit = f" (this runtime serves {rmaj}.{rmin}: too old, it would be refused)"
        else:
            fit = f" (this runtime serves {rmaj}.{rmin}: loads)"
    lines.append(f"  isles ABI  {r['isles_abi']}{fit}")
    lines.append(f"  flavour    {r['flavour']}" + ("  (one binary for every CPython >= 3.12)"
                                                    if r["flavour"] == "universal" else
                                                    "  (built for this one CPython: rebuild per release)"))
    lines.append(f"  tiers      {', '.join(r['tiers'])}")
    lines.append(f"  CPython    {len(r['cpython_symbols'])} symbols: {' '.join(r['cpython_symbols']) or '-'}")
    if r["other_symbols"]:
        lines.append(f"  other      {' '.join(r['other_symbols'])}")
    if r["violations"]:
        lines.append(f"  VIOLATIONS {len(r['violations'])}:")
        lines += [f"    - {v}" for v in r["violations"]]
    else:
        lines.append("  violations none")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m isles check", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", metavar="FILE.so")
    ap.add_argument("--json", action="store_true", help="print one JSON report per file")
    args = ap.parse_args(argv)
    try:
        import isles
        runtime_abi = tuple(isles.backend().abi_version)
    except Exception:  # checking works without a runtime for this CPython
        runtime_abi = None
    status = 0
    for path in args.files:
        try:
            report = inspect(path)
        except NotAnExtension as e:
            print(f"{path}: error: {e}", file=sys.stderr)
            status = max(status, 2)
            continue
        print(json.dumps(report) if args.json else describe(report, runtime_abi))
        if report["violations"]:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())

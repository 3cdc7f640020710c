#!/usr/bin/env python3
"""Generate and check the isles C-API from capi-tiers/manifest.toml.

    islgen.py generate         write the generated headers and docs/api.md
    islgen.py check            fail if anything disagrees with the manifest
    islgen.py freeze           record the current slots in abi-baseline.toml
    islgen.py emit NAME OUT    write one generated file to OUT (used by meson)

Needs only the standard library (tomllib: Python >= 3.11).
"""
from __future__ import annotations

import argparse
import dataclasses
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "capi-tiers" / "manifest.toml"
BASELINE = ROOT / "capi-tiers" / "abi-baseline.toml"
INCLUDE = ROOT / "include" / "isles"

# Tier -> (header directory, name patterns a name of that tier must match).
TIER_RULES = {
    "stable": ("stable", re.compile(r"^(Isl(?!Unstable_)[A-Za-z0-9]\w*|ISL_(?!UNSTABLE_)\w+|h_\w+)$")),
    "unstable": ("unstable", re.compile(r"^(IslUnstable_\w+|ISL_UNSTABLE_\w+)$")),
    "private": ("private", re.compile(r"^(_Isl\w+|_ISL_\w+)$")),
}
PUBLIC_NAME = re.compile(r"\b(_?Isl[A-Za-z0-9_]*|_?ISL_[A-Z0-9_]+)\b")
# CPython names, including the lower-case ones a leaked struct layout shows:
# struct tags, object and type fields, method flags and slot-table fields.
CPYTHON_NAME = re.compile(r"\b(Py[A-Z]\w*|_Py\w+|Py_\w+|PyObject|_object|_typeobject|_longobject|"
                          r"ob_(?:refcnt|type|size|base)|tp_\w+|METH_\w+|(?:nb|sq|mp|bf|am)_\w+|"
                          r"m_(?:base|methods|slots)|ml_(?:name|meth|flags|doc))\b|Python\.h")
CONTEXT_HEADER_FIELDS = 4  # pointer-sized words before slot 0, see handles.h

# Names the manifest lists but headers only test for (#ifndef/#ifdef): the author
# or the build may define them.
AUTHOR_DEFINED = {"ISL_ABI_VERSION_MAJOR", "ISL_ABI_VERSION_MINOR", "ISL_UNSTABLE_API",
                  "_ISL_TEST_SLOW_PATHS"}  # the last by isles's own tests only
GENERATED_NOTE = "generated from capi-tiers/manifest.toml by capi-tiers/islgen.py — do not edit"


@dataclasses.dataclass
class Param:
    type: str
    name: str


@dataclasses.dataclass
class Function:
    name: str
    slot: int
    added: str
    ret: str
    params: list[Param]
    doc: str
    variadic: bool
    sig: str
    unstable: str | None = None  # inline body for per-CPython builds (unstable tier)
    universal: str | None = None  # inline prologue of the universal build, gated by _ISL_INLINE_ON

    @property
    def field(self) -> str:  # IslLong_FromInt64 -> ctx_Long_FromInt64
        return "ctx_" + self.name[len("Isl"):]

    @property
    def impl(self) -> str:  # backend function name in isles::internal::impl
        return self.name[len("Isl"):]


@dataclasses.dataclass
class Constant:
    name: str
    slot: int
    added: str
    backend: str
    doc: str


@dataclasses.dataclass
class Manifest:
    abi: tuple[int, int]
    constants: list[Constant]
    functions: list[Function]
    names: dict[str, str]  # hand-written public name -> tier
    name_docs: list[dict]

    @property
    def slots(self):
        return sorted([*self.constants, *self.functions], key=lambda i: i.slot)


class ManifestError(Exception):
    pass


SIG = re.compile(r"^(?P<ret>.+?)\s*\b(?P<name>\w+)\s*\((?P<params>.*)\)$")


def parse_sig(sig: str) -> tuple[str, str, list[Param], bool]:
    m = SIG.match(sig.strip())
    if not m:
        raise ManifestError(f"cannot parse signature: {sig!r}")
    params, variadic = [], False
    for raw in (p.strip() for p in m["params"].split(",")):
        if raw == "...":
            variadic = True
            continue
        pm = re.match(r"^(.*?)(\w+)$", raw)
        if not pm:
            raise ManifestError(f"cannot parse parameter {raw!r} in {sig!r}")
        params.append(Param(pm[1].strip(), pm[2]))
    return m["ret"].strip(), m["name"], params, variadic


def load(path: pathlib.Path = MANIFEST) -> Manifest:
    data = tomllib.loads(path.read_text())
    consts = [Constant(c["name"], c["slot"], c["added"], c["backend"], c["doc"])
              for c in data.get("constant", [])]
    funcs = []
    for f in data.get("function", []):
        ret, name, params, variadic = parse_sig(f["sig"])
        if variadic != f.get("variadic", False):
            raise ManifestError(f"{name}: 'variadic' disagrees with its signature")
        if not params or params[0].type.replace(" ", "") != "IslContext*":
            raise ManifestError(f"{name}: the first parameter must be IslContext *ctx")
        unstable = f.get("unstable")
        if unstable is not None and variadic:
            raise ManifestError(f"{name}: a variadic function cannot have an unstable body")
        funcs.append(Function(name, f["slot"], f["added"], ret, params, f["doc"], variadic, f["sig"], unstable,
                              f.get("universal")))
    names: dict[str, str] = {}
    for group in data.get("name", []):
        for n in group["names"]:
            if n in names:
                raise ManifestError(f"{n} is listed twice")
            names[n] = group["tier"]
    m = Manifest((data["abi"]["major"], data["abi"]["minor"]), consts, funcs, names, data.get("name", []))
    validate(m)
    return m


def validate(m: Manifest) -> None:
    slots = [i.slot for i in m.slots]
    if slots != list(range(len(slots))):
        missing = sorted(set(range(max(slots) + 1)) - set(slots))
        dup = sorted({s for s in slots if slots.count(s) > 1})
        raise ManifestError(f"slots must be 0..N-1, each once (missing {missing}, duplicated {dup})")
    seen = set()
    for item in m.slots:
        if item.name in seen:
            raise ManifestError(f"{item.name} is listed twice")
        seen.add(item.name)
        tier_re = TIER_RULES["stable"][1]
        if not tier_re.match(item.name):
            raise ManifestError(f"{item.name}: a context slot must carry a stable-tier name")
        if not re.fullmatch(r"\d+\.\d+", item.added):
            raise ManifestError(f"{item.name}: 'added' must be major.minor, not {item.added!r}")
        major, minor = map(int, item.added.split("."))
        if (major, minor) > m.abi:
            raise ManifestError(f"{item.name}: added in {item.added}, newer than the ABI {m.abi[0]}.{m.abi[1]}")
    for name, tier in m.names.items():
        if tier not in TIER_RULES:
            raise ManifestError(f"{name}: unknown tier {tier!r}")
        if not TIER_RULES[tier][1].match(name):
            raise ManifestError(f"{name}: the name does not show its tier {tier!r}")


# ---------------------------------------------------------------- generators

def c_params(f: Function, with_names: bool = True) -> str:
    ps = [f"{p.type} {p.name}".replace("* ", "*") if with_names else p.type for p in f.params]
    ps = [re.sub(r"\*\s+", "*", p) for p in ps]
    if f.variadic:
        ps.append("...")
    return ", ".join(ps)


def decl(ret: str, name: str, params: str) -> str:
    sep = "" if ret.endswith("*") else " "
    return f"{ret}{sep}{name}({params})"


def gen_context_h(m: Manifest) -> str:
    out = [f"/* {GENERATED_NOTE} */",
           "/* The context: one per interpreter (and per handle mode), reached only through",
           "   the inline trampolines below. Layout: four header words, then one",
           "   pointer-sized slot per manifest item, append-only. */",
           "#ifndef ISLES_STABLE_CONTEXT_H", "#define ISLES_STABLE_CONTEXT_H", "",
           '#include "isles/stable/handles.h"', '#include "isles/private/object_header.h"', "",
           "#ifndef ISL_ABI_VERSION_MAJOR",
           f"#define ISL_ABI_VERSION_MAJOR {m.abi[0]}", "#endif",
           "#ifndef ISL_ABI_VERSION_MINOR",
           f"#define ISL_ABI_VERSION_MINOR {m.abi[1]}", "#endif", "",
           "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
           "struct IslContext {",
           "    uint32_t abi_major;  /* ABI the runtime serves */",
           "    uint32_t abi_minor;",
           "    uint32_t flags;      /* ISL_CONTEXT_* bits */",
           "    uint32_t n_slots;    /* slots filled by the runtime */",
           "    void *_runtime;      /* the backend's per-interpreter state */",
           "    void *_reserved;"]
    for item in m.slots:
        if isinstance(item, Constant):
            out.append(f"    IslHandle {item.name};  /* slot {item.slot} */")
        else:
            sep = "" if item.ret.endswith("*") else " "
            out.append(f"    {item.ret}{sep}(*{item.field})({c_params(item, False)});  /* slot {item.slot} */")
    out += ["};", "",
            "/* A per-CPython build (ISL_UNSTABLE_API) compiles the functions marked",
            "   below straight to CPython, falling back to the context off the fast path. */",
            "#ifdef ISL_UNSTABLE_API",
            '#include "isles/unstable/inline.h"',
            "#endif", ""]
    for f in m.functions:
        if f.variadic:
            out.append(f"#define {f.name}(ctx, ...) ((ctx)->{f.field}((ctx), __VA_ARGS__))")
            continue
        args = ", ".join(p.name for p in f.params)
        ret = "" if f.ret == "void" else "return "
        line = f"static inline {decl(f.ret, f.name, c_params(f))} {{ {ret}ctx->{f.field}({args}); }}"
        if f.universal:  # a fast path the runtime switches on per context; the call is the fallback
            body = ["    " + ln if ln else "" for ln in f.universal.strip().splitlines()]
            line = "\n".join([f"static inline {decl(f.ret, f.name, c_params(f))} {{", *body,
                               f"    {ret}ctx->{f.field}({args});", "}"])
        out += ["#ifndef ISL_UNSTABLE_API", line, "#endif"] if f.unstable else [line]
    out += ["", "#ifdef __cplusplus", "}", "#endif", "#endif", ""]
    return "\n".join(out)


def gen_unstable_inline_h(m: Manifest) -> str:
    out = [f"/* {GENERATED_NOTE} */",
           "/* The unstable tier's per-CPython build of the context functions that have a",
           "   fast path: handles are the object pointers and the common case compiles",
           "   inline to CPython; anything else (errors, other types) goes to the context,",
           "   so behaviour is the stable tier's. Included by context.h under ISL_UNSTABLE_API. */",
           "#ifndef ISLES_UNSTABLE_INLINE_H", "#define ISLES_UNSTABLE_INLINE_H",
           "#ifndef ISL_UNSTABLE_API",
           '#error "isles/unstable/inline.h: define ISL_UNSTABLE_API to opt in to the unstable tier"',
           "#endif", "",
           "#ifdef __cplusplus", 'extern "C" {', "#endif", ""]
    for f in m.functions:
        if not f.unstable:
            continue
        body = re.sub(r"\bO\(", "IslUnstable_AsPyObject(", f.unstable.strip())
        body = re.sub(r"\bH\(", "IslUnstable_FromPyObject(", body)
        out.append(f"static inline {decl(f.ret, f.name, c_params(f))} {{")
        out += [f"    (void){p.name};" for p in f.params if not re.search(rf"\b{p.name}\b", body)]
        out += ["    " + line if line else "" for line in body.splitlines()]
        out.append("}")
    out += ["", "#ifdef __cplusplus", "}", "#endif", "#endif", ""]
    return "\n".join(out)


def gen_slots_h(m: Manifest) -> str:
    out = [f"/* {GENERATED_NOTE} */",
           "#ifndef ISLES_INTERNAL_SLOTS_H", "#define ISLES_INTERNAL_SLOTS_H",
           "#ifndef ISL_BUILD_CORE",
           '#error "isles/internal/slots.h is runtime-only: define ISL_BUILD_CORE (the isles shim does)"',
           "#endif", "",
           '#include "isles/stable/context.h"', "",
           "#define ISL_CONTEXT_N_SLOTS " + str(len(m.slots)),
           "#define ISL_CONTEXT_HEADER_WORDS " + str(CONTEXT_HEADER_FIELDS), "",
           "/* X(slot, field) for every constant; the backend supplies the object. */",
           "#define ISL_FOR_EACH_CONSTANT(X) \\"]
    out += [f"    X({c.slot}, {c.name}, {c.backend}) \\" for c in m.constants]
    out += ["", "/* X(slot, field, impl) for every function slot. */", "#define ISL_FOR_EACH_FUNCTION(X) \\"]
    out += [f"    X({f.slot}, {f.field}, {f.impl}) \\" for f in m.functions]
    out += ["", "/* X(slot, \"name\") for every slot, in order. */", "#define ISL_FOR_EACH_SLOT_NAME(X) \\"]
    out += [f'    X({i.slot}, "{i.name}") \\' for i in m.slots]
    out += ["", "#ifdef __cplusplus", "namespace isles::internal::impl {"]
    for f in m.functions:
        out.append(decl(f.ret, f.impl, c_params(f)) + ";")
    out += ["}  // namespace isles::internal::impl", "#endif", "#endif", ""]
    return "\n".join(out)


def gen_api_md(m: Manifest) -> str:
    out = [f"<!-- {GENERATED_NOTE} -->", "# isles C-API reference",
           "",
           f"ABI version {m.abi[0]}.{m.abi[1]}. Every function takes the context `ctx` of the running",
           "interpreter first. A function returning `IslHandle` returns a new handle that the caller",
           "closes with `IslHandle_Close`, or the null handle with an exception set. Functions returning",
           "`int` return -1 (or 0 where documented) with an exception set on error. No function steals",
           "or borrows a handle passed to it: the caller keeps and closes what it owns.",
           "", "Tiers are described in [tiers.md](tiers.md).", "",
           "## Constants (stable)", "",
           "Borrowed handles held in the context: use them directly, never close them.", "",
           "| field | slot | added | meaning |", "|---|---|---|---|"]
    for c in m.constants:
        out.append(f"| `ctx->{c.name}` | {c.slot} | {c.added} | {c.doc} |")
    out += ["", "## Functions (stable)", ""]
    for f in m.functions:
        inline = " Inline in per-CPython (unstable-tier) builds." if f.unstable else ""
        if f.universal:
            inline += " Universal builds inline the common case when the context allows it (see abi.md)."
        out += [f"### `{f.name}`", "", "```c", decl(f.ret, f.name, c_params(f)) + ";", "```", "",
                f"Slot {f.slot}, added in {f.added}. {f.doc}{inline}", ""]
    out += ["## Argument parsing", "",
            "`IslArg_Parse(ctx, args, nargs, kwnames, format, keywords, ...)` fills one output per",
            "format code, in order. `keywords` is a NULL-terminated array naming every parameter (an",
            "empty string makes a parameter positional-only), or NULL when no keyword is accepted.",
            "",
            "| code | Python value | output |", "|---|---|---|",
            "| `O` | any object | `IslHandle *` (the argument itself: do not close) |",
            "| `i` | integer (via `__index__`) fitting in int | `int *` |",
            "| `n` | integer (via `__index__`) fitting in IslSsize | `IslSsize *` |",
            "| `L` | integer (via `__index__`) fitting in int64_t | `int64_t *` |",
            "| `d` | float, or anything with `__float__`/`__index__` | `double *` |",
            "| `s` | str | `const char *` (UTF-8, valid during the call) |",
            "| `p` | any object, by truth value | `int *` |",
            "| `\\|` | the parameters after it are optional (outputs keep their initial values) | |",
            "| `$` | the parameters after it are keyword-only | |",
            "| `:name` | ends the format; `name` is used in error messages | |",
            "", "## Hand-written names", ""]
    for g in m.name_docs:
        if g["tier"] == "private":  # what macros expand to: not API, so not documented here
            continue
        out.append(f"- **{g['tier']}**, added {g['added']}: {g['doc']} "
                   + ", ".join(f"`{n}`" for n in g["names"]))
    out += ["", "Private names (`_Isl*`, `_ISL_*`: what the macros above expand to) are listed in the",
            "manifest but are not API: never use them (see [tiers.md](tiers.md))."]
    out.append("")
    return "\n".join(out)


OUTPUTS = {
    "context.h": (INCLUDE / "stable" / "context.h", gen_context_h),
    "slots.h": (INCLUDE / "internal" / "slots.h", gen_slots_h),
    "inline.h": (INCLUDE / "unstable" / "inline.h", gen_unstable_inline_h),
    "api.md": (ROOT / "docs" / "api.md", gen_api_md),
}


# ---------------------------------------------------------------- checker

DEF_PATTERNS = [
    re.compile(r"^\s*#\s*define\s+(\w+)", re.M),
    re.compile(r"\btypedef\b[^;{]*?\b(\w+)\s*;", re.M),
    re.compile(r"\btypedef\b[^;]*?\(\s*\*\s*(\w+)\s*\)", re.M),
    re.compile(r"\}\s*(\w+)\s*;", re.M),                       # typedef struct {...} Name;
    re.compile(r"^\s*(?:struct|enum)\s+(\w+)\s*\{", re.M),
    re.compile(r"^\s*(?:static\s+)?(?:inline\s+|_ISL_INLINE\s+|_ISL_COLD\s+)[^;{=]*?\b(\w+)\s*\(", re.M),
    re.compile(r"^\s{4}(\w+)\s*(?:=[^,\n]*)?,?\s*(?:/\*.*)?$", re.M),  # enumerators
    re.compile(r"^_ISL_WEAK_HIDDEN\s+\w+\s+(\w+)\s*;", re.M),  # the loader's per-binary variables
]


def header_definitions(path: pathlib.Path) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    found = set()
    for pat in DEF_PATTERNS:
        for name in pat.findall(text):
            if PUBLIC_NAME.fullmatch(name):
                found.add(name)
    return found


def check_generated(m: Manifest) -> list[str]:
    return [f"{path.relative_to(ROOT)} is out of date: run capi-tiers/islgen.py generate"
            for path, gen in OUTPUTS.values() if not path.exists() or path.read_text() != gen(m)]


def check_headers(m: Manifest, include: pathlib.Path = INCLUDE) -> list[str]:
    """Every public name a header defines is in the manifest with the tier of
    its directory, every manifest name is defined, and the stable tier never
    names CPython."""
    errors = []
    generated = {"context.h", "slots.h", "inline.h"}
    defined: dict[str, str] = {}
    for tier, (subdir, _) in TIER_RULES.items():
        for h in sorted((include / subdir).glob("*.h")):
            if h.name in generated:
                continue
            for name in header_definitions(h):
                defined[name] = tier
    for h in sorted((include / "stable").glob("*.h")) + [include / "isles.h"]:
        text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
        for hit in sorted(set(mm.group(0) for mm in CPYTHON_NAME.finditer(text))):
            errors.append(f"{h.name} names CPython's {hit}: the stable tier must not")
    for name, tier in sorted(defined.items()):
        want = m.names.get(name)
        if want is None:
            errors.append(f"{name} is defined in include/isles/{TIER_RULES[tier][0]}/ but missing from the manifest")
        elif want != tier:
            errors.append(f"{name} is a {want} name in the manifest but is defined in include/isles/{TIER_RULES[tier][0]}/")
    for name, tier in sorted(m.names.items()):
        if name not in defined and name not in AUTHOR_DEFINED:
            errors.append(f"{name} ({tier}) is in the manifest but no header under include/isles/{TIER_RULES[tier][0]}/ defines it")
    return errors


def check(m: Manifest) -> list[str]:
    return check_generated(m) + check_headers(m) + check_baseline(m)


def slot_record(item) -> str:
    return item.sig if isinstance(item, Function) else f"IslHandle {item.name}"


def check_baseline(m: Manifest, baseline: pathlib.Path = BASELINE) -> list[str]:
    if not baseline.exists():
        return [f"{baseline} is missing: run capi-tiers/islgen.py freeze once"]
    base = tomllib.loads(baseline.read_text())
    errors = []
    if base["abi"]["major"] != m.abi[0]:
        errors.append(f"the ABI major changed from {base['abi']['major']} to {m.abi[0]}; re-freeze deliberately")
        return errors
    current = {i.slot: slot_record(i) for i in m.slots}
    for slot, record in ((int(k), v) for k, v in base["slots"].items()):
        if slot not in current:
            errors.append(f"slot {slot} ({record}) was released and has been removed")
        elif current[slot] != record:
            errors.append(f"slot {slot} changed: released as `{record}`, now `{current[slot]}`")
    if m.abi[1] < base["abi"]["minor"]:
        errors.append(f"the ABI minor went backwards ({base['abi']['minor']} -> {m.abi[1]})")
    new = [i for i in m.slots if str(i.slot) not in base["slots"]]
    for i in new:
        if tuple(map(int, i.added.split("."))) <= (base["abi"]["major"], base["abi"]["minor"]):
            errors.append(f"slot {i.slot} {i.name} is new but claims to be added in {i.added}, "
                          f"already released; bump the ABI minor")
    return errors


def freeze(m: Manifest) -> str:
    out = [f"# {GENERATED_NOTE} (freeze)",
           "# The released context layout. islgen.py check fails when a slot listed here moves,",
           "# changes its signature or disappears. Re-freeze only when releasing a new ABI minor.",
           "", "[abi]", f"major = {m.abi[0]}", f"minor = {m.abi[1]}", "", "[slots]"]
    out += [f'"{i.slot}" = "{slot_record(i)}"' for i in m.slots]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("generate")
    sub.add_parser("check")
    sub.add_parser("freeze")
    e = sub.add_parser("emit")
    e.add_argument("name", choices=sorted(OUTPUTS))
    e.add_argument("out")
    a = ap.parse_args(argv)
    try:
        m = load()
    except (ManifestError, KeyError, tomllib.TOMLDecodeError) as exc:
        print(f"islgen: manifest error: {exc}", file=sys.stderr)
        return 1
    if a.cmd == "generate":
        for path, gen in OUTPUTS.values():
            path.write_text(gen(m))
        return 0
    if a.cmd == "emit":
        pathlib.Path(a.out).write_text(OUTPUTS[a.name][1](m))
        return 0
    if a.cmd == "freeze":
        BASELINE.write_text(freeze(m))
        return 0
    errors = check(m)
    for err in errors:
        print(f"islgen check: {err}", file=sys.stderr)
    if not errors:
        print(f"islgen check: manifest, headers and baseline agree ({len(m.slots)} slots, ABI {m.abi[0]}.{m.abi[1]})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

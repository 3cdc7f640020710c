"""Runs one of CPython's own installed test modules (test.test_<name>,
unmodified) against either the isles port or CPython's accelerator, in the
main interpreter or an own-GIL sub-interpreter, and prints a JSON summary.

    python cpython_suite.py heapq --impl isles --mode sub --ports build/ports
"""
import argparse
import hashlib
import json
import os
import sys

# The ports directory goes first before anything can import the accelerator.
SUITE = """
import sys
if {ports!r}:
    sys.path.insert(0, {ports!r})
    # Where the accelerators are built into the interpreter (Debian's
    # CPythons), sys.path cannot shadow them: a finder on sys.meta_path does.
    import isles.ports
    isles.ports.install({ports!r})
import unittest, json
sys.argv = ["cpython_suite"]
prog = unittest.main(module="test.test_{name}", exit=False, verbosity=0)
r = prog.result
# The modules the suite really called into (for the C-accelerated variant).
t = sys.modules["test.test_{name}"]
files = [getattr(m, "__file__", "<built-in>") for m in ({probes},)]
__isles_result__ = json.dumps(dict(files=files, run=r.testsRun,
                                   failures=len(r.failures), errors=len(r.errors), skipped=len(r.skipped)))
"""

# suite -> (accelerator modules, expressions on the test module `t` giving them)
ACCELERATORS = {
    "heapq": (["_heapq"], ["t.c_heapq.heappush.__self__"]),
    "bisect": (["_bisect"], ["t.c_bisect.bisect_left.__self__"]),
    "json": (["_json"], ["t.cjson.decoder.c_scanstring.__self__"]),
    "csv": (["_csv"], ["t.csv.reader.__self__"]),
    "xxlimited": (["xxlimited", "xxlimited_35"], ["t.xxlimited", "t.xxlimited_35"]),
}
if sys.version_info >= (3, 15):
    # 3.15's suite also runs the 3.13 module, kept as xxlimited_3_13.
    ACCELERATORS["xxlimited"] = (["xxlimited", "xxlimited_3_13", "xxlimited_35"],
                                 ["t.xxlimited", "t.xxlimited_3_13", "t.xxlimited_35"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name", choices=sorted(ACCELERATORS))
    ap.add_argument("--impl", choices=["isles", "cpython"], required=True)
    ap.add_argument("--mode", choices=["main", "sub"], required=True)
    ap.add_argument("--ports", default="")
    a = ap.parse_args()
    if a.impl == "isles" and not a.ports:
        ap.error("--impl isles needs --ports")
    modules, probes = ACCELERATORS[a.name]
    code = SUITE.format(ports=a.ports if a.impl == "isles" else "", probes=", ".join(probes), name=a.name)
    if a.mode == "main":
        ns = {"__name__": "__main__"}
        exec(code, ns)
        out = ns["__isles_result__"]
    else:
        import isles
        out = isles.backend().run_isolated(code)
    summary = json.loads(out)
    for module, file in zip(modules, summary["files"]):
        digest = ""
        if os.path.isfile(file):
            with open(file, "rb") as f:
                digest = "  sha256 " + hashlib.sha256(f.read()).hexdigest()
        print(f"{a.name} [{a.impl}, {a.mode}]: {module}.__file__ = {file}{digest}")
    print("ISLES_SUITE " + json.dumps(summary), flush=True)
    status = 0 if summary["run"] and not summary["failures"] and not summary["errors"] else 1
    if a.impl == "cpython" and a.mode == "sub" and sys.version_info[:2] == (3, 12):
        # CPython 3.12.1 double-frees at exit once its own _bisect suite has run
        # in an isolated interpreter: reproduced with _xxsubinterpreters alone,
        # no isles involved (interned-string sharing bugs fixed in later 3.12
        # releases, gh-116510). Skip finalization for this baseline run only.
        sys.stderr.flush()
        os._exit(status)
    return status


if __name__ == "__main__":
    sys.exit(main())

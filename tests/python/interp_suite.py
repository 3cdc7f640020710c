"""Runs CPython's own interpreters test suite (test.test_interpreters, from
the installed `test` package, unmodified) with its public modules resolved to
isles, and prints one JSON line of per-test outcomes.

    python interp_suite.py [--impl isles|cpython] [-k PATTERN]

The public names -- `concurrent.interpreters` and its `_queues` (3.14+), the
3.13 draft's `test.support.interpreters` with `queues` and `channels`, and
PEP 554's `test.support.channels` -- are served by isles in every interpreter
of the run, sub-interpreters included: a `sitecustomize` on PYTHONPATH puts a
finder on sys.meta_path before any test code runs. CPython's private modules
(`_interpreters`, `_interpqueues`, `_interpchannels`, `_testinternalcapi`)
stay CPython's own. Tests in interp_suite_excluded.EXCLUDED are skipped with
their reason in the report, so none is skipped silently.
"""
import argparse
import json
import os
import sys
import tempfile

# public module name -> isles module serving it
ALIASES = {
    "concurrent.interpreters": "isles.interpreters",
    "concurrent.interpreters._queues": "isles.interpreters._queues",
    "concurrent.interpreters._crossinterp": "isles.interpreters._crossinterp",
    "test.support.interpreters": "isles.interpreters",
    "test.support.interpreters.queues": "isles.interpreters._queues",
    "test.support.interpreters.channels": "isles.interpreters.channels",
    "test.support.interpreters._crossinterp": "isles.interpreters._crossinterp",
    "test.support.channels": "isles.interpreters.channels",
}

SITECUSTOMIZE = '''\
# written by interp_suite.py: serve the public interpreters modules from isles
import importlib, importlib.abc, importlib.machinery, sys

ALIASES = {aliases!r}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name in ALIASES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = importlib.import_module(ALIASES[spec.name])
        spec.loader_state = module.__spec__  # the import system overwrites __spec__ with `spec`
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state
        # `from <alias> import <sub>` looks up the attribute first.
        for alias, target in ALIASES.items():
            parent, _, sub = alias.rpartition(".")
            if ALIASES.get(parent) == module.__name__ and not hasattr(module, sub):
                setattr(module, sub, importlib.import_module(target))


sys.meta_path.insert(0, _Alias())
'''


def run(impl, pattern):
    import unittest

    import interp_suite_excluded

    excluded = interp_suite_excluded.for_version(sys.version_info[:2])
    loader = unittest.TestLoader()
    if pattern:
        loader.testNamePatterns = [p if "*" in p else f"*{p}*" for p in pattern.split(",")]
    suite = loader.loadTestsFromName("test.test_interpreters")
    outcomes = {}

    def flat(s):
        for t in s:
            if isinstance(t, unittest.TestSuite):
                yield from flat(t)
            else:
                yield t

    tests = list(flat(suite))
    for t in tests:
        short = t.id().removeprefix("test.test_interpreters.")
        reason = interp_suite_excluded.reason_for(short, excluded)
        if reason and impl == "isles":
            setattr(t, t._testMethodName, unittest.skip(f"excluded: {reason}")(getattr(t, t._testMethodName)))

    class Result(unittest.TextTestResult):
        def _record(self, test, outcome, detail=""):
            key = test.id().removeprefix("test.test_interpreters.")
            if outcomes.get(key, ["passed"])[0] in ("passed", "skipped"):  # the first failure is kept
                outcomes[key] = [outcome, detail[-3000:]]

        def addSuccess(self, test):
            super().addSuccess(test)
            self._record(test, "passed")

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._record(test, "failed", self.failures[-1][1])

        def addError(self, test, err):
            super().addError(test, err)
            self._record(test, "error", self.errors[-1][1])

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                kind = "failed" if issubclass(err[0], test.failureException) else "error"
                detail = (self.failures if kind == "failed" else self.errors)[-1][1]
                self._record(test, kind, f"{subtest.id()}\n{detail}")

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._record(test, "skipped", reason)

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            self._record(test, "passed", "expected failure")

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            self._record(test, "failed", "unexpected success")

    runner = unittest.TextTestRunner(stream=sys.stderr, verbosity=1, resultclass=Result)
    runner.run(unittest.TestSuite(tests))
    return outcomes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--impl", choices=["isles", "cpython"], default="isles")
    ap.add_argument("-k", dest="pattern", default="", help="test name patterns, comma-separated")
    a = ap.parse_args()
    if a.impl == "isles" and os.environ.get("ISLES_INTERP_SUITE_SITE") is None:
        # Re-run with the sitecustomize in place, so that every interpreter,
        # and every subprocess the suite starts, sees the aliases.
        with tempfile.TemporaryDirectory() as site:
            with open(os.path.join(site, "sitecustomize.py"), "w") as f:
                f.write(SITECUSTOMIZE.format(aliases=ALIASES))
            here = os.path.dirname(os.path.abspath(__file__))
            path = os.pathsep.join([site, here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
            env = dict(os.environ, PYTHONPATH=path, ISLES_INTERP_SUITE_SITE=site)
            import subprocess

            return subprocess.run([sys.executable, *sys.argv], env=env).returncode
    outcomes = run(a.impl, a.pattern)
    print("ISLES_INTERP_SUITE " + json.dumps(outcomes), flush=True)
    # A failed test may leave a thread blocked for good (a get() whose put
    # failed); the outcomes are out, so do not wait for it at exit.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())

"""Tests of CPython's interpreters suites that isles does not run, each with
its reason (docs/interpreters.md lists them too). Keys are test ids below
test.test_interpreters, for example "test_api.TestInterpreterClose.test_basic"."""

# Reasons shared by many tests.
PRIVATE = "uses CPython's private _interpreters/_interpqueues/_interpchannels or _testinternalcapi"

EXCLUDED = {
    # (major, minor) or None for every version -> {test id: reason}
    None: {},
}


def for_version(version):
    out = dict(EXCLUDED.get(None, {}))
    out.update(EXCLUDED.get(tuple(version), {}))
    return out

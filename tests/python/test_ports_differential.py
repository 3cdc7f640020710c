"""The ports against CPython's own accelerators: the same call gives the
same result, or raises the same exception type (messages may differ).

CPython's _bisect/_heapq are loaded from the stdlib (lib-dynload) while the
ports come from build/ports, in both interpreter modes."""

DIFFERENTIAL = r'''
import importlib.machinery, importlib.util, sys

def load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(module)
    return module

def pair(name):
    port = load(name, f"{PORTS}/{name}.abi3.so")
    spec = importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p != PORTS])
    assert spec and spec.origin.startswith(sys.base_prefix) and "lib-dynload" in spec.origin, spec
    return load(name, spec.origin), port

cpy_bisect, isl_bisect = pair("_bisect")
cpy_heapq, isl_heapq = pair("_heapq")
assert isl_bisect.__file__.startswith(PORTS) and not cpy_bisect.__file__.startswith(PORTS)

def outcome(call):
    try:
        return ("ok", call())
    except Exception as exc:
        return ("raised", type(exc))

class Foo: pass
class ZeroLen(list):
    def __len__(self): return 0
calls = []
def key(v):
    calls.append(v)
    return v
def insort(f, a, *args, **kw):
    calls.clear()
    r = outcome(lambda: f(a, *args, **kw))
    return r, a, list(calls)

BISECT = {
    "bisect_right({}, 1)": lambda b: b.bisect_right({}, 1),
    "bisect_left({}, 1)": lambda b: b.bisect_left({}, 1),
    "bisect_right(set(), 1)": lambda b: b.bisect_right(set(), 1),
    "bisect_left(frozenset(), 1, 0, 0)": lambda b: b.bisect_left(frozenset(), 1, 0, 0),
    "bisect_right({1: 2}, 1, 0, 0)": lambda b: b.bisect_right({1: 2}, 1, 0, 0),
    "bisect_right({1: 2, 3: 4}, 1)": lambda b: b.bisect_right({1: 2, 3: 4}, 1),
    "bisect_right(1, 1)": lambda b: b.bisect_right(1, 1),
    "bisect_right(Foo(), 1, 0, 0)": lambda b: b.bisect_right(Foo(), 1, 0, 0),
    "bisect_right('abc', 'b')": lambda b: b.bisect_right("abc", "b"),
    "bisect_right(range(10), 3)": lambda b: b.bisect_right(range(10), 3),
    "bisect_left([], 1, 0, 5)": lambda b: b.bisect_left([], 1, 0, 5),
    "bisect_right([1, 2], 1, -1)": lambda b: b.bisect_right([1, 2], 1, -1),
    "bisect_right([1, 2], 1, hi=-5)": lambda b: b.bisect_right([1, 2], 1, hi=-5),
    "bisect_right([1, 2], 1, hi='x')": lambda b: b.bisect_right([1, 2], 1, hi="x"),
    "bisect_right([1, 2], 1, lo=1.0)": lambda b: b.bisect_right([1, 2], 1, lo=1.0),
    "bisect_right([1, 2], 1, 0, 2**70)": lambda b: b.bisect_right([1, 2], 1, 0, 2**70),
    "bisect_right(a=[1, 2], x=1)": lambda b: b.bisect_right(a=[1, 2], x=1),
    "bisect_right([1, 2])": lambda b: b.bisect_right([1, 2]),
    "bisect_right([1, 2], 1, a=[1])": lambda b: b.bisect_right([1, 2], 1, a=[1]),
    "bisect_left([1, 2, 3], 2, key=1/0)": lambda b: b.bisect_left([1, 2, 3], 2, key=lambda v: 1 / 0),
    "bisect_left([1, 'a'], 0)": lambda b: b.bisect_left([1, "a"], 0),
    "insort_right({}, 3, key=key)": lambda b: insort(b.insort_right, {}, 3, key=key),
    "insort_left(set(), 3)": lambda b: insort(b.insort_left, set(), 3),
    "insort_right((1, 2), 3)": lambda b: insort(b.insort_right, (1, 2), 3),
    "insort_right([1, 2], 3, lo=-1, key=key)": lambda b: insort(b.insort_right, [1, 2], 3, lo=-1, key=key),
    "insort_left([1, 3], 2, key=key)": lambda b: insort(b.insort_left, [1, 3], 2, key=key),
}
HEAPQ = {
    "heappush(int, 1)": lambda h: h.heappush(int, 1),
    "heappush(5, 1)": lambda h: h.heappush(5, 1),
    "heappush([])": lambda h: h.heappush([]),
    "heappop(Foo())": lambda h: h.heappop(Foo()),
    "heappop([])": lambda h: h.heappop([]),
    "heappushpop([], 1)": lambda h: h.heappushpop([], 1),
    "heapreplace([], 1)": lambda h: h.heapreplace([], 1),
    "heapify(5)": lambda h: h.heapify(5),
    "heapify([1, 'a', 2])": lambda h: h.heapify([1, "a", 2]),
    "heappop(ZeroLen([3, 1, 2]))": lambda h: h.heappop(ZeroLen([3, 1, 2])),
    "_heappop_max([])": lambda h: h._heappop_max([]),
    "_heapreplace_max((1,), 2)": lambda h: h._heapreplace_max((1,), 2),
}
differences = []
for cases, cpy, isl in ((BISECT, cpy_bisect, isl_bisect), (HEAPQ, cpy_heapq, isl_heapq)):
    for label, call in cases.items():
        want, got = outcome(lambda: call(cpy)), outcome(lambda: call(isl))
        if want != got:
            differences.append(f"{label}: CPython {want!r}, isles {got!r}")
assert not differences, "\n".join(differences)
'''


def test_ports_match_cpython(run):
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + DIFFERENTIAL)

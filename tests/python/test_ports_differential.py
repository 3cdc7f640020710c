"""The ports against CPython's own accelerators: the same call gives the
same result, or raises the same exception type (and, for _bisect's argument
errors, the same message).

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

# Argument errors: the same type and the same message, as Argument Clinic
# words it on this CPython.
def message(call):
    try:
        return ("ok", call())
    except Exception as exc:
        return (type(exc), str(exc))
class Idx:
    def __init__(self, v): self.v = v
    def __index__(self): return self.v
class BadIdx:
    def __index__(self): raise TypeError("boom")
class NotCallable: pass
ARGUMENTS = {
    "hi=1.5": lambda b: b.bisect_right([1], 1, hi=1.5),
    "hi='x'": lambda b: b.bisect_right([1], 1, hi="x"),
    "hi=2**100": lambda b: b.bisect_right([1], 1, 0, 2**100),
    "hi=-2**100": lambda b: b.bisect_right([1], 1, 0, -2**100),
    "hi=Idx(2**100)": lambda b: b.bisect_right([1], 1, hi=Idx(2**100)),
    "hi=BadIdx()": lambda b: b.bisect_left([1], 1, hi=BadIdx()),
    "hi=Idx(1), lo=Idx(0)": lambda b: b.bisect_left([1, 2], 2, lo=Idx(0), hi=Idx(1)),
    "hi=True": lambda b: b.bisect_left([1, 2], 2, hi=True),
    "lo=1.5": lambda b: b.bisect_left([1], 1, lo=1.5),
    "lo=None": lambda b: b.bisect_left([1], 1, lo=None),
    "lo=2**100": lambda b: b.bisect_left([1], 1, 2**100),
    "lo=BadIdx()": lambda b: b.bisect_left([1], 1, BadIdx()),
    "x twice": lambda b: b.bisect_right([1], 1, x=2),
    "a twice": lambda b: b.insort_left([1], 1, a=[2]),
    "unknown keyword": lambda b: b.bisect_left([1], 1, foo=1),
    "missing x": lambda b: b.bisect_left([1]),
    "missing x by keyword": lambda b: b.bisect_left(a=[1]),
    "too many": lambda b: b.bisect_left([1], 1, 0, 1, 5),
    "key=NotCallable()": lambda b: b.bisect_left([1, 2], 1, key=NotCallable()),
}
differences = []
for label, call in ARGUMENTS.items():
    want, got = message(lambda: call(cpy_bisect)), message(lambda: call(isl_bisect))
    if want != got:
        differences.append(f"{label}: CPython {want!r}, isles {got!r}")
assert not differences, "\n".join(differences)
'''


def test_ports_match_cpython(run):
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + DIFFERENTIAL)


TEXT_DIFFERENTIAL = r'''
import importlib.machinery, importlib.util, io, random, sys

def load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(module)
    return module

def pair(name):
    spec = importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p != PORTS])
    return load(name, spec.origin), load(name, f"{PORTS}/{name}.abi3.so")

def outcome(call):
    try:
        return ("ok", call())
    except Exception as exc:  # same type and message, StopIteration's value included
        return ("raised", type(exc).__name__, str(exc), getattr(exc, "value", None))

cjson, ijson = pair("_json")
ccsv, icsv = pair("_csv")
import json.decoder
rnd = random.Random(20261125)
mismatches = []

# json: random fragments through both scanners and string functions
pieces = ['[', ']', '{', '}', ',', ':', ' ', '"', '\\', 'u', '0', '1', '-', '.', 'e', 'null', 'true', 'NaN',
          '\\u00e9', '\\ud834', '\u20ac', '\U0001f600', '"k"', '1.5', '12345678901234567890', 'x', '\x01']
decoder = json.decoder.JSONDecoder()
for _ in range(3000):
    s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
    idx = rnd.randint(0, len(s)) if rnd.random() < 0.2 else 0
    for name, call in (("scan", lambda m: m.make_scanner(decoder)(s, idx)),
                       ("scanstring", lambda m: m.scanstring(s, idx, True)),
                       ("ascii", lambda m: m.encode_basestring_ascii(s)),
                       ("plain", lambda m: m.encode_basestring(s))):
        a, b = outcome(lambda: call(cjson)), outcome(lambda: call(ijson))
        if a != b:
            mismatches.append((name, s, idx, a, b))

# json: the encoder over mixed documents and its options
values = [0, -1, 2**70, 1.5, float("inf"), float("nan"), True, None, "s\u00e9", "", [1, [2]], {"a": 1, "b": [None]},
          {1: "int key", 2.5: "float key", None: "none key"}, ("t", 1)]
for _ in range(300):
    doc = [rnd.choice(values) for _ in range(rnd.randint(0, 5))]
    opts = dict(sort_keys=rnd.random() < 0.5, skipkeys=rnd.random() < 0.5, allow_nan=rnd.random() < 0.5)
    def enc(m):
        encoder = m.make_encoder({}, repr, m.encode_basestring_ascii, None,
                                 ": ", ", ", opts["sort_keys"], opts["skipkeys"], opts["allow_nan"])
        return "".join(encoder(doc, 0))
    a, b = outcome(lambda: enc(cjson)), outcome(lambda: enc(ijson))
    if a != b:
        mismatches.append(("encoder", doc, opts, a, b))

# csv: random input through both readers, and rows (lists, tuples, iterators) through both writers
import fractions
class Str(str): pass
class StrNumber(str):  # a number to PyNumber_Check: unquoted under QUOTE_NONNUMERIC
    def __float__(self): return 1.0
fields = ["x", "", None, 1, 2.5, True, 1j, fractions.Fraction(1, 3), "a,b", 'q"q', "l\nm", "\u00e9",
          Str("s,t"), StrNumber("n")]
alphabet = ['a', ',', ';', '"', '\\', ' ', '\n', '\r', '\r\n', '\u00e9', '\U0001f600', '1', '.', '\t']
for _ in range(1500):
    text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
    fmt = dict(delimiter=rnd.choice([",", ";", "\t"]), quotechar=rnd.choice(['"', "'"]),
               escapechar=rnd.choice([None, "\\"]), doublequote=rnd.random() < 0.7,
               skipinitialspace=rnd.random() < 0.3, strict=rnd.random() < 0.3, quoting=rnd.choice([0, 1, 2, 3, 4, 5]))
    read = lambda m: (list(m.reader(io.StringIO(text, newline=""), **fmt)))
    a, b = outcome(lambda: read(ccsv)), outcome(lambda: read(icsv))
    if a != b:
        mismatches.append(("reader", text, fmt, a, b))
    row = [rnd.choice(fields) for _ in range(rnd.randint(0, 4))]
    shape = rnd.choice([list, tuple, iter])
    def write(m):
        out = io.StringIO()
        m.writer(out, **fmt).writerow(shape(row))
        return out.getvalue()
    a, b = outcome(lambda: write(ccsv)), outcome(lambda: write(icsv))
    if a != b:
        mismatches.append(("writer", row, fmt, a, b))
assert not mismatches, mismatches[:5]
'''


def test_json_and_csv_match_cpython(run):
    """Thousands of random json fragments and documents, csv texts and rows:
    the ports give the same result, or the same exception and message, as
    CPython's _json and _csv."""
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + TEXT_DIFFERENTIAL)

"""The ports against CPython's own accelerators: the same call gives the
same result, or raises the same exception type (and, for _bisect's argument
errors and the json cases that say so, the same message and notes).

CPython's accelerators are fresh instances of its own modules: built into
the interpreter (Debian's CPythons) or files in lib-dynload (a CPython built
from source); the ports come from build/ports. Both interpreter modes."""

# Prepended to each differential script (PORTS is set before it).
LOADING = r'''
import importlib.machinery, importlib.util, sys

def load(name, path):
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(module)
    return module

def cpython_module(name):
    """A fresh instance of CPython's own `name`, never the port: through the
    builtin importer where it is compiled into the interpreter (sys.path and
    a finder on sys.meta_path would not find it there), else from lib-dynload."""
    if name in sys.builtin_module_names:
        spec = importlib.machinery.BuiltinImporter.find_spec(name)
        assert spec and spec.origin == "built-in", spec
    else:
        spec = importlib.machinery.PathFinder.find_spec(name, [p for p in sys.path if p != PORTS])
        assert spec and spec.origin.startswith(sys.base_prefix) and "lib-dynload" in spec.origin, spec
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not getattr(module, "__file__", "").startswith(PORTS), module
    return module

def pair(name):
    """(CPython's module, the port)."""
    return cpython_module(name), load(name, f"{PORTS}/{name}.abi3.so")

def mismatches(cases, observe, cpy, isl):
    """'label: CPython ..., isles ...' for each case whose observed outcome
    (observe(thunk)) differs between CPython's module and the port."""
    out = []
    for label, call in cases.items():
        want, got = observe(lambda: call(cpy)), observe(lambda: call(isl))
        if want != got:
            out.append(f"{label}: CPython {want!r}, isles {got!r}")
    return out
'''

DIFFERENTIAL = r'''
cpy_bisect, isl_bisect = pair("_bisect")
cpy_heapq, isl_heapq = pair("_heapq")
assert isl_bisect.__file__.startswith(PORTS) and not getattr(cpy_bisect, "__file__", "").startswith(PORTS)

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
# The max-heap functions: public from 3.14 (and heappush_max, heappushpop_max
# new there), underscored before. A name the running CPython lacks is an
# AttributeError on both sides.
class Raises:
    def __lt__(self, other): raise ZeroDivisionError
class Shrinks:
    """Compares by value and empties `heap` on its first comparison."""
    def __init__(self, v, heap): self.v, self.heap = v, heap
    def __lt__(self, other):
        self.heap.clear()
        return self.v < getattr(other, "v", other)
def max_heap_run(h, prefix):
    get = lambda n: getattr(h, prefix + n)
    heap, out = [], []
    for x in [5, 1, 9, 3, 7, 7, 0]:
        get("heappush_max")(heap, x) if prefix == "" else heap.append(x)
    get("heapify_max")(heap)
    out.append(list(heap))
    out.append(get("heappop_max")(heap))
    out.append(get("heapreplace_max")(heap, 4))
    if prefix == "":
        out.append(get("heappushpop_max")(heap, 100))
        out.append(get("heappushpop_max")(heap, -1))
    while heap:
        out.append(get("heappop_max")(heap))
    return out
def plain(v):
    """A result both sides can compare: objects made per call by their type."""
    return v if v is None or isinstance(v, (int, float, str, list, tuple)) else type(v).__name__
def shrinking(h, name, *extra):
    heap = []
    heap.extend(Shrinks(i, heap) for i in range(20))
    return plain(getattr(h, name)(heap, *extra))
MAX_HEAP = {}
for n in ("heappush_max", "heappop_max", "heapreplace_max", "heappushpop_max", "heapify_max",
          "_heappush_max", "_heappop_max", "_heapreplace_max", "_heappushpop_max", "_heapify_max"):
    MAX_HEAP[f"{n} exists"] = lambda h, n=n: callable(getattr(h, n))
    MAX_HEAP[f"{n}.__text_signature__"] = lambda h, n=n: getattr(h, n).__text_signature__
    two = n.startswith(("heappush", "heapreplace", "heappushpop", "_heappush", "_heapreplace", "_heappushpop"))
    args = ([], 1) if two else ([],)
    MAX_HEAP[f"{n}(*{args})"] = lambda h, n=n, args=args: getattr(h, n)(*[list(a) if a == [] else a for a in args])
    MAX_HEAP[f"{n}(None, ...)"] = lambda h, n=n, two=two: getattr(h, n)(None, 1) if two else getattr(h, n)(None)
    MAX_HEAP[f"{n}((3, 1), ...)"] = lambda h, n=n, two=two: getattr(h, n)((3, 1), 1) if two else getattr(h, n)((3, 1))
    MAX_HEAP[f"{n}() no args"] = lambda h, n=n: getattr(h, n)()
    MAX_HEAP[f"{n}(3 args)"] = lambda h, n=n: getattr(h, n)([], 1, 2)
    MAX_HEAP[f"{n}([Raises(), Raises()], ...)"] = (
        lambda h, n=n, two=two: plain(getattr(h, n)([Raises(), Raises()], Raises()) if two
                                      else getattr(h, n)([Raises(), Raises()])))
    MAX_HEAP[f"{n} on a heap its comparisons empty"] = (
        lambda h, n=n, two=two: shrinking(h, n, Shrinks(50, [])) if two else shrinking(h, n))
MAX_HEAP["public max-heap run"] = lambda h: max_heap_run(h, "")
MAX_HEAP["underscored max-heap run"] = lambda h: max_heap_run(h, "_")
MAX_HEAP["heappushpop_max([10], 10.0)"] = lambda h: (lambda heap: (h.heappushpop_max(heap, 10.0), heap))([10])
MAX_HEAP["heappushpop_max([10], 9)"] = lambda h: (lambda heap: (h.heappushpop_max(heap, 9), heap))([10])
MAX_HEAP["heappushpop_max([], 'x')"] = lambda h: h.heappushpop_max([], "x")
MAX_HEAP["heappushpop_max([1, 2], [])"] = lambda h: h.heappushpop_max([1, 2], [])
MAX_HEAP["module names"] = lambda h: sorted(n for n in dir(h) if not n.startswith("__"))
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
    **MAX_HEAP,
}
differences = (mismatches(BISECT, outcome, cpy_bisect, isl_bisect) +
               mismatches(HEAPQ, outcome, cpy_heapq, isl_heapq))
assert not differences, "\n".join(differences)

# _json: what changed in 3.13.x-3.15 (indent as a str and the indent level,
# error notes, array_hook, frozendict, fixes in patch releases), compared by
# result, or exception type, message and notes.
cpy_json, isl_json = pair("_json")
import builtins, collections, json.decoder, json.encoder
def jout(call):
    try:
        return ("ok", call())
    except Exception as exc:
        return (type(exc).__name__, str(exc), getattr(exc, "__notes__", None))
class Opaque:
    pass
class Inner:
    pass
class Items(dict):
    def items(self): return [("z", Opaque())]
def make_encoder(m, indent=None, sort_keys=False, skipkeys=False, allow_nan=True, default=None,
                 encoder=None, markers=True):
    def refuse(o):
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
    return m.make_encoder({} if markers else None, default or refuse, encoder or m.encode_basestring_ascii,
                          indent, ": ", ", ", sort_keys, skipkeys, allow_nan)
def dumps(m, obj, level=0, **kw):
    return make_encoder(m, **kw)(obj, level)
DOC = ["spam", {"ham": [1, 2.5, None, True], "x": {}}, [], ()]
def circular_list():
    x = []
    x.append(x)
    return x
def circular_dict():
    x = {}
    x["self"] = x
    return x
class Context:
    """What make_scanner reads, array_hook only when `with_hook`."""
    def __init__(self, with_hook, hook=None):
        d = json.decoder.JSONDecoder()
        for a in ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant", "memo"):
            setattr(self, a, getattr(d, a, None))
        if with_hook:
            self.array_hook = hook
hook_calls = []
def record(v):
    hook_calls.append(list(v))
    return tuple(v)
def scan(m, text, with_hook=True, hook=None):
    hook_calls.clear()
    r = m.make_scanner(Context(with_hook, hook))(text, 0)
    return r, list(hook_calls)
JSON = {
    # c_make_encoder's indent: a str since 3.13 (ignored by 3.12's C encoder)
    "indent=None": lambda m: dumps(m, DOC),
    "indent='\\t'": lambda m: dumps(m, DOC, indent="\t"),
    "indent=''": lambda m: dumps(m, DOC, indent=""),
    "indent='\\u20ac '": lambda m: dumps(m, DOC, indent="\u20ac "),
    "indent=2 (int)": lambda m: dumps(m, DOC, indent=2),
    "indent=b' '": lambda m: dumps(m, DOC, indent=b" "),
    "indent='  ', empty containers": lambda m: dumps(m, [[], {}, ()], indent="  "),
    # _current_indent_level (3.14.3 fixed a crash for non-zero levels)
    "level=3": lambda m: dumps(m, DOC, 3, indent="\t"),
    "level=-3": lambda m: dumps(m, DOC, -3, indent="\t"),
    "level=1, no indent": lambda m: dumps(m, DOC, 1),
    "level=True": lambda m: dumps(m, DOC, True, indent=" "),
    # (argument errors: the exception type only, the wording is the parser's)
    "level=3.0": lambda m: jout(lambda: dumps(m, DOC, 3.0, indent=" "))[0],
    "level=2**70": lambda m: jout(lambda: dumps(m, DOC, 2**70, indent=" "))[0],
    "level missing": lambda m: jout(lambda: make_encoder(m, indent=" ")(DOC))[0],
    # skipkeys with indent (gh-131884 in 3.13.5 and 3.14.0b3)
    "skipkeys, every key skipped": lambda m: dumps(m, {b"k": 1}, indent="    ", skipkeys=True),
    "skipkeys, nested all skipped": lambda m: dumps(m, {"a": {b"y": 2}}, indent="  ", skipkeys=True),
    "skipkeys, first skipped": lambda m: dumps(m, {b"k": 1, "b": 2}, indent="  ", skipkeys=True),
    "skipkeys, sorted": lambda m: dumps(m, {"b": 1, b"k": 2, "a": 3}, indent="  ", skipkeys=True, sort_keys=True),
    "skipkeys, no indent": lambda m: dumps(m, {b"k": 1}, skipkeys=True),
    # error notes (3.14): which item, which key, what default() replaced
    "note: list item": lambda m: dumps(m, [1, [2, 3, Opaque()]]),
    "note: tuple item": lambda m: dumps(m, (1, (2, Opaque()))),
    "note: dict items": lambda m: dumps(m, {"a": {"b": Opaque()}}),
    "note: int, float, bool, None keys": lambda m: dumps(m, {1: {2.5: {True: {None: Opaque()}}}}),
    "note: sorted keys": lambda m: dumps(m, {"b": 1, "a": [Opaque()]}, sort_keys=True),
    "note: OrderedDict": lambda m: dumps(m, collections.OrderedDict(a=Opaque())),
    "note: dict subclass items()": lambda m: dumps(m, Items(x=1)),
    "note: nan": lambda m: dumps(m, [1, float("nan")], allow_nan=False),
    "no note: nan key": lambda m: dumps(m, {float("nan"): 1}, allow_nan=False),
    # (the message names the key's type by tp_name, which the stable tier does not expose)
    "no note: bad key": lambda m: jout(lambda: dumps(m, {"a": {Opaque(): 1}}))[0::2],
    "no note: top level": lambda m: dumps(m, Opaque()),
    "note: circular list": lambda m: dumps(m, circular_list()),
    "note: circular dict": lambda m: dumps(m, circular_dict()),
    "note: default() result fails": lambda m: dumps(m, [Opaque()], default=lambda o: [Inner()] if
                                                   isinstance(o, Opaque) else 1 / 0),
    "note: default() returns its argument": lambda m: dumps(m, [Opaque()], default=lambda o: o),
    "no note: default() raises": lambda m: dumps(m, [Opaque()], default=lambda o: 1 / 0),
    "note: encoder() raises": lambda m: dumps(m, ["v"], encoder=lambda s: 1 / 0),
    "no note: encoder() raises on a key": lambda m: dumps(m, {"k": 1}, encoder=lambda s: 1 / 0),
    # the scanner's array_hook (3.15): read from the context, called on every array
    "array_hook=tuple": lambda m: scan(m, "[1, [2, []], {\"a\": [3]}]", hook=tuple),
    "array_hook records": lambda m: scan(m, "[[], [1, {\"a\": [2]}]]", hook=record),
    "array_hook=None": lambda m: scan(m, "[1, [2]]"),
    "array_hook not callable": lambda m: scan(m, "[1]", hook=5),
    "array_hook raises": lambda m: scan(m, "[1]", hook=lambda v: 1 / 0),
    "context without array_hook": lambda m: scan(m, "[1]", with_hook=False),
    "scanner.array_hook": lambda m: getattr(m.make_scanner(Context(True, tuple)), "array_hook", "no attribute"),
    # scanstring: a \\uXXXX escape that ends the input (gh-152052 in 3.13.15, 3.14.7, 3.15.0b4)
    **{f"scanstring({t!r})": (lambda m, t=t: m.scanstring(t, 1, True))
       for t in ['"\\u0041', '"\\ud834', '"\\ud834\\udd1e', '"\\u004', '"\\u00', '"\\u', '"\\', '"\\u0041"',
                 '"\\ud834\\udd1e"', '"ab\\u00e9']},
    "scanner on '{\"a\": \"\\u0041'": lambda m: scan(m, '{"a": "\\u0041'),
    # argument types, as each CPython words them
    "encode_basestring_ascii(b'x')": lambda m: m.encode_basestring_ascii(b"x"),
    "encode_basestring(1)": lambda m: m.encode_basestring(1),
    "scanstring(b'x', 1)": lambda m: m.scanstring(b"x", 1),
    "make_encoder markers=[]": lambda m: m.make_encoder([], None, m.encode_basestring, None, ":", ",", 0, 0, 0),
}
if hasattr(builtins, "frozendict"):  # 3.15: the encoder takes frozendict as it takes dict
    FD = builtins.frozendict
    class FDItems(FD):
        def items(self): return [("z", 1)]
    JSON.update({
        "frozendict": lambda m: dumps(m, FD(b=1, a=[2])),
        "frozendict sorted, nested": lambda m: dumps(m, [FD(b=1, a=FD())], sort_keys=True, indent=" "),
        "frozendict subclass items()": lambda m: dumps(m, FDItems(a=1)),
        "note: frozendict item": lambda m: dumps(m, FD(a=Opaque())),
        "frozendict key skipped": lambda m: dumps(m, FD({b"k": 1}), skipkeys=True, indent=" "),
    })
differences = mismatches(JSON, jout, cpy_json, isl_json)
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
differences = mismatches(ARGUMENTS, message, cpy_bisect, isl_bisect)
assert not differences, "\n".join(differences)
'''


def test_ports_match_cpython(run):
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + LOADING + DIFFERENTIAL)


CSV_ARGUMENTS = r'''
import collections, io, re

# CPython's own _csv (built into Debian's interpreters, in lib-dynload
# elsewhere) and the port.
cpy, isl = pair("_csv")

def outcome(call):
    try:
        return ("ok", re.sub(r" at 0x[0-9a-f]+", "", repr(call())))
    except Exception as exc:  # each module has its own Error class: compare names
        return (type(exc).__name__, str(exc))

class Foo: pass
class IntSub(int): pass
class Idx:
    def __index__(self): return 1
class Boom:
    def __bool__(self): raise ZeroDivisionError("bool")
class Getattr:
    def __init__(self, exc): self.exc = exc
    def __getattr__(self, name): raise self.exc(name)
class BadHash:
    def __hash__(self): raise RuntimeError("hash")
def like(**attrs):  # a dialect given as any object with the attributes
    base = dict(delimiter=",", quotechar='"', escapechar=None, doublequote=True, skipinitialspace=False,
                lineterminator="\r\n", quoting=0, strict=False)
    return type("Like", (), {**base, **attrs})()
def attrs(d):
    return tuple(getattr(d, n) for n in ("delimiter", "quotechar", "escapechar", "doublequote", "skipinitialspace",
                                         "lineterminator", "quoting", "strict"))

CASES = {}
# 3.14 words the one-character checks with the value's type or length
for name in ("delimiter", "quotechar", "escapechar"):
    for label, v in (("''", ""), ("'ab'", "ab"), ("b','", b","), ("1", 1), ("None", None), ("1.5", 1.5),
                     ("[]", []), ("Foo()", Foo()), ("OrderedDict()", collections.OrderedDict()), ("';'", ";"),
                     ("'\\n'", "\n"), ("' '", " "), ("'\\u20ac'", "\u20ac")):
        CASES[f"Dialect({name}={label})"] = lambda m, n=name, v=v: attrs(m.Dialect(**{n: v}))
        CASES[f"reader(dialect with {name}={label})"] = lambda m, n=name, v=v: attrs(m.reader([], like(**{n: v})).dialect)
        CASES[f"writer({name}={label})"] = lambda m, n=name, v=v: attrs(m.writer(io.StringIO(), **{n: v}).dialect)
# 3.14: "lineterminator" names the type, None included
for label, v in (("1", 1), ("None", None), ("b'\\n'", b"\n"), ("Foo()", Foo()), ("''", ""), ("'\\n'", "\n")):
    CASES[f"Dialect(lineterminator={label})"] = lambda m, v=v: attrs(m.Dialect(lineterminator=v))
    CASES[f"writer(dialect with lineterminator={label})"] = lambda m, v=v: attrs(m.writer(io.StringIO(), like(lineterminator=v)).dialect)
# 3.14: "quoting" names the type
for label, v in (("'1'", "1"), ("1.0", 1.0), ("None", None), ("True", True), ("IntSub(1)", IntSub(1)),
                 ("Idx()", Idx()), ("10", 10), ("-1", -1), ("2**31", 2**31), ("2**70", 2**70), ("5", 5)):
    CASES[f"Dialect(quoting={label})"] = lambda m, v=v: attrs(m.Dialect(quoting=v))
for name in ("doublequote", "skipinitialspace", "strict"):
    CASES[f"Dialect({name}=Boom())"] = lambda m, n=name: m.Dialect(**{n: Boom()})
for label, kw in (("quotechar=None", dict(quotechar=None)), ("quotechar=None, quoting=1", dict(quotechar=None, quoting=1)),
                  ("delimiter=quotechar", dict(delimiter='"')), ("escapechar=quotechar", dict(escapechar='"')),
                  ("quotechar=' ', skipinitialspace", dict(quotechar=" ", skipinitialspace=True)),
                  ("delimiter in lineterminator", dict(lineterminator=",\n"))):
    CASES[f"Dialect({label})"] = lambda m, kw=kw: attrs(m.Dialect(**kw))
# 3.15 (gh-145966): errors other than AttributeError from the dialect's attributes get out
for label, exc in (("RuntimeError", RuntimeError), ("KeyError", KeyError), ("AttributeError", AttributeError)):
    CASES[f"reader([], {label} dialect)"] = lambda m, e=exc: attrs(m.reader([], Getattr(e)).dialect)
    CASES[f"writer(f, {label} dialect, delimiter=';')"] = lambda m, e=exc: attrs(m.writer(io.StringIO(), Getattr(e), delimiter=";").dialect)
    CASES[f"Dialect({label} dialect)"] = lambda m, e=exc: attrs(m.Dialect(dialect=Getattr(e)))
# 3.14: PyArg_UnpackTuple names the function
for fn, args in (("reader", ()), ("reader", ([], "excel", 3)), ("writer", ()), ("writer", (io.StringIO(), "excel", 3)),
                 ("register_dialect", ()), ("register_dialect", ("x", "excel", 3))):
    CASES[f"{fn}{args!r}"] = lambda m, fn=fn, args=args: getattr(m, fn)(*args)
CASES["reader(iterable=[])"] = lambda m: m.reader(iterable=[])
CASES["reader([], foo=1)"] = lambda m: m.reader([], foo=1)
CASES["Dialect(**{'x': 1})"] = lambda m: m.Dialect(x=1)
# messages naming a type as tp_name shows it
CASES["writerow(None)"] = lambda m: m.writer(io.StringIO()).writerow(None)
CASES["writerow(Foo())"] = lambda m: m.writer(io.StringIO()).writerow(Foo())
CASES["reader([b'a'])"] = lambda m: list(m.reader([b"a"]))
CASES["reader([OrderedDict()])"] = lambda m: list(m.reader([collections.OrderedDict()]))
# 3.13
CASES["unregister_dialect([])"] = lambda m: m.unregister_dialect([])
CASES["unregister_dialect(BadHash())"] = lambda m: m.unregister_dialect(BadHash())
CASES["unregister_dialect('nonesuch')"] = lambda m: m.unregister_dialect("nonesuch")
CASES["get_dialect(BadHash())"] = lambda m: m.get_dialect(BadHash())
CASES["field_size_limit(2**100)"] = lambda m: m.field_size_limit(2**100)
CASES["field_size_limit('x')"] = lambda m: m.field_size_limit("x")
CASES["__version__"] = lambda m: m.__version__
CASES["set lineterminator"] = lambda m: setattr(m.Dialect(), "lineterminator", "\n")
CASES["set delimiter"] = lambda m: setattr(m.Dialect(), "delimiter", ";")
CASES["set strict"] = lambda m: setattr(m.Dialect(), "strict", True)

differences = mismatches(CASES, outcome, cpy, isl)

# A reader whose iterator runs the reader itself (gh-145105): csv.Error,
# compared where CPython has the fix (3.12.1 and 3.13.0 crash).
def reentrant(m):
    class It:
        def __init__(self): self.n = 0
        def __iter__(self): return self
        def __next__(self):
            self.n += 1
            if self.n == 1:
                next(self.reader)
                return "a,b"
            if self.n == 2:
                return "x"
            raise StopIteration
    it = It()
    it.reader = m.reader(it)
    return next(it.reader), it.reader.line_num
got = outcome(lambda: reentrant(isl))
assert got == ("Error", "iterator has already advanced the reader"), got
if sys.version_info >= (3, 13, 18):
    want = outcome(lambda: reentrant(cpy))
    if want != got:
        differences.append(f"re-entrant reader: CPython {want!r}, isles {got!r}")
assert not differences, "\n".join(differences)
'''


def test_csv_arguments_match_cpython(run):
    """_csv's argument checks and messages, those that 3.13, 3.14 and 3.15
    changed above all: the port gives the running CPython's exception and
    message (or the same dialect), in both interpreter modes."""
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + LOADING + CSV_ARGUMENTS)


TEXT_DIFFERENTIAL = r'''
import io, random

def outcome(call):
    try:
        return ("ok", call())
    except Exception as exc:  # same type and message, StopIteration's value included
        return ("raised", type(exc).__name__, str(exc), getattr(exc, "value", None))

cjson, ijson = pair("_json")
ccsv, icsv = pair("_csv")
import json.decoder
rnd = random.Random(20261125)
text_diffs = []

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
            text_diffs.append((name, s, idx, a, b))

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
        text_diffs.append(("encoder", doc, opts, a, b))

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
        text_diffs.append(("reader", text, fmt, a, b))
    row = [rnd.choice(fields) for _ in range(rnd.randint(0, 4))]
    shape = rnd.choice([list, tuple, iter])
    def write(m):
        out = io.StringIO()
        m.writer(out, **fmt).writerow(shape(row))
        return out.getvalue()
    a, b = outcome(lambda: write(ccsv)), outcome(lambda: write(icsv))
    if a != b:
        text_diffs.append(("writer", row, fmt, a, b))
assert not text_diffs, text_diffs[:5]
'''


def test_json_and_csv_match_cpython(run):
    """Thousands of random json fragments and documents, csv texts and rows:
    the ports give the same result, or the same exception and message, as
    CPython's _json and _csv."""
    from conftest import PORTS
    run(f"PORTS = {str(PORTS)!r}\n" + LOADING + TEXT_DIFFERENTIAL)

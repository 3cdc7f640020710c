"""No CPython call with an exception already set, and no result returned
with one left set: CPython's debug build (3.15d here) asserts on both, far
from the cause. Each case runs in a fresh process, in the main interpreter
and in an own-GIL one, so that an assertion shows up as this test failing
(with CPython's message) rather than as the whole run aborting.

Found through CPython's own test_csv on 3.15d: _csv's writer.writerow(None)
looked up the type name of None while the TypeError of iter(None) was still
set (Objects/typeobject.c: _PyType_LookupStackRefAndVersion: Assertion
'!PyErr_Occurred()' failed). The same mistake, in the backend: IslErr_Format's
%T and %N looked up __qualname__ after a failed __module__, and the runner's
capture of a failed interpreter's exception looked up __qualname__ and
__module__ after a failed __name__."""
import os
import subprocess
import sys
import textwrap

from conftest import PORTS, PYTHONPATH, USE_PORTS

HERE = os.path.dirname(os.path.abspath(__file__))


def run_fresh(mode, code, paths=()):
    """Runs code in a new process, in its main interpreter or an own-GIL one;
    returns the str the code leaves in __isles_result__. Asserts that the
    process exited normally."""
    prelude = f"import sys\nsys.path[:0] = {[*map(str, paths), str(PORTS), HERE]!r}\n{USE_PORTS}\n"
    code = prelude + textwrap.dedent(code)
    if mode == "main":
        script = f"ns = {{'__name__': '__main__'}}\nexec({code!r}, ns)\nprint(ns.get('__isles_result__'), end='')\n"
    else:
        script = f"import isles\nprint(isles.backend().run_isolated({code!r}), end='')\n"
    env = dict(os.environ, PYTHONPATH=str(PYTHONPATH))
    proc = subprocess.run([sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, f"rc={proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_csv_errors_that_name_a_type(mode):
    """_csv's messages that name the type of a bad row or line, reached with
    the error that led there still set: writerow(None), a non-str line."""
    out = run_fresh(mode, f"""
        import csv, io, _csv
        assert getattr(_csv, "__file__", "").startswith({str(PORTS)!r}), _csv
        w = csv.writer(io.StringIO())
        got = []
        for bad in (None, 1, object()):
            try:
                w.writerow(bad)
            except csv.Error as e:
                got.append(str(e))
        for line in (b"a,b", 1):
            try:
                list(csv.reader([line]))
            except csv.Error as e:
                got.append(str(e))
        __isles_result__ = "|".join(got)
    """, paths=[PORTS])
    assert out == ("iterable expected, not NoneType|iterable expected, not int|iterable expected, not object|"
                   "iterator should return strings, not bytes (the file should be opened in text mode)|"
                   "iterator should return strings, not int (the file should be opened in text mode)"), out


def test_format_type_of_a_raising_metaclass(mode, make_module, ext_dir):
    """IslErr_Format's %T and %N when the metaclass refuses __module__ or
    __qualname__: the type's own name, and no lookup with an error set."""
    name = make_module(r"""
        static IslHandle fmt(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
            if (nargs != 2) return IslErr_SetString(ctx, ctx->h_TypeError, "fmt(obj, type)");
            return IslErr_Format(ctx, ctx->h_ValueError, "T=%T N=%N", args[0], args[1]);
        }
        ISL_DEF_METH_FASTCALL(fmt_def, "fmt", fmt, "");
    """, ["fmt_def"])
    out = run_fresh(mode, f"""
        import {name} as mod
        class Meta(type):
            refuse = ()
            def __getattribute__(cls, attr):
                if attr in type.__getattribute__(Meta, "refuse"):
                    raise RuntimeError("no " + attr)
                return super().__getattribute__(attr)
        class Odd(metaclass=Meta):
            __module__ = "elsewhere"
        got = []
        for refuse in (("__module__",), ("__qualname__",), ("__module__", "__qualname__"), ()):
            Meta.refuse = refuse
            try:
                mod.fmt(Odd(), Odd)
            except ValueError as e:
                got.append(str(e))
        Meta.refuse = ()
        __isles_result__ = "|".join(got)
    """, paths=[ext_dir])
    # the __qualname__ alone without a __module__, tp_name without a __qualname__
    assert out == "T=Odd N=Odd|T=Odd N=Odd|T=Odd N=Odd|T=elsewhere.Odd N=elsewhere.Odd", out


def test_exception_of_a_failed_interpreter_with_a_raising_metaclass(mode):
    """run_isolated reports an exception whose type refuses __name__ and
    __qualname__, and one whose traceback cannot be formatted, instead of
    looking up the rest with the first failure still set."""
    out = run_fresh(mode, r'''
        import isles
        code = """
        class Meta(type):
            def __getattribute__(cls, attr):
                if attr in ("__name__", "__qualname__"):
                    raise RuntimeError("no " + attr)
                return super().__getattribute__(attr)
        class Odd(Exception, metaclass=Meta):
            pass
        raise Odd("boom")
        """
        got = []
        for c in (code, "import traceback\ntraceback.format_exception = None\nraise ValueError('plain')\n"):
            try:
                isles.backend().run_isolated(c)
            except RuntimeError as e:
                got.append(str(e).splitlines()[-1])
        __isles_result__ = "|".join(got)
    ''')
    assert out == "<unprintable>: boom|ValueError: plain", out


SLOTS = r"""
static const IslModuleDef test_def;
static const IslTypeDef Bad_def;
typedef struct { int calls; } Bad;
/* Each slot returns a value with an exception set, or fails without one. */
static IslHandle Bad_iter(IslContext *ctx, IslHandle self) { return IslHandle_Dup(ctx, self); }
static IslHandle Bad_next(IslContext *ctx, IslHandle self) {
    Bad *b = (Bad *)IslInstance_Data(ctx, self, &Bad_def);
    if (!b || b->calls++) return ISL_NULL; /* then stops: no endless loop where nothing checks */
    IslErr_SetString(ctx, ctx->h_KeyError, "left set");
    return IslLong_FromInt64(ctx, 1);
}
static IslHandle Bad_repr(IslContext *ctx, IslHandle self) { return ISL_NULL; }
static IslSsize Bad_len(IslContext *ctx, IslHandle self) {
    IslErr_SetString(ctx, ctx->h_KeyError, "left set");
    return 3;
}
static int Bad_bool(IslContext *ctx, IslHandle self) { return -1; }
static IslHandle Bad_get(IslContext *ctx, IslHandle self) {
    IslErr_SetString(ctx, ctx->h_KeyError, "left set");
    return IslHandle_Dup(ctx, ctx->h_None);
}
static const IslGetSet Bad_getsets[] = {{"attr", Bad_get, NULL, NULL}, {NULL, NULL, NULL, NULL}};
static const IslSlot Bad_slots[] = {
    {ISL_SLOT_ITER, ISL_FN(Bad_iter)}, {ISL_SLOT_ITERNEXT, ISL_FN(Bad_next)}, {ISL_SLOT_REPR, ISL_FN(Bad_repr)},
    {ISL_SLOT_LEN, ISL_FN(Bad_len)}, {ISL_SLOT_BOOL, ISL_FN(Bad_bool)}, {ISL_SLOT_END, NULL}};
static const IslTypeDef Bad_def = {.name = "pending.Bad", .basicsize = sizeof(Bad), .slots = Bad_slots,
                                   .getsets = Bad_getsets};
static int exec_(IslContext *ctx, IslHandle module) {
    IslHandle t = IslType_FromDef(ctx, module, &Bad_def, ISL_NULL);
    if (IslHandle_IsNull(t)) return -1;
    int r = IslModule_AddObject(ctx, module, "Bad", t);
    IslHandle_Close(ctx, t);
    return r;
}
"""


def test_slot_results_with_an_error_set(mode, make_module, ext_dir):
    """An author's slot that returns a value with an exception still set, or
    fails without setting one, becomes a SystemError at the boundary (as
    CPython's own calls check them) instead of CPython running on with an
    exception pending."""
    name = make_module(SLOTS, [], exec_fn="exec_")
    out = run_fresh(mode, f"""
        import {name} as mod
        got = []
        for what, call in (("next", lambda: next(mod.Bad())), ("for", lambda: [x for x in mod.Bad()]),
                           ("repr", lambda: repr(mod.Bad())), ("len", lambda: len(mod.Bad())),
                           ("bool", lambda: bool(mod.Bad())), ("getset", lambda: mod.Bad().attr)):
            try:
                call()
                got.append(what + ": no error")
            except SystemError as e:
                got.append(what + ": " + type(e.__cause__ or e.__context__).__name__)
        __isles_result__ = "|".join(got)
    """, paths=[ext_dir])
    assert out == "next: KeyError|for: KeyError|repr: NoneType|len: KeyError|bool: NoneType|getset: KeyError", out

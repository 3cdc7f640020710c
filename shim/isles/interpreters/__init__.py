"""Isolated interpreters that share nothing and talk by message passing.

The API of Python 3.14's ``concurrent.interpreters`` (PEP 734), plus the
channels of PEP 554, on CPython 3.12 and 3.13. Interpreters own their GIL
by default, so they run Python code on separate cores. Queues and channels
live in C++ outside every interpreter: a waiting ``get``/``recv`` releases
the GIL and sleeps on a condition variable, and values cross as data
(buffers by reference). See docs/interpreters.md.
"""
# Only what is cheap at import: every interpreter that uses isles imports
# this module, and pickle, threading and weakref would cost it ~1.3 MiB and
# ~7 ms (they are imported where they are needed).
import _thread
import _weakref
import atexit as _atexit
import marshal as _marshal
import sys as _sys

import isles as _isles

try:  # 3.13+: CPython's own module, for the interpreters it made
    import _interpreters as _stdlib
except ImportError:
    _stdlib = None

_rt = _isles.backend()

__all__ = [
    "create", "list_all", "get_current", "get_main", "is_shareable", "create_queue", "create_channel",
    "list_all_channels", "Interpreter", "Queue", "SendChannel", "RecvChannel", "InterpreterPoolExecutor",
    "InterpreterError", "InterpreterNotFoundError", "ExecutionFailed", "NotShareableError",
    "QueueError", "QueueNotFoundError", "QueueEmpty", "QueueFull",
    "ChannelError", "ChannelNotFoundError", "ChannelClosedError", "ChannelEmptyError", "ChannelNotEmptyError",
]

InterpreterError = _rt.InterpreterError
InterpreterNotFoundError = _rt.InterpreterNotFoundError
NotShareableError = _rt.NotShareableError
QueueError, QueueNotFoundError = _rt.QueueError, _rt.QueueNotFoundError
ChannelError, ChannelNotFoundError, ChannelClosedError = _rt.ChannelError, _rt.ChannelNotFoundError, _rt.ChannelClosedError
ChannelEmptyError, ChannelNotEmptyError = _rt.ChannelEmptyError, _rt.ChannelNotEmptyError
Queue, SendChannel, RecvChannel = _rt.Queue, _rt.SendChannel, _rt.RecvChannel
create_queue = _rt.create_queue
create_channel = _rt.create_channel
list_all_channels = _rt.list_all_channels
is_shareable = _rt.is_shareable

WHENCE_RUNTIME = "runtime init"
WHENCE_ISLES = "isles"
WHENCE_UNKNOWN = "unknown"
WHENCE_STDLIB = "_interpreters module"
# CPython's names for who made an interpreter isles did not make.
_STDLIB_WHENCE = {getattr(_stdlib, f"WHENCE_{k}", None): v for k, v in [
    ("UNKNOWN", WHENCE_UNKNOWN), ("RUNTIME", WHENCE_RUNTIME), ("LEGACY_CAPI", "legacy C-API"),
    ("CAPI", "C-API"), ("XI", "cross-interpreter C-API"), ("STDLIB", WHENCE_STDLIB)]}


def _whence_of(id, whence):
    if whence == WHENCE_UNKNOWN and _stdlib is not None:
        try:
            return _STDLIB_WHENCE.get(_stdlib.whence(id), WHENCE_UNKNOWN)
        except Exception:  # gone meanwhile
            pass
    return whence


_SimpleNamespace = type(_sys.implementation)
_FunctionType = type(lambda: None)


class _WeakValues:
    """id -> object while the object lives (weakref.WeakValueDictionary's job,
    without importing weakref)."""

    def __init__(self):
        self._refs = {}

    def get(self, key):
        ref = self._refs.get(key)
        return ref() if ref is not None else None

    def __setitem__(self, key, obj):
        refs = self._refs

        def forget(ref, key=key):
            if refs.get(key) is ref:
                del refs[key]
        refs[key] = _weakref.ref(obj, forget)


class ExcInfo(_SimpleNamespace):
    """What is known of an exception raised in another interpreter:
    ``type`` (with ``__name__``, ``__qualname__``, ``__module__``), ``msg``,
    ``formatted`` (the traceback text) and ``errdisplay``."""

    def __str__(self):
        return f"{self.type.__name__}: {self.msg}" if self.msg else self.type.__name__


class ExecutionFailed(InterpreterError):
    """An uncaught exception in another interpreter; ``excinfo`` describes it."""

    def __init__(self, excinfo):
        if isinstance(excinfo, tuple):
            name, qualname, module, msg, formatted = excinfo
            exctype = _SimpleNamespace(__name__=name, __qualname__=qualname, __module__=module)
            excinfo = ExcInfo(type=exctype, msg=msg, formatted=formatted, errdisplay=formatted)
        super().__init__(str(excinfo))
        self.excinfo = excinfo

    def __str__(self):
        return f"{super().__str__()}\n\nUncaught in the interpreter:\n\n{self.excinfo.formatted}".rstrip()

    @property
    def _crossing_msg(self):
        # What the backend records as this failure's message when it crosses
        # again: the root's, so a chain of nested calls does not repeat every
        # inner traceback in each message (that doubles per hop).
        inner = self.excinfo
        if inner.type.__name__ == "ExecutionFailed" and inner.type.__module__ == __name__:
            return inner.msg
        return str(inner)


class Interpreter:
    """One interpreter. Those made by create() are closed by close(), when
    their last Interpreter object dies, or at exit."""

    _known = _WeakValues()
    _lock = _thread.allocate_lock()

    def __new__(cls, id, /, _whence=None, _owned=False):
        if not isinstance(id, int) or isinstance(id, bool):
            raise TypeError(f"interpreter id must be an int, not {type(id).__name__}")
        if _whence is None:  # made by a user, not by create() or list_all(): the id must name one
            if id < 0:
                raise ValueError(f"interpreter ID must be a non-negative int, got {id}")
            if id >= 1 << 63:
                raise OverflowError("interpreter ID too big to convert")
            _whence = dict(_rt.interp_list()).get(id)
            if _whence is None:
                raise InterpreterNotFoundError(f"unrecognized interpreter ID {id}")
        _whence = _whence_of(id, _whence)
        with cls._lock:
            self = cls._known.get(id)
            if self is None:
                self = super().__new__(cls)
                self._id, self._whence, self._owned = id, _whence, _owned
                cls._known[id] = self
            elif _owned:
                self._owned = True
        return self

    def __repr__(self):
        return f"{type(self).__name__}({self._id})"

    def __hash__(self):
        return hash(self._id)

    def __eq__(self, other):
        return isinstance(other, Interpreter) and other._id == self._id

    def __reduce__(self):
        return (type(self), (self._id,))

    def __del__(self):
        if getattr(self, "_owned", False):
            try:
                _rt.interp_close(self._id)
            except Exception:  # running, already closed, or the runtime is shutting down
                pass

    @property
    def id(self):
        return self._id

    @property
    def whence(self):
        return self._whence

    def is_running(self):
        """True while code runs in this interpreter through isles (always for the main one)."""
        return _rt.interp_is_running(self._id)

    def close(self):
        """Finalize and destroy the interpreter. InterpreterError if it is running, is the current one,
        or lent buffers that other interpreters still use. One made by CPython's own module
        (whence '_interpreters module') is closed by that module."""
        if self._whence == WHENCE_STDLIB and _stdlib is not None:
            _stdlib.destroy(self._id)
        else:
            _rt.interp_close(self._id)
        self._owned = False

    def prepare_main(self, ns=None, /, **kwargs):
        """Bind shareable objects in the interpreter's __main__ (NotShareableError otherwise):
        `ns` is a mapping or an iterable of pairs, as dict() takes, and kwargs are added; binding
        nothing is a ValueError, as in Python 3.14."""
        ns = dict(ns, **kwargs) if ns is not None else kwargs
        if not ns:
            raise ValueError("prepare_main() needs a non-empty dict or keyword arguments")
        _rt.interp_set_main(self._id, ns)
        return self

    def exec(self, code, /):
        """Run `code` (source text, or a function taking no arguments and using no closure) in the
        interpreter's __main__. ExecutionFailed carries an uncaught exception's type, message and
        formatted traceback."""
        if isinstance(code, _FunctionType):
            if code.__code__.co_argcount or code.__code__.co_kwonlyargcount or code.__closure__:
                raise ValueError("exec() takes functions without parameters or closures")
            code = _marshal.dumps(code.__code__)
        elif not isinstance(code, str):
            raise TypeError(f"exec() code must be a str or a function, not {type(code).__name__}")
        excinfo = _rt.interp_exec(self._id, code)
        if excinfo is not None:
            raise ExecutionFailed(excinfo)

    def call(self, callable, /, *args, **kwargs):
        """Call callable(*args, **kwargs) in the interpreter and return its result. Arguments and
        the result cross as data when shareable and pickled otherwise; a function defined in
        __main__ crosses as its code."""
        ok, result = _rt.interp_call(self._id, _pack_callable(callable), args, kwargs)
        if not ok:
            raise ExecutionFailed(result)
        return result

    def call_in_thread(self, callable, /, *args, **kwargs):
        """call() in a new thread, which is started and returned."""
        import threading

        t = threading.Thread(target=self.call, args=(callable, *args), kwargs=kwargs)
        t.start()
        return t


def _pack_callable(fn):
    from isles import _calls

    if isinstance(fn, _FunctionType) and fn.__module__ == "__main__":
        if fn.__closure__:
            raise ValueError(f"call(): {fn.__qualname__} is defined in __main__ and uses a closure, "
                             f"so it cannot be sent to another interpreter")
        packed = (1, _marshal.dumps(fn.__code__), fn.__name__, fn.__defaults__, fn.__kwdefaults__)
    else:
        packed = (0, fn)
    try:
        return _calls.dumps(packed)
    except Exception as exc:  # the callable itself, or a default of a __main__ function
        raise NotShareableError(f"call(): {fn!r} cannot be sent to another interpreter: {exc}") from exc


def create(*, own_gil=True):
    """A new interpreter: its own GIL and object allocator, strict extension checks, no fork
    or exec. own_gil=False makes a legacy one sharing the main GIL."""
    return Interpreter(_rt.interp_create(own_gil=own_gil), _whence=WHENCE_ISLES, _owned=True)


def list_all():
    """Every interpreter of the process."""
    found = [Interpreter(id, _whence=whence) for id, whence in _rt.interp_list()]
    # Making the objects may have run the collector, which closes an
    # interpreter whose last Interpreter object was in a cycle.
    alive = {id for id, _ in _rt.interp_list()}
    return [i for i in found if i.id in alive]


def get_current():
    id, whence = _rt.interp_current()
    return Interpreter(id, _whence=whence)


def get_main():
    return Interpreter(_rt.interp_main(), _whence=WHENCE_RUNTIME)


@_atexit.register
def _close_remaining():
    """Close what isles created before CPython finalizes (it cannot finalize them itself)."""
    if _rt.interp_current()[0] != _rt.interp_main():
        return
    for id, whence in _rt.interp_list():
        if whence != WHENCE_ISLES:
            continue
        try:
            refused = _rt.interp_close_at_exit(id)
        except InterpreterNotFoundError:  # closed meanwhile
            continue
        if refused:
            import warnings

            warnings.warn(f"interpreter {id} could not be closed at exit ({refused}); "
                          "it is left open until the process ends", RuntimeWarning, stacklevel=1)


def __getattr__(name):
    # Made on first use: QueueEmpty/QueueFull derive from queue.Empty/Full,
    # and `queue` imports heapq (which must stay importable from build/ports
    # first); concurrent.futures costs every interpreter about 7 ms and 0.8 MiB.
    if name in ("QueueEmpty", "QueueFull"):
        from . import _queues

        globals().update(QueueEmpty=_queues.QueueEmpty, QueueFull=_queues.QueueFull)
        return globals()[name]
    if name != "InterpreterPoolExecutor":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import concurrent.futures as _futures

    class InterpreterPoolExecutor(_futures.ThreadPoolExecutor):
        """A concurrent.futures executor whose workers each own an isolated interpreter, created
        when the worker starts and kept warm between tasks. Tasks run through Interpreter.call, so
        their functions, arguments and results follow its rules."""

        def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
            self._interps = []
            self._interps_lock = _thread.allocate_lock()
            self._local = _thread._local()
            self._user_init = (initializer, initargs)
            super().__init__(max_workers, thread_name_prefix or "isles-interp", self._start_worker)

        def _start_worker(self):
            interp = create()
            with self._interps_lock:
                self._interps.append(interp)
            self._local.interp = interp
            fn, args = self._user_init
            if fn is not None:
                interp.call(fn, *args)

        def _run(self, fn, args, kwargs):
            return self._local.interp.call(fn, *args, **kwargs)

        def submit(self, fn, /, *args, **kwargs):
            return super().submit(self._run, fn, args, kwargs)

        def shutdown(self, wait=True, *, cancel_futures=False):
            super().shutdown(wait=True, cancel_futures=cancel_futures)  # workers must be idle to close
            with self._interps_lock:
                interps, self._interps = self._interps, []
            for interp in interps:
                interp.close()

    globals()["InterpreterPoolExecutor"] = InterpreterPoolExecutor
    return InterpreterPoolExecutor

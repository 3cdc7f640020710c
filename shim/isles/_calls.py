"""The receiving half of Interpreter.call(), and the pickling of values
that are not shareable: kept apart from isles.interpreters so that an
interpreter running calls imports only what they need (no threading,
weakref or concurrent.futures)."""
import io
import marshal
import pickle
import sys
import types


def run_call(payload, args, kwargs):
    """Runs in the target interpreter (see interp_call in the backend)."""
    kind, *rest = pickle.loads(payload)
    if kind == 0:
        fn, = rest
    else:  # a function of the caller's __main__, sent as its code
        fn = _rebuild_function(*rest)
    if fn in _NAMESPACE_BUILTINS and not kwargs:
        # Called directly, these read the caller's namespace: the target's
        # __main__, not this frame (Python 3.14's rule, on every version).
        ns = sys.modules["__main__"].__dict__
        if fn in (eval, exec) and len(args) == 1:
            return fn(args[0], ns)
        if not args:
            return sorted(ns) if fn is dir else ns
    return fn(*args, **kwargs)


_NAMESPACE_BUILTINS = (dir, eval, exec, globals, locals, vars)


def _rebuild_function(code, name, defaults, kwdefaults):
    fn = types.FunctionType(marshal.loads(code), sys.modules["__main__"].__dict__, name, defaults)
    fn.__kwdefaults__ = kwdefaults
    return fn


def _named(fn):
    """True if pickle can find fn by its module and qualified name."""
    obj = sys.modules.get(fn.__module__)
    for part in fn.__qualname__.split("."):
        obj = getattr(obj, part, None)
    return obj is fn


# Globals every module has, builtins too: reading them reads the module's.
_MODULE_DUNDERS = {"__name__", "__doc__", "__package__", "__loader__", "__spec__"}


def _stateless(code):
    """True if code (and the code nested in it) reads no global but builtins."""
    import builtins
    import dis

    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME", "STORE_NAME"):
            name = ins.argval
            if ins.opname != "LOAD_GLOBAL" or name not in vars(builtins) or name in _MODULE_DUNDERS:
                return False
    return all(_stateless(c) for c in code.co_consts if isinstance(c, types.CodeType))


class _Pickler(pickle.Pickler):
    # A function pickle cannot name (a local one, a lambda) that uses no
    # closure and no globals crosses as its code, to run against the
    # receiver's __main__: Python 3.14's "stateless" functions.
    def reducer_override(self, obj):
        if (type(obj) is types.FunctionType and not obj.__closure__ and not _named(obj)
                and _stateless(obj.__code__)):
            return _rebuild_function, (marshal.dumps(obj.__code__), obj.__name__, obj.__defaults__,
                                       obj.__kwdefaults__)
        return NotImplemented


def dumps(obj, protocol=5):
    try:
        return pickle.dumps(obj, protocol)
    except Exception:
        buf = io.BytesIO()
        _Pickler(buf, protocol).dump(obj)  # raises as pickle would if this does not help
        return buf.getvalue()


loads = pickle.loads
PicklingError = pickle.PicklingError

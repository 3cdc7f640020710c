"""The receiving half of Interpreter.call(): kept apart from
isles.interpreters so that an interpreter running calls imports only what
they need (no threading, weakref or concurrent.futures)."""
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
        code, name, defaults, kwdefaults = rest
        fn = types.FunctionType(marshal.loads(code), sys.modules["__main__"].__dict__, name, defaults)
        fn.__kwdefaults__ = kwdefaults
    return fn(*args, **kwargs)

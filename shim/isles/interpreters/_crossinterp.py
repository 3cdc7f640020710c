"""What a queue or channel gives for an item whose interpreter was closed
before the item was taken: Python 3.14's unbound-item markers.

An item is *bound* to the interpreter that put it. When that interpreter is
closed, each of its items still waiting follows the rule it was put with:
``UNBOUND`` (the default) leaves a marker in its place, ``UNBOUND_ERROR``
makes taking it raise ``ItemInterpreterDestroyed``, ``UNBOUND_REMOVE`` drops
it. The flag numbers are the ones CPython's own modules use.
"""

__all__ = ["ItemInterpreterDestroyed", "UnboundItem", "UNBOUND", "UNBOUND_ERROR", "UNBOUND_REMOVE"]


class ItemInterpreterDestroyed(Exception):
    """The item's interpreter was closed, and it was put with UNBOUND_ERROR."""


class UnboundItem:
    """The marker left where an item of a closed interpreter was. Each
    container kind has its own singleton (``isles.interpreters._queues.UNBOUND``)."""

    __slots__ = ()
    _where = __name__ + ".UNBOUND"

    def __new__(cls):
        raise TypeError(f"{cls.__name__} cannot be instantiated; use {cls._where}")

    def __repr__(self):
        return self._where

    def __reduce__(self):
        return self._where.rsplit(".", 1)[-1]

    @classmethod
    def _singleton(cls, kind, module):
        sub = type(f"Unbound{kind.capitalize()}Item", (cls,),
                   {"__slots__": (), "_where": f"{module}.UNBOUND", "__module__": module,
                    "__doc__": f"Left in a {kind} where an item of a closed interpreter was."})
        return object.__new__(sub)


class _Op:
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"{__name__}.{self._name}"

    def __reduce__(self):
        return self._name


UNBOUND = object.__new__(UnboundItem)
UNBOUND_ERROR = _Op("UNBOUND_ERROR")
UNBOUND_REMOVE = _Op("UNBOUND_REMOVE")

# The flags CPython's _interpqueues and _interpchannels use for the same rules
# (the backend takes the markers in this order; CPython's suites read this).
_UNBOUND_CONSTANT_TO_FLAG = {UNBOUND_REMOVE: 1, UNBOUND_ERROR: 2, UNBOUND: 3}

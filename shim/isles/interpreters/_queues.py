"""Queues between interpreters: the API of Python 3.14's
``concurrent.interpreters._queues`` over isles's C++ queues.

Every name here is also in ``isles.interpreters`` (``create`` as
``create_queue``). Items are bound to the interpreter that put them; see
``_crossinterp`` for what becomes of them when it is closed.
"""
import isles as _isles

from . import _crossinterp
from ._crossinterp import UNBOUND_ERROR, UNBOUND_REMOVE

__all__ = ["UNBOUND", "UNBOUND_ERROR", "UNBOUND_REMOVE", "create", "list_all", "Queue",
           "QueueError", "QueueNotFoundError", "QueueEmpty", "QueueFull", "ItemInterpreterDestroyed"]

_rt = _isles.backend()
Queue = _rt.Queue
QueueError, QueueNotFoundError = _rt.QueueError, _rt.QueueNotFoundError
QueueEmpty, QueueFull = _rt._queue_exceptions()


class ItemInterpreterDestroyed(QueueError, _crossinterp.ItemInterpreterDestroyed):
    """get(): the item's interpreter was closed, and it was put with UNBOUND_ERROR."""


UNBOUND = _crossinterp.UnboundItem._singleton("queue", __name__)
_rt._set_unbound_markers("queue", (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND, ItemInterpreterDestroyed))

create = _rt.create_queue


def list_all():
    """Every live queue of the process, oldest first."""
    out = []
    for qid in _rt._queue_ids():
        try:
            out.append(Queue(qid))
        except QueueNotFoundError:  # gone meanwhile
            pass
    return out

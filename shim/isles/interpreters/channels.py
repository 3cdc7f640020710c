"""PEP 554's channels, as a module of their own: the names of CPython's
``test.support.channels`` (3.14) and the 3.13 draft's
``test.support.interpreters.channels``, over isles's C++ channels. The same
objects are in ``isles.interpreters``. Values are bound to the interpreter
that sent them, as queue items are (see ``_crossinterp``).
"""
import isles as _isles

from . import _crossinterp
from ._crossinterp import UNBOUND_ERROR, UNBOUND_REMOVE

__all__ = ["UNBOUND", "UNBOUND_ERROR", "UNBOUND_REMOVE", "create", "list_all", "SendChannel", "RecvChannel",
           "ChannelError", "ChannelNotFoundError", "ChannelClosedError", "ChannelEmptyError",
           "ChannelNotEmptyError", "ItemInterpreterDestroyed"]

_rt = _isles.backend()
SendChannel, RecvChannel = _rt.SendChannel, _rt.RecvChannel
ChannelError, ChannelNotFoundError, ChannelClosedError = _rt.ChannelError, _rt.ChannelNotFoundError, _rt.ChannelClosedError
ChannelEmptyError, ChannelNotEmptyError = _rt.ChannelEmptyError, _rt.ChannelNotEmptyError


class ItemInterpreterDestroyed(ChannelError, _crossinterp.ItemInterpreterDestroyed):
    """recv(): the value's interpreter was closed, and it was sent with UNBOUND_ERROR."""


UNBOUND = _crossinterp.UnboundItem._singleton("channel", __name__)
_rt._set_unbound_markers("channel", (UNBOUND_REMOVE, UNBOUND_ERROR, UNBOUND, ItemInterpreterDestroyed))

create = _rt.create_channel
list_all = _rt.list_all_channels

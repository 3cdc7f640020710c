"""PEP 554's channels, as a module of their own: the names of CPython's
``test.support.channels`` (3.14) and the 3.13 draft's
``test.support.interpreters.channels``, over isles's C++ channels. The same
objects are in ``isles.interpreters``.
"""
import isles as _isles

__all__ = ["create", "list_all", "SendChannel", "RecvChannel", "ChannelError", "ChannelNotFoundError",
           "ChannelClosedError", "ChannelEmptyError", "ChannelNotEmptyError"]

_rt = _isles.backend()
SendChannel, RecvChannel = _rt.SendChannel, _rt.RecvChannel
ChannelError, ChannelNotFoundError, ChannelClosedError = _rt.ChannelError, _rt.ChannelNotFoundError, _rt.ChannelClosedError
ChannelEmptyError, ChannelNotEmptyError = _rt.ChannelEmptyError, _rt.ChannelNotEmptyError
create = _rt.create_channel
list_all = _rt.list_all_channels

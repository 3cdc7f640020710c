"""isles: a tiered, handle-based C-API for CPython extensions, and its runtime.

The runtime for the running CPython is the module ``isles._backend_cpXY``;
universal extensions import it themselves, so importing this package is
never required to use one.
"""
import sys as _sys

__version__ = "0.1.0"

BACKEND = f"isles._backend_cp{_sys.version_info[0]}{_sys.version_info[1]}"


def backend():
    """The isles runtime module of the running CPython."""
    import importlib

    return importlib.import_module(BACKEND)

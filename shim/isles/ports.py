"""Make a directory of isles extensions take the place of modules of the same
name, including modules CPython compiles into its binary.

Putting a directory first on ``sys.path`` is enough where CPython's
accelerators (``_heapq``, ``_bisect``, ``_json``, ``_csv``) are files in
``lib-dynload``, as in a CPython built from source. Debian and Ubuntu compile
them into the interpreter, and a built-in module is found by
``sys.meta_path``'s ``BuiltinImporter`` before ``sys.path`` is searched, so
there ``install()`` is needed::

    import isles.ports
    isles.ports.install("build/ports")   # this interpreter only
    import heapq                          # heapq now uses build/ports/_heapq.abi3.so

A finder is per interpreter, as ``sys.meta_path`` is: call ``install`` in each
interpreter that should use the directory.
"""
import importlib.machinery
import os
import sys

__all__ = ["install", "uninstall", "PortFinder"]


class PortFinder:
    """A ``sys.meta_path`` finder that looks for top-level modules in one
    directory first, as that directory first on ``sys.path`` would, but
    ahead of the built-in modules."""

    def __init__(self, directory):
        self.directory = os.path.abspath(os.fspath(directory))
        if not os.path.isdir(self.directory):
            raise FileNotFoundError(f"isles.ports: no such directory: {self.directory!r}")

    def find_spec(self, name, path=None, target=None):
        if path is not None or "." in name:
            return None  # only top-level modules, as the accelerators are
        return importlib.machinery.PathFinder.find_spec(name, [self.directory], target)

    def invalidate_caches(self):
        pass  # PathFinder's own caches are invalidated with the others

    def __repr__(self):
        return f"<isles.ports.PortFinder {self.directory!r}>"


def install(directory):
    """Puts a finder for `directory` first on this interpreter's
    ``sys.meta_path`` (once per directory) and returns it. Modules already
    imported stay as they are: import the ports before the modules that use
    them, or drop those from ``sys.modules``."""
    finder = PortFinder(directory)
    for f in sys.meta_path:
        if isinstance(f, PortFinder) and f.directory == finder.directory:
            return f
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(directory=None):
    """Removes the finder for `directory` (every isles finder if None)."""
    target = None if directory is None else os.path.abspath(os.fspath(directory))
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not (isinstance(f, PortFinder) and (target is None or f.directory == target))]

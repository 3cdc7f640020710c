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
import importlib.util
import os
import sys

__all__ = ["install", "uninstall", "PortFinder"]


class PortFinder:
    """A ``sys.meta_path`` finder for the top-level extension modules in one
    directory (``<name>.abi3.so`` or ``<name><EXT_SUFFIX>``)."""

    def __init__(self, directory):
        self.directory = os.path.abspath(os.fspath(directory))
        if not os.path.isdir(self.directory):
            raise FileNotFoundError(f"isles.ports: no such directory: {self.directory!r}")

    def _file_for(self, name):
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(self.directory, name + suffix)
            if os.path.isfile(path):
                return path
        return None

    def find_spec(self, name, path=None, target=None):
        if path is not None or "." in name:
            return None  # only top-level modules, as the accelerators are
        file = self._file_for(name)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(name, file)
        return importlib.util.spec_from_file_location(name, file, loader=loader)

    def invalidate_caches(self):
        pass

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

"""An application embedding CPython and the isles runtime."""
import os
import pathlib
import subprocess
import sys
import sysconfig

from conftest import PORTS, PYTHONPATH

HOST = r"""
#include <Python.h>
#include <cstdio>
#include <cstdlib>
// Finalizes Python from a global object's destructor, i.e. after the static
// destructors of libraries loaded later (the isles backend) have run.
struct Host {
    ~Host() {
        if (!Py_IsInitialized()) return;
        int r = PyRun_SimpleString(
            "import _bisect; print('late:', _bisect.bisect_right([1, 2, 3], 2), flush=True)\n"
            "import _heapq; h = [3, 1]; _heapq.heapify(h); print('late:', h, flush=True)\n");
        if (Py_FinalizeEx() < 0 || r < 0) std::_Exit(3);
        std::puts("finalized");
    }
} host;
int main(int argc, char **argv) {
    Py_Initialize();
    PyObject *path = PySys_GetObject("path");
    for (int i = argc - 1; i >= 1; --i) PyList_Insert(path, 0, PyUnicode_FromString(argv[i]));
    // build/ports replaces the accelerators even where they are built in (isles/ports.py).
    return PyRun_SimpleString("import sys, isles.ports; isles.ports.install(sys.path[0])\n"
                              "import _heapq; assert _heapq.__file__.endswith('.abi3.so'), _heapq.__file__\n"
                              "h = [2, 1]; _heapq.heapify(h); print('early:', h, flush=True)\n") ? 1 : 0;
}
"""


def test_finalizing_after_static_destructors(tmp_path):
    """The loader's definitions must outlive the backend's static destructors."""
    cxx = os.environ.get("CXX") or "c++"
    libdir, ldversion = sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("LDVERSION")
    src, exe = tmp_path / "host.cpp", tmp_path / "host"
    src.write_text(HOST)
    # A CPython unpacked from a newer Debian needs its own loader (the script says how).
    like_python = subprocess.run([sys.executable, str(pathlib.Path(__file__).parents[1] / "embed_link_args.py")],
                                 capture_output=True, text=True, check=True).stdout.split()
    subprocess.run([cxx, "-std=c++17", str(src), f"-I{sysconfig.get_paths()['include']}", f"-L{libdir}",
                    f"-lpython{ldversion}", f"-Wl,-rpath,{libdir}", *like_python, "-o", str(exe)], check=True)
    # Freed memory is scribbled over, so a use after free shows.
    env = dict(os.environ, MALLOC_PERTURB_="85", PYTHONHOME=sys.base_prefix)
    proc = subprocess.run([str(exe), str(PORTS), str(PYTHONPATH)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout.split("\n") == ["early: [1, 2]", "late: 2", "late: [1, 3]", "finalized", ""]

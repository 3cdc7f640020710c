// The call-overhead probes on pybind11 3 (a peer in bench/callcost.py),
// declaring per-interpreter GIL support like the isles modules.
#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(calls_pybind11, m, py::multiple_interpreters::per_interpreter_gil()) {
    m.def("noargs", []() {});
    m.def("onearg", [](py::object x) { return x; });
    m.def("add", [](long long a, long long b) { return a + b; });
    m.def("list_sum", [](const py::list &l) {
        long long total = 0;
        for (py::handle item : l) total += item.cast<long long>();
        return total;
    });
}

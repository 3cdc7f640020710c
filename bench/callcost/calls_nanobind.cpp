// The call-overhead probes on nanobind (a peer in bench/callcost.py). nanobind
// does not support sub-interpreters; the module runs in the main interpreter.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

NB_MODULE(calls_nanobind, m) {
    m.def("noargs", []() {});
    m.def("onearg", [](nb::object x) { return x; });
    m.def("add", [](long long a, long long b) { return a + b; });
    m.def("list_sum", [](const nb::list &l) {
        long long total = 0;
        for (nb::handle item : l) total += nb::cast<long long>(item);
        return total;
    });
}

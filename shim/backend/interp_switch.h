// Running a piece of C++ in another interpreter from the current thread.
#ifndef ISLES_SHIM_INTERP_SWITCH_H
#define ISLES_SHIM_INTERP_SWITCH_H

#include "backend.h"

namespace isles::internal {

inline PyThreadState *current_tstate_or_null() {
#if PY_VERSION_HEX >= 0x030D0000
    return PyThreadState_GetUnchecked();
#else
    return _PyThreadState_UncheckedGet();
#endif
}

// Runs f() with `target`'s GIL held, then returns to the caller's
// interpreter (and GIL) if it had one. The caller's GIL is released
// meanwhile, so no lock of the caller may be held. `reuse` is an idle
// thread state of `target` bound to this OS thread; without one, a thread
// state is made for the call.
template <class F>
void run_in_interpreter(PyInterpreterState *target, F &&f, PyThreadState *reuse = nullptr) {
    PyThreadState *caller = current_tstate_or_null();
    if (caller && PyThreadState_GetInterpreter(caller) == target) {
        f();
        return;
    }
    if (caller) PyEval_SaveThread();
    PyThreadState *ts = reuse ? reuse : PyThreadState_New(target);
    PyEval_RestoreThread(ts);
    f();
    if (reuse) {
        PyEval_SaveThread();
    } else {
        PyThreadState_Clear(ts);
        PyThreadState_DeleteCurrent();
    }
    if (caller) PyEval_RestoreThread(caller);
}

}  // namespace isles::internal
#endif

// Serializing interpreter creation and destruction.
#ifndef ISLES_SHIM_LIFECYCLE_H
#define ISLES_SHIM_LIFECYCLE_H

#include <functional>
#include <mutex>

#include "backend.h"

namespace isles::internal {

// CPython 3.12 and 3.13 are not safe against interpreters being created or
// destroyed concurrently (python/cpython#123134, and the crashes pybind11
// worked around in pybind/pybind11#5779), so isles serializes both. The
// lock also keeps CPython's interpreter list still while isles walks it.
// Recursive: closing an interpreter runs its atexit hooks, which may close
// the interpreters it created, on the same thread.
std::recursive_mutex &lifecycle_lock();

// Takes lifecycle_lock() without holding the current GIL, so whoever holds
// the lock can always take that GIL.
class LifecycleGuard {
  public:
    LifecycleGuard() {
        Py_BEGIN_ALLOW_THREADS
        lifecycle_lock().lock();
        Py_END_ALLOW_THREADS
    }
    ~LifecycleGuard() { lifecycle_lock().unlock(); }
    LifecycleGuard(const LifecycleGuard &) = delete;
    LifecycleGuard &operator=(const LifecycleGuard &) = delete;
};

// Creates an interpreter (own GIL and obmalloc, strict extension checks,
// no fork/exec/daemon threads; or a legacy shared-GIL one) under the
// lifecycle lock, runs `setup` in it while the lock is still held, and
// returns its thread state, current and holding its GIL; the caller's GIL
// is released. nullptr with an exception set in the caller's interpreter.
PyThreadState *new_interpreter(bool own_gil, const std::function<void()> &setup);

// In an interpreter about to be ended (its GIL held): joins its non-daemon
// threads as Py_EndInterpreter would, but before lifecycle_lock() is taken,
// since such a thread may itself create or close interpreters.
void join_threads_before_end();

}  // namespace isles::internal
#endif

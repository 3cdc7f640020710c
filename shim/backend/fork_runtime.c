/* The one piece of the fork handling that must reach into CPython's runtime
 * state: C, because 3.12's internal headers do not compile as C++. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>

/* In a child just forked (only the forking thread, of the main interpreter,
 * exists): leave only the main interpreter on the runtime's list. The
 * others' threads, GILs and allocators did not survive the fork, and
 * PyOS_AfterFork_Child would clear each of them from the main interpreter
 * and crash (python/cpython#139759); unlisted, they stay as unreachable
 * memory of the child, which is also what keeps memory they lent valid.
 * Pointer stores only: this runs before CPython has reinitialized its locks. */
void isl_runtime_keep_only_main_after_fork(void) {
    PyInterpreterState *main = _PyRuntime.interpreters.main;
    if (main == NULL) return;
    _PyRuntime.interpreters.head = main;
    main->next = NULL;
}

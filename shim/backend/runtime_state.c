/* The backend's only uses of CPython's internal state: taking an
 * interpreter off the runtime's list, so that CPython never finalizes it,
 * and the "running __main__" mark that CPython's own interpreters modules
 * read and set, so that they and isles see each other's runs.
 * C, because 3.12's internal headers do not compile as C++. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_pystate.h>
#include <internal/pycore_runtime.h>

/* In a child just forked (only the forking thread, of the main interpreter,
 * exists): leave only the main interpreter on the list. The others'
 * threads, GILs and allocators did not survive the fork, and
 * PyOS_AfterFork_Child would clear each of them from the main interpreter
 * and crash (python/cpython#139759); unlisted, they stay as unreachable
 * memory of the child, which also keeps memory they lent valid. Pointer
 * stores only: this runs before CPython has reinitialized its locks. */
void isl_runtime_keep_only_main_after_fork(void) {
    PyInterpreterState *main = _PyRuntime.interpreters.main;
    if (main == NULL) return;
    _PyRuntime.interpreters.head = main;
    main->next = NULL;
}

/* At exit, for an interpreter that cannot be closed (a daemon thread is
 * blocked in it, or the main interpreter still holds memory it lent): off
 * the list, CPython's finalization neither ends it (3.13+ would abort on its
 * extra thread state or free the lent memory) nor sees it; it lasts until
 * the process ends. */
void isl_runtime_unlist(PyInterpreterState *interp) {
#if PY_VERSION_HEX >= 0x030D0000
    /* HEAD_LOCK's PyMutex_LockFlags calls a function 3.13 does not export. */
    PyMutex_Lock(&_PyRuntime.interpreters.mutex);
#else
    HEAD_LOCK(&_PyRuntime);
#endif
    PyInterpreterState **link = &_PyRuntime.interpreters.head;
    while (*link != NULL && *link != interp) link = &(*link)->next;
    if (*link != NULL) *link = interp->next;
#if PY_VERSION_HEX >= 0x030D0000
    PyMutex_Unlock(&_PyRuntime.interpreters.mutex);
#else
    HEAD_UNLOCK(&_PyRuntime);
#endif
#if defined(Py_DEBUG) && PY_VERSION_HEX >= 0x030E0000
    /* A debug build asserts at the end that no interpreter still counts as
     * using CPython's static types, which this one, never finalized, would:
     * its uses are uncounted as its finalization would have. */
    for (size_t i = 0; i < interp->types.builtins.num_initialized; i++)
        if (interp->types.builtins.initialized[i].type != NULL)
            _Py_atomic_add_int64(&_PyRuntime.types.managed_static.types[i].interp_count, -1);
    for (size_t i = 0; i < interp->types.for_extensions.num_initialized; i++)
        if (interp->types.for_extensions.initialized[i].type != NULL)
            _Py_atomic_add_int64(
                &_PyRuntime.types.managed_static.types[_Py_MAX_MANAGED_STATIC_BUILTIN_TYPES + i].interp_count, -1);
#endif
}

/* Called in `interp` (its thread state current) before isles runs code in
 * its __main__: 0 once marked, -1 (no error set) if something else, such as
 * CPython's _interpreters.run_string, is running it. */
int isl_mark_running_main(PyInterpreterState *interp) {
    if (_PyInterpreterState_SetRunningMain(interp) == 0) return 0;
    PyErr_Clear();
    return -1;
}

/* The same thread state, after the run. */
void isl_unmark_running_main(PyInterpreterState *interp) { _PyInterpreterState_SetNotRunningMain(interp); }

int isl_is_running_main(PyInterpreterState *interp) { return _PyInterpreterState_IsRunningMain(interp); }

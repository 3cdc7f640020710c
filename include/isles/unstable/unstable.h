/* isles unstable tier: a per-CPython build of the same extension source.
 *
 * Define ISL_UNSTABLE_API before including <isles/isles.h> and build the
 * extension for one CPython (its Python.h, its extension suffix, e.g. with
 * Meson's py.extension_module). Then handles are the object pointers, the
 * context functions that have a fast path compile inline to CPython
 * (include/isles/unstable/inline.h, generated from the manifest), and the
 * bridges below let existing C-API code and isles code meet, so an
 * extension can be ported a function at a time. The binary is tied to that
 * CPython minor version: rebuild it for each release. */
#ifndef ISLES_UNSTABLE_UNSTABLE_H
#define ISLES_UNSTABLE_UNSTABLE_H
#ifndef ISL_UNSTABLE_API
#error "isles/unstable/unstable.h: define ISL_UNSTABLE_API to opt in to the unstable tier (rebuild per CPython release)"
#endif

/* CPython asks for Python.h before any standard header. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "isles/stable/handles.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The object behind a handle (borrowed: the handle keeps it alive). */
static inline PyObject *IslUnstable_AsPyObject(IslHandle h) { return (PyObject *)h._i; }

/* A handle for an object; it takes over the reference the caller passes in
 * (what a function returning a new handle must hand back). */
static inline IslHandle IslUnstable_FromPyObject(PyObject *o) {
    IslHandle h;
    h._i = (intptr_t)o;
    return h;
}

/* The isles context of the interpreter `module` (an isles module) lives in:
 * what C-API code calling into isles code needs to pass along. The module
 * state of every isles module starts with it (private/loader.h). NULL with
 * an exception set for a non-module. */
static inline IslContext *IslUnstable_ModuleContext(PyObject *module) {
    void *state = PyModule_GetState(module);
    return state ? *(IslContext **)state : NULL;
}

/* Recorded in the binary (python -m isles check): built for this CPython
 * only, and for its debug build (Py_DEBUG: "d", as in its ABI tag) or not. */
#ifdef Py_DEBUG
#define ISL_UNSTABLE_FLAVOUR "unstable-cp" Py_STRINGIFY(PY_MAJOR_VERSION) Py_STRINGIFY(PY_MINOR_VERSION) "d"
#else
#define ISL_UNSTABLE_FLAVOUR "unstable-cp" Py_STRINGIFY(PY_MAJOR_VERSION) Py_STRINGIFY(PY_MINOR_VERSION)
#endif

#ifdef __cplusplus
}
#endif
#endif

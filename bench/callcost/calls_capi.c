/* The call-overhead probes on the raw C-API (METH_NOARGS, METH_O,
 * METH_FASTCALL), the baseline for calls_isles.c. Multi-phase init and
 * per-interpreter-GIL support, like the isles modules. bench/callcost.py
 * builds it three times, under three names: the baseline, a null control,
 * and an untimed warm-up. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef MODNAME
#define MODNAME calls_capi
#define MODNAME_STR "calls_capi"
#endif
#define CONCAT_(a, b) a##b
#define CONCAT(a, b) CONCAT_(a, b)

static PyObject *noargs(PyObject *m, PyObject *unused) {
    (void)m;
    (void)unused;
    Py_RETURN_NONE;
}
static PyObject *onearg(PyObject *m, PyObject *x) {
    (void)m;
    return Py_NewRef(x);
}
static PyObject *add(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    (void)m;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "add() takes 2 arguments");
        return NULL;
    }
    long long a = PyLong_AsLongLong(args[0]), b;
    if (a == -1 && PyErr_Occurred()) return NULL;
    b = PyLong_AsLongLong(args[1]);
    if (b == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromLongLong(a + b);
}
static PyObject *list_sum(PyObject *m, PyObject *list) {
    (void)m;
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "list_sum() needs a list");
        return NULL;
    }
    long long total = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *item = Py_NewRef(PyList_GET_ITEM(list, i));
        long long v = PyLong_AsLongLong(item);
        Py_DECREF(item);
        if (v == -1 && PyErr_Occurred()) return NULL;
        total += v;
    }
    return PyLong_FromLongLong(total);
}
static PyMethodDef methods[] = {
    {"noargs", noargs, METH_NOARGS, ""},
    {"onearg", onearg, METH_O, ""},
    {"add", (PyCFunction)(void (*)(void))add, METH_FASTCALL, ""},
    {"list_sum", list_sum, METH_O, ""},
    {NULL, NULL, 0, NULL},
};
static PyModuleDef_Slot slots[] = {
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {0, NULL},
};
static PyModuleDef def = {PyModuleDef_HEAD_INIT, MODNAME_STR, NULL, 0, methods, slots, NULL, NULL, NULL};
PyMODINIT_FUNC CONCAT(PyInit_, MODNAME)(void) { return PyModuleDef_Init(&def); }

/* generated from capi-tiers/manifest.toml by capi-tiers/islgen.py — do not edit */
/* The unstable tier's per-CPython build of the context functions that have a
   fast path: handles are the object pointers and the common case compiles
   inline to CPython; anything else (errors, other types) goes to the context,
   so behaviour is the stable tier's. Included by context.h under ISL_UNSTABLE_API. */
#ifndef ISLES_UNSTABLE_INLINE_H
#define ISLES_UNSTABLE_INLINE_H
#ifndef ISL_UNSTABLE_API
#error "isles/unstable/inline.h: define ISL_UNSTABLE_API to opt in to the unstable tier"
#endif

#ifdef __cplusplus
extern "C" {
#endif

static inline IslHandle IslHandle_Dup(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_FromPyObject(Py_XNewRef(IslUnstable_AsPyObject(h)));
}
static inline void IslHandle_Close(IslContext *ctx, IslHandle h) {
    (void)ctx;
    Py_XDECREF(IslUnstable_AsPyObject(h));
}
static inline int IslObject_Is(IslContext *ctx, IslHandle a, IslHandle b) {
    (void)ctx;
    return a._i == b._i;
}
static inline int IslObject_TypeCheck(IslContext *ctx, IslHandle h, IslHandle type) {
    PyObject *t = IslUnstable_AsPyObject(type);
    if (t && PyType_Check(t)) return IslUnstable_AsPyObject(h) && PyObject_TypeCheck(IslUnstable_AsPyObject(h), (PyTypeObject *)t);
    return ctx->ctx_Object_TypeCheck(ctx, h, type);
}
static inline int IslLong_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyLong_Check(IslUnstable_AsPyObject(h));
}
static inline int IslFloat_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyFloat_Check(IslUnstable_AsPyObject(h));
}
static inline int IslStr_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyUnicode_Check(IslUnstable_AsPyObject(h));
}
static inline int IslBytes_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyBytes_Check(IslUnstable_AsPyObject(h));
}
static inline int IslTuple_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyTuple_Check(IslUnstable_AsPyObject(h));
}
static inline int IslList_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyList_Check(IslUnstable_AsPyObject(h));
}
static inline int IslList_CheckExact(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyList_CheckExact(IslUnstable_AsPyObject(h));
}
static inline int IslDict_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyDict_Check(IslUnstable_AsPyObject(h));
}
static inline IslHandle IslLong_FromInt64(IslContext *ctx, int64_t value) {
    (void)ctx;
    return IslUnstable_FromPyObject(PyLong_FromLongLong(value));
}
static inline IslHandle IslLong_FromUInt64(IslContext *ctx, uint64_t value) {
    (void)ctx;
    return IslUnstable_FromPyObject(PyLong_FromUnsignedLongLong(value));
}
static inline IslHandle IslLong_FromSsize(IslContext *ctx, IslSsize value) {
    (void)ctx;
    return IslUnstable_FromPyObject(PyLong_FromSsize_t(value));
}
static inline IslHandle IslLong_FromSize(IslContext *ctx, size_t value) {
    (void)ctx;
    return IslUnstable_FromPyObject(PyLong_FromSize_t(value));
}
static inline int64_t IslLong_AsInt64(IslContext *ctx, IslHandle h) {
    if (IslUnstable_AsPyObject(h) && PyLong_CheckExact(IslUnstable_AsPyObject(h)) && PyUnstable_Long_IsCompact((PyLongObject *)IslUnstable_AsPyObject(h)))
        return PyUnstable_Long_CompactValue((PyLongObject *)IslUnstable_AsPyObject(h));
    return ctx->ctx_Long_AsInt64(ctx, h);
}
static inline IslSsize IslLong_AsSsize(IslContext *ctx, IslHandle h) {
    if (IslUnstable_AsPyObject(h) && PyLong_CheckExact(IslUnstable_AsPyObject(h)) && PyUnstable_Long_IsCompact((PyLongObject *)IslUnstable_AsPyObject(h)))
        return PyUnstable_Long_CompactValue((PyLongObject *)IslUnstable_AsPyObject(h));
    return ctx->ctx_Long_AsSsize(ctx, h);
}
static inline IslHandle IslFloat_FromDouble(IslContext *ctx, double value) {
    (void)ctx;
    return IslUnstable_FromPyObject(PyFloat_FromDouble(value));
}
static inline double IslFloat_AsDouble(IslContext *ctx, IslHandle h) {
    if (IslUnstable_AsPyObject(h) && PyFloat_CheckExact(IslUnstable_AsPyObject(h))) return PyFloat_AS_DOUBLE(IslUnstable_AsPyObject(h));
    return ctx->ctx_Float_AsDouble(ctx, h);
}
static inline IslHandle IslBool_FromBool(IslContext *ctx, int value) {
    (void)ctx;
    return IslUnstable_FromPyObject(Py_NewRef(value ? Py_True : Py_False));
}
static inline IslHandle IslTuple_GetItem(IslContext *ctx, IslHandle tuple, IslSsize index) {
    PyObject *t = IslUnstable_AsPyObject(tuple);
    if (t && PyTuple_Check(t) && index >= 0 && index < PyTuple_GET_SIZE(t)) return IslUnstable_FromPyObject(Py_NewRef(PyTuple_GET_ITEM(t, index)));
    return ctx->ctx_Tuple_GetItem(ctx, tuple, index);
}
static inline IslSsize IslTuple_Size(IslContext *ctx, IslHandle tuple) {
    if (IslUnstable_AsPyObject(tuple) && PyTuple_Check(IslUnstable_AsPyObject(tuple))) return PyTuple_GET_SIZE(IslUnstable_AsPyObject(tuple));
    return ctx->ctx_Tuple_Size(ctx, tuple);
}
static inline int IslList_Append(IslContext *ctx, IslHandle list, IslHandle item) {
    if (IslUnstable_AsPyObject(list) && PyList_Check(IslUnstable_AsPyObject(list)) && IslUnstable_AsPyObject(item)) return PyList_Append(IslUnstable_AsPyObject(list), IslUnstable_AsPyObject(item));
    return ctx->ctx_List_Append(ctx, list, item);
}
static inline IslHandle IslList_GetItem(IslContext *ctx, IslHandle list, IslSsize index) {
    PyObject *l = IslUnstable_AsPyObject(list);
    if (l && PyList_Check(l) && index >= 0 && index < PyList_GET_SIZE(l)) return IslUnstable_FromPyObject(Py_NewRef(PyList_GET_ITEM(l, index)));
    return ctx->ctx_List_GetItem(ctx, list, index);
}
static inline int IslList_SetItem(IslContext *ctx, IslHandle list, IslSsize index, IslHandle item) {
    PyObject *l = IslUnstable_AsPyObject(list);
    if (l && PyList_Check(l) && IslUnstable_AsPyObject(item) && index >= 0 && index < PyList_GET_SIZE(l)) {
        PyObject *old = PyList_GET_ITEM(l, index);
        PyList_SET_ITEM(l, index, Py_NewRef(IslUnstable_AsPyObject(item)));
        Py_DECREF(old);
        return 0;
    }
    return ctx->ctx_List_SetItem(ctx, list, index, item);
}
static inline IslSsize IslList_Size(IslContext *ctx, IslHandle list) {
    if (IslUnstable_AsPyObject(list) && PyList_Check(IslUnstable_AsPyObject(list))) return PyList_GET_SIZE(IslUnstable_AsPyObject(list));
    return ctx->ctx_List_Size(ctx, list);
}
static inline int IslList_Swap(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j) {
    PyObject *l = IslUnstable_AsPyObject(list);
    if (l && PyList_Check(l) && i >= 0 && j >= 0 && i < PyList_GET_SIZE(l) && j < PyList_GET_SIZE(l)) {
        PyObject *a = PyList_GET_ITEM(l, i);
        PyList_SET_ITEM(l, i, PyList_GET_ITEM(l, j));
        PyList_SET_ITEM(l, j, a);
        return 0;
    }
    return ctx->ctx_List_Swap(ctx, list, i, j);
}
static inline int IslDict_GetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle *value) {
    if (IslUnstable_AsPyObject(dict) && PyDict_Check(IslUnstable_AsPyObject(dict)) && IslUnstable_AsPyObject(key) && value) {
        PyObject *v = PyDict_GetItemWithError(IslUnstable_AsPyObject(dict), IslUnstable_AsPyObject(key));
        *value = IslUnstable_FromPyObject(Py_XNewRef(v));
        return v ? 1 : (PyErr_Occurred() ? -1 : 0);
    }
    return ctx->ctx_Dict_GetItem(ctx, dict, key, value);
}
static inline int IslDict_SetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle value) {
    if (IslUnstable_AsPyObject(dict) && PyDict_Check(IslUnstable_AsPyObject(dict)) && IslUnstable_AsPyObject(key) && IslUnstable_AsPyObject(value)) return PyDict_SetItem(IslUnstable_AsPyObject(dict), IslUnstable_AsPyObject(key), IslUnstable_AsPyObject(value));
    return ctx->ctx_Dict_SetItem(ctx, dict, key, value);
}
static inline IslSsize IslDict_Size(IslContext *ctx, IslHandle dict) {
    if (IslUnstable_AsPyObject(dict) && PyDict_Check(IslUnstable_AsPyObject(dict))) return PyDict_GET_SIZE(IslUnstable_AsPyObject(dict));
    return ctx->ctx_Dict_Size(ctx, dict);
}
static inline IslHandle IslObject_GetAttr(IslContext *ctx, IslHandle obj, IslHandle name) {
    if (IslUnstable_AsPyObject(obj) && IslUnstable_AsPyObject(name) && PyUnicode_Check(IslUnstable_AsPyObject(name))) return IslUnstable_FromPyObject(PyObject_GetAttr(IslUnstable_AsPyObject(obj), IslUnstable_AsPyObject(name)));
    return ctx->ctx_Object_GetAttr(ctx, obj, name);
}
static inline int IslObject_IsTrue(IslContext *ctx, IslHandle obj) {
    if (IslUnstable_AsPyObject(obj)) return PyObject_IsTrue(IslUnstable_AsPyObject(obj));
    return ctx->ctx_Object_IsTrue(ctx, obj);
}
static inline int IslObject_RichCompareBool(IslContext *ctx, IslHandle a, IslHandle b, int op) {
    if (IslUnstable_AsPyObject(a) && IslUnstable_AsPyObject(b) && op >= Py_LT && op <= Py_GE) return PyObject_RichCompareBool(IslUnstable_AsPyObject(a), IslUnstable_AsPyObject(b), op);
    return ctx->ctx_Object_RichCompareBool(ctx, a, b, op);
}
static inline IslSsize IslObject_Hash(IslContext *ctx, IslHandle obj) {
    if (IslUnstable_AsPyObject(obj)) return PyObject_Hash(IslUnstable_AsPyObject(obj));
    return ctx->ctx_Object_Hash(ctx, obj);
}
static inline IslHandle IslObject_Vectorcall(IslContext *ctx, IslHandle callable, const IslHandle *args, size_t nargs, IslHandle kwnames) {
    if (IslUnstable_AsPyObject(callable) && (!IslUnstable_AsPyObject(kwnames) || PyTuple_Check(IslUnstable_AsPyObject(kwnames))) && nargs <= (size_t)PY_SSIZE_T_MAX)
        return IslUnstable_FromPyObject(PyObject_Vectorcall(IslUnstable_AsPyObject(callable), (PyObject *const *)args, nargs, IslUnstable_AsPyObject(kwnames)));
    return ctx->ctx_Object_Vectorcall(ctx, callable, args, nargs, kwnames);
}
static inline IslHandle IslIter_Next(IslContext *ctx, IslHandle iterator) {
    if (IslUnstable_AsPyObject(iterator) && PyIter_Check(IslUnstable_AsPyObject(iterator))) return IslUnstable_FromPyObject(PyIter_Next(IslUnstable_AsPyObject(iterator)));
    return ctx->ctx_Iter_Next(ctx, iterator);
}
static inline IslHandle IslErr_SetString(IslContext *ctx, IslHandle type, const char *utf8) {
    if (IslUnstable_AsPyObject(type) && PyExceptionClass_Check(IslUnstable_AsPyObject(type)) && utf8) {
        PyErr_SetString(IslUnstable_AsPyObject(type), utf8);
        return IslUnstable_FromPyObject(NULL);
    }
    return ctx->ctx_Err_SetString(ctx, type, utf8);
}
static inline int IslErr_Occurred(IslContext *ctx) {
    (void)ctx;
    return PyErr_Occurred() != NULL;
}
static inline int IslErr_ExceptionMatches(IslContext *ctx, IslHandle type) {
    if (IslUnstable_AsPyObject(type)) return PyErr_ExceptionMatches(IslUnstable_AsPyObject(type));
    return ctx->ctx_Err_ExceptionMatches(ctx, type);
}
static inline void IslErr_Clear(IslContext *ctx) {
    (void)ctx;
    PyErr_Clear();
}
static inline int IslSequence_Check(IslContext *ctx, IslHandle obj) {
    (void)ctx;
    return IslUnstable_AsPyObject(obj) && PySequence_Check(IslUnstable_AsPyObject(obj));
}
static inline IslSsize IslSequence_Size(IslContext *ctx, IslHandle obj) {
    if (IslUnstable_AsPyObject(obj) && (PyList_CheckExact(IslUnstable_AsPyObject(obj)) || PyTuple_CheckExact(IslUnstable_AsPyObject(obj)))) return Py_SIZE(IslUnstable_AsPyObject(obj));
    return ctx->ctx_Sequence_Size(ctx, obj);
}
static inline IslHandle IslField_Load(IslContext *ctx, IslHandle owner, IslField field) {
    (void)ctx;
    (void)owner;
    return IslUnstable_FromPyObject(Py_XNewRef((PyObject *)field._f));
}
static inline void IslField_Store(IslContext *ctx, IslHandle owner, IslField *field, IslHandle value) {
    (void)ctx;
    (void)owner;
    PyObject **slot = (PyObject **)&field->_f;
    Py_XSETREF(*slot, Py_XNewRef(IslUnstable_AsPyObject(value)));
}
static inline int IslDict_Next(IslContext *ctx, IslHandle dict, IslSsize *pos, IslHandle *key, IslHandle *value) {
    if (IslUnstable_AsPyObject(dict) && PyDict_Check(IslUnstable_AsPyObject(dict)) && pos) {
        PyObject *k, *v;
        if (!PyDict_Next(IslUnstable_AsPyObject(dict), pos, &k, &v)) return 0;
        if (key) *key = IslUnstable_FromPyObject(Py_NewRef(k));
        if (value) *value = IslUnstable_FromPyObject(Py_NewRef(v));
        return 1;
    }
    return ctx->ctx_Dict_Next(ctx, dict, pos, key, value);
}
static inline const void *IslStr_Data(IslContext *ctx, IslHandle str, int *kind, IslSsize *length) {
    PyObject *s = IslUnstable_AsPyObject(str);
    if (s && PyUnicode_Check(s)) {
        if (kind) *kind = (int)PyUnicode_KIND(s);
        if (length) *length = PyUnicode_GET_LENGTH(s);
        return PyUnicode_DATA(s);
    }
    return ctx->ctx_Str_Data(ctx, str, kind, length);
}
static inline IslHandle IslStr_FromKindAndData(IslContext *ctx, int kind, const void *data, IslSsize length) {
    if ((kind == 1 || kind == 2 || kind == 4) && length >= 0 && (data || length == 0))
        return IslUnstable_FromPyObject(PyUnicode_FromKindAndData(kind, data, length));
    return ctx->ctx_Str_FromKindAndData(ctx, kind, data, length);
}
static inline IslHandle IslSequence_Fast(IslContext *ctx, IslHandle obj, const char *message) {
    if (IslUnstable_AsPyObject(obj) && (PyList_CheckExact(IslUnstable_AsPyObject(obj)) || PyTuple_CheckExact(IslUnstable_AsPyObject(obj)))) return IslUnstable_FromPyObject(Py_NewRef(IslUnstable_AsPyObject(obj)));
    return ctx->ctx_Sequence_Fast(ctx, obj, message);
}
static inline const IslHandle *IslSequence_FastItems(IslContext *ctx, IslHandle fast, IslSsize *size) {
    PyObject *o = IslUnstable_AsPyObject(fast);
    if (o && (PyList_Check(o) || PyTuple_Check(o)) && PySequence_Fast_GET_SIZE(o) > 0) {
        if (size) *size = PySequence_Fast_GET_SIZE(o);
        return (const IslHandle *)PySequence_Fast_ITEMS(o);
    }
    return ctx->ctx_Sequence_FastItems(ctx, fast, size);
}
static inline int IslRecursion_Enter(IslContext *ctx, const char *where) {
    (void)ctx;
    return Py_EnterRecursiveCall(where ? where : "") ? -1 : 0; /* CPython fails with 1 */
}
static inline void IslRecursion_Leave(IslContext *ctx) {
    (void)ctx;
    Py_LeaveRecursiveCall();
}
static inline int IslList_CompareItems(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j, int op) {
    PyObject *l = IslUnstable_AsPyObject(list);
    if (l && PyList_Check(l) && i >= 0 && j >= 0 && i < PyList_GET_SIZE(l) && j < PyList_GET_SIZE(l) &&
        op >= Py_LT && op <= Py_GE) {
        PyObject *a = PyList_GET_ITEM(l, i), *b = PyList_GET_ITEM(l, j);
        PyTypeObject *t = Py_TYPE(a);
        if (a == b && (op == Py_EQ || op == Py_NE)) return op == Py_EQ; /* identity first, as RichCompareBool */
        if (t == Py_TYPE(b) && (t == &PyLong_Type || t == &PyFloat_Type)) {
            PyObject *r = t->tp_richcompare(a, b, op);
            if (r == Py_True || r == Py_False) return r == Py_True;
            if (!r) return -1;
            Py_DECREF(r);
        }
    }
    return ctx->ctx_List_CompareItems(ctx, list, i, j, op);
}
static inline int IslSequence_CompareItem(IslContext *ctx, IslHandle seq, IslSsize index, IslHandle other, int op, int other_first) {
    PyObject *s = IslUnstable_AsPyObject(seq), *x = IslUnstable_AsPyObject(other);
    if (s && x && PyList_CheckExact(s) && index >= 0 && index < PyList_GET_SIZE(s) && op >= Py_LT && op <= Py_GE) {
        PyObject *item = PyList_GET_ITEM(s, index);
        PyTypeObject *t = Py_TYPE(item);
        if (item == x && (op == Py_EQ || op == Py_NE)) return op == Py_EQ; /* identity first, as RichCompareBool */
        if (t == Py_TYPE(x) && (t == &PyLong_Type || t == &PyFloat_Type)) {
            PyObject *r = other_first ? t->tp_richcompare(x, item, op) : t->tp_richcompare(item, x, op);
            if (r == Py_True || r == Py_False) return r == Py_True;
            if (!r) return -1;
            Py_DECREF(r);
        }
    }
    return ctx->ctx_Sequence_CompareItem(ctx, seq, index, other, op, other_first);
}
static inline int IslObject_TypeIs(IslContext *ctx, IslHandle h, IslHandle type) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && (PyObject *)Py_TYPE(IslUnstable_AsPyObject(h)) == IslUnstable_AsPyObject(type);
}
static inline int IslNumber_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    return IslUnstable_AsPyObject(h) && PyNumber_Check(IslUnstable_AsPyObject(h));
}
static inline int IslIndex_Check(IslContext *ctx, IslHandle h) {
    (void)ctx;
    if (!IslUnstable_AsPyObject(h)) return 0;
    PyNumberMethods *nb = Py_TYPE(IslUnstable_AsPyObject(h))->tp_as_number;
    return nb && nb->nb_index;
}
static inline IslHandle IslObject_Id(IslContext *ctx, IslHandle h) {
    if (IslUnstable_AsPyObject(h)) return IslUnstable_FromPyObject(PyLong_FromVoidPtr(IslUnstable_AsPyObject(h)));
    return ctx->ctx_Object_Id(ctx, h);
}
static inline int64_t IslLong_AsInt64AndOverflow(IslContext *ctx, IslHandle h, int *overflow) {
    if (IslUnstable_AsPyObject(h) && PyLong_CheckExact(IslUnstable_AsPyObject(h)) && PyUnstable_Long_IsCompact((PyLongObject *)IslUnstable_AsPyObject(h))) {
        *overflow = 0;
        return PyUnstable_Long_CompactValue((PyLongObject *)IslUnstable_AsPyObject(h));
    }
    return ctx->ctx_Long_AsInt64AndOverflow(ctx, h, overflow);
}

#ifdef __cplusplus
}
#endif
#endif

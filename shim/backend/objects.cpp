// Release-mode implementations of the object slots of the context.
// Every function validates what CPython's own API would crash on (wrong
// types, null handles, out-of-range indexes) and raises instead.
#include "backend.h"

#include <cstring>
#include <type_traits>

namespace isles::internal::impl {
namespace {

bool not_null(PyObject *o, const char *api) {
    if (o) return true;
    if (!PyErr_Occurred()) PyErr_Format(PyExc_SystemError, "%s: got the null handle", api);
    return false;
}

IslHandle result(PyObject *o) { return H(o); }

// Same exact builtin type whose comparison runs no Python code: no reflected
// operation can take precedence, and the comparison cannot mutate anything.
inline bool plain_pair(PyObject *a, PyObject *b) {
    PyTypeObject *t = Py_TYPE(a);
    return t == Py_TYPE(b) && (t == &PyLong_Type || t == &PyFloat_Type || t == &PyUnicode_Type || t == &PyBytes_Type);
}

// The truth of a comparison's result that is not a bool, which it releases;
// -2 for NotImplemented. Out of line: plain pairs almost never get here.
[[gnu::noinline]] int truth_and_release(PyObject *r) {
    int truth = r == Py_NotImplemented ? -2 : PyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

// tp_richcompare of a plain_pair as a truth value; -2 when it declines.
inline int plain_compare(PyObject *a, PyObject *b, int op) {
    if (a == b && (op == Py_EQ || op == Py_NE)) return op == Py_EQ;
    if (Py_IS_TYPE(a, &PyLong_Type)) {  // compact ints, the usual keys and priorities: no call
        auto *la = reinterpret_cast<PyLongObject *>(a), *lb = reinterpret_cast<PyLongObject *>(b);
        if (PyUnstable_Long_IsCompact(la) && PyUnstable_Long_IsCompact(lb)) {
            Py_ssize_t x = PyUnstable_Long_CompactValue(la), y = PyUnstable_Long_CompactValue(lb);
            switch (op) {
                case Py_LT: return x < y;
                case Py_LE: return x <= y;
                case Py_EQ: return x == y;
                case Py_NE: return x != y;
                case Py_GT: return x > y;
                default: return x >= y;
            }
        }
    }
    PyObject *r = Py_TYPE(a)->tp_richcompare(a, b, op);
    if (r == Py_True || r == Py_False) return r == Py_True;  // immortal: no reference to drop
    return r ? truth_and_release(r) : -1;
}

// PyObject_Vectorcall without the thread-state lookup and the result audit
// on success, which the interpreter's own specialised calls skip in release
// builds too: the callee's vectorcall, found as PyVectorcall_Function finds
// it. A failure without an exception still becomes a SystemError.
[[gnu::noinline]] PyObject *no_result(PyObject *f) {
    if (!PyErr_Occurred()) PyErr_Format(PyExc_SystemError, "%R returned NULL without setting an exception", f);
    return nullptr;
}
inline PyObject *vectorcall(PyObject *f, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    PyTypeObject *t = Py_TYPE(f);
    vectorcallfunc call = nullptr;
    if (PyType_HasFeature(t, Py_TPFLAGS_HAVE_VECTORCALL))
        std::memcpy(&call, reinterpret_cast<char *>(f) + t->tp_vectorcall_offset, sizeof call);
    if (!call) return PyObject_Vectorcall(f, args, nargsf, kwnames);
    PyObject *r = call(f, args, nargsf, kwnames);
    return r ? r : no_result(f);
}
inline PyObject *call_one_arg(PyObject *f, PyObject *arg) {
    PyObject *argv[2] = {nullptr, arg};
    return vectorcall(f, argv + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
}

// Two exact tuples (or two exact lists) compared the way their richcompare
// does, when every item it looks at is part of a plain pair, so that no code
// runs; -2 when some item is not. Heap entries are usually such tuples
// ((priority, counter, ...)) or, in heapq.merge, such lists.
int plain_sequence_compare(PyObject *a, PyObject *b, int op) {
    PyTypeObject *t = Py_TYPE(a);
    if (t != Py_TYPE(b) || (t != &PyTuple_Type && t != &PyList_Type)) return -2;
    Py_ssize_t na = PySequence_Fast_GET_SIZE(a), nb = PySequence_Fast_GET_SIZE(b), i = 0;
    PyObject **ia = PySequence_Fast_ITEMS(a), **ib = PySequence_Fast_ITEMS(b);
    for (; i < na && i < nb; ++i) {  // the first index whose items differ
        if (ia[i] == ib[i]) continue;
        if (!plain_pair(ia[i], ib[i])) return -2;
        int eq = plain_compare(ia[i], ib[i], Py_EQ);
        if (eq != 1) {
            if (eq < 0 && eq != -2) return -1;
            if (eq == -2) return -2;
            break;
        }
    }
    if (i >= na || i >= nb) {  // one is a prefix of the other: compare lengths
        switch (op) {
            case Py_LT: return na < nb;
            case Py_LE: return na <= nb;
            case Py_EQ: return na == nb;
            case Py_NE: return na != nb;
            case Py_GT: return na > nb;
            default: return na >= nb;
        }
    }
    if (op == Py_EQ) return 0;
    if (op == Py_NE) return 1;
    return plain_compare(ia[i], ib[i], op);
}

// PyObject_RichCompareBool, with plain pairs (and tuples or lists of them)
// compared directly: the inner step of heapq and bisect (CPython's own
// _bisect calls tp_richcompare directly too).
inline int compare_bool(PyObject *a, PyObject *b, int op) {
    int r = plain_pair(a, b) ? plain_compare(a, b, op) : plain_sequence_compare(a, b, op);
    return r != -2 ? r : PyObject_RichCompareBool(a, b, op);
}

}  // namespace

// ---- handles
IslHandle Handle_Dup(IslContext *, IslHandle h) { return H(Py_XNewRef(O(h))); }
void Handle_Close(IslContext *, IslHandle h) { Py_XDECREF(O(h)); }
int Object_Is(IslContext *, IslHandle a, IslHandle b) { return a._i == b._i; }

// ---- type checks
IslHandle Object_Type(IslContext *, IslHandle h) {
    if (!not_null(O(h), "IslObject_Type")) return Null();
    return H(Py_NewRef(reinterpret_cast<PyObject *>(Py_TYPE(O(h)))));
}
int Object_TypeCheck(IslContext *, IslHandle h, IslHandle type) {
    if (!O(h)) return 0;
    if (!expect(O(type) && PyType_Check(O(type)), "IslObject_TypeCheck", "a type", O(type))) return -1;
    return PyObject_TypeCheck(O(h), reinterpret_cast<PyTypeObject *>(O(type)));
}
int Object_TypeIs(IslContext *, IslHandle h, IslHandle type) {
    return O(h) && reinterpret_cast<PyObject *>(Py_TYPE(O(h))) == O(type);
}
IslHandle Object_Id(IslContext *, IslHandle h) {
    if (!not_null(O(h), "IslObject_Id")) return Null();
    return result(PyLong_FromVoidPtr(O(h)));
}
int Number_Check(IslContext *, IslHandle h) { return O(h) && PyNumber_Check(O(h)); }
int Index_Check(IslContext *, IslHandle h) { return O(h) && PyIndex_Check(O(h)); }
int Object_IsInstance(IslContext *, IslHandle h, IslHandle cls) {
    if (!not_null(O(h), "IslObject_IsInstance") || !not_null(O(cls), "IslObject_IsInstance")) return -1;
    return PyObject_IsInstance(O(h), O(cls));
}
int Long_Check(IslContext *, IslHandle h) { return O(h) && PyLong_Check(O(h)); }
int Float_Check(IslContext *, IslHandle h) { return O(h) && PyFloat_Check(O(h)); }
int Str_Check(IslContext *, IslHandle h) { return O(h) && PyUnicode_Check(O(h)); }
int Bytes_Check(IslContext *, IslHandle h) { return O(h) && PyBytes_Check(O(h)); }
int Tuple_Check(IslContext *, IslHandle h) { return O(h) && PyTuple_Check(O(h)); }
int List_Check(IslContext *, IslHandle h) { return O(h) && PyList_Check(O(h)); }
int List_CheckExact(IslContext *, IslHandle h) { return O(h) && PyList_CheckExact(O(h)); }
int Dict_Check(IslContext *, IslHandle h) { return O(h) && PyDict_Check(O(h)); }

// ---- numbers
IslHandle Long_FromInt64(IslContext *, int64_t v) { return result(PyLong_FromLongLong(v)); }
IslHandle Long_FromUInt64(IslContext *, uint64_t v) { return result(PyLong_FromUnsignedLongLong(v)); }
IslHandle Long_FromSsize(IslContext *, IslSsize v) { return result(PyLong_FromSsize_t(v)); }
IslHandle Long_FromSize(IslContext *, size_t v) { return result(PyLong_FromSize_t(v)); }

namespace {
// Runs conv on operator.index(h); `fail` is the error value. An exact int
// of one digit-word (nearly every int) is read in place: conv would check
// the type again and branch on the size only to arrive at the same value.
template <typename T, typename Conv>
T with_index(IslHandle h, const char *api, T fail, Conv conv) {
    static_assert(sizeof(T) >= sizeof(Py_ssize_t));
    PyObject *o = O(h);
    if (o && PyLong_CheckExact(o) && PyUnstable_Long_IsCompact(reinterpret_cast<PyLongObject *>(o))) {
        Py_ssize_t v = PyUnstable_Long_CompactValue(reinterpret_cast<PyLongObject *>(o));
        if (std::is_signed_v<T> || v >= 0) return static_cast<T>(v);
    }
    if (!not_null(o, api)) return fail;
    if (PyLong_CheckExact(o)) return conv(o);
    PyObject *i = PyNumber_Index(O(h));
    if (!i) return fail;
    T v = conv(i);
    Py_DECREF(i);
    return v;
}
}  // namespace

int64_t Long_AsInt64(IslContext *, IslHandle h) {
    return with_index<int64_t>(h, "IslLong_AsInt64", -1, [](PyObject *o) { return PyLong_AsLongLong(o); });
}
int64_t Long_AsInt64AndOverflow(IslContext *, IslHandle h, int *overflow) {
    *overflow = 0;
    return with_index<int64_t>(h, "IslLong_AsInt64AndOverflow", -1,
                               [overflow](PyObject *o) { return PyLong_AsLongLongAndOverflow(o, overflow); });
}
uint64_t Long_AsUInt64(IslContext *, IslHandle h) {
    return with_index<uint64_t>(h, "IslLong_AsUInt64", uint64_t(-1),
                                [](PyObject *o) { return PyLong_AsUnsignedLongLong(o); });
}
IslSsize Long_AsSsize(IslContext *, IslHandle h) {
    return with_index<IslSsize>(h, "IslLong_AsSsize", -1, [](PyObject *o) { return PyLong_AsSsize_t(o); });
}
size_t Long_AsSize(IslContext *, IslHandle h) {
    return with_index<size_t>(h, "IslLong_AsSize", size_t(-1), [](PyObject *o) { return PyLong_AsSize_t(o); });
}
IslHandle Number_Index(IslContext *, IslHandle h) {
    if (!not_null(O(h), "IslNumber_Index")) return Null();
    return result(PyNumber_Index(O(h)));
}
IslHandle Float_FromDouble(IslContext *, double v) { return result(PyFloat_FromDouble(v)); }
double Float_AsDouble(IslContext *, IslHandle h) {
    if (!not_null(O(h), "IslFloat_AsDouble")) return -1.0;
    return PyFloat_AsDouble(O(h));
}
IslHandle Bool_FromBool(IslContext *, int v) { return H(Py_NewRef(v ? Py_True : Py_False)); }

// ---- str and bytes
IslHandle Str_FromUTF8(IslContext *, const char *s) {
    if (!s) {
        PyErr_SetString(PyExc_SystemError, "IslStr_FromUTF8: NULL string");
        return Null();
    }
    return result(PyUnicode_FromString(s));
}
IslHandle Str_FromUTF8AndSize(IslContext *, const char *s, IslSsize n) {
    if (n < 0 || (!s && n > 0)) {
        PyErr_SetString(PyExc_SystemError, "IslStr_FromUTF8AndSize: negative size or NULL data");
        return Null();
    }
    return result(PyUnicode_DecodeUTF8(s ? s : "", n, "strict"));
}
const char *Str_AsUTF8AndSize(IslContext *, IslHandle h, IslSsize *size) {
    if (!expect(O(h) && PyUnicode_Check(O(h)), "IslStr_AsUTF8AndSize", "str", O(h))) return nullptr;
    Py_ssize_t n = 0;
    const char *s = PyUnicode_AsUTF8AndSize(O(h), &n);
    if (size) *size = s ? n : -1;
    return s;
}
IslHandle Bytes_FromStringAndSize(IslContext *, const char *data, IslSsize n) {
    if (n < 0 || (!data && n > 0)) {
        PyErr_SetString(PyExc_SystemError, "IslBytes_FromStringAndSize: negative size or NULL data");
        return Null();
    }
    return result(PyBytes_FromStringAndSize(data ? data : "", n));
}
const char *Bytes_AsString(IslContext *, IslHandle h) {
    if (!expect(O(h) && PyBytes_Check(O(h)), "IslBytes_AsString", "bytes", O(h))) return nullptr;
    return PyBytes_AS_STRING(O(h));
}
IslSsize Bytes_Size(IslContext *, IslHandle h) {
    if (!expect(O(h) && PyBytes_Check(O(h)), "IslBytes_Size", "bytes", O(h))) return -1;
    return PyBytes_GET_SIZE(O(h));
}

// ---- tuple
IslHandle Tuple_New(IslContext *, const IslHandle *items, IslSsize n) {
    if (n < 0 || (!items && n > 0)) {
        PyErr_SetString(PyExc_SystemError, "IslTuple_New: negative size or NULL items");
        return Null();
    }
    for (IslSsize i = 0; i < n; ++i)
        if (!O(items[i])) {
            PyErr_Format(PyExc_SystemError, "IslTuple_New: item %zd is the null handle", i);
            return Null();
        }
    PyObject *t = PyTuple_New(n);
    if (!t) return Null();
    for (IslSsize i = 0; i < n; ++i) PyTuple_SET_ITEM(t, i, Py_NewRef(O(items[i])));
    return H(t);
}
IslHandle Tuple_GetItem(IslContext *, IslHandle t, IslSsize i) {
    if (!expect(O(t) && PyTuple_Check(O(t)), "IslTuple_GetItem", "tuple", O(t))) return Null();
    if (i < 0 || i >= PyTuple_GET_SIZE(O(t))) {
        PyErr_SetString(PyExc_IndexError, "tuple index out of range");
        return Null();
    }
    return H(Py_NewRef(PyTuple_GET_ITEM(O(t), i)));
}
IslSsize Tuple_Size(IslContext *, IslHandle t) {
    if (!expect(O(t) && PyTuple_Check(O(t)), "IslTuple_Size", "tuple", O(t))) return -1;
    return PyTuple_GET_SIZE(O(t));
}

// ---- list
namespace {
bool is_list(IslHandle l, const char *api) { return expect(O(l) && PyList_Check(O(l)), api, "list", O(l)); }
bool list_index(PyObject *l, IslSsize i) {
    if (i >= 0 && i < PyList_GET_SIZE(l)) return true;
    PyErr_SetString(PyExc_IndexError, "list index out of range");
    return false;
}
}  // namespace

IslHandle List_New(IslContext *) { return result(PyList_New(0)); }
int List_Append(IslContext *, IslHandle l, IslHandle item) {
    if (!is_list(l, "IslList_Append") || !not_null(O(item), "IslList_Append")) return -1;
    return PyList_Append(O(l), O(item));
}
int List_Insert(IslContext *, IslHandle l, IslSsize i, IslHandle item) {
    if (!is_list(l, "IslList_Insert") || !not_null(O(item), "IslList_Insert")) return -1;
    return PyList_Insert(O(l), i, O(item));
}
IslHandle List_GetItem(IslContext *, IslHandle l, IslSsize i) {
    if (!is_list(l, "IslList_GetItem") || !list_index(O(l), i)) return Null();
    return H(Py_NewRef(PyList_GET_ITEM(O(l), i)));
}
int List_SetItem(IslContext *, IslHandle l, IslSsize i, IslHandle item) {
    if (!is_list(l, "IslList_SetItem") || !not_null(O(item), "IslList_SetItem") || !list_index(O(l), i))
        return -1;
    PyObject *old = PyList_GET_ITEM(O(l), i);
    PyList_SET_ITEM(O(l), i, Py_NewRef(O(item)));
    Py_DECREF(old);  // after the store: a __del__ sees a consistent list
    return 0;
}
IslSsize List_Size(IslContext *, IslHandle l) {
    if (!is_list(l, "IslList_Size")) return -1;
    return PyList_GET_SIZE(O(l));
}
int List_Swap(IslContext *, IslHandle l, IslSsize i, IslSsize j) {
    if (!is_list(l, "IslList_Swap") || !list_index(O(l), i) || !list_index(O(l), j)) return -1;
    PyObject *a = PyList_GET_ITEM(O(l), i);
    PyList_SET_ITEM(O(l), i, PyList_GET_ITEM(O(l), j));
    PyList_SET_ITEM(O(l), j, a);
    return 0;
}

IslHandle List_Pop(IslContext *, IslHandle l, IslSsize i) {
    if (!is_list(l, "IslList_Pop")) return Null();
    Py_ssize_t n = PyList_GET_SIZE(O(l));
    if (i < 0) i += n;
    if (n == 0 || !list_index(O(l), i)) {
        if (n == 0) {
            PyErr_Clear();
            PyErr_SetString(PyExc_IndexError, "pop from empty list");
        }
        return Null();
    }
    PyObject *item = Py_NewRef(PyList_GET_ITEM(O(l), i));
    if (PyList_SetSlice(O(l), i, i + 1, nullptr) < 0) {
        Py_DECREF(item);
        return Null();
    }
    return H(item);
}

// ---- dict
namespace {
bool is_dict(IslHandle d, const char *api) { return expect(O(d) && PyDict_Check(O(d)), api, "dict", O(d)); }
}  // namespace

IslHandle Dict_New(IslContext *) { return result(PyDict_New()); }
int Dict_GetItem(IslContext *, IslHandle d, IslHandle key, IslHandle *value) {
    *value = Null();
    if (!is_dict(d, "IslDict_GetItem") || !not_null(O(key), "IslDict_GetItem")) return -1;
    PyObject *v = PyDict_GetItemWithError(O(d), O(key));  // borrowed: take it at once
    if (!v) return PyErr_Occurred() ? -1 : 0;
    *value = H(Py_NewRef(v));
    return 1;
}
int Dict_GetItemString(IslContext *ctx, IslHandle d, const char *key, IslHandle *value) {
    *value = Null();
    PyObject *k = PyUnicode_FromString(key);
    if (!k) return -1;
    int r = Dict_GetItem(ctx, d, H(k), value);
    Py_DECREF(k);
    return r;
}
int Dict_SetItem(IslContext *, IslHandle d, IslHandle key, IslHandle v) {
    if (!is_dict(d, "IslDict_SetItem") || !not_null(O(key), "IslDict_SetItem") ||
        !not_null(O(v), "IslDict_SetItem"))
        return -1;
    return PyDict_SetItem(O(d), O(key), O(v));
}
int Dict_SetItemString(IslContext *, IslHandle d, const char *key, IslHandle v) {
    if (!is_dict(d, "IslDict_SetItemString") || !not_null(O(v), "IslDict_SetItemString")) return -1;
    return PyDict_SetItemString(O(d), key, O(v));
}
int Dict_DelItem(IslContext *, IslHandle d, IslHandle key) {
    if (!is_dict(d, "IslDict_DelItem") || !not_null(O(key), "IslDict_DelItem")) return -1;
    return PyDict_DelItem(O(d), O(key));
}
IslSsize Dict_Size(IslContext *, IslHandle d) {
    if (!is_dict(d, "IslDict_Size")) return -1;
    return PyDict_GET_SIZE(O(d));
}
IslHandle Dict_Keys(IslContext *, IslHandle d) {
    if (!is_dict(d, "IslDict_Keys")) return Null();
    return result(PyDict_Keys(O(d)));
}

int Dict_Next(IslContext *, IslHandle d, IslSsize *pos, IslHandle *key, IslHandle *value) {
    if (!is_dict(d, "IslDict_Next")) return -1;
    if (!pos) {
        PyErr_SetString(PyExc_SystemError, "IslDict_Next: pos is NULL");
        return -1;
    }
    PyObject *k, *v;
    if (!PyDict_Next(O(d), pos, &k, &v)) return 0;
    if (key) *key = H(Py_NewRef(k));
    if (value) *value = H(Py_NewRef(v));
    return 1;
}
IslHandle Dict_SetDefault(IslContext *, IslHandle d, IslHandle key, IslHandle v) {
    if (!is_dict(d, "IslDict_SetDefault") || !not_null(O(key), "IslDict_SetDefault") ||
        !not_null(O(v), "IslDict_SetDefault"))
        return Null();
    return result(Py_XNewRef(PyDict_SetDefault(O(d), O(key), O(v))));
}

IslHandle Mapping_Items(IslContext *, IslHandle m) {
    if (!not_null(O(m), "IslMapping_Items")) return Null();
    return result(PyMapping_Items(O(m)));
}
int List_Sort(IslContext *, IslHandle l) {
    if (!expect(O(l) && PyList_Check(O(l)), "IslList_Sort", "a list", O(l))) return -1;
    return PyList_Sort(O(l));
}

// ---- sequences
int List_CompareItems(IslContext *, IslHandle l, IslSsize i, IslSsize j, int op) {
    PyObject *list = O(l);
    if (!expect(list && PyList_Check(list), "IslList_CompareItems", "a list", list)) return -1;
    if (op < Py_LT || op > Py_GE) {
        PyErr_Format(PyExc_SystemError, "IslList_CompareItems: bad comparison operator %d", op);
        return -1;
    }
    Py_ssize_t size = PyList_GET_SIZE(list);
    if (i < 0 || i >= size || j < 0 || j >= size) {
        PyErr_SetString(PyExc_IndexError, "list index out of range");
        return -1;
    }
    PyObject *a = PyList_GET_ITEM(list, i), *b = PyList_GET_ITEM(list, j);
    // Plain comparisons run no code: neither item can go, the size cannot change.
    int plain = plain_pair(a, b) ? plain_compare(a, b, op) : plain_sequence_compare(a, b, op);
    if (plain != -2) return plain;
    Py_INCREF(a);
    Py_INCREF(b);
    int r = compare_bool(a, b, op);
    Py_DECREF(a);
    Py_DECREF(b);
    if (r >= 0 && PyList_GET_SIZE(list) != size) {
        PyErr_SetString(PyExc_RuntimeError, "list changed size during iteration");
        return -1;
    }
    return r;
}
namespace {
[[gnu::noinline]] int compare_item_general(IslHandle s, IslSsize index, IslHandle other, int op, int other_first) {
    PyObject *seq = O(s), *item;
    if (!not_null(seq, "IslSequence_CompareItem") || !not_null(O(other), "IslSequence_CompareItem")) return -1;
    if (op < Py_LT || op > Py_GE) {
        PyErr_Format(PyExc_SystemError, "IslSequence_CompareItem: bad comparison operator %d", op);
        return -1;
    }
    if (PyList_CheckExact(seq) && index >= 0 && index < PyList_GET_SIZE(seq)) {
        item = PyList_GET_ITEM(seq, index);
        // A plain comparison cannot run code that drops the item: no reference needed.
        PyObject *x = other_first ? O(other) : item, *y = other_first ? item : O(other);
        int plain = plain_pair(x, y) ? plain_compare(x, y, op) : plain_sequence_compare(x, y, op);
        if (plain != -2) return plain;
        Py_INCREF(item);
    } else if (PyTuple_CheckExact(seq) && index >= 0 && index < PyTuple_GET_SIZE(seq)) {
        item = Py_NewRef(PyTuple_GET_ITEM(seq, index));
    } else {
        item = PySequence_GetItem(seq, index);
    }
    if (!item) return -1;
    int r = other_first ? compare_bool(O(other), item, op) : compare_bool(item, O(other), op);
    Py_DECREF(item);
    return r;
}
}  // namespace

// A bisection or heap step on a list of ints, floats, strs or bytes: the
// type's own comparison and nothing else, in a function small enough to need
// no frame. Everything else goes to compare_item_general.
int Sequence_CompareItem(IslContext *, IslHandle s, IslSsize index, IslHandle other, int op, int other_first) {
    PyObject *seq = O(s);
    if (seq && O(other) && PyList_CheckExact(seq) &&
        static_cast<size_t>(index) < static_cast<size_t>(PyList_GET_SIZE(seq)) && op >= Py_LT && op <= Py_GE) {
        PyObject *item = PyList_GET_ITEM(seq, index);
        PyObject *x = other_first ? O(other) : item, *y = other_first ? item : O(other);
        if (plain_pair(x, y)) {  // runs no Python code: the item needs no reference
            int r = plain_compare(x, y, op);
            if (r != -2) return r;
        }
    }
    return compare_item_general(s, index, other, op, other_first);
}
IslHandle Sequence_Fast(IslContext *, IslHandle o, const char *message) {
    if (!not_null(O(o), "IslSequence_Fast")) return Null();
    return result(PySequence_Fast(O(o), message ? message : "expected an iterable"));
}
const IslHandle *Sequence_FastItems(IslContext *, IslHandle fast, IslSsize *size) {
    PyObject *o = O(fast);
    if (!expect(o && (PyList_Check(o) || PyTuple_Check(o)), "IslSequence_FastItems", "a list or tuple", o))
        return nullptr;
    if (size) *size = PySequence_Fast_GET_SIZE(o);
    // Release-mode handles are the object pointers, so the item array is one.
    // An empty list has no array at all: NULL would read as an error.
    static const IslHandle no_items[1] = {};
    PyObject **items = PySequence_Fast_ITEMS(o);
    return items ? reinterpret_cast<const IslHandle *>(items) : no_items;
}
IslHandle Sequence_Tuple(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslSequence_Tuple")) return Null();
    return result(PySequence_Tuple(O(o)));
}
namespace {
// key(item) op other, or other op key(item): the keyed step's call and
// comparison. Takes over the reference to `item`, held while the key runs.
inline int compare_keyed(PyObject *key, PyObject *item, PyObject *other, int op, int other_first) {
    PyObject *keyed = call_one_arg(key, item);
    Py_DECREF(item);
    if (!keyed) return -1;
    int r = other_first ? compare_bool(other, keyed, op) : compare_bool(keyed, other, op);
    Py_DECREF(keyed);
    return r;
}

[[gnu::noinline]] int compare_keyed_item_general(IslHandle s, IslSsize index, IslHandle key, IslHandle other, int op,
                                                 int other_first) {
    PyObject *seq = O(s), *item;
    // A key that cannot be called raises CPython's own TypeError from the call.
    if (!not_null(seq, "IslSequence_CompareKeyedItem") || !not_null(O(other), "IslSequence_CompareKeyedItem") ||
        !not_null(O(key), "IslSequence_CompareKeyedItem"))
        return -1;
    if (op < Py_LT || op > Py_GE) {
        PyErr_Format(PyExc_SystemError, "IslSequence_CompareKeyedItem: bad comparison operator %d", op);
        return -1;
    }
    if (PyList_CheckExact(seq) && index >= 0 && index < PyList_GET_SIZE(seq))
        item = Py_NewRef(PyList_GET_ITEM(seq, index));
    else
        item = PySequence_GetItem(seq, index);
    return item ? compare_keyed(O(key), item, O(other), op, other_first) : -1;
}
}  // namespace

// A keyed bisection step on a list: the key's call, then, for a plain pair,
// the type's own comparison; the rest goes to compare_keyed_item_general.
int Sequence_CompareKeyedItem(IslContext *, IslHandle s, IslSsize index, IslHandle key, IslHandle other, int op,
                              int other_first) {
    PyObject *seq = O(s), *k = O(key), *o = O(other);
    if (!(seq && o && k && PyList_CheckExact(seq) &&
          static_cast<size_t>(index) < static_cast<size_t>(PyList_GET_SIZE(seq)) && op >= Py_LT && op <= Py_GE))
        return compare_keyed_item_general(s, index, key, other, op, other_first);
    // The key may drop the item from the list: it is held until the key returns.
    return compare_keyed(k, Py_NewRef(PyList_GET_ITEM(seq, index)), o, op, other_first);
}
int Callable_Check(IslContext *, IslHandle o) { return O(o) && PyCallable_Check(O(o)); }

// Py_EnterRecursiveCall reports failure as 1, not -1 (its && of two checks).
int Recursion_Enter(IslContext *, const char *where) { return Py_EnterRecursiveCall(where ? where : "") ? -1 : 0; }
void Recursion_Leave(IslContext *) { Py_LeaveRecursiveCall(); }

// ---- generic objects
IslHandle Object_GetAttrString(IslContext *, IslHandle o, const char *name) {
    if (!not_null(O(o), "IslObject_GetAttrString")) return Null();
    return result(PyObject_GetAttrString(O(o), name));
}
int Object_SetAttrString(IslContext *, IslHandle o, const char *name, IslHandle v) {
    if (!not_null(O(o), "IslObject_SetAttrString")) return -1;
    return PyObject_SetAttrString(O(o), name, O(v));  // null value deletes, as in CPython
}
int Object_HasAttrString(IslContext *, IslHandle o, const char *name) {
    if (!not_null(O(o), "IslObject_HasAttrString")) return -1;
    PyObject *v = PyObject_GetAttrString(O(o), name);
    if (v) {
        Py_DECREF(v);
        return 1;
    }
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        return 0;
    }
    return -1;
}
IslHandle Object_GetAttr(IslContext *, IslHandle o, IslHandle name) {
    if (!not_null(O(o), "IslObject_GetAttr") || !not_null(O(name), "IslObject_GetAttr")) return Null();
    return result(PyObject_GetAttr(O(o), O(name)));
}
int Object_SetAttr(IslContext *, IslHandle o, IslHandle name, IslHandle v) {
    if (!not_null(O(o), "IslObject_SetAttr") || !not_null(O(name), "IslObject_SetAttr")) return -1;
    return PyObject_SetAttr(O(o), O(name), O(v));
}
IslHandle Object_GetItem(IslContext *, IslHandle o, IslHandle k) {
    if (!not_null(O(o), "IslObject_GetItem") || !not_null(O(k), "IslObject_GetItem")) return Null();
    return result(PyObject_GetItem(O(o), O(k)));
}
int Object_SetItem(IslContext *, IslHandle o, IslHandle k, IslHandle v) {
    if (!not_null(O(o), "IslObject_SetItem") || !not_null(O(k), "IslObject_SetItem") ||
        !not_null(O(v), "IslObject_SetItem"))
        return -1;
    return PyObject_SetItem(O(o), O(k), O(v));
}
int Object_DelItem(IslContext *, IslHandle o, IslHandle k) {
    if (!not_null(O(o), "IslObject_DelItem") || !not_null(O(k), "IslObject_DelItem")) return -1;
    return PyObject_DelItem(O(o), O(k));
}
IslHandle Sequence_GetItem(IslContext *, IslHandle s, IslSsize i) {
    if (!not_null(O(s), "IslSequence_GetItem")) return Null();
    return result(PySequence_GetItem(O(s), i));
}
IslSsize Object_Length(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_Length")) return -1;
    return PyObject_Length(O(o));
}
int Sequence_Check(IslContext *, IslHandle o) { return O(o) && PySequence_Check(O(o)); }
IslSsize Sequence_Size(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslSequence_Size")) return -1;
    return PySequence_Size(O(o));
}
int Object_IsTrue(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_IsTrue")) return -1;
    return PyObject_IsTrue(O(o));
}
namespace {
bool valid_op(int op) {
    if (op >= Py_LT && op <= Py_GE) return true;
    PyErr_Format(PyExc_SystemError, "bad comparison operator %d (use ISL_LT..ISL_GE)", op);
    return false;
}
}  // namespace
IslHandle Object_RichCompare(IslContext *, IslHandle a, IslHandle b, int op) {
    if (!not_null(O(a), "IslObject_RichCompare") || !not_null(O(b), "IslObject_RichCompare") || !valid_op(op))
        return Null();
    return result(PyObject_RichCompare(O(a), O(b), op));
}
int Object_RichCompareBool(IslContext *, IslHandle a, IslHandle b, int op) {
    if (!not_null(O(a), "IslObject_RichCompareBool") || !not_null(O(b), "IslObject_RichCompareBool") ||
        !valid_op(op))
        return -1;
    return compare_bool(O(a), O(b), op);
}
IslSsize Object_Hash(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_Hash")) return -1;
    return PyObject_Hash(O(o));
}
IslHandle Object_Repr(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_Repr")) return Null();
    return result(PyObject_Repr(O(o)));
}
IslHandle Object_Str(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_Str")) return Null();
    return result(PyObject_Str(O(o)));
}
IslHandle Object_Call(IslContext *, IslHandle callable, IslHandle args, IslHandle kwargs) {
    if (!not_null(O(callable), "IslObject_Call")) return Null();
    if (O(args) && !expect(PyTuple_Check(O(args)), "IslObject_Call", "a tuple of arguments", O(args)))
        return Null();
    if (O(kwargs) && !expect(PyDict_Check(O(kwargs)), "IslObject_Call", "a dict of keyword arguments", O(kwargs)))
        return Null();
    if (O(args)) return result(PyObject_Call(O(callable), O(args), O(kwargs)));
    PyObject *empty = PyTuple_New(0);
    if (!empty) return Null();
    PyObject *r = PyObject_Call(O(callable), empty, O(kwargs));
    Py_DECREF(empty);
    return result(r);
}
IslHandle Object_Vectorcall(IslContext *, IslHandle callable, const IslHandle *args, size_t nargs,
                            IslHandle kwnames) {
    if (!not_null(O(callable), "IslObject_Vectorcall")) return Null();
    if (O(kwnames) && !expect(PyTuple_Check(O(kwnames)), "IslObject_Vectorcall", "a tuple of keyword names",
                              O(kwnames)))
        return Null();
    if (nargs > static_cast<size_t>(PY_SSIZE_T_MAX)) {  // a flag bit here would let the callee write args[-1]
        PyErr_Format(PyExc_SystemError, "IslObject_Vectorcall: bad argument count %zu", nargs);
        return Null();
    }
    return result(vectorcall(O(callable), reinterpret_cast<PyObject *const *>(args), nargs, O(kwnames)));
}
IslHandle Object_CallMethod(IslContext *, IslHandle o, const char *name, const IslHandle *args, size_t nargs) {
    if (!not_null(O(o), "IslObject_CallMethod")) return Null();
    PyObject *pyname = PyUnicode_InternFromString(name);
    if (!pyname) return Null();
    PyObject *small[8];
    PyObject **stack = nargs < 8 ? small : static_cast<PyObject **>(PyMem_Malloc((nargs + 1) * sizeof(PyObject *)));
    PyObject *r = nullptr;
    if (!stack) {
        PyErr_NoMemory();
    } else {
        stack[0] = O(o);
        for (size_t i = 0; i < nargs; ++i) stack[i + 1] = O(args[i]);
        r = PyObject_VectorcallMethod(pyname, stack, (nargs + 1) | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
        if (stack != small) PyMem_Free(stack);
    }
    Py_DECREF(pyname);
    return result(r);
}
IslHandle Object_GetIter(IslContext *, IslHandle o) {
    if (!not_null(O(o), "IslObject_GetIter")) return Null();
    return result(PyObject_GetIter(O(o)));
}
IslHandle Iter_Next(IslContext *, IslHandle it) {
    if (!O(it) || !PyIter_Check(O(it))) {
        if (O(it)) PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator", Py_TYPE(O(it))->tp_name);
        else PyErr_SetString(PyExc_SystemError, "IslIter_Next: got the null handle");
        return Null();
    }
    return result(PyIter_Next(O(it)));
}

// ---- modules and import
IslHandle Import_ImportModule(IslContext *, const char *name) { return result(PyImport_ImportModule(name)); }
int Module_AddObject(IslContext *, IslHandle m, const char *name, IslHandle v) {
    if (!expect(O(m) && PyModule_Check(O(m)), "IslModule_AddObject", "a module", O(m)) ||
        !not_null(O(v), "IslModule_AddObject"))
        return -1;
    return PyModule_AddObjectRef(O(m), name, O(v));
}

}  // namespace isles::internal::impl

// Release-mode implementations of the text slots: str contents, encodings,
// the str builder, and numbers to and from text.
#include <cstring>
#include <new>
#include <string>

#include "backend.h"

// The str builder is CPython's own _PyUnicodeWriter (in 3.12 and 3.13 it is
// exported but private; 3.14's public PyUnicodeWriter replaces it).
struct IslStrBuilder {
    _PyUnicodeWriter writer;
};

namespace isles::internal::impl {
namespace {

bool is_str(IslHandle h, const char *api) { return expect(O(h) && PyUnicode_Check(O(h)), api, "a str", O(h)); }

}  // namespace

const void *Str_Data(IslContext *, IslHandle h, int *kind, IslSsize *length) {
    if (!is_str(h, "IslStr_Data")) return nullptr;
    PyObject *s = O(h);
    if (kind) *kind = PyUnicode_KIND(s);
    if (length) *length = PyUnicode_GET_LENGTH(s);
    return PyUnicode_DATA(s);
}

IslHandle Str_FromKindAndData(IslContext *, int kind, const void *data, IslSsize length) {
    if (kind != 1 && kind != 2 && kind != 4)
        return H(PyErr_Format(PyExc_ValueError, "IslStr_FromKindAndData: kind must be 1, 2 or 4, not %d", kind));
    if (length < 0 || (!data && length > 0))
        return H(PyErr_Format(PyExc_ValueError, "IslStr_FromKindAndData: bad data or length %zd", length));
    return H(PyUnicode_FromKindAndData(kind, data, length));
}

IslHandle Str_Decode(IslContext *, const char *data, IslSsize size, const char *encoding, const char *errors) {
    if (size < 0 || (!data && size > 0))
        return H(PyErr_Format(PyExc_ValueError, "IslStr_Decode: bad data or size %zd", size));
    return H(PyUnicode_Decode(data ? data : "", size, encoding ? encoding : "utf-8", errors));
}

IslHandle Str_Encode(IslContext *, IslHandle str, const char *encoding, const char *errors) {
    if (!is_str(str, "IslStr_Encode")) return Null();
    return H(PyUnicode_AsEncodedString(O(str), encoding ? encoding : "utf-8", errors));
}

IslHandle Str_Join(IslContext *, IslHandle sep, IslHandle iterable) {
    if (!is_str(sep, "IslStr_Join") || !expect(O(iterable), "IslStr_Join", "an iterable", O(iterable)))
        return Null();
    return H(PyUnicode_Join(O(sep), O(iterable)));
}

// ---- the builder
IslStrBuilder *StrBuilder_New(IslContext *, IslSsize size_hint) {
    auto *b = new (std::nothrow) IslStrBuilder;
    if (!b) {
        PyErr_NoMemory();
        return nullptr;
    }
    _PyUnicodeWriter_Init(&b->writer);
    b->writer.overallocate = 1;
    if (size_hint > 0) b->writer.min_length = size_hint;
    return b;
}

int StrBuilder_AppendStr(IslContext *, IslStrBuilder *b, IslHandle str) {
    if (!b) {
        PyErr_SetString(PyExc_SystemError, "IslStrBuilder_AppendStr: no builder");
        return -1;
    }
    if (!is_str(str, "IslStrBuilder_AppendStr")) return -1;
    return _PyUnicodeWriter_WriteStr(&b->writer, O(str));
}

int StrBuilder_AppendUTF8(IslContext *, IslStrBuilder *b, const char *utf8, IslSsize size) {
    if (!b || !utf8) {
        PyErr_SetString(PyExc_SystemError, "IslStrBuilder_AppendUTF8: no builder or text");
        return -1;
    }
    if (size < 0) size = static_cast<IslSsize>(strlen(utf8));
    bool ascii = true;
    for (IslSsize i = 0; i < size && ascii; ++i) ascii = static_cast<unsigned char>(utf8[i]) < 0x80;
    if (ascii) return _PyUnicodeWriter_WriteASCIIString(&b->writer, utf8, size);
    PyObject *s = PyUnicode_DecodeUTF8(utf8, size, nullptr);
    if (!s) return -1;
    int r = _PyUnicodeWriter_WriteStr(&b->writer, s);
    Py_DECREF(s);
    return r;
}

int StrBuilder_AppendChar(IslContext *, IslStrBuilder *b, uint32_t ch) {
    if (!b) {
        PyErr_SetString(PyExc_SystemError, "IslStrBuilder_AppendChar: no builder");
        return -1;
    }
    if (ch > 0x10FFFF) {
        PyErr_Format(PyExc_ValueError, "IslStrBuilder_AppendChar: code point %u is above U+10FFFF", ch);
        return -1;
    }
    return _PyUnicodeWriter_WriteChar(&b->writer, static_cast<Py_UCS4>(ch));
}

IslHandle StrBuilder_Finish(IslContext *, IslStrBuilder *b) {
    if (!b) return H(PyErr_Format(PyExc_SystemError, "IslStrBuilder_Finish: no builder"));
    PyObject *s = _PyUnicodeWriter_Finish(&b->writer);  // frees the buffer on failure too
    delete b;
    return H(s);
}

void StrBuilder_Discard(IslContext *, IslStrBuilder *b) {
    if (!b) return;
    _PyUnicodeWriter_Dealloc(&b->writer);
    delete b;
}

// ---- numbers and text
IslHandle Float_FromUTF8AndSize(IslContext *, const char *utf8, IslSsize size) {
    if (!utf8 || size < 0) return H(PyErr_Format(PyExc_SystemError, "IslFloat_FromUTF8AndSize: bad text"));
    PyObject *s = PyUnicode_FromStringAndSize(utf8, size);
    if (!s) return Null();
    PyObject *f = PyFloat_FromString(s);
    Py_DECREF(s);
    return H(f);
}

IslHandle Long_FromUTF8AndSize(IslContext *, const char *utf8, IslSsize size, int base) {
    if (!utf8 || size < 0) return H(PyErr_Format(PyExc_SystemError, "IslLong_FromUTF8AndSize: bad text"));
    // PyLong_FromString needs a NUL-terminated buffer and must consume it all.
    std::string text(utf8, static_cast<size_t>(size));
    char *end = nullptr;
    PyObject *v = PyLong_FromString(text.c_str(), &end, base);
    if (v && end != text.c_str() + text.size()) {
        Py_DECREF(v);
        PyObject *repr = PyUnicode_FromStringAndSize(utf8, size);
        if (repr) PyErr_Format(PyExc_ValueError, "invalid literal for int() with base %d: %R", base, repr);
        Py_XDECREF(repr);
        return Null();
    }
    return H(v);
}

IslHandle Float_Repr(IslContext *, double value) {
    char *text = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
    if (!text) return H(PyErr_NoMemory());
    PyObject *s = PyUnicode_FromString(text);
    PyMem_Free(text);
    return H(s);
}

IslHandle Str_FromFormatFloat(IslContext *, double value, char code, int precision) {
    if (code != 'e' && code != 'f' && code != 'g' && code != 'r')
        return H(PyErr_Format(PyExc_ValueError, "IslStr_FromFormatFloat: format code must be e, f, g or r, not '%c'", code));
    if (code == 'r') precision = 0;
    if (precision < 0 || precision > 1000)
        return H(PyErr_Format(PyExc_ValueError, "IslStr_FromFormatFloat: precision %d out of range", precision));
    char *text = PyOS_double_to_string(value, code, precision, code == 'r' ? Py_DTSF_ADD_DOT_0 : 0, nullptr);
    if (!text) return H(PyErr_NoMemory());
    PyObject *s = PyUnicode_FromString(text);
    PyMem_Free(text);
    return H(s);
}

IslHandle Long_Repr(IslContext *, IslHandle h) {
    if (!expect(O(h) && PyLong_Check(O(h)), "IslLong_Repr", "an int", O(h))) return Null();
    return H(PyLong_Type.tp_repr(O(h)));
}

IslHandle Number_Float(IslContext *, IslHandle h) {
    if (!expect(O(h), "IslNumber_Float", "an object", O(h))) return Null();
    return H(PyNumber_Float(O(h)));
}

}  // namespace isles::internal::impl

// Exceptions: the error slots, and the formatter behind IslErr_Format.
#include <cstdarg>
#include <cstdio>
#include <string>

#include "backend.h"

namespace isles::internal {

PyObject *type_name(PyObject *type) {
    if (!PyType_Check(type)) type = reinterpret_cast<PyObject *>(Py_TYPE(type));
    PyObject *mod = PyObject_GetAttrString(type, "__module__");
    PyObject *qual = PyObject_GetAttrString(type, "__qualname__");
    PyObject *r = nullptr;
    if (mod && qual && PyUnicode_Check(mod) && PyUnicode_Check(qual)) {
        r = PyUnicode_CompareWithASCIIString(mod, "builtins") == 0 ? Py_NewRef(qual) : PyUnicode_FromFormat("%U.%U", mod, qual);
    } else {
        PyErr_Clear();
        r = PyUnicode_FromString(reinterpret_cast<PyTypeObject *>(type)->tp_name);
    }
    Py_XDECREF(mod);
    Py_XDECREF(qual);
    return r;
}

namespace {

// Appends the UTF-8 of a str object produced by `make`, consuming it.
bool append_str(std::string &out, PyObject *s) {
    if (!s) return false;
    Py_ssize_t n;
    const char *p = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &n) : nullptr;
    if (p) out.append(p, static_cast<size_t>(n));
    Py_DECREF(s);
    return p != nullptr;
}

// printf-style formatting, plus %S %R %T %N taking an IslHandle.
bool format_message(std::string &out, const char *fmt, va_list ap) {
    for (const char *f = fmt; *f; ++f) {
        if (*f != '%') {
            out.push_back(*f);
            continue;
        }
        const char *start = f++;
        while (*f == '-' || *f == '0' || *f == '.' || (*f >= '1' && *f <= '9')) ++f;  // width/precision
        std::string spec(start, f);
        char lenmod[3] = {0, 0, 0};
        if (*f == 'z' || *f == 'l') {
            lenmod[0] = *f++;
            if (lenmod[0] == 'l' && *f == 'l') lenmod[1] = *f++;
        }
        char buf[128];
        char conv = *f;
        std::string full = spec + lenmod + conv;
        switch (conv) {
            case '%': out.push_back('%'); break;
            case 'c': out.push_back(static_cast<char>(va_arg(ap, int))); break;
            case 's': {
                const char *s = va_arg(ap, const char *);
                if (spec.size() > 1) {  // honour a precision such as %.200s
                    int need = std::snprintf(nullptr, 0, full.c_str(), s ? s : "(null)");
                    std::string tmp(static_cast<size_t>(need) + 1, '\0');
                    std::snprintf(tmp.data(), tmp.size(), full.c_str(), s ? s : "(null)");
                    tmp.resize(static_cast<size_t>(need));
                    out += tmp;
                } else {
                    out += s ? s : "(null)";
                }
                break;
            }
            case 'd': case 'i': case 'u': case 'x': case 'X': {
                if (lenmod[0] == 'z') {
                    if (conv == 'd' || conv == 'i') std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, Py_ssize_t));
                    else std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, size_t));
                } else if (lenmod[1] == 'l') {
                    if (conv == 'd' || conv == 'i') std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, long long));
                    else std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, unsigned long long));
                } else if (lenmod[0] == 'l') {
                    if (conv == 'd' || conv == 'i') std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, long));
                    else std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, unsigned long));
                } else {
                    if (conv == 'd' || conv == 'i') std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, int));
                    else std::snprintf(buf, sizeof buf, full.c_str(), va_arg(ap, unsigned int));
                }
                out += buf;
                break;
            }
            case 'p': std::snprintf(buf, sizeof buf, "%p", va_arg(ap, void *)); out += buf; break;
            case 'S': case 'R': case 'T': case 'N': {
                PyObject *o = O(va_arg(ap, IslHandle));
                if (!o) {
                    out += "<NULL>";
                    break;
                }
                PyObject *s = conv == 'S' ? PyObject_Str(o) : conv == 'R' ? PyObject_Repr(o) : type_name(o);
                if (!append_str(out, s)) return false;
                break;
            }
            default:
                PyErr_Format(PyExc_SystemError, "IslErr_Format: unsupported format code '%%%s' in \"%.100s\"",
                             full.c_str(), fmt);
                return false;
        }
        if (!*f) break;
    }
    return true;
}

}  // namespace

namespace impl {

IslHandle Err_SetString(IslContext *, IslHandle type, const char *msg) {
    PyErr_SetString(O(type) ? O(type) : PyExc_SystemError, msg ? msg : "");
    return Null();
}
IslHandle Err_SetObject(IslContext *, IslHandle type, IslHandle value) {
    PyErr_SetObject(O(type) ? O(type) : PyExc_SystemError, O(value));
    return Null();
}
IslHandle Err_Format(IslContext *, IslHandle type, const char *fmt, ...) {
    std::string msg;
    va_list ap;
    va_start(ap, fmt);
    bool ok = format_message(msg, fmt ? fmt : "", ap);
    va_end(ap);
    if (!ok) return Null();  // the formatter's own error is set
    PyObject *s = PyUnicode_DecodeUTF8(msg.data(), static_cast<Py_ssize_t>(msg.size()), "replace");
    if (!s) return Null();
    PyErr_SetObject(O(type) ? O(type) : PyExc_SystemError, s);
    Py_DECREF(s);
    return Null();
}
int Err_Occurred(IslContext *) { return PyErr_Occurred() != nullptr; }
int Err_ExceptionMatches(IslContext *, IslHandle type) { return O(type) && PyErr_ExceptionMatches(O(type)); }
void Err_Clear(IslContext *) { PyErr_Clear(); }
IslHandle Err_Fetch(IslContext *) { return H(PyErr_GetRaisedException()); }
void Err_Restore(IslContext *, IslHandle exc) {
    if (!O(exc)) {
        PyErr_Clear();
    } else if (!PyExceptionInstance_Check(O(exc))) {
        PyErr_Format(PyExc_SystemError, "IslErr_Restore: expected an exception instance, got %s",
                     Py_TYPE(O(exc))->tp_name);
    } else {
        PyErr_SetRaisedException(Py_NewRef(O(exc)));
    }
}
IslHandle Err_NoMemory(IslContext *) {
    PyErr_NoMemory();
    return Null();
}
int Err_WarnEx(IslContext *, IslHandle category, const char *msg, IslSsize stacklevel) {
    return PyErr_WarnEx(O(category), msg, stacklevel);
}

}  // namespace impl
}  // namespace isles::internal

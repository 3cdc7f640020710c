// Exceptions: the error slots, and the formatter behind IslErr_Format.
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "backend.h"

namespace isles::internal {

// CPython's PyType_GetFullyQualifiedName (3.13+), for every version: the
// __qualname__, prefixed with the __module__ unless that is builtins or
// __main__ or not a str; tp_name if __qualname__ fails.
PyObject *type_name(PyObject *type) {
    if (!PyType_Check(type)) type = reinterpret_cast<PyObject *>(Py_TYPE(type));
    // A metaclass may raise for either lookup: neither runs with the other's error set.
    PyObject *mod = PyObject_GetAttrString(type, "__module__");
    if (!mod) PyErr_Clear();
    PyObject *qual = PyObject_GetAttrString(type, "__qualname__");
    PyObject *r = nullptr;
    if (qual && PyUnicode_Check(qual)) {
        bool plain = !mod || !PyUnicode_Check(mod) || PyUnicode_CompareWithASCIIString(mod, "builtins") == 0 ||
                     PyUnicode_CompareWithASCIIString(mod, "__main__") == 0;
        r = plain ? Py_NewRef(qual) : PyUnicode_FromFormat("%U.%U", mod, qual);
    } else {
        PyErr_Clear();
        r = PyUnicode_FromString(reinterpret_cast<PyTypeObject *>(type)->tp_name);
    }
    Py_XDECREF(mod);
    Py_XDECREF(qual);
    return r;
}

namespace {

bool format_error(const char *what, const std::string &code, const char *fmt) {
    PyErr_Format(PyExc_SystemError, "IslErr_Format: %s '%s' in \"%.100s\"", what, code.c_str(), fmt);
    return false;
}

// Appends a str (consumed) as UTF-8, at most `prec` characters (-1: all), padded
// with spaces to `width` characters. Lone surrogates travel as "surrogatepass"
// bytes, which the final decode turns back into the same characters.
bool append_str(std::string &out, PyObject *s, long width, long prec, bool left) {
    if (!s) return false;
    if (prec >= 0 && PyUnicode_GET_LENGTH(s) > prec) {
        PyObject *cut = PyUnicode_Substring(s, 0, prec);
        Py_SETREF(s, cut);
        if (!s) return false;
    }
    size_t pad = width > PyUnicode_GET_LENGTH(s) ? static_cast<size_t>(width - PyUnicode_GET_LENGTH(s)) : 0;
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(s, &n);
    PyObject *bytes = nullptr;
    if (!p && PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        PyErr_Clear();
        bytes = PyUnicode_AsEncodedString(s, "utf-8", "surrogatepass");
        if (bytes) {
            p = PyBytes_AS_STRING(bytes);
            n = PyBytes_GET_SIZE(bytes);
        }
    }
    if (p) {
        if (!left) out.append(pad, ' ');
        out.append(p, static_cast<size_t>(n));
        if (left) out.append(pad, ' ');
    }
    Py_XDECREF(bytes);
    Py_DECREF(s);
    return p != nullptr;
}

// Appends C text that should be UTF-8; invalid bytes become U+FFFD (CPython's %s).
bool append_text(std::string &out, const char *p, size_t n) {
    size_t i = 0;
    while (i < n && static_cast<unsigned char>(p[i]) < 0x80) ++i;
    if (i == n) {
        out.append(p, n);
        return true;
    }
    return append_str(out, PyUnicode_DecodeUTF8(p, static_cast<Py_ssize_t>(n), "replace"), -1, -1, false);
}

// snprintf of one conversion, sized first: no fixed buffer, no truncation.
template <class T>
bool append_printf(std::string &out, const std::string &spec, const char *fmt, T value) {
    int need = std::snprintf(nullptr, 0, spec.c_str(), value);
    if (need < 0) return format_error("cannot format", spec, fmt);
    size_t at = out.size();
    out.resize(at + static_cast<size_t>(need) + 1);
    std::snprintf(&out[at], static_cast<size_t>(need) + 1, spec.c_str(), value);
    out.resize(at + static_cast<size_t>(need));
    return true;
}

// Appends code point `c` as UTF-8 (surrogates as "surrogatepass" bytes).
bool append_code_point(std::string &out, int c) {
    if (c < 0 || c > 0x10FFFF) {
        PyErr_Format(PyExc_ValueError, "IslErr_Format: %%c argument %d is not in range(0x110000)", c);
        return false;
    }
    auto u = static_cast<unsigned>(c);
    if (u < 0x80) {
        out.push_back(static_cast<char>(u));
    } else if (u < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (u >> 6)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else if (u < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (u >> 12)));
        out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (u >> 18)));
        out.push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
    return true;
}

// Reads a decimal width or precision; false when it does not fit in an int.
bool read_number(const char *&f, long &value) {
    value = 0;
    for (; *f >= '0' && *f <= '9'; ++f) {
        value = value * 10 + (*f - '0');
        if (value > INT_MAX) return false;
    }
    return true;
}

// printf-style formatting, plus %S %R %T %N taking an IslHandle.
bool format_message(std::string &out, const char *fmt, va_list ap) {
    const char *f = fmt;
    while (*f) {
        const char *lit = f;
        while (*f && *f != '%') ++f;
        if (f > lit && !append_text(out, lit, static_cast<size_t>(f - lit))) return false;
        if (!*f) break;
        const char *start = f++;
        bool left = false, zero = false;
        for (;; ++f) {
            if (*f == '-') left = true;
            else if (*f == '0') zero = true;
            else break;
        }
        long width = -1, prec = -1;
        bool ok = true;
        if (*f >= '1' && *f <= '9') ok = read_number(f, width);
        if (ok && *f == '.') ok = read_number(++f, prec);
        const char *mods = f;
        if (*f == 'z' || *f == 'l') f += (f[0] == 'l' && f[1] == 'l') ? 2 : 1;
        bool has_mod = f != mods, has_spec = mods != start + 1;
        char conv = *f;
        std::string spec(start, *f ? f + 1 : f);
        if (!ok) return format_error("width or precision too large in", spec, fmt);
        if (*f) ++f;
        if (has_mod && !std::strchr("diuxX", conv ? conv : '!')) return format_error("unsupported format code", spec, fmt);
        switch (conv) {
            case '%': case 'c': case 'p':
                if (has_spec) return format_error("unsupported format code", spec, fmt);
                if (conv == '%') out.push_back('%');
                else if (conv == 'c' && !append_code_point(out, va_arg(ap, int))) return false;
                else if (conv == 'p' && !append_printf(out, "%p", fmt, va_arg(ap, void *))) return false;
                break;
            case 's': {
                if (zero) return format_error("unsupported format code", spec, fmt);
                const char *s = va_arg(ap, const char *);
                if (!s) s = "(null)";
                std::string tmp;  // with a width or precision, snprintf applies it (in bytes, as CPython's %s)
                if (has_spec && !append_printf(tmp, spec, fmt, s)) return false;
                if (!has_spec) tmp = s;
                if (!append_text(out, tmp.data(), tmp.size())) return false;
                break;
            }
            case 'd': case 'i': case 'u': case 'x': case 'X': {
                bool sign = conv == 'd' || conv == 'i';
                bool r;
                if (mods[0] == 'z')
                    r = sign ? append_printf(out, spec, fmt, va_arg(ap, Py_ssize_t))
                             : append_printf(out, spec, fmt, va_arg(ap, size_t));
                else if (mods[0] == 'l' && mods[1] == 'l')
                    r = sign ? append_printf(out, spec, fmt, va_arg(ap, long long))
                             : append_printf(out, spec, fmt, va_arg(ap, unsigned long long));
                else if (mods[0] == 'l')
                    r = sign ? append_printf(out, spec, fmt, va_arg(ap, long))
                             : append_printf(out, spec, fmt, va_arg(ap, unsigned long));
                else
                    r = sign ? append_printf(out, spec, fmt, va_arg(ap, int))
                             : append_printf(out, spec, fmt, va_arg(ap, unsigned int));
                if (!r) return false;
                break;
            }
            case 'S': case 'R': case 'T': case 'N': {
                if (zero) return format_error("unsupported format code", spec, fmt);
                PyObject *o = O(va_arg(ap, IslHandle));
                if (!o) {
                    out += "<NULL>";
                    break;
                }
                if (conv == 'N' && !PyType_Check(o)) {
                    PyErr_Format(PyExc_SystemError, "IslErr_Format: %%N expects a type, got %.200s",
                                 Py_TYPE(o)->tp_name);
                    return false;
                }
                PyObject *s = conv == 'S'   ? PyObject_Str(o)
                              : conv == 'R' ? PyObject_Repr(o)
                              : conv == 'T' ? type_name(reinterpret_cast<PyObject *>(Py_TYPE(o)))  // even for a type
                                            : type_name(o);
                if (!append_str(out, s, width, prec, left)) return false;
                break;
            }
            default:
                return format_error("unsupported format code", spec, fmt);
        }
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
    // As PyErr_Format: a pending exception is dropped, so str()/repr() of the
    // arguments never run with one set.
    PyErr_Clear();
    PyObject *s = nullptr;
    va_list ap;
    va_start(ap, fmt);
    try {  // called from C: no C++ exception may escape
        std::string msg;
        if (format_message(msg, fmt ? fmt : "", ap))  // else the formatter's own error is set
            s = PyUnicode_DecodeUTF8(msg.data(), static_cast<Py_ssize_t>(msg.size()), "surrogatepass");
    } catch (const std::bad_alloc &) {
        PyErr_NoMemory();
    } catch (...) {
        PyErr_SetString(PyExc_SystemError, "IslErr_Format: internal error");
    }
    va_end(ap);
    if (s) {
        PyErr_SetObject(O(type) ? O(type) : PyExc_SystemError, s);
        Py_DECREF(s);
    }
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

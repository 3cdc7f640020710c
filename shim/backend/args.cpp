// IslArg_Parse: positional and keyword arguments of a fastcall function.
// Written by hand: CPython's own parsers take tuples/dicts or private
// _PyArg_Parser structs, and handle arrays must not depend on either.
#include <cstdarg>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "backend.h"

namespace isles::internal::impl {
namespace {

// A format compiled once: IslArg_Parse compiles on every call, IslArg_ParseSpec
// once per IslArgSpec (kept in its private words).
constexpr size_t kMaxParams = 32;
enum : uint8_t { kOptional = 1, kKwOnly = 2 };
// flags[i] >> kLenShift: the length of keyword i, kLongName for 63 or more,
// 0 for none; lets the keyword fast path rule out most names by length.
constexpr unsigned kLenShift = 2, kLongName = 63;

struct Compiled {
    uint8_t n, max_pos, required_pos;
    bool all_objects;  // every code is 'O': IslArg_UnpackSpec accepts the spec
    uint8_t code[kMaxParams];
    uint8_t flags[kMaxParams];
    const char *fname;  // the format's tail after ':', NUL-terminated like the format
};
static_assert(sizeof(Compiled) <= sizeof(IslArgSpec::_compiled), "IslArgSpec cannot hold a compiled format");

struct Param {
    char code;
    bool optional;
    const char *name;  // nullptr or "" = positional-only
};

struct Spec {
    const Compiled &c;
    const char *const *keywords;
    const char *fname() const { return c.fname; }
    Param param(size_t i) const {
        return {static_cast<char>(c.code[i]), (c.flags[i] & kOptional) != 0, keywords ? keywords[i] : nullptr};
    }
};

bool parse_format(const char *format, const char *const *keywords, Compiled &out) {
    bool optional = false, kwonly = false;
    out.n = out.max_pos = out.required_pos = 0;
    out.all_objects = true;
    out.fname = "function";
    for (const char *f = format; *f; ++f) {
        switch (*f) {
            case '|': optional = true; break;
            case '$': kwonly = optional = true; break;
            case ':':
                out.fname = f + 1;
                goto done;  // the rest is the name
            case 'O': case 'i': case 'n': case 'L': case 'd': case 's': case 'p':
                if (out.n == kMaxParams) {
                    PyErr_Format(PyExc_SystemError, "IslArg_Parse: more than %zu parameters in \"%s\"", kMaxParams,
                                 format);
                    return false;
                }
                out.code[out.n] = static_cast<uint8_t>(*f);
                out.all_objects = out.all_objects && *f == 'O';
                out.flags[out.n] = (optional ? kOptional : 0) | (kwonly ? kKwOnly : 0);
                if (!kwonly) {
                    ++out.max_pos;
                    if (!optional) ++out.required_pos;
                }
                ++out.n;
                break;
            default:
                PyErr_Format(PyExc_SystemError, "IslArg_Parse: unknown format code '%c' in \"%s\"", *f, format);
                return false;
        }
    }
done:
    if (keywords) {
        size_t nkw = 0;
        while (keywords[nkw]) ++nkw;
        if (nkw != out.n) {
            PyErr_Format(PyExc_SystemError, "IslArg_Parse: %s() format \"%s\" has %d parameter%s but %zu keyword%s",
                         out.fname, format, out.n, out.n == 1 ? "" : "s", nkw, nkw == 1 ? "" : "s");
            return false;
        }
        for (size_t i = 0; i < nkw; ++i) {
            size_t len = std::strlen(keywords[i]);
            out.flags[i] |= static_cast<uint8_t>((len < kLongName ? len : kLongName) << kLenShift);
        }
    }
    return true;
}

std::string describe(const Spec &, const Param &p, size_t index) {
    if (p.name && *p.name) return "argument '" + std::string(p.name) + "'";
    return "argument " + std::to_string(index + 1);
}

// Re-raises a TypeError from a conversion with the function and argument named.
void name_type_error(const Spec &spec, const Param &p, size_t index, const char *expected, PyObject *value) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return;
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "%s() %s must be %s, not %.200s", spec.fname(),
                 describe(spec, p, index).c_str(), expected, Py_TYPE(value)->tp_name);
}

bool convert(const Spec &spec, const Param &p, size_t index, PyObject *v, void *out) {
    switch (p.code) {
        case 'O':
            *static_cast<IslHandle *>(out) = H(v);
            return true;
        case 'i': case 'n': case 'L': {
            if (p.code == 'n' && PyLong_CheckExact(v)) {  // the usual lo=/hi=: no __index__ round trip
                if (PyUnstable_Long_IsCompact(reinterpret_cast<PyLongObject *>(v))) {
                    *static_cast<IslSsize *>(out) = PyUnstable_Long_CompactValue(reinterpret_cast<PyLongObject *>(v));
                    return true;
                }
                Py_ssize_t x = PyLong_AsSsize_t(v);
                if (x == -1 && PyErr_Occurred()) return false;
                *static_cast<IslSsize *>(out) = x;
                return true;
            }
            PyObject *i = PyNumber_Index(v);
            if (!i) {
                name_type_error(spec, p, index, "an integer", v);
                return false;
            }
            bool ok;
            if (p.code == 'n') {
                Py_ssize_t x = PyLong_AsSsize_t(i);
                ok = !(x == -1 && PyErr_Occurred());
                if (ok) *static_cast<IslSsize *>(out) = x;
            } else {
                long long x = PyLong_AsLongLong(i);
                ok = !(x == -1 && PyErr_Occurred());
                if (ok && p.code == 'i' && (x < INT32_MIN || x > INT32_MAX)) {
                    PyErr_Format(PyExc_OverflowError, "%s() %s: Python int too large to convert to C int",
                                 spec.fname(), describe(spec, p, index).c_str());
                    ok = false;
                }
                if (ok && p.code == 'i') *static_cast<int *>(out) = static_cast<int>(x);
                if (ok && p.code == 'L') *static_cast<int64_t *>(out) = x;
            }
            Py_DECREF(i);
            return ok;
        }
        case 'd': {
            double x = PyFloat_AsDouble(v);
            if (x == -1.0 && PyErr_Occurred()) {
                name_type_error(spec, p, index, "a real number", v);
                return false;
            }
            *static_cast<double *>(out) = x;
            return true;
        }
        case 's': {
            if (!PyUnicode_Check(v)) {
                PyErr_Format(PyExc_TypeError, "%s() %s must be str, not %.200s", spec.fname(),
                             describe(spec, p, index).c_str(), Py_TYPE(v)->tp_name);
                return false;
            }
            Py_ssize_t n;
            const char *s = PyUnicode_AsUTF8AndSize(v, &n);
            if (!s) return false;
            if (std::strlen(s) != static_cast<size_t>(n)) {
                PyErr_Format(PyExc_ValueError, "%s() %s: embedded null character", spec.fname(),
                             describe(spec, p, index).c_str());
                return false;
            }
            *static_cast<const char **>(out) = s;
            return true;
        }
        case 'p': {
            int t = PyObject_IsTrue(v);
            if (t < 0) return false;
            *static_cast<int *>(out) = t;
            return true;
        }
    }
    return false;
}

// Whether the C string `keyword` is the `len` bytes at `name`. Never reads
// past the keyword's NUL, and a name holding a NUL matches nothing.
bool keyword_is(const char *keyword, const char *name, size_t len) {
    if (len == 0) return false;  // "" names a positional-only parameter, never a keyword
    for (size_t j = 0; j < len; ++j)
        if (keyword[j] != name[j] || !keyword[j]) return false;
    return keyword[len] == '\0';
}

// Matches the arguments to the parameters: values[i] is the argument for
// parameter i, or nullptr for an optional one not given. Raises CPython's
// TypeErrors for unknown, duplicate, missing and surplus arguments.
bool match_args(const IslHandle *args, size_t nargs, PyObject *kw, const Spec &spec, PyObject **values) {
    const Compiled &c = spec.c;
    const char *fn = c.fname;
    if (kw && !PyTuple_Check(kw)) {
        PyErr_Format(PyExc_SystemError, "IslArg_Parse: %s() kwnames must be a tuple or null", fn);
        return false;
    }
    size_t nkw = kw ? static_cast<size_t>(PyTuple_GET_SIZE(kw)) : 0;
    if (nkw && !spec.keywords) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", fn);
        return false;
    }
    size_t max_pos = c.max_pos, required_pos = c.required_pos;
    if (nargs > max_pos) {
        if (max_pos == required_pos)
            PyErr_Format(PyExc_TypeError, "%s() takes exactly %zu positional argument%s (%zu given)", fn, max_pos,
                         max_pos == 1 ? "" : "s", nargs);
        else
            PyErr_Format(PyExc_TypeError, "%s() takes at most %zu positional argument%s (%zu given)", fn, max_pos,
                         max_pos == 1 ? "" : "s", nargs);
        return false;
    }
    for (size_t i = 0; i < nargs; ++i) values[i] = O(args[i]);
    for (size_t i = nargs; i < c.n; ++i) values[i] = nullptr;
    size_t next = nargs;  // callers mostly pass keywords in parameter order: look there first
    for (size_t k = 0; k < nkw; ++k) {
        PyObject *key = PyTuple_GET_ITEM(kw, k);
        const char *name;
        Py_ssize_t len;
        if (PyUnicode_CheckExact(key) && PyUnicode_IS_COMPACT_ASCII(key)) {  // nearly always: read in place
            name = static_cast<const char *>(PyUnicode_DATA(key));
            len = PyUnicode_GET_LENGTH(key);
        } else {
            name = PyUnicode_Check(key) ? PyUnicode_AsUTF8AndSize(key, &len) : nullptr;
            if (!name) {
                if (!PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "%s() keywords must be strings", fn);
                return false;
            }
        }
        size_t i = next < c.n ? next : 0, tries = 0;
        for (; tries < c.n; ++tries, i = i + 1 == c.n ? 0 : i + 1)
            if (keyword_is(spec.keywords[i], name, static_cast<size_t>(len))) break;
        // The wording of this CPython's own Argument Clinic parser.
        if (tries == c.n) {
#if PY_VERSION_HEX >= 0x030d0000
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", fn, key);
#else
            PyErr_Format(PyExc_TypeError, "'%S' is an invalid keyword argument for %s()", key, fn);
#endif
            return false;
        }
        next = i + 1;
        if (values[i]) {
            if (i < nargs)
                PyErr_Format(PyExc_TypeError, "argument for %s() given by name ('%S') and position (%zu)", fn, key,
                             i + 1);
            else  // a kwnames tuple naming it twice: only C callers can build one
                PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%S'", fn, key);
            return false;
        }
        values[i] = O(args[nargs + k]);
    }
    for (size_t i = nargs; i < c.n; ++i) {
        if (values[i] || (c.flags[i] & kOptional)) continue;
        const char *name = spec.keywords ? spec.keywords[i] : nullptr;
        if (name && *name)
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %zu)", fn, name, i + 1);
        else
            PyErr_Format(PyExc_TypeError, "%s() takes at least %zu positional argument%s (%zu given)", fn,
                         required_pos, required_pos == 1 ? "" : "s", nargs);
        return false;
    }
    return true;
}

// match_args for well-formed calls only: exact ASCII str keywords, each
// naming a parameter not yet given, every required one given. Anything else
// returns false with nothing raised, and match_args then finds the error.
// Kept free of error paths so that it stays small (most keyword calls).
bool match_args_fast(const IslHandle *args, size_t nargs, PyObject *kw, const Spec &spec, PyObject **values) {
    const Compiled &c = spec.c;
    if (!spec.keywords || !PyTuple_CheckExact(kw) || nargs > c.max_pos) return false;
    size_t nkw = static_cast<size_t>(PyTuple_GET_SIZE(kw));
    for (size_t i = 0; i < nargs; ++i) values[i] = O(args[i]);
    for (size_t i = nargs; i < c.n; ++i) values[i] = nullptr;
    for (size_t k = 0; k < nkw; ++k) {
        PyObject *key = PyTuple_GET_ITEM(kw, k);
        if (!PyUnicode_CheckExact(key) || !PyUnicode_IS_COMPACT_ASCII(key)) return false;
        size_t len = static_cast<size_t>(PyUnicode_GET_LENGTH(key));
        if (len == 0 || len >= kLongName) return false;
        const char *name = static_cast<const char *>(PyUnicode_DATA(key));
        size_t i = nargs;
        for (; i < c.n; ++i)
            if ((c.flags[i] >> kLenShift) == len && std::memcmp(spec.keywords[i], name, len) == 0) break;
        if (i == c.n || values[i]) return false;
        values[i] = O(args[nargs + k]);
    }
    for (size_t i = nargs; i < c.n; ++i)
        if (!values[i] && !(c.flags[i] & kOptional)) return false;
    return true;
}

int parse_args(const IslHandle *args, size_t nargs, IslHandle kwnames, const Spec &spec, va_list ap) {
    const Compiled &c = spec.c;
    const char *fn = c.fname;
    if (!O(kwnames) && nargs >= c.required_pos && nargs <= c.max_pos) {
        // The common call: positional arguments only, all required ones there.
        int ok = 1;
        for (size_t i = 0; i < c.n; ++i) {
            void *out = va_arg(ap, void *);
            if (!ok || i >= nargs) continue;
            if (!out) {
                PyErr_Format(PyExc_SystemError, "IslArg_Parse: %s() output %zu is NULL", fn, i + 1);
                ok = 0;
            } else if (c.code[i] == 'O') {
                *static_cast<IslHandle *>(out) = args[i];
            } else if (!convert(spec, spec.param(i), i, O(args[i]), out)) {
                ok = 0;
            }
        }
        return ok;
    }
    PyObject *values[kMaxParams];
    if (!(O(kwnames) && match_args_fast(args, nargs, O(kwnames), spec, values)) &&
        !match_args(args, nargs, O(kwnames), spec, values))
        return 0;
    int ok = 1;
    for (size_t i = 0; i < c.n; ++i) {
        void *out = va_arg(ap, void *);
        if (!ok || !values[i]) continue;
        if (!out) {
            PyErr_Format(PyExc_SystemError, "IslArg_Parse: %s() output %zu is NULL", fn, i + 1);
            ok = 0;
        } else if (c.code[i] == 'O') {
            *static_cast<IslHandle *>(out) = H(values[i]);
        } else if (!convert(spec, spec.param(i), i, values[i], out)) {
            ok = 0;
        }
    }
    return ok;
}

// Runs parse_args with no C++ exception escaping into C or CPython.
int guarded_parse(const IslHandle *args, size_t nargs, IslHandle kwnames, const Spec &spec, va_list ap) {
    try {
        return parse_args(args, nargs, kwnames, spec, ap);
    } catch (const std::bad_alloc &) {
        PyErr_NoMemory();
    } catch (...) {
        PyErr_SetString(PyExc_SystemError, "IslArg_Parse: internal error");
    }
    return 0;
}

}  // namespace

int Arg_Parse(IslContext *, const IslHandle *args, size_t nargs, IslHandle kwnames, const char *format,
              const char *const *keywords, ...) {
    Compiled c;
    if (!format) {
        PyErr_SetString(PyExc_SystemError, "IslArg_Parse: NULL format");
        return 0;
    }
    if (!parse_format(format, keywords, c)) return 0;
    va_list ap;
    va_start(ap, keywords);
    int ok = guarded_parse(args, nargs, kwnames, Spec{c, keywords}, ap);
    va_end(ap);
    return ok;
}

namespace {
// The compiled form of `spec`, compiled on first use. Interpreters with their
// own GIL may get here at once: one compiles into the spec and publishes it;
// the others compile into `local`. nullptr with an exception set on error.
const Compiled *compiled(IslArgSpec *spec, Compiled &local, const char *api) {
    if (!spec || !spec->format) {
        PyErr_Format(PyExc_SystemError, "%s: no spec or no format", api);
        return nullptr;
    }
    auto *c = reinterpret_cast<Compiled *>(spec->_compiled);
    if (__atomic_load_n(&spec->_state, __ATOMIC_ACQUIRE) == 2) return c;
    if (!parse_format(spec->format, spec->keywords, local)) return nullptr;
    int expected = 0;
    if (!__atomic_compare_exchange_n(&spec->_state, &expected, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return &local;
    *c = local;
    __atomic_store_n(&spec->_state, 2, __ATOMIC_RELEASE);
    return c;
}
}  // namespace

int Arg_ParseSpec(IslContext *, const IslHandle *args, size_t nargs, IslHandle kwnames, IslArgSpec *spec, ...) {
    va_list ap;
    va_start(ap, spec);
    // The hottest call, answered here without the general parser's frame:
    // a compiled spec, positional objects only ('O'), all required ones given.
    if (__atomic_load_n(&spec->_state, __ATOMIC_ACQUIRE) == 2 && !O(kwnames)) {
        const auto *c = reinterpret_cast<const Compiled *>(spec->_compiled);
        if (nargs >= c->required_pos && nargs <= c->max_pos) {
            size_t i = 0;
            for (; i < nargs; ++i) {
                auto *out = static_cast<IslHandle *>(va_arg(ap, void *));
                if (c->code[i] != 'O' || !out) break;
                *out = args[i];
            }
            va_end(ap);
            if (i == nargs) return 1;
            va_start(ap, spec);  // not that simple after all: start over (no va_copy: it stalls)
        }
    }
    Compiled local;
    const Compiled *c = compiled(spec, local, "IslArg_ParseSpec");
    int ok = c ? guarded_parse(args, nargs, kwnames, Spec{*c, spec->keywords}, ap) : 0;
    va_end(ap);
    return ok;
}

int Arg_UnpackSpec(IslContext *, const IslHandle *args, size_t nargs, IslHandle kwnames, IslArgSpec *spec,
                   IslHandle *values) {
    Compiled local;
    const Compiled *c = compiled(spec, local, "IslArg_UnpackSpec");
    if (!c) return 0;
    if (!c->all_objects || !values) {
        PyErr_Format(PyExc_SystemError, "IslArg_UnpackSpec: %s() %s", c->fname,
                     values ? "format has a code other than 'O'" : "values is NULL");
        return 0;
    }
    // Release-mode handles are the object pointers: match straight into `values`.
    static_assert(sizeof(IslHandle) == sizeof(PyObject *), "handles are object pointers in release mode");
    auto *out = reinterpret_cast<PyObject **>(values);
    if (!O(kwnames) && nargs >= c->required_pos && nargs <= c->max_pos) {  // positional only: no matching
        for (size_t i = 0; i < nargs; ++i) out[i] = O(args[i]);
        for (size_t i = nargs; i < c->n; ++i) out[i] = nullptr;
        return 1;
    }
    Spec s{*c, spec->keywords};
    if (O(kwnames) && match_args_fast(args, nargs, O(kwnames), s, out)) return 1;
    return match_args(args, nargs, O(kwnames), s, out) ? 1 : 0;
}

int Arg_ParseTupleAndDict(IslContext *, IslHandle args, IslHandle kwargs, IslArgSpec *spec, ...) {
    Compiled local;
    const Compiled *c = compiled(spec, local, "IslArg_ParseTupleAndDict");
    if (!c) return 0;
    PyObject *tuple = O(args), *dict = O(kwargs);
    if (!tuple || !PyTuple_Check(tuple) || (dict && !PyDict_Check(dict))) {
        PyErr_Format(PyExc_SystemError, "IslArg_ParseTupleAndDict: %s() needs an args tuple and a kwargs dict or null",
                     c->fname);
        return 0;
    }
    // The fastcall layout: positional values, then keyword values named by a
    // kwnames tuple. Only calls with keywords pay for building it.
    Py_ssize_t nargs = PyTuple_GET_SIZE(tuple), nkw = dict ? PyDict_GET_SIZE(dict) : 0;
    PyObject *kwnames = nullptr;
    std::vector<PyObject *> all;
    const IslHandle *items = reinterpret_cast<const IslHandle *>(&PyTuple_GET_ITEM(tuple, 0));
    if (nkw) {
        kwnames = PyTuple_New(nkw);
        if (!kwnames) return 0;
        all.assign(&PyTuple_GET_ITEM(tuple, 0), &PyTuple_GET_ITEM(tuple, 0) + nargs);
        Py_ssize_t pos = 0, i = 0;
        PyObject *k, *v;
        while (PyDict_Next(dict, &pos, &k, &v)) {
            PyTuple_SET_ITEM(kwnames, i++, Py_NewRef(k));
            all.push_back(v);  // the dict keeps it alive during the call
        }
        items = reinterpret_cast<const IslHandle *>(all.data());
    }
    va_list ap;
    va_start(ap, spec);
    int ok = guarded_parse(items, static_cast<size_t>(nargs), H(kwnames), Spec{*c, spec->keywords}, ap);
    va_end(ap);
    Py_XDECREF(kwnames);
    return ok;
}

}  // namespace isles::internal::impl

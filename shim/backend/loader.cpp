// The universal loader: turns an extension's IslModuleDef into a
// multi-phase CPython module definition, once per process, and binds each
// module object to the context of the interpreter that imports it.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "backend.h"

namespace isles::internal {
namespace {

// One per IslModuleDef per process. Holds only C data, never a Python
// object, so sharing it between interpreters is safe. A definition the
// runtime cannot serve becomes one whose create slot raises `error`:
// module_init itself must not raise (see _IslStandIn in loader.h).
struct BuiltModule {
    PyModuleDef def;  // first: PyModuleDef* <-> BuiltModule*
    const IslModuleDef *isl;
    uint32_t abi_minor;  // fields the extension's headers did not have are never read
    std::vector<PyMethodDef> methods;
    PyModuleDef_Slot slots[3];
    std::string error;
};

// Heap-allocated and never freed: CPython uses the definitions until it is
// finalized, which an embedder may do after static destructors ran (from a
// global object's destructor, or an atexit handler).
std::mutex &built_lock() {
    static auto &lock = *new std::mutex;
    return lock;
}
std::map<const IslModuleDef *, std::unique_ptr<BuiltModule>> &built_modules() {
    static auto &modules = *new std::map<const IslModuleDef *, std::unique_ptr<BuiltModule>>;
    return modules;
}

int exec_module(PyObject *module);
PyObject *create_refused(PyObject *, PyModuleDef *def) {
    PyErr_SetString(PyExc_ImportError, reinterpret_cast<BuiltModule *>(def)->error.c_str());
    return nullptr;
}
void free_module(void *module);

BuiltModule *built_of(PyObject *module) {
    PyModuleDef *def = PyModule_GetDef(module);
    if (!def || def->m_free != free_module) return nullptr;
    return reinterpret_cast<BuiltModule *>(def);
}

_IslModuleStateHeader *header_of(PyObject *module) {
    return static_cast<_IslModuleStateHeader *>(PyModule_GetState(module));
}

// The module's own copy of its interpreter's context follows the header, so
// 0.3 trampolines find it at a fixed offset (_IslLayout.state_context)
// instead of loading the header's pointer; extensions built earlier follow
// that pointer, which points at the copy. Then the author's state, aligned
// as malloc aligns.
struct ModuleStatePrefix {
    _IslModuleStateHeader header;
    IslContext context;
};
constexpr size_t kAuthorStateOffset =
    (sizeof(ModuleStatePrefix) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) * alignof(std::max_align_t);
static_assert(offsetof(ModuleStatePrefix, context) == kStateContextOffset, "where _IslLayout says the context is");

char *author_state(_IslModuleStateHeader *hdr) { return reinterpret_cast<char *>(hdr) + kAuthorStateOffset; }

// The IslFields of the author's state (IslModuleDef.state_fields, ABI 0.2).
template <class F>
void for_each_state_field(PyObject *module, F &&f) {
    BuiltModule *b = built_of(module);
    _IslModuleStateHeader *hdr = header_of(module);
    if (!b || !hdr || b->abi_minor < 2 || !b->isl->state_fields) return;
    char *state = author_state(hdr);
    for (const IslMember *m = b->isl->state_fields; m->kind != ISL_MEMBER_END; ++m)
        if (m->kind == ISL_MEMBER_FIELD || m->kind == ISL_MEMBER_HIDDEN)
            f(*reinterpret_cast<PyObject **>(state + m->offset));
}

int traverse_module(PyObject *module, visitproc visit, void *arg) {
    int r = 0;
    for_each_state_field(module, [&](PyObject *o) {
        if (!r && o) r = visit(o, arg);
    });
    return r;
}
int clear_module(PyObject *module) {
    for_each_state_field(module, [](PyObject *&o) { Py_CLEAR(o); });
    return 0;
}

int method_flags(IslMethodKind kind) {
    switch (kind) {
        case ISL_METH_NOARGS: return METH_NOARGS;
        case ISL_METH_O: return METH_O;
        case ISL_METH_FASTCALL: return METH_FASTCALL;
        case ISL_METH_KEYWORDS: return METH_FASTCALL | METH_KEYWORDS;
    }
    return -1;
}

// The reason the runtime cannot serve `isl`, or "" when it can.
std::string refusal(const IslModuleDef *isl, uint32_t abi_major, uint32_t abi_minor) {
    std::string name = isl->name ? isl->name : "?";
    if (abi_major != ISL_ABI_VERSION_MAJOR || abi_minor > ISL_ABI_VERSION_MINOR)
        return "isles extension '" + name + "' was built for isles ABI " + std::to_string(abi_major) + "." +
               std::to_string(abi_minor) + ", but the isles runtime " ISL_STR(ISL_BACKEND_TAG) " provides ABI " +
               std::to_string(ISL_ABI_VERSION_MAJOR) + "." + std::to_string(ISL_ABI_VERSION_MINOR) +
               "; rebuild the extension or upgrade isles";
    for (const IslMethodDef *const *m = isl->methods; m && *m; ++m)
        if (method_flags((*m)->kind) < 0 || !(*m)->name || !(*m)->trampoline)
            return "isles extension '" + name + "': method #" + std::to_string(m - isl->methods) +
                   " has a bad definition";
    if (abi_minor >= 2)
        for (const IslMember *f = isl->state_fields; f && f->kind != ISL_MEMBER_END; ++f)
            if (f->kind != ISL_MEMBER_FIELD && f->kind != ISL_MEMBER_HIDDEN)
                return "isles extension '" + name + "': state_fields may list only IslFields";
    return "";
}

BuiltModule *build(const IslModuleDef *isl, uint32_t abi_major, uint32_t abi_minor) {
    auto b = std::make_unique<BuiltModule>();
    b->isl = isl;
    b->abi_minor = abi_minor;
    b->error = refusal(isl, abi_major, abi_minor);
    for (const IslMethodDef *const *m = isl->methods; m && *m && b->error.empty(); ++m)
        b->methods.push_back({(*m)->name, reinterpret_cast<PyCFunction>(reinterpret_cast<void *>((*m)->trampoline)),
                              method_flags((*m)->kind), (*m)->doc});
    b->methods.push_back({nullptr, nullptr, 0, nullptr});
    if (b->error.empty())
        b->slots[0] = {Py_mod_exec, reinterpret_cast<void *>(exec_module)};
    else
        b->slots[0] = {Py_mod_create, reinterpret_cast<void *>(create_refused)};
    b->slots[1] = {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED};
    b->slots[2] = {0, nullptr};
    b->def = {PyModuleDef_HEAD_INIT,
              isl->name,
              isl->doc,
              static_cast<Py_ssize_t>(kAuthorStateOffset + isl->state_size),
              b->methods.data(),
              b->slots,
              traverse_module,
              clear_module,
              free_module};
    auto *raw = b.get();
    built_modules().emplace(isl, std::move(b));
    return raw;
}

int add_constants(PyObject *module, const IslModuleDef *isl) {
    for (const IslModuleConstant *c = isl->constants; c && c->kind != ISL_CONST_END; ++c) {
        PyObject *v = nullptr;
        switch (c->kind) {
            case ISL_CONST_INT: v = PyLong_FromLongLong(c->int_value); break;
            case ISL_CONST_FLOAT: v = PyFloat_FromDouble(c->float_value); break;
            case ISL_CONST_STR: v = PyUnicode_FromString(c->str_value ? c->str_value : ""); break;
            default:
                PyErr_Format(PyExc_SystemError, "isles extension '%s': constant '%s' has an unknown kind",
                             isl->name, c->name);
                return -1;
        }
        if (!v || module_add(module, c->name, v) < 0) return -1;
    }
    return 0;
}

int exec_module(PyObject *module) {
    BuiltModule *b = built_of(module);
    _IslModuleStateHeader *hdr = header_of(module);
    if (!b || !hdr) return -1;
    Runtime *rt = current_runtime();
    if (!rt) {
        // CPython 3.13 runs PyInit in the main interpreter, so only here do we
        // learn that this interpreter cannot import the runtime.
        PyObject *cause = PyErr_GetRaisedException();
        PyErr_Format(PyExc_ImportError,
                     "isles extension '%s' needs the isles runtime for CPython %d.%d (module %s), which could "
                     "not be imported in this interpreter: %S",
                     b->isl->name, PY_MAJOR_VERSION, PY_MINOR_VERSION, ISL_BACKEND_MODULE, cause);
        Py_XDECREF(cause);
        return -1;
    }
    rt->incref();
    auto *prefix = reinterpret_cast<ModuleStatePrefix *>(hdr);
    prefix->context = rt->ctx;
    hdr->ctx = &prefix->context;
    if (add_constants(module, b->isl) < 0) return -1;
    if (b->isl->exec) {
        int r = b->isl->exec(hdr->ctx, H(module));
        if (r < 0 && !PyErr_Occurred())
            PyErr_Format(PyExc_SystemError, "isles extension '%s': exec failed without setting an exception",
                         b->isl->name);
        if (r < 0 || PyErr_Occurred()) return -1;
    }
    return 0;
}

void free_module(void *m) {
    auto *module = static_cast<PyObject *>(m);
    BuiltModule *b = built_of(module);
    _IslModuleStateHeader *hdr = header_of(module);
    if (!b || !hdr || !hdr->ctx) return;
    clear_module(module);
    if (b->isl->free_state) b->isl->free_state(author_state(hdr));
    Runtime::of(hdr->ctx)->decref();
    hdr->ctx = nullptr;
}

}  // namespace

PyObject *module_init(const IslModuleDef *def, uint32_t abi_major, uint32_t abi_minor) {
    if (!def || !def->name) return nullptr;  // the stand-in definition reports it
    // Interpreters with their own GIL may import the same extension at once.
    std::lock_guard<std::mutex> guard(built_lock());
    BuiltModule *b = nullptr;
    auto it = built_modules().find(def);
    if (it != built_modules().end()) {
        b = it->second.get();
    } else {
        try {
            b = build(def, abi_major, abi_minor);
        } catch (const std::bad_alloc &) {
            PyErr_NoMemory();
        } catch (...) {  // no C++ exception may reach CPython
            PyErr_SetString(PyExc_SystemError, "isles: building the module definition failed");
        }
        if (!b) return nullptr;
    }
    return PyModuleDef_Init(&b->def);
}

const IslModuleDef *isles_def_of(PyObject *module) {
    BuiltModule *b = module && PyModule_Check(module) ? built_of(module) : nullptr;
    return b ? b->isl : nullptr;
}

void *author_state_of(PyObject *module) { return author_state(header_of(module)); }

namespace impl {
void *Module_GetState(IslContext *, IslHandle module) {
    PyObject *m = O(module);
    if (!m || !PyModule_Check(m) || !built_of(m)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "IslModule_GetState: expected an isles module, got %s",
                         m ? Py_TYPE(m)->tp_name : "the null handle");
        return nullptr;
    }
    return author_state(header_of(m));
}
}  // namespace impl

}  // namespace isles::internal

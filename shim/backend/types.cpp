// Types in the stable tier: IslTypeDef -> a heap type per interpreter.
//
// CPython calls a type's slots with PyObject* and no isles argument, so every
// slot is one generic function here that finds the TypeInfo of the nearest
// isles type in the MRO that implements it and calls the author's function
// with handles and that type's context. Methods are different: their
// trampolines are compiled into the extension (loader.h) and reach the
// context through the defining class.
//
// An isles type is recognised by its tp_dealloc (isles_dealloc, installed on
// every one); its TypeInfo hangs off tp_cache, a field CPython no longer uses
// but still releases in type_dealloc, as a capsule: found in O(1), and alive
// exactly as long as the type (so as long as any instance). Instance layout:
// [base instance][pad][author's struct][weaklist?]. The author's IslFields
// are visited, cleared and released here, so no author writes GC support.
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend.h"

namespace isles::internal {
namespace {

// One type made by IslType_FromDef, in one interpreter.
struct TypeInfo {
    const IslTypeDef *def;
    PyTypeObject *type;            // borrowed: the TypeInfo dies with it
    Runtime *rt;                   // counted: the context outlives the type
    Py_ssize_t data_offset;        // where the author's struct starts in an instance
    std::vector<size_t> fields;    // offsets (within the struct) of its IslFields
    IslGenericFunc slots[ISL_SLOT__COUNT] = {};
    ~TypeInfo() {
        if (rt) rt->decref();
    }
};

void isles_dealloc(PyObject *self);

bool is_isles_type(PyTypeObject *t) { return t->tp_dealloc == isles_dealloc; }

TypeInfo *info_of(PyTypeObject *t) {
    if (!is_isles_type(t) || !t->tp_cache) return nullptr;
    return static_cast<TypeInfo *>(PyCapsule_GetPointer(t->tp_cache, nullptr));
}

void free_info(PyObject *capsule) {
    auto *info = static_cast<TypeInfo *>(PyCapsule_GetPointer(capsule, nullptr));
    if (info->rt->last_type == info->type) info->rt->last_type = nullptr;  // the address may be reused
    delete info;
}

// Calls f(type, info) for each isles type in t's MRO, nearest first, until f
// returns true.
template <class F>
bool for_each_isles_type(PyTypeObject *t, F &&f) {
    if (TypeInfo *info = info_of(t))  // the common case: an instance of the isles type itself
        if (f(t, info)) return true;
    PyObject *mro = t->tp_mro;
    if (mro && PyTuple_Check(mro)) {
        for (Py_ssize_t i = 1, n = PyTuple_GET_SIZE(mro); i < n; ++i) {
            auto *c = reinterpret_cast<PyTypeObject *>(PyTuple_GET_ITEM(mro, i));
            if (TypeInfo *info = info_of(c))
                if (f(c, info)) return true;
        }
        return false;
    }
    for (PyTypeObject *c = t->tp_base; c; c = c->tp_base)  // no MRO any more (type being torn down)
        if (TypeInfo *info = info_of(c))
            if (f(c, info)) return true;
    return false;
}

// The first non-isles type below the isles part of t's base chain: the type
// whose layout, traverse, clear and dealloc the isles part extends.
PyTypeObject *native_base(PyTypeObject *t) {
    bool seen = false;
    for (PyTypeObject *c = t; c; c = c->tp_base) {
        if (is_isles_type(c))
            seen = true;
        else if (seen)
            return c;
    }
    return &PyBaseObject_Type;
}

// The author's implementation of slot `kind` for instances of t, and the
// context to call it with; nullptr with SystemError if there is none.
IslGenericFunc find_slot(PyTypeObject *t, IslSlotKind kind, IslContext **ctx) {
    IslGenericFunc fn = nullptr;
    for_each_isles_type(t, [&](PyTypeObject *, TypeInfo *info) {
        if (!(fn = info->slots[kind])) return false;
        *ctx = &info->rt->ctx;
        return true;
    });
    if (!fn)
        PyErr_Format(PyExc_SystemError, "isles: no implementation of slot %d for type '%s'", static_cast<int>(kind),
                     t->tp_name);
    return fn;
}

template <class Fn>
Fn slot_of(PyObject *self, IslSlotKind kind, IslContext **ctx) {
    return reinterpret_cast<Fn>(find_slot(Py_TYPE(self), kind, ctx));
}

// ---- what an author's slot hands back to CPython
// A value or an exception, never both nor neither, as CPython checks its own
// calls (_Py_CheckFunctionResult): otherwise CPython runs on with an error
// pending, which its debug build asserts on far from here. Either becomes a
// SystemError; an exception left set is its cause.
const char *slot_name(IslSlotKind kind) {
    static const char *const names[ISL_SLOT__COUNT] = {
        "a getter or setter", "new", "init", "destroy", "repr", "str", "hash", "richcompare", "iter", "iternext",
        "call", "getattro", "setattro", "getbuffer", "releasebuffer", "bool", "int", "float", "index", "negative",
        "add", "subtract", "multiply", "len", "seq_item", "contains", "getitem", "setitem"};
    return kind >= 0 && kind < ISL_SLOT__COUNT ? names[kind] : "?";
}
[[gnu::noinline]] void bad_result(PyObject *self, IslSlotKind kind, bool with_error) {
    PyObject *cause = PyErr_GetRaisedException();
    PyErr_Format(PyExc_SystemError, "isles: %s slot of '%.200s' %s", slot_name(kind), Py_TYPE(self)->tp_name,
                 with_error ? "returned a result with an exception set" : "failed without setting an exception");
    if (cause) {
        PyObject *exc = PyErr_GetRaisedException();
        PyException_SetContext(exc, Py_NewRef(cause));
        PyException_SetCause(exc, cause);  // steals it
        PyErr_SetRaisedException(exc);
    }
}
// An object result; `stop` is true where NULL alone means "no more" (iternext).
inline PyObject *checked(PyObject *self, IslSlotKind kind, PyObject *r, bool stop = false) {
    bool err = PyErr_Occurred() != nullptr;
    if (r ? !err : (err || stop)) return r;
    Py_XDECREF(r);
    bad_result(self, kind, r != nullptr);
    return nullptr;
}
// A C result whose `fail` value means an error.
template <class T>
inline T checked(PyObject *self, IslSlotKind kind, T r, T fail) {
    bool err = PyErr_Occurred() != nullptr;
    if ((r == fail) == err) return r;
    bad_result(self, kind, r != fail);
    return fail;
}

// ---- the generic slots
using UnaryFn = IslHandle (*)(IslContext *, IslHandle);
using BinaryFn = IslHandle (*)(IslContext *, IslHandle, IslHandle);
using ArgsFn = IslHandle (*)(IslContext *, IslHandle, IslHandle, IslHandle);

template <IslSlotKind K>
PyObject *unary_slot(PyObject *self) {
    IslContext *ctx;
    auto fn = slot_of<UnaryFn>(self, K, &ctx);
    return fn ? checked(self, K, O(fn(ctx, H(self))), K == ISL_SLOT_ITERNEXT) : nullptr;
}

template <IslSlotKind K>
PyObject *binary_slot(PyObject *a, PyObject *b) {
    // CPython calls a binary number slot when either operand's type has it.
    PyObject *owner = a;
    bool a_has = false;
    for_each_isles_type(Py_TYPE(a), [&](PyTypeObject *, TypeInfo *info) { return a_has = info->slots[K] != nullptr; });
    if (!a_has) owner = b;
    IslContext *ctx;
    auto fn = slot_of<BinaryFn>(owner, K, &ctx);
    return fn ? checked(owner, K, O(fn(ctx, H(a), H(b)))) : nullptr;
}

PyObject *new_slot(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    IslContext *ctx;
    auto fn = reinterpret_cast<ArgsFn>(find_slot(type, ISL_SLOT_NEW, &ctx));
    if (!fn) return nullptr;
    PyObject *r = O(fn(ctx, H(reinterpret_cast<PyObject *>(type)), H(args), H(kwargs)));
    return checked(r ? r : reinterpret_cast<PyObject *>(type), ISL_SLOT_NEW, r);
}

int init_slot(PyObject *self, PyObject *args, PyObject *kwargs) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle, IslHandle, IslHandle)>(self, ISL_SLOT_INIT, &ctx);
    return fn ? checked(self, ISL_SLOT_INIT, fn(ctx, H(self), H(args), H(kwargs)) < 0 ? -1 : 0, -1) : -1;
}

PyObject *call_slot(PyObject *self, PyObject *args, PyObject *kwargs) {
    IslContext *ctx;
    auto fn = slot_of<ArgsFn>(self, ISL_SLOT_CALL, &ctx);
    return fn ? checked(self, ISL_SLOT_CALL, O(fn(ctx, H(self), H(args), H(kwargs)))) : nullptr;
}

Py_hash_t hash_slot(PyObject *self) {
    IslContext *ctx;
    auto fn = slot_of<IslSsize (*)(IslContext *, IslHandle)>(self, ISL_SLOT_HASH, &ctx);
    if (!fn) return -1;
    IslSsize h = fn(ctx, H(self));
    if (h == -1 && !PyErr_Occurred()) h = -2;  // -1 is reserved for errors
    return checked<Py_hash_t>(self, ISL_SLOT_HASH, h, -1);
}

PyObject *richcompare_slot(PyObject *self, PyObject *other, int op) {
    IslContext *ctx;
    auto fn = slot_of<IslHandle (*)(IslContext *, IslHandle, IslHandle, int)>(self, ISL_SLOT_RICHCOMPARE, &ctx);
    return fn ? checked(self, ISL_SLOT_RICHCOMPARE, O(fn(ctx, H(self), H(other), op))) : nullptr;
}

PyObject *getattro_slot(PyObject *self, PyObject *name) {
    IslContext *ctx;
    auto fn = slot_of<BinaryFn>(self, ISL_SLOT_GETATTRO, &ctx);
    return fn ? checked(self, ISL_SLOT_GETATTRO, O(fn(ctx, H(self), H(name)))) : nullptr;
}

int setattro_slot(PyObject *self, PyObject *name, PyObject *value) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle, IslHandle, IslHandle)>(self, ISL_SLOT_SETATTRO, &ctx);
    return fn ? checked(self, ISL_SLOT_SETATTRO, fn(ctx, H(self), H(name), H(value)) < 0 ? -1 : 0, -1) : -1;
}

int setitem_slot(PyObject *self, PyObject *key, PyObject *value) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle, IslHandle, IslHandle)>(self, ISL_SLOT_SETITEM, &ctx);
    return fn ? checked(self, ISL_SLOT_SETITEM, fn(ctx, H(self), H(key), H(value)) < 0 ? -1 : 0, -1) : -1;
}

template <IslSlotKind K>
int inquiry_slot(PyObject *self) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle)>(self, K, &ctx);
    if (!fn) return -1;
    int r = fn(ctx, H(self));
    return checked(self, K, r < 0 ? -1 : r, -1);
}

int contains_slot(PyObject *self, PyObject *item) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle, IslHandle)>(self, ISL_SLOT_CONTAINS, &ctx);
    if (!fn) return -1;
    int r = fn(ctx, H(self), H(item));
    return checked(self, ISL_SLOT_CONTAINS, r < 0 ? -1 : r, -1);
}

Py_ssize_t len_slot(PyObject *self) {
    IslContext *ctx;
    auto fn = slot_of<IslSsize (*)(IslContext *, IslHandle)>(self, ISL_SLOT_LEN, &ctx);
    if (!fn) return -1;
    Py_ssize_t n = fn(ctx, H(self));
    return checked<Py_ssize_t>(self, ISL_SLOT_LEN, n < 0 ? -1 : n, -1);
}

PyObject *seq_item_slot(PyObject *self, Py_ssize_t i) {
    IslContext *ctx;
    auto fn = slot_of<IslHandle (*)(IslContext *, IslHandle, IslSsize)>(self, ISL_SLOT_SEQ_ITEM, &ctx);
    return fn ? checked(self, ISL_SLOT_SEQ_ITEM, O(fn(ctx, H(self), i))) : nullptr;
}

void releasebuffer_slot(PyObject *self, Py_buffer *) {
    IslContext *ctx;
    PyObject *exc = PyErr_GetRaisedException();  // may run while an error is pending
    auto fn = slot_of<void (*)(IslContext *, IslHandle)>(self, ISL_SLOT_RELEASEBUFFER, &ctx);
    if (fn) fn(ctx, H(self));
    if (PyErr_Occurred()) PyErr_WriteUnraisable(self);
    PyErr_SetRaisedException(exc);
}

int getbuffer_slot(PyObject *self, Py_buffer *view, int flags) {
    IslContext *ctx;
    auto fn = slot_of<int (*)(IslContext *, IslHandle, IslBufferInfo *, int)>(self, ISL_SLOT_GETBUFFER, &ctx);
    IslBufferInfo info{};
    if (!fn || fn(ctx, H(self), &info, (flags & PyBUF_WRITABLE) != 0) < 0) {
        view->obj = nullptr;
        if (fn && !PyErr_Occurred())
            PyErr_Format(PyExc_SystemError, "%s: buffer export failed without setting an exception",
                         Py_TYPE(self)->tp_name);
        return -1;
    }
    if (PyBuffer_FillInfo(view, self, info.buf, info.len, info.readonly, flags) < 0) {
        // The export was counted by the author: undo it.
        PyObject *exc = PyErr_GetRaisedException();
        IslContext *rctx;
        auto release = slot_of<void (*)(IslContext *, IslHandle)>(self, ISL_SLOT_RELEASEBUFFER, &rctx);
        if (release) release(rctx, H(self));
        PyErr_SetRaisedException(exc);
        return -1;
    }
    return 0;
}

// ---- GC support and deallocation, generated from the IslFields
template <class F>
void for_each_field(PyObject *self, F &&f) {
    for_each_isles_type(Py_TYPE(self), [&](PyTypeObject *, TypeInfo *info) {
        char *data = reinterpret_cast<char *>(self) + info->data_offset;
        for (size_t off : info->fields) f(*reinterpret_cast<PyObject **>(data + off));
        return false;
    });
}

int isles_traverse(PyObject *self, visitproc visit, void *arg) {
    int r = 0;
    for_each_field(self, [&](PyObject *o) {
        if (!r && o) r = visit(o, arg);
    });
    if (r) return r;
    Py_VISIT(Py_TYPE(self));  // instances of heap types own their type
    PyTypeObject *base = native_base(Py_TYPE(self));
    return base->tp_traverse ? base->tp_traverse(self, visit, arg) : 0;
}

int isles_clear(PyObject *self) {
    for_each_field(self, [](PyObject *&o) { Py_CLEAR(o); });
    PyTypeObject *base = native_base(Py_TYPE(self));
    return base->tp_clear ? base->tp_clear(self) : 0;
}

void isles_dealloc(PyObject *self) {
    PyTypeObject *type = Py_TYPE(self);
    if (PyType_IS_GC(type)) PyObject_GC_UnTrack(self);
    if (type->tp_weaklistoffset) PyObject_ClearWeakRefs(self);
    PyObject *exc = PyErr_GetRaisedException();
    for_each_isles_type(type, [&](PyTypeObject *, TypeInfo *info) {
        char *data = reinterpret_cast<char *>(self) + info->data_offset;
        for (size_t off : info->fields) Py_CLEAR(*reinterpret_cast<PyObject **>(data + off));
        if (auto destroy = reinterpret_cast<void (*)(void *)>(info->slots[ISL_SLOT_DESTROY])) destroy(data);
        return false;
    });
    PyErr_SetRaisedException(exc);
    PyTypeObject *base = native_base(type);
    if (base != &PyBaseObject_Type && base->tp_dealloc)
        base->tp_dealloc(self);  // frees through type->tp_free
    else
        type->tp_free(self);
    Py_DECREF(type);
}

// ---- getters and setters: closure is the author's IslGetSet
IslContext *context_of(PyObject *self) {
    IslContext *ctx = nullptr;
    for_each_isles_type(Py_TYPE(self), [&](PyTypeObject *, TypeInfo *info) { return (ctx = &info->rt->ctx) != nullptr; });
    if (!ctx) PyErr_Format(PyExc_SystemError, "isles: '%s' is not an isles type", Py_TYPE(self)->tp_name);
    return ctx;
}

// ISL_SLOT_END stands for a getset in bad_result's message.
PyObject *getset_get(PyObject *self, void *closure) {
    IslContext *ctx = context_of(self);
    return ctx ? checked(self, ISL_SLOT_END, O(static_cast<const IslGetSet *>(closure)->get(ctx, H(self)))) : nullptr;
}

int getset_set(PyObject *self, PyObject *value, void *closure) {
    IslContext *ctx = context_of(self);
    if (!ctx) return -1;
    int r = static_cast<const IslGetSet *>(closure)->set(ctx, H(self), H(value));
    return checked(self, ISL_SLOT_END, r < 0 ? -1 : 0, -1);
}

// ---- building the spec
// What CPython keeps pointing into after PyType_FromSpec (method and getset
// tables), built once per IslTypeDef and never freed, like the module
// definitions (loader.cpp). C data only: shared by every interpreter.
struct BuiltTables {
    std::vector<PyMethodDef> methods;
    std::vector<PyGetSetDef> getsets;
    std::string error;
};

std::mutex &tables_lock() {
    static auto &lock = *new std::mutex;
    return lock;
}

const BuiltTables &tables_for(const IslTypeDef *def) {
    static auto &all = *new std::unordered_map<const IslTypeDef *, std::unique_ptr<BuiltTables>>;
    std::lock_guard<std::mutex> guard(tables_lock());
    auto &slot = all[def];
    if (slot) return *slot;
    slot = std::make_unique<BuiltTables>();
    BuiltTables &t = *slot;
    for (const IslMethodDef *const *m = def->methods; m && *m; ++m) {
        if (!(*m)->name || !(*m)->method_trampoline) {
            t.error = "method #" + std::to_string(m - def->methods) + " has a bad definition";
            break;
        }
        t.methods.push_back({(*m)->name, reinterpret_cast<PyCFunction>(reinterpret_cast<void *>((*m)->method_trampoline)),
                             METH_METHOD | METH_FASTCALL | METH_KEYWORDS, (*m)->doc});
    }
    t.methods.push_back({nullptr, nullptr, 0, nullptr});
    for (const IslGetSet *g = def->getsets; g && g->name; ++g) {
        if (!g->get) {
            t.error = std::string("getset '") + g->name + "' has no getter";
            break;
        }
        t.getsets.push_back({g->name, getset_get, g->set ? getset_set : nullptr, g->doc, const_cast<IslGetSet *>(g)});
    }
    t.getsets.push_back({nullptr, nullptr, nullptr, nullptr, nullptr});
    return t;
}

size_t member_size(IslMemberKind kind) {
    switch (kind) {
        case ISL_MEMBER_INT: return sizeof(int);
        case ISL_MEMBER_DOUBLE: return sizeof(double);
        case ISL_MEMBER_BOOL: return sizeof(char);
        default: return sizeof(void *);
    }
}

int member_type(IslMemberKind kind) {
    switch (kind) {
        case ISL_MEMBER_FIELD: return Py_T_OBJECT_EX;
        case ISL_MEMBER_INT: return Py_T_INT;
        case ISL_MEMBER_SSIZE: return Py_T_PYSSIZET;
        case ISL_MEMBER_DOUBLE: return Py_T_DOUBLE;
        case ISL_MEMBER_BOOL: return Py_T_BOOL;
        default: return -1;
    }
}

template <class F>
void add_slot(std::vector<PyType_Slot> &slots, int id, F *fn) {
    slots.push_back({id, reinterpret_cast<void *>(fn)});
}

// The CPython slots that serve isles slot `kind`.
bool add_generic_slot(std::vector<PyType_Slot> &s, IslSlotKind kind) {
    switch (kind) {
        case ISL_SLOT_NEW: add_slot(s, Py_tp_new, new_slot); return true;
        case ISL_SLOT_INIT: add_slot(s, Py_tp_init, init_slot); return true;
        case ISL_SLOT_DESTROY: return true;  // called from isles_dealloc
        case ISL_SLOT_REPR: add_slot(s, Py_tp_repr, unary_slot<ISL_SLOT_REPR>); return true;
        case ISL_SLOT_STR: add_slot(s, Py_tp_str, unary_slot<ISL_SLOT_STR>); return true;
        case ISL_SLOT_HASH: add_slot(s, Py_tp_hash, hash_slot); return true;
        case ISL_SLOT_RICHCOMPARE: add_slot(s, Py_tp_richcompare, richcompare_slot); return true;
        case ISL_SLOT_ITER: add_slot(s, Py_tp_iter, unary_slot<ISL_SLOT_ITER>); return true;
        case ISL_SLOT_ITERNEXT: add_slot(s, Py_tp_iternext, unary_slot<ISL_SLOT_ITERNEXT>); return true;
        case ISL_SLOT_CALL: add_slot(s, Py_tp_call, call_slot); return true;
        case ISL_SLOT_GETATTRO: add_slot(s, Py_tp_getattro, getattro_slot); return true;
        case ISL_SLOT_SETATTRO: add_slot(s, Py_tp_setattro, setattro_slot); return true;
        case ISL_SLOT_GETBUFFER: add_slot(s, Py_bf_getbuffer, getbuffer_slot); return true;
        case ISL_SLOT_RELEASEBUFFER: add_slot(s, Py_bf_releasebuffer, releasebuffer_slot); return true;
        case ISL_SLOT_BOOL: add_slot(s, Py_nb_bool, inquiry_slot<ISL_SLOT_BOOL>); return true;
        case ISL_SLOT_INT: add_slot(s, Py_nb_int, unary_slot<ISL_SLOT_INT>); return true;
        case ISL_SLOT_FLOAT: add_slot(s, Py_nb_float, unary_slot<ISL_SLOT_FLOAT>); return true;
        case ISL_SLOT_INDEX: add_slot(s, Py_nb_index, unary_slot<ISL_SLOT_INDEX>); return true;
        case ISL_SLOT_NEGATIVE: add_slot(s, Py_nb_negative, unary_slot<ISL_SLOT_NEGATIVE>); return true;
        case ISL_SLOT_ADD: add_slot(s, Py_nb_add, binary_slot<ISL_SLOT_ADD>); return true;
        case ISL_SLOT_SUBTRACT: add_slot(s, Py_nb_subtract, binary_slot<ISL_SLOT_SUBTRACT>); return true;
        case ISL_SLOT_MULTIPLY: add_slot(s, Py_nb_multiply, binary_slot<ISL_SLOT_MULTIPLY>); return true;
        case ISL_SLOT_LEN:
            add_slot(s, Py_sq_length, len_slot);
            add_slot(s, Py_mp_length, len_slot);
            return true;
        case ISL_SLOT_SEQ_ITEM: add_slot(s, Py_sq_item, seq_item_slot); return true;
        case ISL_SLOT_CONTAINS: add_slot(s, Py_sq_contains, contains_slot); return true;
        case ISL_SLOT_GETITEM: add_slot(s, Py_mp_subscript, binary_slot<ISL_SLOT_GETITEM>); return true;
        case ISL_SLOT_SETITEM: add_slot(s, Py_mp_ass_subscript, setitem_slot); return true;
        default: return false;
    }
}

Py_ssize_t align_up(Py_ssize_t n) {
    constexpr Py_ssize_t a = alignof(std::max_align_t);
    return (n + a - 1) / a * a;
}

PyObject *type_error(const IslTypeDef *def, const std::string &what) {
    return PyErr_Format(PyExc_TypeError, "IslType_FromDef(%s): %s", def && def->name ? def->name : "?", what.c_str());
}

}  // namespace

namespace impl {

IslHandle Type_FromDef(IslContext *ctx, IslHandle module, const IslTypeDef *def, IslHandle bases) {
    if (!def || !def->name) return H(type_error(def, "the definition has no name"));
    if (!isles_def_of(O(module))) return H(type_error(def, "`module` must be an isles module"));
    PyObject *b = O(bases);
    PyTypeObject *base = &PyBaseObject_Type;
    if (b && PyType_Check(b)) {
        base = reinterpret_cast<PyTypeObject *>(b);
    } else if (b && PyTuple_Check(b) && PyTuple_GET_SIZE(b) > 0 && PyType_Check(PyTuple_GET_ITEM(b, 0))) {
        base = reinterpret_cast<PyTypeObject *>(PyTuple_GET_ITEM(b, 0));
    } else if (b) {
        return H(type_error(def, std::string("bases must be a type or a non-empty tuple of types, not ") +
                                     Py_TYPE(b)->tp_name));
    }
    const BuiltTables &tables = tables_for(def);
    if (!tables.error.empty()) return H(type_error(def, tables.error));

    auto info = std::make_unique<TypeInfo>();
    info->def = def;
    for (const IslSlot *s = def->slots; s && s->kind != ISL_SLOT_END; ++s) {
        if (s->kind < 0 || s->kind >= ISL_SLOT__COUNT || !s->impl)
            return H(type_error(def, "slot kind " + std::to_string(static_cast<int>(s->kind)) + " is unknown or has no function"));
        info->slots[s->kind] = s->impl;
    }
    bool has_data = def->basicsize > 0 || (def->flags & ISL_TYPE_WEAKREF);
    if (has_data && base->tp_itemsize != 0)
        return H(type_error(def, std::string("a type based on '") + base->tp_name +
                                     "' (variable-size instances) cannot have C data or weak references"));
    info->data_offset = has_data ? align_up(base->tp_basicsize) : base->tp_basicsize;
    Py_ssize_t data_size = static_cast<Py_ssize_t>(def->basicsize);

    std::vector<PyMemberDef> members;
    for (const IslMember *m = def->members; m && m->kind != ISL_MEMBER_END; ++m) {
        if ((m->kind == ISL_MEMBER_FIELD || m->kind == ISL_MEMBER_HIDDEN) && m->offset + sizeof(IslField) > def->basicsize)
            return H(type_error(def, "field #" + std::to_string(m - def->members) + " lies outside basicsize"));
        if (m->kind == ISL_MEMBER_FIELD || m->kind == ISL_MEMBER_HIDDEN) info->fields.push_back(m->offset);
        if (m->kind == ISL_MEMBER_HIDDEN) continue;
        int type = member_type(m->kind);
        if (type < 0 || !m->name) return H(type_error(def, "member #" + std::to_string(m - def->members) + " is malformed"));
        if (m->offset + member_size(m->kind) > def->basicsize)
            return H(type_error(def, std::string("member '") + m->name + "' lies outside basicsize"));
        members.push_back({m->name, type, info->data_offset + static_cast<Py_ssize_t>(m->offset),
                           (m->flags & ISL_READONLY) ? Py_READONLY : 0, m->doc});
    }
    Py_ssize_t weaklist_at = 0;
    if (def->flags & ISL_TYPE_WEAKREF) {
        data_size = align_up(data_size);
        weaklist_at = info->data_offset + data_size;
        data_size += static_cast<Py_ssize_t>(sizeof(PyObject *));
        members.push_back({"__weaklistoffset__", Py_T_PYSSIZET, weaklist_at, Py_READONLY, nullptr});
    }
    members.push_back({nullptr, 0, 0, 0, nullptr});

    bool gc = !info->fields.empty() || PyType_IS_GC(base);
    std::vector<PyType_Slot> slots;
    add_slot(slots, Py_tp_dealloc, isles_dealloc);
    if (gc) {
        add_slot(slots, Py_tp_traverse, isles_traverse);
        add_slot(slots, Py_tp_clear, isles_clear);
    }
    if (def->doc) slots.push_back({Py_tp_doc, const_cast<char *>(def->doc)});
    if (tables.methods.size() > 1) add_slot(slots, Py_tp_methods, const_cast<PyMethodDef *>(tables.methods.data()));
    if (tables.getsets.size() > 1) add_slot(slots, Py_tp_getset, const_cast<PyGetSetDef *>(tables.getsets.data()));
    if (members.size() > 1) add_slot(slots, Py_tp_members, members.data());
    for (int k = 0; k < ISL_SLOT__COUNT; ++k)
        if (info->slots[k]) add_generic_slot(slots, static_cast<IslSlotKind>(k));
    slots.push_back({0, nullptr});

    unsigned long flags = Py_TPFLAGS_DEFAULT;
    if (def->flags & ISL_TYPE_BASETYPE) flags |= Py_TPFLAGS_BASETYPE;
    if (def->flags & ISL_TYPE_NO_NEW) flags |= Py_TPFLAGS_DISALLOW_INSTANTIATION;
    if (gc) flags |= Py_TPFLAGS_HAVE_GC;
    PyType_Spec spec = {def->name, has_data ? static_cast<int>(info->data_offset + data_size) : 0, 0,
                        static_cast<unsigned int>(flags), slots.data()};
    PyObject *type = PyType_FromModuleAndSpec(O(module), &spec, b);
    if (!type) return Null();
    auto *t = reinterpret_cast<PyTypeObject *>(type);
    if (t->tp_cache) {  // a CPython that uses the field again: refuse rather than corrupt it
        Py_DECREF(type);
        return H(PyErr_Format(PyExc_SystemError, "isles: tp_cache of '%s' is in use", def->name));
    }
    Runtime *rt = Runtime::of(ctx);
    rt->incref();
    info->rt = rt;
    info->type = t;
    PyObject *capsule = PyCapsule_New(info.get(), nullptr, free_info);
    if (!capsule) {
        Py_DECREF(type);
        return Null();
    }
    info.release();
    t->tp_cache = capsule;  // released by type_dealloc, with the TypeInfo
    if (rt->last_type == t) rt->last_type = nullptr;
    return H(type);
}

void *Instance_Data(IslContext *ctx, IslHandle obj, const IslTypeDef *def) {
    PyObject *o = O(obj);
    if (!o) {
        PyErr_SetString(PyExc_SystemError, "IslInstance_Data: got the null handle");
        return nullptr;
    }
    Runtime *rt = Runtime::of(ctx);
    PyTypeObject *t = Py_TYPE(o);
    if (t == rt->last_type && def == rt->last_def) return reinterpret_cast<char *>(o) + rt->last_offset;
    Py_ssize_t offset = -1;
    bool exact = false;
    for_each_isles_type(t, [&](PyTypeObject *c, TypeInfo *info) {
        if (info->def != def) return false;
        offset = info->data_offset;
        exact = c == t;
        return true;
    });
    if (offset < 0) {
        PyErr_Format(PyExc_TypeError, "expected an instance of %s, got %s", def ? def->name : "?", t->tp_name);
        return nullptr;
    }
    if (exact) {  // only isles types: their death clears the cache (free_info)
        rt->last_type = t;
        rt->last_def = def;
        rt->last_offset = offset;
    }
    return reinterpret_cast<char *>(o) + offset;
}

void *Type_GetModuleState(IslContext *, IslHandle obj, const IslModuleDef *def) {
    PyObject *o = O(obj);
    if (!o) {
        PyErr_SetString(PyExc_SystemError, "IslType_GetModuleState: got the null handle");
        return nullptr;
    }
    if (isles_def_of(o) == def) return author_state_of(o);
    auto *t = PyType_Check(o) ? reinterpret_cast<PyTypeObject *>(o) : Py_TYPE(o);
    PyObject *mro = t->tp_mro;
    for (Py_ssize_t i = 0, n = mro ? PyTuple_GET_SIZE(mro) : 0; i < n; ++i) {
        auto *c = reinterpret_cast<PyTypeObject *>(PyTuple_GET_ITEM(mro, i));
        if (!(c->tp_flags & Py_TPFLAGS_HEAPTYPE)) continue;
        PyObject *m = reinterpret_cast<PyHeapTypeObject *>(c)->ht_module;
        if (m && isles_def_of(m) == def) return author_state_of(m);
    }
    PyErr_Format(PyExc_TypeError, "IslType_GetModuleState: no type in the MRO of '%s' belongs to module '%s'",
                 t->tp_name, def && def->name ? def->name : "?");
    return nullptr;
}

IslHandle Type_GenericNew(IslContext *, IslHandle type) {
    PyObject *t = O(type);
    if (!expect(t && PyType_Check(t), "IslType_GenericNew", "a type", t)) return Null();
    auto *tp = reinterpret_cast<PyTypeObject *>(t);
    return H(tp->tp_alloc(tp, 0));
}

IslHandle Field_Load(IslContext *, IslHandle, IslField field) {
    return H(Py_XNewRef(reinterpret_cast<PyObject *>(field._f)));
}

void Field_Store(IslContext *, IslHandle, IslField *field, IslHandle value) {
    auto **slot = reinterpret_cast<PyObject **>(&field->_f);
    Py_XSETREF(*slot, Py_XNewRef(O(value)));
}

IslHandle Err_NewException(IslContext *, const char *name, IslHandle bases, const char *doc) {
    if (!name || !strchr(name, '.'))
        return H(PyErr_Format(PyExc_ValueError, "IslErr_NewException: name must be 'module.Name', got '%s'",
                              name ? name : "(null)"));
    return H(PyErr_NewExceptionWithDoc(name, doc, O(bases), nullptr));
}

int Module_AddType(IslContext *, IslHandle module, IslHandle type) {
    PyObject *m = O(module), *t = O(type);
    if (!expect(m && PyModule_Check(m), "IslModule_AddType", "a module", m) ||
        !expect(t && PyType_Check(t), "IslModule_AddType", "a type", t))
        return -1;
    return PyModule_AddType(m, reinterpret_cast<PyTypeObject *>(t));
}

IslHandle Object_GenericGetAttr(IslContext *, IslHandle obj, IslHandle name) {
    if (!expect(O(obj), "IslObject_GenericGetAttr", "an object", O(obj)) ||
        !expect(O(name) && PyUnicode_Check(O(name)), "IslObject_GenericGetAttr", "a str name", O(name)))
        return Null();
    return H(PyObject_GenericGetAttr(O(obj), O(name)));
}

int Object_GenericSetAttr(IslContext *, IslHandle obj, IslHandle name, IslHandle value) {
    if (!expect(O(obj), "IslObject_GenericSetAttr", "an object", O(obj)) ||
        !expect(O(name) && PyUnicode_Check(O(name)), "IslObject_GenericSetAttr", "a str name", O(name)))
        return -1;
    return PyObject_GenericSetAttr(O(obj), O(name), O(value));
}

}  // namespace impl
}  // namespace isles::internal

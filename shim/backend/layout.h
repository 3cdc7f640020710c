// Every fact about CPython's object layout that the runtime promises to
// universal binaries: what isles/private/object_header.h reads and writes
// inline (the ISL_CONTEXT_INLINE_* bits) and the offsets published in
// _IslLayout. Each fact is asserted below against the headers of the CPython
// this backend is built for, and a promise is made only for a CPython whose
// headers were read for it (kChecked). Any other CPython — a newer one, a
// free-threaded or a reference-tracing build, another data model — gets no
// promise, and the same binary takes the context path.
//
// Included by backend.h. The module object is declared only in CPython's
// internal headers: api.cpp includes them, defines ISL_LAYOUT_MODULE_OBJECT
// and includes this file again for the part at the end.
#ifndef ISLES_SHIM_BACKEND_LAYOUT_H
#define ISLES_SHIM_BACKEND_LAYOUT_H

#include <Python.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "isles/stable/handles.h"

namespace isles::internal::layout {

// The CPythons whose headers were read: 3.12 to 3.15, 64-bit with 64-bit
// longs (the data model of every platform isles is tested on), with a GIL.
// Py_TRACE_REFS builds were not read (up to 3.12 they add two words to every
// object). Debug builds (Py_REF_DEBUG) were, and get less (kRefDebug). Only
// x86-64 and AArch64, whose psABIs allocate bit-fields from the low bit (the
// str state word).
#if SIZEOF_VOID_P == 8 && SIZEOF_LONG == 8 && !defined(Py_GIL_DISABLED) && !defined(Py_TRACE_REFS) && \
    PY_VERSION_HEX >= 0x030c0000 && PY_VERSION_HEX < 0x03100000 && PY_LITTLE_ENDIAN &&                 \
    (defined(__x86_64__) || defined(__aarch64__))
#define ISL_LAYOUT_CHECKED 1
constexpr bool kChecked = true;
constexpr int kMinor = (PY_VERSION_HEX >> 16) & 0xff;
#else
#define ISL_LAYOUT_CHECKED 0
constexpr bool kChecked = false;
constexpr int kMinor = 0;
#endif

// Debug builds count every reference change in a total (sys.gettotalrefcount,
// the leak checks of regrtest -R) that only CPython's own Py_INCREF/Py_DECREF
// keep: an inline count would skip it. Reads are unaffected.
#ifdef Py_REF_DEBUG
constexpr bool kRefDebug = true;
#else
constexpr bool kRefDebug = false;
#endif

#if ISL_LAYOUT_CHECKED
// ---- the header (ISL_CONTEXT_INLINE_HEADER): type and size words.
static_assert(offsetof(PyObject, ob_type) == 8 && std::is_same_v<decltype(PyObject::ob_type), PyTypeObject *>,
              "the type is word 1");
static_assert(offsetof(PyVarObject, ob_size) == 16 && std::is_same_v<decltype(PyVarObject::ob_size), Py_ssize_t>,
              "the size of a variable-size object is word 2");

// ---- the reference count (ISL_CONTEXT_INLINE_REFCOUNT). The binary keeps
// to what every checked CPython shares: the count is the low 32 bits of word
// 0, an object whose low half is negative as int32 is immortal (the test
// _Py_IsImmortal makes on all four) and is never written, a count of 1 is the
// last reference, and a mortal count never carries out of the low half.
#if PY_VERSION_HEX < 0x030e0000
// Word 0 is the Py_ssize_t count; Py_INCREF adds to its low half only
// (ob_refcnt_split), saturating at the immortal value, all 32 bits set.
static_assert(offsetof(PyObject, ob_refcnt) == 0 && sizeof(PyObject::ob_refcnt) == 8, "the count is word 0");
static_assert(sizeof(PyObject::ob_refcnt_split) == 8 && _Py_IMMORTAL_REFCNT == UINT32_MAX,
              "immortal: the low half all ones, so negative as int32");
#else
// 3.14 split word 0: a 32-bit count, then ob_overflow and ob_flags (which
// immortal and static objects set, and which finalization may leave set on an
// object made mortal again: so the binary compares the low half, never the
// word, with 1). Immortality starts at 2^31; immortals start at 3 << 30.
static_assert(sizeof(PyObject::ob_refcnt) == 4 && offsetof(PyObject, ob_refcnt) == (PY_BIG_ENDIAN ? 4 : 0) &&
                  sizeof(PyObject::ob_refcnt_full) == 8 && offsetof(PyObject, ob_refcnt_full) == 0,
              "the count is the low half of word 0");
static_assert(_Py_IMMORTAL_MINIMUM_REFCNT == (1ULL << 31), "immortal from 2^31: the low half's sign bit");
static_assert((uint32_t)_Py_IMMORTAL_INITIAL_REFCNT >= (1u << 31) &&
                  (uint32_t)_Py_STATIC_IMMORTAL_INITIAL_REFCNT >= (1u << 31) &&
                  (uint64_t)_Py_IMMORTAL_INITIAL_REFCNT >> 32 == 0,
              "immortals start negative in the low half");
#endif

// ---- compact ints (ISL_CONTEXT_INLINE_INTS): the tag word after the header,
// below 2 << 3 for at most one digit, the sign in its low two bits (0
// positive, 1 zero, 2 negative; 3.14's small-int flag is bit 2, which the sign
// mask leaves out), then the first 30-bit digit as a uint32.
static_assert(offsetof(PyLongObject, long_value.lv_tag) == 16 && sizeof(((PyLongObject *)nullptr)->long_value.lv_tag) == 8,
              "the tag is word 2");
static_assert(offsetof(PyLongObject, long_value.ob_digit) == 24 && sizeof(digit) == 4 && PyLong_SHIFT == 30,
              "the first digit is a uint32 at word 3");
static_assert(_PyLong_NON_SIZE_BITS == 3 && _PyLong_SIGN_MASK == 3, "compact below 16, sign in bits 0-1");

// ---- list and tuple items (ISL_CONTEXT_INLINE_ITEMS). A list's item array
// is a pointer at word 3 everywhere; a tuple's items are inline, after a
// cached hash since 3.14, so their offset is published (_IslLayout.tuple_items).
static_assert(offsetof(PyListObject, ob_item) == 24 && std::is_same_v<decltype(PyListObject::ob_item), PyObject **>,
              "a list's item array pointer is word 3");
static_assert(offsetof(PyTupleObject, ob_item) == (kMinor >= 14 ? 32 : 24) &&
                  std::is_same_v<decltype(PyTupleObject::ob_item), PyObject *[1]>,
              "a tuple's items are inline, at word 3 (word 4 from 3.14)");

// ---- a type's flags (ISL_CONTEXT_INLINE_TYPEFLAGS): tp_flags is word 21 of
// every type object, an unsigned long, and the builtin int, list, tuple,
// bytes, str and dict types mark themselves and their subclasses with the
// bits object_header.h names (Include/object.h; PyLong_Check and its siblings
// test them).
static_assert(offsetof(PyTypeObject, tp_flags) == 21 * 8 && std::is_same_v<decltype(PyTypeObject::tp_flags), unsigned long>,
              "a type's flags are word 21");
static_assert(Py_TPFLAGS_LONG_SUBCLASS == 1ul << 24 && Py_TPFLAGS_LIST_SUBCLASS == 1ul << 25 &&
                  Py_TPFLAGS_TUPLE_SUBCLASS == 1ul << 26 && Py_TPFLAGS_BYTES_SUBCLASS == 1ul << 27 &&
                  Py_TPFLAGS_UNICODE_SUBCLASS == 1ul << 28 && Py_TPFLAGS_DICT_SUBCLASS == 1ul << 29,
              "the builtin types' subclass bits");

// ---- compact strs (ISL_CONTEXT_INLINE_STR): the length is word 2, the
// state a 32-bit word at byte 32, and the code points follow the ASCII
// header (40 bytes) or the compact one (56). The state's bit-fields are
// allocated from its least significant bit (the psABI rule, see above):
// interned (2 bits), kind (3), compact, ascii. tests/python/test_fast_paths.py compares the inline
// reads with CPython's own accessors for every kind.
static_assert(offsetof(PyASCIIObject, length) == 16 && offsetof(PyASCIIObject, state) == 32 &&
                  sizeof(PyASCIIObject::state) == 4 && sizeof(PyASCIIObject) == 40 &&
                  sizeof(PyCompactUnicodeObject) == 56,
              "a compact str's length, state and data");

// ---- a heap type's module (_IslLayout.type_module): the pointer
// PyType_GetModule returns, moved by 3.15's larger type object.
static_assert(offsetof(PyHeapTypeObject, ht_module) == (kMinor >= 15 ? 896 : 888) &&
                  std::is_same_v<decltype(PyHeapTypeObject::ht_module), PyObject *>,
              "a heap type's module pointer");
#endif  // ISL_LAYOUT_CHECKED

// What the runtime promises (copied into every context's flags and published
// as _IslLayout.inline_flags). The others come only with HEADER.
constexpr unsigned kHeader = kChecked ? ISL_CONTEXT_INLINE_HEADER : 0u;
constexpr unsigned kInlineFlags = kHeader ? kHeader | ISL_CONTEXT_INLINE_INTS | ISL_CONTEXT_INLINE_ITEMS |
                                                ISL_CONTEXT_INLINE_TYPEFLAGS | ISL_CONTEXT_INLINE_STR |
                                                (kRefDebug ? 0u : ISL_CONTEXT_INLINE_REFCOUNT)
                                          : 0u;

#if ISL_LAYOUT_CHECKED
constexpr IslSsize kTupleItems = offsetof(PyTupleObject, ob_item);
constexpr IslSsize kTypeModule = offsetof(PyHeapTypeObject, ht_module);
#else
constexpr IslSsize kTupleItems = 0;
constexpr IslSsize kTypeModule = 0;
#endif

}  // namespace isles::internal::layout
#endif  // ISLES_SHIM_BACKEND_LAYOUT_H

// ---- a module object's state pointer (_IslLayout.module_state): what
// PyModule_GetState returns, one word earlier since 3.15 dropped md_def.
#if defined(ISL_LAYOUT_MODULE_OBJECT) && !defined(ISLES_SHIM_BACKEND_LAYOUT_MODULE_H)
#define ISLES_SHIM_BACKEND_LAYOUT_MODULE_H
namespace isles::internal::layout {
#if ISL_LAYOUT_CHECKED
static_assert(offsetof(PyModuleObject, md_state) == (kMinor >= 15 ? 24 : 32) &&
                  std::is_same_v<decltype(PyModuleObject::md_state), void *>,
              "a module's state pointer");
constexpr IslSsize kModuleState = offsetof(PyModuleObject, md_state);
#else
constexpr IslSsize kModuleState = 0;
#endif
}  // namespace isles::internal::layout
#endif

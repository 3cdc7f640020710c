/* generated from capi-tiers/manifest.toml by capi-tiers/islgen.py — do not edit */
/* The context: one per interpreter (and per handle mode), reached only through
   the inline trampolines below. Layout: four header words, then one
   pointer-sized slot per manifest item, append-only. */
#ifndef ISLES_STABLE_CONTEXT_H
#define ISLES_STABLE_CONTEXT_H

#include "isles/stable/handles.h"
#include "isles/private/object_header.h"

#ifndef ISL_ABI_VERSION_MAJOR
#define ISL_ABI_VERSION_MAJOR 0
#endif
#ifndef ISL_ABI_VERSION_MINOR
#define ISL_ABI_VERSION_MINOR 3
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct IslContext {
    uint32_t abi_major;  /* ABI the runtime serves */
    uint32_t abi_minor;
    uint32_t flags;      /* ISL_CONTEXT_* bits */
    uint32_t n_slots;    /* slots filled by the runtime */
    void *_runtime;      /* the backend's per-interpreter state */
    void *_reserved;
    IslHandle h_None;  /* slot 0 */
    IslHandle h_True;  /* slot 1 */
    IslHandle h_False;  /* slot 2 */
    IslHandle h_NotImplemented;  /* slot 3 */
    IslHandle h_Ellipsis;  /* slot 4 */
    IslHandle h_BaseException;  /* slot 5 */
    IslHandle h_Exception;  /* slot 6 */
    IslHandle h_StopIteration;  /* slot 7 */
    IslHandle h_ArithmeticError;  /* slot 8 */
    IslHandle h_AssertionError;  /* slot 9 */
    IslHandle h_AttributeError;  /* slot 10 */
    IslHandle h_BufferError;  /* slot 11 */
    IslHandle h_EOFError;  /* slot 12 */
    IslHandle h_ImportError;  /* slot 13 */
    IslHandle h_LookupError;  /* slot 14 */
    IslHandle h_IndexError;  /* slot 15 */
    IslHandle h_KeyError;  /* slot 16 */
    IslHandle h_MemoryError;  /* slot 17 */
    IslHandle h_NameError;  /* slot 18 */
    IslHandle h_NotImplementedError;  /* slot 19 */
    IslHandle h_OSError;  /* slot 20 */
    IslHandle h_OverflowError;  /* slot 21 */
    IslHandle h_RecursionError;  /* slot 22 */
    IslHandle h_RuntimeError;  /* slot 23 */
    IslHandle h_SystemError;  /* slot 24 */
    IslHandle h_TypeError;  /* slot 25 */
    IslHandle h_UnicodeError;  /* slot 26 */
    IslHandle h_UnicodeDecodeError;  /* slot 27 */
    IslHandle h_UnicodeEncodeError;  /* slot 28 */
    IslHandle h_ValueError;  /* slot 29 */
    IslHandle h_ZeroDivisionError;  /* slot 30 */
    IslHandle h_KeyboardInterrupt;  /* slot 31 */
    IslHandle h_Warning;  /* slot 32 */
    IslHandle h_DeprecationWarning;  /* slot 33 */
    IslHandle h_RuntimeWarning;  /* slot 34 */
    IslHandle h_UserWarning;  /* slot 35 */
    IslHandle h_ObjectType;  /* slot 36 */
    IslHandle h_TypeType;  /* slot 37 */
    IslHandle h_LongType;  /* slot 38 */
    IslHandle h_FloatType;  /* slot 39 */
    IslHandle h_BoolType;  /* slot 40 */
    IslHandle h_StrType;  /* slot 41 */
    IslHandle h_BytesType;  /* slot 42 */
    IslHandle h_TupleType;  /* slot 43 */
    IslHandle h_ListType;  /* slot 44 */
    IslHandle h_DictType;  /* slot 45 */
    IslHandle (*ctx_Handle_Dup)(IslContext *, IslHandle);  /* slot 46 */
    void (*ctx_Handle_Close)(IslContext *, IslHandle);  /* slot 47 */
    int (*ctx_Object_Is)(IslContext *, IslHandle, IslHandle);  /* slot 48 */
    IslHandle (*ctx_Object_Type)(IslContext *, IslHandle);  /* slot 49 */
    int (*ctx_Object_TypeCheck)(IslContext *, IslHandle, IslHandle);  /* slot 50 */
    int (*ctx_Object_IsInstance)(IslContext *, IslHandle, IslHandle);  /* slot 51 */
    int (*ctx_Long_Check)(IslContext *, IslHandle);  /* slot 52 */
    int (*ctx_Float_Check)(IslContext *, IslHandle);  /* slot 53 */
    int (*ctx_Str_Check)(IslContext *, IslHandle);  /* slot 54 */
    int (*ctx_Bytes_Check)(IslContext *, IslHandle);  /* slot 55 */
    int (*ctx_Tuple_Check)(IslContext *, IslHandle);  /* slot 56 */
    int (*ctx_List_Check)(IslContext *, IslHandle);  /* slot 57 */
    int (*ctx_List_CheckExact)(IslContext *, IslHandle);  /* slot 58 */
    int (*ctx_Dict_Check)(IslContext *, IslHandle);  /* slot 59 */
    IslHandle (*ctx_Long_FromInt64)(IslContext *, int64_t);  /* slot 60 */
    IslHandle (*ctx_Long_FromUInt64)(IslContext *, uint64_t);  /* slot 61 */
    IslHandle (*ctx_Long_FromSsize)(IslContext *, IslSsize);  /* slot 62 */
    IslHandle (*ctx_Long_FromSize)(IslContext *, size_t);  /* slot 63 */
    int64_t (*ctx_Long_AsInt64)(IslContext *, IslHandle);  /* slot 64 */
    uint64_t (*ctx_Long_AsUInt64)(IslContext *, IslHandle);  /* slot 65 */
    IslSsize (*ctx_Long_AsSsize)(IslContext *, IslHandle);  /* slot 66 */
    size_t (*ctx_Long_AsSize)(IslContext *, IslHandle);  /* slot 67 */
    IslHandle (*ctx_Number_Index)(IslContext *, IslHandle);  /* slot 68 */
    IslHandle (*ctx_Float_FromDouble)(IslContext *, double);  /* slot 69 */
    double (*ctx_Float_AsDouble)(IslContext *, IslHandle);  /* slot 70 */
    IslHandle (*ctx_Bool_FromBool)(IslContext *, int);  /* slot 71 */
    IslHandle (*ctx_Str_FromUTF8)(IslContext *, const char *);  /* slot 72 */
    IslHandle (*ctx_Str_FromUTF8AndSize)(IslContext *, const char *, IslSsize);  /* slot 73 */
    const char *(*ctx_Str_AsUTF8AndSize)(IslContext *, IslHandle, IslSsize *);  /* slot 74 */
    IslHandle (*ctx_Bytes_FromStringAndSize)(IslContext *, const char *, IslSsize);  /* slot 75 */
    const char *(*ctx_Bytes_AsString)(IslContext *, IslHandle);  /* slot 76 */
    IslSsize (*ctx_Bytes_Size)(IslContext *, IslHandle);  /* slot 77 */
    IslHandle (*ctx_Tuple_New)(IslContext *, const IslHandle *, IslSsize);  /* slot 78 */
    IslHandle (*ctx_Tuple_GetItem)(IslContext *, IslHandle, IslSsize);  /* slot 79 */
    IslSsize (*ctx_Tuple_Size)(IslContext *, IslHandle);  /* slot 80 */
    IslHandle (*ctx_List_New)(IslContext *);  /* slot 81 */
    int (*ctx_List_Append)(IslContext *, IslHandle, IslHandle);  /* slot 82 */
    int (*ctx_List_Insert)(IslContext *, IslHandle, IslSsize, IslHandle);  /* slot 83 */
    IslHandle (*ctx_List_GetItem)(IslContext *, IslHandle, IslSsize);  /* slot 84 */
    int (*ctx_List_SetItem)(IslContext *, IslHandle, IslSsize, IslHandle);  /* slot 85 */
    IslSsize (*ctx_List_Size)(IslContext *, IslHandle);  /* slot 86 */
    int (*ctx_List_Swap)(IslContext *, IslHandle, IslSsize, IslSsize);  /* slot 87 */
    IslHandle (*ctx_Dict_New)(IslContext *);  /* slot 88 */
    int (*ctx_Dict_GetItem)(IslContext *, IslHandle, IslHandle, IslHandle *);  /* slot 89 */
    int (*ctx_Dict_GetItemString)(IslContext *, IslHandle, const char *, IslHandle *);  /* slot 90 */
    int (*ctx_Dict_SetItem)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 91 */
    int (*ctx_Dict_SetItemString)(IslContext *, IslHandle, const char *, IslHandle);  /* slot 92 */
    int (*ctx_Dict_DelItem)(IslContext *, IslHandle, IslHandle);  /* slot 93 */
    IslSsize (*ctx_Dict_Size)(IslContext *, IslHandle);  /* slot 94 */
    IslHandle (*ctx_Dict_Keys)(IslContext *, IslHandle);  /* slot 95 */
    IslHandle (*ctx_Object_GetAttrString)(IslContext *, IslHandle, const char *);  /* slot 96 */
    int (*ctx_Object_SetAttrString)(IslContext *, IslHandle, const char *, IslHandle);  /* slot 97 */
    int (*ctx_Object_HasAttrString)(IslContext *, IslHandle, const char *);  /* slot 98 */
    IslHandle (*ctx_Object_GetAttr)(IslContext *, IslHandle, IslHandle);  /* slot 99 */
    int (*ctx_Object_SetAttr)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 100 */
    IslHandle (*ctx_Object_GetItem)(IslContext *, IslHandle, IslHandle);  /* slot 101 */
    int (*ctx_Object_SetItem)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 102 */
    int (*ctx_Object_DelItem)(IslContext *, IslHandle, IslHandle);  /* slot 103 */
    IslHandle (*ctx_Sequence_GetItem)(IslContext *, IslHandle, IslSsize);  /* slot 104 */
    IslSsize (*ctx_Object_Length)(IslContext *, IslHandle);  /* slot 105 */
    int (*ctx_Object_IsTrue)(IslContext *, IslHandle);  /* slot 106 */
    IslHandle (*ctx_Object_RichCompare)(IslContext *, IslHandle, IslHandle, int);  /* slot 107 */
    int (*ctx_Object_RichCompareBool)(IslContext *, IslHandle, IslHandle, int);  /* slot 108 */
    IslSsize (*ctx_Object_Hash)(IslContext *, IslHandle);  /* slot 109 */
    IslHandle (*ctx_Object_Repr)(IslContext *, IslHandle);  /* slot 110 */
    IslHandle (*ctx_Object_Str)(IslContext *, IslHandle);  /* slot 111 */
    IslHandle (*ctx_Object_Call)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 112 */
    IslHandle (*ctx_Object_Vectorcall)(IslContext *, IslHandle, const IslHandle *, size_t, IslHandle);  /* slot 113 */
    IslHandle (*ctx_Object_CallMethod)(IslContext *, IslHandle, const char *, const IslHandle *, size_t);  /* slot 114 */
    IslHandle (*ctx_Object_GetIter)(IslContext *, IslHandle);  /* slot 115 */
    IslHandle (*ctx_Iter_Next)(IslContext *, IslHandle);  /* slot 116 */
    IslHandle (*ctx_Err_SetString)(IslContext *, IslHandle, const char *);  /* slot 117 */
    IslHandle (*ctx_Err_SetObject)(IslContext *, IslHandle, IslHandle);  /* slot 118 */
    IslHandle (*ctx_Err_Format)(IslContext *, IslHandle, const char *, ...);  /* slot 119 */
    int (*ctx_Err_Occurred)(IslContext *);  /* slot 120 */
    int (*ctx_Err_ExceptionMatches)(IslContext *, IslHandle);  /* slot 121 */
    void (*ctx_Err_Clear)(IslContext *);  /* slot 122 */
    IslHandle (*ctx_Err_Fetch)(IslContext *);  /* slot 123 */
    void (*ctx_Err_Restore)(IslContext *, IslHandle);  /* slot 124 */
    IslHandle (*ctx_Err_NoMemory)(IslContext *);  /* slot 125 */
    int (*ctx_Err_WarnEx)(IslContext *, IslHandle, const char *, IslSsize);  /* slot 126 */
    int (*ctx_Arg_Parse)(IslContext *, const IslHandle *, size_t, IslHandle, const char *, const char *const *, ...);  /* slot 127 */
    void *(*ctx_Module_GetState)(IslContext *, IslHandle);  /* slot 128 */
    int (*ctx_Module_AddObject)(IslContext *, IslHandle, const char *, IslHandle);  /* slot 129 */
    IslHandle (*ctx_Import_ImportModule)(IslContext *, const char *);  /* slot 130 */
    IslHandle (*ctx_List_Pop)(IslContext *, IslHandle, IslSsize);  /* slot 131 */
    int (*ctx_Queue_Check)(IslContext *, IslHandle);  /* slot 132 */
    int (*ctx_Queue_Put)(IslContext *, IslHandle, IslHandle, double);  /* slot 133 */
    IslHandle (*ctx_Queue_Get)(IslContext *, IslHandle, double);  /* slot 134 */
    int (*ctx_Channel_Send)(IslContext *, IslHandle, IslHandle, double);  /* slot 135 */
    IslHandle (*ctx_Channel_Recv)(IslContext *, IslHandle, double);  /* slot 136 */
    int (*ctx_Sequence_Check)(IslContext *, IslHandle);  /* slot 137 */
    IslSsize (*ctx_Sequence_Size)(IslContext *, IslHandle);  /* slot 138 */
    IslHandle (*ctx_Type_FromDef)(IslContext *, IslHandle, const IslTypeDef *, IslHandle);  /* slot 139 */
    void *(*ctx_Instance_Data)(IslContext *, IslHandle, const IslTypeDef *);  /* slot 140 */
    void *(*ctx_Type_GetModuleState)(IslContext *, IslHandle, const IslModuleDef *);  /* slot 141 */
    IslHandle (*ctx_Type_GenericNew)(IslContext *, IslHandle);  /* slot 142 */
    IslHandle (*ctx_Field_Load)(IslContext *, IslHandle, IslField);  /* slot 143 */
    void (*ctx_Field_Store)(IslContext *, IslHandle, IslField *, IslHandle);  /* slot 144 */
    IslHandle (*ctx_Err_NewException)(IslContext *, const char *, IslHandle, const char *);  /* slot 145 */
    int (*ctx_Module_AddType)(IslContext *, IslHandle, IslHandle);  /* slot 146 */
    IslHandle (*ctx_Object_GenericGetAttr)(IslContext *, IslHandle, IslHandle);  /* slot 147 */
    int (*ctx_Object_GenericSetAttr)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 148 */
    int (*ctx_Dict_Next)(IslContext *, IslHandle, IslSsize *, IslHandle *, IslHandle *);  /* slot 149 */
    const void *(*ctx_Str_Data)(IslContext *, IslHandle, int *, IslSsize *);  /* slot 150 */
    IslHandle (*ctx_Str_FromKindAndData)(IslContext *, int, const void *, IslSsize);  /* slot 151 */
    IslHandle (*ctx_Str_Decode)(IslContext *, const char *, IslSsize, const char *, const char *);  /* slot 152 */
    IslHandle (*ctx_Str_Encode)(IslContext *, IslHandle, const char *, const char *);  /* slot 153 */
    IslStrBuilder *(*ctx_StrBuilder_New)(IslContext *, IslSsize);  /* slot 154 */
    int (*ctx_StrBuilder_AppendStr)(IslContext *, IslStrBuilder *, IslHandle);  /* slot 155 */
    int (*ctx_StrBuilder_AppendUTF8)(IslContext *, IslStrBuilder *, const char *, IslSsize);  /* slot 156 */
    int (*ctx_StrBuilder_AppendChar)(IslContext *, IslStrBuilder *, uint32_t);  /* slot 157 */
    IslHandle (*ctx_StrBuilder_Finish)(IslContext *, IslStrBuilder *);  /* slot 158 */
    void (*ctx_StrBuilder_Discard)(IslContext *, IslStrBuilder *);  /* slot 159 */
    IslHandle (*ctx_Float_FromUTF8AndSize)(IslContext *, const char *, IslSsize);  /* slot 160 */
    IslHandle (*ctx_Long_FromUTF8AndSize)(IslContext *, const char *, IslSsize, int);  /* slot 161 */
    IslHandle (*ctx_Float_Repr)(IslContext *, double);  /* slot 162 */
    IslHandle (*ctx_Long_Repr)(IslContext *, IslHandle);  /* slot 163 */
    IslHandle (*ctx_Sequence_Fast)(IslContext *, IslHandle, const char *);  /* slot 164 */
    const IslHandle *(*ctx_Sequence_FastItems)(IslContext *, IslHandle, IslSsize *);  /* slot 165 */
    IslHandle (*ctx_Str_Join)(IslContext *, IslHandle, IslHandle);  /* slot 166 */
    IslHandle (*ctx_Dict_SetDefault)(IslContext *, IslHandle, IslHandle, IslHandle);  /* slot 167 */
    IslHandle (*ctx_Number_Float)(IslContext *, IslHandle);  /* slot 168 */
    IslHandle (*ctx_Sequence_Tuple)(IslContext *, IslHandle);  /* slot 169 */
    int (*ctx_Recursion_Enter)(IslContext *, const char *);  /* slot 170 */
    void (*ctx_Recursion_Leave)(IslContext *);  /* slot 171 */
    int (*ctx_Callable_Check)(IslContext *, IslHandle);  /* slot 172 */
    IslHandle (*ctx_Str_FromFormatFloat)(IslContext *, double, char, int);  /* slot 173 */
    int (*ctx_List_CompareItems)(IslContext *, IslHandle, IslSsize, IslSsize, int);  /* slot 174 */
    int (*ctx_Sequence_CompareItem)(IslContext *, IslHandle, IslSsize, IslHandle, int, int);  /* slot 175 */
    int (*ctx_Arg_ParseSpec)(IslContext *, const IslHandle *, size_t, IslHandle, IslArgSpec *, ...);  /* slot 176 */
    int (*ctx_Arg_ParseTupleAndDict)(IslContext *, IslHandle, IslHandle, IslArgSpec *, ...);  /* slot 177 */
    IslHandle (*ctx_Mapping_Items)(IslContext *, IslHandle);  /* slot 178 */
    int (*ctx_List_Sort)(IslContext *, IslHandle);  /* slot 179 */
    int (*ctx_Sequence_CompareKeyedItem)(IslContext *, IslHandle, IslSsize, IslHandle, IslHandle, int, int);  /* slot 180 */
    int (*ctx_Arg_UnpackSpec)(IslContext *, const IslHandle *, size_t, IslHandle, IslArgSpec *, IslHandle *);  /* slot 181 */
    int (*ctx_Object_TypeIs)(IslContext *, IslHandle, IslHandle);  /* slot 182 */
    int (*ctx_Number_Check)(IslContext *, IslHandle);  /* slot 183 */
    int (*ctx_Index_Check)(IslContext *, IslHandle);  /* slot 184 */
    IslHandle (*ctx_Object_Id)(IslContext *, IslHandle);  /* slot 185 */
    int64_t (*ctx_Long_AsInt64AndOverflow)(IslContext *, IslHandle, int *);  /* slot 186 */
};

/* A per-CPython build (ISL_UNSTABLE_API) compiles the functions marked
   below straight to CPython, falling back to the context off the fast path. */
#ifdef ISL_UNSTABLE_API
#include "isles/unstable/inline.h"
#endif

#ifndef ISL_UNSTABLE_API
static inline IslHandle IslHandle_Dup(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_REFCOUNT)) {
        _IslRefcount_Inc(h._i);
        return h;
    }
    return ctx->ctx_Handle_Dup(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline void IslHandle_Close(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_REFCOUNT) && _IslRefcount_DecUnlessLast(h._i))
        return;
    ctx->ctx_Handle_Close(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslObject_Is(IslContext *ctx, IslHandle a, IslHandle b) {
    if (!(ctx->flags & ISL_CONTEXT_DEBUG_HANDLES))
        return a._i == b._i;
    return ctx->ctx_Object_Is(ctx, a, b);
}
#endif
static inline IslHandle IslObject_Type(IslContext *ctx, IslHandle h) { return ctx->ctx_Object_Type(ctx, h); }
#ifndef ISL_UNSTABLE_API
static inline int IslObject_TypeCheck(IslContext *ctx, IslHandle h, IslHandle type) { return ctx->ctx_Object_TypeCheck(ctx, h, type); }
#endif
static inline int IslObject_IsInstance(IslContext *ctx, IslHandle h, IslHandle cls) { return ctx->ctx_Object_IsInstance(ctx, h, cls); }
#ifndef ISL_UNSTABLE_API
static inline int IslLong_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_LONG_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_LongType._i)
        return 1;
    return ctx->ctx_Long_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslFloat_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_FloatType._i)
        return 1;
    return ctx->ctx_Float_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslStr_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_STR_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_StrType._i)
        return 1;
    return ctx->ctx_Str_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslBytes_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_BYTES_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_BytesType._i)
        return 1;
    return ctx->ctx_Bytes_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslTuple_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_TUPLE_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_TupleType._i)
        return 1;
    return ctx->ctx_Tuple_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslList_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_LIST_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_ListType._i)
        return 1;
    return ctx->ctx_List_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslList_CheckExact(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i)
        return _IslObject_TypeBits(h._i) == ctx->h_ListType._i;
    return ctx->ctx_List_CheckExact(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslDict_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && h._i)
        return _IslObject_TypeFlag(h._i, _ISL_TPFLAGS_DICT_SUBCLASS);
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_DictType._i)
        return 1;
    return ctx->ctx_Dict_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslLong_FromInt64(IslContext *ctx, int64_t value) { return ctx->ctx_Long_FromInt64(ctx, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslLong_FromUInt64(IslContext *ctx, uint64_t value) { return ctx->ctx_Long_FromUInt64(ctx, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslLong_FromSsize(IslContext *ctx, IslSsize value) { return ctx->ctx_Long_FromSsize(ctx, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslLong_FromSize(IslContext *ctx, size_t value) { return ctx->ctx_Long_FromSize(ctx, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline int64_t IslLong_AsInt64(IslContext *ctx, IslHandle h) {
    int64_t _v;
    if (_ISL_INLINE_ON(_ISL_INLINE_INTS) && h._i && _IslObject_CompactInt(h._i, ctx->h_LongType._i, &_v))
        return _v;
    return ctx->ctx_Long_AsInt64(ctx, h);
}
#endif
static inline uint64_t IslLong_AsUInt64(IslContext *ctx, IslHandle h) {
    int64_t _v;
    if (_ISL_INLINE_ON(_ISL_INLINE_INTS) && h._i && _IslObject_CompactInt(h._i, ctx->h_LongType._i, &_v) && _v >= 0)
        return (uint64_t)_v;
    return ctx->ctx_Long_AsUInt64(ctx, h);
}
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslLong_AsSsize(IslContext *ctx, IslHandle h) {
    int64_t _v;
    if (_ISL_INLINE_ON(_ISL_INLINE_INTS) && h._i && _IslObject_CompactInt(h._i, ctx->h_LongType._i, &_v))
        return (IslSsize)_v;
    return ctx->ctx_Long_AsSsize(ctx, h);
}
#endif
static inline size_t IslLong_AsSize(IslContext *ctx, IslHandle h) {
    int64_t _v;
    if (_ISL_INLINE_ON(_ISL_INLINE_INTS) && h._i && _IslObject_CompactInt(h._i, ctx->h_LongType._i, &_v) && _v >= 0)
        return (size_t)_v;
    return ctx->ctx_Long_AsSize(ctx, h);
}
static inline IslHandle IslNumber_Index(IslContext *ctx, IslHandle h) { return ctx->ctx_Number_Index(ctx, h); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslFloat_FromDouble(IslContext *ctx, double value) { return ctx->ctx_Float_FromDouble(ctx, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline double IslFloat_AsDouble(IslContext *ctx, IslHandle h) { return ctx->ctx_Float_AsDouble(ctx, h); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslBool_FromBool(IslContext *ctx, int value) { return ctx->ctx_Bool_FromBool(ctx, value); }
#endif
static inline IslHandle IslStr_FromUTF8(IslContext *ctx, const char *utf8) { return ctx->ctx_Str_FromUTF8(ctx, utf8); }
static inline IslHandle IslStr_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size) { return ctx->ctx_Str_FromUTF8AndSize(ctx, utf8, size); }
static inline const char *IslStr_AsUTF8AndSize(IslContext *ctx, IslHandle h, IslSsize *size) { return ctx->ctx_Str_AsUTF8AndSize(ctx, h, size); }
static inline IslHandle IslBytes_FromStringAndSize(IslContext *ctx, const char *data, IslSsize size) { return ctx->ctx_Bytes_FromStringAndSize(ctx, data, size); }
static inline const char *IslBytes_AsString(IslContext *ctx, IslHandle h) { return ctx->ctx_Bytes_AsString(ctx, h); }
static inline IslSsize IslBytes_Size(IslContext *ctx, IslHandle h) { return ctx->ctx_Bytes_Size(ctx, h); }
static inline IslHandle IslTuple_New(IslContext *ctx, const IslHandle *items, IslSsize n) { return ctx->ctx_Tuple_New(ctx, items, n); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslTuple_GetItem(IslContext *ctx, IslHandle tuple, IslSsize index) {
    if (_ISL_INLINE_ALL(_ISL_INLINE_ITEMS | _ISL_INLINE_REFCOUNT) &&
        _IslVarObject_InRange(tuple._i, ctx->h_TupleType._i, index)) {
        intptr_t _item = _IslTuple_Items(tuple._i)[index];
        _IslRefcount_Inc(_item);
        return _IslHandle_FromBits(_item);
    }
    return ctx->ctx_Tuple_GetItem(ctx, tuple, index);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslTuple_Size(IslContext *ctx, IslHandle tuple) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && tuple._i && _IslObject_TypeBits(tuple._i) == ctx->h_TupleType._i)
        return _IslVarObject_Size(tuple._i);
    return ctx->ctx_Tuple_Size(ctx, tuple);
}
#endif
static inline IslHandle IslList_New(IslContext *ctx) { return ctx->ctx_List_New(ctx); }
#ifndef ISL_UNSTABLE_API
static inline int IslList_Append(IslContext *ctx, IslHandle list, IslHandle item) { return ctx->ctx_List_Append(ctx, list, item); }
#endif
static inline int IslList_Insert(IslContext *ctx, IslHandle list, IslSsize index, IslHandle item) { return ctx->ctx_List_Insert(ctx, list, index, item); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslList_GetItem(IslContext *ctx, IslHandle list, IslSsize index) {
    if (_ISL_INLINE_ALL(_ISL_INLINE_ITEMS | _ISL_INLINE_REFCOUNT) &&
        _IslVarObject_InRange(list._i, ctx->h_ListType._i, index)) {
        intptr_t _item = _IslList_Items(list._i)[index];
        _IslRefcount_Inc(_item);
        return _IslHandle_FromBits(_item);
    }
    return ctx->ctx_List_GetItem(ctx, list, index);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslList_SetItem(IslContext *ctx, IslHandle list, IslSsize index, IslHandle item) {
    if (_ISL_INLINE_ALL(_ISL_INLINE_ITEMS | _ISL_INLINE_REFCOUNT) && item._i &&
        _IslVarObject_InRange(list._i, ctx->h_ListType._i, index)) {
        intptr_t *_slot = _IslList_Items(list._i) + index, _old = *_slot;
        _IslRefcount_Inc(item._i);
        *_slot = item._i;
        /* after the store, as PyList_SetItem: releasing the old item may run code */
        if (!_IslRefcount_DecUnlessLast(_old)) ctx->ctx_Handle_Close(ctx, _IslHandle_FromBits(_old));
        return 0;
    }
    return ctx->ctx_List_SetItem(ctx, list, index, item);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslList_Size(IslContext *ctx, IslHandle list) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && list._i && _IslObject_TypeBits(list._i) == ctx->h_ListType._i)
        return _IslVarObject_Size(list._i);
    return ctx->ctx_List_Size(ctx, list);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslList_Swap(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j) {
    if (_ISL_INLINE_ON(_ISL_INLINE_ITEMS) && _IslVarObject_InRange(list._i, ctx->h_ListType._i, i) &&
        _IslVarObject_InRange(list._i, ctx->h_ListType._i, j)) {
        intptr_t *_items = (intptr_t *)_IslList_Items(list._i), _a = _items[i];
        _items[i] = _items[j];
        _items[j] = _a;
        return 0;
    }
    return ctx->ctx_List_Swap(ctx, list, i, j);
}
#endif
static inline IslHandle IslDict_New(IslContext *ctx) { return ctx->ctx_Dict_New(ctx); }
#ifndef ISL_UNSTABLE_API
static inline int IslDict_GetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle *value) { return ctx->ctx_Dict_GetItem(ctx, dict, key, value); }
#endif
static inline int IslDict_GetItemString(IslContext *ctx, IslHandle dict, const char *key, IslHandle *value) { return ctx->ctx_Dict_GetItemString(ctx, dict, key, value); }
#ifndef ISL_UNSTABLE_API
static inline int IslDict_SetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle value) { return ctx->ctx_Dict_SetItem(ctx, dict, key, value); }
#endif
static inline int IslDict_SetItemString(IslContext *ctx, IslHandle dict, const char *key, IslHandle value) { return ctx->ctx_Dict_SetItemString(ctx, dict, key, value); }
static inline int IslDict_DelItem(IslContext *ctx, IslHandle dict, IslHandle key) { return ctx->ctx_Dict_DelItem(ctx, dict, key); }
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslDict_Size(IslContext *ctx, IslHandle dict) { return ctx->ctx_Dict_Size(ctx, dict); }
#endif
static inline IslHandle IslDict_Keys(IslContext *ctx, IslHandle dict) { return ctx->ctx_Dict_Keys(ctx, dict); }
static inline IslHandle IslObject_GetAttrString(IslContext *ctx, IslHandle obj, const char *name) { return ctx->ctx_Object_GetAttrString(ctx, obj, name); }
static inline int IslObject_SetAttrString(IslContext *ctx, IslHandle obj, const char *name, IslHandle value) { return ctx->ctx_Object_SetAttrString(ctx, obj, name, value); }
static inline int IslObject_HasAttrString(IslContext *ctx, IslHandle obj, const char *name) { return ctx->ctx_Object_HasAttrString(ctx, obj, name); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslObject_GetAttr(IslContext *ctx, IslHandle obj, IslHandle name) { return ctx->ctx_Object_GetAttr(ctx, obj, name); }
#endif
static inline int IslObject_SetAttr(IslContext *ctx, IslHandle obj, IslHandle name, IslHandle value) { return ctx->ctx_Object_SetAttr(ctx, obj, name, value); }
static inline IslHandle IslObject_GetItem(IslContext *ctx, IslHandle obj, IslHandle key) { return ctx->ctx_Object_GetItem(ctx, obj, key); }
static inline int IslObject_SetItem(IslContext *ctx, IslHandle obj, IslHandle key, IslHandle value) { return ctx->ctx_Object_SetItem(ctx, obj, key, value); }
static inline int IslObject_DelItem(IslContext *ctx, IslHandle obj, IslHandle key) { return ctx->ctx_Object_DelItem(ctx, obj, key); }
static inline IslHandle IslSequence_GetItem(IslContext *ctx, IslHandle seq, IslSsize index) { return ctx->ctx_Sequence_GetItem(ctx, seq, index); }
static inline IslSsize IslObject_Length(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_Length(ctx, obj); }
#ifndef ISL_UNSTABLE_API
static inline int IslObject_IsTrue(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_IsTrue(ctx, obj); }
#endif
static inline IslHandle IslObject_RichCompare(IslContext *ctx, IslHandle a, IslHandle b, int op) { return ctx->ctx_Object_RichCompare(ctx, a, b, op); }
#ifndef ISL_UNSTABLE_API
static inline int IslObject_RichCompareBool(IslContext *ctx, IslHandle a, IslHandle b, int op) { return ctx->ctx_Object_RichCompareBool(ctx, a, b, op); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslObject_Hash(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_Hash(ctx, obj); }
#endif
static inline IslHandle IslObject_Repr(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_Repr(ctx, obj); }
static inline IslHandle IslObject_Str(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_Str(ctx, obj); }
static inline IslHandle IslObject_Call(IslContext *ctx, IslHandle callable, IslHandle args, IslHandle kwargs) { return ctx->ctx_Object_Call(ctx, callable, args, kwargs); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslObject_Vectorcall(IslContext *ctx, IslHandle callable, const IslHandle *args, size_t nargs, IslHandle kwnames) { return ctx->ctx_Object_Vectorcall(ctx, callable, args, nargs, kwnames); }
#endif
static inline IslHandle IslObject_CallMethod(IslContext *ctx, IslHandle obj, const char *name, const IslHandle *args, size_t nargs) { return ctx->ctx_Object_CallMethod(ctx, obj, name, args, nargs); }
static inline IslHandle IslObject_GetIter(IslContext *ctx, IslHandle obj) { return ctx->ctx_Object_GetIter(ctx, obj); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslIter_Next(IslContext *ctx, IslHandle iterator) { return ctx->ctx_Iter_Next(ctx, iterator); }
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslErr_SetString(IslContext *ctx, IslHandle type, const char *utf8) { return ctx->ctx_Err_SetString(ctx, type, utf8); }
#endif
static inline IslHandle IslErr_SetObject(IslContext *ctx, IslHandle type, IslHandle value) { return ctx->ctx_Err_SetObject(ctx, type, value); }
#define IslErr_Format(ctx, ...) ((ctx)->ctx_Err_Format((ctx), __VA_ARGS__))
#ifndef ISL_UNSTABLE_API
static inline int IslErr_Occurred(IslContext *ctx) { return ctx->ctx_Err_Occurred(ctx); }
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslErr_ExceptionMatches(IslContext *ctx, IslHandle type) { return ctx->ctx_Err_ExceptionMatches(ctx, type); }
#endif
#ifndef ISL_UNSTABLE_API
static inline void IslErr_Clear(IslContext *ctx) { ctx->ctx_Err_Clear(ctx); }
#endif
static inline IslHandle IslErr_Fetch(IslContext *ctx) { return ctx->ctx_Err_Fetch(ctx); }
static inline void IslErr_Restore(IslContext *ctx, IslHandle exc) { ctx->ctx_Err_Restore(ctx, exc); }
static inline IslHandle IslErr_NoMemory(IslContext *ctx) { return ctx->ctx_Err_NoMemory(ctx); }
static inline int IslErr_WarnEx(IslContext *ctx, IslHandle category, const char *utf8, IslSsize stacklevel) { return ctx->ctx_Err_WarnEx(ctx, category, utf8, stacklevel); }
#define IslArg_Parse(ctx, ...) ((ctx)->ctx_Arg_Parse((ctx), __VA_ARGS__))
static inline void *IslModule_GetState(IslContext *ctx, IslHandle module) { return ctx->ctx_Module_GetState(ctx, module); }
static inline int IslModule_AddObject(IslContext *ctx, IslHandle module, const char *name, IslHandle value) { return ctx->ctx_Module_AddObject(ctx, module, name, value); }
static inline IslHandle IslImport_ImportModule(IslContext *ctx, const char *name) { return ctx->ctx_Import_ImportModule(ctx, name); }
static inline IslHandle IslList_Pop(IslContext *ctx, IslHandle list, IslSsize index) { return ctx->ctx_List_Pop(ctx, list, index); }
static inline int IslQueue_Check(IslContext *ctx, IslHandle h) { return ctx->ctx_Queue_Check(ctx, h); }
static inline int IslQueue_Put(IslContext *ctx, IslHandle queue, IslHandle item, double timeout) { return ctx->ctx_Queue_Put(ctx, queue, item, timeout); }
static inline IslHandle IslQueue_Get(IslContext *ctx, IslHandle queue, double timeout) { return ctx->ctx_Queue_Get(ctx, queue, timeout); }
static inline int IslChannel_Send(IslContext *ctx, IslHandle send_end, IslHandle item, double timeout) { return ctx->ctx_Channel_Send(ctx, send_end, item, timeout); }
static inline IslHandle IslChannel_Recv(IslContext *ctx, IslHandle recv_end, double timeout) { return ctx->ctx_Channel_Recv(ctx, recv_end, timeout); }
#ifndef ISL_UNSTABLE_API
static inline int IslSequence_Check(IslContext *ctx, IslHandle obj) {
    if (_ISL_INLINE_ON(_ISL_INLINE_TYPEFLAGS) && obj._i &&
        _IslObject_TypeFlag(obj._i, _ISL_TPFLAGS_LIST_SUBCLASS | _ISL_TPFLAGS_TUPLE_SUBCLASS))
        return 1; /* every list and tuple, subclasses included, keeps its item slot */
    return ctx->ctx_Sequence_Check(ctx, obj);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslSsize IslSequence_Size(IslContext *ctx, IslHandle obj) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && obj._i &&
        (_IslObject_TypeBits(obj._i) == ctx->h_ListType._i || _IslObject_TypeBits(obj._i) == ctx->h_TupleType._i))
        return _IslVarObject_Size(obj._i);
    return ctx->ctx_Sequence_Size(ctx, obj);
}
#endif
static inline IslHandle IslType_FromDef(IslContext *ctx, IslHandle module, const IslTypeDef *def, IslHandle bases) { return ctx->ctx_Type_FromDef(ctx, module, def, bases); }
static inline void *IslInstance_Data(IslContext *ctx, IslHandle obj, const IslTypeDef *def) { return ctx->ctx_Instance_Data(ctx, obj, def); }
static inline void *IslType_GetModuleState(IslContext *ctx, IslHandle obj, const IslModuleDef *def) { return ctx->ctx_Type_GetModuleState(ctx, obj, def); }
static inline IslHandle IslType_GenericNew(IslContext *ctx, IslHandle type) { return ctx->ctx_Type_GenericNew(ctx, type); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslField_Load(IslContext *ctx, IslHandle owner, IslField field) {
    if (_ISL_INLINE_ON(_ISL_INLINE_REFCOUNT)) {
        _IslRefcount_Inc(field._f);
        return _IslHandle_FromBits(field._f);
    }
    return ctx->ctx_Field_Load(ctx, owner, field);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline void IslField_Store(IslContext *ctx, IslHandle owner, IslField *field, IslHandle value) {
    if (_ISL_INLINE_ON(_ISL_INLINE_REFCOUNT)) {
        IslHandle old = _IslHandle_FromBits(field->_f);
        _IslRefcount_Inc(value._i);
        field->_f = value._i;
        IslHandle_Close(ctx, old);
        return;
    }
    ctx->ctx_Field_Store(ctx, owner, field, value);
}
#endif
static inline IslHandle IslErr_NewException(IslContext *ctx, const char *name, IslHandle bases, const char *doc) { return ctx->ctx_Err_NewException(ctx, name, bases, doc); }
static inline int IslModule_AddType(IslContext *ctx, IslHandle module, IslHandle type) { return ctx->ctx_Module_AddType(ctx, module, type); }
static inline IslHandle IslObject_GenericGetAttr(IslContext *ctx, IslHandle obj, IslHandle name) { return ctx->ctx_Object_GenericGetAttr(ctx, obj, name); }
static inline int IslObject_GenericSetAttr(IslContext *ctx, IslHandle obj, IslHandle name, IslHandle value) { return ctx->ctx_Object_GenericSetAttr(ctx, obj, name, value); }
#ifndef ISL_UNSTABLE_API
static inline int IslDict_Next(IslContext *ctx, IslHandle dict, IslSsize *pos, IslHandle *key, IslHandle *value) { return ctx->ctx_Dict_Next(ctx, dict, pos, key, value); }
#endif
#ifndef ISL_UNSTABLE_API
static inline const void *IslStr_Data(IslContext *ctx, IslHandle str, int *kind, IslSsize *length) {
    if (_ISL_INLINE_ON(_ISL_INLINE_STR) && str._i && _IslObject_TypeBits(str._i) == ctx->h_StrType._i) {
        const void *_d = _IslStr_CompactData(str._i, kind, length);
        if (_d) return _d;
    }
    return ctx->ctx_Str_Data(ctx, str, kind, length);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslStr_FromKindAndData(IslContext *ctx, int kind, const void *data, IslSsize length) { return ctx->ctx_Str_FromKindAndData(ctx, kind, data, length); }
#endif
static inline IslHandle IslStr_Decode(IslContext *ctx, const char *data, IslSsize size, const char *encoding, const char *errors) { return ctx->ctx_Str_Decode(ctx, data, size, encoding, errors); }
static inline IslHandle IslStr_Encode(IslContext *ctx, IslHandle str, const char *encoding, const char *errors) { return ctx->ctx_Str_Encode(ctx, str, encoding, errors); }
static inline IslStrBuilder *IslStrBuilder_New(IslContext *ctx, IslSsize size_hint) { return ctx->ctx_StrBuilder_New(ctx, size_hint); }
static inline int IslStrBuilder_AppendStr(IslContext *ctx, IslStrBuilder *builder, IslHandle str) { return ctx->ctx_StrBuilder_AppendStr(ctx, builder, str); }
static inline int IslStrBuilder_AppendUTF8(IslContext *ctx, IslStrBuilder *builder, const char *utf8, IslSsize size) { return ctx->ctx_StrBuilder_AppendUTF8(ctx, builder, utf8, size); }
static inline int IslStrBuilder_AppendChar(IslContext *ctx, IslStrBuilder *builder, uint32_t ch) { return ctx->ctx_StrBuilder_AppendChar(ctx, builder, ch); }
static inline IslHandle IslStrBuilder_Finish(IslContext *ctx, IslStrBuilder *builder) { return ctx->ctx_StrBuilder_Finish(ctx, builder); }
static inline void IslStrBuilder_Discard(IslContext *ctx, IslStrBuilder *builder) { ctx->ctx_StrBuilder_Discard(ctx, builder); }
static inline IslHandle IslFloat_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size) { return ctx->ctx_Float_FromUTF8AndSize(ctx, utf8, size); }
static inline IslHandle IslLong_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size, int base) { return ctx->ctx_Long_FromUTF8AndSize(ctx, utf8, size, base); }
static inline IslHandle IslFloat_Repr(IslContext *ctx, double value) { return ctx->ctx_Float_Repr(ctx, value); }
static inline IslHandle IslLong_Repr(IslContext *ctx, IslHandle h) { return ctx->ctx_Long_Repr(ctx, h); }
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslSequence_Fast(IslContext *ctx, IslHandle obj, const char *message) {
    if (_ISL_INLINE_ON(_ISL_INLINE_REFCOUNT) && obj._i) {
        intptr_t _t = _IslObject_TypeBits(obj._i);
        if (_t == ctx->h_ListType._i || _t == ctx->h_TupleType._i) {
            _IslRefcount_Inc(obj._i);
            return obj;
        }
    }
    return ctx->ctx_Sequence_Fast(ctx, obj, message);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline const IslHandle *IslSequence_FastItems(IslContext *ctx, IslHandle fast, IslSsize *size) {
    if (_ISL_INLINE_ON(_ISL_INLINE_ITEMS) && fast._i) {
        intptr_t _t = _IslObject_TypeBits(fast._i), _n = _IslVarObject_Size(fast._i);
        if (_t == ctx->h_ListType._i || _t == ctx->h_TupleType._i) {
            if (size) *size = _n;
            if (_n == 0) return &ctx->h_None; /* an empty list has no array: any address, never read */
            return (const IslHandle *)(_t == ctx->h_ListType._i ? _IslList_Items(fast._i) : _IslTuple_Items(fast._i));
        }
    }
    return ctx->ctx_Sequence_FastItems(ctx, fast, size);
}
#endif
static inline IslHandle IslStr_Join(IslContext *ctx, IslHandle separator, IslHandle iterable) { return ctx->ctx_Str_Join(ctx, separator, iterable); }
static inline IslHandle IslDict_SetDefault(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle default_value) { return ctx->ctx_Dict_SetDefault(ctx, dict, key, default_value); }
static inline IslHandle IslNumber_Float(IslContext *ctx, IslHandle obj) { return ctx->ctx_Number_Float(ctx, obj); }
static inline IslHandle IslSequence_Tuple(IslContext *ctx, IslHandle obj) { return ctx->ctx_Sequence_Tuple(ctx, obj); }
#ifndef ISL_UNSTABLE_API
static inline int IslRecursion_Enter(IslContext *ctx, const char *where) { return ctx->ctx_Recursion_Enter(ctx, where); }
#endif
#ifndef ISL_UNSTABLE_API
static inline void IslRecursion_Leave(IslContext *ctx) { ctx->ctx_Recursion_Leave(ctx); }
#endif
static inline int IslCallable_Check(IslContext *ctx, IslHandle obj) { return ctx->ctx_Callable_Check(ctx, obj); }
static inline IslHandle IslStr_FromFormatFloat(IslContext *ctx, double value, char format_code, int precision) { return ctx->ctx_Str_FromFormatFloat(ctx, value, format_code, precision); }
#ifndef ISL_UNSTABLE_API
static inline int IslList_CompareItems(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j, int op) {
    int _r;
    if (_ISL_INLINE_ALL(_ISL_INLINE_ITEMS | _ISL_INLINE_INTS) && _IslVarObject_InRange(list._i, ctx->h_ListType._i, i) &&
        _IslVarObject_InRange(list._i, ctx->h_ListType._i, j) && (unsigned)op <= ISL_GE &&
        (_r = _IslObject_IntsCompare(_IslList_Items(list._i)[i], _IslList_Items(list._i)[j], ctx->h_LongType._i,
                                     ctx->h_TupleType._i, ctx->h_ListType._i, op)) != -2)
        return _r;
    return ctx->ctx_List_CompareItems(ctx, list, i, j, op);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslSequence_CompareItem(IslContext *ctx, IslHandle seq, IslSsize index, IslHandle other, int op, int other_first) {
    int _r;
    if (_ISL_INLINE_ALL(_ISL_INLINE_ITEMS | _ISL_INLINE_INTS) && other._i &&
        _IslVarObject_InRange(seq._i, ctx->h_ListType._i, index) && (unsigned)op <= ISL_GE &&
        (_r = other_first ? _IslObject_IntsCompare(other._i, _IslList_Items(seq._i)[index], ctx->h_LongType._i,
                                                   ctx->h_TupleType._i, ctx->h_ListType._i, op)
                          : _IslObject_IntsCompare(_IslList_Items(seq._i)[index], other._i, ctx->h_LongType._i,
                                                   ctx->h_TupleType._i, ctx->h_ListType._i, op)) != -2)
        return _r;
    return ctx->ctx_Sequence_CompareItem(ctx, seq, index, other, op, other_first);
}
#endif
#define IslArg_ParseSpec(ctx, ...) ((ctx)->ctx_Arg_ParseSpec((ctx), __VA_ARGS__))
#define IslArg_ParseTupleAndDict(ctx, ...) ((ctx)->ctx_Arg_ParseTupleAndDict((ctx), __VA_ARGS__))
static inline IslHandle IslMapping_Items(IslContext *ctx, IslHandle mapping) { return ctx->ctx_Mapping_Items(ctx, mapping); }
static inline int IslList_Sort(IslContext *ctx, IslHandle list) { return ctx->ctx_List_Sort(ctx, list); }
static inline int IslSequence_CompareKeyedItem(IslContext *ctx, IslHandle seq, IslSsize index, IslHandle key, IslHandle other, int op, int other_first) { return ctx->ctx_Sequence_CompareKeyedItem(ctx, seq, index, key, other, op, other_first); }
static inline int IslArg_UnpackSpec(IslContext *ctx, const IslHandle *args, size_t nargs, IslHandle kwnames, IslArgSpec *spec, IslHandle *values) { return ctx->ctx_Arg_UnpackSpec(ctx, args, nargs, kwnames, spec, values); }
#ifndef ISL_UNSTABLE_API
static inline int IslObject_TypeIs(IslContext *ctx, IslHandle h, IslHandle type) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i)
        return _IslObject_TypeBits(h._i) == type._i;
    return ctx->ctx_Object_TypeIs(ctx, h, type);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslNumber_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i) {
        intptr_t type = _IslObject_TypeBits(h._i);
        if (type == ctx->h_LongType._i || type == ctx->h_FloatType._i) return 1;
        if (type == ctx->h_StrType._i || h._i == ctx->h_None._i) return 0;
    }
    return ctx->ctx_Number_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline int IslIndex_Check(IslContext *ctx, IslHandle h) {
    if (_ISL_INLINE_ON(_ISL_INLINE_HEADER) && h._i && _IslObject_TypeBits(h._i) == ctx->h_LongType._i)
        return 1;
    return ctx->ctx_Index_Check(ctx, h);
}
#endif
#ifndef ISL_UNSTABLE_API
static inline IslHandle IslObject_Id(IslContext *ctx, IslHandle h) { return ctx->ctx_Object_Id(ctx, h); }
#endif
#ifndef ISL_UNSTABLE_API
static inline int64_t IslLong_AsInt64AndOverflow(IslContext *ctx, IslHandle h, int *overflow) {
    int64_t _v;
    if (_ISL_INLINE_ON(_ISL_INLINE_INTS) && h._i && _IslObject_CompactInt(h._i, ctx->h_LongType._i, &_v)) {
        *overflow = 0;
        return _v;
    }
    return ctx->ctx_Long_AsInt64AndOverflow(ctx, h, overflow);
}
#endif

#ifdef __cplusplus
}
#endif
#endif

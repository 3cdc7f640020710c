/* generated from capi-tiers/manifest.toml by capi-tiers/islgen.py — do not edit */
#ifndef ISLES_INTERNAL_SLOTS_H
#define ISLES_INTERNAL_SLOTS_H
#ifndef ISL_BUILD_CORE
#error "isles/internal/slots.h is runtime-only: define ISL_BUILD_CORE (the isles shim does)"
#endif

#include "isles/stable/context.h"

#define ISL_CONTEXT_N_SLOTS 187
#define ISL_CONTEXT_HEADER_WORDS 4

/* X(slot, field) for every constant; the backend supplies the object. */
#define ISL_FOR_EACH_CONSTANT(X) \
    X(0, h_None, Py_None) \
    X(1, h_True, Py_True) \
    X(2, h_False, Py_False) \
    X(3, h_NotImplemented, Py_NotImplemented) \
    X(4, h_Ellipsis, Py_Ellipsis) \
    X(5, h_BaseException, PyExc_BaseException) \
    X(6, h_Exception, PyExc_Exception) \
    X(7, h_StopIteration, PyExc_StopIteration) \
    X(8, h_ArithmeticError, PyExc_ArithmeticError) \
    X(9, h_AssertionError, PyExc_AssertionError) \
    X(10, h_AttributeError, PyExc_AttributeError) \
    X(11, h_BufferError, PyExc_BufferError) \
    X(12, h_EOFError, PyExc_EOFError) \
    X(13, h_ImportError, PyExc_ImportError) \
    X(14, h_LookupError, PyExc_LookupError) \
    X(15, h_IndexError, PyExc_IndexError) \
    X(16, h_KeyError, PyExc_KeyError) \
    X(17, h_MemoryError, PyExc_MemoryError) \
    X(18, h_NameError, PyExc_NameError) \
    X(19, h_NotImplementedError, PyExc_NotImplementedError) \
    X(20, h_OSError, PyExc_OSError) \
    X(21, h_OverflowError, PyExc_OverflowError) \
    X(22, h_RecursionError, PyExc_RecursionError) \
    X(23, h_RuntimeError, PyExc_RuntimeError) \
    X(24, h_SystemError, PyExc_SystemError) \
    X(25, h_TypeError, PyExc_TypeError) \
    X(26, h_UnicodeError, PyExc_UnicodeError) \
    X(27, h_UnicodeDecodeError, PyExc_UnicodeDecodeError) \
    X(28, h_UnicodeEncodeError, PyExc_UnicodeEncodeError) \
    X(29, h_ValueError, PyExc_ValueError) \
    X(30, h_ZeroDivisionError, PyExc_ZeroDivisionError) \
    X(31, h_KeyboardInterrupt, PyExc_KeyboardInterrupt) \
    X(32, h_Warning, PyExc_Warning) \
    X(33, h_DeprecationWarning, PyExc_DeprecationWarning) \
    X(34, h_RuntimeWarning, PyExc_RuntimeWarning) \
    X(35, h_UserWarning, PyExc_UserWarning) \
    X(36, h_ObjectType, (PyObject *)&PyBaseObject_Type) \
    X(37, h_TypeType, (PyObject *)&PyType_Type) \
    X(38, h_LongType, (PyObject *)&PyLong_Type) \
    X(39, h_FloatType, (PyObject *)&PyFloat_Type) \
    X(40, h_BoolType, (PyObject *)&PyBool_Type) \
    X(41, h_StrType, (PyObject *)&PyUnicode_Type) \
    X(42, h_BytesType, (PyObject *)&PyBytes_Type) \
    X(43, h_TupleType, (PyObject *)&PyTuple_Type) \
    X(44, h_ListType, (PyObject *)&PyList_Type) \
    X(45, h_DictType, (PyObject *)&PyDict_Type) \

/* X(slot, field, impl) for every function slot. */
#define ISL_FOR_EACH_FUNCTION(X) \
    X(46, ctx_Handle_Dup, Handle_Dup) \
    X(47, ctx_Handle_Close, Handle_Close) \
    X(48, ctx_Object_Is, Object_Is) \
    X(49, ctx_Object_Type, Object_Type) \
    X(50, ctx_Object_TypeCheck, Object_TypeCheck) \
    X(51, ctx_Object_IsInstance, Object_IsInstance) \
    X(52, ctx_Long_Check, Long_Check) \
    X(53, ctx_Float_Check, Float_Check) \
    X(54, ctx_Str_Check, Str_Check) \
    X(55, ctx_Bytes_Check, Bytes_Check) \
    X(56, ctx_Tuple_Check, Tuple_Check) \
    X(57, ctx_List_Check, List_Check) \
    X(58, ctx_List_CheckExact, List_CheckExact) \
    X(59, ctx_Dict_Check, Dict_Check) \
    X(60, ctx_Long_FromInt64, Long_FromInt64) \
    X(61, ctx_Long_FromUInt64, Long_FromUInt64) \
    X(62, ctx_Long_FromSsize, Long_FromSsize) \
    X(63, ctx_Long_FromSize, Long_FromSize) \
    X(64, ctx_Long_AsInt64, Long_AsInt64) \
    X(65, ctx_Long_AsUInt64, Long_AsUInt64) \
    X(66, ctx_Long_AsSsize, Long_AsSsize) \
    X(67, ctx_Long_AsSize, Long_AsSize) \
    X(68, ctx_Number_Index, Number_Index) \
    X(69, ctx_Float_FromDouble, Float_FromDouble) \
    X(70, ctx_Float_AsDouble, Float_AsDouble) \
    X(71, ctx_Bool_FromBool, Bool_FromBool) \
    X(72, ctx_Str_FromUTF8, Str_FromUTF8) \
    X(73, ctx_Str_FromUTF8AndSize, Str_FromUTF8AndSize) \
    X(74, ctx_Str_AsUTF8AndSize, Str_AsUTF8AndSize) \
    X(75, ctx_Bytes_FromStringAndSize, Bytes_FromStringAndSize) \
    X(76, ctx_Bytes_AsString, Bytes_AsString) \
    X(77, ctx_Bytes_Size, Bytes_Size) \
    X(78, ctx_Tuple_New, Tuple_New) \
    X(79, ctx_Tuple_GetItem, Tuple_GetItem) \
    X(80, ctx_Tuple_Size, Tuple_Size) \
    X(81, ctx_List_New, List_New) \
    X(82, ctx_List_Append, List_Append) \
    X(83, ctx_List_Insert, List_Insert) \
    X(84, ctx_List_GetItem, List_GetItem) \
    X(85, ctx_List_SetItem, List_SetItem) \
    X(86, ctx_List_Size, List_Size) \
    X(87, ctx_List_Swap, List_Swap) \
    X(88, ctx_Dict_New, Dict_New) \
    X(89, ctx_Dict_GetItem, Dict_GetItem) \
    X(90, ctx_Dict_GetItemString, Dict_GetItemString) \
    X(91, ctx_Dict_SetItem, Dict_SetItem) \
    X(92, ctx_Dict_SetItemString, Dict_SetItemString) \
    X(93, ctx_Dict_DelItem, Dict_DelItem) \
    X(94, ctx_Dict_Size, Dict_Size) \
    X(95, ctx_Dict_Keys, Dict_Keys) \
    X(96, ctx_Object_GetAttrString, Object_GetAttrString) \
    X(97, ctx_Object_SetAttrString, Object_SetAttrString) \
    X(98, ctx_Object_HasAttrString, Object_HasAttrString) \
    X(99, ctx_Object_GetAttr, Object_GetAttr) \
    X(100, ctx_Object_SetAttr, Object_SetAttr) \
    X(101, ctx_Object_GetItem, Object_GetItem) \
    X(102, ctx_Object_SetItem, Object_SetItem) \
    X(103, ctx_Object_DelItem, Object_DelItem) \
    X(104, ctx_Sequence_GetItem, Sequence_GetItem) \
    X(105, ctx_Object_Length, Object_Length) \
    X(106, ctx_Object_IsTrue, Object_IsTrue) \
    X(107, ctx_Object_RichCompare, Object_RichCompare) \
    X(108, ctx_Object_RichCompareBool, Object_RichCompareBool) \
    X(109, ctx_Object_Hash, Object_Hash) \
    X(110, ctx_Object_Repr, Object_Repr) \
    X(111, ctx_Object_Str, Object_Str) \
    X(112, ctx_Object_Call, Object_Call) \
    X(113, ctx_Object_Vectorcall, Object_Vectorcall) \
    X(114, ctx_Object_CallMethod, Object_CallMethod) \
    X(115, ctx_Object_GetIter, Object_GetIter) \
    X(116, ctx_Iter_Next, Iter_Next) \
    X(117, ctx_Err_SetString, Err_SetString) \
    X(118, ctx_Err_SetObject, Err_SetObject) \
    X(119, ctx_Err_Format, Err_Format) \
    X(120, ctx_Err_Occurred, Err_Occurred) \
    X(121, ctx_Err_ExceptionMatches, Err_ExceptionMatches) \
    X(122, ctx_Err_Clear, Err_Clear) \
    X(123, ctx_Err_Fetch, Err_Fetch) \
    X(124, ctx_Err_Restore, Err_Restore) \
    X(125, ctx_Err_NoMemory, Err_NoMemory) \
    X(126, ctx_Err_WarnEx, Err_WarnEx) \
    X(127, ctx_Arg_Parse, Arg_Parse) \
    X(128, ctx_Module_GetState, Module_GetState) \
    X(129, ctx_Module_AddObject, Module_AddObject) \
    X(130, ctx_Import_ImportModule, Import_ImportModule) \
    X(131, ctx_List_Pop, List_Pop) \
    X(132, ctx_Queue_Check, Queue_Check) \
    X(133, ctx_Queue_Put, Queue_Put) \
    X(134, ctx_Queue_Get, Queue_Get) \
    X(135, ctx_Channel_Send, Channel_Send) \
    X(136, ctx_Channel_Recv, Channel_Recv) \
    X(137, ctx_Sequence_Check, Sequence_Check) \
    X(138, ctx_Sequence_Size, Sequence_Size) \
    X(139, ctx_Type_FromDef, Type_FromDef) \
    X(140, ctx_Instance_Data, Instance_Data) \
    X(141, ctx_Type_GetModuleState, Type_GetModuleState) \
    X(142, ctx_Type_GenericNew, Type_GenericNew) \
    X(143, ctx_Field_Load, Field_Load) \
    X(144, ctx_Field_Store, Field_Store) \
    X(145, ctx_Err_NewException, Err_NewException) \
    X(146, ctx_Module_AddType, Module_AddType) \
    X(147, ctx_Object_GenericGetAttr, Object_GenericGetAttr) \
    X(148, ctx_Object_GenericSetAttr, Object_GenericSetAttr) \
    X(149, ctx_Dict_Next, Dict_Next) \
    X(150, ctx_Str_Data, Str_Data) \
    X(151, ctx_Str_FromKindAndData, Str_FromKindAndData) \
    X(152, ctx_Str_Decode, Str_Decode) \
    X(153, ctx_Str_Encode, Str_Encode) \
    X(154, ctx_StrBuilder_New, StrBuilder_New) \
    X(155, ctx_StrBuilder_AppendStr, StrBuilder_AppendStr) \
    X(156, ctx_StrBuilder_AppendUTF8, StrBuilder_AppendUTF8) \
    X(157, ctx_StrBuilder_AppendChar, StrBuilder_AppendChar) \
    X(158, ctx_StrBuilder_Finish, StrBuilder_Finish) \
    X(159, ctx_StrBuilder_Discard, StrBuilder_Discard) \
    X(160, ctx_Float_FromUTF8AndSize, Float_FromUTF8AndSize) \
    X(161, ctx_Long_FromUTF8AndSize, Long_FromUTF8AndSize) \
    X(162, ctx_Float_Repr, Float_Repr) \
    X(163, ctx_Long_Repr, Long_Repr) \
    X(164, ctx_Sequence_Fast, Sequence_Fast) \
    X(165, ctx_Sequence_FastItems, Sequence_FastItems) \
    X(166, ctx_Str_Join, Str_Join) \
    X(167, ctx_Dict_SetDefault, Dict_SetDefault) \
    X(168, ctx_Number_Float, Number_Float) \
    X(169, ctx_Sequence_Tuple, Sequence_Tuple) \
    X(170, ctx_Recursion_Enter, Recursion_Enter) \
    X(171, ctx_Recursion_Leave, Recursion_Leave) \
    X(172, ctx_Callable_Check, Callable_Check) \
    X(173, ctx_Str_FromFormatFloat, Str_FromFormatFloat) \
    X(174, ctx_List_CompareItems, List_CompareItems) \
    X(175, ctx_Sequence_CompareItem, Sequence_CompareItem) \
    X(176, ctx_Arg_ParseSpec, Arg_ParseSpec) \
    X(177, ctx_Arg_ParseTupleAndDict, Arg_ParseTupleAndDict) \
    X(178, ctx_Mapping_Items, Mapping_Items) \
    X(179, ctx_List_Sort, List_Sort) \
    X(180, ctx_Sequence_CompareKeyedItem, Sequence_CompareKeyedItem) \
    X(181, ctx_Arg_UnpackSpec, Arg_UnpackSpec) \
    X(182, ctx_Object_TypeIs, Object_TypeIs) \
    X(183, ctx_Number_Check, Number_Check) \
    X(184, ctx_Index_Check, Index_Check) \
    X(185, ctx_Object_Id, Object_Id) \
    X(186, ctx_Long_AsInt64AndOverflow, Long_AsInt64AndOverflow) \

/* X(slot, "name") for every slot, in order. */
#define ISL_FOR_EACH_SLOT_NAME(X) \
    X(0, "h_None") \
    X(1, "h_True") \
    X(2, "h_False") \
    X(3, "h_NotImplemented") \
    X(4, "h_Ellipsis") \
    X(5, "h_BaseException") \
    X(6, "h_Exception") \
    X(7, "h_StopIteration") \
    X(8, "h_ArithmeticError") \
    X(9, "h_AssertionError") \
    X(10, "h_AttributeError") \
    X(11, "h_BufferError") \
    X(12, "h_EOFError") \
    X(13, "h_ImportError") \
    X(14, "h_LookupError") \
    X(15, "h_IndexError") \
    X(16, "h_KeyError") \
    X(17, "h_MemoryError") \
    X(18, "h_NameError") \
    X(19, "h_NotImplementedError") \
    X(20, "h_OSError") \
    X(21, "h_OverflowError") \
    X(22, "h_RecursionError") \
    X(23, "h_RuntimeError") \
    X(24, "h_SystemError") \
    X(25, "h_TypeError") \
    X(26, "h_UnicodeError") \
    X(27, "h_UnicodeDecodeError") \
    X(28, "h_UnicodeEncodeError") \
    X(29, "h_ValueError") \
    X(30, "h_ZeroDivisionError") \
    X(31, "h_KeyboardInterrupt") \
    X(32, "h_Warning") \
    X(33, "h_DeprecationWarning") \
    X(34, "h_RuntimeWarning") \
    X(35, "h_UserWarning") \
    X(36, "h_ObjectType") \
    X(37, "h_TypeType") \
    X(38, "h_LongType") \
    X(39, "h_FloatType") \
    X(40, "h_BoolType") \
    X(41, "h_StrType") \
    X(42, "h_BytesType") \
    X(43, "h_TupleType") \
    X(44, "h_ListType") \
    X(45, "h_DictType") \
    X(46, "IslHandle_Dup") \
    X(47, "IslHandle_Close") \
    X(48, "IslObject_Is") \
    X(49, "IslObject_Type") \
    X(50, "IslObject_TypeCheck") \
    X(51, "IslObject_IsInstance") \
    X(52, "IslLong_Check") \
    X(53, "IslFloat_Check") \
    X(54, "IslStr_Check") \
    X(55, "IslBytes_Check") \
    X(56, "IslTuple_Check") \
    X(57, "IslList_Check") \
    X(58, "IslList_CheckExact") \
    X(59, "IslDict_Check") \
    X(60, "IslLong_FromInt64") \
    X(61, "IslLong_FromUInt64") \
    X(62, "IslLong_FromSsize") \
    X(63, "IslLong_FromSize") \
    X(64, "IslLong_AsInt64") \
    X(65, "IslLong_AsUInt64") \
    X(66, "IslLong_AsSsize") \
    X(67, "IslLong_AsSize") \
    X(68, "IslNumber_Index") \
    X(69, "IslFloat_FromDouble") \
    X(70, "IslFloat_AsDouble") \
    X(71, "IslBool_FromBool") \
    X(72, "IslStr_FromUTF8") \
    X(73, "IslStr_FromUTF8AndSize") \
    X(74, "IslStr_AsUTF8AndSize") \
    X(75, "IslBytes_FromStringAndSize") \
    X(76, "IslBytes_AsString") \
    X(77, "IslBytes_Size") \
    X(78, "IslTuple_New") \
    X(79, "IslTuple_GetItem") \
    X(80, "IslTuple_Size") \
    X(81, "IslList_New") \
    X(82, "IslList_Append") \
    X(83, "IslList_Insert") \
    X(84, "IslList_GetItem") \
    X(85, "IslList_SetItem") \
    X(86, "IslList_Size") \
    X(87, "IslList_Swap") \
    X(88, "IslDict_New") \
    X(89, "IslDict_GetItem") \
    X(90, "IslDict_GetItemString") \
    X(91, "IslDict_SetItem") \
    X(92, "IslDict_SetItemString") \
    X(93, "IslDict_DelItem") \
    X(94, "IslDict_Size") \
    X(95, "IslDict_Keys") \
    X(96, "IslObject_GetAttrString") \
    X(97, "IslObject_SetAttrString") \
    X(98, "IslObject_HasAttrString") \
    X(99, "IslObject_GetAttr") \
    X(100, "IslObject_SetAttr") \
    X(101, "IslObject_GetItem") \
    X(102, "IslObject_SetItem") \
    X(103, "IslObject_DelItem") \
    X(104, "IslSequence_GetItem") \
    X(105, "IslObject_Length") \
    X(106, "IslObject_IsTrue") \
    X(107, "IslObject_RichCompare") \
    X(108, "IslObject_RichCompareBool") \
    X(109, "IslObject_Hash") \
    X(110, "IslObject_Repr") \
    X(111, "IslObject_Str") \
    X(112, "IslObject_Call") \
    X(113, "IslObject_Vectorcall") \
    X(114, "IslObject_CallMethod") \
    X(115, "IslObject_GetIter") \
    X(116, "IslIter_Next") \
    X(117, "IslErr_SetString") \
    X(118, "IslErr_SetObject") \
    X(119, "IslErr_Format") \
    X(120, "IslErr_Occurred") \
    X(121, "IslErr_ExceptionMatches") \
    X(122, "IslErr_Clear") \
    X(123, "IslErr_Fetch") \
    X(124, "IslErr_Restore") \
    X(125, "IslErr_NoMemory") \
    X(126, "IslErr_WarnEx") \
    X(127, "IslArg_Parse") \
    X(128, "IslModule_GetState") \
    X(129, "IslModule_AddObject") \
    X(130, "IslImport_ImportModule") \
    X(131, "IslList_Pop") \
    X(132, "IslQueue_Check") \
    X(133, "IslQueue_Put") \
    X(134, "IslQueue_Get") \
    X(135, "IslChannel_Send") \
    X(136, "IslChannel_Recv") \
    X(137, "IslSequence_Check") \
    X(138, "IslSequence_Size") \
    X(139, "IslType_FromDef") \
    X(140, "IslInstance_Data") \
    X(141, "IslType_GetModuleState") \
    X(142, "IslType_GenericNew") \
    X(143, "IslField_Load") \
    X(144, "IslField_Store") \
    X(145, "IslErr_NewException") \
    X(146, "IslModule_AddType") \
    X(147, "IslObject_GenericGetAttr") \
    X(148, "IslObject_GenericSetAttr") \
    X(149, "IslDict_Next") \
    X(150, "IslStr_Data") \
    X(151, "IslStr_FromKindAndData") \
    X(152, "IslStr_Decode") \
    X(153, "IslStr_Encode") \
    X(154, "IslStrBuilder_New") \
    X(155, "IslStrBuilder_AppendStr") \
    X(156, "IslStrBuilder_AppendUTF8") \
    X(157, "IslStrBuilder_AppendChar") \
    X(158, "IslStrBuilder_Finish") \
    X(159, "IslStrBuilder_Discard") \
    X(160, "IslFloat_FromUTF8AndSize") \
    X(161, "IslLong_FromUTF8AndSize") \
    X(162, "IslFloat_Repr") \
    X(163, "IslLong_Repr") \
    X(164, "IslSequence_Fast") \
    X(165, "IslSequence_FastItems") \
    X(166, "IslStr_Join") \
    X(167, "IslDict_SetDefault") \
    X(168, "IslNumber_Float") \
    X(169, "IslSequence_Tuple") \
    X(170, "IslRecursion_Enter") \
    X(171, "IslRecursion_Leave") \
    X(172, "IslCallable_Check") \
    X(173, "IslStr_FromFormatFloat") \
    X(174, "IslList_CompareItems") \
    X(175, "IslSequence_CompareItem") \
    X(176, "IslArg_ParseSpec") \
    X(177, "IslArg_ParseTupleAndDict") \
    X(178, "IslMapping_Items") \
    X(179, "IslList_Sort") \
    X(180, "IslSequence_CompareKeyedItem") \
    X(181, "IslArg_UnpackSpec") \
    X(182, "IslObject_TypeIs") \
    X(183, "IslNumber_Check") \
    X(184, "IslIndex_Check") \
    X(185, "IslObject_Id") \
    X(186, "IslLong_AsInt64AndOverflow") \

#ifdef __cplusplus
namespace isles::internal::impl {
IslHandle Handle_Dup(IslContext *ctx, IslHandle h);
void Handle_Close(IslContext *ctx, IslHandle h);
int Object_Is(IslContext *ctx, IslHandle a, IslHandle b);
IslHandle Object_Type(IslContext *ctx, IslHandle h);
int Object_TypeCheck(IslContext *ctx, IslHandle h, IslHandle type);
int Object_IsInstance(IslContext *ctx, IslHandle h, IslHandle cls);
int Long_Check(IslContext *ctx, IslHandle h);
int Float_Check(IslContext *ctx, IslHandle h);
int Str_Check(IslContext *ctx, IslHandle h);
int Bytes_Check(IslContext *ctx, IslHandle h);
int Tuple_Check(IslContext *ctx, IslHandle h);
int List_Check(IslContext *ctx, IslHandle h);
int List_CheckExact(IslContext *ctx, IslHandle h);
int Dict_Check(IslContext *ctx, IslHandle h);
IslHandle Long_FromInt64(IslContext *ctx, int64_t value);
IslHandle Long_FromUInt64(IslContext *ctx, uint64_t value);
IslHandle Long_FromSsize(IslContext *ctx, IslSsize value);
IslHandle Long_FromSize(IslContext *ctx, size_t value);
int64_t Long_AsInt64(IslContext *ctx, IslHandle h);
uint64_t Long_AsUInt64(IslContext *ctx, IslHandle h);
IslSsize Long_AsSsize(IslContext *ctx, IslHandle h);
size_t Long_AsSize(IslContext *ctx, IslHandle h);
IslHandle Number_Index(IslContext *ctx, IslHandle h);
IslHandle Float_FromDouble(IslContext *ctx, double value);
double Float_AsDouble(IslContext *ctx, IslHandle h);
IslHandle Bool_FromBool(IslContext *ctx, int value);
IslHandle Str_FromUTF8(IslContext *ctx, const char *utf8);
IslHandle Str_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size);
const char *Str_AsUTF8AndSize(IslContext *ctx, IslHandle h, IslSsize *size);
IslHandle Bytes_FromStringAndSize(IslContext *ctx, const char *data, IslSsize size);
const char *Bytes_AsString(IslContext *ctx, IslHandle h);
IslSsize Bytes_Size(IslContext *ctx, IslHandle h);
IslHandle Tuple_New(IslContext *ctx, const IslHandle *items, IslSsize n);
IslHandle Tuple_GetItem(IslContext *ctx, IslHandle tuple, IslSsize index);
IslSsize Tuple_Size(IslContext *ctx, IslHandle tuple);
IslHandle List_New(IslContext *ctx);
int List_Append(IslContext *ctx, IslHandle list, IslHandle item);
int List_Insert(IslContext *ctx, IslHandle list, IslSsize index, IslHandle item);
IslHandle List_GetItem(IslContext *ctx, IslHandle list, IslSsize index);
int List_SetItem(IslContext *ctx, IslHandle list, IslSsize index, IslHandle item);
IslSsize List_Size(IslContext *ctx, IslHandle list);
int List_Swap(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j);
IslHandle Dict_New(IslContext *ctx);
int Dict_GetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle *value);
int Dict_GetItemString(IslContext *ctx, IslHandle dict, const char *key, IslHandle *value);
int Dict_SetItem(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle value);
int Dict_SetItemString(IslContext *ctx, IslHandle dict, const char *key, IslHandle value);
int Dict_DelItem(IslContext *ctx, IslHandle dict, IslHandle key);
IslSsize Dict_Size(IslContext *ctx, IslHandle dict);
IslHandle Dict_Keys(IslContext *ctx, IslHandle dict);
IslHandle Object_GetAttrString(IslContext *ctx, IslHandle obj, const char *name);
int Object_SetAttrString(IslContext *ctx, IslHandle obj, const char *name, IslHandle value);
int Object_HasAttrString(IslContext *ctx, IslHandle obj, const char *name);
IslHandle Object_GetAttr(IslContext *ctx, IslHandle obj, IslHandle name);
int Object_SetAttr(IslContext *ctx, IslHandle obj, IslHandle name, IslHandle value);
IslHandle Object_GetItem(IslContext *ctx, IslHandle obj, IslHandle key);
int Object_SetItem(IslContext *ctx, IslHandle obj, IslHandle key, IslHandle value);
int Object_DelItem(IslContext *ctx, IslHandle obj, IslHandle key);
IslHandle Sequence_GetItem(IslContext *ctx, IslHandle seq, IslSsize index);
IslSsize Object_Length(IslContext *ctx, IslHandle obj);
int Object_IsTrue(IslContext *ctx, IslHandle obj);
IslHandle Object_RichCompare(IslContext *ctx, IslHandle a, IslHandle b, int op);
int Object_RichCompareBool(IslContext *ctx, IslHandle a, IslHandle b, int op);
IslSsize Object_Hash(IslContext *ctx, IslHandle obj);
IslHandle Object_Repr(IslContext *ctx, IslHandle obj);
IslHandle Object_Str(IslContext *ctx, IslHandle obj);
IslHandle Object_Call(IslContext *ctx, IslHandle callable, IslHandle args, IslHandle kwargs);
IslHandle Object_Vectorcall(IslContext *ctx, IslHandle callable, const IslHandle *args, size_t nargs, IslHandle kwnames);
IslHandle Object_CallMethod(IslContext *ctx, IslHandle obj, const char *name, const IslHandle *args, size_t nargs);
IslHandle Object_GetIter(IslContext *ctx, IslHandle obj);
IslHandle Iter_Next(IslContext *ctx, IslHandle iterator);
IslHandle Err_SetString(IslContext *ctx, IslHandle type, const char *utf8);
IslHandle Err_SetObject(IslContext *ctx, IslHandle type, IslHandle value);
IslHandle Err_Format(IslContext *ctx, IslHandle type, const char *fmt, ...);
int Err_Occurred(IslContext *ctx);
int Err_ExceptionMatches(IslContext *ctx, IslHandle type);
void Err_Clear(IslContext *ctx);
IslHandle Err_Fetch(IslContext *ctx);
void Err_Restore(IslContext *ctx, IslHandle exc);
IslHandle Err_NoMemory(IslContext *ctx);
int Err_WarnEx(IslContext *ctx, IslHandle category, const char *utf8, IslSsize stacklevel);
int Arg_Parse(IslContext *ctx, const IslHandle *args, size_t nargs, IslHandle kwnames, const char *format, const char *const *keywords, ...);
void *Module_GetState(IslContext *ctx, IslHandle module);
int Module_AddObject(IslContext *ctx, IslHandle module, const char *name, IslHandle value);
IslHandle Import_ImportModule(IslContext *ctx, const char *name);
IslHandle List_Pop(IslContext *ctx, IslHandle list, IslSsize index);
int Queue_Check(IslContext *ctx, IslHandle h);
int Queue_Put(IslContext *ctx, IslHandle queue, IslHandle item, double timeout);
IslHandle Queue_Get(IslContext *ctx, IslHandle queue, double timeout);
int Channel_Send(IslContext *ctx, IslHandle send_end, IslHandle item, double timeout);
IslHandle Channel_Recv(IslContext *ctx, IslHandle recv_end, double timeout);
int Sequence_Check(IslContext *ctx, IslHandle obj);
IslSsize Sequence_Size(IslContext *ctx, IslHandle obj);
IslHandle Type_FromDef(IslContext *ctx, IslHandle module, const IslTypeDef *def, IslHandle bases);
void *Instance_Data(IslContext *ctx, IslHandle obj, const IslTypeDef *def);
void *Type_GetModuleState(IslContext *ctx, IslHandle obj, const IslModuleDef *def);
IslHandle Type_GenericNew(IslContext *ctx, IslHandle type);
IslHandle Field_Load(IslContext *ctx, IslHandle owner, IslField field);
void Field_Store(IslContext *ctx, IslHandle owner, IslField *field, IslHandle value);
IslHandle Err_NewException(IslContext *ctx, const char *name, IslHandle bases, const char *doc);
int Module_AddType(IslContext *ctx, IslHandle module, IslHandle type);
IslHandle Object_GenericGetAttr(IslContext *ctx, IslHandle obj, IslHandle name);
int Object_GenericSetAttr(IslContext *ctx, IslHandle obj, IslHandle name, IslHandle value);
int Dict_Next(IslContext *ctx, IslHandle dict, IslSsize *pos, IslHandle *key, IslHandle *value);
const void *Str_Data(IslContext *ctx, IslHandle str, int *kind, IslSsize *length);
IslHandle Str_FromKindAndData(IslContext *ctx, int kind, const void *data, IslSsize length);
IslHandle Str_Decode(IslContext *ctx, const char *data, IslSsize size, const char *encoding, const char *errors);
IslHandle Str_Encode(IslContext *ctx, IslHandle str, const char *encoding, const char *errors);
IslStrBuilder *StrBuilder_New(IslContext *ctx, IslSsize size_hint);
int StrBuilder_AppendStr(IslContext *ctx, IslStrBuilder *builder, IslHandle str);
int StrBuilder_AppendUTF8(IslContext *ctx, IslStrBuilder *builder, const char *utf8, IslSsize size);
int StrBuilder_AppendChar(IslContext *ctx, IslStrBuilder *builder, uint32_t ch);
IslHandle StrBuilder_Finish(IslContext *ctx, IslStrBuilder *builder);
void StrBuilder_Discard(IslContext *ctx, IslStrBuilder *builder);
IslHandle Float_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size);
IslHandle Long_FromUTF8AndSize(IslContext *ctx, const char *utf8, IslSsize size, int base);
IslHandle Float_Repr(IslContext *ctx, double value);
IslHandle Long_Repr(IslContext *ctx, IslHandle h);
IslHandle Sequence_Fast(IslContext *ctx, IslHandle obj, const char *message);
const IslHandle *Sequence_FastItems(IslContext *ctx, IslHandle fast, IslSsize *size);
IslHandle Str_Join(IslContext *ctx, IslHandle separator, IslHandle iterable);
IslHandle Dict_SetDefault(IslContext *ctx, IslHandle dict, IslHandle key, IslHandle default_value);
IslHandle Number_Float(IslContext *ctx, IslHandle obj);
IslHandle Sequence_Tuple(IslContext *ctx, IslHandle obj);
int Recursion_Enter(IslContext *ctx, const char *where);
void Recursion_Leave(IslContext *ctx);
int Callable_Check(IslContext *ctx, IslHandle obj);
IslHandle Str_FromFormatFloat(IslContext *ctx, double value, char format_code, int precision);
int List_CompareItems(IslContext *ctx, IslHandle list, IslSsize i, IslSsize j, int op);
int Sequence_CompareItem(IslContext *ctx, IslHandle seq, IslSsize index, IslHandle other, int op, int other_first);
int Arg_ParseSpec(IslContext *ctx, const IslHandle *args, size_t nargs, IslHandle kwnames, IslArgSpec *spec, ...);
int Arg_ParseTupleAndDict(IslContext *ctx, IslHandle args, IslHandle kwargs, IslArgSpec *spec, ...);
IslHandle Mapping_Items(IslContext *ctx, IslHandle mapping);
int List_Sort(IslContext *ctx, IslHandle list);
int Sequence_CompareKeyedItem(IslContext *ctx, IslHandle seq, IslSsize index, IslHandle key, IslHandle other, int op, int other_first);
int Arg_UnpackSpec(IslContext *ctx, const IslHandle *args, size_t nargs, IslHandle kwnames, IslArgSpec *spec, IslHandle *values);
int Object_TypeIs(IslContext *ctx, IslHandle h, IslHandle type);
int Number_Check(IslContext *ctx, IslHandle h);
int Index_Check(IslContext *ctx, IslHandle h);
IslHandle Object_Id(IslContext *ctx, IslHandle h);
int64_t Long_AsInt64AndOverflow(IslContext *ctx, IslHandle h, int *overflow);
}  // namespace isles::internal::impl
#endif
#endif

/*
 * sal.h: the source-annotation language (SAL) macros Windows headers and programs use, defined empty.
 * Part of websock's Windows compatibility folder (include/win); pulled in by <windows.h>.
 *
 * They mean something only to Microsoft's code analysis; for GCC and Clang they are noise, and
 * defining them empty lets annotated Windows code compile unchanged. Each has its own guard, so a
 * program that defines one itself keeps its definition. The old double-underscore SAL 1 names
 * (__in, __out, __inout, ...) are left out on purpose: libstdc++ uses some of them as identifiers.
 */
#ifndef WEBSOCK_WIN_SAL_H
#define WEBSOCK_WIN_SAL_H


/* ------------------------------------------------------------------ parameters read by the function */
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _In_z_
#define _In_z_
#endif
#ifndef _In_opt_z_
#define _In_opt_z_
#endif
#ifndef _In_reads_
#define _In_reads_(size)
#endif
#ifndef _In_reads_opt_
#define _In_reads_opt_(size)
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(size)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(size)
#endif
#ifndef _In_reads_z_
#define _In_reads_z_(size)
#endif
#ifndef _In_reads_opt_z_
#define _In_reads_opt_z_(size)
#endif
#ifndef _In_reads_or_z_
#define _In_reads_or_z_(size)
#endif
#ifndef _In_reads_or_z_opt_
#define _In_reads_or_z_opt_(size)
#endif
#ifndef _In_reads_to_ptr_
#define _In_reads_to_ptr_(ptr)
#endif
#ifndef _In_reads_to_ptr_opt_
#define _In_reads_to_ptr_opt_(ptr)
#endif
#ifndef _In_range_
#define _In_range_(low, high)
#endif
#ifndef _In_NLS_string_
#define _In_NLS_string_(size)
#endif
#ifndef _In_defensive_
#define _In_defensive_(annotation)
#endif

/* ------------------------------------------------------------------ parameters written by the function */
#ifndef _Out_
#define _Out_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Out_writes_
#define _Out_writes_(size)
#endif
#ifndef _Out_writes_opt_
#define _Out_writes_opt_(size)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(size)
#endif
#ifndef _Out_writes_bytes_opt_
#define _Out_writes_bytes_opt_(size)
#endif
#ifndef _Out_writes_z_
#define _Out_writes_z_(size)
#endif
#ifndef _Out_writes_opt_z_
#define _Out_writes_opt_z_(size)
#endif
#ifndef _Out_writes_to_
#define _Out_writes_to_(size, count)
#endif
#ifndef _Out_writes_to_opt_
#define _Out_writes_to_opt_(size, count)
#endif
#ifndef _Out_writes_all_
#define _Out_writes_all_(size)
#endif
#ifndef _Out_writes_all_opt_
#define _Out_writes_all_opt_(size)
#endif
#ifndef _Out_writes_bytes_to_
#define _Out_writes_bytes_to_(size, count)
#endif
#ifndef _Out_writes_bytes_to_opt_
#define _Out_writes_bytes_to_opt_(size, count)
#endif
#ifndef _Out_writes_bytes_all_
#define _Out_writes_bytes_all_(size)
#endif
#ifndef _Out_writes_bytes_all_opt_
#define _Out_writes_bytes_all_opt_(size)
#endif
#ifndef _Out_writes_to_ptr_
#define _Out_writes_to_ptr_(ptr)
#endif
#ifndef _Out_writes_to_ptr_z_
#define _Out_writes_to_ptr_z_(ptr)
#endif
#ifndef _Out_range_
#define _Out_range_(low, high)
#endif
#ifndef _Out_z_
#define _Out_z_
#endif
#ifndef _Out_opt_z_
#define _Out_opt_z_
#endif

/* ------------------------------------------------------------------ parameters read and written */
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
#endif
#ifndef _Inout_z_
#define _Inout_z_
#endif
#ifndef _Inout_opt_z_
#define _Inout_opt_z_
#endif
#ifndef _Inout_updates_
#define _Inout_updates_(size)
#endif
#ifndef _Inout_updates_opt_
#define _Inout_updates_opt_(size)
#endif
#ifndef _Inout_updates_z_
#define _Inout_updates_z_(size)
#endif
#ifndef _Inout_updates_opt_z_
#define _Inout_updates_opt_z_(size)
#endif
#ifndef _Inout_updates_to_
#define _Inout_updates_to_(size, count)
#endif
#ifndef _Inout_updates_to_opt_
#define _Inout_updates_to_opt_(size, count)
#endif
#ifndef _Inout_updates_all_
#define _Inout_updates_all_(size)
#endif
#ifndef _Inout_updates_all_opt_
#define _Inout_updates_all_opt_(size)
#endif
#ifndef _Inout_updates_bytes_
#define _Inout_updates_bytes_(size)
#endif
#ifndef _Inout_updates_bytes_opt_
#define _Inout_updates_bytes_opt_(size)
#endif
#ifndef _Inout_updates_bytes_to_
#define _Inout_updates_bytes_to_(size, count)
#endif
#ifndef _Inout_updates_bytes_to_opt_
#define _Inout_updates_bytes_to_opt_(size, count)
#endif
#ifndef _Inout_updates_bytes_all_
#define _Inout_updates_bytes_all_(size)
#endif
#ifndef _Inout_updates_bytes_all_opt_
#define _Inout_updates_bytes_all_opt_(size)
#endif

/* ------------------------------------------------------------------ pointers to pointers the function sets */
#ifndef _Outptr_
#define _Outptr_
#endif
#ifndef _Outptr_opt_
#define _Outptr_opt_
#endif
#ifndef _Outptr_result_maybenull_
#define _Outptr_result_maybenull_
#endif
#ifndef _Outptr_opt_result_maybenull_
#define _Outptr_opt_result_maybenull_
#endif
#ifndef _Outptr_result_z_
#define _Outptr_result_z_
#endif
#ifndef _Outptr_opt_result_z_
#define _Outptr_opt_result_z_
#endif
#ifndef _Outptr_result_maybenull_z_
#define _Outptr_result_maybenull_z_
#endif
#ifndef _Outptr_result_nullonfailure_
#define _Outptr_result_nullonfailure_
#endif
#ifndef _Outptr_opt_result_nullonfailure_
#define _Outptr_opt_result_nullonfailure_
#endif
#ifndef _Outptr_result_buffer_
#define _Outptr_result_buffer_(size)
#endif
#ifndef _Outptr_opt_result_buffer_
#define _Outptr_opt_result_buffer_(size)
#endif
#ifndef _Outptr_result_buffer_maybenull_
#define _Outptr_result_buffer_maybenull_(size)
#endif
#ifndef _Outptr_result_bytebuffer_
#define _Outptr_result_bytebuffer_(size)
#endif
#ifndef _Outptr_opt_result_bytebuffer_
#define _Outptr_opt_result_bytebuffer_(size)
#endif
#ifndef _Outptr_result_bytebuffer_maybenull_
#define _Outptr_result_bytebuffer_maybenull_(size)
#endif
#ifndef _Outptr_result_buffer_to_
#define _Outptr_result_buffer_to_(size, count)
#endif
#ifndef _Outptr_result_bytebuffer_to_
#define _Outptr_result_bytebuffer_to_(size, count)
#endif
#ifndef _COM_Outptr_
#define _COM_Outptr_
#endif
#ifndef _COM_Outptr_opt_
#define _COM_Outptr_opt_
#endif
#ifndef _COM_Outptr_result_maybenull_
#define _COM_Outptr_result_maybenull_
#endif
#ifndef _COM_Outptr_opt_result_maybenull_
#define _COM_Outptr_opt_result_maybenull_
#endif
#ifndef _Deref_out_
#define _Deref_out_
#endif
#ifndef _Deref_out_opt_
#define _Deref_out_opt_
#endif
#ifndef _Deref_out_z_
#define _Deref_out_z_
#endif
#ifndef _Deref_opt_out_
#define _Deref_opt_out_
#endif
#ifndef _Deref_in_
#define _Deref_in_
#endif
#ifndef _Deref_inout_
#define _Deref_inout_
#endif

/* ------------------------------------------------------------------ return values */
#ifndef _Ret_
#define _Ret_
#endif
#ifndef _Ret_maybenull_
#define _Ret_maybenull_
#endif
#ifndef _Ret_notnull_
#define _Ret_notnull_
#endif
#ifndef _Ret_null_
#define _Ret_null_
#endif
#ifndef _Ret_z_
#define _Ret_z_
#endif
#ifndef _Ret_maybenull_z_
#define _Ret_maybenull_z_
#endif
#ifndef _Ret_valid_
#define _Ret_valid_
#endif
#ifndef _Ret_writes_
#define _Ret_writes_(size)
#endif
#ifndef _Ret_writes_z_
#define _Ret_writes_z_(size)
#endif
#ifndef _Ret_writes_bytes_
#define _Ret_writes_bytes_(size)
#endif
#ifndef _Ret_writes_maybenull_
#define _Ret_writes_maybenull_(size)
#endif
#ifndef _Ret_writes_bytes_maybenull_
#define _Ret_writes_bytes_maybenull_(size)
#endif
#ifndef _Ret_writes_to_
#define _Ret_writes_to_(size, count)
#endif
#ifndef _Ret_writes_bytes_to_
#define _Ret_writes_bytes_to_(size, count)
#endif
#ifndef _Ret_range_
#define _Ret_range_(low, high)
#endif
#ifndef _Check_return_
#define _Check_return_
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Success_
#define _Success_(expression)
#endif
#ifndef _Return_type_success_
#define _Return_type_success_(expression)
#endif
#ifndef _Results_maybenull_
#define _Results_maybenull_
#endif
#ifndef _Result_nullonfailure_
#define _Result_nullonfailure_
#endif
#ifndef _Result_zeroonfailure_
#define _Result_zeroonfailure_
#endif

/* ------------------------------------------------------------------ functions, structures, strings and conditions */
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _Printf_format_string_
#define _Printf_format_string_
#endif
#ifndef _Scanf_format_string_
#define _Scanf_format_string_
#endif
#ifndef _Scanf_s_format_string_
#define _Scanf_s_format_string_
#endif
#ifndef _Printf_format_string_params_
#define _Printf_format_string_params_(count)
#endif
#ifndef _Null_terminated_
#define _Null_terminated_
#endif
#ifndef _NullNull_terminated_
#define _NullNull_terminated_
#endif
#ifndef _Literal_
#define _Literal_
#endif
#ifndef _Reserved_
#define _Reserved_
#endif
#ifndef _Const_
#define _Const_
#endif
#ifndef _Field_size_
#define _Field_size_(size)
#endif
#ifndef _Field_size_opt_
#define _Field_size_opt_(size)
#endif
#ifndef _Field_size_bytes_
#define _Field_size_bytes_(size)
#endif
#ifndef _Field_size_bytes_opt_
#define _Field_size_bytes_opt_(size)
#endif
#ifndef _Field_size_part_
#define _Field_size_part_(size, count)
#endif
#ifndef _Field_size_bytes_part_
#define _Field_size_bytes_part_(size, count)
#endif
#ifndef _Field_size_full_
#define _Field_size_full_(size)
#endif
#ifndef _Field_size_bytes_full_
#define _Field_size_bytes_full_(size)
#endif
#ifndef _Field_range_
#define _Field_range_(low, high)
#endif
#ifndef _Field_z_
#define _Field_z_
#endif
#ifndef _Struct_size_bytes_
#define _Struct_size_bytes_(size)
#endif
#ifndef _When_
#define _When_(condition, annotations)
#endif
#ifndef _At_
#define _At_(target, annotations)
#endif
#ifndef _At_buffer_
#define _At_buffer_(target, iterator, bound, annotations)
#endif
#ifndef _Always_
#define _Always_(annotations)
#endif
#ifndef _On_failure_
#define _On_failure_(annotations)
#endif
#ifndef _Pre_
#define _Pre_
#endif
#ifndef _Post_
#define _Post_
#endif
#ifndef _Pre_valid_
#define _Pre_valid_
#endif
#ifndef _Post_valid_
#define _Post_valid_
#endif
#ifndef _Pre_notnull_
#define _Pre_notnull_
#endif
#ifndef _Pre_maybenull_
#define _Pre_maybenull_
#endif
#ifndef _Pre_null_
#define _Pre_null_
#endif
#ifndef _Pre_z_
#define _Pre_z_
#endif
#ifndef _Post_z_
#define _Post_z_
#endif
#ifndef _Post_notnull_
#define _Post_notnull_
#endif
#ifndef _Post_maybenull_
#define _Post_maybenull_
#endif
#ifndef _Post_null_
#define _Post_null_
#endif
#ifndef _Post_invalid_
#define _Post_invalid_
#endif
#ifndef _Post_ptr_invalid_
#define _Post_ptr_invalid_
#endif
#ifndef _Pre_readable_size_
#define _Pre_readable_size_(size)
#endif
#ifndef _Pre_writable_size_
#define _Pre_writable_size_(size)
#endif
#ifndef _Pre_readable_byte_size_
#define _Pre_readable_byte_size_(size)
#endif
#ifndef _Pre_writable_byte_size_
#define _Pre_writable_byte_size_(size)
#endif
#ifndef _Post_readable_size_
#define _Post_readable_size_(size)
#endif
#ifndef _Post_writable_size_
#define _Post_writable_size_(size)
#endif
#ifndef _Post_readable_byte_size_
#define _Post_readable_byte_size_(size)
#endif
#ifndef _Post_writable_byte_size_
#define _Post_writable_byte_size_(size)
#endif
#ifndef _Pre_satisfies_
#define _Pre_satisfies_(expression)
#endif
#ifndef _Post_satisfies_
#define _Post_satisfies_(expression)
#endif
#ifndef _Post_equal_to_
#define _Post_equal_to_(expression)
#endif
#ifndef _Notnull_
#define _Notnull_
#endif
#ifndef _Maybenull_
#define _Maybenull_
#endif
#ifndef _Null_
#define _Null_
#endif
#ifndef _Valid_
#define _Valid_
#endif
#ifndef _Notvalid_
#define _Notvalid_
#endif
#ifndef _Readable_bytes_
#define _Readable_bytes_(size)
#endif
#ifndef _Writable_bytes_
#define _Writable_bytes_(size)
#endif
#ifndef _Readable_elements_
#define _Readable_elements_(size)
#endif
#ifndef _Writable_elements_
#define _Writable_elements_(size)
#endif
#ifndef _Points_to_data_
#define _Points_to_data_
#endif
#ifndef _Strict_type_match_
#define _Strict_type_match_
#endif
#ifndef _Analysis_assume_
#define _Analysis_assume_(expression)
#endif
#ifndef _Analysis_noreturn_
#define _Analysis_noreturn_
#endif
#ifndef _Frees_ptr_
#define _Frees_ptr_
#endif
#ifndef _Frees_ptr_opt_
#define _Frees_ptr_opt_
#endif
#ifndef _Out_writes_bytes_to_ptr_
#define _Out_writes_bytes_to_ptr_(ptr)
#endif

/* ------------------------------------------------------------------ locks */
#ifndef _Acquires_lock_
#define _Acquires_lock_(lock)
#endif
#ifndef _Releases_lock_
#define _Releases_lock_(lock)
#endif
#ifndef _Acquires_exclusive_lock_
#define _Acquires_exclusive_lock_(lock)
#endif
#ifndef _Releases_exclusive_lock_
#define _Releases_exclusive_lock_(lock)
#endif
#ifndef _Acquires_shared_lock_
#define _Acquires_shared_lock_(lock)
#endif
#ifndef _Releases_shared_lock_
#define _Releases_shared_lock_(lock)
#endif
#ifndef _Requires_lock_held_
#define _Requires_lock_held_(lock)
#endif
#ifndef _Requires_lock_not_held_
#define _Requires_lock_not_held_(lock)
#endif
#ifndef _Requires_no_locks_held_
#define _Requires_no_locks_held_
#endif
#ifndef _Guarded_by_
#define _Guarded_by_(lock)
#endif
#ifndef _Write_guarded_by_
#define _Write_guarded_by_(lock)
#endif
#ifndef _Interlocked_operand_
#define _Interlocked_operand_
#endif
#ifndef _Create_lock_level_
#define _Create_lock_level_(level)
#endif
#ifndef _Has_lock_kind_
#define _Has_lock_kind_(kind)
#endif
#ifndef _Lock_level_order_
#define _Lock_level_order_(a, b)
#endif
#ifndef _No_competing_thread_
#define _No_competing_thread_
#endif
#ifndef _Benign_race_begin_
#define _Benign_race_begin_
#endif
#ifndef _Benign_race_end_
#define _Benign_race_end_
#endif

/* ------------------------------------------------------------------ driver annotations that ordinary windows code uses too */
#ifndef __drv_aliasesMem
#define __drv_aliasesMem
#endif
#ifndef __drv_freesMem
#define __drv_freesMem(kind)
#endif
#ifndef __drv_allocatesMem
#define __drv_allocatesMem(kind)
#endif
#ifndef __drv_when
#define __drv_when(condition, annotations)
#endif
#ifndef __drv_maxIRQL
#define __drv_maxIRQL(level)
#endif
#ifndef __drv_minIRQL
#define __drv_minIRQL(level)
#endif
#ifndef __drv_requiresIRQL
#define __drv_requiresIRQL(level)
#endif
#ifndef __drv_setsIRQL
#define __drv_setsIRQL(level)
#endif
#ifndef __drv_savesIRQL
#define __drv_savesIRQL
#endif
#ifndef __drv_restoresIRQL
#define __drv_restoresIRQL
#endif
#ifndef __drv_savesIRQLGlobal
#define __drv_savesIRQLGlobal(kind, param)
#endif
#ifndef __drv_restoresIRQLGlobal
#define __drv_restoresIRQLGlobal(kind, param)
#endif
#ifndef __drv_acquiresResource
#define __drv_acquiresResource(kind)
#endif
#ifndef __drv_releasesResource
#define __drv_releasesResource(kind)
#endif
#ifndef __drv_mustHold
#define __drv_mustHold(kind)
#endif
#ifndef __drv_neverHold
#define __drv_neverHold(kind)
#endif
#ifndef __drv_inTry
#define __drv_inTry
#endif
#ifndef __drv_notInTry
#define __drv_notInTry
#endif
#ifndef __drv_dispatchType
#define __drv_dispatchType(kind)
#endif
#ifndef __drv_preferredFunction
#define __drv_preferredFunction(function, message)
#endif
#ifndef __drv_reportError
#define __drv_reportError(message)
#endif
#ifndef __drv_valueIs
#define __drv_valueIs(values)
#endif
#ifndef __drv_strictTypeMatch
#define __drv_strictTypeMatch(mode)
#endif
#ifndef __drv_isObjectPointer
#define __drv_isObjectPointer
#endif
#ifndef __drv_functionClass
#define __drv_functionClass(name)
#endif

#ifndef _Ret_opt_
#define _Ret_opt_
#endif
#ifndef _In_opt_count_
#define _In_opt_count_(size)
#endif

#endif /* WEBSOCK_WIN_SAL_H */

/* The SAL annotations of include/win/sal.h are empty for GCC and Clang: declarations and
 * definitions annotated the way Windows code is compile, as C99 and (through
 * sal_annotations.cpp) as C++, with -pedantic-errors, and mean nothing at run time. */
#include <Windows.h>

#include <stdio.h>

typedef struct _ANNOTATED_BUFFER {
  _Field_size_bytes_(length) BYTE *data;
  _Field_range_(0, 4096) ULONG length;
  _Field_size_opt_(count) _Null_terminated_ CHAR *name;
  ULONG count;
} ANNOTATED_BUFFER;

_Success_(return != FALSE) _Check_return_ static BOOL CopyInto(
    _Out_writes_bytes_to_(capacity, *written) BYTE *target, _In_ ULONG capacity,
    _In_reads_bytes_(length) const BYTE *source, _In_ ULONG length, _Out_ ULONG *written) {
  ULONG n = length < capacity ? length : capacity;
  CopyMemory(target, source, n);
  *written = n;
  return TRUE;
}

_Ret_maybenull_ _Must_inspect_result_ static PVOID Find(_In_reads_opt_(count) PVOID *items,
                                                          _In_ ULONG count) {
  return items != NULL && count > 0 ? items[0] : NULL;
}

static VOID Update(_Inout_updates_bytes_to_(size, *used) BYTE *data, _In_ ULONG size,
                   _Inout_ ULONG *used, _Inout_updates_bytes_to_opt_(size, *used) BYTE *mirror,
                   _In_reads_bytes_opt_(size) __drv_aliasesMem BYTE *owned) {
  (void)data;
  (void)size;
  (void)mirror;
  (void)owned;
  *used = 0;
}

static HRESULT Make(_In_z_ PCSTR name, _In_opt_z_ PCWSTR wide, _Outptr_ PVOID *result,
                    _Outptr_opt_result_maybenull_ PVOID *optional, _When_(name != NULL, _In_) ULONG flags,
                    _Reserved_ PVOID reserved) {
  (void)name;
  (void)wide;
  (void)flags;
  (void)reserved;
  *result = NULL;
  if (optional != NULL) *optional = NULL;
  return S_OK;
}

static int Print(_In_ _Printf_format_string_ const char *format, _In_range_(0, 10) int value) {
  return printf(format, value);
}

_Acquires_lock_(*section) static VOID Lock(_Inout_ CRITICAL_SECTION *section) { EnterCriticalSection(section); }
_Releases_lock_(*section) static VOID Unlock(_Inout_ CRITICAL_SECTION *section) { LeaveCriticalSection(section); }

int main(void) {
  BYTE target[4];
  BYTE source[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ULONG written = 0;
  PVOID result = &written;
  CRITICAL_SECTION section;
  ANNOTATED_BUFFER annotated;
  int failures = 0;
  annotated.data = source;
  annotated.length = sizeof source;
  if (!CopyInto(target, sizeof target, source, sizeof source, &written) || written != 4 || target[3] != 4) ++failures;
  if (Find(NULL, 0) != NULL) ++failures;
  Update(target, sizeof target, &written, NULL, NULL);
  if (written != 0 || FAILED(Make("n", NULL, &result, NULL, 0, NULL)) || result != NULL) ++failures;
  if (Print("%d\n", annotated.data[0]) != 2) ++failures;
  InitializeCriticalSection(&section);
  Lock(&section);
  Unlock(&section);
  DeleteCriticalSection(&section);
  return failures == 0 ? 0 : 1;
}

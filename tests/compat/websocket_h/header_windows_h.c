/* <windows.h> compiles on its own, as C99 and (through header_windows_h.cpp) as C++, and its types
 * have the Windows sizes. Built with -pedantic-errors; the checks below fail the build if wrong. */
#include <windows.h>

#include <stdio.h>

#define WSH_CHECK(name, condition) typedef char wsh_check_##name[(condition) ? 1 : -1]

WSH_CHECK(ulong_is_32_bits, sizeof(ULONG) == 4);
WSH_CHECK(long_is_32_bits, sizeof(LONG) == 4);
WSH_CHECK(dword_is_32_bits, sizeof(DWORD) == 4);
WSH_CHECK(hresult_is_32_bits, sizeof(HRESULT) == 4);
WSH_CHECK(bool_is_32_bits, sizeof(BOOL) == 4);
WSH_CHECK(ushort_is_16_bits, sizeof(USHORT) == 2);
WSH_CHECK(byte_is_8_bits, sizeof(BYTE) == 1);
WSH_CHECK(ulong_ptr_is_pointer_sized, sizeof(ULONG_PTR) == sizeof(void *));
WSH_CHECK(pvoid_is_pointer, sizeof(PVOID) == sizeof(void *));

DECLARE_HANDLE(WSH_TEST_HANDLE);

static int failures = 0;

static void expect(int condition, const char *what) {
  if (!condition) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

int main(void) {
  WSH_TEST_HANDLE handle = NULL;
  PCSTR text = "x";
  PCHAR mutable_text = NULL;
  ULONG buffer[4];
  expect(handle == NULL && text[0] == 'x' && mutable_text == NULL, "types usable");
  expect(SUCCEEDED(S_OK) && !FAILED(S_OK), "S_OK succeeds");
  expect(SUCCEEDED(S_FALSE), "S_FALSE succeeds");
  expect(FAILED(E_INVALIDARG) && FAILED(E_OUTOFMEMORY) && FAILED(E_POINTER) && FAILED(E_FAIL), "E_* fail");
  expect((ULONG)E_INVALIDARG == 0x80070057u, "E_INVALIDARG");
  expect((ULONG)E_OUTOFMEMORY == 0x8007000Eu, "E_OUTOFMEMORY");
  expect((ULONG)E_POINTER == 0x80004003u, "E_POINTER");
  expect((ULONG)E_FAIL == 0x80004005u, "E_FAIL");
  expect((ULONG)E_NOTIMPL == 0x80004001u, "E_NOTIMPL");
  expect((ULONG)HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) == 0x8007007Au, "HRESULT_FROM_WIN32(122)");
  expect((ULONG)HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER) == 0x80070057u, "HRESULT_FROM_WIN32(87)");
  expect(HRESULT_FROM_WIN32(ERROR_SUCCESS) == S_OK, "HRESULT_FROM_WIN32(0)");
  expect(ERROR_INSUFFICIENT_BUFFER == 122 && ERROR_INVALID_OPERATION == 4317, "Win32 error codes");
  expect(TRUE == 1 && FALSE == 0, "TRUE/FALSE");
  ZeroMemory(buffer, sizeof buffer);
  expect(buffer[0] == 0 && buffer[3] == 0, "ZeroMemory");
  expect(LOWORD(0x12345678u) == 0x5678 && HIWORD(0x12345678u) == 0x1234, "LOWORD/HIWORD");
  return failures == 0 ? 0 : 1;
}

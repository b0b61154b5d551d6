/*
 * windows.h: the small part of the Win32 base that websock's Windows-compatible faces need.
 *
 * Part of websock's Windows compatibility folder (include/win). A program written for Windows
 * that includes <windows.h> and <websocket.h> compiles unchanged on Linux when this folder is on
 * the include path (pkg-config websock-compat, or the CMake target websock::websock_compat).
 *
 * Plain C (C99 and later) and C++. Types are sized as on Windows (LLP64): ULONG, LONG and DWORD
 * are 32 bits even where the C `long` is 64 bits; pointers and the *_PTR types are pointer-sized.
 * Calling conventions: WINAPI and friends are empty; there is no stdcall on x86_64.
 *
 * The file is organised in sections, each behind its own guard, so that the WinHTTP and IIS
 * faces can add theirs (wide strings, FILETIME, ...) without touching the others.
 */
#ifndef WEBSOCK_WIN_WINDOWS_H
#define WEBSOCK_WIN_WINDOWS_H

#if defined(_WIN32)
#error "include/win is websock's Windows shim for non-Windows systems; use the SDK on Windows"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sal.h"

/* Marks this shim; compatibility code may test it. */
#define WEBSOCK_WIN_SHIM 1

/* ------------------------------------------------------------------ calling conventions */
#ifndef WEBSOCK_WIN_SECTION_CALLCONV
#define WEBSOCK_WIN_SECTION_CALLCONV
#define WINAPI
#define APIENTRY
#define CALLBACK
#define STDMETHODCALLTYPE
#define WINAPIV
#endif

/* ------------------------------------------------------------------ base types */
#ifndef WEBSOCK_WIN_SECTION_TYPES
#define WEBSOCK_WIN_SECTION_TYPES

#define VOID void
typedef char CHAR;
typedef unsigned char UCHAR;
typedef unsigned char BYTE;
typedef unsigned char BOOLEAN;
typedef short SHORT;
typedef unsigned short USHORT;
typedef unsigned short WORD;
typedef int INT;
typedef unsigned int UINT;
typedef int LONG;           /* 32 bits, as on Windows */
typedef unsigned int ULONG; /* 32 bits, as on Windows */
typedef unsigned int DWORD; /* 32 bits, as on Windows */
typedef int BOOL;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef size_t SIZE_T;

typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;

typedef CHAR *PCHAR;
typedef CHAR *PSTR;
typedef CHAR *LPSTR;
typedef const CHAR *PCSTR;
typedef const CHAR *LPCSTR;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef USHORT *PUSHORT;
typedef WORD *PWORD;
typedef LONG *PLONG;
typedef ULONG *PULONG;
typedef DWORD *PDWORD;
typedef DWORD *LPDWORD;
typedef BOOL *PBOOL;
typedef BOOL *LPBOOL;

typedef LONG HRESULT;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* An opaque handle type: a pointer to a distinct incomplete-looking struct, as the SDK does. */
#define DECLARE_HANDLE(name) \
  struct name##__ {          \
    int unused;              \
  };                         \
  typedef struct name##__ *name

#define ZeroMemory(destination, length) memset((destination), 0, (length))
#define CopyMemory(destination, source, length) memcpy((destination), (source), (length))
#define MoveMemory(destination, source, length) memmove((destination), (source), (length))
#define FillMemory(destination, length, fill) memset((destination), (fill), (length))

#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))

#endif /* WEBSOCK_WIN_SECTION_TYPES */

/* ------------------------------------------------------------------ HRESULT */
#ifndef WEBSOCK_WIN_SECTION_HRESULT
#define WEBSOCK_WIN_SECTION_HRESULT

/* Values as in winerror.h. The cast gives the same bit pattern as on Windows (negative LONG). */
#define _HRESULT_TYPEDEF_(value) ((HRESULT)(value))

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define IS_ERROR(status) (((ULONG)(status)) >> 31 == 1)
#define HRESULT_CODE(hr) ((hr) & 0xFFFF)
#define HRESULT_FACILITY(hr) (((hr) >> 16) & 0x1fff)
#define HRESULT_SEVERITY(hr) (((hr) >> 31) & 0x1)

#define FACILITY_NULL 0
#define FACILITY_WIN32 7

/* A Win32 error code as an HRESULT: 0x8007xxxx; 0 and negative values pass unchanged. */
#define HRESULT_FROM_WIN32(x)                              \
  ((HRESULT)(x) <= 0 ? ((HRESULT)(x))                      \
                     : ((HRESULT)((((ULONG)(x)) & 0x0000FFFFu) | \
                                  ((ULONG)FACILITY_WIN32 << 16) | 0x80000000u)))

#define S_OK _HRESULT_TYPEDEF_(0x00000000)
#define S_FALSE _HRESULT_TYPEDEF_(0x00000001)
#define E_NOTIMPL _HRESULT_TYPEDEF_(0x80004001u)
#define E_NOINTERFACE _HRESULT_TYPEDEF_(0x80004002u)
#define E_POINTER _HRESULT_TYPEDEF_(0x80004003u)
#define E_ABORT _HRESULT_TYPEDEF_(0x80004004u)
#define E_FAIL _HRESULT_TYPEDEF_(0x80004005u)
#define E_UNEXPECTED _HRESULT_TYPEDEF_(0x8000FFFFu)
#define E_ACCESSDENIED _HRESULT_TYPEDEF_(0x80070005u)
#define E_HANDLE _HRESULT_TYPEDEF_(0x80070006u)
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000Eu)
#define E_INVALIDARG _HRESULT_TYPEDEF_(0x80070057u)

#endif /* WEBSOCK_WIN_SECTION_HRESULT */

/* ------------------------------------------------------------------ Win32 error codes */
#ifndef WEBSOCK_WIN_SECTION_WIN32_ERRORS
#define WEBSOCK_WIN_SECTION_WIN32_ERRORS

#define NO_ERROR 0
#define ERROR_SUCCESS 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_OUTOFMEMORY 14
#define ERROR_NOT_SUPPORTED 50
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_MORE_DATA 234
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_PENDING 997
#define ERROR_INVALID_OPERATION 4317

#endif /* WEBSOCK_WIN_SECTION_WIN32_ERRORS */

#endif /* WEBSOCK_WIN_WINDOWS_H */

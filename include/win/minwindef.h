/*
 * minwindef.h: the Win32 base types and helper macros every other header of include/win builds on.
 * Part of websock's Windows compatibility folder; programs normally get it through <windows.h>.
 *
 * Plain C (C99 and later) and C++. Types are sized as on Windows (LLP64): ULONG, LONG and DWORD
 * are 32 bits even where the C `long` is 64 bits; pointers and the *_PTR types are pointer-sized.
 * Wide characters are the platform's wchar_t (32 bits on Linux, 16 on Windows), so L"..." literals
 * and the C library's wide functions work unchanged; code that assumes 2-byte WCHARs does not.
 */
#ifndef WEBSOCK_WIN_MINWINDEF_H
#define WEBSOCK_WIN_MINWINDEF_H

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
/* x86_64 has one calling convention: every Windows spelling of one is empty. */
#define WINAPI
#define WINAPIV
#define APIENTRY
#define CALLBACK
#define STDMETHODCALLTYPE
#define STDAPICALLTYPE
#define NTAPI
#ifndef __cdecl
#define __cdecl
#endif
#ifndef _cdecl
#define _cdecl
#endif
#ifndef __stdcall
#define __stdcall
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef CDECL
#define CDECL
#endif

/* The words the SDK puts in declarations: linkage hints and old parameter annotations. */
#define DECLSPEC_IMPORT
#define WINBASEAPI
#define WINADVAPI
#define IN
#define OUT
#define OPTIONAL
#define FAR
#define NEAR
#define CONST const

/* ------------------------------------------------------------------ __declspec */
/* MSVC's storage-class attributes, each mapped to its GCC/Clang meaning or to nothing:
 * dllexport/dllimport (shared objects export by default visibility), thread, noinline, noreturn,
 * selectany, and the ones with nothing to do here (uuid, novtable, deprecated, align is left out
 * on purpose: use alignas). Any other spelling fails to compile, which is better than a silent
 * change of meaning. */
#ifndef __declspec
#define __declspec(attribute) __websock_declspec_##attribute
#define __websock_declspec_dllexport __attribute__((visibility("default")))
#define __websock_declspec_dllimport
#define __websock_declspec_thread __thread
#define __websock_declspec_noinline __attribute__((noinline))
#define __websock_declspec_noreturn __attribute__((noreturn))
#define __websock_declspec_selectany __attribute__((weak))
#define __websock_declspec_novtable
#define __websock_declspec_uuid(text)
#define __websock_declspec_deprecated(...)
#endif

/* ------------------------------------------------------------------ base types */
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
typedef float FLOAT;
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef unsigned long long DWORDLONG;
typedef int8_t INT8;
typedef uint8_t UINT8;
typedef int16_t INT16;
typedef uint16_t UINT16;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef int64_t INT64;
typedef uint64_t UINT64;
typedef int32_t LONG32;
typedef uint32_t ULONG32;
typedef uint32_t DWORD32;
typedef int64_t LONG64;
typedef uint64_t ULONG64;
typedef uint64_t DWORD64;
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef size_t SIZE_T;
typedef ptrdiff_t SSIZE_T;

/* 64-bit integers as two halves (the SDK's anonymous-struct spelling is left out: C++ has no
 * anonymous structs; `u` and QuadPart are the portable ones). */
typedef union _LARGE_INTEGER {
  struct {
    DWORD LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;
typedef union _ULARGE_INTEGER {
  struct {
    DWORD LowPart;
    DWORD HighPart;
  } u;
  ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef void *PVOID;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef const void *PCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;

typedef CHAR *PCHAR;
typedef CHAR *LPCH;
typedef CHAR *PSTR;
typedef CHAR *LPSTR;
typedef const CHAR *PCSTR;
typedef const CHAR *LPCSTR;
typedef const CHAR *LPCCH;
typedef UCHAR *PUCHAR;
typedef BYTE *PBYTE;
typedef BYTE *LPBYTE;
typedef SHORT *PSHORT;
typedef USHORT *PUSHORT;
typedef WORD *PWORD;
typedef WORD *LPWORD;
typedef INT *PINT;
typedef INT *LPINT;
typedef UINT *PUINT;
typedef LONG *PLONG;
typedef LONG *LPLONG;
typedef ULONG *PULONG;
typedef DWORD *PDWORD;
typedef DWORD *LPDWORD;
typedef BOOL *PBOOL;
typedef BOOL *LPBOOL;
typedef BOOLEAN *PBOOLEAN;
typedef LONGLONG *PLONGLONG;
typedef ULONGLONG *PULONGLONG;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef SIZE_T *PSIZE_T;

typedef LONG HRESULT;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ------------------------------------------------------------------ wide characters */
typedef wchar_t WCHAR;
typedef WCHAR *PWCHAR;
typedef WCHAR *LPWCH;
typedef WCHAR *PWCH;
typedef const WCHAR *LPCWCH;
typedef const WCHAR *PCWCH;
typedef WCHAR *PWSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *PCWSTR;
typedef const WCHAR *LPCWSTR;

/*
 * Generic text: TCHAR and TEXT() follow UNICODE, as in winnt.h. Visual Studio's "Unicode
 * character set" defines both UNICODE (for <windows.h>) and _UNICODE (for <tchar.h>); defining
 * either one here gives the other too, so TCHAR and _TCHAR cannot disagree.
 */
#if defined(_UNICODE) && !defined(UNICODE)
#define UNICODE
#endif
#if defined(UNICODE) && !defined(_UNICODE)
#define _UNICODE
#endif
#ifdef UNICODE
typedef WCHAR TCHAR;
#define __TEXT(quote) L##quote
#else
typedef CHAR TCHAR;
#define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)
typedef TCHAR *PTCHAR;
typedef TCHAR *PTSTR;
typedef TCHAR *LPTSTR;
typedef const TCHAR *PCTSTR;
typedef const TCHAR *LPCTSTR;

/* ------------------------------------------------------------------ handles and small helpers */

/* An opaque handle type: a pointer to a distinct incomplete-looking struct, as the SDK does. */
#define DECLARE_HANDLE(name) \
  struct name##__ {          \
    int unused;              \
  };                         \
  typedef struct name##__ *name

#define ZeroMemory(destination, length) memset((destination), 0, (length))
#define SecureZeroMemory(destination, length) memset((destination), 0, (length))
#define CopyMemory(destination, source, length) memcpy((destination), (source), (length))
#define MoveMemory(destination, source, length) memmove((destination), (source), (length))
#define FillMemory(destination, length, fill) memset((destination), (fill), (length))
#define RtlZeroMemory ZeroMemory
#define RtlCopyMemory CopyMemory
#define RtlMoveMemory MoveMemory
#define RtlFillMemory FillMemory

/* Element count of an array (not of a pointer). */
#define RTL_NUMBER_OF(array) (sizeof(array) / sizeof((array)[0]))
#define ARRAYSIZE(array) RTL_NUMBER_OF(array)
#ifndef _countof
#define _countof(array) RTL_NUMBER_OF(array)
#endif

#define UNREFERENCED_PARAMETER(parameter) ((void)(parameter))
#define UNREFERENCED_LOCAL_VARIABLE(variable) ((void)(variable))

/*
 * min and max as <windows.h> defines them, for C only: in C++ these macros would break every
 * standard header that calls std::min or std::max after them (MSVC's library guards against that,
 * libstdc++ does not). NOMINMAX turns them off, as on Windows.
 */
#if !defined(__cplusplus) && !defined(NOMINMAX)
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

/* MSVC's <stdlib.h> has these; here too, for programs that spell that header in lower case. */
#include "websock_win_minmax.h"

#define MAX_PATH 260

#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define MAKEWORD(low, high) ((WORD)(((BYTE)(((DWORD_PTR)(low)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(high)) & 0xff))) << 8))
#define MAKELONG(low, high) ((LONG)(((WORD)(((DWORD_PTR)(low)) & 0xffff)) | ((DWORD)((WORD)(((DWORD_PTR)(high)) & 0xffff))) << 16))

#endif /* WEBSOCK_WIN_MINWINDEF_H */

/*
 * winerror.h: HRESULT macros and values, and the Win32 error codes the compatible faces and
 * Windows programs use, with the values of the SDK header of this name.
 * Part of websock's Windows compatibility folder; programs normally get it through <windows.h>.
 * Codes of one API family live in that family's header (the WinHTTP ones in <winhttp.h>).
 */
#ifndef WEBSOCK_WIN_WINERROR_H
#define WEBSOCK_WIN_WINERROR_H

#include "minwindef.h"

/* ------------------------------------------------------------------ HRESULT */

/* Values as in winerror.h. The cast gives the same bit pattern as on Windows (negative LONG). */
#define _HRESULT_TYPEDEF_(value) ((HRESULT)(value))

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define IS_ERROR(status) (((ULONG)(status)) >> 31 == 1)
#define HRESULT_CODE(hr) ((hr) & 0xFFFF)
#define HRESULT_FACILITY(hr) (((hr) >> 16) & 0x1fff)
#define HRESULT_SEVERITY(hr) (((hr) >> 31) & 0x1)

#define SEVERITY_SUCCESS 0
#define SEVERITY_ERROR 1
#define FACILITY_NULL 0
#define FACILITY_ITF 4
#define FACILITY_WIN32 7

#define MAKE_HRESULT(severity, facility, code) \
  ((HRESULT)(((ULONG)(severity) << 31) | ((ULONG)(facility) << 16) | ((ULONG)(code))))

/* A Win32 error code as an HRESULT: 0x8007xxxx; 0 and negative values pass unchanged. */
#define HRESULT_FROM_WIN32(x)                              \
  ((HRESULT)(x) <= 0 ? ((HRESULT)(x))                      \
                     : ((HRESULT)((((ULONG)(x)) & 0x0000FFFFu) | \
                                  ((ULONG)FACILITY_WIN32 << 16) | 0x80000000u)))
#define __HRESULT_FROM_WIN32(x) HRESULT_FROM_WIN32(x)

#define S_OK _HRESULT_TYPEDEF_(0x00000000)
#define S_FALSE _HRESULT_TYPEDEF_(0x00000001)
#define E_NOTIMPL _HRESULT_TYPEDEF_(0x80004001u)
#define E_NOINTERFACE _HRESULT_TYPEDEF_(0x80004002u)
#define E_POINTER _HRESULT_TYPEDEF_(0x80004003u)
#define E_ABORT _HRESULT_TYPEDEF_(0x80004004u)
#define E_FAIL _HRESULT_TYPEDEF_(0x80004005u)
#define E_UNEXPECTED _HRESULT_TYPEDEF_(0x8000FFFFu)
#define E_PENDING _HRESULT_TYPEDEF_(0x8000000Au)
#define E_BOUNDS _HRESULT_TYPEDEF_(0x8000000Bu)
#define E_ACCESSDENIED _HRESULT_TYPEDEF_(0x80070005u)
#define E_HANDLE _HRESULT_TYPEDEF_(0x80070006u)
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000Eu)
#define E_INVALIDARG _HRESULT_TYPEDEF_(0x80070057u)

/* ------------------------------------------------------------------ Win32 error codes */

#define NO_ERROR 0
#define ERROR_SUCCESS 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_DATA 13
#define ERROR_OUTOFMEMORY 14
#define ERROR_BAD_LENGTH 24
#define ERROR_GEN_FAILURE 31
#define ERROR_HANDLE_EOF 38
#define ERROR_NOT_SUPPORTED 50
#define ERROR_NETNAME_DELETED 64
#define ERROR_INVALID_PARAMETER 87
#define ERROR_BUFFER_OVERFLOW 111
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_BAD_ARGUMENTS 160
#define ERROR_ALREADY_EXISTS 183
#define ERROR_ALREADY_ASSIGNED 85
#define ERROR_MORE_DATA 234
#define WAIT_TIMEOUT 258
#define ERROR_NO_MORE_ITEMS 259
#define ERROR_ARITHMETIC_OVERFLOW 534
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_PENDING 997
#define ERROR_NOT_FOUND 1168
#define ERROR_CANCELLED 1223
#define ERROR_CONNECTION_ABORTED 1236
#define ERROR_INTERNAL_ERROR 1359
#define ERROR_INVALID_INDEX 1413
#define ERROR_TIMEOUT 1460
#define ERROR_INVALID_OPERATION 4317

#endif /* WEBSOCK_WIN_WINERROR_H */

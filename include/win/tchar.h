/*
 * tchar.h: generic-text mappings, so one source builds narrow or wide (_UNICODE).
 * Part of websock's Windows compatibility folder (include/win).
 *
 * With _UNICODE (or UNICODE: either defines the other, see minwindef.h) _TCHAR is wchar_t, _T("x")
 * is L"x", _tmain is wmain (which websock_wmain calls, see docs/compat/windows_headers.md) and the
 * _tcs and _t functions are the wide C library functions; otherwise they are the narrow ones and
 * _tmain is main. Only the common mappings are here, not MSVC's full table.
 */
#ifndef WEBSOCK_WIN_TCHAR_H
#define WEBSOCK_WIN_TCHAR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "minwindef.h"
#include "websock_win_wprintf.h"

#ifdef _UNICODE
typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR;
typedef wchar_t _TUCHAR;
typedef wchar_t _TXCHAR;
typedef wint_t _TINT;
#define __T(text) L##text
#define _tmain wmain
#define _tprintf wprintf
#define _ftprintf fwprintf
#define _vtprintf vwprintf
#define _vftprintf vfwprintf
#define _tcslen wcslen
#define _tcscpy wcscpy
#define _tcsncpy wcsncpy
#define _tcscat wcscat
#define _tcsncat wcsncat
#define _tcscmp wcscmp
#define _tcsncmp wcsncmp
#define _tcschr wcschr
#define _tcsrchr wcsrchr
#define _tcsstr wcsstr
#define _tcstol wcstol
#define _tcstoul wcstoul
#define _tcstod wcstod
#define _fgetts fgetws
#define _fputts fputws
#define _gettchar getwchar
#define _puttchar putwchar
#define _TEOF WEOF
#else
typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;
#define __T(text) text
#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _vtprintf vprintf
#define _vftprintf vfprintf
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstol strtol
#define _tcstoul strtoul
#define _tcstod strtod
#define _fgetts fgets
#define _fputts fputs
#define _gettchar getchar
#define _puttchar putchar
#define _TEOF EOF
#endif

#define _T(text) __T(text)
#define _TEXT(text) __T(text)

#endif /* WEBSOCK_WIN_TCHAR_H */

/*
 * websock_win_wprintf.h: the wide printf family with the meaning Windows gives its conversions.
 * Part of websock's Windows compatibility folder; included by <windows.h>, <StdIo.h> and <tchar.h>.
 *
 * Windows and ISO C disagree on what the wide printf functions do with strings and characters:
 *
 *   conversion in wprintf   Windows (MSVC, UCRT)        ISO C / glibc
 *   %s %c                   wchar_t string / wchar_t     char string / char
 *   %S %C                   char string / char           wchar_t string / wchar_t
 *   %ls %lc, %ws %wc        wchar_t                      wchar_t (%w: not valid)
 *   %hs %hc                 char                         not valid
 *   %ld %lu %lx ...         32-bit long                  64-bit long
 *   %I64d %I32d %Id         64 / 32 / pointer-sized      not valid
 *
 * A Windows program passes a wide string to %s and a DWORD to %lu; under glibc the first prints one
 * character and the second reads 64 bits where 32 were passed. So, in every translation unit that
 * includes this header, wprintf, fwprintf, vwprintf, vfwprintf, swprintf and vswprintf (and
 * wprintf_s, fwprintf_s) are macros for websock_win_* functions that read the format the Windows
 * way. They are implemented in websock_compat (src/compat/win32/wprintf.cpp).
 *
 * Output is converted to the current locale's multibyte encoding (characters it cannot represent
 * become '?', as Windows does for its code page) and written as bytes, so the stream keeps the
 * byte orientation Windows streams have: printf and wprintf may be mixed on stdout, as on Windows.
 * %S strings are read in the current locale's encoding too; precision bounds what is read, so a
 * string that is not NUL-terminated may be printed with %.*S, as Windows programs do.
 *
 * Defining _CRT_STDIO_ISO_WIDE_SPECIFIERS (the MSVC switch to the ISO meaning) before the first
 * include keeps the C library's functions unchanged.
 */
#ifndef WEBSOCK_WIN_WPRINTF_H
#define WEBSOCK_WIN_WPRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <wchar.h>
#ifdef __cplusplus
/* <cwchar> #undefs wprintf and its kin: pulled in here, before the macros below, its include guard
   keeps a later #include <cwchar> (or <string>, <iostream>, ...) from removing them again. */
#include <cstdio>
#include <cwchar>
#endif

#ifndef _CRT_STDIO_ISO_WIDE_SPECIFIERS

#ifdef __cplusplus
extern "C" {
#endif

/* Return the number of wide characters produced (not counting the NUL), or -1 on error. */
int websock_win_wprintf(const wchar_t *format, ...);
int websock_win_fwprintf(FILE *stream, const wchar_t *format, ...);
int websock_win_vwprintf(const wchar_t *format, va_list arguments);
int websock_win_vfwprintf(FILE *stream, const wchar_t *format, va_list arguments);
/* At most count wide characters including the NUL; -1 (and a NUL-terminated prefix) if more. */
int websock_win_swprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);
int websock_win_vswprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list arguments);

#ifdef __cplusplus
}
/* std::wprintf(...) expands to std::websock_win_wprintf(...); let that name be found there too. */
namespace std {
using ::websock_win_fwprintf;
using ::websock_win_swprintf;
using ::websock_win_vfwprintf;
using ::websock_win_vswprintf;
using ::websock_win_vwprintf;
using ::websock_win_wprintf;
}  // namespace std
#endif

/*
 * Function-like, so that only calls are redirected: declarations the C library makes later
 * (<cwchar>'s using-declarations) and taking a function's address are left alone.
 */
#define wprintf(...) websock_win_wprintf(__VA_ARGS__)
#define fwprintf(...) websock_win_fwprintf(__VA_ARGS__)
#define vwprintf(...) websock_win_vwprintf(__VA_ARGS__)
#define vfwprintf(...) websock_win_vfwprintf(__VA_ARGS__)
#define swprintf(...) websock_win_swprintf(__VA_ARGS__)
#define vswprintf(...) websock_win_vswprintf(__VA_ARGS__)
#define wprintf_s(...) websock_win_wprintf(__VA_ARGS__)
#define fwprintf_s(...) websock_win_fwprintf(__VA_ARGS__)

#endif /* _CRT_STDIO_ISO_WIDE_SPECIFIERS */

#endif /* WEBSOCK_WIN_WPRINTF_H */

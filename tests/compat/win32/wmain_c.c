/* A C program whose entry point is `int __cdecl wmain(int argc, wchar_t *argv[])`: websock_wmain's
 * main calls it with the command line in wide characters. ctest runs it as
 *   win32_wmain_c alpha "<e-acute> <u-umlaut>" ""
 * in the C.UTF-8 locale; the program itself starts in the "C" locale, as on Windows. */
#include <Windows.h>
#include <StdIo.h>

#include <locale.h>
#include <string.h>
#include <wchar.h>

static int failures = 0;

static void expect(int condition, const wchar_t *what) {
  if (!condition) {
    wprintf(L"FAILED: %s\n", what);
    ++failures;
  }
}

int __cdecl wmain(int argc, wchar_t *argv[]) {
  expect(argc == 4, L"argc");
  if (argc == 4) {
    expect(wcsstr(argv[0], L"win32_wmain_c") != NULL, L"argv[0] is the program");
    expect(wcscmp(argv[1], L"alpha") == 0, L"argv[1]");
    expect(wcscmp(argv[2], L"\u00e9 \u00fc") == 0, L"argv[2] decoded from UTF-8");
    expect(argv[3][0] == L'\0', L"argv[3] empty");
    expect(argv[4] == NULL, L"argv ends with NULL");
  }
  expect(strcmp(setlocale(LC_CTYPE, NULL), "C") == 0, L"the program starts in the C locale");
  wprintf(L"wmain received %d arguments, the first %s\n", argc, argc > 1 ? argv[1] : L"-");
  return failures == 0 ? 0 : 1;
}

/* Every spelling of a header that Windows programs write, on a case-sensitive file system:
 * each mixed-case name in include/win reaches the header it stands for, as C99 and (through
 * header_spellings.cpp) as C++, with -pedantic-errors, and the unknown pragmas Windows sources
 * carry do not break the build (websock_compat turns -Wunknown-pragmas off for its users). */
#include <Windows.h>
#include <WinHttp.h>
#include <Websocket.h>
#include <WebSocket.h>
#include <WinError.h>
#include <TChar.h>
#include <TCHAR.h>
#include <StdIo.h>
#include <StdLib.h>
#include <Assert.h>
#include <String.h>
#include <WChar.h>
#include <Math.h>
#include <StdDef.h>
#include <StdArg.h>
#include <StdInt.h>
#include <Time.h>
#include <Errno.h>
#include <Limits.h>
#include <Malloc.h>
#include <Memory.h>

#pragma comment(lib, "websocket.lib")
#pragma warning(disable : 4996)

#define HSP_CHECK(name, condition) typedef char hsp_check_##name[(condition) ? 1 : -1]

/* One name from each header, so a forwarder reaching the wrong file fails the build. */
HSP_CHECK(windows_h, WEBSOCK_WIN_SHIM == 1);
HSP_CHECK(winhttp_h, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET == 114);
HSP_CHECK(websocket_h, WEB_SOCKET_MAX_CLOSE_REASON_LENGTH == 123);
HSP_CHECK(winerror_h, ERROR_INVALID_OPERATION == 4317);
HSP_CHECK(tchar_h, sizeof(_TCHAR) == sizeof(char)); /* no _UNICODE in this file */
HSP_CHECK(stdlib_h, EXIT_FAILURE != 0 && __min(2, 3) == 2 && __max(2, 3) == 3);
HSP_CHECK(limits_h, INT_MAX > 0);
HSP_CHECK(stdint_h, sizeof(int32_t) == 4);
HSP_CHECK(stddef_h, sizeof(size_t) == sizeof(void *));

static int failures = 0;

static void expect(int condition, const char *what) {
  if (!condition) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

static int __cdecl windows_calling_convention(void) { return 1; }

int main(void) {
  WCHAR wide[32];
  TCHAR text[] = TEXT("abc");
  time_t now = time(NULL);
  void *memory = malloc(8);
  double huge = HUGE_VAL;
  assert(memory != NULL);
  errno = 0;
  expect(swprintf(wide, ARRAYSIZE(wide), L"%s-%S", L"wide", "narrow") == 11, "StdIo.h: swprintf");
  expect(wcscmp(wide, L"wide-narrow") == 0, "StdIo.h: the Windows meaning of %s and %S");
  expect(strlen(text) == 3, "String.h: strlen");
  expect(now != (time_t)-1 && errno == 0, "Time.h, Errno.h");
  expect(huge > 1e308, "Math.h: HUGE_VAL");
  expect(windows_calling_convention() == 1, "__cdecl");
  free(memory);
  return failures == 0 ? 0 : 1;
}

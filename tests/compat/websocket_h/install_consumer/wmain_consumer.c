/* A C program for Windows whose entry point is wmain, built against the installed package
 * (websock::websock_wmain, or pkg-config websock-wmain) with -Werror: the unknown pragma must not
 * fail it, and wprintf must give %s the Windows meaning. */
#include <Windows.h>
#include <StdIo.h>

#pragma comment(lib, "websocket.lib")

int __cdecl wmain(int argc, wchar_t *argv[]) {
  WCHAR line[64];
  swprintf(line, ARRAYSIZE(line), L"%s", L"wide");
  wprintf(L"wmain consumer: %s, %d argument(s)\n", line, argc);
  return argc >= 1 && argv[0] != NULL && wcscmp(line, L"wide") == 0 ? 0 : 1;
}

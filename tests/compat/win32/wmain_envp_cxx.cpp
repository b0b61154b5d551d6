// A C++ program whose entry point takes the environment too,
// `int wmain(int argc, wchar_t* argv[], wchar_t* envp[])`; ctest sets WEBSOCK_WMAIN_MARKER=ok.
#include <Windows.h>
#include <StdIo.h>

#include <cwchar>

int wmain(int argc, wchar_t* argv[], wchar_t* envp[])
{
    bool found = false;
    for (wchar_t** entry = envp; *entry != NULL; ++entry)
    {
        if (std::wcscmp(*entry, L"WEBSOCK_WMAIN_MARKER=ok") == 0) found = true;
    }
    wprintf(L"wmain(argc, argv, envp): %d argument(s), marker %s\n", argc, found ? L"found" : L"missing");
    return argc == 1 && argv[1] == NULL && found ? 0 : 1;
}

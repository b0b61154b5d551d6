// A C++ program written for the generic-text mappings, built with UNICODE (which brings
// _UNICODE): _tmain is wmain(int, wchar_t**), _TCHAR and TCHAR are wchar_t, _T("x") is L"x".
// ctest runs it as `win32_tmain_cxx beta`.
#define UNICODE
#include <Windows.h>
#include <TChar.h>

#include <type_traits>

static_assert(std::is_same_v<TCHAR, wchar_t> && std::is_same_v<_TCHAR, wchar_t>, "UNICODE makes TCHAR wide");

int _tmain(int argc, _TCHAR* argv[])
{
    int failures = 0;
    if (argc != 2 || _tcscmp(argv[1], _T("beta")) != 0 || _tcslen(argv[1]) != 4) failures++;
    if (_tcscmp(TEXT("same"), _TEXT("same")) != 0) failures++;
    _tprintf(_T("_tmain received %s\n"), argc > 1 ? argv[1] : _T("nothing"));
    return failures == 0 ? 0 : 1;
}

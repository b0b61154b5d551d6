// Command-line parsing shared by winhttp_echo and winhttp_async_echo (see echo_arguments.h).
#include "echo_arguments.h"

#include <StdIo.h>
#include <WChar.h>

static void PrintUsage(_In_z_ const wchar_t* program, _In_ BOOL acceptMessage)
{
    wprintf(L"usage: %s [-s] [-k] [-p proxyhost:port] host port path%s\n",
            program, acceptMessage ? L" [message]" : L"");
}

BOOL ParseEchoArguments(
    _In_ int argc,
    _In_reads_(argc) wchar_t* argv[],
    _In_ BOOL acceptMessage,
    _Out_ EchoArguments* arguments)
{
    ZeroMemory(arguments, sizeof(*arguments));
    const wchar_t* program = argc > 0 ? argv[0] : L"echo";
    int next = 1;
    for (; next < argc && argv[next][0] == L'-'; next++)
    {
        if (wcscmp(argv[next], L"-s") == 0)
        {
            arguments->secure = TRUE;
        }
        else if (wcscmp(argv[next], L"-k") == 0)
        {
            arguments->ignoreCertificateErrors = TRUE;
        }
        else if (wcscmp(argv[next], L"-p") == 0 && next + 1 < argc)
        {
            arguments->proxy = argv[++next];
        }
        else
        {
            wprintf(L"unknown option %s\n", argv[next]);
            PrintUsage(program, acceptMessage);
            return FALSE;
        }
    }

    int positional = argc - next;
    if (positional < 3 || positional > (acceptMessage ? 4 : 3))
    {
        PrintUsage(program, acceptMessage);
        return FALSE;
    }

    wchar_t* end = NULL;
    unsigned long port = wcstoul(argv[next + 1], &end, 10);
    if (end == argv[next + 1] || *end != L'\0' || port == 0 || port > 65535)
    {
        wprintf(L"bad port %s\n", argv[next + 1]);
        return FALSE;
    }

    arguments->host = argv[next];
    arguments->port = (INTERNET_PORT)port;
    arguments->path = argv[next + 2];
    arguments->message = positional == 4 ? argv[next + 3] : NULL;
    return TRUE;
}

DWORD EchoAccessType(_In_ const EchoArguments* arguments)
{
    return arguments->proxy != NULL ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY;
}

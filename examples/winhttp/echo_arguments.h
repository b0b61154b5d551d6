// The command line both WinHTTP echo examples take:
//
//   [-s] [-k] [-p proxyhost:port] host port path [message]
//
//   -s  wss:// (WINHTTP_FLAG_SECURE on the request)
//   -k  accept an unknown CA, a wrong name, an expired or wrong-usage certificate
//       (WINHTTP_OPTION_SECURITY_FLAGS)
//   -p  through this HTTP proxy (WINHTTP_ACCESS_TYPE_NAMED_PROXY)
#pragma once

#include <Windows.h>
#include <WinHttp.h>

struct EchoArguments
{
    BOOL secure;
    BOOL ignoreCertificateErrors;
    LPCWSTR proxy;          // NULL: no proxy
    LPCWSTR host;
    INTERNET_PORT port;
    LPCWSTR path;
    LPCWSTR message;        // NULL when not given (or not accepted)
};

// FALSE, after printing the usage line, if the arguments do not fit. acceptMessage: whether the
// optional last argument is allowed.
BOOL ParseEchoArguments(
    _In_ int argc,
    _In_reads_(argc) wchar_t* argv[],
    _In_ BOOL acceptMessage,
    _Out_ EchoArguments* arguments);

// WinHttpOpen's access type and proxy name for these arguments.
DWORD EchoAccessType(_In_ const EchoArguments* arguments);

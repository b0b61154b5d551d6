// winhttp_echo: a synchronous WinHTTP WebSocket client, written as a Windows program is, that
// follows the steps of Microsoft's WinhttpWebsocket sample: open a session, connect, open a
// request, ask for the WebSocket upgrade, send it, receive the response, check for 101, complete
// the upgrade and close the request handle, send one binary message, receive its echo (piece by
// piece until the *_MESSAGE buffer type), close with 1000 and a reason, and query the server's
// close status. Unlike the sample it takes its target on the command line (echo_arguments.h) and
// checks the echo byte for byte.
//
//   winhttp_echo [-s] [-k] [-p proxyhost:port] host port path [message]
//
// A response other than 101 has its status and body printed. Exit status 0 only if the echo
// matched and the close status was read.
#include <Windows.h>
#include <WinHttp.h>
#include <StdIo.h>
#include <StdLib.h>
#include <String.h>
#include <WChar.h>

#include "echo_arguments.h"
#include "escaped_output.h"

#pragma comment(lib, "winhttp.lib")

// Reason sent with our close frame (UTF-8, at most WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH).
static const char CloseReason[] = "winhttp_echo done";

// Prints the status and the body of a response that did not upgrade, read with
// WinHttpQueryDataAvailable and WinHttpReadData.
static void PrintRefusedResponse(_In_ HINTERNET hRequest, _In_ DWORD dwStatusCode)
{
    wprintf(L"The server answered %lu instead of 101; its body:\n", dwStatusCode);
    for (;;)
    {
        DWORD dwAvailable = 0;
        if (!WinHttpQueryDataAvailable(hRequest, &dwAvailable))
        {
            wprintf(L"\nWinHttpQueryDataAvailable failed: %lu\n", GetLastError());
            return;
        }
        if (dwAvailable == 0)
        {
            break;
        }
        BYTE* pbChunk = (BYTE*)malloc(dwAvailable);
        if (pbChunk == NULL)
        {
            wprintf(L"\nout of memory\n");
            return;
        }
        DWORD dwRead = 0;
        BOOL fRead = WinHttpReadData(hRequest, pbChunk, dwAvailable, &dwRead);
        if (fRead)
        {
            PrintEscapedBytes(pbChunk, dwRead);
        }
        else
        {
            wprintf(L"\nWinHttpReadData failed: %lu\n", GetLastError());
        }
        free(pbChunk);
        if (!fRead || dwRead == 0)
        {
            break;
        }
    }
    wprintf(L"\n");
}

int __cdecl wmain(int argc, wchar_t* argv[])
{
    EchoArguments args;
    if (!ParseEchoArguments(argc, argv, TRUE, &args))
    {
        return 2;
    }
    const WCHAR* pcwszMessage = args.message != NULL ? args.message : L"Hello world";
    // The message goes as binary, its WCHARs as they are in memory, as the Microsoft sample does
    // (4 bytes a character here, 2 on Windows); the echo must come back byte for byte.
    const DWORD cdwMessageLength = (DWORD)(wcslen(pcwszMessage) * sizeof(WCHAR));

    DWORD dwError = ERROR_SUCCESS;
    BOOL fEchoMatched = FALSE;
    BOOL fCloseStatusRead = FALSE;
    HINTERNET hSession = NULL;
    HINTERNET hConnect = NULL;
    HINTERNET hRequest = NULL;
    HINTERNET hWebSocket = NULL;
    // One byte more than was sent, so that an echo longer than the message is noticed.
    DWORD cbBuffer = cdwMessageLength + 1;
    BYTE* pbBuffer = (BYTE*)malloc(cbBuffer);
    BYTE* pbNext = pbBuffer;
    DWORD cbLeft = cbBuffer;
    DWORD cbReceived = 0;
    DWORD dwBytesTransferred = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;
    USHORT usStatus = 0;
    BYTE rgbCloseReason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
    DWORD dwCloseReasonLength = 0;
    DWORD dwStatusCode = 0;
    DWORD cbStatusCode = sizeof(dwStatusCode);

    if (pbBuffer == NULL)
    {
        wprintf(L"out of memory\n");
        return 1;
    }

    hSession = WinHttpOpen(L"websock winhttp_echo",
                           EchoAccessType(&args),
                           args.proxy != NULL ? args.proxy : WINHTTP_NO_PROXY_NAME,
                           WINHTTP_NO_PROXY_BYPASS,
                           0);
    if (hSession == NULL)
    {
        dwError = GetLastError();
        wprintf(L"WinHttpOpen failed: %lu\n", dwError);
        goto quit;
    }

    // Resolve, connect, send and receive: a dead server is an error here, not a hang.
    if (!WinHttpSetTimeouts(hSession, 10000, 10000, 10000, 10000))
    {
        dwError = GetLastError();
        wprintf(L"WinHttpSetTimeouts failed: %lu\n", dwError);
        goto quit;
    }

    hConnect = WinHttpConnect(hSession, args.host, args.port, 0);
    if (hConnect == NULL)
    {
        dwError = GetLastError();
        wprintf(L"WinHttpConnect failed: %lu\n", dwError);
        goto quit;
    }

    hRequest = WinHttpOpenRequest(hConnect,
                                  L"GET",
                                  args.path,
                                  NULL,
                                  WINHTTP_NO_REFERER,
                                  WINHTTP_DEFAULT_ACCEPT_TYPES,
                                  args.secure ? WINHTTP_FLAG_SECURE : 0);
    if (hRequest == NULL)
    {
        dwError = GetLastError();
        wprintf(L"WinHttpOpenRequest failed: %lu\n", dwError);
        goto quit;
    }

    if (args.ignoreCertificateErrors)
    {
        DWORD dwSecurityFlags = SECURITY_FLAG_IGNORE_UNKNOWN_CA |
                                SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
                                SECURITY_FLAG_IGNORE_CERT_DATE_INVALID |
                                SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
        if (!WinHttpSetOption(hRequest, WINHTTP_OPTION_SECURITY_FLAGS, &dwSecurityFlags, sizeof(dwSecurityFlags)))
        {
            dwError = GetLastError();
            wprintf(L"WinHttpSetOption(WINHTTP_OPTION_SECURITY_FLAGS) failed: %lu\n", dwError);
            goto quit;
        }
    }

#pragma prefast(suppress:6387, "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET takes no buffer.")
    if (!WinHttpSetOption(hRequest, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
    {
        dwError = GetLastError();
        wprintf(L"WinHttpSetOption(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET) failed: %lu\n", dwError);
        goto quit;
    }

    if (!WinHttpSendRequest(hRequest, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0))
    {
        dwError = GetLastError();
        wprintf(L"WinHttpSendRequest failed: %lu\n", dwError);
        goto quit;
    }

    if (!WinHttpReceiveResponse(hRequest, NULL))
    {
        dwError = GetLastError();
        wprintf(L"WinHttpReceiveResponse failed: %lu\n", dwError);
        goto quit;
    }

    if (!WinHttpQueryHeaders(hRequest,
                             WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX,
                             &dwStatusCode,
                             &cbStatusCode,
                             WINHTTP_NO_HEADER_INDEX))
    {
        dwError = GetLastError();
        wprintf(L"WinHttpQueryHeaders(WINHTTP_QUERY_STATUS_CODE) failed: %lu\n", dwError);
        goto quit;
    }

    if (dwStatusCode != HTTP_STATUS_SWITCH_PROTOCOLS)
    {
        PrintRefusedResponse(hRequest, dwStatusCode);
        dwError = ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
        goto quit;
    }

    hWebSocket = WinHttpWebSocketCompleteUpgrade(hRequest, 0);
    if (hWebSocket == NULL)
    {
        dwError = GetLastError();
        wprintf(L"WinHttpWebSocketCompleteUpgrade failed: %lu\n", dwError);
        goto quit;
    }

    // From here on the websocket handle owns the connection; the request handle can go.
    WinHttpCloseHandle(hRequest);
    hRequest = NULL;
    wprintf(L"Upgraded to a WebSocket (%s://%s:%u%s%s%s)\n",
            args.secure ? L"wss" : L"ws", args.host, (unsigned)args.port, args.path,
            args.proxy != NULL ? L" through " : L"", args.proxy != NULL ? args.proxy : L"");

    dwError = WinHttpWebSocketSend(hWebSocket,
                                   WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE,
                                   (PVOID)pcwszMessage,
                                   cdwMessageLength);
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketSend failed: %lu\n", dwError);
        goto quit;
    }
    wprintf(L"Sent '%s' (%lu bytes)\n", pcwszMessage, cdwMessageLength);

    // The echo may arrive in pieces: BINARY_FRAGMENT until the one that ends the message.
    do
    {
        if (cbLeft == 0)
        {
            wprintf(L"The echo is longer than the %lu bytes sent\n", cdwMessageLength);
            dwError = ERROR_INVALID_DATA;
            goto quit;
        }
        dwError = WinHttpWebSocketReceive(hWebSocket, pbNext, cbLeft, &dwBytesTransferred, &eBufferType);
        if (dwError != ERROR_SUCCESS)
        {
            wprintf(L"WinHttpWebSocketReceive failed: %lu\n", dwError);
            goto quit;
        }
        pbNext += dwBytesTransferred;
        cbLeft -= dwBytesTransferred;
        cbReceived += dwBytesTransferred;
    } while (eBufferType == WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);

    if (eBufferType != WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE)
    {
        wprintf(L"Expected a binary message back, got buffer type %d\n", (int)eBufferType);
        dwError = ERROR_INVALID_DATA;
        goto quit;
    }
    if (cbReceived != cdwMessageLength || memcmp(pbBuffer, pcwszMessage, cdwMessageLength) != 0)
    {
        wprintf(L"The echo (%lu bytes) differs from the message sent (%lu bytes)\n", cbReceived, cdwMessageLength);
        dwError = ERROR_INVALID_DATA;
        goto quit;
    }
    fEchoMatched = TRUE;
    wprintf(L"Received the same %lu bytes back\n", cbReceived);

    dwError = WinHttpWebSocketClose(hWebSocket,
                                    WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
                                    (PVOID)CloseReason,
                                    (DWORD)strlen(CloseReason));
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketClose failed: %lu\n", dwError);
        goto quit;
    }

    dwError = WinHttpWebSocketQueryCloseStatus(hWebSocket,
                                               &usStatus,
                                               rgbCloseReason,
                                               ARRAYSIZE(rgbCloseReason),
                                               &dwCloseReasonLength);
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketQueryCloseStatus failed: %lu\n", dwError);
        goto quit;
    }
    fCloseStatusRead = TRUE;
    wprintf(L"The server closed with status %u and reason '", (unsigned)usStatus);
    PrintEscapedBytes(rgbCloseReason, dwCloseReasonLength);
    wprintf(L"'\n");

quit:
    if (hRequest != NULL)
    {
        WinHttpCloseHandle(hRequest);
    }
    if (hWebSocket != NULL)
    {
        WinHttpCloseHandle(hWebSocket);
    }
    if (hConnect != NULL)
    {
        WinHttpCloseHandle(hConnect);
    }
    if (hSession != NULL)
    {
        WinHttpCloseHandle(hSession);
    }
    free(pbBuffer);

    if (dwError != ERROR_SUCCESS || !fEchoMatched || !fCloseStatusRead)
    {
        wprintf(L"winhttp_echo failed with error %lu\n", dwError);
        return 1;
    }
    wprintf(L"winhttp_echo succeeded\n");
    return 0;
}

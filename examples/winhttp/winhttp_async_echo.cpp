// winhttp_async_echo: the WinHTTP WebSocket echo of winhttp_echo.cpp over an asynchronous session,
// written as Windows programs write one: a WINHTTP_STATUS_CALLBACK copies what each notification
// carries into the program's state and sets an event; the main thread starts each operation and
// waits on those events (WaitForSingleObject, WaitForMultipleObjects), always also on the one a
// REQUEST_ERROR sets, and always with a time limit.
//
//   winhttp_async_echo [-s] [-k] [-p proxyhost:port] host port path
//
// Steps: SENDREQUEST_COMPLETE, HEADERS_AVAILABLE (a status other than 101: DATA_AVAILABLE and
// READ_COMPLETE through the body, which is printed), the upgrade, then for each message of a set
// of sizes (0 B to 100 KiB) and both types (UTF-8 and binary) a receive posted before the send so
// that both run at once: WRITE_COMPLETE, READ_COMPLETE piece by piece into a small buffer until the
// *_MESSAGE type, the echo compared byte for byte; then CLOSE_COMPLETE, the close status, and
// HANDLE_CLOSING of every handle before the program ends (the callback's context lives on this
// function's stack). Exit status 0 only if every echo matched and the close status was read.
#include <Windows.h>
#include <WinHttp.h>
#include <StdIo.h>
#include <StdLib.h>
#include <String.h>

#include "echo_arguments.h"
#include "escaped_output.h"

#pragma comment(lib, "winhttp.lib")

// Longest wait for any one step; a server or proxy that stops answering fails the program.
static const DWORD StepTimeoutMs = 15000;
// The receive buffer: smaller than the large messages, so that they arrive as *_FRAGMENT pieces.
static const DWORD ReceiveChunk = 4096;
static const char CloseReason[] = "winhttp_async_echo done";

// ------------------------------------------------------------------ state shared with the callback

struct AsyncEcho
{
    HINTERNET hSession;

    // One auto-reset event per completion the main thread waits for.
    HANDLE hSendRequestComplete;
    HANDLE hHeadersAvailable;
    HANDLE hDataAvailable;
    HANDLE hBodyReadComplete;
    HANDLE hReadComplete;
    HANDLE hWriteComplete;
    HANDLE hCloseComplete;
    HANDLE hRequestError;
    HANDLE hAllHandlesClosed;  // manual-reset: set when the last handle's HANDLE_CLOSING arrived

    // What the notifications carried, written before their event is set.
    DWORD dwBytesAvailable;                  // DATA_AVAILABLE
    DWORD dwBodyBytesRead;                   // READ_COMPLETE on the request
    WINHTTP_WEB_SOCKET_STATUS readStatus;    // READ_COMPLETE on the websocket
    WINHTTP_WEB_SOCKET_STATUS writeStatus;   // WRITE_COMPLETE
    BOOL fWebSocketError;                    // REQUEST_ERROR: which handle, which call, which error
    DWORD_PTR dwErrorApi;
    DWORD dwError;
    int errorOperation;
    DWORD dwSecureFailureFlags;              // SECURE_FAILURE, reported with the error it precedes

    CRITICAL_SECTION lock;  // guards openHandles
    LONG openHandles;
};

enum HandleKind
{
    SessionHandles,  // the session and the connect handle, which inherits its context
    RequestHandle,
    WebSocketHandle
};

// The context value of a handle: which one the notification is about, and the shared state.
struct HandleContext
{
    AsyncEcho* echo;
    HandleKind kind;
};

static void HandleOpened(_Inout_ AsyncEcho* echo)
{
    EnterCriticalSection(&echo->lock);
    echo->openHandles++;
    LeaveCriticalSection(&echo->lock);
}

static void HandleClosing(_Inout_ AsyncEcho* echo)
{
    EnterCriticalSection(&echo->lock);
    BOOL fLast = --echo->openHandles == 0;
    LeaveCriticalSection(&echo->lock);
    if (fLast)
    {
        SetEvent(echo->hAllHandlesClosed);
    }
}

// ------------------------------------------------------------------ the status callback

static VOID CALLBACK EchoCallback(
    _In_ HINTERNET hInternet,
    _In_ DWORD_PTR dwContext,
    _In_ DWORD dwInternetStatus,
    _In_ LPVOID lpvStatusInformation,
    _In_ DWORD dwStatusInformationLength)
{
    UNREFERENCED_PARAMETER(hInternet);
    HandleContext* context = (HandleContext*)dwContext;
    if (context == NULL)
    {
        return;  // a handle we never gave a context: nothing of ours to update
    }
    AsyncEcho* echo = context->echo;

    switch (dwInternetStatus)
    {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        SetEvent(echo->hSendRequestComplete);
        break;

    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        SetEvent(echo->hHeadersAvailable);
        break;

    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        echo->dwBytesAvailable = *(DWORD*)lpvStatusInformation;
        SetEvent(echo->hDataAvailable);
        break;

    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (context->kind == WebSocketHandle)
        {
            echo->readStatus = *(WINHTTP_WEB_SOCKET_STATUS*)lpvStatusInformation;
            SetEvent(echo->hReadComplete);
        }
        else
        {
            // A request's READ_COMPLETE: the data is in our buffer, its length is the count.
            echo->dwBodyBytesRead = dwStatusInformationLength;
            SetEvent(echo->hBodyReadComplete);
        }
        break;

    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        echo->writeStatus = *(WINHTTP_WEB_SOCKET_STATUS*)lpvStatusInformation;
        SetEvent(echo->hWriteComplete);
        break;

    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        SetEvent(echo->hCloseComplete);
        break;

    case WINHTTP_CALLBACK_STATUS_SECURE_FAILURE:
        echo->dwSecureFailureFlags = *(DWORD*)lpvStatusInformation;
        break;

    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        if (context->kind == WebSocketHandle)
        {
            WINHTTP_WEB_SOCKET_ASYNC_RESULT* result = (WINHTTP_WEB_SOCKET_ASYNC_RESULT*)lpvStatusInformation;
            echo->fWebSocketError = TRUE;
            echo->dwErrorApi = result->AsyncResult.dwResult;
            echo->dwError = result->AsyncResult.dwError;
            echo->errorOperation = (int)result->Operation;
        }
        else
        {
            WINHTTP_ASYNC_RESULT* result = (WINHTTP_ASYNC_RESULT*)lpvStatusInformation;
            echo->fWebSocketError = FALSE;
            echo->dwErrorApi = result->dwResult;
            echo->dwError = result->dwError;
        }
        SetEvent(echo->hRequestError);
        break;

    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        HandleClosing(echo);  // no callback for this handle follows
        break;

    default:
        break;
    }
}

// ------------------------------------------------------------------ waiting

static void PrintRequestError(_In_ const AsyncEcho* echo)
{
    if (echo->fWebSocketError)
    {
        wprintf(L"REQUEST_ERROR on the websocket: operation %d, error %lu\n", echo->errorOperation, echo->dwError);
    }
    else
    {
        wprintf(L"REQUEST_ERROR on the request: API %lu, error %lu\n", (DWORD)echo->dwErrorApi, echo->dwError);
    }
    if (echo->dwSecureFailureFlags != 0)
    {
        wprintf(L"SECURE_FAILURE flags 0x%08lX\n", echo->dwSecureFailureFlags);
    }
}

// Waits for hCompletion, or a REQUEST_ERROR, or the step's time limit. TRUE only for the first.
static BOOL WaitForCompletion(_In_ AsyncEcho* echo, _In_ HANDLE hCompletion, _In_z_ const wchar_t* what)
{
    HANDLE handles[2] = { hCompletion, echo->hRequestError };
    DWORD dwWait = WaitForMultipleObjects(ARRAYSIZE(handles), handles, FALSE, StepTimeoutMs);
    switch (dwWait)
    {
    case WAIT_OBJECT_0:
        return TRUE;
    case WAIT_OBJECT_0 + 1:
        wprintf(L"Waiting for %s: ", what);
        PrintRequestError(echo);
        return FALSE;
    case WAIT_TIMEOUT:
        wprintf(L"Waiting for %s: no notification within %lu ms\n", what, StepTimeoutMs);
        return FALSE;
    default:
        wprintf(L"Waiting for %s: WaitForMultipleObjects failed: %lu\n", what, GetLastError());
        return FALSE;
    }
}

// ------------------------------------------------------------------ the refused upgrade's body

static void PrintRefusedResponse(_In_ AsyncEcho* echo, _In_ HINTERNET hRequest, _In_ DWORD dwStatusCode)
{
    wprintf(L"The server answered %lu instead of 101; its body:\n", dwStatusCode);
    BYTE rgbChunk[1024];
    for (;;)
    {
        if (!WinHttpQueryDataAvailable(hRequest, NULL))
        {
            wprintf(L"\nWinHttpQueryDataAvailable failed: %lu\n", GetLastError());
            return;
        }
        if (!WaitForCompletion(echo, echo->hDataAvailable, L"DATA_AVAILABLE") || echo->dwBytesAvailable == 0)
        {
            break;
        }
        DWORD cbToRead = echo->dwBytesAvailable < sizeof(rgbChunk) ? echo->dwBytesAvailable : (DWORD)sizeof(rgbChunk);
        // Asynchronously the count comes with READ_COMPLETE: the last argument must be NULL.
        if (!WinHttpReadData(hRequest, rgbChunk, cbToRead, NULL))
        {
            wprintf(L"\nWinHttpReadData failed: %lu\n", GetLastError());
            return;
        }
        if (!WaitForCompletion(echo, echo->hBodyReadComplete, L"READ_COMPLETE of the body") ||
            echo->dwBodyBytesRead == 0)
        {
            break;
        }
        PrintEscapedBytes(rgbChunk, echo->dwBodyBytesRead);
    }
    wprintf(L"\n");
}

// ------------------------------------------------------------------ the messages

struct TestMessage
{
    WINHTTP_WEB_SOCKET_BUFFER_TYPE eType;  // a *_MESSAGE type
    DWORD cbLength;
};

// Both types at each size: empty, one short frame, the 7-bit length limit and the first 16-bit
// length, 1 KiB, the first 64-bit length, and 100 KiB.
static const TestMessage Messages[] =
{
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 0 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 0 },
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 16 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 16 },
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 125 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 126 },
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 1024 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 1024 },
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 65536 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 65536 },
    { WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, 102400 },
    { WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 102400 },
};

// Valid UTF-8 of exactly cbLength bytes: "a", "é" (2 bytes) and "€" (3 bytes) repeated, ASCII at the end.
static void FillUtf8(_Out_writes_bytes_(cbLength) BYTE* pb, _In_ DWORD cbLength)
{
    static const BYTE Unit[] = { 'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC };
    DWORD i = 0;
    for (; i + sizeof(Unit) <= cbLength; i += sizeof(Unit))
    {
        memcpy(pb + i, Unit, sizeof(Unit));
    }
    for (; i < cbLength; i++)
    {
        pb[i] = (BYTE)('a' + i % 26);
    }
}

// Every byte value, in an order that differs from message to message.
static void FillBinary(_Out_writes_bytes_(cbLength) BYTE* pb, _In_ DWORD cbLength, _In_ DWORD dwSeed)
{
    DWORD state = dwSeed * 2654435761u + 1;
    for (DWORD i = 0; i < cbLength; i++)
    {
        state = state * 1103515245u + 12345u;
        pb[i] = (BYTE)(state >> 16);
    }
}

// The largest message, and the buffers every message uses. They belong to the caller and live
// until every handle is closed: after a failure a receive may still be pending on them.
static const DWORD MaxMessageLength = 102400;
static const DWORD ReceiveCapacity = MaxMessageLength + ReceiveChunk;  // a longer echo shows

// Sends one message while its echo is being received, then compares the two.
static BOOL EchoOneMessage(_In_ AsyncEcho* echo, _In_ HINTERNET hWebSocket, _In_ const TestMessage* message,
                           _In_ DWORD dwIndex, _Out_writes_bytes_(MaxMessageLength) BYTE* pbSent,
                           _Out_writes_bytes_(ReceiveCapacity) BYTE* pbReceived)
{
    const BOOL fUtf8 = message->eType == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
    const WINHTTP_WEB_SOCKET_BUFFER_TYPE eFragment =
        fUtf8 ? WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    const wchar_t* pwszType = fUtf8 ? L"UTF-8" : L"binary";
    BOOL fSent = FALSE;
    BOOL fEchoed = FALSE;
    DWORD cbReceived = 0;
    DWORD dwPieces = 0;
    DWORD dwError = ERROR_SUCCESS;
    DWORD dwIgnoredBytes = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE eIgnoredType = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;

    if (fUtf8)
    {
        FillUtf8(pbSent, message->cbLength);
    }
    else
    {
        FillBinary(pbSent, message->cbLength, dwIndex);
    }

    // The receive first: the echo can start arriving while the send is still being written. The
    // two out-parameters are not written asynchronously (the result comes with READ_COMPLETE).
    dwError = WinHttpWebSocketReceive(hWebSocket, pbReceived, ReceiveChunk, &dwIgnoredBytes, &eIgnoredType);
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketReceive failed: %lu\n", dwError);
        return FALSE;
    }
    // A zero-length message may be sent with a NULL buffer. The buffer stays untouched until
    // WRITE_COMPLETE.
    dwError = WinHttpWebSocketSend(hWebSocket, message->eType, message->cbLength != 0 ? pbSent : NULL,
                                   message->cbLength);
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketSend failed: %lu\n", dwError);
        return FALSE;
    }

    while (!fSent || !fEchoed)
    {
        HANDLE handles[3] = { echo->hWriteComplete, echo->hReadComplete, echo->hRequestError };
        DWORD dwWait = WaitForMultipleObjects(ARRAYSIZE(handles), handles, FALSE, StepTimeoutMs);
        if (dwWait == WAIT_OBJECT_0)
        {
            if (echo->writeStatus.dwBytesTransferred != message->cbLength || echo->writeStatus.eBufferType != message->eType)
            {
                wprintf(L"WRITE_COMPLETE reported %lu bytes of type %d for %lu of type %d\n",
                        echo->writeStatus.dwBytesTransferred, (int)echo->writeStatus.eBufferType,
                        message->cbLength, (int)message->eType);
                return FALSE;
            }
            fSent = TRUE;
        }
        else if (dwWait == WAIT_OBJECT_0 + 1)
        {
            WINHTTP_WEB_SOCKET_STATUS status = echo->readStatus;
            dwPieces++;
            if (status.eBufferType != message->eType && status.eBufferType != eFragment)
            {
                wprintf(L"READ_COMPLETE of type %d while echoing a %s message\n", (int)status.eBufferType, pwszType);
                return FALSE;
            }
            cbReceived += status.dwBytesTransferred;
            if (status.eBufferType == message->eType)
            {
                fEchoed = TRUE;
                continue;
            }
            // More of the message follows: receive it after what came so far.
            DWORD cbLeft = ReceiveCapacity - cbReceived;
            if (cbLeft == 0)
            {
                wprintf(L"The echo is longer than the %lu bytes sent\n", message->cbLength);
                return FALSE;
            }
            dwError = WinHttpWebSocketReceive(hWebSocket, pbReceived + cbReceived,
                                              cbLeft < ReceiveChunk ? cbLeft : ReceiveChunk,
                                              &dwIgnoredBytes, &eIgnoredType);
            if (dwError != ERROR_SUCCESS)
            {
                wprintf(L"WinHttpWebSocketReceive failed: %lu\n", dwError);
                return FALSE;
            }
        }
        else if (dwWait == WAIT_OBJECT_0 + 2)
        {
            PrintRequestError(echo);
            return FALSE;
        }
        else
        {
            wprintf(L"No WRITE_COMPLETE or READ_COMPLETE within %lu ms\n", StepTimeoutMs);
            return FALSE;
        }
    }

    if (cbReceived != message->cbLength || memcmp(pbReceived, pbSent, message->cbLength) != 0)
    {
        wprintf(L"The echo of the %lu-byte %s message differs (%lu bytes back)\n", message->cbLength, pwszType,
                cbReceived);
        return FALSE;
    }
    wprintf(L"Echoed a %lu-byte %s message (received in %lu piece%s)\n", message->cbLength, pwszType, dwPieces,
            dwPieces == 1 ? L"" : L"s");
    return TRUE;
}

// ------------------------------------------------------------------ the program

static BOOL CreateEvents(_Inout_ AsyncEcho* echo)
{
    HANDLE* autoReset[] = {
        &echo->hSendRequestComplete, &echo->hHeadersAvailable, &echo->hDataAvailable, &echo->hBodyReadComplete,
        &echo->hReadComplete, &echo->hWriteComplete, &echo->hCloseComplete, &echo->hRequestError,
    };
    for (DWORD i = 0; i < ARRAYSIZE(autoReset); i++)
    {
        *autoReset[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
        if (*autoReset[i] == NULL)
        {
            return FALSE;
        }
    }
    echo->hAllHandlesClosed = CreateEvent(NULL, TRUE, FALSE, NULL);
    return echo->hAllHandlesClosed != NULL;
}

static void CloseEvents(_Inout_ AsyncEcho* echo)
{
    HANDLE events[] = {
        echo->hSendRequestComplete, echo->hHeadersAvailable, echo->hDataAvailable, echo->hBodyReadComplete,
        echo->hReadComplete, echo->hWriteComplete, echo->hCloseComplete, echo->hRequestError,
        echo->hAllHandlesClosed,
    };
    for (DWORD i = 0; i < ARRAYSIZE(events); i++)
    {
        if (events[i] != NULL)
        {
            CloseHandle(events[i]);
        }
    }
}

int __cdecl wmain(int argc, wchar_t* argv[])
{
    EchoArguments args;
    if (!ParseEchoArguments(argc, argv, FALSE, &args))
    {
        return 2;
    }

    AsyncEcho echo;
    ZeroMemory(&echo, sizeof(echo));
    InitializeCriticalSection(&echo.lock);
    HandleContext sessionContext = { &echo, SessionHandles };
    HandleContext requestContext = { &echo, RequestHandle };
    HandleContext webSocketContext = { &echo, WebSocketHandle };
    DWORD_PTR sessionContextValue = (DWORD_PTR)&sessionContext;

    BOOL fAllEchoed = FALSE;
    BOOL fCloseStatusRead = FALSE;
    HINTERNET hConnect = NULL;
    HINTERNET hRequest = NULL;
    HINTERNET hWebSocket = NULL;
    DWORD dwError = ERROR_SUCCESS;
    DWORD dwStatusCode = 0;
    DWORD cbStatusCode = sizeof(dwStatusCode);
    USHORT usStatus = 0;
    BYTE rgbCloseReason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
    DWORD dwCloseReasonLength = 0;
    BYTE* pbSent = (BYTE*)malloc(MaxMessageLength);
    BYTE* pbReceived = (BYTE*)malloc(ReceiveCapacity);

    if (pbSent == NULL || pbReceived == NULL || !CreateEvents(&echo))
    {
        wprintf(L"out of memory\n");
        goto quit;
    }

    echo.hSession = WinHttpOpen(L"websock winhttp_async_echo",
                                EchoAccessType(&args),
                                args.proxy != NULL ? args.proxy : WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS,
                                WINHTTP_FLAG_ASYNC);
    if (echo.hSession == NULL)
    {
        wprintf(L"WinHttpOpen failed: %lu\n", GetLastError());
        goto quit;
    }
    HandleOpened(&echo);

    // The callback and the context go on the session before anything else is created from it, so
    // that the connect and request handles inherit both. ALL_COMPLETIONS has no CLOSE_COMPLETE bit;
    // Windows delivers it under this mask anyway, and .NET's WinHTTP client relies on that.
    if (WinHttpSetStatusCallback(echo.hSession,
                                 EchoCallback,
                                 WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES |
                                     WINHTTP_CALLBACK_FLAG_SECURE_FAILURE,
                                 0) == WINHTTP_INVALID_STATUS_CALLBACK)
    {
        wprintf(L"WinHttpSetStatusCallback failed: %lu\n", GetLastError());
        goto quit;
    }
    if (!WinHttpSetOption(echo.hSession, WINHTTP_OPTION_CONTEXT_VALUE, &sessionContextValue, sizeof(sessionContextValue)))
    {
        wprintf(L"WinHttpSetOption(WINHTTP_OPTION_CONTEXT_VALUE) failed: %lu\n", GetLastError());
        goto quit;
    }
    if (!WinHttpSetTimeouts(echo.hSession, 10000, 10000, 10000, 10000))
    {
        wprintf(L"WinHttpSetTimeouts failed: %lu\n", GetLastError());
        goto quit;
    }

    hConnect = WinHttpConnect(echo.hSession, args.host, args.port, 0);
    if (hConnect == NULL)
    {
        wprintf(L"WinHttpConnect failed: %lu\n", GetLastError());
        goto quit;
    }
    HandleOpened(&echo);

    hRequest = WinHttpOpenRequest(hConnect, L"GET", args.path, NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                  args.secure ? WINHTTP_FLAG_SECURE : 0);
    if (hRequest == NULL)
    {
        wprintf(L"WinHttpOpenRequest failed: %lu\n", GetLastError());
        goto quit;
    }
    HandleOpened(&echo);

    if (args.ignoreCertificateErrors)
    {
        DWORD dwSecurityFlags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
                                SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
        if (!WinHttpSetOption(hRequest, WINHTTP_OPTION_SECURITY_FLAGS, &dwSecurityFlags, sizeof(dwSecurityFlags)))
        {
            wprintf(L"WinHttpSetOption(WINHTTP_OPTION_SECURITY_FLAGS) failed: %lu\n", GetLastError());
            goto quit;
        }
    }

#pragma prefast(suppress:6387, "WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET takes no buffer.")
    if (!WinHttpSetOption(hRequest, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0))
    {
        wprintf(L"WinHttpSetOption(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET) failed: %lu\n", GetLastError());
        goto quit;
    }

    // From here on the request's notifications carry requestContext.
    if (!WinHttpSendRequest(hRequest, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0,
                            (DWORD_PTR)&requestContext))
    {
        wprintf(L"WinHttpSendRequest failed: %lu\n", GetLastError());
        goto quit;
    }
    if (!WaitForCompletion(&echo, echo.hSendRequestComplete, L"SENDREQUEST_COMPLETE"))
    {
        goto quit;
    }

    if (!WinHttpReceiveResponse(hRequest, NULL))
    {
        wprintf(L"WinHttpReceiveResponse failed: %lu\n", GetLastError());
        goto quit;
    }
    if (!WaitForCompletion(&echo, echo.hHeadersAvailable, L"HEADERS_AVAILABLE"))
    {
        goto quit;
    }

    // Querying headers is synchronous even on an asynchronous request.
    if (!WinHttpQueryHeaders(hRequest, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                             &dwStatusCode, &cbStatusCode, WINHTTP_NO_HEADER_INDEX))
    {
        wprintf(L"WinHttpQueryHeaders(WINHTTP_QUERY_STATUS_CODE) failed: %lu\n", GetLastError());
        goto quit;
    }
    if (dwStatusCode != HTTP_STATUS_SWITCH_PROTOCOLS)
    {
        PrintRefusedResponse(&echo, hRequest, dwStatusCode);
        goto quit;
    }

    // Synchronous too; the websocket handle's notifications carry webSocketContext.
    hWebSocket = WinHttpWebSocketCompleteUpgrade(hRequest, (DWORD_PTR)&webSocketContext);
    if (hWebSocket == NULL)
    {
        wprintf(L"WinHttpWebSocketCompleteUpgrade failed: %lu\n", GetLastError());
        goto quit;
    }
    HandleOpened(&echo);
    WinHttpCloseHandle(hRequest);
    hRequest = NULL;
    wprintf(L"Upgraded to a WebSocket (%s://%s:%u%s%s%s), asynchronously\n",
            args.secure ? L"wss" : L"ws", args.host, (unsigned)args.port, args.path,
            args.proxy != NULL ? L" through " : L"", args.proxy != NULL ? args.proxy : L"");

    fAllEchoed = TRUE;
    for (DWORD i = 0; i < ARRAYSIZE(Messages) && fAllEchoed; i++)
    {
        fAllEchoed = EchoOneMessage(&echo, hWebSocket, &Messages[i], i, pbSent, pbReceived);
    }
    if (!fAllEchoed)
    {
        goto quit;
    }

    dwError = WinHttpWebSocketClose(hWebSocket, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, (PVOID)CloseReason,
                                    (DWORD)strlen(CloseReason));
    if (dwError != ERROR_SUCCESS)
    {
        wprintf(L"WinHttpWebSocketClose failed: %lu\n", dwError);
        goto quit;
    }
    if (!WaitForCompletion(&echo, echo.hCloseComplete, L"CLOSE_COMPLETE"))
    {
        goto quit;
    }

    dwError = WinHttpWebSocketQueryCloseStatus(hWebSocket, &usStatus, rgbCloseReason, ARRAYSIZE(rgbCloseReason),
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
    // Every handle closed, then every HANDLE_CLOSING awaited: the contexts above are on this stack
    // and the buffers may still be in use by a cancelled operation until then.
    if (hWebSocket != NULL)
    {
        WinHttpCloseHandle(hWebSocket);
    }
    if (hRequest != NULL)
    {
        WinHttpCloseHandle(hRequest);
    }
    if (hConnect != NULL)
    {
        WinHttpCloseHandle(hConnect);
    }
    if (echo.hSession != NULL)
    {
        WinHttpCloseHandle(echo.hSession);
        if (echo.hAllHandlesClosed != NULL && WaitForSingleObject(echo.hAllHandlesClosed, StepTimeoutMs) != WAIT_OBJECT_0)
        {
            wprintf(L"Not every HANDLE_CLOSING arrived within %lu ms\n", StepTimeoutMs);
            fCloseStatusRead = FALSE;
        }
    }
    CloseEvents(&echo);
    DeleteCriticalSection(&echo.lock);
    free(pbSent);
    free(pbReceived);

    if (!fAllEchoed || !fCloseStatusRead)
    {
        wprintf(L"winhttp_async_echo failed\n");
        return 1;
    }
    wprintf(L"winhttp_async_echo succeeded: %lu messages echoed\n", (DWORD)ARRAYSIZE(Messages));
    return 0;
}

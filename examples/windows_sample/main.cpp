// A websocket.h program written as Windows programs are: the header spellings of the Microsoft
// samples (<Windows.h>, <Websocket.h>, <StdIo.h>, <Assert.h>), SAL annotations, a
// CRITICAL_SECTION-guarded transport, wprintf with %s (wide) and %.*S (narrow, not NUL-terminated),
// #pragma comment and prefast, and the entry point `int __cdecl wmain()` that websock_wmain calls.
//
// A client handle and a server handle run against each other over two in-memory pipes: handshake,
// a text message client to server, a binary one back, then the client's close. Everything that
// arrives is checked; the exit status is 0 only if all of it matched.
#include <Windows.h>
#include <Websocket.h>
#include <StdIo.h>
#include <StdLib.h>
#include <Assert.h>

#include "memory_pipe.h"

#pragma comment(lib, "websocket.lib")

static int failures = 0;

static void Check(_In_ BOOL condition, _In_z_ const wchar_t* what)
{
    if (!condition)
    {
        wprintf(L"FAILED: %s\n", what);
        failures++;
    }
}

// What one completed receive delivered.
struct Received
{
    BOOL done;
    WEB_SOCKET_BUFFER_TYPE type;
    BYTE data[256];
    ULONG length;
    USHORT closeStatus;
};

// Prints the headers, and checks that %.*S printed exactly the bytes of each name and value,
// which are not NUL-terminated.
static void ShowHeaders(
    _In_z_ const wchar_t* title,
    _In_reads_(count) const WEB_SOCKET_HTTP_HEADER* headers,
    _In_ ULONG count)
{
    wprintf(L"-- %s --\n", title);
    for (ULONG i = 0; i < count; i++)
    {
        WCHAR line[512];
        int length = swprintf(line, ARRAYSIZE(line), L"%.*S: %.*S",
                              headers[i].ulNameLength, headers[i].pcName,
                              headers[i].ulValueLength, headers[i].pcValue);
        Check(length == (int)(headers[i].ulNameLength + 2 + headers[i].ulValueLength), L"header line length");
        for (ULONG j = 0; length > 0 && j < headers[i].ulNameLength; j++)
        {
            Check(line[j] == (WCHAR)(BYTE)headers[i].pcName[j], L"header name printed by %.*S");
        }
        wprintf(L"%s\n", line);
    }
}

// Runs the handle's actions until it has none: frames it sends go into `outgoing`, reads come
// from `incoming`, and a completed receive is copied to *received.
static HRESULT Pump(
    _In_ WEB_SOCKET_HANDLE handle,
    _In_ MemoryPipe* incoming,
    _In_ MemoryPipe* outgoing,
    _Out_opt_ Received* received)
{
    for (;;)
    {
        WEB_SOCKET_BUFFER buffers[2];
        ULONG bufferCount = ARRAYSIZE(buffers);
        WEB_SOCKET_ACTION action;
        WEB_SOCKET_BUFFER_TYPE bufferType;
        PVOID actionContext = NULL;
        ULONG transferred = 0;
        ZeroMemory(buffers, sizeof(buffers));

        HRESULT hr = WebSocketGetAction(handle, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &bufferCount,
                                        &action, &bufferType, NULL, &actionContext);
        if (FAILED(hr))
        {
            return hr;
        }

        switch (action)
        {
        case WEB_SOCKET_NO_ACTION:
            return S_OK;

        case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
            for (ULONG i = 0; i < bufferCount && SUCCEEDED(hr); i++)
            {
                hr = outgoing->Write(buffers[i].Data.pbBuffer, buffers[i].Data.ulBufferLength);
                transferred += buffers[i].Data.ulBufferLength;
            }
            break;

        case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
            assert(bufferCount >= 1);
            hr = incoming->Read(buffers[0].Data.pbBuffer, buffers[0].Data.ulBufferLength, &transferred);
            break;

        case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
            if (received != NULL)
            {
                received->done = TRUE;
                received->type = bufferType;
                if (bufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE)
                {
                    received->closeStatus = buffers[0].CloseStatus.usStatus;
                    received->length = __min(buffers[0].CloseStatus.ulReasonLength, (ULONG)sizeof(received->data));
                    if (received->length > 0)  // pbReason is NULL for an empty reason
                    {
                        CopyMemory(received->data, buffers[0].CloseStatus.pbReason, received->length);
                    }
                }
                else
                {
                    received->length = __min(buffers[0].Data.ulBufferLength, (ULONG)sizeof(received->data));
                    if (received->length > 0)
                    {
                        CopyMemory(received->data, buffers[0].Data.pbBuffer, received->length);
                    }
                }
            }
            break;

        case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
            break;

        default:
            hr = E_FAIL;
            break;
        }

        // Every action but NO_ACTION is completed, failed or not.
        WebSocketCompleteAction(handle, actionContext, transferred);
        if (FAILED(hr))
        {
            return hr;
        }
    }
}

static HRESULT Handshake(_In_ WEB_SOCKET_HANDLE client, _In_ WEB_SOCKET_HANDLE server)
{
    static CHAR hostName[] = "Host";
    static CHAR hostValue[] = "localhost";
    WEB_SOCKET_HTTP_HEADER* clientHeaders = NULL;
    ULONG clientHeaderCount = 0;
    WEB_SOCKET_HTTP_HEADER* serverHeaders = NULL;
    ULONG serverHeaderCount = 0;
    WEB_SOCKET_HTTP_HEADER request[16];

    HRESULT hr = WebSocketBeginClientHandshake(client, NULL, 0, NULL, 0, NULL, 0, &clientHeaders, &clientHeaderCount);
    if (FAILED(hr))
    {
        return hr;
    }
    if (clientHeaderCount + 1 > ARRAYSIZE(request))
    {
        return E_FAIL;
    }
    // The request the HTTP stack would send: the component's headers and Host.
    CopyMemory(request, clientHeaders, clientHeaderCount * sizeof(WEB_SOCKET_HTTP_HEADER));
    request[clientHeaderCount].pcName = hostName;
    request[clientHeaderCount].ulNameLength = ARRAYSIZE(hostName) - 1;
    request[clientHeaderCount].pcValue = hostValue;
    request[clientHeaderCount].ulValueLength = ARRAYSIZE(hostValue) - 1;
    ShowHeaders(L"client request headers", request, clientHeaderCount + 1);

    hr = WebSocketBeginServerHandshake(server, NULL, NULL, 0, request, clientHeaderCount + 1,
                                       &serverHeaders, &serverHeaderCount);
    if (FAILED(hr))
    {
        return hr;
    }
    ShowHeaders(L"server response headers", serverHeaders, serverHeaderCount);

#pragma prefast(suppress: 6387, "no extensions or subprotocols were offered")
    hr = WebSocketEndClientHandshake(client, serverHeaders, serverHeaderCount, NULL, NULL, NULL);
    if (FAILED(hr))
    {
        return hr;
    }
    return WebSocketEndServerHandshake(server);
}

// Sends one message from `from` and receives it at `to`, through the pipe between them.
static HRESULT Transfer(
    _In_ WEB_SOCKET_HANDLE from, _In_ WEB_SOCKET_HANDLE to,
    _In_ MemoryPipe* forward, _In_ MemoryPipe* backward,
    _In_ WEB_SOCKET_BUFFER_TYPE type, _In_ WEB_SOCKET_BUFFER* buffer,
    _Out_ Received* received)
{
    ZeroMemory(received, sizeof(*received));
    HRESULT hr = WebSocketSend(from, type, buffer, NULL);
    if (SUCCEEDED(hr)) hr = Pump(from, backward, forward, NULL);
    if (SUCCEEDED(hr)) hr = WebSocketReceive(to, NULL, NULL);
    if (SUCCEEDED(hr)) hr = Pump(to, forward, backward, received);
    return hr;
}

int __cdecl wmain()
{
    WEB_SOCKET_HANDLE client = NULL;
    WEB_SOCKET_HANDLE server = NULL;
    MemoryPipe toServer;
    MemoryPipe toClient;
    Received received;
    HRESULT hr = WebSocketCreateClientHandle(NULL, 0, &client);
    if (SUCCEEDED(hr)) hr = WebSocketCreateServerHandle(NULL, 0, &server);
    if (SUCCEEDED(hr)) hr = Handshake(client, server);

    if (SUCCEEDED(hr))
    {
        static BYTE text[] = "Hello from a Windows program";
        WEB_SOCKET_BUFFER buffer;
        buffer.Data.pbBuffer = text;
        buffer.Data.ulBufferLength = ARRAYSIZE(text) - 1;
        hr = Transfer(client, server, &toServer, &toClient, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &buffer, &received);
        if (SUCCEEDED(hr))
        {
            Check(received.done && received.type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, L"text message type");
            Check(received.length == ARRAYSIZE(text) - 1 && memcmp(received.data, text, received.length) == 0,
                  L"text message bytes");
            wprintf(L"server received: %.*S\n", received.length, (const char*)received.data);
        }
    }

    if (SUCCEEDED(hr))
    {
        static BYTE bytes[] = {0x00, 0xff, 0x10, 0x80};
        WEB_SOCKET_BUFFER buffer;
        buffer.Data.pbBuffer = bytes;
        buffer.Data.ulBufferLength = ARRAYSIZE(bytes);
        hr = Transfer(server, client, &toClient, &toServer, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, &buffer, &received);
        if (SUCCEEDED(hr))
        {
            Check(received.done && received.type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, L"binary message type");
            Check(received.length == ARRAYSIZE(bytes) && memcmp(received.data, bytes, received.length) == 0,
                  L"binary message bytes");
            wprintf(L"client received %lu binary bytes, last 0x%02x\n", received.length, received.data[3]);
        }
    }

    if (SUCCEEDED(hr))
    {
        static BYTE reason[] = "done";
        WEB_SOCKET_BUFFER buffer;
        buffer.CloseStatus.usStatus = WEB_SOCKET_SUCCESS_CLOSE_STATUS;
        buffer.CloseStatus.pbReason = reason;
        buffer.CloseStatus.ulReasonLength = ARRAYSIZE(reason) - 1;
        hr = Transfer(client, server, &toServer, &toClient, WEB_SOCKET_CLOSE_BUFFER_TYPE, &buffer, &received);
        if (SUCCEEDED(hr))
        {
            Check(received.done && received.type == WEB_SOCKET_CLOSE_BUFFER_TYPE, L"close received");
            Check(received.closeStatus == WEB_SOCKET_SUCCESS_CLOSE_STATUS, L"close status");
            Check(received.length == 4 && memcmp(received.data, "done", 4) == 0, L"close reason");
            wprintf(L"server received close %u: %.*S\n", received.closeStatus, received.length, (const char*)received.data);
        }
    }

    Check(toServer.Pending() == 0 && toClient.Pending() == 0, L"every byte was read");
    if (client != NULL) WebSocketDeleteHandle(client);
    if (server != NULL) WebSocketDeleteHandle(server);

    if (FAILED(hr))
    {
        wprintf(L"FAILED: HRESULT 0x%08lx\n", hr);
        return 1;
    }
    if (failures != 0)
    {
        return 1;
    }
    wprintf(L"windows_sample: ok\n");
    return 0;
}

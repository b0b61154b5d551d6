/* A C program written for Windows, built against the installed websock through the compat flag
 * set only: both the CMake package (websock::websock_compat) and pkg-config websock-compat. It runs
 * a client and a server handle through the handshake and one message, in memory. */
#include <windows.h>
#include <websocket.h>

#include <stdio.h>
#include <string.h>

static BYTE wire[256];
static ULONG wireLength;

/* Moves everything the handle wants to write into `wire`, or reads `wire` into it. */
static HRESULT Pump(WEB_SOCKET_HANDLE h, WEB_SOCKET_BUFFER_TYPE *delivered, BYTE *data, ULONG *dataLength) {
  for (;;) {
    WEB_SOCKET_BUFFER buffers[2];
    ULONG count = 2, i, bytes = 0;
    WEB_SOCKET_ACTION action;
    WEB_SOCKET_BUFFER_TYPE type;
    PVOID token = NULL;
    HRESULT hr = WebSocketGetAction(h, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &count, &action, &type, NULL, &token);
    if (FAILED(hr)) return hr;
    switch (action) {
      case WEB_SOCKET_NO_ACTION:
        return S_OK;
      case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
        for (i = 0; i < count; ++i) {
          CopyMemory(wire + wireLength, buffers[i].Data.pbBuffer, buffers[i].Data.ulBufferLength);
          wireLength += buffers[i].Data.ulBufferLength;
          bytes += buffers[i].Data.ulBufferLength;
        }
        WebSocketCompleteAction(h, token, bytes);
        break;
      case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
        CopyMemory(buffers[0].Data.pbBuffer, wire, wireLength);
        bytes = wireLength;
        wireLength = 0;
        WebSocketCompleteAction(h, token, bytes);
        break;
      case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
        *delivered = type;
        CopyMemory(data, buffers[0].Data.pbBuffer, buffers[0].Data.ulBufferLength);
        *dataLength = buffers[0].Data.ulBufferLength;
        WebSocketCompleteAction(h, token, 0);
        break;
      default:
        WebSocketCompleteAction(h, token, 0);
        break;
    }
  }
}

int main(void) {
  WEB_SOCKET_HANDLE client = NULL, server = NULL;
  PWEB_SOCKET_HTTP_HEADER added = NULL, response = NULL;
  ULONG addedCount = 0, responseCount = 0, length = 0;
  WEB_SOCKET_HTTP_HEADER request[8];
  WEB_SOCKET_BUFFER buffer;
  WEB_SOCKET_BUFFER_TYPE type = WEB_SOCKET_CLOSE_BUFFER_TYPE;
  BYTE received[64];
  char host[] = "Host", hostValue[] = "localhost", hello[] = "hello";
  HRESULT hr;

  request[0].pcName = host;
  request[0].ulNameLength = 4;
  request[0].pcValue = hostValue;
  request[0].ulValueLength = 9;
  hr = WebSocketCreateClientHandle(NULL, 0, &client);
  if (SUCCEEDED(hr)) hr = WebSocketCreateServerHandle(NULL, 0, &server);
  if (SUCCEEDED(hr)) hr = WebSocketBeginClientHandshake(client, NULL, 0, NULL, 0, request, 1, &added, &addedCount);
  if (SUCCEEDED(hr) && addedCount + 1 <= 8) {
    CopyMemory(request + 1, added, addedCount * sizeof *added);
    hr = WebSocketBeginServerHandshake(server, NULL, NULL, 0, request, addedCount + 1, &response, &responseCount);
  }
  if (SUCCEEDED(hr)) hr = WebSocketEndClientHandshake(client, response, responseCount, NULL, NULL, NULL);
  if (SUCCEEDED(hr)) hr = WebSocketEndServerHandshake(server);
  buffer.Data.pbBuffer = (PBYTE)hello;
  buffer.Data.ulBufferLength = 5;
  if (SUCCEEDED(hr)) hr = WebSocketSend(client, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &buffer, NULL);
  if (SUCCEEDED(hr)) hr = Pump(client, &type, received, &length);
  if (SUCCEEDED(hr)) hr = WebSocketReceive(server, NULL, NULL);
  if (SUCCEEDED(hr)) hr = Pump(server, &type, received, &length);
  WebSocketDeleteHandle(client);
  WebSocketDeleteHandle(server);
  if (FAILED(hr) || type != WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || length != 5 || memcmp(received, "hello", 5) != 0) {
    printf("consumer: failed (HRESULT 0x%08X)\n", (unsigned)hr);
    return 1;
  }
  printf("consumer: hello went through\n");
  return 0;
}

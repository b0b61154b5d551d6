/*
 * websocket.h client example: connects to a WebSocket echo server, runs the upgrade with the
 * headers the Protocol Component hands out, then sends text, binary, fragmented and empty
 * messages, a ping, and closes, checking every echo. A second connection asks the server to
 * close first ("close-me") and answers its close.
 *
 *   websocket_h_client <port> [host]        (host defaults to 127.0.0.1)
 *
 * Exit status 0 when every echo matched.
 */
#include <windows.h>
#include <websocket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static int Connect(const char *host, const char *port) {
  struct addrinfo hints;
  struct addrinfo *result = NULL;
  int s = -1;
  ZeroMemory(&hints, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &result) != 0) return -1;
  s = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  if (s >= 0 && connect(s, result->ai_addr, result->ai_addrlen) != 0) {
    close(s);
    s = -1;
  }
  freeaddrinfo(result);
  return s;
}

/* Creates a client handle and runs the opening handshake over the socket. */
static HRESULT Handshake(CONNECTION *connection, const char *host, const char *port,
                         WEB_SOCKET_HANDLE *handle) {
  CHAR hostValue[300];
  CHAR request[MAX_HEAD];
  WEB_SOCKET_HTTP_HEADER initialHeaders[1];
  PWEB_SOCKET_HTTP_HEADER additionalHeaders = NULL;
  ULONG additionalHeaderCount = 0;
  HTTP_HEAD response;
  int status = 0;
  HRESULT hr;

  hr = WebSocketCreateClientHandle(NULL, 0, handle);
  if (FAILED(hr)) return hr;

  snprintf(hostValue, sizeof hostValue, "%s:%s", host, port);
  initialHeaders[0].pcName = (PCHAR) "Host";
  initialHeaders[0].ulNameLength = 4;
  initialHeaders[0].pcValue = hostValue;
  initialHeaders[0].ulValueLength = (ULONG)strlen(hostValue);

  hr = WebSocketBeginClientHandshake(*handle, NULL, 0, NULL, 0, initialHeaders, 1, &additionalHeaders,
                                     &additionalHeaderCount);
  if (FAILED(hr)) return hr;

  /* Our request: our own headers plus the ones the component added (key, version, upgrade). */
  snprintf(request, sizeof request, "GET / HTTP/1.1\r\n");
  if (!AppendHeaders(request, sizeof request, initialHeaders, 1) ||
      !AppendHeaders(request, sizeof request, additionalHeaders, additionalHeaderCount)) {
    return E_OUTOFMEMORY;
  }
  strcat(request, "\r\n");
  if (!SendAll(connection->socket, (const BYTE *)request, (ULONG)strlen(request))) return E_FAIL;

  hr = ReadHttpHead(connection, &response);
  if (FAILED(hr)) return hr;
  /* The component never sees the status line: checking for 101 is ours. */
  if (sscanf(response.startLine, "HTTP/1.1 %d", &status) != 1 || status != 101) {
    fprintf(stderr, "client: upgrade refused: %s\n", response.startLine);
    return E_FAIL;
  }
  return WebSocketEndClientHandshake(*handle, response.headers, response.headerCount, NULL, NULL, NULL);
}

static int failures = 0;

static void Check(BOOL condition, const char *what) {
  printf("client: %s %s\n", condition ? "ok  " : "FAIL", what);
  if (!condition) ++failures;
}

/* Sends one message (as one or more pieces) and checks the echo. */
static void EchoCase(WEB_SOCKET_HANDLE handle, CONNECTION *connection, const char *name, BOOL text,
                     BYTE *data, ULONG length, ULONG pieces) {
  ULONG sent = 0;
  ULONG i;
  HRESULT hr = S_OK;
  for (i = 0; i < pieces && SUCCEEDED(hr); ++i) {
    ULONG size = (i + 1 == pieces) ? length - sent : length / pieces;
    WEB_SOCKET_BUFFER buffer;
    WEB_SOCKET_BUFFER_TYPE type;
    if (i + 1 == pieces) {
      type = text ? WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
    } else {
      type = text ? WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE : WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    }
    buffer.Data.pbBuffer = data + sent;
    buffer.Data.ulBufferLength = size;
    hr = SendAndWait(handle, connection, type, &buffer);
    sent += size;
  }
  if (SUCCEEDED(hr)) hr = ReceiveMessage(handle, connection);
  Check(SUCCEEDED(hr) &&
            connection->lastBufferType ==
                (text ? WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE) &&
            connection->messageLength == length &&
            (length == 0 || memcmp(connection->message, data, length) == 0),
        name);
}

static HRESULT RunEchoSession(const char *host, const char *port) {
  CONNECTION connection;
  WEB_SOCKET_HANDLE handle = NULL;
  WEB_SOCKET_BUFFER closeBuffer;
  BYTE *big;
  ULONG i;
  HRESULT hr;
  char greeting[] = "Hello from websocket.h";
  char accents[] = "caf\xc3\xa9 \xe2\x82\xac 100";

  ZeroMemory(&connection, sizeof connection);
  connection.socket = Connect(host, port);
  if (connection.socket < 0) return E_FAIL;
  SetSocketTimeout(connection.socket, 20);
  hr = Handshake(&connection, host, port, &handle);
  Check(SUCCEEDED(hr), "handshake");
  if (FAILED(hr)) goto quit;

  big = (BYTE *)malloc(1 << 20);
  if (big == NULL) {
    hr = E_OUTOFMEMORY;
    goto quit;
  }
  for (i = 0; i < (1u << 20); ++i) big[i] = (BYTE)(i * 31 + (i >> 8));

  EchoCase(handle, &connection, "text message", TRUE, (BYTE *)greeting, (ULONG)strlen(greeting), 1);
  EchoCase(handle, &connection, "UTF-8 text", TRUE, (BYTE *)accents, (ULONG)strlen(accents), 1);
  EchoCase(handle, &connection, "empty text", TRUE, (BYTE *)greeting, 0, 1);
  EchoCase(handle, &connection, "empty binary", FALSE, big, 0, 1);
  EchoCase(handle, &connection, "binary 125", FALSE, big, 125, 1);
  EchoCase(handle, &connection, "binary 126", FALSE, big, 126, 1);
  EchoCase(handle, &connection, "binary 65535", FALSE, big, 65535, 1);
  EchoCase(handle, &connection, "binary 65536", FALSE, big, 65536, 1);
  EchoCase(handle, &connection, "binary 1 MiB", FALSE, big, 1u << 20, 1);
  EchoCase(handle, &connection, "text in 3 fragments", TRUE, (BYTE *)greeting, (ULONG)strlen(greeting), 3);
  EchoCase(handle, &connection, "binary in 4 fragments", FALSE, big, 100000, 4);
  free(big);

  /* A ping: the server's pong completes a receive as PING_PONG. */
  hr = SendAndWait(handle, &connection, WEB_SOCKET_PING_PONG_BUFFER_TYPE, NULL);
  if (SUCCEEDED(hr)) hr = ReceiveMessage(handle, &connection);
  Check(SUCCEEDED(hr) && connection.lastBufferType == WEB_SOCKET_PING_PONG_BUFFER_TYPE, "ping answered");

  /* Our close first; the server echoes it. */
  closeBuffer.CloseStatus.usStatus = WEB_SOCKET_SUCCESS_CLOSE_STATUS;
  closeBuffer.CloseStatus.pbReason = (PBYTE) "bye";
  closeBuffer.CloseStatus.ulReasonLength = 3;
  hr = SendAndWait(handle, &connection, WEB_SOCKET_CLOSE_BUFFER_TYPE, &closeBuffer);
  if (SUCCEEDED(hr)) hr = ReceiveMessage(handle, &connection);
  Check(SUCCEEDED(hr) && connection.lastBufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE &&
            connection.closeStatus == WEB_SOCKET_SUCCESS_CLOSE_STATUS,
        "close handshake (client first)");
  printf("client: server closed with %u \"%s\"\n", connection.closeStatus, connection.closeReason);

quit:
  if (handle != NULL) {
    AbortAndDrain(handle);
    WebSocketDeleteHandle(handle);
  }
  free(connection.message);
  close(connection.socket);
  return hr;
}

/* The server closes first; we answer with its status, as RFC 6455 5.5.1 asks. */
static HRESULT RunServerCloseSession(const char *host, const char *port) {
  CONNECTION connection;
  WEB_SOCKET_HANDLE handle = NULL;
  WEB_SOCKET_BUFFER buffer;
  HRESULT hr;
  char command[] = "close-me";

  ZeroMemory(&connection, sizeof connection);
  connection.socket = Connect(host, port);
  if (connection.socket < 0) return E_FAIL;
  SetSocketTimeout(connection.socket, 20);
  hr = Handshake(&connection, host, port, &handle);
  Check(SUCCEEDED(hr), "second handshake");
  if (FAILED(hr)) goto quit;

  buffer.Data.pbBuffer = (PBYTE)command;
  buffer.Data.ulBufferLength = (ULONG)strlen(command);
  hr = SendAndWait(handle, &connection, WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, &buffer);
  if (SUCCEEDED(hr)) hr = ReceiveMessage(handle, &connection);
  Check(SUCCEEDED(hr) && connection.lastBufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE &&
            connection.closeStatus == WEB_SOCKET_SUCCESS_CLOSE_STATUS,
        "close received from server");
  if (SUCCEEDED(hr)) {
    buffer.CloseStatus.usStatus = connection.closeStatus;
    buffer.CloseStatus.pbReason = NULL;
    buffer.CloseStatus.ulReasonLength = 0;
    hr = SendAndWait(handle, &connection, WEB_SOCKET_CLOSE_BUFFER_TYPE, &buffer);
    Check(SUCCEEDED(hr), "close answered");
  }

quit:
  if (handle != NULL) {
    AbortAndDrain(handle);
    WebSocketDeleteHandle(handle);
  }
  free(connection.message);
  close(connection.socket);
  return hr;
}

int main(int argc, char **argv) {
  const char *port;
  const char *host;
  HRESULT hr;
  if (argc < 2) {
    fprintf(stderr, "usage: %s <port> [host]\n", argv[0]);
    return 2;
  }
  port = argv[1];
  host = argc > 2 ? argv[2] : "127.0.0.1";

  hr = RunEchoSession(host, port);
  if (FAILED(hr)) printf("client: session failed, HRESULT 0x%08X\n", (unsigned)hr);
  hr = RunServerCloseSession(host, port);
  if (FAILED(hr)) printf("client: session failed, HRESULT 0x%08X\n", (unsigned)hr);
  printf("client: %s\n", failures == 0 ? "all checks passed" : "checks failed");
  return failures == 0 ? 0 : 1;
}

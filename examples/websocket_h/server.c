/*
 * websocket.h server example: an echo server. It accepts a connection, reads the upgrade request,
 * lets the Protocol Component check it and produce the response headers, writes the 101, then
 * echoes every message (text as text, binary as binary) until the client closes. The text
 * message "close-me" makes the server close first instead.
 *
 *   websocket_h_server [port] [connections]   (port 0 or absent: any free port; 1 connection)
 *
 * Prints "listening on 127.0.0.1:<port>" once it accepts connections.
 */
#include <windows.h>
#include <websocket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static int Listen(unsigned short port) {
  struct sockaddr_in address;
  socklen_t length = sizeof address;
  int one = 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return -1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ZeroMemory(&address, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (bind(s, (struct sockaddr *)&address, sizeof address) != 0 || listen(s, 8) != 0 ||
      getsockname(s, (struct sockaddr *)&address, &length) != 0) {
    close(s);
    return -1;
  }
  printf("listening on 127.0.0.1:%u\n", ntohs(address.sin_port));
  fflush(stdout);
  return s;
}

static VOID Refuse(int socket, const char *status) {
  char response[128];
  snprintf(response, sizeof response, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
  SendAll(socket, (const BYTE *)response, (ULONG)strlen(response));
}

/* Reads the request, lets the component check it, writes the 101. */
static HRESULT Handshake(CONNECTION *connection, WEB_SOCKET_HANDLE *handle) {
  HTTP_HEAD request;
  PWEB_SOCKET_HTTP_HEADER responseHeaders = NULL;
  ULONG responseHeaderCount = 0;
  CHAR response[MAX_HEAD];
  HRESULT hr;

  hr = ReadHttpHead(connection, &request);
  if (FAILED(hr)) return hr;
  /* The request line is ours to check; the component only sees the headers. */
  if (strncmp(request.startLine, "GET ", 4) != 0) {
    Refuse(connection->socket, "405 Method Not Allowed");
    return E_INVALID_PROTOCOL_FORMAT;
  }

  hr = WebSocketCreateServerHandle(NULL, 0, handle);
  if (FAILED(hr)) return hr;
  hr = WebSocketBeginServerHandshake(*handle, NULL, NULL, 0, request.headers, request.headerCount,
                                     &responseHeaders, &responseHeaderCount);
  if (hr == E_PROTOCOL_VERSION_NOT_SUPPORTED) {
    Refuse(connection->socket, "426 Upgrade Required\r\nSec-WebSocket-Version: 13");
    return hr;
  }
  if (FAILED(hr)) {
    Refuse(connection->socket, "400 Bad Request");
    return hr;
  }
  /* The response headers belong to the handle and die with WebSocketEndServerHandshake: write
     them first. */
  snprintf(response, sizeof response, "HTTP/1.1 101 Switching Protocols\r\n");
  if (!AppendHeaders(response, sizeof response, responseHeaders, responseHeaderCount)) return E_FAIL;
  strcat(response, "\r\n");
  if (!SendAll(connection->socket, (const BYTE *)response, (ULONG)strlen(response))) return E_FAIL;
  return WebSocketEndServerHandshake(*handle);
}

static HRESULT Serve(int client) {
  CONNECTION connection;
  WEB_SOCKET_HANDLE handle = NULL;
  HRESULT hr;
  ULONG messages = 0;

  ZeroMemory(&connection, sizeof connection);
  connection.socket = client;
  SetSocketTimeout(client, 30);
  hr = Handshake(&connection, &handle);
  if (FAILED(hr)) goto quit;

  for (;;) {
    WEB_SOCKET_BUFFER buffer;
    hr = ReceiveMessage(handle, &connection);
    if (FAILED(hr)) break;

    if (connection.lastBufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
      /* Answer with the same status (none if the client sent none), then close the TCP
         connection: the server closes first (RFC 6455 7.1.1). */
      printf("server: client closed with %u \"%s\" after %u messages\n", connection.closeStatus,
             connection.closeReason, messages);
      if (connection.closeStatus == WEB_SOCKET_EMPTY_CLOSE_STATUS) {
        hr = SendAndWait(handle, &connection, WEB_SOCKET_CLOSE_BUFFER_TYPE, NULL);
      } else {
        buffer.CloseStatus.usStatus = connection.closeStatus;
        buffer.CloseStatus.pbReason = NULL;
        buffer.CloseStatus.ulReasonLength = 0;
        hr = SendAndWait(handle, &connection, WEB_SOCKET_CLOSE_BUFFER_TYPE, &buffer);
      }
      break;
    }
    if (connection.lastBufferType == WEB_SOCKET_PING_PONG_BUFFER_TYPE) continue;

    if (connection.lastBufferType == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE && connection.messageLength == 8 &&
        memcmp(connection.message, "close-me", 8) == 0) {
      /* Close first, then wait for the client's answer. */
      buffer.CloseStatus.usStatus = WEB_SOCKET_SUCCESS_CLOSE_STATUS;
      buffer.CloseStatus.pbReason = (PBYTE) "server closing";
      buffer.CloseStatus.ulReasonLength = 14;
      hr = SendAndWait(handle, &connection, WEB_SOCKET_CLOSE_BUFFER_TYPE, &buffer);
      if (SUCCEEDED(hr)) hr = ReceiveMessage(handle, &connection);
      printf("server: closed first; client answered %s %u\n",
             connection.lastBufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE ? "with close" : "without close",
             connection.closeStatus);
      if (SUCCEEDED(hr) && connection.lastBufferType != WEB_SOCKET_CLOSE_BUFFER_TYPE) hr = E_FAIL;
      break;
    }

    /* Echo: one WebSocketSend of the whole message, with the type it came with. */
    buffer.Data.pbBuffer = connection.message;
    buffer.Data.ulBufferLength = connection.messageLength;
    hr = SendAndWait(handle, &connection, connection.lastBufferType, &buffer);
    if (FAILED(hr)) break;
    ++messages;
  }

quit:
  if (FAILED(hr)) printf("server: connection ended with HRESULT 0x%08X\n", (unsigned)hr);
  if (handle != NULL) {
    AbortAndDrain(handle);
    WebSocketDeleteHandle(handle);
  }
  free(connection.message);
  shutdown(client, SHUT_RDWR);
  close(client);
  return hr;
}

int main(int argc, char **argv) {
  unsigned short port = (unsigned short)(argc > 1 ? atoi(argv[1]) : 0);
  int connections = argc > 2 ? atoi(argv[2]) : 1;
  int failures = 0;
  int listener = Listen(port);
  int i;
  if (listener < 0) {
    perror("server: listen");
    return 2;
  }
  for (i = 0; i < connections; ++i) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) {
      perror("server: accept");
      return 2;
    }
    if (FAILED(Serve(client))) ++failures;
  }
  close(listener);
  printf("server: %d connection(s), %d failed\n", connections, failures);
  return failures == 0 ? 0 : 1;
}

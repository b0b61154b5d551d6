/*
 * Socket, HTTP head and action-pump helpers shared by the websocket.h client and server examples.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

BOOL SendAll(int socket, const BYTE *data, ULONG length) {
  while (length > 0) {
    ssize_t n = send(socket, data, length, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return FALSE;
    data += n;
    length -= (ULONG)n;
  }
  return TRUE;
}

VOID SetSocketTimeout(int socket, int seconds) {
  struct timeval tv;
  tv.tv_sec = seconds;
  tv.tv_usec = 0;
  setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static CHAR *TrimBlanks(CHAR *begin, CHAR **end) {
  while (begin < *end && (*begin == ' ' || *begin == '\t')) ++begin;
  while (*end > begin && ((*end)[-1] == ' ' || (*end)[-1] == '\t')) --*end;
  return begin;
}

HRESULT ReadHttpHead(CONNECTION *connection, HTTP_HEAD *head) {
  ULONG used = 0;
  CHAR *end = NULL;
  CHAR *line;
  ZeroMemory(head, sizeof *head);
  while (end == NULL) {
    ssize_t n;
    if (used == MAX_HEAD - 1) return E_INVALID_PROTOCOL_FORMAT; /* head too large */
    n = recv(connection->socket, head->text + used, MAX_HEAD - 1 - used, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED);
    used += (ULONG)n;
    head->text[used] = '\0';
    end = strstr(head->text, "\r\n\r\n");
  }
  /* Bytes after the blank line already belong to the WebSocket stream. */
  {
    CHAR *body = end + 4;
    connection->leftoverLength = (ULONG)(head->text + used - body);
    CopyMemory(connection->leftover, body, connection->leftoverLength);
    connection->leftoverOffset = 0;
  }
  end[2] = '\0';

  head->startLine = head->text;
  line = strstr(head->text, "\r\n");
  *line = '\0';
  line += 2;
  while (*line != '\0') {
    CHAR *lineEnd = strstr(line, "\r\n");
    CHAR *colon = memchr(line, ':', (size_t)(lineEnd - line));
    CHAR *nameEnd;
    CHAR *value;
    WEB_SOCKET_HTTP_HEADER *header;
    if (colon == NULL || head->headerCount == MAX_HEADERS) return E_INVALID_PROTOCOL_FORMAT;
    nameEnd = colon;
    value = TrimBlanks(colon + 1, &lineEnd);
    header = &head->headers[head->headerCount++];
    header->pcName = line;
    header->ulNameLength = (ULONG)(nameEnd - line);
    header->pcValue = value;
    header->ulValueLength = (ULONG)(lineEnd - value);
    line = strstr(line, "\r\n") + 2;
  }
  return S_OK;
}

BOOL AppendHeaders(CHAR *out, ULONG capacity, const WEB_SOCKET_HTTP_HEADER *headers, ULONG count) {
  ULONG i;
  size_t used = strlen(out);
  for (i = 0; i < count; ++i) {
    int n = snprintf(out + used, capacity - used, "%.*s: %.*s\r\n", (int)headers[i].ulNameLength,
                     headers[i].pcName, (int)headers[i].ulValueLength, headers[i].pcValue);
    if (n < 0 || (size_t)n >= capacity - used) return FALSE;
    used += (size_t)n;
  }
  return TRUE;
}

static BOOL AppendMessage(CONNECTION *connection, const BYTE *data, ULONG length) {
  if (connection->messageLength + length > connection->messageCapacity) {
    ULONG capacity = connection->messageCapacity ? connection->messageCapacity : 4096;
    BYTE *grown;
    while (capacity < connection->messageLength + length) capacity *= 2;
    grown = (BYTE *)realloc(connection->message, capacity);
    if (grown == NULL) return FALSE;
    connection->message = grown;
    connection->messageCapacity = capacity;
  }
  if (length > 0) CopyMemory(connection->message + connection->messageLength, data, length);
  connection->messageLength += length;
  return TRUE;
}

HRESULT RunActions(WEB_SOCKET_HANDLE handle, CONNECTION *connection) {
  for (;;) {
    WEB_SOCKET_BUFFER buffers[2];
    ULONG bufferCount = 2;
    WEB_SOCKET_ACTION action;
    WEB_SOCKET_BUFFER_TYPE bufferType;
    PVOID applicationContext = NULL;
    PVOID actionContext = NULL;
    ULONG i;
    ULONG bytes = 0;
    HRESULT hr;

    hr = WebSocketGetAction(handle, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &bufferCount, &action,
                            &bufferType, &applicationContext, &actionContext);
    if (FAILED(hr)) return hr; /* the caller aborts */

    switch (action) {
      case WEB_SOCKET_NO_ACTION:
        return S_OK;

      case WEB_SOCKET_SEND_TO_NETWORK_ACTION:
        for (i = 0; i < bufferCount; ++i) {
          if (!SendAll(connection->socket, buffers[i].Data.pbBuffer, buffers[i].Data.ulBufferLength)) break;
          bytes += buffers[i].Data.ulBufferLength;
        }
        WebSocketCompleteAction(handle, actionContext, bytes);
        break;

      case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
        connection->sendCompleted = TRUE;
        WebSocketCompleteAction(handle, actionContext, 0);
        break;

      case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
        if (connection->leftoverOffset < connection->leftoverLength) {
          bytes = connection->leftoverLength - connection->leftoverOffset;
          if (bytes > buffers[0].Data.ulBufferLength) bytes = buffers[0].Data.ulBufferLength;
          CopyMemory(buffers[0].Data.pbBuffer, connection->leftover + connection->leftoverOffset, bytes);
          connection->leftoverOffset += bytes;
        } else {
          ssize_t n;
          do {
            n = recv(connection->socket, buffers[0].Data.pbBuffer, buffers[0].Data.ulBufferLength, 0);
          } while (n < 0 && errno == EINTR);
          if (n <= 0) connection->transportClosed = TRUE;
          bytes = n > 0 ? (ULONG)n : 0; /* 0 completes the receive without data */
        }
        WebSocketCompleteAction(handle, actionContext, bytes);
        break;

      case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION:
        connection->lastBufferType = bufferType;
        connection->receiveCompleted = TRUE;
        if (bufferType == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
          ULONG length = buffers[0].CloseStatus.ulReasonLength;
          connection->closeStatus = buffers[0].CloseStatus.usStatus;
          if (length > 0) CopyMemory(connection->closeReason, buffers[0].CloseStatus.pbReason, length);
          connection->closeReason[length] = '\0';
        } else if (bufferType != WEB_SOCKET_PING_PONG_BUFFER_TYPE) {
          /* Copy now: the bytes belong to the handle and are gone after CompleteAction. */
          if (!AppendMessage(connection, buffers[0].Data.pbBuffer, buffers[0].Data.ulBufferLength)) {
            WebSocketCompleteAction(handle, actionContext, 0);
            return E_OUTOFMEMORY;
          }
        }
        WebSocketCompleteAction(handle, actionContext, 0);
        break;

      default:
        return E_FAIL;
    }
  }
}

HRESULT SendAndWait(WEB_SOCKET_HANDLE handle, CONNECTION *connection, WEB_SOCKET_BUFFER_TYPE type,
                    WEB_SOCKET_BUFFER *buffer) {
  HRESULT hr = WebSocketSend(handle, type, buffer, NULL);
  if (FAILED(hr)) return hr;
  connection->sendCompleted = FALSE;
  hr = RunActions(handle, connection);
  if (FAILED(hr)) return hr;
  return connection->sendCompleted ? S_OK : E_FAIL;
}

HRESULT ReceiveMessage(WEB_SOCKET_HANDLE handle, CONNECTION *connection) {
  connection->messageLength = 0;
  for (;;) {
    HRESULT hr = WebSocketReceive(handle, NULL, NULL);
    if (FAILED(hr)) return hr;
    connection->receiveCompleted = FALSE;
    hr = RunActions(handle, connection);
    if (FAILED(hr)) return hr;
    if (connection->transportClosed) return HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED);
    if (!connection->receiveCompleted) return E_FAIL;
    if (connection->lastBufferType != WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE &&
        connection->lastBufferType != WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE) {
      return S_OK; /* a whole message, a close, or a pong */
    }
  }
}

VOID AbortAndDrain(WEB_SOCKET_HANDLE handle) {
  WEB_SOCKET_ACTION_QUEUE queues[2] = {WEB_SOCKET_SEND_ACTION_QUEUE, WEB_SOCKET_RECEIVE_ACTION_QUEUE};
  int q;
  WebSocketAbortHandle(handle);
  for (q = 0; q < 2; ++q) {
    for (;;) {
      WEB_SOCKET_BUFFER buffers[2];
      ULONG bufferCount = 2;
      WEB_SOCKET_ACTION action;
      WEB_SOCKET_BUFFER_TYPE bufferType;
      PVOID actionContext = NULL;
      if (FAILED(WebSocketGetAction(handle, queues[q], buffers, &bufferCount, &action, &bufferType, NULL,
                                    &actionContext)) ||
          action == WEB_SOCKET_NO_ACTION) {
        break;
      }
      WebSocketCompleteAction(handle, actionContext, 0);
    }
  }
}

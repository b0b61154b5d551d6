/*
 * Shared by the websocket.h examples: the blocking socket and HTTP-head plumbing the WebSocket
 * Protocol Component leaves to the application, and the GetAction/CompleteAction pump.
 *
 * Written the way a Windows program drives websocket.dll; only the socket calls are POSIX.
 */
#ifndef WEBSOCKET_H_EXAMPLE_COMMON_H
#define WEBSOCKET_H_EXAMPLE_COMMON_H

#include <windows.h>
#include <websocket.h>

#define MAX_HEAD 16384
#define MAX_HEADERS 64

/* One connection: its socket, bytes read past the HTTP head, and what the last receive gave. */
typedef struct _CONNECTION {
  int socket;
  BYTE leftover[MAX_HEAD];
  ULONG leftoverLength;
  ULONG leftoverOffset;

  /* The message being received (fragments are appended until a *_MESSAGE piece). */
  BYTE *message;
  ULONG messageLength;
  ULONG messageCapacity;
  WEB_SOCKET_BUFFER_TYPE lastBufferType;
  BOOL receiveCompleted;
  BOOL sendCompleted;
  BOOL transportClosed;
  USHORT closeStatus;
  CHAR closeReason[WEB_SOCKET_MAX_CLOSE_REASON_LENGTH + 1];
} CONNECTION;

/* A parsed HTTP head: the start line and headers as the Protocol Component takes them. */
typedef struct _HTTP_HEAD {
  CHAR text[MAX_HEAD];
  CHAR *startLine;
  WEB_SOCKET_HTTP_HEADER headers[MAX_HEADERS];
  ULONG headerCount;
} HTTP_HEAD;

/* Writes all bytes; FALSE on error. */
BOOL SendAll(int socket, const BYTE *data, ULONG length);

/* Reads up to the blank line ending an HTTP head; bytes after it are kept in the connection. */
HRESULT ReadHttpHead(CONNECTION *connection, HTTP_HEAD *head);

/* Appends "Name: value\r\n" lines for the headers to `out` (NUL-terminated). */
BOOL AppendHeaders(CHAR *out, ULONG capacity, const WEB_SOCKET_HTTP_HEADER *headers, ULONG count);

/* Runs the handle's actions until it has nothing to hand out (NO_ACTION): writes and reads the
   socket for the network actions, collects what INDICATE_RECEIVE_COMPLETE delivers. */
HRESULT RunActions(WEB_SOCKET_HANDLE handle, CONNECTION *connection);

/* Sends one buffer and pumps until the send is complete. */
HRESULT SendAndWait(WEB_SOCKET_HANDLE handle, CONNECTION *connection, WEB_SOCKET_BUFFER_TYPE type,
                    WEB_SOCKET_BUFFER *buffer);

/* Receives until a whole message, a close, or a pong has arrived; the result is in `connection`. */
HRESULT ReceiveMessage(WEB_SOCKET_HANDLE handle, CONNECTION *connection);

/* Abort, then give every queued action back, as a Windows host does before deleting a handle. */
VOID AbortAndDrain(WEB_SOCKET_HANDLE handle);

/* Sets a receive time-out so a silent peer cannot hang the example. */
VOID SetSocketTimeout(int socket, int seconds);

#endif

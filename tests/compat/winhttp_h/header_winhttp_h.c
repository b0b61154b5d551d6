/* <winhttp.h> compiles on its own (it brings the <windows.h> it needs), as C99 and (through
 * header_winhttp_h.cpp) as C++, with -pedantic-errors: the names and values rules 30-55 of
 * shared/spec/README.md rely on, the layouts of the structures, and the prototypes. The functions
 * are not implemented yet, so their types are checked by redeclaring each one with the exact SDK
 * type inside extern "C": a C function redeclared with another type does not compile (in C++ too,
 * where a plain redeclaration would be an overload). Nothing here needs them at link time. */
#include <winhttp.h>

#include <stddef.h>
#include <stdio.h>

#define WHH_CHECK(name, condition) typedef char whh_check_##name[(condition) ? 1 : -1]

/* Layouts on x86_64, what the SDK's 8-byte packing gives on Win64. */
WHH_CHECK(async_result_is_16_bytes, sizeof(WINHTTP_ASYNC_RESULT) == 16);
WHH_CHECK(async_result_error_offset, offsetof(WINHTTP_ASYNC_RESULT, dwError) == 8);
WHH_CHECK(web_socket_async_result_is_24_bytes, sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT) == 24);
WHH_CHECK(web_socket_async_result_operation_offset, offsetof(WINHTTP_WEB_SOCKET_ASYNC_RESULT, Operation) == 16);
WHH_CHECK(web_socket_status_is_8_bytes, sizeof(WINHTTP_WEB_SOCKET_STATUS) == 8);
WHH_CHECK(web_socket_status_type_offset, offsetof(WINHTTP_WEB_SOCKET_STATUS, eBufferType) == 4);
WHH_CHECK(enums_are_4_bytes, sizeof(WINHTTP_WEB_SOCKET_BUFFER_TYPE) == 4 &&
                                 sizeof(WINHTTP_WEB_SOCKET_OPERATION) == 4 &&
                                 sizeof(WINHTTP_WEB_SOCKET_CLOSE_STATUS) == 4);
WHH_CHECK(hinternet_is_a_pointer, sizeof(HINTERNET) == sizeof(void *));
WHH_CHECK(internet_port_is_16_bits, sizeof(INTERNET_PORT) == 2);
WHH_CHECK(proxy_info_size, sizeof(WINHTTP_PROXY_INFO) == 3 * sizeof(void *));

/* The prototypes, by their exact types (see the top comment). */
#ifdef __cplusplus
extern "C" {
#endif
HINTERNET WINAPI WinHttpOpen(LPCWSTR, DWORD, LPCWSTR, LPCWSTR, DWORD);
HINTERNET WINAPI WinHttpConnect(HINTERNET, LPCWSTR, INTERNET_PORT, DWORD);
HINTERNET WINAPI WinHttpOpenRequest(HINTERNET, LPCWSTR, LPCWSTR, LPCWSTR, LPCWSTR, LPCWSTR *, DWORD);
BOOL WINAPI WinHttpSetOption(HINTERNET, DWORD, LPVOID, DWORD);
BOOL WINAPI WinHttpQueryOption(HINTERNET, DWORD, LPVOID, LPDWORD);
BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET, LPCWSTR, DWORD, DWORD);
BOOL WINAPI WinHttpSendRequest(HINTERNET, LPCWSTR, DWORD, LPVOID, DWORD, DWORD, DWORD_PTR);
BOOL WINAPI WinHttpReceiveResponse(HINTERNET, LPVOID);
BOOL WINAPI WinHttpQueryHeaders(HINTERNET, DWORD, LPCWSTR, LPVOID, LPDWORD, LPDWORD);
BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET, LPDWORD);
BOOL WINAPI WinHttpReadData(HINTERNET, LPVOID, DWORD, LPDWORD);
BOOL WINAPI WinHttpSetTimeouts(HINTERNET, int, int, int, int);
WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(HINTERNET, WINHTTP_STATUS_CALLBACK, DWORD, DWORD_PTR);
BOOL WINAPI WinHttpCloseHandle(HINTERNET);
HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(HINTERNET, DWORD_PTR);
DWORD WINAPI WinHttpWebSocketSend(HINTERNET, WINHTTP_WEB_SOCKET_BUFFER_TYPE, PVOID, DWORD);
DWORD WINAPI WinHttpWebSocketReceive(HINTERNET, PVOID, DWORD, DWORD *, WINHTTP_WEB_SOCKET_BUFFER_TYPE *);
DWORD WINAPI WinHttpWebSocketShutdown(HINTERNET, USHORT, PVOID, DWORD);
DWORD WINAPI WinHttpWebSocketClose(HINTERNET, USHORT, PVOID, DWORD);
DWORD WINAPI WinHttpWebSocketQueryCloseStatus(HINTERNET, USHORT *, PVOID, DWORD, DWORD *);
#ifdef __cplusplus
}
#endif

/* A callback of the SDK's type, as applications write them. */
static VOID CALLBACK on_status(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID information,
                               DWORD length) {
  (void)handle;
  (void)context;
  (void)status;
  (void)information;
  (void)length;
}

static int failures = 0;

static void expect(int condition, const char *what) {
  if (!condition) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

int main(void) {
  WINHTTP_STATUS_CALLBACK callback = on_status;
  WINHTTP_WEB_SOCKET_STATUS status;
  WINHTTP_WEB_SOCKET_ASYNC_RESULT result;

  expect(callback != NULL && callback != WINHTTP_INVALID_STATUS_CALLBACK, "callback type");
  expect((DWORD_PTR)WINHTTP_INVALID_STATUS_CALLBACK == (DWORD_PTR)-1, "WINHTTP_INVALID_STATUS_CALLBACK is -1");

  /* Rule 31: the upgrade option, set with NULL and 0 before WinHttpSendRequest. */
  expect(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET == 114, "rule 31: WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET");
  /* Rule 32: CompleteUpgrade needs a 101. */
  expect(HTTP_STATUS_SWITCH_PROTOCOLS == 101, "rule 32: HTTP_STATUS_SWITCH_PROTOCOLS");
  expect(WINHTTP_QUERY_STATUS_CODE == 19 && WINHTTP_QUERY_FLAG_NUMBER == 0x20000000, "rule 32: status query");
  /* Rule 33: HANDLE_CREATED, asynchronous iff the session was. */
  expect(WINHTTP_CALLBACK_STATUS_HANDLE_CREATED == 0x400 && WINHTTP_FLAG_ASYNC == 0x10000000,
         "rule 33: HANDLE_CREATED, WINHTTP_FLAG_ASYNC");
  /* Rule 35: the websocket buffer-size options. */
  expect(WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE == 122 && WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE == 123,
         "rule 35: buffer-size options");
  /* Rules 36, 37, 41, 42: the buffer types (not websocket.h's values). */
  expect(WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE == 0 && WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE == 1 &&
             WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE == 2 && WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE == 3 &&
             WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE == 4,
         "rules 36-42: WINHTTP_WEB_SOCKET_BUFFER_TYPE values");
  expect(ERROR_INVALID_PARAMETER == 87, "rule 37: ERROR_INVALID_PARAMETER");
  /* Rules 38, 39: the completion payload and its statuses. */
  expect(WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE == 0x00100000 && WINHTTP_CALLBACK_STATUS_READ_COMPLETE == 0x00080000,
         "rules 38-39: READ_COMPLETE, WRITE_COMPLETE");
  status.dwBytesTransferred = 5;
  status.eBufferType = WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
  expect(status.dwBytesTransferred == 5 && status.eBufferType == 2, "rule 39: WINHTTP_WEB_SOCKET_STATUS fields");
  /* Rules 40, 42, 44, 46, 50: the operation refused. */
  expect(ERROR_INVALID_OPERATION == 4317, "rules 40-50: ERROR_INVALID_OPERATION");
  /* Rule 45: a too-small reason buffer. */
  expect(ERROR_INSUFFICIENT_BUFFER == 122, "rule 45: ERROR_INSUFFICIENT_BUFFER");
  /* Rule 47: Shutdown's ERROR_IO_PENDING is success. */
  expect(ERROR_IO_PENDING == 997, "rule 47: ERROR_IO_PENDING");
  /* Rule 48: the close reason limit. */
  expect(WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH == 123, "rule 48: WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH");
  /* Rule 49: the cancelled receive's REQUEST_ERROR, then CLOSE_COMPLETE. */
  expect(ERROR_WINHTTP_OPERATION_CANCELLED == 12017, "rule 49: ERROR_WINHTTP_OPERATION_CANCELLED");
  expect(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR == 0x00200000 && WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE == 0x02000000 &&
             WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE == 0x04000000,
         "rule 49: REQUEST_ERROR, CLOSE_COMPLETE, SHUTDOWN_COMPLETE");
  result.AsyncResult.dwResult = 0;
  result.AsyncResult.dwError = ERROR_WINHTTP_OPERATION_CANCELLED;
  result.Operation = WINHTTP_WEB_SOCKET_RECEIVE_OPERATION;
  expect(result.Operation == 1 && WINHTTP_WEB_SOCKET_SEND_OPERATION == 0 && WINHTTP_WEB_SOCKET_CLOSE_OPERATION == 2 &&
             WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION == 3,
         "rule 49: WINHTTP_WEB_SOCKET_OPERATION values");
  /* Rule 51: the close timeout option. */
  expect(WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT == 115, "rule 51: WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT");
  /* Rule 52: HANDLE_CLOSING is the last callback. */
  expect(WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING == 0x800 && WINHTTP_CALLBACK_FLAG_HANDLES == 0xC00,
         "rule 52: HANDLE_CLOSING, FLAG_HANDLES");
  /* Rule 53: the keep-alive option and its floor. */
  expect(WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL == 116 && WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE == 15000,
         "rule 53: keep-alive");
  /* Rule 55: invalid data from the server. */
  expect(ERROR_WINHTTP_INVALID_SERVER_RESPONSE == 12152, "rule 55: ERROR_WINHTTP_INVALID_SERVER_RESPONSE");

  /* The rest of the spec's tables. */
  expect(WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS == 0x097E0000, "ALL_COMPLETIONS as in a current SDK");
  expect(WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS == 0xFFFFFFFFu, "ALL_NOTIFICATIONS");
  expect(INTERNET_DEFAULT_PORT == 0 && INTERNET_DEFAULT_HTTP_PORT == 80 && INTERNET_DEFAULT_HTTPS_PORT == 443, "ports");
  expect(WINHTTP_FLAG_SECURE == 0x00800000 && WINHTTP_FLAG_SECURE_DEFAULTS == 0x30000000, "secure flags");
  expect(WINHTTP_ACCESS_TYPE_DEFAULT_PROXY == 0 && WINHTTP_ACCESS_TYPE_NO_PROXY == 1 &&
             WINHTTP_ACCESS_TYPE_NAMED_PROXY == 3 && WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY == 4,
         "access types");
  expect(WINHTTP_ADDREQ_FLAG_ADD == 0x20000000 && WINHTTP_ADDREQ_FLAG_REPLACE == 0x80000000u &&
             WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON == 0x01000000,
         "WinHttpAddRequestHeaders modifiers");
  expect(WINHTTP_QUERY_CUSTOM == 65535 && WINHTTP_QUERY_UPGRADE == 64 && WINHTTP_QUERY_RAW_HEADERS_CRLF == 22,
         "query info levels");
  expect(WINHTTP_OPTION_CONTEXT_VALUE == 45 && WINHTTP_OPTION_SECURITY_FLAGS == 31 && WINHTTP_OPTION_HANDLE_TYPE == 9,
         "options");
  expect(WINHTTP_HANDLE_TYPE_WEBSOCKET == 5, "WINHTTP_HANDLE_TYPE_WEBSOCKET is 5 (Wine's 4 is internal)");
  expect(WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS == 1000 && WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS == 1005 &&
             WINHTTP_WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS == 1015,
         "close statuses");
  expect(API_RECEIVE_RESPONSE == 1 && API_QUERY_DATA_AVAILABLE == 2 && API_READ_DATA == 3 && API_SEND_REQUEST == 5,
         "API_* values");
  expect(ERROR_WINHTTP_TIMEOUT == 12002 && ERROR_WINHTTP_INCORRECT_HANDLE_TYPE == 12018 &&
             ERROR_WINHTTP_INCORRECT_HANDLE_STATE == 12019 && ERROR_WINHTTP_HEADER_NOT_FOUND == 12150 &&
             ERROR_WINHTTP_SECURE_FAILURE == 12175 && ERROR_WINHTTP_HEADER_SIZE_OVERFLOW == 12182,
         "WinHTTP error codes");
  expect(WINHTTP_NO_ADDITIONAL_HEADERS == NULL && WINHTTP_NO_PROXY_NAME == NULL && WINHTTP_NO_REFERER == NULL,
         "NULL prettifiers");
  return failures == 0 ? 0 : 1;
}

/* <websocket.h> compiles on its own (it brings the <windows.h> it needs), as C99 and (through
 * header_websocket_h.cpp) as C++: every name and value of the SDK header, the layouts of its
 * structures, and the 13 functions with C linkage and their exact types (linked from
 * websock_compat). Built with -pedantic-errors; a wrong function type fails the build. */
#include <websocket.h>

#include <stddef.h>
#include <stdio.h>

#define WSH_CHECK(name, condition) typedef char wsh_check_##name[(condition) ? 1 : -1]

/* Layouts: x64 24/32/16 bytes, x86 12/16/12. */
WSH_CHECK(property_size, sizeof(WEB_SOCKET_PROPERTY) == (sizeof(void *) == 8 ? 24 : 12));
WSH_CHECK(http_header_size, sizeof(WEB_SOCKET_HTTP_HEADER) == 4 * sizeof(void *));
WSH_CHECK(buffer_size, sizeof(WEB_SOCKET_BUFFER) == (sizeof(void *) == 8 ? 16 : 12));
WSH_CHECK(property_value_offset, offsetof(WEB_SOCKET_PROPERTY, pvValue) == sizeof(void *));
WSH_CHECK(header_value_offset, offsetof(WEB_SOCKET_HTTP_HEADER, pcValue) == 2 * sizeof(void *));
WSH_CHECK(close_status_offset,
          offsetof(WEB_SOCKET_BUFFER, CloseStatus.usStatus) == sizeof(void *) + sizeof(ULONG));
WSH_CHECK(enum_sizes, sizeof(WEB_SOCKET_BUFFER_TYPE) == 4 && sizeof(WEB_SOCKET_ACTION) == 4 &&
                          sizeof(WEB_SOCKET_ACTION_QUEUE) == 4 && sizeof(WEB_SOCKET_PROPERTY_TYPE) == 4);
WSH_CHECK(handle_size, sizeof(WEB_SOCKET_HANDLE) == sizeof(void *));
WSH_CHECK(max_reason, WEB_SOCKET_MAX_CLOSE_REASON_LENGTH == 123);

/* The functions, by their exact types. */
static HRESULT(WINAPI *create_client)(const PWEB_SOCKET_PROPERTY, ULONG, WEB_SOCKET_HANDLE *) =
    WebSocketCreateClientHandle;
static HRESULT(WINAPI *create_server)(const PWEB_SOCKET_PROPERTY, ULONG, WEB_SOCKET_HANDLE *) =
    WebSocketCreateServerHandle;
static HRESULT(WINAPI *begin_client)(WEB_SOCKET_HANDLE, PCSTR *, ULONG, PCSTR *, ULONG,
                                     const PWEB_SOCKET_HTTP_HEADER, ULONG, PWEB_SOCKET_HTTP_HEADER *,
                                     ULONG *) = WebSocketBeginClientHandshake;
static HRESULT(WINAPI *end_client)(WEB_SOCKET_HANDLE, const PWEB_SOCKET_HTTP_HEADER, ULONG, ULONG *,
                                   ULONG *, ULONG *) = WebSocketEndClientHandshake;
static HRESULT(WINAPI *begin_server)(WEB_SOCKET_HANDLE, PCSTR, PCSTR *, ULONG,
                                     const PWEB_SOCKET_HTTP_HEADER, ULONG, PWEB_SOCKET_HTTP_HEADER *,
                                     ULONG *) = WebSocketBeginServerHandshake;
static HRESULT(WINAPI *end_server)(WEB_SOCKET_HANDLE) = WebSocketEndServerHandshake;
static HRESULT(WINAPI *send_fn)(WEB_SOCKET_HANDLE, WEB_SOCKET_BUFFER_TYPE, WEB_SOCKET_BUFFER *,
                                PVOID) = WebSocketSend;
static HRESULT(WINAPI *receive_fn)(WEB_SOCKET_HANDLE, WEB_SOCKET_BUFFER *, PVOID) = WebSocketReceive;
static HRESULT(WINAPI *get_action)(WEB_SOCKET_HANDLE, WEB_SOCKET_ACTION_QUEUE, WEB_SOCKET_BUFFER *,
                                   ULONG *, WEB_SOCKET_ACTION *, WEB_SOCKET_BUFFER_TYPE *, PVOID *,
                                   PVOID *) = WebSocketGetAction;
static VOID(WINAPI *complete_action)(WEB_SOCKET_HANDLE, PVOID, ULONG) = WebSocketCompleteAction;
static VOID(WINAPI *abort_handle)(WEB_SOCKET_HANDLE) = WebSocketAbortHandle;
static VOID(WINAPI *delete_handle)(WEB_SOCKET_HANDLE) = WebSocketDeleteHandle;
static HRESULT(WINAPI *global_property)(WEB_SOCKET_PROPERTY_TYPE, PVOID, ULONG *) =
    WebSocketGetGlobalProperty;

static int failures = 0;

static void expect(int condition, const char *what) {
  if (!condition) {
    printf("FAILED: %s\n", what);
    ++failures;
  }
}

int main(void) {
  WEB_SOCKET_HANDLE client = NULL;
  WEB_SOCKET_HANDLE server = NULL;
  WEB_SOCKET_BUFFER buffers[2];
  ULONG count = 2;
  WEB_SOCKET_ACTION action = WEB_SOCKET_SEND_TO_NETWORK_ACTION;
  WEB_SOCKET_BUFFER_TYPE type = WEB_SOCKET_CLOSE_BUFFER_TYPE;
  PVOID token = NULL;
  ULONG value = 0;
  ULONG size = sizeof value;

  expect((ULONG)E_INVALID_PROTOCOL_OPERATION == 0x83760001u, "E_INVALID_PROTOCOL_OPERATION");
  expect((ULONG)E_INVALID_PROTOCOL_FORMAT == 0x83760002u, "E_INVALID_PROTOCOL_FORMAT");
  expect((ULONG)E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED == 0x83760003u, "E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED");
  expect((ULONG)E_SUBPROTOCOL_NOT_SUPPORTED == 0x83760004u, "E_SUBPROTOCOL_NOT_SUPPORTED");
  expect((ULONG)E_PROTOCOL_VERSION_NOT_SUPPORTED == 0x83760005u, "E_PROTOCOL_VERSION_NOT_SUPPORTED");
  expect(E_UNSUPPORTED_EXTENSION == E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED, "E_UNSUPPORTED_EXTENSION");
  expect(E_UNSUPPORTED_SUBPROTOCOL == E_SUBPROTOCOL_NOT_SUPPORTED, "E_UNSUPPORTED_SUBPROTOCOL");

  expect((ULONG)WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE == 0x80000000u, "UTF8_MESSAGE");
  expect((ULONG)WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE == 0x80000001u, "UTF8_FRAGMENT");
  expect((ULONG)WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE == 0x80000002u, "BINARY_MESSAGE");
  expect((ULONG)WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE == 0x80000003u, "BINARY_FRAGMENT");
  expect((ULONG)WEB_SOCKET_CLOSE_BUFFER_TYPE == 0x80000004u, "CLOSE");
  expect((ULONG)WEB_SOCKET_PING_PONG_BUFFER_TYPE == 0x80000005u, "PING_PONG");
  expect((ULONG)WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE == 0x80000006u, "UNSOLICITED_PONG");
  expect(WEB_SOCKET_NO_ACTION == 0 && WEB_SOCKET_SEND_TO_NETWORK_ACTION == 1 &&
             WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION == 2 && WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION == 3 &&
             WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION == 4,
         "WEB_SOCKET_ACTION");
  expect(WEB_SOCKET_SEND_ACTION_QUEUE == 1 && WEB_SOCKET_RECEIVE_ACTION_QUEUE == 2 &&
             WEB_SOCKET_ALL_ACTION_QUEUE == 3,
         "WEB_SOCKET_ACTION_QUEUE");
  expect(WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE == 0 && WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE == 1 &&
             WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE == 2 && WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE == 3 &&
             WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE == 4 &&
             WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE == 5 && WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE == 6,
         "WEB_SOCKET_PROPERTY_TYPE");
  expect(WEB_SOCKET_SUCCESS_CLOSE_STATUS == 1000 && WEB_SOCKET_ENDPOINT_UNAVAILABLE_CLOSE_STATUS == 1001 &&
             WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS == 1002 && WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS == 1003 &&
             WEB_SOCKET_EMPTY_CLOSE_STATUS == 1005 && WEB_SOCKET_ABORTED_CLOSE_STATUS == 1006 &&
             WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS == 1007 && WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS == 1008 &&
             WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS == 1009 &&
             WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS == 1010 &&
             WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS == 1011 &&
             WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS == 1015,
         "WEB_SOCKET_CLOSE_STATUS");

  /* The functions are callable from C: create, idle pump, delete. */
  expect(create_client(NULL, 0, &client) == S_OK && client != NULL, "create client");
  expect(create_server(NULL, 0, &server) == S_OK && server != NULL, "create server");
  expect(get_action(client, WEB_SOCKET_ALL_ACTION_QUEUE, buffers, &count, &action, &type, NULL, &token) == S_OK,
         "GetAction");
  expect(action == WEB_SOCKET_NO_ACTION && count == 0 && token == NULL, "idle GetAction");
  expect(send_fn(client, WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, NULL, NULL) == E_INVALID_PROTOCOL_OPERATION,
         "Send before handshake");
  expect(receive_fn(client, NULL, NULL) == E_INVALID_PROTOCOL_OPERATION, "Receive before handshake");
  expect(end_client(client, NULL, 0, NULL, NULL, NULL) == E_INVALID_PROTOCOL_OPERATION, "End before Begin");
  expect(end_server(server) == E_INVALID_PROTOCOL_OPERATION, "EndServer before Begin");
  expect(begin_client(NULL, NULL, 0, NULL, 0, NULL, 0, NULL, NULL) == E_INVALIDARG, "BeginClient NULL");
  expect(begin_server(NULL, NULL, NULL, 0, NULL, 0, NULL, NULL) == E_INVALIDARG, "BeginServer NULL");
  expect(global_property(WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE, &value, &size) == S_OK && value == 13,
         "supported versions");
  complete_action(client, NULL, 0);
  abort_handle(client);
  delete_handle(client);
  delete_handle(server);
  return failures == 0 ? 0 : 1;
}

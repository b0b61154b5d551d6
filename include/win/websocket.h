/*
 * websocket.h: the Windows WebSocket Protocol Component API, source-compatible, for websock.
 *
 * The same names, values, types and the 13 functions as the Windows SDK header of this name
 * (websocket.dll), implemented over websock's RFC 6455 core by the library websock_compat.
 * Plain C (C99 and later) and C++. Behaviour and every choice the Windows documentation leaves
 * open are described in docs/compat/websocket_h.md.
 *
 * The component is sans-I/O: it builds and checks the upgrade headers, frames, masks, parses and
 * validates, but the application moves every byte. WebSocketSend and WebSocketReceive only queue
 * work; WebSocketGetAction hands out what to do next (write these buffers, read into this buffer,
 * this send or receive has finished) and WebSocketCompleteAction reports that it was done.
 *
 * HRESULTs a function can return (besides S_OK):
 *   E_INVALIDARG                       NULL handle, bad input parameter or property
 *   E_POINTER                          NULL required output pointer
 *   E_OUTOFMEMORY                      allocation failed
 *   E_INVALID_PROTOCOL_OPERATION       call not allowed in this state (handshake not finished,
 *                                      operation already outstanding, data after close, aborted)
 *   E_INVALID_PROTOCOL_FORMAT          bad handshake headers; bad bytes from the network
 *   E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED  server chose an extension that was not offered
 *   E_SUBPROTOCOL_NOT_SUPPORTED        server chose a subprotocol that was not offered
 *   E_PROTOCOL_VERSION_NOT_SUPPORTED   Sec-WebSocket-Version other than 13
 *   HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)  WebSocketGetGlobalProperty: buffer too small
 */
#ifndef WEBSOCK_WIN_WEBSOCKET_H
#define WEBSOCK_WIN_WEBSOCKET_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ HRESULTs (winerror.h) */
#ifndef E_INVALID_PROTOCOL_OPERATION
#define E_INVALID_PROTOCOL_OPERATION _HRESULT_TYPEDEF_(0x83760001u)
#endif
#ifndef E_INVALID_PROTOCOL_FORMAT
#define E_INVALID_PROTOCOL_FORMAT _HRESULT_TYPEDEF_(0x83760002u)
#endif
#ifndef E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED
#define E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED _HRESULT_TYPEDEF_(0x83760003u)
#endif
#ifndef E_SUBPROTOCOL_NOT_SUPPORTED
#define E_SUBPROTOCOL_NOT_SUPPORTED _HRESULT_TYPEDEF_(0x83760004u)
#endif
#ifndef E_PROTOCOL_VERSION_NOT_SUPPORTED
#define E_PROTOCOL_VERSION_NOT_SUPPORTED _HRESULT_TYPEDEF_(0x83760005u)
#endif
/* The names the WebSocketEndClientHandshake documentation uses for the same two values. */
#ifndef E_UNSUPPORTED_EXTENSION
#define E_UNSUPPORTED_EXTENSION E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED
#endif
#ifndef E_UNSUPPORTED_SUBPROTOCOL
#define E_UNSUPPORTED_SUBPROTOCOL E_SUBPROTOCOL_NOT_SUPPORTED
#endif

/* ------------------------------------------------------------------ types */

DECLARE_HANDLE(WEB_SOCKET_HANDLE);

/*
 * In C++ the enums get an explicit underlying type: every value a C caller can store in one is
 * then a valid value of the C++ type too (as in C, and as MSVC treats them), so passing an
 * out-of-range value is an error the function reports, never undefined behaviour.
 */
#ifdef __cplusplus
#define WEBSOCK_WIN_ENUM_BASE(type) : type
#else
#define WEBSOCK_WIN_ENUM_BASE(type)
#endif


#define WEB_SOCKET_MAX_CLOSE_REASON_LENGTH 123

typedef enum _WEB_SOCKET_CLOSE_STATUS WEBSOCK_WIN_ENUM_BASE(int) {
  WEB_SOCKET_SUCCESS_CLOSE_STATUS = 1000,
  WEB_SOCKET_ENDPOINT_UNAVAILABLE_CLOSE_STATUS = 1001,
  WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS = 1002,
  WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS = 1003,
  WEB_SOCKET_EMPTY_CLOSE_STATUS = 1005,
  WEB_SOCKET_ABORTED_CLOSE_STATUS = 1006,
  WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS = 1007,
  WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS = 1008,
  WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS = 1009,
  WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS = 1010,
  WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS = 1011,
  WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS = 1015
} WEB_SOCKET_CLOSE_STATUS;

typedef enum _WEB_SOCKET_PROPERTY_TYPE WEBSOCK_WIN_ENUM_BASE(int) {
  WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE = 0,
  WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE = 1,
  WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE = 2,
  WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE = 3,
  WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE = 4,
  WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE = 5,
  WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE = 6
} WEB_SOCKET_PROPERTY_TYPE;

typedef enum _WEB_SOCKET_ACTION_QUEUE WEBSOCK_WIN_ENUM_BASE(int) {
  WEB_SOCKET_SEND_ACTION_QUEUE = 0x1,
  WEB_SOCKET_RECEIVE_ACTION_QUEUE = 0x2,
  WEB_SOCKET_ALL_ACTION_QUEUE = WEB_SOCKET_SEND_ACTION_QUEUE | WEB_SOCKET_RECEIVE_ACTION_QUEUE
} WEB_SOCKET_ACTION_QUEUE;

/*
 * The SDK writes these as 0x80000000..0x80000006. C++ takes them as they are (the enum's type is
 * unsigned int, as GCC and Clang make it for the real SDK header). C99 requires an enum constant
 * to fit in an int, so in C they are the int with the same bit pattern: the same 32 bits and the
 * (signed int) type that MSVC gives the enum. Either way the enum is 4 bytes.
 */
#ifdef __cplusplus
#define WEBSOCK_WIN_U32_ENUM_VALUE(value) value
#else
#define WEBSOCK_WIN_U32_ENUM_VALUE(value) ((int)value)
#endif
typedef enum _WEB_SOCKET_BUFFER_TYPE WEBSOCK_WIN_ENUM_BASE(unsigned int) {
  WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000000u),
  WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000001u),
  WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000002u),
  WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000003u),
  WEB_SOCKET_CLOSE_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000004u),
  WEB_SOCKET_PING_PONG_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000005u),
  WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE = WEBSOCK_WIN_U32_ENUM_VALUE(0x80000006u)
} WEB_SOCKET_BUFFER_TYPE;
#undef WEBSOCK_WIN_U32_ENUM_VALUE

typedef enum _WEB_SOCKET_ACTION WEBSOCK_WIN_ENUM_BASE(int) {
  WEB_SOCKET_NO_ACTION = 0,
  WEB_SOCKET_SEND_TO_NETWORK_ACTION = 1,
  WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION = 2,
  WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION = 3,
  WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION = 4
} WEB_SOCKET_ACTION,
    *PWEB_SOCKET_ACTION;

typedef struct _WEB_SOCKET_PROPERTY {
  WEB_SOCKET_PROPERTY_TYPE Type;
  PVOID pvValue;     /* points at the value (ALLOCATED_BUFFER: is the buffer) */
  ULONG ulValueSize; /* bytes at pvValue */
} WEB_SOCKET_PROPERTY, *PWEB_SOCKET_PROPERTY;

typedef struct _WEB_SOCKET_HTTP_HEADER {
  PCHAR pcName; /* not NUL-terminated */
  ULONG ulNameLength;
  PCHAR pcValue; /* not NUL-terminated */
  ULONG ulValueLength;
} WEB_SOCKET_HTTP_HEADER, *PWEB_SOCKET_HTTP_HEADER;

typedef union _WEB_SOCKET_BUFFER {
  struct {
    _Field_size_bytes_(ulBufferLength) PBYTE pbBuffer;
    ULONG ulBufferLength;
  } Data;
  struct {
    _Field_size_bytes_(ulReasonLength) PBYTE pbReason; /* UTF-8; NULL when ulReasonLength is 0 */
    _Field_range_(0, WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) ULONG ulReasonLength;
    USHORT usStatus;
  } CloseStatus;
} WEB_SOCKET_BUFFER, *PWEB_SOCKET_BUFFER;

#undef WEBSOCK_WIN_ENUM_BASE

/* ------------------------------------------------------------------ functions */

/* Handles. Properties 0-4 may be given; NULL/0 means all defaults. */
HRESULT WINAPI WebSocketCreateClientHandle(
    _In_reads_(ulPropertyCount) const PWEB_SOCKET_PROPERTY pProperties,
    _In_ ULONG ulPropertyCount,
    _Out_ WEB_SOCKET_HANDLE *phWebSocket);

HRESULT WINAPI WebSocketBeginClientHandshake(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_reads_opt_(ulSubprotocolCount) PCSTR *pszSubprotocols,
    _In_ ULONG ulSubprotocolCount,
    _In_reads_opt_(ulExtensionCount) PCSTR *pszExtensions,
    _In_ ULONG ulExtensionCount,
    _In_reads_opt_(ulInitialHeaderCount) const PWEB_SOCKET_HTTP_HEADER pInitialHeaders,
    _In_ ULONG ulInitialHeaderCount,
    _Out_writes_(*pulAdditionalHeaderCount) PWEB_SOCKET_HTTP_HEADER *pAdditionalHeaders,
    _Out_ ULONG *pulAdditionalHeaderCount);

HRESULT WINAPI WebSocketEndClientHandshake(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_reads_(ulReponseHeaderCount) const PWEB_SOCKET_HTTP_HEADER pResponseHeaders,
    _In_ ULONG ulReponseHeaderCount,
    _Inout_updates_to_opt_(*pulSelectedExtensionCount, *pulSelectedExtensionCount)
        ULONG *pulSelectedExtensions,
    _Inout_opt_ ULONG *pulSelectedExtensionCount,
    _Inout_opt_ ULONG *pulSelectedSubprotocol);

HRESULT WINAPI WebSocketCreateServerHandle(
    _In_reads_(ulPropertyCount) const PWEB_SOCKET_PROPERTY pProperties,
    _In_ ULONG ulPropertyCount,
    _Out_ WEB_SOCKET_HANDLE *phWebSocket);

HRESULT WINAPI WebSocketBeginServerHandshake(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_opt_ PCSTR pszSubprotocolSelected,
    _In_reads_opt_(ulExtensionSelectedCount) PCSTR *pszExtensionSelected,
    _In_ ULONG ulExtensionSelectedCount,
    _In_reads_(ulRequestHeaderCount) const PWEB_SOCKET_HTTP_HEADER pRequestHeaders,
    _In_ ULONG ulRequestHeaderCount,
    _Out_writes_(*pulResponseHeaderCount) PWEB_SOCKET_HTTP_HEADER *pResponseHeaders,
    _Out_ ULONG *pulResponseHeaderCount);

HRESULT WINAPI WebSocketEndServerHandshake(
    _In_ WEB_SOCKET_HANDLE hWebSocket);

/* Queue one send (at most one outstanding). The payload must stay valid until
   WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION is returned for it. */
HRESULT WINAPI WebSocketSend(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_ WEB_SOCKET_BUFFER_TYPE BufferType,
    _In_opt_ WEB_SOCKET_BUFFER *pBuffer,
    _In_opt_ PVOID Context);

/* Queue one receive (at most one outstanding). pBuffer NULL: data is handed out in place. */
HRESULT WINAPI WebSocketReceive(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_opt_ WEB_SOCKET_BUFFER *pBuffer,
    _In_opt_ PVOID pvContext);

HRESULT WINAPI WebSocketGetAction(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_ WEB_SOCKET_ACTION_QUEUE eActionQueue,
    _Inout_updates_to_(*pulDataBufferCount, *pulDataBufferCount) WEB_SOCKET_BUFFER *pDataBuffers,
    _Inout_ ULONG *pulDataBufferCount,
    _Out_ WEB_SOCKET_ACTION *pAction,
    _Out_ WEB_SOCKET_BUFFER_TYPE *pBufferType,
    _Out_opt_ PVOID *pvApplicationContext,
    _Out_ PVOID *pvActionContext);

VOID WINAPI WebSocketCompleteAction(
    _In_ WEB_SOCKET_HANDLE hWebSocket,
    _In_ PVOID pvActionContext,
    _In_ ULONG ulBytesTransferred);

VOID WINAPI WebSocketAbortHandle(
    _In_ WEB_SOCKET_HANDLE hWebSocket);

VOID WINAPI WebSocketDeleteHandle(
    _In_ WEB_SOCKET_HANDLE hWebSocket);

HRESULT WINAPI WebSocketGetGlobalProperty(
    _In_ WEB_SOCKET_PROPERTY_TYPE eType,
    _Inout_updates_to_(*ulSize, *ulSize) PVOID pvValue,
    _Inout_ ULONG *ulSize);

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_WEBSOCKET_H */

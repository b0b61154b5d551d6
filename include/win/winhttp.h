/*
 * winhttp.h: the WinHTTP WebSocket client API, source-compatible, for websock.
 *
 * The names, values, types and prototypes of the Windows SDK header of this name for what a
 * WebSocket client needs (winhttp.dll): the ordinary WinHTTP calls that reach an upgrade (open,
 * connect, open request, options, send, receive the response, query headers, timeouts, status
 * callback, close) and the six WinHttpWebSocket* functions. Reference: shared/spec/
 * winhttp-websocket.md and rules 30-55 of shared/spec/README.md. Plain C (C99 and later) and C++.
 *
 * Also WinHttpQueryDataAvailable and WinHttpReadData, with which a client reads the body of a
 * response that refused the upgrade (a 401, 404 or 502 page) to report it.
 *
 * Not here: the rest of WinHTTP (WriteData and request bodies, URL cracking, proxy discovery,
 * credentials, the generic WinHttpProtocol* upgrade), so a program using those fails to compile
 * rather than at run time.
 *
 * Error reporting, as on Windows: functions returning BOOL or HINTERNET (and
 * WinHttpWebSocketCompleteUpgrade) report failure by FALSE/NULL and the reason through
 * GetLastError(); the other WinHttpWebSocket* functions return the Win32 error code (NO_ERROR on
 * success) and leave the last error alone (rule 54).
 *
 * Structures have the natural x86_64 layout, which is what the SDK's 8-byte packing gives on
 * Win64: WINHTTP_ASYNC_RESULT 16 bytes, WINHTTP_WEB_SOCKET_ASYNC_RESULT 24, WINHTTP_WEB_SOCKET_STATUS
 * 8. Strings are WCHAR (wchar_t) as everywhere in include/win.
 */
#ifndef WEBSOCK_WIN_WINHTTP_H
#define WEBSOCK_WIN_WINHTTP_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Linkage words of the SDK declarations, for programs that reuse them in their own. */
#define WINHTTPAPI
#ifndef BOOLAPI
#define BOOLAPI WINHTTPAPI BOOL WINAPI
#endif

/* In C++ the enums get an explicit int type: see websocket.h for why. */
#ifdef __cplusplus
#define WEBSOCK_WIN_ENUM_BASE(type) : type
#else
#define WEBSOCK_WIN_ENUM_BASE(type)
#endif

/* ------------------------------------------------------------------ types */

typedef LPVOID HINTERNET;
typedef HINTERNET *LPHINTERNET;

typedef WORD INTERNET_PORT;
typedef INTERNET_PORT *LPINTERNET_PORT;

typedef int INTERNET_SCHEME, *LPINTERNET_SCHEME;
#define INTERNET_SCHEME_HTTP (1)
#define INTERNET_SCHEME_HTTPS (2)

/*
 * The status callback. dwContext is the handle's context value; lpvStatusInformation and its
 * length depend on dwInternetStatus (WINHTTP_CALLBACK_STATUS_* below) and are valid only during
 * the call.
 */
typedef VOID(CALLBACK *WINHTTP_STATUS_CALLBACK)(_In_ HINTERNET hInternet, _In_ DWORD_PTR dwContext,
                                                _In_ DWORD dwInternetStatus,
                                                _In_ LPVOID lpvStatusInformation,
                                                _In_ DWORD dwStatusInformationLength);
typedef WINHTTP_STATUS_CALLBACK *LPWINHTTP_STATUS_CALLBACK;

/* What WinHttpSetStatusCallback returns on failure. */
#define WINHTTP_INVALID_STATUS_CALLBACK ((WINHTTP_STATUS_CALLBACK)(-1L))

/* REQUEST_ERROR payload of a request handle; dwResult is one of the API_* values below. */
typedef struct _WINHTTP_ASYNC_RESULT {
  DWORD_PTR dwResult;
  DWORD dwError;
} WINHTTP_ASYNC_RESULT, *LPWINHTTP_ASYNC_RESULT, *PWINHTTP_ASYNC_RESULT;

/* WINHTTP_OPTION_PROXY data. */
typedef struct _WINHTTP_PROXY_INFO {
  DWORD dwAccessType; /* WINHTTP_ACCESS_TYPE_* */
  LPWSTR lpszProxy;
  LPWSTR lpszProxyBypass;
} WINHTTP_PROXY_INFO, *LPWINHTTP_PROXY_INFO, *PWINHTTP_PROXY_INFO;
typedef WINHTTP_PROXY_INFO WINHTTP_PROXY_INFOW;
typedef LPWINHTTP_PROXY_INFO LPWINHTTP_PROXY_INFOW;

/* ------------------------------------------------------------------ ports, flags, prettifiers */

#define INTERNET_DEFAULT_PORT 0 /* WinHttpConnect: 80, or 443 for a WINHTTP_FLAG_SECURE request */
#define INTERNET_DEFAULT_HTTP_PORT 80
#define INTERNET_DEFAULT_HTTPS_PORT 443

/* WinHttpOpen dwFlags */
#define WINHTTP_FLAG_ASYNC 0x10000000
#define WINHTTP_FLAG_SECURE_DEFAULTS 0x30000000 /* implies WINHTTP_FLAG_ASYNC */

/* WinHttpOpenRequest dwFlags */
#define WINHTTP_FLAG_SECURE 0x00800000 /* TLS: wss:// */
#define WINHTTP_FLAG_ESCAPE_PERCENT 0x00000004
#define WINHTTP_FLAG_NULL_CODEPAGE 0x00000008
#define WINHTTP_FLAG_ESCAPE_DISABLE 0x00000040
#define WINHTTP_FLAG_ESCAPE_DISABLE_QUERY 0x00000080
#define WINHTTP_FLAG_BYPASS_PROXY_CACHE 0x00000100
#define WINHTTP_FLAG_REFRESH WINHTTP_FLAG_BYPASS_PROXY_CACHE

/* WinHttpOpen dwAccessType, WINHTTP_PROXY_INFO.dwAccessType */
#define WINHTTP_ACCESS_TYPE_DEFAULT_PROXY 0
#define WINHTTP_ACCESS_TYPE_NO_PROXY 1
#define WINHTTP_ACCESS_TYPE_NAMED_PROXY 3
#define WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY 4

/* Names for the NULL arguments, as the SDK spells them. */
#define WINHTTP_NO_PROXY_NAME NULL
#define WINHTTP_NO_PROXY_BYPASS NULL
#define WINHTTP_NO_CLIENT_CERT_CONTEXT NULL
#define WINHTTP_NO_REFERER NULL
#define WINHTTP_DEFAULT_ACCEPT_TYPES NULL
#define WINHTTP_NO_ADDITIONAL_HEADERS NULL
#define WINHTTP_NO_REQUEST_DATA NULL
#define WINHTTP_HEADER_NAME_BY_INDEX NULL
#define WINHTTP_NO_OUTPUT_BUFFER NULL
#define WINHTTP_NO_HEADER_INDEX NULL
#define WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH 0

/* WinHttpAddRequestHeaders dwModifiers */
#define WINHTTP_ADDREQ_INDEX_MASK 0x0000FFFF
#define WINHTTP_ADDREQ_FLAGS_MASK 0xFFFF0000
#define WINHTTP_ADDREQ_FLAG_ADD_IF_NEW 0x10000000
#define WINHTTP_ADDREQ_FLAG_ADD 0x20000000
#define WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA 0x40000000
#define WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON 0x01000000
#define WINHTTP_ADDREQ_FLAG_COALESCE WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA
#define WINHTTP_ADDREQ_FLAG_REPLACE 0x80000000

/* WINHTTP_OPTION_SECURITY_FLAGS (request handle) */
#define SECURITY_FLAG_IGNORE_UNKNOWN_CA 0x00000100
#define SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE 0x00000200
#define SECURITY_FLAG_IGNORE_CERT_CN_INVALID 0x00001000
#define SECURITY_FLAG_IGNORE_CERT_DATE_INVALID 0x00002000
#define SECURITY_FLAG_IGNORE_ALL_CERT_ERRORS                                         \
  (SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE |         \
   SECURITY_FLAG_IGNORE_CERT_CN_INVALID | SECURITY_FLAG_IGNORE_CERT_DATE_INVALID)

/* WINHTTP_OPTION_SECURE_PROTOCOLS (session handle) */
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1 0x00000080
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1 0x00000200
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 0x00000800
#define WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3 0x00002000

/* ------------------------------------------------------------------ options */

#define WINHTTP_OPTION_CALLBACK 1
#define WINHTTP_FIRST_OPTION WINHTTP_OPTION_CALLBACK
#define WINHTTP_OPTION_RESOLVE_TIMEOUT 2 /* DWORD ms; also WinHttpSetTimeouts */
#define WINHTTP_OPTION_CONNECT_TIMEOUT 3
#define WINHTTP_OPTION_CONNECT_RETRIES 4
#define WINHTTP_OPTION_SEND_TIMEOUT 5
#define WINHTTP_OPTION_RECEIVE_TIMEOUT 6
#define WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT 7
#define WINHTTP_OPTION_HANDLE_TYPE 9 /* DWORD, query: WINHTTP_HANDLE_TYPE_* */
#define WINHTTP_OPTION_READ_BUFFER_SIZE 12
#define WINHTTP_OPTION_WRITE_BUFFER_SIZE 13
#define WINHTTP_OPTION_PARENT_HANDLE 21
#define WINHTTP_OPTION_EXTENDED_ERROR 24
#define WINHTTP_OPTION_SECURITY_FLAGS 31
#define WINHTTP_OPTION_URL 34
#define WINHTTP_OPTION_PROXY 38 /* WINHTTP_PROXY_INFO */
#define WINHTTP_OPTION_USER_AGENT 41
#define WINHTTP_OPTION_CONTEXT_VALUE 45 /* DWORD_PTR; length must be sizeof(DWORD_PTR) */
#define WINHTTP_OPTION_CLIENT_CERT_CONTEXT 47
#define WINHTTP_OPTION_HTTP_VERSION 59
#define WINHTTP_OPTION_DISABLE_FEATURE 63
#define WINHTTP_OPTION_ENABLE_FEATURE 79
#define WINHTTP_OPTION_SECURE_PROTOCOLS 84
#define WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT 99
#define WINHTTP_OPTION_ASSURED_NON_BLOCKING_CALLBACKS 111
/* Request handle, set-only, NULL buffer and length 0, before WinHttpSendRequest (rule 31). */
#define WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET 114
/* Websocket handle, DWORD ms: how long WinHttpWebSocketClose waits; 10 s by default (rule 51). */
#define WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT 115
/* Websocket handle, DWORD ms: 30000 by default, less than 15000 is refused (rule 53). */
#define WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL 116
#define WINHTTP_OPTION_DECOMPRESSION 118
/* Session or request handle, DWORD bytes. A send buffer below 16 fails the upgrade (rule 35). */
#define WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE 122
#define WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE 123
#define WINHTTP_OPTION_USERNAME 0x1000
#define WINHTTP_OPTION_PASSWORD 0x1001
#define WINHTTP_OPTION_PROXY_USERNAME 0x1002
#define WINHTTP_OPTION_PROXY_PASSWORD 0x1003

/* WINHTTP_OPTION_HANDLE_TYPE values */
#define WINHTTP_HANDLE_TYPE_SESSION 1
#define WINHTTP_HANDLE_TYPE_CONNECT 2
#define WINHTTP_HANDLE_TYPE_REQUEST 3
#define WINHTTP_HANDLE_TYPE_PROXY_RESOLVER 4
#define WINHTTP_HANDLE_TYPE_WEBSOCKET 5
#define WINHTTP_HANDLE_TYPE_PROTOCOL 6 /* generic upgrade (WinHttpProtocol*), not provided */

/* ------------------------------------------------------------------ status callback */

#define WINHTTP_CALLBACK_STATUS_RESOLVING_NAME 0x00000001        /* LPWSTR server name */
#define WINHTTP_CALLBACK_STATUS_NAME_RESOLVED 0x00000002         /* LPWSTR address */
#define WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER 0x00000004  /* LPWSTR address */
#define WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER 0x00000008   /* LPWSTR address */
#define WINHTTP_CALLBACK_STATUS_SENDING_REQUEST 0x00000010       /* NULL */
#define WINHTTP_CALLBACK_STATUS_REQUEST_SENT 0x00000020          /* DWORD * bytes sent */
#define WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE 0x00000040    /* NULL */
#define WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED 0x00000080     /* DWORD * bytes received */
#define WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION 0x00000100    /* NULL */
#define WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED 0x00000200     /* NULL */
#define WINHTTP_CALLBACK_STATUS_HANDLE_CREATED 0x00000400        /* HINTERNET * new handle */
#define WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING 0x00000800        /* HINTERNET *; the last one */
#define WINHTTP_CALLBACK_STATUS_DETECTING_PROXY 0x00001000
#define WINHTTP_CALLBACK_STATUS_REDIRECT 0x00004000              /* LPWSTR new URL */
#define WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE 0x00008000 /* DWORD * status code */
#define WINHTTP_CALLBACK_STATUS_SECURE_FAILURE 0x00010000        /* DWORD * STATUS_FLAG_* bits */
#define WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE 0x00020000     /* NULL */
#define WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE 0x00040000        /* DWORD * */
#define WINHTTP_CALLBACK_STATUS_READ_COMPLETE 0x00080000         /* websocket: WINHTTP_WEB_SOCKET_STATUS * */
#define WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE 0x00100000        /* websocket: WINHTTP_WEB_SOCKET_STATUS * */
#define WINHTTP_CALLBACK_STATUS_REQUEST_ERROR 0x00200000         /* WINHTTP_(WEB_SOCKET_)ASYNC_RESULT * */
#define WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE 0x00400000
#define WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE 0x01000000
#define WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE 0x02000000        /* NULL, 0 */
#define WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE 0x04000000     /* NULL, 0 */
#define WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE 0x08000000
#define WINHTTP_CALLBACK_STATUS_SETTINGS_WRITE_COMPLETE 0x10000000
#define WINHTTP_CALLBACK_STATUS_SETTINGS_READ_COMPLETE 0x20000000

/* SECURE_FAILURE payload bits */
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED 0x00000001
#define WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT 0x00000002
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED 0x00000004
#define WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA 0x00000008
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID 0x00000010
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID 0x00000020
#define WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE 0x00000040
#define WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR 0x80000000

/* WINHTTP_ASYNC_RESULT.dwResult: which call failed */
#define API_RECEIVE_RESPONSE (1)
#define API_QUERY_DATA_AVAILABLE (2)
#define API_READ_DATA (3)
#define API_WRITE_DATA (4)
#define API_SEND_REQUEST (5)
#define API_GET_PROXY_FOR_URL (6)
#define API_GET_PROXY_SETTINGS (7)

/* Notification masks for WinHttpSetStatusCallback: each flag is its status bit, or a pair. */
#define WINHTTP_CALLBACK_FLAG_RESOLVE_NAME \
  (WINHTTP_CALLBACK_STATUS_RESOLVING_NAME | WINHTTP_CALLBACK_STATUS_NAME_RESOLVED)
#define WINHTTP_CALLBACK_FLAG_CONNECT_TO_SERVER \
  (WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER | WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER)
#define WINHTTP_CALLBACK_FLAG_SEND_REQUEST \
  (WINHTTP_CALLBACK_STATUS_SENDING_REQUEST | WINHTTP_CALLBACK_STATUS_REQUEST_SENT)
#define WINHTTP_CALLBACK_FLAG_RECEIVE_RESPONSE \
  (WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE | WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED)
#define WINHTTP_CALLBACK_FLAG_CLOSE_CONNECTION \
  (WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION | WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED)
#define WINHTTP_CALLBACK_FLAG_HANDLES \
  (WINHTTP_CALLBACK_STATUS_HANDLE_CREATED | WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
#define WINHTTP_CALLBACK_FLAG_DETECTING_PROXY WINHTTP_CALLBACK_STATUS_DETECTING_PROXY
#define WINHTTP_CALLBACK_FLAG_REDIRECT WINHTTP_CALLBACK_STATUS_REDIRECT
#define WINHTTP_CALLBACK_FLAG_INTERMEDIATE_RESPONSE WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE
#define WINHTTP_CALLBACK_FLAG_SECURE_FAILURE WINHTTP_CALLBACK_STATUS_SECURE_FAILURE
#define WINHTTP_CALLBACK_FLAG_SENDREQUEST_COMPLETE WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE
#define WINHTTP_CALLBACK_FLAG_HEADERS_AVAILABLE WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE
#define WINHTTP_CALLBACK_FLAG_DATA_AVAILABLE WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE
#define WINHTTP_CALLBACK_FLAG_READ_COMPLETE WINHTTP_CALLBACK_STATUS_READ_COMPLETE
#define WINHTTP_CALLBACK_FLAG_WRITE_COMPLETE WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE
#define WINHTTP_CALLBACK_FLAG_REQUEST_ERROR WINHTTP_CALLBACK_STATUS_REQUEST_ERROR
#define WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE
#define WINHTTP_CALLBACK_FLAG_GETPROXYSETTINGS_COMPLETE WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE
/*
 * As in a current SDK (older ones lack GETPROXYSETTINGS_COMPLETE). It has no CLOSE_COMPLETE or
 * SHUTDOWN_COMPLETE bit, yet consumers registering only this mask wait for those two, so an
 * implementation delivers them under it (shared/spec/winhttp-websocket.md, last section).
 */
#define WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS                                                       \
  (WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE | WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE |       \
   WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE | WINHTTP_CALLBACK_STATUS_READ_COMPLETE |                 \
   WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE | WINHTTP_CALLBACK_STATUS_REQUEST_ERROR |                 \
   WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE | WINHTTP_CALLBACK_STATUS_GETPROXYSETTINGS_COMPLETE)
#define WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS 0xffffffff

/* ------------------------------------------------------------------ WinHttpQueryHeaders */

#define WINHTTP_QUERY_MIME_VERSION 0
#define WINHTTP_QUERY_CONTENT_TYPE 1
#define WINHTTP_QUERY_CONTENT_TRANSFER_ENCODING 2
#define WINHTTP_QUERY_CONTENT_ID 3
#define WINHTTP_QUERY_CONTENT_DESCRIPTION 4
#define WINHTTP_QUERY_CONTENT_LENGTH 5
#define WINHTTP_QUERY_CONTENT_LANGUAGE 6
#define WINHTTP_QUERY_ALLOW 7
#define WINHTTP_QUERY_PUBLIC 8
#define WINHTTP_QUERY_DATE 9
#define WINHTTP_QUERY_EXPIRES 10
#define WINHTTP_QUERY_LAST_MODIFIED 11
#define WINHTTP_QUERY_MESSAGE_ID 12
#define WINHTTP_QUERY_URI 13
#define WINHTTP_QUERY_DERIVED_FROM 14
#define WINHTTP_QUERY_COST 15
#define WINHTTP_QUERY_LINK 16
#define WINHTTP_QUERY_PRAGMA 17
#define WINHTTP_QUERY_VERSION 18     /* status line: HTTP version */
#define WINHTTP_QUERY_STATUS_CODE 19 /* status line: code (101 for an upgrade) */
#define WINHTTP_QUERY_STATUS_TEXT 20 /* status line: reason phrase */
#define WINHTTP_QUERY_RAW_HEADERS 21
#define WINHTTP_QUERY_RAW_HEADERS_CRLF 22
#define WINHTTP_QUERY_CONNECTION 23
#define WINHTTP_QUERY_ACCEPT 24
#define WINHTTP_QUERY_ACCEPT_CHARSET 25
#define WINHTTP_QUERY_ACCEPT_ENCODING 26
#define WINHTTP_QUERY_ACCEPT_LANGUAGE 27
#define WINHTTP_QUERY_AUTHORIZATION 28
#define WINHTTP_QUERY_CONTENT_ENCODING 29
#define WINHTTP_QUERY_FORWARDED 30
#define WINHTTP_QUERY_FROM 31
#define WINHTTP_QUERY_IF_MODIFIED_SINCE 32
#define WINHTTP_QUERY_LOCATION 33
#define WINHTTP_QUERY_ORIG_URI 34
#define WINHTTP_QUERY_REFERER 35
#define WINHTTP_QUERY_RETRY_AFTER 36
#define WINHTTP_QUERY_SERVER 37
#define WINHTTP_QUERY_TITLE 38
#define WINHTTP_QUERY_USER_AGENT 39
#define WINHTTP_QUERY_WWW_AUTHENTICATE 40
#define WINHTTP_QUERY_PROXY_AUTHENTICATE 41
#define WINHTTP_QUERY_ACCEPT_RANGES 42
#define WINHTTP_QUERY_SET_COOKIE 43
#define WINHTTP_QUERY_COOKIE 44
#define WINHTTP_QUERY_REQUEST_METHOD 45
#define WINHTTP_QUERY_REFRESH 46
#define WINHTTP_QUERY_CONTENT_DISPOSITION 47
#define WINHTTP_QUERY_AGE 48
#define WINHTTP_QUERY_CACHE_CONTROL 49
#define WINHTTP_QUERY_CONTENT_BASE 50
#define WINHTTP_QUERY_CONTENT_LOCATION 51
#define WINHTTP_QUERY_CONTENT_MD5 52
#define WINHTTP_QUERY_CONTENT_RANGE 53
#define WINHTTP_QUERY_ETAG 54
#define WINHTTP_QUERY_HOST 55
#define WINHTTP_QUERY_IF_MATCH 56
#define WINHTTP_QUERY_IF_NONE_MATCH 57
#define WINHTTP_QUERY_IF_RANGE 58
#define WINHTTP_QUERY_IF_UNMODIFIED_SINCE 59
#define WINHTTP_QUERY_MAX_FORWARDS 60
#define WINHTTP_QUERY_PROXY_AUTHORIZATION 61
#define WINHTTP_QUERY_RANGE 62
#define WINHTTP_QUERY_TRANSFER_ENCODING 63
#define WINHTTP_QUERY_UPGRADE 64
#define WINHTTP_QUERY_VARY 65
#define WINHTTP_QUERY_VIA 66
#define WINHTTP_QUERY_WARNING 67
#define WINHTTP_QUERY_EXPECT 68
#define WINHTTP_QUERY_PROXY_CONNECTION 69
#define WINHTTP_QUERY_UNLESS_MODIFIED_SINCE 70
#define WINHTTP_QUERY_PROXY_SUPPORT 75
#define WINHTTP_QUERY_AUTHENTICATION_INFO 76
#define WINHTTP_QUERY_PASSPORT_URLS 77
#define WINHTTP_QUERY_PASSPORT_CONFIG 78
#define WINHTTP_QUERY_MAX 78
#define WINHTTP_QUERY_EX_ALL_HEADERS WINHTTP_QUERY_RAW_HEADERS
/* The header named by pwszName (e.g. L"Sec-WebSocket-Protocol"). */
#define WINHTTP_QUERY_CUSTOM 65535
/* Modifier bits OR-ed into dwInfoLevel */
#define WINHTTP_QUERY_FLAG_REQUEST_HEADERS 0x80000000
#define WINHTTP_QUERY_FLAG_SYSTEMTIME 0x40000000
#define WINHTTP_QUERY_FLAG_NUMBER 0x20000000 /* the value as a DWORD */
#define WINHTTP_QUERY_FLAG_NUMBER64 0x08000000
#define WINHTTP_QUERY_FLAG_TRAILERS 0x02000000
#define WINHTTP_QUERY_FLAG_WIRE_ENCODING 0x01000000

/* HTTP status codes */
#define HTTP_STATUS_CONTINUE 100
#define HTTP_STATUS_SWITCH_PROTOCOLS 101 /* the only status WinHttpWebSocketCompleteUpgrade accepts */
#define HTTP_STATUS_OK 200
#define HTTP_STATUS_CREATED 201
#define HTTP_STATUS_ACCEPTED 202
#define HTTP_STATUS_PARTIAL 203
#define HTTP_STATUS_NO_CONTENT 204
#define HTTP_STATUS_RESET_CONTENT 205
#define HTTP_STATUS_PARTIAL_CONTENT 206
#define HTTP_STATUS_WEBDAV_MULTI_STATUS 207
#define HTTP_STATUS_AMBIGUOUS 300
#define HTTP_STATUS_MOVED 301
#define HTTP_STATUS_REDIRECT 302
#define HTTP_STATUS_REDIRECT_METHOD 303
#define HTTP_STATUS_NOT_MODIFIED 304
#define HTTP_STATUS_USE_PROXY 305
#define HTTP_STATUS_REDIRECT_KEEP_VERB 307
#define HTTP_STATUS_PERMANENT_REDIRECT 308
#define HTTP_STATUS_BAD_REQUEST 400
#define HTTP_STATUS_DENIED 401
#define HTTP_STATUS_PAYMENT_REQ 402
#define HTTP_STATUS_FORBIDDEN 403
#define HTTP_STATUS_NOT_FOUND 404
#define HTTP_STATUS_BAD_METHOD 405
#define HTTP_STATUS_NONE_ACCEPTABLE 406
#define HTTP_STATUS_PROXY_AUTH_REQ 407
#define HTTP_STATUS_REQUEST_TIMEOUT 408
#define HTTP_STATUS_CONFLICT 409
#define HTTP_STATUS_GONE 410
#define HTTP_STATUS_LENGTH_REQUIRED 411
#define HTTP_STATUS_PRECOND_FAILED 412
#define HTTP_STATUS_REQUEST_TOO_LARGE 413
#define HTTP_STATUS_URI_TOO_LONG 414
#define HTTP_STATUS_UNSUPPORTED_MEDIA 415
#define HTTP_STATUS_RETRY_WITH 449
#define HTTP_STATUS_SERVER_ERROR 500
#define HTTP_STATUS_NOT_SUPPORTED 501
#define HTTP_STATUS_BAD_GATEWAY 502
#define HTTP_STATUS_SERVICE_UNAVAIL 503
#define HTTP_STATUS_GATEWAY_TIMEOUT 504
#define HTTP_STATUS_VERSION_NOT_SUP 505
#define HTTP_STATUS_FIRST HTTP_STATUS_CONTINUE
#define HTTP_STATUS_LAST HTTP_STATUS_VERSION_NOT_SUP

/* ------------------------------------------------------------------ error codes */

/* Also in the SDK's winerror.h; guarded in case a program brings its own. */
#ifndef WINHTTP_ERROR_BASE
#define WINHTTP_ERROR_BASE 12000
#define ERROR_WINHTTP_OUT_OF_HANDLES (WINHTTP_ERROR_BASE + 1)
#define ERROR_WINHTTP_TIMEOUT (WINHTTP_ERROR_BASE + 2) /* connect/send/receive, close timer */
#define ERROR_WINHTTP_INTERNAL_ERROR (WINHTTP_ERROR_BASE + 4)
#define ERROR_WINHTTP_INVALID_URL (WINHTTP_ERROR_BASE + 5)
#define ERROR_WINHTTP_UNRECOGNIZED_SCHEME (WINHTTP_ERROR_BASE + 6)
#define ERROR_WINHTTP_NAME_NOT_RESOLVED (WINHTTP_ERROR_BASE + 7)
#define ERROR_WINHTTP_INVALID_OPTION (WINHTTP_ERROR_BASE + 9)
#define ERROR_WINHTTP_OPTION_NOT_SETTABLE (WINHTTP_ERROR_BASE + 11)
#define ERROR_WINHTTP_SHUTDOWN (WINHTTP_ERROR_BASE + 12)
#define ERROR_WINHTTP_LOGIN_FAILURE (WINHTTP_ERROR_BASE + 15)
/* A pending operation cancelled by Close or CloseHandle (rules 49, 52). */
#define ERROR_WINHTTP_OPERATION_CANCELLED (WINHTTP_ERROR_BASE + 17)
#define ERROR_WINHTTP_INCORRECT_HANDLE_TYPE (WINHTTP_ERROR_BASE + 18)
#define ERROR_WINHTTP_INCORRECT_HANDLE_STATE (WINHTTP_ERROR_BASE + 19)
#define ERROR_WINHTTP_CANNOT_CONNECT (WINHTTP_ERROR_BASE + 29)
#define ERROR_WINHTTP_CONNECTION_ERROR (WINHTTP_ERROR_BASE + 30)
#define ERROR_WINHTTP_RESEND_REQUEST (WINHTTP_ERROR_BASE + 32)
#define ERROR_WINHTTP_SECURE_CERT_DATE_INVALID (WINHTTP_ERROR_BASE + 37)
#define ERROR_WINHTTP_SECURE_CERT_CN_INVALID (WINHTTP_ERROR_BASE + 38)
#define ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED (WINHTTP_ERROR_BASE + 44)
#define ERROR_WINHTTP_SECURE_INVALID_CA (WINHTTP_ERROR_BASE + 45)
#define ERROR_WINHTTP_SECURE_CERT_REV_FAILED (WINHTTP_ERROR_BASE + 57)
#define ERROR_WINHTTP_CANNOT_CALL_BEFORE_OPEN (WINHTTP_ERROR_BASE + 100)
#define ERROR_WINHTTP_CANNOT_CALL_BEFORE_SEND (WINHTTP_ERROR_BASE + 101)
#define ERROR_WINHTTP_CANNOT_CALL_AFTER_SEND (WINHTTP_ERROR_BASE + 102)
#define ERROR_WINHTTP_CANNOT_CALL_AFTER_OPEN (WINHTTP_ERROR_BASE + 103)
#define ERROR_WINHTTP_HEADER_NOT_FOUND (WINHTTP_ERROR_BASE + 150)
/* Bad data from the server: frames, close payload, handshake (rule 55). */
#define ERROR_WINHTTP_INVALID_SERVER_RESPONSE (WINHTTP_ERROR_BASE + 152)
#define ERROR_WINHTTP_INVALID_HEADER (WINHTTP_ERROR_BASE + 153)
#define ERROR_WINHTTP_INVALID_QUERY_REQUEST (WINHTTP_ERROR_BASE + 154)
#define ERROR_WINHTTP_HEADER_ALREADY_EXISTS (WINHTTP_ERROR_BASE + 155)
#define ERROR_WINHTTP_REDIRECT_FAILED (WINHTTP_ERROR_BASE + 156)
#define ERROR_WINHTTP_SECURE_CHANNEL_ERROR (WINHTTP_ERROR_BASE + 157)
#define ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT (WINHTTP_ERROR_BASE + 166)
#define ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT (WINHTTP_ERROR_BASE + 167)
#define ERROR_WINHTTP_SECURE_INVALID_CERT (WINHTTP_ERROR_BASE + 169)
#define ERROR_WINHTTP_SECURE_CERT_REVOKED (WINHTTP_ERROR_BASE + 170)
#define ERROR_WINHTTP_NOT_INITIALIZED (WINHTTP_ERROR_BASE + 172)
#define ERROR_WINHTTP_SECURE_FAILURE (WINHTTP_ERROR_BASE + 175)
#define ERROR_WINHTTP_UNHANDLED_SCRIPT_TYPE (WINHTTP_ERROR_BASE + 176)
#define ERROR_WINHTTP_SCRIPT_EXECUTION_ERROR (WINHTTP_ERROR_BASE + 177)
#define ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR (WINHTTP_ERROR_BASE + 178)
#define ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE (WINHTTP_ERROR_BASE + 179)
#define ERROR_WINHTTP_AUTODETECTION_FAILED (WINHTTP_ERROR_BASE + 180)
#define ERROR_WINHTTP_HEADER_COUNT_EXCEEDED (WINHTTP_ERROR_BASE + 181)
#define ERROR_WINHTTP_HEADER_SIZE_OVERFLOW (WINHTTP_ERROR_BASE + 182)
#define ERROR_WINHTTP_CHUNKED_ENCODING_HEADER_SIZE_OVERFLOW (WINHTTP_ERROR_BASE + 183)
#define ERROR_WINHTTP_RESPONSE_DRAIN_OVERFLOW (WINHTTP_ERROR_BASE + 184)
#define ERROR_WINHTTP_CLIENT_CERT_NO_PRIVATE_KEY (WINHTTP_ERROR_BASE + 185)
#define ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY (WINHTTP_ERROR_BASE + 186)
#define ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED_PROXY (WINHTTP_ERROR_BASE + 187)
#define ERROR_WINHTTP_SECURE_FAILURE_PROXY (WINHTTP_ERROR_BASE + 188)
#define ERROR_WINHTTP_RESERVED_189 (WINHTTP_ERROR_BASE + 189)
#define ERROR_WINHTTP_HTTP_PROTOCOL_MISMATCH (WINHTTP_ERROR_BASE + 190)
#define ERROR_WINHTTP_GLOBAL_CALLBACK_FAILED (WINHTTP_ERROR_BASE + 191)
#define ERROR_WINHTTP_FEATURE_DISABLED (WINHTTP_ERROR_BASE + 192)
#define ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED (WINHTTP_ERROR_BASE + 193)
#define WINHTTP_ERROR_LAST ERROR_WINHTTP_FAST_FORWARDING_NOT_SUPPORTED
#endif

/* ------------------------------------------------------------------ WebSocket types */

/* Which operation a websocket REQUEST_ERROR is about. */
typedef enum _WINHTTP_WEB_SOCKET_OPERATION WEBSOCK_WIN_ENUM_BASE(int) {
  WINHTTP_WEB_SOCKET_SEND_OPERATION = 0,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION = 1,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION = 2,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION = 3
} WINHTTP_WEB_SOCKET_OPERATION;

/*
 * Not the values of websocket.h's WEB_SOCKET_BUFFER_TYPE. MESSAGE: the piece ends the message;
 * FRAGMENT: more of it follows. There is no ping/pong type: control frames never reach the
 * application (rule 43); a received close is reported as CLOSE with 0 bytes (rule 42).
 */
typedef enum _WINHTTP_WEB_SOCKET_BUFFER_TYPE WEBSOCK_WIN_ENUM_BASE(int) {
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE = 0,
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE = 1,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE = 2,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE = 3,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE = 4
} WINHTTP_WEB_SOCKET_BUFFER_TYPE;

/* RFC 6455 close codes; 1005, 1006 and 1015 never go on the wire. */
typedef enum _WINHTTP_WEB_SOCKET_CLOSE_STATUS WEBSOCK_WIN_ENUM_BASE(int) {
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS = 1000,
  WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS = 1001,
  WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS = 1002,
  WINHTTP_WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS = 1003,
  WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS = 1005,
  WINHTTP_WEB_SOCKET_ABORTED_CLOSE_STATUS = 1006,
  WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS = 1007,
  WINHTTP_WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS = 1008,
  WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS = 1009,
  WINHTTP_WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS = 1010,
  WINHTTP_WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS = 1011,
  WINHTTP_WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS = 1015
} WINHTTP_WEB_SOCKET_CLOSE_STATUS;

/* REQUEST_ERROR payload of a websocket handle. */
typedef struct _WINHTTP_WEB_SOCKET_ASYNC_RESULT {
  WINHTTP_ASYNC_RESULT AsyncResult;
  WINHTTP_WEB_SOCKET_OPERATION Operation;
} WINHTTP_WEB_SOCKET_ASYNC_RESULT;

/* READ_COMPLETE and WRITE_COMPLETE payload of a websocket handle. */
typedef struct _WINHTTP_WEB_SOCKET_STATUS {
  DWORD dwBytesTransferred;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType;
} WINHTTP_WEB_SOCKET_STATUS;

#define WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH 123 /* UTF-8 bytes (rule 48) */
#define WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE 15000   /* ms (rule 53) */

#undef WEBSOCK_WIN_ENUM_BASE

/* ------------------------------------------------------------------ functions: reaching the upgrade */

/* A session. dwFlags: 0 (synchronous) or WINHTTP_FLAG_ASYNC / WINHTTP_FLAG_SECURE_DEFAULTS. */
HINTERNET WINAPI WinHttpOpen(_In_opt_z_ LPCWSTR pszAgentW, _In_ DWORD dwAccessType,
                             _In_opt_z_ LPCWSTR pszProxyW, _In_opt_z_ LPCWSTR pszProxyBypassW,
                             _In_ DWORD dwFlags);

/* A connection target; no network traffic yet. dwReserved must be 0. */
HINTERNET WINAPI WinHttpConnect(_In_ HINTERNET hSession, _In_z_ LPCWSTR pswzServerName,
                                _In_ INTERNET_PORT nServerPort, _In_ DWORD dwReserved);

/* A request. NULL verb: "GET"; NULL object: "/"; NULL version: "HTTP/1.1". */
HINTERNET WINAPI WinHttpOpenRequest(_In_ HINTERNET hConnect, _In_opt_z_ LPCWSTR pwszVerb,
                                    _In_opt_z_ LPCWSTR pwszObjectName,
                                    _In_opt_z_ LPCWSTR pwszVersion,
                                    _In_opt_z_ LPCWSTR pwszReferrer,
                                    _In_opt_z_ LPCWSTR *ppwszAcceptTypes, _In_ DWORD dwFlags);

BOOL WINAPI WinHttpSetOption(_In_opt_ HINTERNET hInternet, _In_ DWORD dwOption,
                             _In_reads_bytes_opt_(dwBufferLength) LPVOID lpBuffer,
                             _In_ DWORD dwBufferLength);

_Success_(return != FALSE) BOOL WINAPI WinHttpQueryOption(
    _In_ HINTERNET hInternet, _In_ DWORD dwOption,
    _Out_writes_bytes_to_opt_(*lpdwBufferLength, *lpdwBufferLength) LPVOID lpBuffer,
    _Inout_ LPDWORD lpdwBufferLength);

/* dwHeadersLength (DWORD)-1: lpszHeaders is NUL-terminated. dwModifiers: WINHTTP_ADDREQ_*. */
BOOL WINAPI WinHttpAddRequestHeaders(_In_ HINTERNET hRequest, _In_reads_(dwHeadersLength) LPCWSTR lpszHeaders,
                                     _In_ DWORD dwHeadersLength, _In_ DWORD dwModifiers);

BOOL WINAPI WinHttpSendRequest(_In_ HINTERNET hRequest,
                               _In_reads_opt_(dwHeadersLength) LPCWSTR lpszHeaders,
                               _In_ DWORD dwHeadersLength,
                               _In_reads_bytes_opt_(dwOptionalLength) LPVOID lpOptional,
                               _In_ DWORD dwOptionalLength, _In_ DWORD dwTotalLength,
                               _In_ DWORD_PTR dwContext);

/* lpReserved must be NULL. */
BOOL WINAPI WinHttpReceiveResponse(_In_ HINTERNET hRequest, _In_opt_ LPVOID lpReserved);

/* Lengths in bytes. Too small a buffer: ERROR_INSUFFICIENT_BUFFER and the size needed. */
_Success_(return != FALSE) BOOL WINAPI WinHttpQueryHeaders(
    _In_ HINTERNET hRequest, _In_ DWORD dwInfoLevel, _In_opt_ LPCWSTR pwszName,
    _Out_writes_bytes_to_opt_(*lpdwBufferLength, *lpdwBufferLength) LPVOID lpBuffer,
    _Inout_ LPDWORD lpdwBufferLength, _Inout_opt_ LPDWORD lpdwIndex);

/* The response body after WinHttpReceiveResponse. Synchronous: the bytes readable now without
 * blocking, after waiting for at least one, and 0 at the end of the body; asynchronous: TRUE at
 * once, the count in DATA_AVAILABLE (a DWORD *), failure as REQUEST_ERROR API_QUERY_DATA_AVAILABLE. */
BOOL WINAPI WinHttpQueryDataAvailable(_In_ HINTERNET hRequest, _Out_opt_ LPDWORD lpdwNumberOfBytesAvailable);

/* Up to dwNumberOfBytesToRead body bytes; *lpdwNumberOfBytesRead 0 at the end of the body.
 * Asynchronous: READ_COMPLETE with the buffer and the count as its length, failure as
 * REQUEST_ERROR API_READ_DATA. */
BOOL WINAPI WinHttpReadData(_In_ HINTERNET hRequest,
                            _Out_writes_bytes_to_(dwNumberOfBytesToRead, *lpdwNumberOfBytesRead) LPVOID lpBuffer,
                            _In_ DWORD dwNumberOfBytesToRead, _Out_ LPDWORD lpdwNumberOfBytesRead);

/* Milliseconds; 0 or -1: no limit. */
BOOL WINAPI WinHttpSetTimeouts(_In_ HINTERNET hInternet, _In_ int nResolveTimeout,
                               _In_ int nConnectTimeout, _In_ int nSendTimeout,
                               _In_ int nReceiveTimeout);

/* The previous callback (NULL if none), or WINHTTP_INVALID_STATUS_CALLBACK. dwReserved: 0. */
WINHTTP_STATUS_CALLBACK WINAPI WinHttpSetStatusCallback(_In_ HINTERNET hInternet,
                                                        _In_opt_ WINHTTP_STATUS_CALLBACK lpfnInternetCallback,
                                                        _In_ DWORD dwNotificationFlags,
                                                        _Reserved_ DWORD_PTR dwReserved);

/* Every handle, websocket handles included (Close and Shutdown do not close them). */
BOOL WINAPI WinHttpCloseHandle(_In_ HINTERNET hInternet);

/* ------------------------------------------------------------------ functions: the websocket */

/* The request after a 101 response (rule 32); NULL and GetLastError otherwise. */
HINTERNET WINAPI WinHttpWebSocketCompleteUpgrade(_In_ HINTERNET hRequest, _In_opt_ DWORD_PTR pContext);

/* One frame. pvBuffer may be NULL when dwBufferLength is 0 (rule 36). */
DWORD WINAPI WinHttpWebSocketSend(_In_ HINTERNET hWebSocket, _In_ WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType,
                                  _In_reads_opt_(dwBufferLength) PVOID pvBuffer, _In_ DWORD dwBufferLength);

/* Synchronous: *pdwBytesRead and *peBufferType set on NO_ERROR; asynchronous: left alone (rule 39). */
DWORD WINAPI WinHttpWebSocketReceive(_In_ HINTERNET hWebSocket,
                                     _Out_writes_bytes_to_(dwBufferLength, *pdwBytesRead) PVOID pvBuffer,
                                     _In_ DWORD dwBufferLength,
                                     _Out_range_(0, dwBufferLength) DWORD *pdwBytesRead,
                                     _Out_ WINHTTP_WEB_SOCKET_BUFFER_TYPE *peBufferType);

/* Sends a close frame and closes the sending side only; ERROR_IO_PENDING is success (rule 47). */
DWORD WINAPI WinHttpWebSocketShutdown(_In_ HINTERNET hWebSocket, _In_ USHORT usStatus,
                                      _In_reads_bytes_opt_(dwReasonLength) PVOID pvReason,
                                      _In_range_(0, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) DWORD dwReasonLength);

/* The whole close handshake, bounded by WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT. */
DWORD WINAPI WinHttpWebSocketClose(_In_ HINTERNET hWebSocket, _In_ USHORT usStatus,
                                   _In_reads_bytes_opt_(dwReasonLength) PVOID pvReason,
                                   _In_range_(0, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) DWORD dwReasonLength);

/* The server's close status and reason, once its close frame has arrived (rules 44, 45). */
DWORD WINAPI WinHttpWebSocketQueryCloseStatus(
    _In_ HINTERNET hWebSocket, _Out_ USHORT *pusStatus,
    _Out_writes_bytes_to_opt_(dwReasonLength, *pdwReasonLengthConsumed) PVOID pvReason,
    _In_range_(0, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) DWORD dwReasonLength,
    _Out_range_(0, WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) DWORD *pdwReasonLengthConsumed);

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_WINHTTP_H */

/*
 * http.h: the HTTP Server API types that IIS modules meet through httpserv.h, with the SDK's
 * names, values and field order: header ids, data chunks, and the raw request that
 * IHttpRequest::GetRawHttpRequest returns. Part of websock's Windows compatibility folder.
 *
 * There is no http.sys here, and none of its functions (HttpInitialize, HttpReceiveHttpRequest,
 * ...): only the types. Structures have the natural x86_64 layout, as the SDK's on Win64.
 */
#ifndef WEBSOCK_WIN_HTTP_H
#define WEBSOCK_WIN_HTTP_H

#include <sys/socket.h>

#include "minwindef.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef ULONGLONG HTTP_OPAQUE_ID, *PHTTP_OPAQUE_ID;
typedef HTTP_OPAQUE_ID HTTP_REQUEST_ID, *PHTTP_REQUEST_ID;
typedef HTTP_OPAQUE_ID HTTP_CONNECTION_ID, *PHTTP_CONNECTION_ID;
typedef HTTP_OPAQUE_ID HTTP_RAW_CONNECTION_ID, *PHTTP_RAW_CONNECTION_ID;
typedef ULONGLONG HTTP_URL_CONTEXT;

/* Known headers. Request and response ids share 0-19; from 20 on they differ. */
typedef enum _HTTP_HEADER_ID {
  HttpHeaderCacheControl = 0,
  HttpHeaderConnection = 1,
  HttpHeaderDate = 2,
  HttpHeaderKeepAlive = 3,
  HttpHeaderPragma = 4,
  HttpHeaderTrailer = 5,
  HttpHeaderTransferEncoding = 6,
  HttpHeaderUpgrade = 7,
  HttpHeaderVia = 8,
  HttpHeaderWarning = 9,
  HttpHeaderAllow = 10,
  HttpHeaderContentLength = 11,
  HttpHeaderContentType = 12,
  HttpHeaderContentEncoding = 13,
  HttpHeaderContentLanguage = 14,
  HttpHeaderContentLocation = 15,
  HttpHeaderContentMd5 = 16,
  HttpHeaderContentRange = 17,
  HttpHeaderExpires = 18,
  HttpHeaderLastModified = 19,
  /* request headers */
  HttpHeaderAccept = 20,
  HttpHeaderAcceptCharset = 21,
  HttpHeaderAcceptEncoding = 22,
  HttpHeaderAcceptLanguage = 23,
  HttpHeaderAuthorization = 24,
  HttpHeaderCookie = 25,
  HttpHeaderExpect = 26,
  HttpHeaderFrom = 27,
  HttpHeaderHost = 28,
  HttpHeaderIfMatch = 29,
  HttpHeaderIfModifiedSince = 30,
  HttpHeaderIfNoneMatch = 31,
  HttpHeaderIfRange = 32,
  HttpHeaderIfUnmodifiedSince = 33,
  HttpHeaderMaxForwards = 34,
  HttpHeaderProxyAuthorization = 35,
  HttpHeaderReferer = 36,
  HttpHeaderRange = 37,
  HttpHeaderTe = 38,
  HttpHeaderTranslate = 39,
  HttpHeaderUserAgent = 40,
  HttpHeaderRequestMaximum = 41,
  /* response headers */
  HttpHeaderAcceptRanges = 20,
  HttpHeaderAge = 21,
  HttpHeaderEtag = 22,
  HttpHeaderLocation = 23,
  HttpHeaderProxyAuthenticate = 24,
  HttpHeaderRetryAfter = 25,
  HttpHeaderServer = 26,
  HttpHeaderSetCookie = 27,
  HttpHeaderVary = 28,
  HttpHeaderWwwAuthenticate = 29,
  HttpHeaderResponseMaximum = 30,
  HttpHeaderMaximum = 41
} HTTP_HEADER_ID, *PHTTP_HEADER_ID;

typedef enum _HTTP_VERB {
  HttpVerbUnparsed,
  HttpVerbUnknown,
  HttpVerbInvalid,
  HttpVerbOPTIONS,
  HttpVerbGET,
  HttpVerbHEAD,
  HttpVerbPOST,
  HttpVerbPUT,
  HttpVerbDELETE,
  HttpVerbTRACE,
  HttpVerbCONNECT,
  HttpVerbTRACK,
  HttpVerbMOVE,
  HttpVerbCOPY,
  HttpVerbPROPFIND,
  HttpVerbPROPPATCH,
  HttpVerbMKCOL,
  HttpVerbLOCK,
  HttpVerbUNLOCK,
  HttpVerbSEARCH,
  HttpVerbMaximum
} HTTP_VERB, *PHTTP_VERB;

typedef struct _HTTP_VERSION {
  USHORT MajorVersion;
  USHORT MinorVersion;
} HTTP_VERSION, *PHTTP_VERSION;

typedef struct _HTTP_KNOWN_HEADER {
  USHORT RawValueLength; /* in bytes, without a terminator */
  PCSTR pRawValue;
} HTTP_KNOWN_HEADER, *PHTTP_KNOWN_HEADER;

typedef struct _HTTP_UNKNOWN_HEADER {
  USHORT NameLength;
  USHORT RawValueLength;
  PCSTR pName;
  PCSTR pRawValue;
} HTTP_UNKNOWN_HEADER, *PHTTP_UNKNOWN_HEADER;

typedef struct _HTTP_REQUEST_HEADERS {
  USHORT UnknownHeaderCount;
  PHTTP_UNKNOWN_HEADER pUnknownHeaders;
  USHORT TrailerCount; /* reserved: always 0 */
  PHTTP_UNKNOWN_HEADER pTrailers;
  HTTP_KNOWN_HEADER KnownHeaders[HttpHeaderRequestMaximum];
} HTTP_REQUEST_HEADERS, *PHTTP_REQUEST_HEADERS;

typedef struct _HTTP_COOKED_URL {
  USHORT FullUrlLength; /* lengths in bytes, without a terminator */
  USHORT HostLength;
  USHORT AbsPathLength;
  USHORT QueryStringLength;
  PCWSTR pFullUrl;
  PCWSTR pHost;
  PCWSTR pAbsPath;
  PCWSTR pQueryString;
} HTTP_COOKED_URL, *PHTTP_COOKED_URL;

typedef struct _HTTP_TRANSPORT_ADDRESS {
  PSOCKADDR pRemoteAddress;
  PSOCKADDR pLocalAddress;
} HTTP_TRANSPORT_ADDRESS, *PHTTP_TRANSPORT_ADDRESS;

typedef struct _HTTP_BYTE_RANGE {
  ULARGE_INTEGER StartingOffset;
  ULARGE_INTEGER Length;
} HTTP_BYTE_RANGE, *PHTTP_BYTE_RANGE;

typedef enum _HTTP_DATA_CHUNK_TYPE {
  HttpDataChunkFromMemory,
  HttpDataChunkFromFileHandle,
  HttpDataChunkFromFragmentCache,
  HttpDataChunkFromFragmentCacheEx,
  HttpDataChunkMaximum
} HTTP_DATA_CHUNK_TYPE, *PHTTP_DATA_CHUNK_TYPE;

/* The union's member types are named here, outside it: types declared inside an anonymous union
 * are an extension of C++. */
struct _HTTP_DATA_CHUNK_FROM_MEMORY {
  PVOID pBuffer;
  ULONG BufferLength;
};
struct _HTTP_DATA_CHUNK_FROM_FILE_HANDLE {
  HTTP_BYTE_RANGE ByteRange;
  HANDLE FileHandle;
};
struct _HTTP_DATA_CHUNK_FROM_FRAGMENT_CACHE {
  USHORT FragmentNameLength;
  PCWSTR pFragmentName;
};
struct _HTTP_DATA_CHUNK_FROM_FRAGMENT_CACHE_EX {
  HTTP_BYTE_RANGE ByteRange;
  PCWSTR pFragmentName;
};

typedef struct _HTTP_DATA_CHUNK {
  HTTP_DATA_CHUNK_TYPE DataChunkType;
  union {
    struct _HTTP_DATA_CHUNK_FROM_MEMORY FromMemory;
    struct _HTTP_DATA_CHUNK_FROM_FILE_HANDLE FromFileHandle;
    struct _HTTP_DATA_CHUNK_FROM_FRAGMENT_CACHE FromFragmentCache;
    struct _HTTP_DATA_CHUNK_FROM_FRAGMENT_CACHE_EX FromFragmentCacheEx;
  };
} HTTP_DATA_CHUNK, *PHTTP_DATA_CHUNK;

/* TLS details of a request: opaque here (pSslInfo is NULL). */
typedef struct _HTTP_SSL_INFO HTTP_SSL_INFO, *PHTTP_SSL_INFO;
typedef struct _HTTP_SSL_CLIENT_CERT_INFO HTTP_SSL_CLIENT_CERT_INFO, *PHTTP_SSL_CLIENT_CERT_INFO;
typedef struct _HTTP_REQUEST_INFO HTTP_REQUEST_INFO, *PHTTP_REQUEST_INFO;
typedef struct _HTTP_RESPONSE HTTP_RESPONSE, *PHTTP_RESPONSE;
typedef struct _HTTP_CACHE_POLICY HTTP_CACHE_POLICY, *PHTTP_CACHE_POLICY;
typedef struct _HTTP_LOG_DATA HTTP_LOG_DATA, *PHTTP_LOG_DATA;
typedef enum _HTTP_REQUEST_PROPERTY { HttpRequestPropertyIsb = 0 } HTTP_REQUEST_PROPERTY;

/* HTTP_REQUEST_V2: V1's fields, then the request-info array (empty here). */
typedef struct _HTTP_REQUEST {
  ULONG Flags;
  HTTP_CONNECTION_ID ConnectionId;
  HTTP_REQUEST_ID RequestId;
  HTTP_URL_CONTEXT UrlContext;
  HTTP_VERSION Version;
  HTTP_VERB Verb;
  USHORT UnknownVerbLength;
  USHORT RawUrlLength;
  PCSTR pUnknownVerb;
  PCSTR pRawUrl;
  HTTP_COOKED_URL CookedUrl;
  HTTP_TRANSPORT_ADDRESS Address;
  HTTP_REQUEST_HEADERS Headers;
  ULONGLONG BytesReceived;
  USHORT EntityChunkCount;
  PHTTP_DATA_CHUNK pEntityChunks;
  HTTP_RAW_CONNECTION_ID RawConnectionId;
  PHTTP_SSL_INFO pSslInfo;
  USHORT RequestInfoCount;
  PHTTP_REQUEST_INFO pRequestInfo;
} HTTP_REQUEST, *PHTTP_REQUEST, HTTP_REQUEST_V2, *PHTTP_REQUEST_V2;

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_HTTP_H */

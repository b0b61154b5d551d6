/*
 * httpserv.h: the IIS native-module API, source-compatible, for modules hosted by `websock iis`.
 * Part of websock's Windows compatibility folder. Reference: shared/spec/iis-websocket.md
 * sections 5-6 (docs/compat/iis.md lists every method with its status).
 *
 * What is here is what request modules use, WebSocket modules above all: registration
 * (RegisterModule, IHttpModuleRegistrationInfo, IHttpModuleFactory, IModuleAllocator, IHttpServer),
 * the module class CHttpModule with every request notification, and the request-time interfaces
 * IHttpContext/IHttpContext3, IHttpRequest, IHttpResponse, IHttpConnection, IHttpCompletionInfo,
 * IHttpEventProvider and the context containers. The method lists and their order are the SDK's;
 * interfaces a module only passes along (sites, users, cache policies, traces, ...) are declared
 * but empty, so code that names them compiles and code that calls into them does not.
 *
 * Differences the platform forces:
 *  - Wide strings are wchar_t (32 bits here), so L"..." literals compile unchanged.
 *  - GCC and Clang have no __uuidof: HttpGetExtendedInterface below keeps the SDK's call shape
 *    and looks the interface ids up by type (websock_iis_interface_id).
 *  - CHttpModule's default notification bodies return RQ_NOTIFICATION_CONTINUE instead of
 *    breaking into a debugger; the host calls only what a module subscribed to.
 */
#ifndef WEBSOCK_WIN_HTTPSERV_H
#define WEBSOCK_WIN_HTTPSERV_H

#ifndef __cplusplus
#error httpserv.h is C++ (IIS modules are C++ classes)
#endif

#include "guiddef.h"
#include "http.h"
#include "windows.h"

/* ------------------------------------------------------------------ notifications */

/* Deterministic request notifications, in pipeline order. */
#define RQ_BEGIN_REQUEST 0x00000001
#define RQ_AUTHENTICATE_REQUEST 0x00000002
#define RQ_AUTHORIZE_REQUEST 0x00000004
#define RQ_RESOLVE_REQUEST_CACHE 0x00000008
#define RQ_MAP_REQUEST_HANDLER 0x00000010
#define RQ_ACQUIRE_REQUEST_STATE 0x00000020
#define RQ_PRE_EXECUTE_REQUEST_HANDLER 0x00000040
#define RQ_EXECUTE_REQUEST_HANDLER 0x00000080
#define RQ_RELEASE_REQUEST_STATE 0x00000100
#define RQ_UPDATE_REQUEST_CACHE 0x00000200
#define RQ_LOG_REQUEST 0x00000400
#define RQ_END_REQUEST 0x00000800

/* Non-deterministic request notifications. */
#define RQ_SEND_RESPONSE_STATUS_AND_HEADERS 0x08000000
#define RQ_CUSTOM_NOTIFICATION 0x10000000
#define RQ_SEND_RESPONSE 0x20000000
#define RQ_READ_ENTITY 0x40000000
#define RQ_MAP_PATH 0x80000000

/* Global notifications (accepted at registration; the host raises none of them). */
#define GL_STOP_LISTENING 0x00000002
#define GL_CACHE_CLEANUP 0x00000004
#define GL_CACHE_OPERATION 0x00000010
#define GL_HEALTH_CHECK 0x00000020
#define GL_CONFIGURATION_CHANGE 0x00000040
#define GL_FILE_CHANGE 0x00000080
#define GL_PRE_BEGIN_REQUEST 0x00000100
#define GL_APPLICATION_START 0x00000200
#define GL_APPLICATION_RESOLVE_MODULES 0x00000400
#define GL_APPLICATION_STOP 0x00000800
#define GL_RSCA_QUERY 0x00001000
#define GL_TRACE_EVENT 0x00002000
#define GL_CUSTOM_NOTIFICATION 0x00004000
#define GL_THREAD_CLEANUP 0x00008000
#define GL_APPLICATION_PRELOAD 0x00010000
#define GL_SUSPEND_PROCESS 0x00020000

enum REQUEST_NOTIFICATION_STATUS {
  RQ_NOTIFICATION_CONTINUE,       /* go on to the next module and notification */
  RQ_NOTIFICATION_PENDING,        /* suspended: a completion resumes the request */
  RQ_NOTIFICATION_FINISH_REQUEST  /* skip to the end of the request */
};

enum GLOBAL_NOTIFICATION_STATUS { GL_NOTIFICATION_CONTINUE, GL_NOTIFICATION_HANDLED };

/* Priorities of SetPriorityForRequestNotification, first to last. */
#define PRIORITY_ALIAS_FIRST L"FIRST"
#define PRIORITY_ALIAS_HIGH L"HIGH"
#define PRIORITY_ALIAS_MEDIUM L"MEDIUM"
#define PRIORITY_ALIAS_LOW L"LOW"
#define PRIORITY_ALIAS_LAST L"LAST"

enum CACHE_OPERATION {
  CACHE_OPERATION_RETRIEVE,
  CACHE_OPERATION_ADD,
  CACHE_OPERATION_DELETE,
  CACHE_OPERATION_FLUSH_PREFIX,
  CACHE_OPERATION_ENUM
};

typedef VOID *HTTP_MODULE_ID;

#define CLONE_FLAG_BASICS 0x01
#define CLONE_FLAG_HEADERS 0x02
#define CLONE_FLAG_ENTITY 0x04
#define CLONE_FLAG_NO_PRECONDITION 0x08
#define CLONE_FLAG_NO_DAV 0x10
#define CLONE_FLAG_USER_CACHE_VARY_BY 0x20
#define CLONE_FLAG_SERVER_VARIABLE 0x40

#define EXECUTE_FLAG_NO_HEADERS 0x01
#define EXECUTE_FLAG_IGNORE_CURRENT_INTERCEPTOR 0x02
#define EXECUTE_FLAG_IGNORE_APPPOOL 0x04
#define EXECUTE_FLAG_DISABLE_CUSTOM_ERROR 0x08
#define EXECUTE_FLAG_SAME_URL 0x10
#define EXECUTE_FLAG_BUFFER_RESPONSE 0x20
#define EXECUTE_FLAG_HTTP_CACHE_ELIGIBLE 0x40

/* ------------------------------------------------------------------ interfaces passed along only */

typedef PVOID PSID;
class IAppHostConfigException;
class IAppHostAdminManager;
class IHttpSite;
class IHttpApplication;
class IHttpUser;
class IHttpUrlInfo;
class IMetadataInfo;
class IScriptMapInfo;
class IHttpFileInfo;
class IHttpTraceContext;
class IHttpCachePolicy;
class IHttpContext3;
class IHttpCompletionInfo2;
class CHttpModule;
class CGlobalModule;

/* ------------------------------------------------------------------ stored contexts */

class IHttpStoredContext {
 public:
  /* Called by the host when the owner (request, connection) ends; the context frees itself. */
  virtual VOID CleanupStoredContext(VOID) = 0;
};

class IHttpModuleContextContainer {
 public:
  virtual IHttpStoredContext *GetModuleContext(_In_ HTTP_MODULE_ID moduleId) = 0;
  virtual HRESULT SetModuleContext(_In_ IHttpStoredContext *ppStoredContext, _In_ HTTP_MODULE_ID moduleId) = 0;
};

class INamedContextContainer {
 public:
  virtual IHttpStoredContext *GetNamedContext(_In_ LPCWSTR szName) = 0;
  virtual HRESULT SetNamedContext(_In_ IHttpStoredContext *ppStoredContext, _In_ LPCWSTR szName) = 0;
};

/* ------------------------------------------------------------------ request */

class IHttpRequest {
 public:
  virtual HTTP_REQUEST *GetRawHttpRequest(VOID) = 0;
  virtual const HTTP_REQUEST *GetRawHttpRequest(VOID) const = 0;
  /* The value (not NUL-terminated in IIS; terminated here too) and its length, or NULL. */
  virtual PCSTR GetHeader(_In_ PCSTR pszHeaderName, _Out_ USHORT *pcchHeaderValue = NULL) const = 0;
  virtual PCSTR GetHeader(_In_ HTTP_HEADER_ID ulHeaderIndex, _Out_ USHORT *pcchHeaderValue = NULL) const = 0;
  virtual HRESULT SetHeader(_In_ PCSTR pszHeaderName, _In_reads_bytes_(cchHeaderValue) PCSTR pszHeaderValue,
                            _In_ USHORT cchHeaderValue, _In_ BOOL fReplace) = 0;
  virtual HRESULT SetHeader(_In_ HTTP_HEADER_ID ulHeaderIndex, _In_ PCSTR pszHeaderValue, _In_ USHORT cchHeaderValue,
                            _In_ BOOL fReplace) = 0;
  virtual HRESULT DeleteHeader(_In_ PCSTR pszHeaderName) = 0;
  virtual HRESULT DeleteHeader(_In_ HTTP_HEADER_ID ulHeaderIndex) = 0;
  virtual PCSTR GetHttpMethod(VOID) const = 0;
  virtual HRESULT SetHttpMethod(_In_ PCSTR pszHttpMethod) = 0;
  virtual HRESULT SetUrl(_In_reads_(cchUrl) PCWSTR pszUrl, _In_ DWORD cchUrl, _In_ BOOL fResetQueryString) = 0;
  virtual HRESULT SetUrl(_In_reads_bytes_(cchUrl) PCSTR pszUrl, _In_ DWORD cchUrl, _In_ BOOL fResetQueryString) = 0;
  virtual BOOL GetUrlChanged(VOID) const = 0;
  virtual PCWSTR GetForwardedUrl(VOID) const = 0;
  virtual PSOCKADDR GetLocalAddress(VOID) const = 0;
  virtual PSOCKADDR GetRemoteAddress(VOID) const = 0;
  virtual HRESULT ReadEntityBody(_Out_writes_bytes_all_(cbBuffer) VOID *pvBuffer, _In_ DWORD cbBuffer,
                                 _In_ BOOL fAsync, _Out_ DWORD *pcbBytesReceived,
                                 _Out_ BOOL *pfCompletionPending = NULL) = 0;
  virtual HRESULT InsertEntityBody(_In_reads_bytes_(cbBuffer) VOID *pvBuffer, _In_ DWORD cbBuffer) = 0;
  virtual DWORD GetRemainingEntityBytes(VOID) = 0;
  virtual VOID GetHttpVersion(_Out_ USHORT *pMajorVersion, _Out_ USHORT *pMinorVersion) const = 0;
  virtual HRESULT GetClientCertificate(_Outptr_ HTTP_SSL_CLIENT_CERT_INFO **ppClientCertInfo,
                                       _Out_ BOOL *pfClientCertNegotiated) = 0;
  virtual HRESULT NegotiateClientCertificate(_In_ BOOL fAsync, _Out_ BOOL *pfCompletionPending = NULL) = 0;
  virtual DWORD GetSiteId(VOID) const = 0;
};

/* ------------------------------------------------------------------ response */

class IHttpResponse {
 public:
  virtual HTTP_RESPONSE *GetRawHttpResponse(VOID) = 0;
  virtual const HTTP_RESPONSE *GetRawHttpResponse(VOID) const = 0;
  virtual IHttpCachePolicy *GetCachePolicy(VOID) = 0;
  virtual HRESULT SetStatus(_In_ USHORT statusCode, _In_ PCSTR pszReason, _In_ USHORT uSubStatus = 0,
                            _In_ HRESULT hrErrorToReport = S_OK, _In_opt_ IAppHostConfigException *pException = NULL,
                            _In_ BOOL fTrySkipCustomErrors = FALSE) = 0;
  virtual HRESULT SetHeader(_In_ PCSTR pszHeaderName, _In_ PCSTR pszHeaderValue, _In_ USHORT cchHeaderValue,
                            _In_ BOOL fReplace) = 0;
  virtual HRESULT SetHeader(_In_ HTTP_HEADER_ID ulHeaderIndex, _In_ PCSTR pszHeaderValue, _In_ USHORT cchHeaderValue,
                            _In_ BOOL fReplace) = 0;
  virtual HRESULT DeleteHeader(_In_ PCSTR pszHeaderName) = 0;
  virtual HRESULT DeleteHeader(_In_ HTTP_HEADER_ID ulHeaderIndex) = 0;
  virtual PCSTR GetHeader(_In_ PCSTR pszHeaderName, _Out_ USHORT *pcchHeaderValue = NULL) const = 0;
  virtual PCSTR GetHeader(_In_ HTTP_HEADER_ID ulHeaderIndex, _Out_ USHORT *pcchHeaderValue = NULL) const = 0;
  virtual VOID Clear(VOID) = 0;
  virtual VOID ClearHeaders(VOID) = 0;
  virtual VOID SetNeedDisconnect(VOID) = 0;
  virtual VOID ResetConnection(VOID) = 0;
  virtual VOID DisableKernelCache(ULONG reason = 9) = 0;
  virtual BOOL GetKernelCacheEnabled(VOID) const = 0;
  virtual VOID SuppressHeaders(VOID) = 0;
  virtual BOOL GetHeadersSuppressed(VOID) const = 0;
  /* Sends what is buffered. On a WebSocket upgrade with status 101 and fMoreData = TRUE, this is
   * what completes the handshake and creates the "websockets" named context (rules 56, 57). */
  virtual HRESULT Flush(_In_ BOOL fAsync, _In_ BOOL fMoreData, _Out_ DWORD *pcbSent,
                        _Out_ BOOL *pfCompletionExpected = NULL) = 0;
  virtual HRESULT Redirect(_In_ PCSTR pszUrl, _In_ BOOL fResetStatusCode = TRUE,
                           _In_ BOOL fIncludeParameters = FALSE) = 0;
  virtual HRESULT WriteEntityChunkByReference(_In_ HTTP_DATA_CHUNK *pDataChunk, _In_ LONG lInsertPosition = -1) = 0;
  virtual HRESULT WriteEntityChunks(_In_reads_(nChunks) HTTP_DATA_CHUNK *pDataChunks, _In_ DWORD nChunks,
                                    _In_ BOOL fAsync, _In_ BOOL fMoreData, _Out_ DWORD *pcbSent,
                                    _Out_ BOOL *pfCompletionExpected = NULL) = 0;
  virtual VOID DisableBuffering(VOID) = 0;
  virtual VOID GetStatus(_Out_ USHORT *pStatusCode, _Out_ USHORT *pSubStatus = NULL, PCSTR *ppszReason = NULL,
                         _Out_ USHORT *pcchReason = NULL, _Out_ HRESULT *phrErrorToReport = NULL,
                         PCWSTR *ppszModule = NULL, _Out_ DWORD *pdwNotification = NULL,
                         IAppHostConfigException **ppException = NULL, _Out_ BOOL *pfTrySkipCustomErrors = NULL) = 0;
  virtual HRESULT SetErrorDescription(_In_reads_(cchDescription) PCWSTR pszDescription, _In_ DWORD cchDescription,
                                      _In_ BOOL fHtmlEncode = TRUE) = 0;
  virtual PCWSTR GetErrorDescription(_Out_ DWORD *pcchDescription = NULL) = 0;
  virtual VOID CloseConnection(VOID) = 0;
};

/* ------------------------------------------------------------------ connection */

class IHttpConnectionModuleContextContainer;

class IHttpConnection {
 public:
  virtual BOOL IsConnected(VOID) const = 0;
  virtual VOID *AllocateMemory(DWORD cbAllocation) = 0;
  virtual IHttpConnectionModuleContextContainer *GetModuleContextContainer(VOID) = 0;
};

/* ------------------------------------------------------------------ notification outputs */

class IHttpEventProvider {
 public:
  virtual VOID SetErrorStatus(_In_ HRESULT hrError) = 0;
};

/* The providers of the notifications that have their own: here only the base's method. */
class IAuthenticationProvider : public IHttpEventProvider {};
class IMapHandlerProvider : public IHttpEventProvider {};
class IMapPathProvider : public IHttpEventProvider {};
class ISendResponseProvider : public IHttpEventProvider {};
class IReadEntityProvider : public IHttpEventProvider {};
class ICustomNotificationProvider : public IHttpEventProvider {};

class IHttpCompletionInfo {
 public:
  virtual DWORD GetCompletionBytes(VOID) const = 0;
  virtual HRESULT GetCompletionStatus(VOID) const = 0;
};

/* ------------------------------------------------------------------ the request context */

enum HTTP_CONTEXT_INTERFACE_VERSION {};

/* (IHttpContext3 hides a PostCompletion of this class on purpose: see there.) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
class IHttpContext {
 public:
  virtual IHttpSite *GetSite(VOID) = 0;
  virtual IHttpApplication *GetApplication(VOID) = 0;
  virtual IHttpConnection *GetConnection(VOID) = 0;
  virtual IHttpRequest *GetRequest(VOID) = 0;
  virtual IHttpResponse *GetResponse(VOID) = 0;
  virtual BOOL GetResponseHeadersSent(VOID) const = 0;
  virtual IHttpUser *GetUser(VOID) const = 0;
  virtual IHttpModuleContextContainer *GetModuleContextContainer(VOID) = 0;
  /* Resumes a request whose notification returned RQ_NOTIFICATION_PENDING, as if it had
   * returned notificationStatus (no OnAsyncCompletion). */
  virtual VOID IndicateCompletion(_In_ REQUEST_NOTIFICATION_STATUS notificationStatus) = 0;
  /* Resumes it through OnAsyncCompletion of the module that pended, on another thread. */
  virtual HRESULT PostCompletion(_In_ DWORD cbBytes) = 0;
  virtual VOID DisableNotifications(_In_ DWORD dwNotifications, _In_ DWORD dwPostNotifications) = 0;
  virtual BOOL GetNextNotification(_In_ REQUEST_NOTIFICATION_STATUS status, _Out_ DWORD *pdwNotification,
                                   _Out_ BOOL *pfIsPostNotification, _Outptr_ CHttpModule **ppModuleInfo,
                                   _Outptr_ IHttpEventProvider **ppRequestOutput) = 0;
  virtual BOOL GetIsLastNotification(_In_ REQUEST_NOTIFICATION_STATUS status) = 0;
  virtual HRESULT ExecuteRequest(_In_ BOOL fAsync, _In_ IHttpContext *pHttpContext, _In_ DWORD dwExecuteFlags,
                                 _In_ IHttpUser *pHttpUser, _Out_ BOOL *pfCompletionExpected = NULL) = 0;
  virtual DWORD GetExecuteFlags(VOID) const = 0;
  virtual HRESULT GetServerVariable(_In_ PCSTR pszVariableName, PCWSTR *ppszValue, _Out_ DWORD *pcchValueLength) = 0;
  virtual HRESULT GetServerVariable(_In_ PCSTR pszVariableName, PCSTR *ppszValue, _Out_ DWORD *pcchValueLength) = 0;
  virtual HRESULT SetServerVariable(PCSTR pszVariableName, PCWSTR pszVariableValue) = 0;
  virtual VOID *AllocateRequestMemory(_In_ DWORD cbAllocation) = 0;
  virtual IHttpUrlInfo *GetUrlInfo(VOID) = 0;
  virtual IMetadataInfo *GetMetadata(VOID) = 0;
  virtual PCWSTR GetPhysicalPath(_Out_ DWORD *pcchPhysicalPath = NULL) = 0;
  virtual PCWSTR GetScriptName(_Out_ DWORD *pcchScriptName = NULL) const = 0;
  virtual PCWSTR GetScriptTranslated(_Out_ DWORD *pcchScriptTranslated = NULL) = 0;
  virtual IScriptMapInfo *GetScriptMap(VOID) const = 0;
  virtual VOID SetRequestHandled(VOID) = 0;
  virtual IHttpFileInfo *GetFileInfo(VOID) const = 0;
  virtual HRESULT MapPath(_In_ PCWSTR pszUrl, PWSTR pszPhysicalPath, _Inout_ DWORD *pcbPhysicalPath) = 0;
  virtual HRESULT NotifyCustomNotification(_In_ ICustomNotificationProvider *pCustomOutput,
                                           _Out_ BOOL *pfCompletionExpected) = 0;
  virtual IHttpContext *GetParentContext(VOID) const = 0;
  virtual IHttpContext *GetRootContext(VOID) const = 0;
  virtual HRESULT CloneContext(_In_ DWORD dwCloneFlags, _Outptr_ IHttpContext **ppHttpContext) = 0;
  virtual HRESULT ReleaseClonedContext(VOID) = 0;
  virtual HRESULT GetCurrentExecutionStats(_Out_ DWORD *pdwNotification,
                                           _Out_ DWORD *pdwNotificationStartTickCount = NULL,
                                           _Out_ PCWSTR *ppszModule = NULL, _Out_ DWORD *pdwModuleStartTickCount = NULL,
                                           _Out_ DWORD *pdwAsyncNotification = NULL,
                                           _Out_ DWORD *pdwAsyncNotificationStartTickCount = NULL) const = 0;
  virtual IHttpTraceContext *GetTraceContext(VOID) const = 0;
  virtual HRESULT CancelIo(VOID) = 0;
  virtual HRESULT MapHandler(_In_ DWORD dwSiteId, _In_ PCWSTR pszSiteName, _In_ PCWSTR pszUrl, _In_ PCSTR pszVerb,
                             _Outptr_ IScriptMapInfo **ppScriptMap, _In_ BOOL fIgnoreWildcardMappings = FALSE) = 0;
  /* Deprecated in the SDK too: use HttpGetExtendedInterface. */
  virtual HRESULT GetExtendedInterface(_In_ HTTP_CONTEXT_INTERFACE_VERSION version, _Outptr_ PVOID *ppInterface) = 0;
};

class IHttpContext2 : public IHttpContext {
 public:
  virtual IHttpUser *GetOriginalUser(VOID) const = 0;
};

/* Note: the three-argument PostCompletion hides IHttpContext's one-argument one, as in the SDK;
 * modules call that one through an IHttpContext pointer. The hiding is on purpose, so the
 * compiler's warning about it is off here. */
class IHttpContext3 : public IHttpContext2 {
 public:
  virtual INamedContextContainer *GetNamedContextContainer(VOID) = 0;
  virtual VOID EnableFullDuplex(VOID) = 0;
  virtual HRESULT InheritServerVariable(_In_ PCSTR szName, _In_ BOOL fFailIfNotExist = FALSE) = 0;
  virtual HRESULT PostCompletion(DWORD cbBytes, LPOVERLAPPED_COMPLETION_ROUTINE pfnCompletionRoutine,
                                 VOID *pvCompletionContext) = 0;
};
#pragma GCC diagnostic pop

/* ------------------------------------------------------------------ the server */

enum HTTP_SERVER_INTERFACE_VERSION { HTTP_SERVER_INTERFACE_V2, HTTP_SERVER_INTERFACE_V3 };

class IHttpServer {
 public:
  virtual BOOL IsCommandLineLaunch(VOID) const = 0;
  virtual PCWSTR GetAppPoolName(VOID) const = 0;
  virtual HRESULT AssociateWithThreadPool(_In_ HANDLE hHandle,
                                          _In_ LPOVERLAPPED_COMPLETION_ROUTINE completionRoutine) = 0;
  virtual VOID IncrementThreadCount(VOID) = 0;
  virtual VOID DecrementThreadCount(VOID) = 0;
  virtual VOID ReportUnhealthy(_In_ PCWSTR pszReasonString, _In_ HRESULT hrReason) = 0;
  virtual VOID RecycleProcess(_In_ PCWSTR pszReason) = 0;
  virtual IAppHostAdminManager *GetAdminManager(VOID) const = 0;
  virtual HRESULT GetExtendedInterface(_In_ HTTP_SERVER_INTERFACE_VERSION version, _Outptr_ PVOID *ppInterface) = 0;
};

class IHttpServer2 : public IHttpServer {
 public:
  virtual PCWSTR GetAppPoolConfigFile(_Out_ DWORD *pcchConfigFilePath = NULL) const = 0;
  virtual HRESULT GetExtendedInterface(_In_ const GUID &Version1, _In_ PVOID pInput, _In_ const GUID &Version2,
                                       _Outptr_ PVOID *ppOutput) = 0;
  using IHttpServer::GetExtendedInterface;
};

/* The ids of the interfaces HttpGetExtendedInterface can convert between; any other type has the
 * null id, which the host refuses with E_NOINTERFACE. */
template <class T>
struct websock_iis_interface_id {
  static constexpr GUID value{0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
};
template <>
struct websock_iis_interface_id<IHttpContext> {
  static constexpr GUID value{0x424c1b8c, 0xa1ba, 0x44d7, {0xac, 0x98, 0x9f, 0x8f, 0x45, 0x77, 0x01, 0xa5}};
};
template <>
struct websock_iis_interface_id<IHttpContext2> {
  static constexpr GUID value{0xc986182c, 0xcf4a, 0x4482, {0x82, 0x05, 0x0d, 0xbb, 0xc1, 0xfd, 0x6c, 0xee}};
};
template <>
struct websock_iis_interface_id<IHttpContext3> {
  static constexpr GUID value{0xbf53c022, 0xca4b, 0x4349, {0xa3, 0x8e, 0xa4, 0xb7, 0x8a, 0xd8, 0x97, 0xfb}};
};

/* IHttpContext *ctx; IHttpContext3 *ctx3; HttpGetExtendedInterface(g_pHttpServer, ctx, &ctx3); */
template <class HttpType1, class HttpType2>
HRESULT HttpGetExtendedInterface(_In_ IHttpServer *pHttpServer, _In_ HttpType1 *pInput, _Outptr_ HttpType2 **ppOutput) {
  if (pHttpServer == NULL || ppOutput == NULL) return E_INVALIDARG;
  IHttpServer2 *server2 = NULL;
  HRESULT hr = pHttpServer->GetExtendedInterface(HTTP_SERVER_INTERFACE_V2, reinterpret_cast<PVOID *>(&server2));
  if (FAILED(hr)) return hr;
  return server2->GetExtendedInterface(websock_iis_interface_id<HttpType1>::value, pInput,
                                       websock_iis_interface_id<HttpType2>::value,
                                       reinterpret_cast<PVOID *>(ppOutput));
}

/* ------------------------------------------------------------------ the module */

#define WEBSOCK_IIS_DEFAULT_NOTIFICATION(name, provider)                                                      \
  virtual REQUEST_NOTIFICATION_STATUS name(_In_ IHttpContext *pHttpContext, _In_ provider *pProvider) {       \
    UNREFERENCED_PARAMETER(pHttpContext);                                                                     \
    UNREFERENCED_PARAMETER(pProvider);                                                                        \
    return RQ_NOTIFICATION_CONTINUE;                                                                          \
  }

/* One object per request and module (IHttpModuleFactory::GetHttpModule). Override the
 * notifications subscribed to; the host calls no other. */
class CHttpModule {
 public:
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnBeginRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostBeginRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnAuthenticateRequest, IAuthenticationProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostAuthenticateRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnAuthorizeRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostAuthorizeRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnResolveRequestCache, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostResolveRequestCache, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnMapRequestHandler, IMapHandlerProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostMapRequestHandler, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnAcquireRequestState, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostAcquireRequestState, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPreExecuteRequestHandler, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostPreExecuteRequestHandler, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnExecuteRequestHandler, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostExecuteRequestHandler, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnReleaseRequestState, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostReleaseRequestState, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnUpdateRequestCache, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostUpdateRequestCache, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnLogRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostLogRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnEndRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnPostEndRequest, IHttpEventProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnSendResponse, ISendResponseProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnMapPath, IMapPathProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnReadEntity, IReadEntityProvider)
  WEBSOCK_IIS_DEFAULT_NOTIFICATION(OnCustomRequestNotification, ICustomNotificationProvider)

  /* A notification that returned RQ_NOTIFICATION_PENDING resumes here (PostCompletion, or an
   * asynchronous Flush, WriteEntityChunks or ReadEntityBody that did not complete inline). */
  virtual REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(_In_ IHttpContext *pHttpContext, _In_ DWORD dwNotification,
                                                        _In_ BOOL fPostNotification,
                                                        _In_ IHttpEventProvider *pProvider,
                                                        _In_ IHttpCompletionInfo *pCompletionInfo) {
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(dwNotification);
    UNREFERENCED_PARAMETER(fPostNotification);
    UNREFERENCED_PARAMETER(pProvider);
    UNREFERENCED_PARAMETER(pCompletionInfo);
    return RQ_NOTIFICATION_CONTINUE;
  }

  /* At the end of the request. */
  virtual VOID Dispose(VOID) { delete this; }

 protected:
  CHttpModule() {}
  virtual ~CHttpModule() {}
};

#undef WEBSOCK_IIS_DEFAULT_NOTIFICATION

/* Global modules: accepted at registration and terminated at shutdown; no global notification
 * is raised. */
class CGlobalModule {
 public:
  virtual VOID Terminate(VOID) = 0;

 protected:
  virtual ~CGlobalModule() {}
};

class IModuleAllocator {
 public:
  /* Memory that lives as long as the request. */
  virtual VOID *AllocateMemory(_In_ DWORD cbAllocation) = 0;
};

class IHttpModuleFactory {
 public:
  virtual HRESULT GetHttpModule(_Outptr_ CHttpModule **ppModule, _In_ IModuleAllocator *pAllocator) = 0;
  /* Once, when the host shuts down: the factory frees itself. */
  virtual VOID Terminate(VOID) = 0;
};

class IHttpModuleRegistrationInfo {
 public:
  virtual PCWSTR GetName(VOID) const = 0;
  virtual HTTP_MODULE_ID GetId(VOID) const = 0;
  virtual HRESULT SetRequestNotifications(_In_ IHttpModuleFactory *pModuleFactory, _In_ DWORD dwRequestNotifications,
                                          _In_ DWORD dwPostRequestNotifications) = 0;
  virtual HRESULT SetGlobalNotifications(_In_ CGlobalModule *pGlobalModule, _In_ DWORD dwGlobalNotifications) = 0;
  virtual HRESULT SetPriorityForRequestNotification(_In_ DWORD dwRequestNotification, _In_ PCWSTR pszPriority) = 0;
  virtual HRESULT SetPriorityForGlobalNotification(_In_ DWORD dwGlobalNotification, _In_ PCWSTR pszPriority) = 0;
};

/* The module's entry point, exported as "RegisterModule". dwServerVersion is 7, as for IIS 7 and
 * later. It is declared here with C linkage, so that a module's own definition (written for a
 * .def file on Windows, without extern "C") exports the plain name from its shared object. */
typedef HRESULT(WINAPI *PFN_REGISTERMODULE)(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                                            IHttpServer *pGlobalInfo);
extern "C" __attribute__((visibility("default"))) HRESULT WINAPI
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo, IHttpServer *pGlobalInfo);

#define MODULE_REGISTERMODULE "RegisterModule"

#endif /* WEBSOCK_WIN_HTTPSERV_H */

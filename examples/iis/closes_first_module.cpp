// An IIS WebSocket module that starts the closing handshake itself: after the upgrade it sends one
// text message, then its own close (status 4000, a reason), then reads until the client's answer
// to that close arrives, and only then finishes the request. Finishing earlier would let the host
// drop the connection before the client's answer, which the client would see as an unclean close.
//
// Every call is asynchronous, with a completion callback and pfCompletionExpected: a call that
// completed inline (*pfCompletionExpected == FALSE) gets no callback, so each step is a function
// that both the inline path and the callback path continue into.
#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <iiswebsocket.h>
#include <string.h>

static IHttpServer* g_pHttpServer = NULL;

// What the client is told before the close, and the close itself (4000-4999: private use).
static const char g_szFarewell[] = "closing now";
static const USHORT g_uCloseStatus = 4000;
static const WCHAR g_wszCloseReason[] = L"the server closes first";

class CClosingSession {
 public:
  CClosingSession(IHttpContext* pHttpContext, IWebSocketContext* pWebSocket)
      : m_pHttpContext(pHttpContext), m_pWebSocket(pWebSocket) {}

  // Step 1: the message.
  void Start() {
    // WriteFragment takes a non-const buffer; the message is copied into the session's.
    memcpy(m_buffer, g_szFarewell, sizeof g_szFarewell - 1);
    DWORD cbSent = sizeof g_szFarewell - 1;
    BOOL fExpected = FALSE;
    HRESULT hr = m_pWebSocket->WriteFragment(m_buffer, &cbSent, TRUE, TRUE, TRUE, WriteDone, this, &fExpected);
    if (FAILED(hr)) return Finish();
    if (!fExpected) SendClose();
  }

 private:
  static VOID WINAPI WriteDone(HRESULT hr, VOID* pContext, DWORD, BOOL, BOOL, BOOL) {
    CClosingSession* self = static_cast<CClosingSession*>(pContext);
    if (FAILED(hr)) return self->Finish();
    self->SendClose();
  }

  // Step 2: our close. It goes out after the message (frames leave in the order they were given).
  void SendClose() {
    BOOL fExpected = FALSE;
    HRESULT hr = m_pWebSocket->SendConnectionClose(TRUE, g_uCloseStatus, g_wszCloseReason, CloseDone, this, &fExpected);
    if (FAILED(hr)) return Finish();
    if (!fExpected) ReadUntilClose();
  }

  static VOID WINAPI CloseDone(HRESULT hr, VOID* pContext, DWORD, BOOL, BOOL, BOOL) {
    CClosingSession* self = static_cast<CClosingSession*>(pContext);
    if (FAILED(hr)) return self->Finish();
    self->ReadUntilClose();
  }

  // Step 3: read until the client's close. A client may still send messages it had on the way
  // before it saw ours; they are read and dropped.
  void ReadUntilClose() {
    for (;;) {
      BOOL fUtf8 = FALSE, fFinal = FALSE, fClose = FALSE, fExpected = FALSE;
      DWORD cbRead = sizeof m_buffer;
      HRESULT hr = m_pWebSocket->ReadFragment(m_buffer, &cbRead, TRUE, &fUtf8, &fFinal, &fClose, ReadDone, this,
                                              &fExpected);
      if (FAILED(hr)) return Finish();
      if (fExpected) return;  // ReadDone continues
      if (fClose) return Closed();
    }
  }

  static VOID WINAPI ReadDone(HRESULT hr, VOID* pContext, DWORD, BOOL, BOOL, BOOL fClose) {
    CClosingSession* self = static_cast<CClosingSession*>(pContext);
    if (FAILED(hr)) return self->Finish();
    if (fClose) return self->Closed();
    self->ReadUntilClose();
  }

  // Step 4: the client answered. RFC 6455 lets the answer carry any status (most clients echo
  // ours, some send none: 1005); what matters is that the close status is there to read, which
  // says the closing handshake is complete. Without it the connection's state is unknown: drop it
  // rather than leave the client waiting.
  void Closed() {
    USHORT uStatus = 0;
    LPCWSTR pszReason = NULL;
    if (FAILED(m_pWebSocket->GetCloseStatus(&uStatus, &pszReason))) m_pWebSocket->CloseTcpConnection();
    Finish();
  }

  void Finish() {
    IHttpContext* pHttpContext = m_pHttpContext;
    delete this;  // no callback of ours is outstanding: every path here is the last one
    pHttpContext->PostCompletion(0);  // OnAsyncCompletion ends the request
  }

  IHttpContext* m_pHttpContext;
  IWebSocketContext* m_pWebSocket;
  BYTE m_buffer[1024];
};

class CClosesFirstModule : public CHttpModule {
 public:
  REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider) {
    UNREFERENCED_PARAMETER(pProvider);
    PCSTR pszWebSocket = NULL;
    DWORD cchWebSocket = 0;
    if (FAILED(pHttpContext->GetServerVariable(IIS_WEBSOCKET_SERVER_VARIABLE, &pszWebSocket, &cchWebSocket)) ||
        strcmp(pszWebSocket, "websockets") != 0) {
      return RQ_NOTIFICATION_CONTINUE;
    }
    IHttpResponse* pResponse = pHttpContext->GetResponse();
    pResponse->SetStatus(101, "Switching Protocols");
    DWORD cbSent = 0;
    BOOL fCompletionExpected = FALSE;
    if (FAILED(pResponse->Flush(TRUE, TRUE, &cbSent, &fCompletionExpected))) return RQ_NOTIFICATION_FINISH_REQUEST;
    IHttpContext3* pHttpContext3 = NULL;
    if (FAILED(HttpGetExtendedInterface(g_pHttpServer, pHttpContext, &pHttpContext3))) {
      return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    IWebSocketContext* pWebSocket =
        (IWebSocketContext*)pHttpContext3->GetNamedContextContainer()->GetNamedContext(IIS_WEBSOCKET);
    if (pWebSocket == NULL) {
      pResponse->SetStatus(400, "Bad Request");
      return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    // The session may finish (PostCompletion) before this returns; the host keeps that
    // completion until the notification has returned PENDING.
    (new CClosingSession(pHttpContext, pWebSocket))->Start();
    return RQ_NOTIFICATION_PENDING;
  }

  REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(IN IHttpContext*, IN DWORD, IN BOOL, IN IHttpEventProvider*,
                                                IN IHttpCompletionInfo*) {
    return RQ_NOTIFICATION_FINISH_REQUEST;
  }
};

class CClosesFirstFactory : public IHttpModuleFactory {
 public:
  HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator) {
    UNREFERENCED_PARAMETER(pAllocator);
    *ppModule = new CClosesFirstModule;
    return *ppModule ? S_OK : HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
  }
  VOID Terminate() { delete this; }
  virtual ~CClosesFirstFactory() {}
};

HRESULT __stdcall RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo,
                                 IHttpServer* pGlobalInfo) {
  UNREFERENCED_PARAMETER(dwServerVersion);
  g_pHttpServer = pGlobalInfo;
  return pModuleInfo->SetRequestNotifications(new CClosesFirstFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}

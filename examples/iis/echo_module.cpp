// An IIS WebSocket echo module, written as IIS modules are (and built unchanged for Windows):
// in OnExecuteRequestHandler it answers 101, flushes, takes the "websockets" context and starts
// an asynchronous read pump; each fragment read is written back with the same flags, then the
// next read starts. Completions come either inline (pfCompletionExpected = FALSE: handled in the
// loop, no callback) or through the callbacks. When the client closes, the module answers the
// close and finishes the request with PostCompletion.
#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <iiswebsocket.h>
#include <string.h>

static IHttpServer* g_pHttpServer = NULL;

class CEchoSession {
 public:
  CEchoSession(IHttpContext* pHttpContext, IWebSocketContext* pWebSocket)
      : m_pHttpContext(pHttpContext), m_pWebSocket(pWebSocket) {}

  // Reads until a read pends; each completed read is echoed (which may pend too).
  void Pump() {
    for (;;) {
      BOOL fUtf8 = FALSE, fFinal = FALSE, fClose = FALSE, fExpected = FALSE;
      DWORD cb = sizeof m_buffer;
      HRESULT hr = m_pWebSocket->ReadFragment(m_buffer, &cb, TRUE, &fUtf8, &fFinal, &fClose, ReadDone, this,
                                              &fExpected);
      if (FAILED(hr)) return Finish();
      if (fExpected) return;  // ReadDone continues
      if (!Echo(cb, fUtf8, fFinal, fClose)) return;
    }
  }

 private:
  static VOID WINAPI ReadDone(HRESULT hr, VOID* pContext, DWORD cb, BOOL fUtf8, BOOL fFinal, BOOL fClose) {
    CEchoSession* self = static_cast<CEchoSession*>(pContext);
    if (FAILED(hr)) return self->Finish();
    if (self->Echo(cb, fUtf8, fFinal, fClose)) self->Pump();
  }

  static VOID WINAPI WriteDone(HRESULT hr, VOID* pContext, DWORD, BOOL, BOOL, BOOL) {
    CEchoSession* self = static_cast<CEchoSession*>(pContext);
    if (FAILED(hr)) return self->Finish();
    self->Pump();
  }

  static VOID WINAPI CloseDone(HRESULT, VOID* pContext, DWORD, BOOL, BOOL, BOOL) {
    static_cast<CEchoSession*>(pContext)->Finish();
  }

  // True when the pump may go on at once; false when a completion will resume it or it ended.
  bool Echo(DWORD cb, BOOL fUtf8, BOOL fFinal, BOOL fClose) {
    if (fClose) {
      USHORT status = 1000;
      LPCWSTR reason = NULL;
      m_pWebSocket->GetCloseStatus(&status, &reason);
      BOOL fExpected = FALSE;
      HRESULT hr = m_pWebSocket->SendConnectionClose(TRUE, status, status == 1005 ? NULL : reason, CloseDone, this,
                                                     &fExpected);
      if (FAILED(hr) || !fExpected) Finish();
      return false;
    }
    BOOL fExpected = FALSE;
    DWORD sent = cb;
    HRESULT hr = m_pWebSocket->WriteFragment(m_buffer, &sent, TRUE, fUtf8, fFinal, WriteDone, this, &fExpected);
    if (FAILED(hr)) {
      Finish();
      return false;
    }
    return !fExpected;
  }

  void Finish() {
    IHttpContext* ctx = m_pHttpContext;
    delete this;
    ctx->PostCompletion(0);  // OnAsyncCompletion ends the request
  }

  IHttpContext* m_pHttpContext;
  IWebSocketContext* m_pWebSocket;
  BYTE m_buffer[4096];
};

class CEchoModule : public CHttpModule {
 public:
  REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider) {
    UNREFERENCED_PARAMETER(pProvider);
    // Only requests the WebSocket module recognised as upgrades (rule 64); the rest go on.
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
    HRESULT hr = pResponse->Flush(TRUE, TRUE, &cbSent, &fCompletionExpected);
    if (FAILED(hr)) return RQ_NOTIFICATION_FINISH_REQUEST;
    IHttpContext3* pHttpContext3 = NULL;
    hr = HttpGetExtendedInterface(g_pHttpServer, pHttpContext, &pHttpContext3);
    if (FAILED(hr)) return RQ_NOTIFICATION_FINISH_REQUEST;
    IWebSocketContext* pWebSocket =
        (IWebSocketContext*)pHttpContext3->GetNamedContextContainer()->GetNamedContext(IIS_WEBSOCKET);
    if (pWebSocket == NULL) {
      pResponse->SetStatus(400, "Bad Request");
      return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    (new CEchoSession(pHttpContext, pWebSocket))->Pump();
    return RQ_NOTIFICATION_PENDING;
  }

  REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(IN IHttpContext*, IN DWORD, IN BOOL, IN IHttpEventProvider*,
                                                IN IHttpCompletionInfo*) {
    return RQ_NOTIFICATION_FINISH_REQUEST;
  }
};

class CEchoFactory : public IHttpModuleFactory {
 public:
  HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator) {
    UNREFERENCED_PARAMETER(pAllocator);
    *ppModule = new CEchoModule;
    return *ppModule ? S_OK : HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
  }
  VOID Terminate() { delete this; }
  virtual ~CEchoFactory() {}
};

HRESULT __stdcall RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo,
                                 IHttpServer* pGlobalInfo) {
  UNREFERENCED_PARAMETER(dwServerVersion);
  g_pHttpServer = pGlobalInfo;
  return pModuleInfo->SetRequestNotifications(new CEchoFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}

// An IIS WebSocket echo module that uses only synchronous calls (fAsync = FALSE). The whole
// session lives inside OnExecuteRequestHandler: answer 101, flush, take the "websockets"
// context, then read a fragment and write it back with the same flags until the client closes;
// answer its close with the same status and reason and finish the request.
//
// A synchronous ReadFragment holds its thread until the client sends something, which IIS (and
// `websock iis`, whose module threads are a growing pool) allows; it costs a thread a connection,
// which is why the asynchronous echo_module.cpp is what a busy site would use.
#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <iiswebsocket.h>
#include <string.h>

static IHttpServer* g_pHttpServer = NULL;

class CSyncEchoModule : public CHttpModule {
 public:
  REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider) {
    UNREFERENCED_PARAMETER(pProvider);
    // Only requests the WebSocket module recognised as upgrades; the rest go on to other handlers.
    PCSTR pszWebSocket = NULL;
    DWORD cchWebSocket = 0;
    if (FAILED(pHttpContext->GetServerVariable(IIS_WEBSOCKET_SERVER_VARIABLE, &pszWebSocket, &cchWebSocket)) ||
        strcmp(pszWebSocket, "websockets") != 0) {
      return RQ_NOTIFICATION_CONTINUE;
    }
    IHttpResponse* pResponse = pHttpContext->GetResponse();
    pResponse->SetStatus(101, "Switching Protocols");
    // fMoreData = TRUE: the response goes on after the 101, as WebSocket frames.
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
    Echo(pWebSocket);
    // The WebSocket ends with the request; nothing of it may be used after this return.
    return RQ_NOTIFICATION_FINISH_REQUEST;
  }

 private:
  // Until the client's close (answered) or a failure (the connection is unusable: nothing to
  // answer). A message larger than the buffer arrives as several fragments, each echoed as it
  // comes: the client sees the same message, cut differently.
  void Echo(IWebSocketContext* pWebSocket) {
    for (;;) {
      BOOL fUtf8 = FALSE, fFinal = FALSE, fClose = FALSE;
      DWORD cbRead = sizeof m_buffer;
      if (FAILED(pWebSocket->ReadFragment(m_buffer, &cbRead, FALSE, &fUtf8, &fFinal, &fClose, NULL, NULL, NULL))) {
        return;
      }
      if (fClose) {
        USHORT uStatus = 1000;
        LPCWSTR pszReason = NULL;
        pWebSocket->GetCloseStatus(&uStatus, &pszReason);
        // 1005 says the client's close had no status; an answer carries none either (and so no reason).
        pWebSocket->SendConnectionClose(FALSE, uStatus, uStatus == 1005 ? NULL : pszReason, NULL, NULL, NULL);
        return;
      }
      DWORD cbWritten = cbRead;
      if (FAILED(pWebSocket->WriteFragment(m_buffer, &cbWritten, FALSE, fUtf8, fFinal, NULL, NULL, NULL))) return;
    }
  }

  BYTE m_buffer[4096];
};

class CSyncEchoFactory : public IHttpModuleFactory {
 public:
  HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator) {
    UNREFERENCED_PARAMETER(pAllocator);
    *ppModule = new CSyncEchoModule;
    return *ppModule ? S_OK : HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
  }
  VOID Terminate() { delete this; }
  virtual ~CSyncEchoFactory() {}
};

HRESULT __stdcall RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo,
                                 IHttpServer* pGlobalInfo) {
  UNREFERENCED_PARAMETER(dwServerVersion);
  g_pHttpServer = pGlobalInfo;
  return pModuleInfo->SetRequestNotifications(new CSyncEchoFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}

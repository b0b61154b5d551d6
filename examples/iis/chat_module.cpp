// An IIS WebSocket chat room: every complete text message a client sends goes to every client in
// the room, the sender included (its own copy tells it the message went round, and in which
// place: all clients get the messages in the same order). Binary messages are not chat and are
// dropped. Each connection is a CChatSession:
//
//  - the read side: an asynchronous read pump that assembles a message from its fragments and
//    hands it to the room; it ends at the client's close (answered) or when the connection fails;
//  - the write side: a queue of messages and at most one WriteFragment (or the closing
//    SendConnectionClose) outstanding, as IWebSocketContext allows one write at a time.
//
// g_csRoom guards the room and the write side of every session; a message is queued to every
// member in one go under it, which is what keeps the order the same for all. A session leaves
// the room when its read side ends or its connection fails, and is deleted (its request then
// finished with PostCompletion) by whichever side ends last: after that no callback of it can
// come, and no other session can reach it, as it is no longer in the room.
//
// Lifetime rule the code relies on: a session in the room is still reading, so it cannot finish
// while another session holds g_csRoom and uses it.
#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <iiswebsocket.h>
#include <string.h>

#include <deque>
#include <string>
#include <vector>

static IHttpServer* g_pHttpServer = NULL;

// A message larger than this is refused with close 1009 (each member gets a copy of it).
static const size_t g_cbMaxMessage = 64 * 1024;
// A member whose queue grows beyond this does not read fast enough: it loses its connection,
// rather than let one slow reader hold memory for everyone's messages.
static const size_t g_cbMaxQueued = 1024 * 1024;

class CChatSession;

static CRITICAL_SECTION g_csRoom;
static std::vector<CChatSession*> g_room;

class CChatSession {
 public:
  CChatSession(IHttpContext* pHttpContext, IWebSocketContext* pWebSocket)
      : m_pHttpContext(pHttpContext),
        m_pWebSocket(pWebSocket),
        m_fDiscarding(FALSE),
        m_fInRoom(FALSE),
        m_fReading(TRUE),
        m_fWriting(FALSE),
        m_cbQueued(0),
        m_fCloseWanted(FALSE),
        m_fCloseSent(FALSE),
        m_uCloseStatus(1000),
        m_pszCloseReason(NULL) {}

  void Start() {
    EnterCriticalSection(&g_csRoom);
    g_room.push_back(this);
    m_fInRoom = TRUE;
    LeaveCriticalSection(&g_csRoom);
    Pump();
  }

 private:
  // ---------------------------------------------------------------- the read side

  // Reads until a read pends (ReadDone goes on) or the read side ended.
  void Pump() {
    for (;;) {
      BOOL fUtf8 = FALSE, fFinal = FALSE, fClose = FALSE, fExpected = FALSE;
      DWORD cbRead = sizeof m_buffer;
      HRESULT hr = m_pWebSocket->ReadFragment(m_buffer, &cbRead, TRUE, &fUtf8, &fFinal, &fClose, ReadDone, this,
                                              &fExpected);
      if (FAILED(hr)) return ReadEnded(FALSE);
      if (fExpected) return;
      if (!OnFragment(cbRead, fUtf8, fFinal, fClose)) return;
    }
  }

  static VOID WINAPI ReadDone(HRESULT hr, VOID* pContext, DWORD cbRead, BOOL fUtf8, BOOL fFinal, BOOL fClose) {
    CChatSession* self = static_cast<CChatSession*>(pContext);
    if (FAILED(hr)) return self->ReadEnded(FALSE);
    if (self->OnFragment(cbRead, fUtf8, fFinal, fClose)) self->Pump();
  }

  // True when the pump goes on.
  bool OnFragment(DWORD cbRead, BOOL fUtf8, BOOL fFinal, BOOL fClose) {
    if (fClose) {
      ReadEnded(TRUE);
      return false;
    }
    // After our 1009 the client's messages mean nothing: read on until its close answers ours.
    if (m_fDiscarding) return true;
    if (m_message.size() + cbRead > g_cbMaxMessage) {
      m_fDiscarding = TRUE;
      m_message.clear();
      EnterCriticalSection(&g_csRoom);
      Leave();
      WantClose(1009, L"message too big");
      WriteNext();
      LeaveCriticalSection(&g_csRoom);
      return true;
    }
    m_message.append(reinterpret_cast<const char*>(m_buffer), cbRead);
    if (fFinal) {
      if (fUtf8) Broadcast(m_message);
      m_message.clear();
    }
    return true;
  }

  // The client closed (fPeerClosed: answer it with its own status) or the connection failed.
  void ReadEnded(BOOL fPeerClosed) {
    EnterCriticalSection(&g_csRoom);
    Leave();
    if (fPeerClosed) {
      USHORT uStatus = 1000;
      LPCWSTR pszReason = NULL;
      // The reason belongs to the context, which lives until the request is finished.
      if (SUCCEEDED(m_pWebSocket->GetCloseStatus(&uStatus, &pszReason))) {
        WantClose(uStatus, uStatus == 1005 ? NULL : pszReason);  // 1005: the client gave no status
      }
    }
    WriteNext();
    m_fReading = FALSE;
    BOOL fLast = !m_fWriting;
    LeaveCriticalSection(&g_csRoom);
    if (fLast) Finish();
  }

  // ---------------------------------------------------------------- the room

  // A copy of the member list: a member dropped on the way leaves g_room meanwhile. Every member
  // of the copy stays alive until g_csRoom is left (the lifetime rule above).
  static void Broadcast(const std::string& message) {
    EnterCriticalSection(&g_csRoom);
    std::vector<CChatSession*> members(g_room);
    for (size_t i = 0; i < members.size(); ++i) {
      CChatSession* member = members[i];
      if (!member->m_fInRoom) continue;
      if (member->m_cbQueued + message.size() > g_cbMaxQueued) {
        member->Drop();
        continue;
      }
      member->m_queue.push_back(message);
      member->m_cbQueued += message.size();
      member->WriteNext();
    }
    LeaveCriticalSection(&g_csRoom);
  }

  // Under g_csRoom. Queued messages go (the one being written stays until its completion).
  void Leave() {
    if (!m_fInRoom) return;
    for (size_t i = 0; i < g_room.size(); ++i) {
      if (g_room[i] == this) {
        g_room.erase(g_room.begin() + static_cast<ptrdiff_t>(i));
        break;
      }
    }
    m_fInRoom = FALSE;
    m_queue.clear();
    m_cbQueued = 0;
  }

  // Under g_csRoom: the client does not keep up. Dropping its connection ends the read side,
  // which finishes the session.
  void Drop() {
    if (!m_fInRoom) return;
    Leave();
    m_pWebSocket->CloseTcpConnection();
  }

  // ---------------------------------------------------------------- the write side

  // Under g_csRoom: the close goes after what is being written; nothing is queued any more.
  void WantClose(USHORT uStatus, LPCWSTR pszReason) {
    if (m_fCloseWanted) return;
    m_fCloseWanted = TRUE;
    m_uCloseStatus = uStatus;
    m_pszCloseReason = pszReason;
  }

  // Under g_csRoom: starts writes until one pends or nothing is left. A message is moved out of
  // the queue while it is written (the buffer must stay put until its completion).
  void WriteNext() {
    while (!m_fWriting) {
      BOOL fExpected = FALSE;
      HRESULT hr = S_OK;
      if (m_fInRoom && !m_queue.empty()) {
        m_inFlight.swap(m_queue.front());
        m_queue.pop_front();
        m_cbQueued -= m_inFlight.size();
        DWORD cbSent = static_cast<DWORD>(m_inFlight.size());
        m_fWriting = TRUE;
        hr = m_pWebSocket->WriteFragment(&m_inFlight[0], &cbSent, TRUE, TRUE, TRUE, WriteDone, this, &fExpected);
      } else if (m_fCloseWanted && !m_fCloseSent) {
        m_fCloseSent = TRUE;
        m_fWriting = TRUE;
        hr = m_pWebSocket->SendConnectionClose(TRUE, m_uCloseStatus, m_pszCloseReason, WriteDone, this, &fExpected);
      } else {
        return;
      }
      if (SUCCEEDED(hr) && fExpected) return;  // WriteDone goes on
      m_fWriting = FALSE;
      m_inFlight.clear();
      if (FAILED(hr)) Leave();  // see WriteDone
    }
  }

  // A message or the close was written (or failed) later than its call.
  static VOID WINAPI WriteDone(HRESULT hr, VOID* pContext, DWORD, BOOL, BOOL, BOOL) {
    CChatSession* self = static_cast<CChatSession*>(pContext);
    EnterCriticalSection(&g_csRoom);
    self->m_fWriting = FALSE;
    self->m_inFlight.clear();
    // A failed write means the connection is closing or gone: the read side sees that too and
    // ends the session; until then nothing more is queued to it.
    if (FAILED(hr)) self->Leave();
    self->WriteNext();
    BOOL fLast = !self->m_fReading && !self->m_fWriting;
    LeaveCriticalSection(&g_csRoom);
    if (fLast) self->Finish();
  }

  // Both sides are over: nothing can reach the session any more.
  void Finish() {
    IHttpContext* pHttpContext = m_pHttpContext;
    delete this;
    pHttpContext->PostCompletion(0);  // OnAsyncCompletion ends the request
  }

  IHttpContext* m_pHttpContext;
  IWebSocketContext* m_pWebSocket;
  // The read side's own (only the pump touches them).
  BYTE m_buffer[4096];
  std::string m_message;
  BOOL m_fDiscarding;
  // Under g_csRoom.
  BOOL m_fInRoom;
  BOOL m_fReading;
  BOOL m_fWriting;
  std::deque<std::string> m_queue;
  size_t m_cbQueued;
  std::string m_inFlight;
  BOOL m_fCloseWanted;
  BOOL m_fCloseSent;
  USHORT m_uCloseStatus;
  LPCWSTR m_pszCloseReason;
};

class CChatModule : public CHttpModule {
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
    (new CChatSession(pHttpContext, pWebSocket))->Start();
    return RQ_NOTIFICATION_PENDING;
  }

  REQUEST_NOTIFICATION_STATUS OnAsyncCompletion(IN IHttpContext*, IN DWORD, IN BOOL, IN IHttpEventProvider*,
                                                IN IHttpCompletionInfo*) {
    return RQ_NOTIFICATION_FINISH_REQUEST;
  }
};

class CChatFactory : public IHttpModuleFactory {
 public:
  HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator) {
    UNREFERENCED_PARAMETER(pAllocator);
    *ppModule = new CChatModule;
    return *ppModule ? S_OK : HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
  }
  // The server calls Terminate once no request of the module runs any more.
  VOID Terminate() {
    DeleteCriticalSection(&g_csRoom);
    delete this;
  }
  virtual ~CChatFactory() {}
};

HRESULT __stdcall RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo,
                                 IHttpServer* pGlobalInfo) {
  UNREFERENCED_PARAMETER(dwServerVersion);
  g_pHttpServer = pGlobalInfo;
  InitializeCriticalSection(&g_csRoom);
  return pModuleInfo->SetRequestNotifications(new CChatFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}

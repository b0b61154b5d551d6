/*
 * iiswebsocket.h: IIS's native WebSocket interface (IWebSocketContext, PFN_WEBSOCKET_COMPLETION),
 * source-compatible, for modules hosted by `websock iis`. Part of websock's Windows compatibility
 * folder. Reference: shared/spec/iis-websocket.md sections 2-4, rules 56-66 (docs/compat/iis.md).
 *
 * The method order and signatures are the SDK header's, which differ from the doc pages:
 * SendConnectionClose takes the status code by value, and GetCloseStatus gives the reason as a
 * UTF-16 (here: wchar_t) string with its length in characters.
 */
#ifndef WEBSOCK_WIN_IISWEBSOCKET_H
#define WEBSOCK_WIN_IISWEBSOCKET_H

#include "httpserv.h"

/* The name of the WebSocket context in the request's named-context container. */
#define IIS_WEBSOCKET L"websockets"
/* Server variable that holds "websockets" once the host recognised an upgrade request. */
#define IIS_WEBSOCKET_SERVER_VARIABLE "IIS_WEBSOCK"

/*
 * Completion of an asynchronous ReadFragment, WriteFragment or SendConnectionClose that did not
 * complete inline. Reads: cbIO bytes were stored, the flags describe them. Writes: cbIO bytes were
 * accepted, the flags repeat the request's. FAILED(hrError): the connection is no longer usable;
 * HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED) for an operation ended by CancelOutstandingIO.
 */
typedef VOID(WINAPI *PFN_WEBSOCKET_COMPLETION)(HRESULT hrError, VOID *pvCompletionContext, DWORD cbIO,
                                               BOOL fUTF8Encoded, BOOL fFinalFragment, BOOL fClose);

class IWebSocketContext : public IHttpStoredContext {
 public:
  /* One frame of a message: text when fUTF8Encoded, continued by later calls unless
   * fFinalFragment. *pcbSent: the bytes to send, then the bytes accepted. */
  virtual HRESULT WriteFragment(_In_ VOID *pData, _Inout_ DWORD *pcbSent, _In_ BOOL fAsync, _In_ BOOL fUTF8Encoded,
                                _In_ BOOL fFinalFragment, _In_ PFN_WEBSOCKET_COMPLETION pfnCompletion = NULL,
                                _In_ VOID *pvCompletionContext = NULL,
                                _Out_ BOOL *pfCompletionExpected = NULL) = 0;

  /* The next piece of a message, at most *pcbData bytes, or the peer's close (fConnectionClose).
   * Pings and pongs are answered and absorbed below: they never complete a read. */
  virtual HRESULT ReadFragment(_Out_ VOID *pData, _Inout_ DWORD *pcbData, _In_ BOOL fAsync,
                               _Out_ BOOL *pfUTF8Encoded, _Out_ BOOL *pfFinalFragment, _Out_ BOOL *pfConnectionClose,
                               _In_ PFN_WEBSOCKET_COMPLETION pfnCompletion = NULL,
                               _In_ VOID *pvCompletionContext = NULL, _Out_ BOOL *pfCompletionExpected = NULL) = 0;

  /* Our close frame: the status by value, the reason as a wide string (sent as UTF-8, at most 123
   * bytes). */
  virtual HRESULT SendConnectionClose(_In_ BOOL fAsync, _In_ USHORT uStatusCode, _In_ LPCWSTR pszReason = NULL,
                                      _In_ PFN_WEBSOCKET_COMPLETION pfnCompletion = NULL,
                                      _In_ VOID *pvCompletionContext = NULL,
                                      _Out_ BOOL *pfCompletionExpected = NULL) = 0;

  /* The peer's close: code (1005 for an empty close frame) and reason, owned by the context. */
  virtual HRESULT GetCloseStatus(_Out_ USHORT *pStatusCode, _Out_ LPCWSTR *ppszReason = NULL,
                                 _Out_ USHORT *pcchReason = NULL) = 0;

  /* Drops the TCP connection. */
  virtual VOID CloseTcpConnection(VOID) = 0;

  /* Ends every pending operation, each once, through its callback, with
   * HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED). */
  virtual VOID CancelOutstandingIO(VOID) = 0;
};

#endif /* WEBSOCK_WIN_IISWEBSOCKET_H */

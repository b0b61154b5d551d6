/*
 * minwinbase.h: the structures the Win32 object-creating functions share. Part of websock's
 * Windows compatibility folder; programs normally get it through <windows.h>.
 *
 * SECURITY_ATTRIBUTES has the SDK's fields and layout (24 bytes on x86_64), so programs that fill
 * one in compile unchanged; there is no security model behind it: functions accept it and
 * ignore its contents (bInheritHandle too, since there are no child processes to inherit into).
 */
#ifndef WEBSOCK_WIN_MINWINBASE_H
#define WEBSOCK_WIN_MINWINBASE_H

#include "minwindef.h"

typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* OVERLAPPED, for the signatures that carry one (IIS's PostCompletion with a completion routine,
 * IHttpServer::AssociateWithThreadPool). There is no overlapped I/O here: the fields exist so that
 * code which zeroes or reads one compiles. */
typedef struct _OVERLAPPED {
  ULONG_PTR Internal;
  ULONG_PTR InternalHigh;
  DWORD Offset; /* in the SDK, inside an anonymous union with PVOID Pointer */
  DWORD OffsetHigh;
  HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef VOID(WINAPI *LPOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
                                                      LPOVERLAPPED lpOverlapped);

#endif /* WEBSOCK_WIN_MINWINBASE_H */

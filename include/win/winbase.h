/*
 * winbase.h: the results of the wait functions and what gathers the object headers. Part of
 * websock's Windows compatibility folder; programs normally get it through <windows.h>.
 *
 * The values are the SDK's (winbase.h, MAXIMUM_WAIT_OBJECTS from winnt.h; WAIT_TIMEOUT, 258, is in
 * winerror.h there and here). WAIT_ABANDONED and WAIT_IO_COMPLETION are defined for programs that
 * name them in a switch; nothing returns them, as there are no mutexes and no alertable waits.
 */
#ifndef WEBSOCK_WIN_WINBASE_H
#define WEBSOCK_WIN_WINBASE_H

#include "minwindef.h"
#include "minwinbase.h"
#include "winerror.h"
#include "handleapi.h"
#include "synchapi.h"

#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_ABANDONED ((DWORD)0x00000080)
#define WAIT_ABANDONED_0 WAIT_ABANDONED
#define WAIT_IO_COMPLETION ((DWORD)0x000000C0)
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* The most handles WaitForMultipleObjects takes. */
#define MAXIMUM_WAIT_OBJECTS 64

#endif /* WEBSOCK_WIN_WINBASE_H */

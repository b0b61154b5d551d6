/*
 * heapapi.h: the process heap (GetProcessHeap, HeapAlloc, HeapReAlloc, HeapFree, HeapSize).
 * Part of websock's Windows compatibility folder; programs normally get it through <windows.h>.
 *
 * There is one heap, the C library's: every heap handle is accepted and means it. Blocks carry
 * their size (so HeapSize and HEAP_ZERO_MEMORY on HeapReAlloc work); a block from HeapAlloc must
 * therefore go back through HeapFree, never free(), as on Windows. HeapCreate and private heaps
 * are not provided. Implemented in websock_compat (src/compat/win32/heap.cpp).
 */
#ifndef WEBSOCK_WIN_HEAPAPI_H
#define WEBSOCK_WIN_HEAPAPI_H

#include "minwindef.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GROWABLE 0x00000002
#define HEAP_GENERATE_EXCEPTIONS 0x00000004 /* accepted; failures still return NULL */
#define HEAP_ZERO_MEMORY 0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY 0x00000010

HANDLE WINAPI GetProcessHeap(VOID);

_Ret_maybenull_ LPVOID WINAPI HeapAlloc(_In_ HANDLE hHeap, _In_ DWORD dwFlags, _In_ SIZE_T dwBytes);

/* NULL lpMem fails. HEAP_REALLOC_IN_PLACE_ONLY succeeds only when the block does not grow. */
_Ret_maybenull_ LPVOID WINAPI HeapReAlloc(_Inout_ HANDLE hHeap, _In_ DWORD dwFlags,
                                          _Frees_ptr_opt_ LPVOID lpMem, _In_ SIZE_T dwBytes);

/* NULL lpMem does nothing and succeeds. */
BOOL WINAPI HeapFree(_Inout_ HANDLE hHeap, _In_ DWORD dwFlags, _Frees_ptr_opt_ LPVOID lpMem);

/* The size asked for at allocation; (SIZE_T)-1 for NULL. */
SIZE_T WINAPI HeapSize(_In_ HANDLE hHeap, _In_ DWORD dwFlags, _In_ LPCVOID lpMem);

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_HEAPAPI_H */

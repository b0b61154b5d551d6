// MemoryPipe: a growable byte buffer on the process heap, guarded by a critical section so that
// a writer and a reader on different threads could share it (the example uses one thread).
#include <Windows.h>
#include <Assert.h>

#include "memory_pipe.h"

MemoryPipe::MemoryPipe() : buffer(NULL), capacity(0), start(0), end(0)
{
    InitializeCriticalSection(&this->lock);
}

MemoryPipe::~MemoryPipe()
{
    if (this->buffer != NULL)
    {
        HeapFree(GetProcessHeap(), 0, this->buffer);
    }
    DeleteCriticalSection(&this->lock);
}

// Called with the lock held (EnterCriticalSection is recursive, so the caller's hold suffices).
HRESULT MemoryPipe::Reserve(_In_ ULONG extra)
{
    EnterCriticalSection(&this->lock);
    HRESULT hr = S_OK;
    ULONG unread = this->end - this->start;
    if (this->capacity - this->end < extra)
    {
        // Slide the unread bytes to the front first; grow only if that is not enough.
        if (unread > 0)
        {
            MoveMemory(this->buffer, this->buffer + this->start, unread);
        }
        this->start = 0;
        this->end = unread;
        if (this->capacity - this->end < extra)
        {
            ULONG wanted = __max(2 * this->capacity, unread + extra);
            BYTE* grown = (BYTE*)(this->buffer == NULL
                ? HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, wanted)
                : HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, this->buffer, wanted));
            if (grown == NULL)
            {
                hr = E_OUTOFMEMORY;
            }
            else
            {
                this->buffer = grown;
                this->capacity = wanted;
            }
        }
    }
    LeaveCriticalSection(&this->lock);
    return hr;
}

HRESULT MemoryPipe::Write(
    _In_reads_bytes_opt_(dataLength) const BYTE* data,
    _In_ ULONG dataLength)
{
    if (dataLength == 0)
    {
        return S_OK;
    }
    if (data == NULL)
    {
        return E_INVALIDARG;
    }

    EnterCriticalSection(&this->lock);
    HRESULT hr = Reserve(dataLength);
    if (SUCCEEDED(hr))
    {
        CopyMemory(this->buffer + this->end, data, dataLength);
        this->end += dataLength;
    }
    LeaveCriticalSection(&this->lock);
    return hr;
}

HRESULT MemoryPipe::Read(
    _Out_writes_bytes_to_(size, *bytesRead) BYTE* data,
    _In_ ULONG size,
    _Out_ ULONG* bytesRead)
{
    EnterCriticalSection(&this->lock);
    ULONG count = __min(size, this->end - this->start);
    if (count > 0)
    {
        CopyMemory(data, this->buffer + this->start, count);
        this->start += count;
    }
    *bytesRead = count;
    assert(this->start <= this->end);
    LeaveCriticalSection(&this->lock);
    return S_OK;
}

_Success_(return != 0) ULONG MemoryPipe::Pending()
{
    EnterCriticalSection(&this->lock);
    ULONG pending = this->end - this->start;
    LeaveCriticalSection(&this->lock);
    return pending;
}

// One direction of an in-memory transport between two websocket.h handles: bytes written at one
// end are read, in order, at the other. Written the way a Windows program is (SAL, CRITICAL_SECTION,
// the process heap), to show that such code builds unchanged against include/win.
#pragma once

#include <Windows.h>

class MemoryPipe
{
public:
    MemoryPipe();
    ~MemoryPipe();

    // Appends dataLength bytes; E_OUTOFMEMORY if the heap refuses to grow the buffer.
    HRESULT Write(
        _In_reads_bytes_opt_(dataLength) const BYTE* data,
        _In_ ULONG dataLength);

    // Moves up to size bytes into data; *bytesRead is 0 when the pipe is empty.
    HRESULT Read(
        _Out_writes_bytes_to_(size, *bytesRead) BYTE* data,
        _In_ ULONG size,
        _Out_ ULONG* bytesRead);

    _Success_(return != 0) ULONG Pending();

private:
    CRITICAL_SECTION lock;
    _Field_size_bytes_(capacity) BYTE* buffer;
    ULONG capacity;
    ULONG start;  // first unread byte
    ULONG end;    // one past the last written byte

    HRESULT Reserve(_In_ ULONG extra);
};

#include "escaped_output.h"

#include <StdIo.h>

// Enough for any error page worth reading; the rest is counted, not shown.
static const DWORD MaxShownBytes = 2048;

void PrintEscapedBytes(_In_reads_bytes_(length) const BYTE* bytes, _In_ DWORD length)
{
    DWORD shown = length < MaxShownBytes ? length : MaxShownBytes;
    for (DWORD i = 0; i < shown; i++)
    {
        BYTE b = bytes[i];
        if (b == '\n' || (b >= 0x20 && b < 0x7f && b != '\\'))
        {
            wprintf(L"%c", (wchar_t)b);
        }
        else
        {
            wprintf(L"\\x%02X", (unsigned)b);
        }
    }
    if (shown < length)
    {
        wprintf(L"... (%lu more bytes)", length - shown);
    }
}

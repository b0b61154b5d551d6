// Bytes the server chose (a refused upgrade's body, a close reason) printed without letting them
// drive the terminal: printable ASCII as it is, everything else as \xNN, and at most a screenful.
#pragma once

#include <Windows.h>

void PrintEscapedBytes(_In_reads_bytes_(length) const BYTE* bytes, _In_ DWORD length);

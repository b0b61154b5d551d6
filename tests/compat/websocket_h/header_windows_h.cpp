// The same checks, compiled as C++: the first line of the TU is still <windows.h>.
#include "header_windows_h.c"

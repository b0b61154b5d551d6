// The same checks, compiled as C++: the first line of the TU is still <winhttp.h>.
#include "header_winhttp_h.c"

// The same checks, compiled as C++: the first line of the TU is still <websocket.h>.
#include "header_websocket_h.c"

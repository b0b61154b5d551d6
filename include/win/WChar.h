/* WChar.h: <wchar.h> as Windows programs spell it, with the Windows meaning of the wide printf
   conversions (see websock_win_wprintf.h). */
#include <wchar.h>

#include "websock_win_wprintf.h"

/* StdLib.h: <stdlib.h> as Windows programs spell it (on a case-sensitive file system a different
   file), with the __min and __max macros MSVC's <stdlib.h> defines. */
#include <stdlib.h>

#include "websock_win_minmax.h"

/* StdLib.h: <stdlib.h> as Windows programs spell it (on a case-sensitive file system a different
   file), with the __min and __max macros MSVC's <stdlib.h> defines. */
#include <stdlib.h>

#ifndef __min
#define __min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef __max
#define __max(a, b) (((a) > (b)) ? (a) : (b))
#endif

/* String.h: <string.h> as Windows programs spell it (on a case-sensitive file system a different file). */
#include <string.h>

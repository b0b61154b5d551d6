/* TCHAR.h: <tchar.h> as Windows programs spell it (on a case-sensitive file system a different file). */
#include "tchar.h"

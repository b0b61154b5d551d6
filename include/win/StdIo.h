/*
 * StdIo.h: <stdio.h> as Windows programs spell it (on a case-sensitive file system a different
 * file). On Windows <stdio.h> also declares the wide printf family, which glibc puts in
 * <wchar.h>; both come here, with the Windows meaning of the wide conversions.
 */
#include <stdio.h>
#include <wchar.h>

#include "websock_win_wprintf.h"

/* __min and __max as MSVC's <stdlib.h> defines them: one place for StdLib.h and minwindef.h. */
#ifndef WEBSOCK_WIN_MINMAX_H
#define WEBSOCK_WIN_MINMAX_H
#ifndef __min
#define __min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef __max
#define __max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

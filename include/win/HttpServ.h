/* HttpServ.h: the spelling some IIS modules use (Windows file names are case-blind). */
#include "httpserv.h"

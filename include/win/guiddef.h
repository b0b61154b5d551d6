/*
 * guiddef.h: GUID, the 16-byte interface identifier, with the SDK's fields and layout. Part of
 * websock's Windows compatibility folder. IIS's HttpGetExtendedInterface (httpserv.h) names
 * interfaces by GUID; there is no COM here, and no __uuidof (GCC and Clang lack it).
 */
#ifndef WEBSOCK_WIN_GUIDDEF_H
#define WEBSOCK_WIN_GUIDDEF_H

#include <string.h>

#include "minwindef.h"

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  DWORD Data1; /* unsigned long on Windows: 32 bits there, so DWORD here */
  WORD Data2;
  WORD Data3;
  BYTE Data4[8];
} GUID;
#endif

typedef GUID IID;
typedef GUID CLSID;
typedef const GUID *LPCGUID;
#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#else
#define REFGUID const GUID *const
#define REFIID const IID *const
#define REFCLSID const IID *const
#endif

#ifdef __cplusplus
inline bool IsEqualGUID(REFGUID a, REFGUID b) { return memcmp(&a, &b, sizeof(GUID)) == 0; }
inline bool operator==(REFGUID a, REFGUID b) { return IsEqualGUID(a, b); }
inline bool operator!=(REFGUID a, REFGUID b) { return !IsEqualGUID(a, b); }
#define IsEqualIID(a, b) IsEqualGUID(a, b)
#else
#define IsEqualGUID(a, b) (memcmp((a), (b), sizeof(GUID)) == 0)
#define IsEqualIID(a, b) IsEqualGUID(a, b)
#endif

#endif /* WEBSOCK_WIN_GUIDDEF_H */

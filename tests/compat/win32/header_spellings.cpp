// The same checks, compiled as C++.
#include "header_spellings.c"

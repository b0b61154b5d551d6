// The same checks, compiled as C++.
#include "sal_annotations.c"

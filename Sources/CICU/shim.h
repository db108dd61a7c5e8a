#ifndef CICU_SHIM_H
#define CICU_SHIM_H
// The system ICU headers. Only the C target CICUShim includes them: Swift modules that also import
// Foundation cannot see them, because Foundation bundles its own, different ICU headers.
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#endif

// The declaration in include/CLibFuzzer.h is all this target provides; libFuzzer itself comes from
// -sanitize=fuzzer at link time.
#include "CLibFuzzer.h"

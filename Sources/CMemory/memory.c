#include "CMemory.h"
#include <stdlib.h> /* defines __GLIBC__ on glibc systems */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int cmemory_keep_freed_blocks(int mmap_threshold_bytes, int trim_threshold_bytes) {
#if defined(__GLIBC__)
    int ok = mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes);
    ok &= mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes);
    return ok;
#else
    (void)mmap_threshold_bytes;
    (void)trim_threshold_bytes;
    return 0;
#endif
}

int cmemory_release_free_memory(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

#ifndef CMEMORY_H
#define CMEMORY_H

/// Keeps freed multi-MiB blocks in the heap (glibc mallopt M_MMAP_THRESHOLD / M_TRIM_THRESHOLD), so that a
/// program allocating a few MiB per batch does not fault in fresh zeroed pages for every batch.
/// Returns 1 when the settings were applied, 0 where they are not available.
int cmemory_keep_freed_blocks(int mmap_threshold_bytes, int trim_threshold_bytes);

#endif

#ifndef CMEMORY_H
#define CMEMORY_H

/// Keeps freed multi-MiB blocks in the heap (glibc mallopt M_MMAP_THRESHOLD / M_TRIM_THRESHOLD), so that a
/// program allocating a few MiB per batch does not fault in fresh zeroed pages for every batch.
/// Returns 1 when the settings were applied, 0 where they are not available.
int cmemory_keep_freed_blocks(int mmap_threshold_bytes, int trim_threshold_bytes);

/// Asks the CPU to start loading the cache line at `address` (for reading), so that a hash-table probe a few
/// iterations later does not wait for memory. A hint only: it never faults.
static inline void cmemory_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Returns the heap's free memory to the system (glibc `malloc_trim(0)`: every arena, free pages inside it
/// too), so that what a finished phase freed does not stay resident under the next one. Returns 1 when memory was
/// released, 0 otherwise or where it is not available.
int cmemory_release_free_memory(void);

#endif

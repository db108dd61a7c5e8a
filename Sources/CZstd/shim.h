#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

/// Whether a size_t returned by libzstd is an error code (ZSTD_isError is a function, kept for symmetry).
static inline unsigned czstd_is_error(size_t code) { return ZSTD_isError(code); }

/// ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are macros that Swift does not import.
static inline unsigned long long czstd_contentsize_unknown(void) { return ZSTD_CONTENTSIZE_UNKNOWN; }
static inline unsigned long long czstd_contentsize_error(void) { return ZSTD_CONTENTSIZE_ERROR; }

#endif

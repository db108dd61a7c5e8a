#ifndef CSHA256_H
#define CSHA256_H
#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the x86 SHA extensions (SHA-NI), so that csha256_blocks can be used.
int csha256_hardware_available(void);

/// Runs the SHA-256 compression function over `blocks` whole 64-byte blocks at `data`, updating the eight
/// state words in place, with the x86 SHA extensions. Call only when csha256_hardware_available() is 1.
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif

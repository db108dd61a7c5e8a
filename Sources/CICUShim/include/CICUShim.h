#ifndef CICUSHIM_H
#define CICUSHIM_H
#include <stdint.h>

// Prefixed wrappers around the few ICU functions mlmprep uses. They take plain C types only, so Swift code
// can import this header next to Foundation (whose bundled ICU headers clash with the system's), and they
// hide Debian's versioned ICU symbol names (ubrk_open_72 …) behind stable ones.

/// An opaque ICU break iterator (UBreakIterator).
typedef struct cicu_break_iterator cicu_break_iterator;

/// Opens a sentence (kind 0) or word (kind 1) break iterator for `locale`; returns NULL and sets
/// `*status` (a UErrorCode) on failure. Wraps ubrk_open.
cicu_break_iterator *cicu_break_iterator_open(int32_t kind, const char *locale, int32_t *status);

/// Points the iterator at UTF-16 text (ubrk_setText); `*status` receives the UErrorCode.
void cicu_break_iterator_set_text(cicu_break_iterator *it, const uint16_t *text, int32_t length, int32_t *status);

/// The first boundary (ubrk_first).
int32_t cicu_break_iterator_first(cicu_break_iterator *it);

/// The next boundary, or -1 at the end (ubrk_next).
int32_t cicu_break_iterator_next(cicu_break_iterator *it);

/// The rule status of the last boundary (ubrk_getRuleStatus).
int32_t cicu_break_iterator_rule_status(cicu_break_iterator *it);

/// Frees the iterator (ubrk_close).
void cicu_break_iterator_close(cicu_break_iterator *it);

/// Whether a UErrorCode is a failure (U_FAILURE).
int cicu_is_failure(int32_t status);

/// ICU's name of a UErrorCode (u_errorName).
const char *cicu_error_name(int32_t status);

/// ICU's version as "major.minor".
void cicu_version_string(char *out, int32_t capacity);

#endif

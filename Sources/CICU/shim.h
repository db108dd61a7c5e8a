#ifndef CICU_SHIM_H
#define CICU_SHIM_H
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>

// Debian's ICU exports versioned symbols (ubrk_open_72) behind macros that Swift does not import.
// These prefixed wrappers are the only ICU entry points mlmprep uses.

/// Opens a sentence break iterator for `locale` (ubrk_open with UBRK_SENTENCE).
static inline UBreakIterator *cicu_sentence_iterator_open(const char *locale, UErrorCode *status) {
    return ubrk_open(UBRK_SENTENCE, locale, NULL, 0, status);
}

/// Opens a word break iterator for `locale` (ubrk_open with UBRK_WORD).
static inline UBreakIterator *cicu_word_iterator_open(const char *locale, UErrorCode *status) {
    return ubrk_open(UBRK_WORD, locale, NULL, 0, status);
}

/// Points an iterator at UTF-16 text (ubrk_setText).
static inline void cicu_iterator_set_text(UBreakIterator *it, const UChar *text, int32_t length, UErrorCode *status) {
    ubrk_setText(it, text, length, status);
}

/// The boundary after the current one, or -1 at the end (ubrk_next).
static inline int32_t cicu_iterator_next(UBreakIterator *it) { return ubrk_next(it); }

/// The first boundary (ubrk_first).
static inline int32_t cicu_iterator_first(UBreakIterator *it) { return ubrk_first(it); }

/// The rule status of the boundary last returned (ubrk_getRuleStatus).
static inline int32_t cicu_iterator_rule_status(UBreakIterator *it) { return ubrk_getRuleStatus(it); }

/// Frees an iterator (ubrk_close).
static inline void cicu_iterator_close(UBreakIterator *it) { ubrk_close(it); }

/// Whether a status is a failure (U_FAILURE is a macro).
static inline int cicu_failure(UErrorCode status) { return U_FAILURE(status); }

/// The name of a status code (u_errorName).
static inline const char *cicu_error_name(UErrorCode status) { return u_errorName(status); }

/// The ICU version as "major.minor" (u_getVersion).
static inline void cicu_version(uint8_t out[4]) { u_getVersion(out); }

#endif

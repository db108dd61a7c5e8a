#include "CICUShim.h"
#include <stdio.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>

_Static_assert(sizeof(UChar) == sizeof(uint16_t), "UChar must be 16 bits");

cicu_break_iterator *cicu_break_iterator_open(int32_t kind, const char *locale, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(kind == 1 ? UBRK_WORD : UBRK_SENTENCE, locale, NULL, 0, &code);
    *status = (int32_t)code;
    if (U_FAILURE(code)) return NULL;
    return (cicu_break_iterator *)it;
}

void cicu_break_iterator_set_text(cicu_break_iterator *it, const uint16_t *text, int32_t length, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    ubrk_setText((UBreakIterator *)it, (const UChar *)text, length, &code);
    *status = (int32_t)code;
}

int32_t cicu_break_iterator_first(cicu_break_iterator *it) { return ubrk_first((UBreakIterator *)it); }

int32_t cicu_break_iterator_next(cicu_break_iterator *it) { return ubrk_next((UBreakIterator *)it); }

int32_t cicu_break_iterator_rule_status(cicu_break_iterator *it) {
    return ubrk_getRuleStatus((UBreakIterator *)it);
}

void cicu_break_iterator_close(cicu_break_iterator *it) { ubrk_close((UBreakIterator *)it); }

int cicu_is_failure(int32_t status) { return U_FAILURE((UErrorCode)status); }

const char *cicu_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

void cicu_version_string(char *out, int32_t capacity) {
    UVersionInfo version;
    u_getVersion(version);
    snprintf(out, (size_t)capacity, "%d.%d", version[0], version[1]);
}

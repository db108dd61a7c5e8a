/* Prints ICU's word boundaries (UTF-16 offsets) of each line of standard input, one line out per line in.
 * An independent check of mlmprep tokenize --cjk-words icu: it calls ICU's C API directly. */
#include <stdio.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>

int main(void) {
    static char line[1 << 20];
    static UChar text[1 << 20];
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) { fprintf(stderr, "ubrk_open: %s\n", u_errorName(status)); return 1; }
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') line[--n] = 0;
        int32_t length = 0;
        status = U_ZERO_ERROR;
        u_strFromUTF8WithSub(text, sizeof text / sizeof text[0], &length, line, (int32_t)n, 0xFFFD, NULL, &status);
        if (U_FAILURE(status)) { fprintf(stderr, "u_strFromUTF8: %s\n", u_errorName(status)); return 1; }
        ubrk_setText(it, text, length, &status);
        for (int32_t b = ubrk_first(it); b != UBRK_DONE; b = ubrk_next(it)) printf("%d ", b);
        printf("\n");
    }
    ubrk_close(it);
    return 0;
}

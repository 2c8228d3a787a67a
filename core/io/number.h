/*
 * number.h -- why a number was refused (internal): the reasons beyond
 * "not a number" that a message should name.
 */
#ifndef KS_NUMBER_H
#define KS_NUMBER_H

#include <stddef.h>

/*
 * When ks_parse_number refused `text` for a reason the generic "expected
 * a number" would hide, that reason, to follow the quoted text: a
 * spreadsheet error value ("#DIV/0!", "#VALUE!", ...), or a number too
 * large for a double or so small it would read as 0 ("1e400", "1e-400").
 * NULL otherwise.
 */
const char *ks_number_refusal(const char *text, size_t length);

#endif /* KS_NUMBER_H */

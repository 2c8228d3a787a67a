/*
 * suggest.h -- "did you mean ...?" (base/suggest.c): the nearest of a list
 * of candidate words to a word that is none of them, for the messages that
 * refuse an unknown id, function, scenario, option or command.
 */
#ifndef KS_SUGGEST_H
#define KS_SUGGEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Levenshtein distance, capped: returns cap+1 once it exceeds `cap`. */
int ks_edit_distance(const char *a, size_t a_length, const char *b,
                     size_t b_length, int cap);

/* The candidate nearest to `word`, or NULL when none is close enough
 * (distance more than a third of the word's length, at least 2). */
const char *ks_suggest(const char *word, size_t length,
                       const char *const *candidates, int count);

#ifdef __cplusplus
}
#endif

#endif

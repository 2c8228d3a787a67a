/*
 * suggest.c -- "did you mean ...?": a capped Levenshtein distance and the
 * nearest of a list of candidate words (kessan/suggest.h).
 */
#include <string.h>

#include "kessan/suggest.h"

/* Longest string compared character by character; longer ones compare
 * only as equal (0) or not (cap + 1).  Ids are far shorter. */
#define EDIT_LENGTH_MAX 255

int ks_edit_distance(const char *a, size_t a_length, const char *b,
                     size_t b_length, int cap)
{
    if (cap < 0)
        cap = 0;
    if (b_length > a_length) {
        const char *swap_text = a;
        size_t swap_length = a_length;
        a = b;
        a_length = b_length;
        b = swap_text;
        b_length = swap_length;
    }
    /* now b is the shorter one */
    if (a_length - b_length > (size_t)cap)
        return cap + 1;
    if (b_length > EDIT_LENGTH_MAX)
        return a_length == b_length && memcmp(a, b, a_length) == 0 ? 0
                                                                   : cap + 1;
    int row[EDIT_LENGTH_MAX + 1];
    for (size_t j = 0; j <= b_length; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= a_length; i++) {
        int diagonal = row[0];
        row[0] = (int)i;
        int row_min = row[0];
        for (size_t j = 1; j <= b_length; j++) {
            int above = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diagonal + cost;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
            if (best < row_min)
                row_min = best;
        }
        if (row_min > cap)
            return cap + 1;
    }
    return row[b_length] > cap ? cap + 1 : row[b_length];
}

const char *ks_suggest(const char *word, size_t length,
                       const char *const *candidates, int count)
{
    int threshold = (int)(length / 3);
    if (threshold < 2)
        threshold = 2;
    const char *best = NULL;
    int best_distance = threshold + 1;
    for (int i = 0; i < count; i++) {
        if (!candidates[i])
            continue;
        int distance = ks_edit_distance(word, length, candidates[i],
                                         strlen(candidates[i]), best_distance - 1);
        if (distance < best_distance) {
            best = candidates[i];
            best_distance = distance;
        }
    }
    return best;
}

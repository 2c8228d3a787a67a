/*
 * test_suggest_limits.c -- "did you mean": the capped edit distance at
 * its limits (a cap below zero, words longer than it compares letter by
 * letter, lengths further apart than the cap, a distance found only at
 * the end beyond the cap) and suggestions from lists with holes in them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kessan/suggest.h"

static int distance(const char *a, const char *b, int cap)
{
    return ks_edit_distance(a, strlen(a), b, strlen(b), cap);
}

static void test_capped_distances(void **state)
{
    (void)state;
    assert_int_equal(distance("kitten", "sitting", 10), 3);
    assert_int_equal(distance("sitting", "kitten", 10), 3);
    /* a cap below zero is zero: equal or not */
    assert_int_equal(distance("abc", "abc", -5), 0);
    assert_int_equal(distance("abc", "abd", -5), 1);
    /* lengths further apart than the cap: cap + 1 at once */
    assert_int_equal(distance("a", "abcdef", 2), 3);
    /* every row within the cap, the last cell beyond it */
    assert_int_equal(distance("abc", "xyz", 2), 3);
    assert_int_equal(distance("", "", 0), 0);
    assert_int_equal(distance("", "ab", 5), 2);
}

static void test_words_longer_than_compared(void **state)
{
    (void)state;
    char a[400], b[400];
    memset(a, 'q', 300);
    a[300] = '\0';
    memcpy(b, a, sizeof a);
    assert_int_equal(distance(a, b, 3), 0);
    b[150] = 'r'; /* one letter apart, but too long to tell: beyond */
    assert_int_equal(distance(a, b, 3), 4);
    b[299] = '\0'; /* shorter by one */
    b[150] = 'q';
    assert_int_equal(distance(a, b, 3), 4);
}

static void test_suggestions_from_lists_with_holes(void **state)
{
    (void)state;
    const char *const candidates[] = { NULL, "rev.total", NULL,
                                       "rev.totals", "cost.total" };
    assert_string_equal(ks_suggest("rev.totl", 8, candidates, 5),
                        "rev.total");
    assert_string_equal(ks_suggest("cost.totl", 9, candidates, 5),
                        "cost.total");
    /* too far from every candidate: none */
    assert_null(ks_suggest("margin", 6, candidates, 5));
    assert_null(ks_suggest("rev.totl", 8, candidates, 0));
    const char *const holes[] = { NULL, NULL };
    assert_null(ks_suggest("x", 1, holes, 2));
    /* short words still allow two edits */
    const char *const short_ids[] = { "ab" };
    assert_string_equal(ks_suggest("ba", 2, short_ids, 1), "ab");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capped_distances),
        cmocka_unit_test(test_words_longer_than_compared),
        cmocka_unit_test(test_suggestions_from_lists_with_holes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

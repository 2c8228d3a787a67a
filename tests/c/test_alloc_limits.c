/*
 * test_alloc_limits.c -- the core's allocation helpers at the limits of
 * size_t: a count times a size that overflows, an array grown past half
 * the address space or to more bytes than size_t holds, all refused
 * without asking the allocator for anything and with the array and its
 * capacity untouched; zero-sized requests, which still give a block; an
 * allocator with no function, which means the C library's; a model made
 * with one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../support/test_alloc.h"
#include "base/alloc.h"
#include "kessan/kessan.h"

static void test_products_that_overflow(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    assert_null(ks_mem_calloc(&alloc, SIZE_MAX / 2, 3));
    assert_null(ks_mem_calloc(&alloc, 3, SIZE_MAX / 2));
    assert_int_equal(counts.calls, 0);
    /* the largest product that fits is asked for (and refused by the
     * allocator, here failing on purpose) */
    test_alloc_arm(&counts, 1, 0);
    assert_null(ks_mem_calloc(&alloc, SIZE_MAX / 4, 4));
    assert_int_equal(counts.calls, 1);
    test_alloc_disarm(&counts);
}

static void test_growth_that_overflows(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    int *array = NULL;
    size_t capacity = 0;
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity, 3,
                                 sizeof *array), 0);
    assert_int_equal(capacity, 8); /* the first room: eight */
    array[7] = 42;
    /* more elements than doubling can reach */
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity,
                                 SIZE_MAX, sizeof *array), -1);
    /* as many elements as fit, but not as bytes */
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity,
                                 SIZE_MAX / 4 + 1, sizeof *array), -1);
    assert_int_equal(counts.calls, 1);
    assert_int_equal(capacity, 8);
    assert_int_equal(array[7], 42);
    /* what is already room asks for nothing */
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity, 8,
                                 sizeof *array), 0);
    assert_int_equal(counts.calls, 1);
    /* a refused growth keeps the array */
    test_alloc_arm(&counts, 1, 0);
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity, 9,
                                 sizeof *array), -1);
    test_alloc_disarm(&counts);
    assert_int_equal(capacity, 8);
    assert_int_equal(array[7], 42);
    assert_int_equal(ks_mem_grow(&alloc, (void **)&array, &capacity, 9,
                                 sizeof *array), 0);
    assert_int_equal(capacity, 16);
    assert_int_equal(array[7], 42);
    ks_mem_free(&alloc, array);
    assert_int_equal(counts.live, 0);
}

static void test_zero_sizes_and_no_function(void **state)
{
    (void)state;
    test_alloc counts = { 0 };
    ks_allocator alloc = test_allocator(&counts);
    unsigned char *block = ks_mem_calloc(&alloc, 0, 16);
    assert_non_null(block);
    assert_int_equal(block[0], 0);
    block = ks_mem_realloc(&alloc, block, 0); /* resized to a byte, kept */
    assert_non_null(block);
    ks_mem_free(&alloc, block);
    block = ks_mem_alloc(&alloc, 0);
    assert_non_null(block);
    ks_mem_free(&alloc, block);
    assert_int_equal(counts.live, 0);

    ks_allocator none = { NULL, NULL, NULL, NULL };
    char *text = ks_mem_strdup(&none, "kept");
    assert_string_equal(text, "kept");
    ks_mem_free(&none, text);
    text = ks_mem_strndup(NULL, "kessan", 3);
    assert_string_equal(text, "kes");
    ks_mem_free(NULL, text);

    ks_calendar calendar = { 3, 2001, 2001 };
    ks_model *model = NULL;
    ks_error err;
    assert_int_equal(ks_model_new(&calendar, &none, &model, &err), KS_OK);
    assert_int_equal(ks_period_count(model), 8);
    ks_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products_that_overflow),
        cmocka_unit_test(test_growth_that_overflows),
        cmocka_unit_test(test_zero_sizes_and_no_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

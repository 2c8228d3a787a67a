/*
 * value.h -- cell values as boxed doubles (internal).
 *
 * A cell is one double.  Ordinary numbers are themselves; *missing*, *error*
 * and "no input here" are quiet NaNs with a tag in the high payload bits, and
 * an error carries the index of its origin in the model's error table.
 * Hardware arithmetic never produces these tags (its NaN is 0x7FF8...0), so
 * a NaN result is told apart by its bits.
 */
#ifndef KS_VALUE_H
#define KS_VALUE_H

#include <stdint.h>
#include <string.h>

#define KS_TAG_MASK    UINT64_C(0xFFFF000000000000)
#define KS_TAG_MISSING UINT64_C(0x7FF9000000000000)
#define KS_TAG_ERROR   UINT64_C(0x7FFA000000000000)
#define KS_TAG_NONE    UINT64_C(0x7FFB000000000000) /* no input in this cell */

static inline uint64_t ks_bits(double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static inline double ks_from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline double ks_box_missing(void) { return ks_from_bits(KS_TAG_MISSING); }
static inline double ks_box_none(void) { return ks_from_bits(KS_TAG_NONE); }
static inline double ks_box_error(uint32_t origin)
{
    return ks_from_bits(KS_TAG_ERROR | (uint64_t)origin);
}

/* value != value is the cheap test for "not an ordinary number". */
static inline int ks_is_number(double value) { return value == value; }
static inline int ks_is_missing(double value)
{
    return (ks_bits(value) & KS_TAG_MASK) == KS_TAG_MISSING;
}
static inline int ks_is_error(double value)
{
    return (ks_bits(value) & KS_TAG_MASK) == KS_TAG_ERROR;
}
static inline int ks_is_none(double value)
{
    return (ks_bits(value) & KS_TAG_MASK) == KS_TAG_NONE;
}
static inline uint32_t ks_error_origin(double value)
{
    return (uint32_t)(ks_bits(value) & UINT64_C(0xFFFFFFFF));
}

/* Why an error value began. */
typedef enum ks_fault {
    KS_FAULT_DIV_ZERO = 1,   /* division by zero                          */
    KS_FAULT_BEFORE_FIRST,   /* an offset reaches before the first period */
    KS_FAULT_AFTER_LAST,     /* an offset reaches past the last period    */
    KS_FAULT_NOT_PERIOD,     /* an offset from a half/9M/FY that lands on
                                no period of the same length              */
    KS_FAULT_INVALID,        /* not a number: inf - inf, (-8)^0.5, ...    */
    KS_FAULT_CYCLE,          /* the cell depends on itself                */
    KS_FAULT_TOO_DEEP,       /* nesting beyond the evaluator's limit      */
    KS_FAULT_OVERFLOW        /* a result beyond the largest double: 1e308 * 10 */
} ks_fault;

#endif

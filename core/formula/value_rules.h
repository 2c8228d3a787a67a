/*
 * value_rules.h -- how values combine (internal; docs/formulas.md,
 * "Values"): an operation with an operand that is not a number passes on
 * the leftmost error, else gives missing; an operation of numbers whose
 * result is not a finite number begins an error there (division by zero,
 * not a number, overflow), since a value is never NaN or infinite.
 *
 * The formula machines (formula_vm.c: the scalar one and every lane of
 * the block one) and the public ks_value_add and its kin (value_rules.c,
 * for the Lua binding's series arithmetic) apply the rules from here.
 */
#ifndef KS_VALUE_RULES_H
#define KS_VALUE_RULES_H

#include "base/value.h"

/* For an operation with an operand that is missing ("none" counts as
 * missing) or an error: the leftmost error, else missing, into *out.
 * Returns 0 when neither is (both are numbers, or a plain NaN, which the
 * operation itself turns into "not a number"). */
static inline int ks_value_passed(double a, double b, double *out)
{
    if (a == a && b == b)
        return 0;
    if (ks_is_error(a)) {
        *out = a;
        return 1;
    }
    if (ks_is_error(b)) {
        *out = b;
        return 1;
    }
    if (ks_is_missing(a) || ks_is_none(a) || ks_is_missing(b) ||
        ks_is_none(b)) {
        *out = ks_box_missing();
        return 1;
    }
    return 0;
}

/* The error an operation of numbers begins when its result (the
 * hardware's) is not a finite number, or it divides by zero. */
static inline ks_fault ks_value_fault(int division, double divisor,
                                      double result)
{
    if (division && divisor == 0)
        return KS_FAULT_DIV_ZERO;
    return result == result ? KS_FAULT_OVERFLOW : KS_FAULT_INVALID;
}

/* What an error that began for `fault` is called: "division by zero". */
const char *ks_fault_text(ks_fault fault);

#endif

/*
 * value_rules.c -- the value rules (value_rules.h) on public values:
 * ks_value_add, ks_value_sub, ks_value_mul, ks_value_div and ks_value_neg
 * (kessan.h), and the names of the errors that begin in an operation.
 */
#include "formula/value_rules.h"
#include "kessan/kessan.h"

const char *ks_fault_text(ks_fault fault)
{
    switch (fault) {
    case KS_FAULT_DIV_ZERO: return "division by zero";
    case KS_FAULT_BEFORE_FIRST: return "offset before the first period";
    case KS_FAULT_AFTER_LAST: return "offset past the last period";
    case KS_FAULT_NOT_PERIOD: return "offset lands on no period of that length";
    case KS_FAULT_INVALID: return "not a number";
    case KS_FAULT_CYCLE: return "cycle";
    case KS_FAULT_TOO_DEEP: return "nesting too deep";
    case KS_FAULT_OVERFLOW: return "overflow";
    }
    return "error";
}

typedef enum value_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG } value_op;

static double boxed(const ks_value *value)
{
    if (value->kind == KS_NUMBER)
        return value->number;
    return value->kind == KS_ERROR ? ks_box_error(0) : ks_box_missing();
}

static double operate(value_op op, double x, double y)
{
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return x / y;
    default: return -x;
    }
}

/* a op b (b unused by OP_NEG): 1 when an error begins here. */
static int apply(value_op op, const ks_value *a, const ks_value *b,
                 ks_value *out)
{
    double x = boxed(a), y = op == OP_NEG ? x : boxed(b), passed;
    out->provenance = KS_PROV_COMPUTED;
    out->number = 0;
    out->error = NULL;
    if (ks_value_passed(x, y, &passed)) {
        if (ks_is_error(passed))
            *out = ks_is_error(x) ? *a : *b;
        else
            out->kind = KS_MISSING;
        return 0;
    }
    double result = operate(op, x, y);
    if (result - result == 0 && !(op == OP_DIV && y == 0)) {
        out->kind = KS_NUMBER;
        out->number = result;
        return 0;
    }
    out->kind = KS_ERROR;
    out->error = ks_fault_text(ks_value_fault(op == OP_DIV, y, result));
    return 1;
}

int ks_value_add(const ks_value *a, const ks_value *b, ks_value *out)
{
    return apply(OP_ADD, a, b, out);
}

int ks_value_sub(const ks_value *a, const ks_value *b, ks_value *out)
{
    return apply(OP_SUB, a, b, out);
}

int ks_value_mul(const ks_value *a, const ks_value *b, ks_value *out)
{
    return apply(OP_MUL, a, b, out);
}

int ks_value_div(const ks_value *a, const ks_value *b, ks_value *out)
{
    return apply(OP_DIV, a, b, out);
}

int ks_value_neg(const ks_value *a, ks_value *out)
{
    return apply(OP_NEG, a, a, out);
}

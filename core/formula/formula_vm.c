/*
 * formula_vm.c -- running compiled formulas: the value semantics of every
 * operation, the scalar machine (one cell, faults through env->fail) and
 * the block machine (up to KS_BLOCK_LANES_MAX trials at once, faults as
 * NaN lanes).  Neither machine allocates: their stacks are arrays of a
 * size fixed here, and compile refuses formulas that would not fit.
 */
#include <math.h>
#include <string.h>

#include "base/hot_path.h"
#include "formula/formula_opcodes.h"
#include "formula/value_rules.h"

/* ---- value semantics (the rules are value_rules.h's) ----------------------- */

/* A fault beginning here: through env->fail, or an anonymous error in
 * block mode (env NULL). */
static double begin_fault(const ks_formula *formula, const ks_eval_env *env,
                          ks_fault fault, int detail)
{
    if (!env)
        return ks_box_error(0);
    const char *text = detail >= 0 ? ks_ast_text(&formula->ast, detail) : NULL;
    return env->fail(env->user_data, fault, text);
}

/* An arithmetic result that is not a finite number (or a division by
 * zero): an operand's error or missing passed on, else the error that
 * begins here (1e308 * 10 is an overflow, as 1 / 0 is a division by zero:
 * a value is never infinite). */
static double result_fault(const ks_formula *formula, const ks_eval_env *env,
                           ks_opcode op, int detail, double a, double b,
                           double result)
{
    double passed;
    if (ks_value_passed(a, b, &passed))
        return passed;
    return begin_fault(formula, env,
                       ks_value_fault(op == KS_OP_DIV, b, result), detail);
}

static double comparison(ks_opcode op, double a, double b)
{
    double passed;
    if (ks_value_passed(a, b, &passed))
        return passed;
    switch (op) {
    case KS_OP_LT: return a < b;
    case KS_OP_LE: return a <= b;
    case KS_OP_GT: return a > b;
    case KS_OP_GE: return a >= b;
    case KS_OP_EQ: return a == b;
    default: return a != b;
    }
}

/* sum/min/max of two: errors win (the leftmost), a missing side is
 * skipped, both missing is missing. */
static double skipping_missing(const ks_formula *formula,
                               const ks_eval_env *env, ks_opcode op,
                               int detail, double a, double b)
{
    if (ks_is_error(a))
        return a;
    if (ks_is_error(b))
        return b;
    if (a != a)
        return b == b ? b : ks_box_missing();
    if (b != b)
        return a;
    if (op == KS_OP_MIN2)
        return b < a ? b : a;
    if (op == KS_OP_MAX2)
        return b > a ? b : a;
    double sum = a + b;
    if (sum - sum != 0)
        return begin_fault(formula, env, ks_value_fault(0, 0, sum), detail);
    return sum;
}

/* round(x, digits), half away from zero; digits may be negative. */
static double round_digits(double x, double digits)
{
    if (isinf(x))
        return x;
    double places = trunc(digits);
    if (places == 0)
        return round(x);
    if (places > 308)
        return x;
    if (places > 0) {
        double scale = pow(10.0, places);
        double scaled = x * scale;
        return isinf(scaled) ? x : round(scaled) / scale;
    }
    if (places < -308)
        return copysign(0.0, x);
    double scale = pow(10.0, -places);
    return round(x / scale) * scale;
}

static double unary(ks_opcode op, double a)
{
    double passed;
    if (ks_value_passed(a, a, &passed))
        return passed;
    return op == KS_OP_NEG ? -a : fabs(a);
}

double ks_formula_apply(const ks_formula *formula, const ks_eval_env *env,
                        ks_opcode op, int detail, double a, double b)
{
    double result, passed;
    switch (op) {
    case KS_OP_NEG:
    case KS_OP_ABS:
        return unary(op, a);
    case KS_OP_ADD: result = a + b; break;
    case KS_OP_SUB: result = a - b; break;
    case KS_OP_MUL: result = a * b; break;
    case KS_OP_DIV:
        if (b == 0)
            return result_fault(formula, env, op, detail, a, b, NAN);
        result = a / b;
        break;
    case KS_OP_POW: result = pow(a, b); break;
    case KS_OP_LT: case KS_OP_LE: case KS_OP_GT:
    case KS_OP_GE: case KS_OP_EQ: case KS_OP_NE:
        return comparison(op, a, b);
    case KS_OP_SUM2: case KS_OP_MIN2: case KS_OP_MAX2:
        return skipping_missing(formula, env, op, detail, a, b);
    case KS_OP_ROUND:
        if (ks_value_passed(a, b, &passed))
            return passed;
        return round_digits(a, b);
    default:
        return begin_fault(formula, env, KS_FAULT_INVALID, detail);
    }
    if (result - result != 0) /* NaN or an infinity */
        return result_fault(formula, env, op, detail, a, b, result);
    return result;
}

int ks_formula_fold(ks_opcode op, double a, double b, double *result)
{
    if (a != a || b != b)
        return 0;
    if (op == KS_OP_DIV && b == 0)
        return 0;
    double value = ks_formula_apply(NULL, NULL, op, -1, a, b);
    if (value != value)
        return 0;
    *result = value;
    return 1;
}

/* ---- references --------------------------------------------------------- */

static double shift_fault(const ks_formula *formula, const ks_eval_env *env,
                          int ref, int shifted)
{
    ks_fault fault = shifted == -1   ? KS_FAULT_BEFORE_FIRST
                     : shifted == -2 ? KS_FAULT_AFTER_LAST
                                     : KS_FAULT_NOT_PERIOD;
    return begin_fault(formula, env, fault, formula->ast.ref_texts[ref]);
}

static inline double load_cell(const ks_eval_env *env, int item, int period)
{
    double value = env->load(env->user_data, item, period);
    if (value != value && ks_is_none(value))
        return ks_box_missing();
    return value;
}

double ks_formula_load_ref(const ks_formula *formula, const ks_eval_env *env,
                           int ref, int *period)
{
    const ks_formula_ref *target = &formula->ast.refs[ref];
    int base = target->kind == KS_REF_ABSOLUTE ? target->period : env->period;
    int shifted = base;
    if (target->offset != 0) {
        shifted = env->shift(env->user_data, base, target->offset);
        if (shifted < 0) {
            *period = -1;
            return shift_fault(formula, env, ref, shifted);
        }
    }
    *period = shifted;
    return load_cell(env, target->item, shifted);
}

/* ---- the scalar machine ----------------------------------------------------- */

#define SMALL_STACK 32

/* Arithmetic: the hardware result, and the slow path only on NaN or an
 * infinity (r - r is 0 for every finite r). */
#define ARITHMETIC(expression)                                              \
    {                                                                       \
        double b = *--top, a = top[-1], r = (expression);                   \
        if (r - r != 0)                                                     \
            r = result_fault(formula, env, op, arg, a, b, r);               \
        top[-1] = r;                                                        \
        break;                                                              \
    }

#define COMPARISON(expression)                                              \
    {                                                                       \
        double b = *--top, a = top[-1];                                     \
        top[-1] = (a != a || b != b) ? comparison(op, a, b)                 \
                                     : (double)(expression);                \
        break;                                                              \
    }

static inline double run(const ks_formula *formula, const ks_eval_env *env,
                         double *stack)
{
    const uint32_t *code = formula->code;
    const double *constants = formula->constants;
    const ks_formula_ref *refs = formula->ast.refs;
    double *top = stack; /* the next free slot */
    size_t pc = 0;
    for (;;) {
        uint32_t instruction = code[pc++];
        ks_opcode op = KS_INSTR_OP(instruction);
        int arg = KS_INSTR_ARG(instruction);
        switch (op) {
        case KS_OP_CONST:
            *top++ = constants[arg];
            break;
        case KS_OP_LOAD:
            *top++ = load_cell(env, refs[arg].item, env->period);
            break;
        case KS_OP_LOAD_REL:
        case KS_OP_LOAD_ABS: {
            int period;
            *top++ = ks_formula_load_ref(formula, env, arg, &period);
            break;
        }
        case KS_OP_NEG:
            top[-1] = top[-1] == top[-1] ? -top[-1] : unary(op, top[-1]);
            break;
        case KS_OP_ADD: ARITHMETIC(a + b)
        case KS_OP_SUB: ARITHMETIC(a - b)
        case KS_OP_MUL: ARITHMETIC(a * b)
        case KS_OP_DIV: {
            double b = *--top, a = top[-1], r = a / b;
            if (b == 0 || r - r != 0)
                r = result_fault(formula, env, op, arg, a, b, b == 0 ? NAN : r);
            top[-1] = r;
            break;
        }
        case KS_OP_POW: ARITHMETIC(pow(a, b))
        case KS_OP_LT: COMPARISON(a < b)
        case KS_OP_LE: COMPARISON(a <= b)
        case KS_OP_GT: COMPARISON(a > b)
        case KS_OP_GE: COMPARISON(a >= b)
        case KS_OP_EQ: COMPARISON(a == b)
        case KS_OP_NE: COMPARISON(a != b)
        case KS_OP_SUM2:
        case KS_OP_MIN2:
        case KS_OP_MAX2: {
            double b = *--top;
            top[-1] = skipping_missing(formula, env, op, arg, top[-1], b);
            break;
        }
        case KS_OP_ABS:
            top[-1] = unary(op, top[-1]);
            break;
        case KS_OP_ROUND: {
            double b = *--top;
            top[-1] = ks_formula_apply(formula, env, op, arg, top[-1], b);
            break;
        }
        case KS_OP_IF_TEST: {
            double condition = *--top;
            if (condition != condition) {
                *top++ = ks_is_error(condition) ? condition : ks_box_missing();
                pc = (size_t)arg - 1;
            } else if (condition == 0) {
                pc = (size_t)arg;
            }
            break;
        }
        case KS_OP_IF_JUMP:
            pc = (size_t)arg;
            break;
        case KS_OP_IF_SELECT:
            break;
        case KS_OP_RETURN:
        default:
            return top[-1];
        }
    }
}

static double run_small(const ks_formula *formula, const ks_eval_env *env)
{
    double stack[SMALL_STACK];
    return run(formula, env, stack);
}

static double run_large(const ks_formula *formula, const ks_eval_env *env)
{
    double stack[KS_FORMULA_STACK_MAX];
    return run(formula, env, stack);
}

double ks_formula_eval(const ks_formula *formula, const ks_eval_env *env)
{
    if (formula->max_stack <= SMALL_STACK)
        return run_small(formula, env);
    return run_large(formula, env);
}

/* ---- the block machine ------------------------------------------------------ */

/*
 * Operands are lane arrays read where they lie (a loaded cell's lanes are
 * not copied) or constants (one double, never broadcast); each stack depth
 * owns a buffer for the results computed there.  An operation runs a
 * plain loop the compiler vectorizes, which also tells whether anything
 * but finite numbers went in or came out (NaN, tagged or not, an
 * infinity, a zero divisor, an overflow); only then are the lanes redone
 * one by one through the shared value semantics.
 */

/* Doubles of stack for all lanes of one pass; lanes beyond what fits at the
 * formula's depth run in further passes. */
#define BLOCK_STACK 8192

typedef struct block_operand {
    const double *lanes; /* NULL: the constant                           */
    double constant;
    double *own;         /* this depth's two buffers: a result goes to  */
    double *spare;       /* the one its left operand does not occupy    */
} block_operand;

typedef struct block_pass {
    const ks_formula *formula;
    const ks_block_env *env;
    int first;   /* first lane of this pass                              */
    int lanes;   /* lanes in this pass                                   */
    double *scratch;
} block_pass;

/* The exponent bits of a result: all ones (NaN or an infinity) carry
 * into the sign bit once 2^52 is added, so an OR over the lanes tells
 * whether any result is not a finite number.  Integer ORs reassociate
 * freely, so the check vectorizes with the operation (a floating-point
 * sum of r - r did not: it ran lane by lane, four additions deep). */
#define NOT_FINITE_BITS(r, special)                                          \
    do {                                                                     \
        uint64_t bits_;                                                      \
        memcpy(&bits_, &(r), sizeof bits_);                                  \
        (special) |= (bits_ & UINT64_C(0x7FF0000000000000)) +                \
                     UINT64_C(0x0010000000000000);                           \
    } while (0)

/* Whether any lane is not a finite number (NaN, tagged or not, or an
 * infinity: the slow path sorts those out exactly).  Integer bit tests,
 * so that the loop becomes vector instructions under strict C11. */
KS_HOT_INLINE int any_not_number(const double *x, int lanes)
{
    uint64_t special = 0;
    for (int i = 0; i < lanes; i++)
        NOT_FINITE_BITS(x[i], special);
    return (special >> 63) != 0;
}

/* Operand lane i (for the slow paths). */
static inline double lane(const block_operand *x, int i)
{
    return x->lanes ? x->lanes[i] : x->constant;
}

static void block_load(const block_pass *pass, ks_opcode op, int ref,
                       block_operand *slot)
{
    const ks_block_env *env = pass->env;
    const ks_formula_ref *target = &pass->formula->ast.refs[ref];
    int period = op == KS_OP_LOAD_ABS ? target->period : env->period;
    if (op != KS_OP_LOAD && target->offset != 0) {
        period = env->shift(env->user_data, period, target->offset);
        if (period < 0) {
            slot->lanes = NULL;
            slot->constant = ks_box_error(0);
            return;
        }
    }
    if (env->load_lanes) {
        double constant = 0;
        const double *values = env->load_lanes(env->user_data, target->item,
                                               period, &constant);
        slot->lanes = values ? values + pass->first : NULL;
        slot->constant = constant;
        return;
    }
    const double *values =
        env->load_block(env->user_data, target->item, period, pass->scratch);
    if (values == pass->scratch) {
        /* a constant broadcast into scratch, which the next load reuses */
        memcpy(slot->own, values + pass->first,
               (size_t)pass->lanes * sizeof *slot->own);
        slot->lanes = slot->own;
        return;
    }
    slot->lanes = values + pass->first;
}

/* out = a op b, and whether any result is not a finite number. */
#define BLOCK_LOOPS_CHECKED(EXPR)                                            \
    do {                                                                     \
        uint64_t check = 0;                                                  \
        if (a->lanes && b->lanes) {                                          \
            const double *A = a->lanes, *B = b->lanes;                       \
            for (int i = 0; i < lanes; i++) {                                \
                double x = A[i], y = B[i], r = (EXPR);                       \
                out[i] = r;                                                  \
                NOT_FINITE_BITS(r, check);                                   \
            }                                                                \
        } else if (a->lanes) {                                               \
            const double *A = a->lanes;                                      \
            double y = b->constant;                                          \
            for (int i = 0; i < lanes; i++) {                                \
                double x = A[i], r = (EXPR);                                 \
                out[i] = r;                                                  \
                NOT_FINITE_BITS(r, check);                                   \
            }                                                                \
        } else {                                                             \
            const double *B = b->lanes;                                      \
            double x = a->constant;                                          \
            for (int i = 0; i < lanes; i++) {                                \
                double y = B[i], r = (EXPR);                                 \
                out[i] = r;                                                  \
                NOT_FINITE_BITS(r, check);                                   \
            }                                                                \
        }                                                                    \
        special = (check >> 63) != 0;                                        \
    } while (0)

/* out = a op b for an operation whose result does not show a bad operand
 * (a comparison, min, max), and whether any operand lane is not a finite
 * number: the operands are checked in the same loop. */
#define BLOCK_LOOPS_OPERANDS_CHECKED(EXPR)                                   \
    do {                                                                     \
        uint64_t check = 0;                                                  \
        if (a->lanes && b->lanes) {                                          \
            const double *A = a->lanes, *B = b->lanes;                       \
            for (int i = 0; i < lanes; i++) {                                \
                double x = A[i], y = B[i];                                   \
                out[i] = (EXPR);                                             \
                NOT_FINITE_BITS(x, check);                                   \
                NOT_FINITE_BITS(y, check);                                   \
            }                                                                \
        } else if (a->lanes) {                                               \
            const double *A = a->lanes;                                      \
            double y = b->constant;                                          \
            NOT_FINITE_BITS(y, check);                                       \
            for (int i = 0; i < lanes; i++) {                                \
                double x = A[i];                                             \
                out[i] = (EXPR);                                             \
                NOT_FINITE_BITS(x, check);                                   \
            }                                                                \
        } else {                                                             \
            const double *B = b->lanes;                                      \
            double x = a->constant;                                          \
            NOT_FINITE_BITS(x, check);                                       \
            for (int i = 0; i < lanes; i++) {                                \
                double y = B[i];                                             \
                out[i] = (EXPR);                                             \
                NOT_FINITE_BITS(y, check);                                   \
            }                                                                \
        }                                                                    \
        special = (check >> 63) != 0;                                        \
    } while (0)

/* + - * / and sum: a result that is not a finite number comes from an
 * operand that is not one, or a zero divisor, or an overflow; one check of
 * the results finds all three, and then the lanes are redone one by one
 * from the operands, which the results did not overwrite. */
KS_HOT_INLINE int block_arithmetic(ks_opcode op, const block_operand *a,
                            const block_operand *b, double *out, int lanes)
{
    int special = 1;
    switch (op) {
    case KS_OP_ADD: case KS_OP_SUM2: BLOCK_LOOPS_CHECKED(x + y); break;
    case KS_OP_SUB: BLOCK_LOOPS_CHECKED(x - y); break;
    case KS_OP_MUL: BLOCK_LOOPS_CHECKED(x * y); break;
    case KS_OP_DIV: BLOCK_LOOPS_CHECKED(x / y); break;
    default: break;
    }
    return special;
}

/* Comparisons, min and max of finite numbers, the plain way; whether any
 * operand lane was not one (then the lanes are redone one by one). */
KS_HOT_INLINE int block_compare(ks_opcode op, const block_operand *a,
                                const block_operand *b, double *out, int lanes)
{
    int special = 1;
    switch (op) {
    case KS_OP_LT: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x < y)); break;
    case KS_OP_LE: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x <= y)); break;
    case KS_OP_GT: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x > y)); break;
    case KS_OP_GE: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x >= y)); break;
    case KS_OP_EQ: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x == y)); break;
    case KS_OP_NE: BLOCK_LOOPS_OPERANDS_CHECKED((double)(x != y)); break;
    case KS_OP_MIN2: BLOCK_LOOPS_OPERANDS_CHECKED(y < x ? y : x); break;
    case KS_OP_MAX2: BLOCK_LOOPS_OPERANDS_CHECKED(y > x ? y : x); break;
    default: break;
    }
    return special;
}

/* a = a op b over the lanes; the result goes to `final` when the formula
 * returns it next (no copy after), else to a buffer of a's depth.  The
 * plain loops run first; when they meet anything but finite numbers (or
 * for ^ and round), every lane is redone through the shared value
 * semantics, from operands the results did not overwrite. */
KS_HOT_INLINE void block_binary(const ks_formula *formula, ks_opcode op,
                         block_operand *a, const block_operand *b, int lanes,
                         double *final)
{
    if (!a->lanes && !b->lanes) {
        a->constant = ks_formula_apply(formula, NULL, op, -1, a->constant,
                                       b->constant);
        return;
    }
    double *out = final ? final : a->lanes == a->own ? a->spare : a->own;
    int special = 1;
    switch (op) {
    case KS_OP_ADD: case KS_OP_SUB: case KS_OP_MUL: case KS_OP_DIV:
    case KS_OP_SUM2:
        special = block_arithmetic(op, a, b, out, lanes);
        break;
    case KS_OP_POW: case KS_OP_ROUND:
        break;
    default:
        special = block_compare(op, a, b, out, lanes);
        break;
    }
    if (special)
        for (int i = 0; i < lanes; i++)
            out[i] = ks_formula_apply(formula, NULL, op, -1, lane(a, i),
                                      lane(b, i));
    a->lanes = out;
}

KS_HOT_INLINE void block_unary(ks_opcode op, block_operand *a, int lanes)
{
    if (!a->lanes) {
        a->constant = unary(op, a->constant);
        return;
    }
    const double *in = a->lanes;
    double *out = a->lanes == a->own ? a->spare : a->own;
    if (any_not_number(in, lanes)) {
        for (int i = 0; i < lanes; i++)
            out[i] = unary(op, in[i]);
    } else if (op == KS_OP_NEG) {
        for (int i = 0; i < lanes; i++)
            out[i] = -in[i];
    } else {
        for (int i = 0; i < lanes; i++)
            out[i] = fabs(in[i]);
    }
    a->lanes = out;
}

/* c = c ? a : b, with a condition that is not a number passing on. */
KS_HOT_INLINE void block_select(block_operand *c, const block_operand *a,
                         const block_operand *b, int lanes)
{
    double *out = c->lanes == c->own ? c->spare : c->own;
    if (!c->lanes && !a->lanes && !b->lanes) {
        double condition = c->constant;
        c->constant = condition != condition
                          ? (ks_is_error(condition) ? condition
                                                    : ks_box_missing())
                          : condition != 0 ? a->constant : b->constant;
        return;
    }
    for (int i = 0; i < lanes; i++) {
        double condition = lane(c, i);
        if (condition != condition)
            out[i] = ks_is_error(condition) ? condition : ks_box_missing();
        else
            out[i] = condition != 0 ? lane(a, i) : lane(b, i);
    }
    c->lanes = out;
}

/* ---- chains of + and - --------------------------------------------------- */

/*
 * `a + b - c + d`, all of them lanes, compiles to LOAD a, LOAD b, ADD,
 * LOAD c, SUB, LOAD d, ADD: run one operation at a time, each writes a
 * buffer the next reads back.  A chain runs as one loop instead, adding
 * the operands in the same order (x - y is x + (-1 * y) exactly), with
 * one check of the results; anything but finite numbers redoes the
 * chain lane by lane, one operation after another.  Only where loads
 * give lanes without copying (the simulation's load_lanes); a load that
 * gives a constant ends the chain there.
 */
#define CHAIN_MAX 6

static int is_load(ks_opcode op)
{
    return op == KS_OP_LOAD || op == KS_OP_LOAD_REL || op == KS_OP_LOAD_ABS;
}

/* The (LOAD, ADD or SUB) pairs that follow the ADD or SUB at pc. */
static int chain_pairs(const ks_formula *formula, size_t pc)
{
    int pairs = 0;
    while (pairs + 2 < CHAIN_MAX && pc + 2 < formula->code_count &&
           is_load(KS_INSTR_OP(formula->code[pc + 1])) &&
           (KS_INSTR_OP(formula->code[pc + 2]) == KS_OP_ADD ||
            KS_INSTR_OP(formula->code[pc + 2]) == KS_OP_SUB)) {
        pairs++;
        pc += 2;
    }
    return pairs;
}

#define CHAIN_LOOP(EXPR)                                                     \
    do {                                                                     \
        for (int i = 0; i < lanes; i++) {                                    \
            double r = (EXPR);                                               \
            result[i] = r;                                                   \
            NOT_FINITE_BITS(r, check);                                       \
        }                                                                    \
    } while (0)

/* result = x[0] + sign[1] x[1] + ...; whether any result is not finite. */
KS_HOT_INLINE int chain_sum(const double *const *x, const double *sign,
                            int count, double *result, int lanes)
{
    uint64_t check = 0;
    const double *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3],
                 *x4 = x[count > 4 ? 4 : 0], *x5 = x[count > 5 ? 5 : 0];
    double g1 = sign[1], g2 = sign[2], g3 = count > 3 ? sign[3] : 0,
           g4 = count > 4 ? sign[4] : 0, g5 = count > 5 ? sign[5] : 0;
    switch (count) {
    case 3: CHAIN_LOOP(x0[i] + g1 * x1[i] + g2 * x2[i]); break;
    case 4: CHAIN_LOOP(x0[i] + g1 * x1[i] + g2 * x2[i] + g3 * x3[i]); break;
    case 5:
        CHAIN_LOOP(x0[i] + g1 * x1[i] + g2 * x2[i] + g3 * x3[i] + g4 * x4[i]);
        break;
    default:
        CHAIN_LOOP(x0[i] + g1 * x1[i] + g2 * x2[i] + g3 * x3[i] + g4 * x4[i] +
                   g5 * x5[i]);
        break;
    }
    return (check >> 63) != 0;
}

/* Run the chain that starts with the ADD or SUB at pc on the two lane
 * operands at the top of the stack; returns the pc of its last
 * instruction. */
KS_HOT_INLINE size_t block_chain(const block_pass *pass, double *stack,
                                 block_operand *operands, int *depth,
                                 size_t pc, int pairs, double *out)
{
    const ks_formula *formula = pass->formula;
    int lanes = pass->lanes;
    block_operand *a = &operands[*depth - 2], *b = &operands[*depth - 1];
    const double *x[CHAIN_MAX] = { a->lanes, b->lanes };
    ks_opcode ops[CHAIN_MAX] = { KS_OP_ADD, KS_INSTR_OP(formula->code[pc]) };
    double sign[CHAIN_MAX] = { 1, ops[1] == KS_OP_SUB ? -1 : 1 };
    int count = 2, stopped = 0;
    block_operand loaded;
    for (int j = 0; j < pairs; j++) {
        memset(&loaded, 0, sizeof loaded);
        block_load(pass, KS_INSTR_OP(formula->code[pc + 1]),
                   KS_INSTR_ARG(formula->code[pc + 1]), &loaded);
        if (!loaded.lanes) { /* a constant: the chain ends, its ADD or SUB
                                runs on as usual */
            stopped = 1;
            pc++;
            break;
        }
        x[count] = loaded.lanes;
        ops[count] = KS_INSTR_OP(formula->code[pc + 2]);
        sign[count] = ops[count] == KS_OP_SUB ? -1 : 1;
        count++;
        pc += 2;
    }
    int returns = !stopped && pc + 1 < formula->code_count &&
                  KS_INSTR_OP(formula->code[pc + 1]) == KS_OP_RETURN;
    double *result = returns ? out : a->lanes == a->own ? a->spare : a->own;
    int special = count > 2 ? chain_sum(x, sign, count, result, lanes)
                            : block_arithmetic(ops[1], a, b, result, lanes);
    if (special)
        for (int i = 0; i < lanes; i++) {
            double r = x[0][i];
            for (int k = 1; k < count; k++)
                r = ks_formula_apply(formula, NULL, ops[k], -1, r, x[k][i]);
            result[i] = r;
        }
    a->lanes = result;
    *depth -= 1;
    if (stopped) {
        block_operand *top = &operands[*depth];
        *top = loaded;
        top->own = stack + (size_t)(2 * *depth) * (size_t)lanes;
        top->spare = top->own + lanes;
        *depth += 1;
    }
    return pc;
}

KS_HOT_INLINE void block_run(const block_pass *pass, double *stack, double *out)
{
    const ks_formula *formula = pass->formula;
    int lanes = pass->lanes;
    block_operand operands[KS_FORMULA_STACK_MAX];
    int depth = 0;
    for (size_t pc = 0; pc < formula->code_count; pc++) {
        uint32_t instruction = formula->code[pc];
        ks_opcode op = KS_INSTR_OP(instruction);
        int arg = KS_INSTR_ARG(instruction);
        block_operand *top = &operands[depth];
        switch (op) {
        case KS_OP_CONST:
            top->lanes = NULL;
            top->constant = formula->constants[arg];
            top->own = stack + (size_t)(2 * depth) * (size_t)lanes;
            top->spare = top->own + lanes;
            depth++;
            break;
        case KS_OP_LOAD:
        case KS_OP_LOAD_REL:
        case KS_OP_LOAD_ABS:
            top->own = stack + (size_t)(2 * depth) * (size_t)lanes;
            top->spare = top->own + lanes;
            block_load(pass, op, arg, top);
            depth++;
            break;
        case KS_OP_NEG:
        case KS_OP_ABS:
            block_unary(op, &operands[depth - 1], lanes);
            break;
        case KS_OP_IF_TEST:
        case KS_OP_IF_JUMP:
            break;
        case KS_OP_IF_SELECT:
            block_select(&operands[depth - 3], &operands[depth - 2],
                         &operands[depth - 1], lanes);
            depth -= 2;
            break;
        case KS_OP_RETURN: {
            const block_operand *result = &operands[depth - 1];
            if (!result->lanes) {
                for (int i = 0; i < lanes; i++)
                    out[i] = result->constant;
                return;
            }
            if (result->lanes != out)
                memcpy(out, result->lanes, (size_t)lanes * sizeof *out);
            return;
        }
        default: {
            /* the operands never read `out`: it is the cell being
             * computed, and a cell that reads itself is a cycle */
            int pairs = 0;
            if ((op == KS_OP_ADD || op == KS_OP_SUB) && pass->env->load_lanes &&
                operands[depth - 2].lanes && operands[depth - 1].lanes &&
                (pairs = chain_pairs(formula, pc)) > 0) {
                pc = block_chain(pass, stack, operands, &depth, pc, pairs, out);
                break;
            }
            int returns = pc + 1 < formula->code_count &&
                          KS_INSTR_OP(formula->code[pc + 1]) == KS_OP_RETURN;
            block_binary(formula, op, &operands[depth - 2],
                         &operands[depth - 1], lanes, returns ? out : NULL);
            depth--;
            break;
        }
        }
    }
}

KS_HOT void ks_formula_eval_block(const ks_formula *formula,
                                  const ks_block_env *env, double *out,
                                  int lanes)
{
    double stack[BLOCK_STACK];
    double scratch[KS_BLOCK_LANES_MAX];
    if (lanes > KS_BLOCK_LANES_MAX)
        lanes = KS_BLOCK_LANES_MAX;
    int per_pass =
        BLOCK_STACK / (2 * (formula->max_stack > 0 ? formula->max_stack : 1));
    if (per_pass > KS_BLOCK_LANES_MAX)
        per_pass = KS_BLOCK_LANES_MAX;
    if (per_pass > 8)
        per_pass -= per_pass % 8;
    for (int first = 0; first < lanes; first += per_pass) {
        int count = lanes - first < per_pass ? lanes - first : per_pass;
        block_pass pass = { formula, env, first, count, scratch };
        block_run(&pass, stack, out + first);
    }
}

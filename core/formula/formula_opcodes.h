/*
 * formula_opcodes.h -- the bytecode of compiled formulas (internal to
 * formula_*.c): opcodes, the instruction format, the compiled formula, and
 * the value semantics that the scalar machine, the block machine and
 * explain share.
 *
 * An instruction is 32 bits: the opcode in the low 8, an argument A in the
 * high 24.  The machine is a stack machine; "a" and "b" below are the
 * second and first values from the top, and the result replaces them.
 * Where A names a detail it is a pool offset of the operation's source
 * ("op_income / rev.total"), passed to env->fail when a fault begins.
 */
#ifndef KS_FORMULA_OPCODES_H
#define KS_FORMULA_OPCODES_H

#include <stdint.h>
#include "formula/formula_ast.h"

typedef enum ks_opcode {
    KS_OP_CONST = 0, /* A: push constants[A]                                */
    KS_OP_LOAD,      /* A: push load(refs[A].item, env->period)             */
    KS_OP_LOAD_REL,  /* A: push refs[A] at env->period shifted by its offset */
    KS_OP_LOAD_ABS,  /* A: push refs[A] at its period (shifted if offset)   */
    KS_OP_NEG,       /*    top = -top                                       */
    KS_OP_ADD,       /* A: a + b        (A: detail)                         */
    KS_OP_SUB,       /* A: a - b        (A: detail)                         */
    KS_OP_MUL,       /* A: a * b        (A: detail)                         */
    KS_OP_DIV,       /* A: a / b        (A: detail; b == 0 is a fault)      */
    KS_OP_POW,       /* A: a ^ b        (A: detail)                         */
    KS_OP_LT,        /*    a < b  -> 1 or 0                                 */
    KS_OP_LE,        /*    a <= b -> 1 or 0                                 */
    KS_OP_GT,        /*    a > b  -> 1 or 0                                 */
    KS_OP_GE,        /*    a >= b -> 1 or 0                                 */
    KS_OP_EQ,        /*    a == b -> 1 or 0                                 */
    KS_OP_NE,        /*    a ~= b -> 1 or 0                                 */
    KS_OP_SUM2,      /* A: a + b, a missing side skipped (A: detail)        */
    KS_OP_MIN2,      /*    min(a, b), a missing side skipped                */
    KS_OP_MAX2,      /*    max(a, b), a missing side skipped                */
    KS_OP_ABS,       /*    top = |top|                                      */
    KS_OP_ROUND,     /*    round(a, b digits), half away from zero          */
    KS_OP_IF_TEST,   /* A: pop c; c false: jump to A; c not a number: push c
                           and jump to A-1 (the IF_JUMP).  Block: no-op     */
    KS_OP_IF_JUMP,   /* A: jump to A (the IF_SELECT).  Block: no-op         */
    KS_OP_IF_SELECT, /*    block: c, a, b -> c ? a : b.  Scalar: no-op      */
    KS_OP_RETURN,    /*    return top                                       */
    KS_OP_COUNT
} ks_opcode;

/* Names for the disassembler, in the order of ks_opcode. */
extern const char *const ks_opcode_names[KS_OP_COUNT];

#define KS_INSTR(op, arg)  ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define KS_INSTR_OP(i)     ((ks_opcode)((i) & 0xFFu))
#define KS_INSTR_ARG(i)    ((int)((i) >> 8))
#define KS_INSTR_ARG_MAX   0xFFFFFF

/* Values on the stack at once, at most; deeper formulas are refused when
 * compiled (the nesting limit keeps any formula that parses below it). */
#define KS_FORMULA_STACK_MAX 1024

struct ks_formula {
    char *source;
    ks_ast ast;          /* tree, references and texts, kept for explain */
    uint32_t *code;
    size_t code_count, code_capacity;
    double *constants;
    size_t constant_count, constant_capacity;
    int max_stack;       /* deepest stack of the block machine (>= scalar) */
};

/* ---- shared semantics (formula_vm.c) --------------------------------------- */

/* The value of refs[ref] for the cell env describes; *period receives the
 * period loaded, or -1 when the offset left the calendar (a fault). */
double ks_formula_load_ref(const ks_formula *formula, const ks_eval_env *env,
                           int ref, int *period);
/* The result of a one- or two-operand opcode (NEG, ADD..ROUND) on boxed
 * values, with faults through env->fail; `detail` a pool offset or -1. */
double ks_formula_apply(const ks_formula *formula, const ks_eval_env *env,
                        ks_opcode op, int detail, double a, double b);
/* The same without an env, for constant folding: returns 0 when the
 * result is not an ordinary number (it is then left to run time). */
int ks_formula_fold(ks_opcode op, double a, double b, double *result);

#endif

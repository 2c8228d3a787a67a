/*
 * formula.h -- the formula language (internal): compile once, evaluate per
 * cell, explain as a tree, and evaluate a block of trials at once.
 *
 * Grammar (docs/formulas.md):
 *   expr    := compare
 *   compare := additive (("<"|"<="|">"|">="|"=="|"~=") additive)?
 *   additive:= term (("+"|"-") term)*
 *   term    := unary (("*"|"/") unary)*
 *   unary   := "-" unary | power
 *   power   := primary ("^" unary)?            (right associative)
 *   primary := NUMBER | ref | call | "(" expr ")"
 *   ref     := ID ("[" "-"? INT "]")? ("@" PERIOD)?
 *   call    := ("sum"|"min"|"max"|"abs"|"round"|"if") "(" args ")"
 * IDs are lowercase dotted ([a-z_][a-z0-9_]*(\.[a-z0-9_]+)*).
 *
 * Values are boxed doubles (value.h).  Arithmetic with an error gives that
 * error; with *missing* gives missing; sum() skips missing arguments (all
 * missing gives missing); division by zero and results that are not numbers
 * start new errors through env->fail.
 */
#ifndef KS_FORMULA_H
#define KS_FORMULA_H

#include <stddef.h>
#include "base/value.h"
#include "kessan/kessan.h"

typedef struct ks_formula ks_formula;

typedef enum ks_ref_kind {
    KS_REF_RELATIVE = 0, /* id or id[-n]: the same period shifted by offset */
    KS_REF_ABSOLUTE      /* id@PERIOD (an offset applies after the @)      */
} ks_ref_kind;

typedef struct ks_formula_ref {
    int item;
    ks_ref_kind kind;
    int offset;  /* quarters; 0 for a plain id                           */
    int period;  /* KS_REF_ABSOLUTE: the period index, else -1          */
} ks_formula_ref;

/* How the compiler resolves names; every callback gets `user_data`. */
typedef struct ks_formula_names {
    void *user_data;
    /* index of an item id, or -1 */
    int (*find_item)(void *user_data, const char *id, size_t length);
    /* the nearest known item id for a suggestion, or NULL */
    const char *(*nearest_item)(void *user_data, const char *id,
                                size_t length);
    /* index of a period id ("FY02"), or -1 */
    int (*find_period)(void *user_data, const char *id, size_t length);
} ks_formula_names;

/*
 * Compile `source`.  Errors (KS_ESYNTAX with err->column, KS_EUNKNOWN with
 * a suggestion, KS_ENOMEM) leave *out NULL.  The message reads
 * "column 7: expected ')' after arguments of 'round'" or
 * "column 1: unknown item 'rev.totl' (did you mean 'rev.total'?)".
 */
ks_status ks_formula_compile(const char *source,
                             const ks_formula_names *names,
                             const ks_allocator *alloc, ks_formula **out,
                             ks_error *err);
void ks_formula_free(ks_formula *formula, const ks_allocator *alloc);

const char *ks_formula_source(const ks_formula *formula);
/* The distinct references of the formula, in first-use order. */
int ks_formula_ref_count(const ks_formula *formula);
const ks_formula_ref *ks_formula_ref_at(const ks_formula *formula, int index);

/* What evaluation needs from the model. */
typedef struct ks_eval_env {
    void *user_data;
    /* the boxed value of a cell (already computed) */
    double (*load)(void *user_data, int item, int period);
    /* shift a period by `offset` quarters: a period index, or -1 before
     * the first period, -2 past the last, -3 not a period of that length */
    int (*shift)(void *user_data, int period, int offset);
    /* record an error that begins in the cell being evaluated and return
     * it boxed; `detail` is a short text ("rev.total[-4]"), may be NULL */
    double (*fail)(void *user_data, ks_fault fault, const char *detail);
    /* names, for explain only (may be NULL otherwise) */
    const char *(*item_id)(void *user_data, int item);
    const char *(*period_id)(void *user_data, int period, char *buf,
                             size_t size);
    int item, period; /* the cell being evaluated */
} ks_eval_env;

/* Evaluate the formula for the cell env->item @ env->period. */
double ks_formula_eval(const ks_formula *formula, const ks_eval_env *env);

/*
 * Evaluate as a tree for explain: one node per operator, call, number and
 * reference, each with its value; references carry item and period.  The
 * values in the tree are unboxed into ks_value by `to_value`.
 */
ks_status ks_formula_explain(const ks_formula *formula,
                             const ks_eval_env *env,
                             void (*to_value)(void *user_data, double boxed,
                                              int item, int period,
                                              ks_value *out),
                             const ks_allocator *alloc,
                             ks_explain_node **out, ks_error *err);
void ks_explain_node_free(const ks_allocator *alloc, ks_explain_node *node);
/* An error node's description copied behind its text (one block, freed
 * with it): the model describes errors into one buffer, which the next
 * description overwrites.  0, or -1 when out of memory (node unchanged). */
int ks_explain_node_keep_error(const ks_allocator *alloc,
                               ks_explain_node *node);

/*
 * Block evaluation for simulations: `lanes` trials at once.  load_block
 * returns a pointer to `lanes` values of a cell (the varying ones), or
 * fills `scratch` with a constant and returns it.  A lane that is not a
 * number is missing or an error as the scalar machine gives it, but an
 * error that begins in the block is anonymous (ks_box_error(0)): a
 * simulation counts errors, it does not explain them.
 */
typedef struct ks_block_env {
    void *user_data;
    const double *(*load_block)(void *user_data, int item, int period,
                                double *scratch);
    int (*shift)(void *user_data, int period, int offset);
    int period; /* the period being evaluated */
    /* optional, preferred when set: the lanes of a cell, or NULL when the
     * cell is the same in every lane (*constant receives it) */
    const double *(*load_lanes)(void *user_data, int item, int period,
                                double *constant);
} ks_block_env;

#define KS_BLOCK_LANES_MAX 512

/* out[0..lanes-1]; lanes <= KS_BLOCK_LANES_MAX. */
void ks_formula_eval_block(const ks_formula *formula,
                           const ks_block_env *env, double *out, int lanes);

/* A readable listing of the bytecode, one instruction a line (debug). */
ks_status ks_formula_disassemble(const ks_formula *formula, char *buf,
                                 size_t size);

#endif

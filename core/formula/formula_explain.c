/*
 * formula_explain.c -- evaluating a formula as a tree for explain: one
 * ks_explain_node per operator, call, number and reference, each with its
 * value, with the same semantics as the machines (formula_vm.c).  The
 * branch of an `if` that is not chosen is shown but not evaluated: its
 * nodes hold *missing*.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "formula/formula_opcodes.h"

typedef struct explainer {
    const ks_formula *formula;
    const ks_eval_env *env;
    void (*to_value)(void *user_data, double boxed, int item, int period,
                     ks_value *out);
    const ks_allocator *alloc;
} explainer;

void ks_explain_node_free(const ks_allocator *alloc, ks_explain_node *node)
{
    if (!node)
        return;
    if (node->children) {
        for (int i = 0; i < node->child_count; i++)
            ks_explain_node_free(alloc, node->children[i]);
        ks_mem_free(alloc, node->children);
    }
    ks_mem_free(alloc, (char *)node->text);
    ks_mem_free(alloc, node);
}

int ks_explain_node_keep_error(const ks_allocator *alloc,
                               ks_explain_node *node)
{
    if (node->value.kind != KS_ERROR || !node->value.error || !node->text)
        return 0;
    size_t text_length = strlen(node->text);
    size_t error_length = strlen(node->value.error);
    char *both = ks_mem_realloc(alloc, (char *)node->text,
                                text_length + error_length + 2);
    if (!both)
        return -1;
    memcpy(both + text_length + 1, node->value.error, error_length + 1);
    node->text = both;
    node->value.error = both + text_length + 1;
    return 0;
}

/* The text of a reference node: "rev.total@3Q02" for the cell it reads,
 * or the reference as written when it reads none (or names are absent). */
static char *reference_text(const explainer *x, const ks_ast_node *node,
                            int period)
{
    const ks_formula *formula = x->formula;
    const ks_eval_env *env = x->env;
    const ks_formula_ref *ref = &formula->ast.refs[node->ref];
    const char *item = env->item_id ? env->item_id(env->user_data, ref->item)
                                    : NULL;
    char period_buf[32];
    const char *period_text =
        period >= 0 && env->period_id
            ? env->period_id(env->user_data, period, period_buf,
                             sizeof period_buf)
            : NULL;
    if (!item || !period_text)
        return ks_mem_strdup(x->alloc, ks_ast_text(&formula->ast, node->text));
    size_t length = strlen(item) + strlen(period_text) + 2;
    char *text = ks_mem_alloc(x->alloc, length);
    if (text)
        snprintf(text, length, "%s@%s", item, period_text);
    return text;
}

/* The period a reference reads, without starting a fault; -1 for none. */
static int reference_period(const explainer *x, const ks_formula_ref *ref)
{
    int base = ref->kind == KS_REF_ABSOLUTE ? ref->period : x->env->period;
    if (ref->offset == 0)
        return base;
    int shifted = x->env->shift(x->env->user_data, base, ref->offset);
    return shifted < 0 ? -1 : shifted;
}

static const char *operator_text(const explainer *x, const ks_ast_node *node)
{
    switch (node->kind) {
    case KS_AST_NEGATE: return "-";
    case KS_AST_BINARY: return ks_binop_names[node->op];
    case KS_AST_CALL: return ks_function_names[node->op];
    default: return ks_ast_text(&x->formula->ast, node->text);
    }
}

static ks_opcode opcode_of(const ks_ast_node *node)
{
    static const ks_opcode binary[KS_BIN_COUNT] = {
        KS_OP_ADD, KS_OP_SUB, KS_OP_MUL, KS_OP_DIV, KS_OP_POW, KS_OP_LT,
        KS_OP_LE, KS_OP_GT, KS_OP_GE, KS_OP_EQ, KS_OP_NE
    };
    static const ks_opcode call[KS_FN_COUNT] = {
        KS_OP_SUM2, KS_OP_MIN2, KS_OP_MAX2, KS_OP_ABS, KS_OP_ROUND,
        KS_OP_IF_SELECT
    };
    if (node->kind == KS_AST_NEGATE)
        return KS_OP_NEG;
    return node->kind == KS_AST_BINARY ? binary[node->op] : call[node->op];
}

/* The value of an operator or call node from its children's values. */
static double combine(const explainer *x, const ks_ast_node *node,
                      const double *values, int count)
{
    ks_opcode op = opcode_of(node);
    if (op == KS_OP_IF_SELECT) {
        double condition = values[0];
        if (condition != condition)
            return ks_is_error(condition) ? condition : ks_box_missing();
        return condition != 0 ? values[1] : values[2];
    }
    int pairwise = op == KS_OP_SUM2 || op == KS_OP_MIN2 || op == KS_OP_MAX2;
    if (count == 1 && pairwise)
        return values[0]; /* sum(x) is x, as compiled */
    if (count == 1) /* -x, abs(x), round(x) (to 0 digits) */
        return ks_formula_apply(x->formula, x->env, op, node->text, values[0],
                                0);
    double result = values[0];
    for (int i = 1; i < count; i++)
        result = ks_formula_apply(x->formula, x->env, op, node->text, result,
                                  values[i]);
    return result;
}

static ks_status explain_node(const explainer *x, int index, int evaluate,
                              ks_explain_node **out, double *value);

/* Children of `node` into tree->children; their values into values[]
 * (evaluated only when needed: an if's unchosen branch is not). */
static ks_status explain_children(const explainer *x, const ks_ast_node *node,
                                  int evaluate, ks_explain_node *tree,
                                  double *values)
{
    const ks_ast *ast = &x->formula->ast;
    int is_if = node->kind == KS_AST_CALL && node->op == KS_FN_IF;
    int i = 0;
    for (int child = node->first_child; child >= 0;
         child = ast->nodes[child].next, i++) {
        int wanted = evaluate;
        if (is_if && i > 0 && evaluate) {
            double condition = values[0];
            wanted = condition == condition && (i == 1) == (condition != 0);
        }
        values[i] = ks_box_missing();
        ks_status status = explain_node(x, child, wanted, &tree->children[i],
                                        &values[i]);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

static ks_status explain_operation(const explainer *x, const ks_ast_node *node,
                                   int evaluate, ks_explain_node *tree,
                                   double *value)
{
    tree->children = ks_mem_calloc(x->alloc, (size_t)node->child_count,
                                   sizeof *tree->children);
    if (!tree->children)
        return KS_ENOMEM;
    tree->child_count = node->child_count;
    double small[8];
    double *values = small;
    if (node->child_count > 8) {
        values = ks_mem_calloc(x->alloc, (size_t)node->child_count,
                               sizeof *values);
        if (!values)
            return KS_ENOMEM;
    }
    ks_status status = explain_children(x, node, evaluate, tree, values);
    if (status == KS_OK && evaluate)
        *value = combine(x, node, values, node->child_count);
    if (values != small)
        ks_mem_free(x->alloc, values);
    return status;
}

static ks_status explain_node(const explainer *x, int index, int evaluate,
                              ks_explain_node **out, double *value)
{
    const ks_ast_node *node = &x->formula->ast.nodes[index];
    ks_explain_node *tree = ks_mem_calloc(x->alloc, 1, sizeof *tree);
    if (!tree)
        return KS_ENOMEM;
    *out = tree; /* owned by the parent from here on */
    tree->item = -1;
    tree->period = -1;
    ks_status status = KS_OK;
    *value = ks_box_missing();
    if (node->kind == KS_AST_REF) {
        const ks_formula_ref *ref = &x->formula->ast.refs[node->ref];
        int period = -1;
        if (evaluate)
            *value = ks_formula_load_ref(x->formula, x->env, node->ref, &period);
        else
            period = reference_period(x, ref);
        tree->item = ref->item;
        tree->period = period;
        tree->text = reference_text(x, node, period);
    } else {
        if (node->kind == KS_AST_NUMBER && evaluate)
            *value = node->number;
        tree->text = ks_mem_strdup(x->alloc, operator_text(x, node));
        if (tree->text && node->kind != KS_AST_NUMBER)
            status = explain_operation(x, node, evaluate, tree, value);
    }
    if (!tree->text)
        return KS_ENOMEM;
    if (status != KS_OK)
        return status;
    x->to_value(x->env->user_data, *value, tree->item, tree->period,
                &tree->value);
    return ks_explain_node_keep_error(x->alloc, tree) ? KS_ENOMEM : KS_OK;
}

ks_status ks_formula_explain(const ks_formula *formula,
                             const ks_eval_env *env,
                             void (*to_value)(void *user_data, double boxed,
                                              int item, int period,
                                              ks_value *out),
                             const ks_allocator *alloc,
                             ks_explain_node **out, ks_error *err)
{
    if (out)
        *out = NULL;
    if (!formula || !env || !to_value || !out)
        return ks_error_set(err, KS_EINVAL,
                            "ks_formula_explain: formula, env, to_value and "
                            "out are required");
    explainer x = { formula, env, to_value, alloc };
    ks_explain_node *root = NULL;
    double value;
    ks_status status = explain_node(&x, formula->ast.root, 1, &root, &value);
    if (status != KS_OK) {
        ks_explain_node_free(alloc, root);
        return ks_error_set(err, status,
                            "out of memory while explaining formula '%.64s'",
                            formula->source);
    }
    *out = root;
    return KS_OK;
}

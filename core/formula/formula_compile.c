/*
 * formula_compile.c -- compiling a formula: parse to a tree, then generate
 * the stack bytecode of formula_opcodes.h, folding constant operations and
 * recording the deepest stack the machines will need.  Also the accessors
 * of a compiled formula and its release.
 */
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "formula/formula_opcodes.h"

typedef struct codegen {
    ks_formula *formula;
    const ks_allocator *alloc;
    int depth; /* values on the block machine's stack after the last op */
} codegen;

/* A point in the code to fold back to. */
typedef struct code_mark {
    size_t count;
    int depth;
} code_mark;

/* Values each opcode adds to the block machine's stack (which keeps the
 * condition and both branches of an `if`, so is the deeper one). */
static int stack_effect(ks_opcode op)
{
    switch (op) {
    case KS_OP_CONST: case KS_OP_LOAD: case KS_OP_LOAD_REL: case KS_OP_LOAD_ABS:
        return 1;
    case KS_OP_NEG: case KS_OP_ABS: case KS_OP_IF_TEST: case KS_OP_IF_JUMP:
    case KS_OP_RETURN:
        return 0;
    case KS_OP_IF_SELECT:
        return -2;
    default:
        return -1;
    }
}

/* Append an instruction; its index, or -1 when out of memory. */
static int emit(codegen *g, ks_opcode op, int arg)
{
    ks_formula *f = g->formula;
    if (arg < 0)
        arg = 0;
    if (arg > KS_INSTR_ARG_MAX ||
        ks_mem_grow(g->alloc, (void **)&f->code, &f->code_capacity,
                    f->code_count + 1, sizeof *f->code) != 0)
        return -1;
    f->code[f->code_count] = KS_INSTR(op, arg);
    g->depth += stack_effect(op);
    if (g->depth > f->max_stack)
        f->max_stack = g->depth;
    return (int)f->code_count++;
}

static int emit_constant(codegen *g, double value)
{
    ks_formula *f = g->formula;
    for (size_t i = 0; i < f->constant_count; i++)
        if (memcmp(&f->constants[i], &value, sizeof value) == 0)
            return emit(g, KS_OP_CONST, (int)i);
    if (ks_mem_grow(g->alloc, (void **)&f->constants, &f->constant_capacity,
                    f->constant_count + 1, sizeof *f->constants) != 0)
        return -1;
    f->constants[f->constant_count] = value;
    return emit(g, KS_OP_CONST, (int)f->constant_count++);
}

static code_mark mark_code(const codegen *g)
{
    code_mark mark = { g->formula->code_count, g->depth };
    return mark;
}

/* Replace the code since `mark` by one constant. */
static int fold_to(codegen *g, code_mark mark, double value)
{
    g->formula->code_count = mark.count;
    g->depth = mark.depth;
    return emit_constant(g, value) < 0 ? -1 : 1;
}

static ks_opcode binary_opcode(int op)
{
    static const ks_opcode opcodes[KS_BIN_COUNT] = {
        KS_OP_ADD, KS_OP_SUB, KS_OP_MUL, KS_OP_DIV, KS_OP_POW, KS_OP_LT,
        KS_OP_LE, KS_OP_GT, KS_OP_GE, KS_OP_EQ, KS_OP_NE
    };
    return opcodes[op];
}

/* Code for a node: 1 when it is one constant (*constant), 0 when not, -1
 * when out of memory. */
static int compile_node(codegen *g, int index, double *constant);

static int compile_ref(codegen *g, const ks_ast_node *node)
{
    const ks_formula_ref *ref = &g->formula->ast.refs[node->ref];
    ks_opcode op = ref->kind == KS_REF_ABSOLUTE ? KS_OP_LOAD_ABS
                   : ref->offset != 0           ? KS_OP_LOAD_REL
                                                : KS_OP_LOAD;
    return emit(g, op, node->ref) < 0 ? -1 : 0;
}

/* op applied to one operand (and a constant second operand `b`). */
static int compile_unary(codegen *g, const ks_ast_node *node, ks_opcode op,
                         double *constant)
{
    code_mark mark = mark_code(g);
    double value;
    int folded = compile_node(g, node->first_child, &value);
    if (folded < 0)
        return -1;
    if (folded && ks_formula_fold(op, value, 0, constant))
        return fold_to(g, mark, *constant);
    return emit(g, op, node->text) < 0 ? -1 : 0;
}

static int compile_binary(codegen *g, const ks_ast_node *node, ks_opcode op,
                          int left, int right, double *constant)
{
    code_mark mark = mark_code(g);
    double a, b;
    int left_folded = compile_node(g, left, &a);
    if (left_folded < 0)
        return -1;
    int right_folded = compile_node(g, right, &b);
    if (right_folded < 0)
        return -1;
    if (left_folded && right_folded && ks_formula_fold(op, a, b, constant))
        return fold_to(g, mark, *constant);
    return emit(g, op, node->text) < 0 ? -1 : 0;
}

/* sum/min/max: the first argument, then one pairwise op per argument. */
static int compile_fold_list(codegen *g, const ks_ast_node *node, ks_opcode op,
                             double *constant)
{
    const ks_ast *ast = &g->formula->ast;
    code_mark mark = mark_code(g);
    int all_constant = 1;
    double total = 0;
    for (int child = node->first_child, n = 0; child >= 0;
         child = ast->nodes[child].next, n++) {
        double value;
        int folded = compile_node(g, child, &value);
        if (folded < 0)
            return -1;
        if (n == 0)
            total = value;
        else if (emit(g, op, node->text) < 0)
            return -1;
        if (n > 0 && all_constant && folded)
            folded = ks_formula_fold(op, total, value, &total);
        all_constant = all_constant && folded;
    }
    if (!all_constant)
        return 0;
    *constant = total;
    return fold_to(g, mark, total);
}

static int compile_round(codegen *g, const ks_ast_node *node, double *constant)
{
    const ks_ast *ast = &g->formula->ast;
    int value = node->first_child;
    int digits = ast->nodes[value].next;
    if (digits >= 0)
        return compile_binary(g, node, KS_OP_ROUND, value, digits, constant);
    code_mark mark = mark_code(g);
    double x;
    int folded = compile_node(g, value, &x);
    if (folded < 0)
        return -1;
    if (folded && ks_formula_fold(KS_OP_ROUND, x, 0, constant))
        return fold_to(g, mark, *constant);
    if (emit_constant(g, 0) < 0 || emit(g, KS_OP_ROUND, node->text) < 0)
        return -1;
    return 0;
}

/* if(c, a, b): IF_TEST else; a; IF_JUMP end; else: b; end: IF_SELECT. */
static int compile_if(codegen *g, const ks_ast_node *node, double *constant)
{
    ks_formula *f = g->formula;
    int condition = node->first_child;
    int chosen = f->ast.nodes[condition].next;
    int other = f->ast.nodes[chosen].next;
    code_mark mark = mark_code(g);
    double value;
    int folded = compile_node(g, condition, &value);
    if (folded < 0)
        return -1;
    if (folded) {
        f->code_count = mark.count;
        g->depth = mark.depth;
        return compile_node(g, value != 0 ? chosen : other, constant);
    }
    int test = emit(g, KS_OP_IF_TEST, 0);
    double ignored;
    if (test < 0 || compile_node(g, chosen, &ignored) < 0)
        return -1;
    int jump = emit(g, KS_OP_IF_JUMP, 0);
    if (jump < 0)
        return -1;
    int else_start = (int)f->code_count;
    if (compile_node(g, other, &ignored) < 0)
        return -1;
    int select = emit(g, KS_OP_IF_SELECT, 0);
    if (select < 0)
        return -1;
    f->code[test] = KS_INSTR(KS_OP_IF_TEST, else_start);
    f->code[jump] = KS_INSTR(KS_OP_IF_JUMP, select);
    return 0;
}

static int compile_call(codegen *g, const ks_ast_node *node, double *constant)
{
    switch ((ks_function)node->op) {
    case KS_FN_SUM: return compile_fold_list(g, node, KS_OP_SUM2, constant);
    case KS_FN_MIN: return compile_fold_list(g, node, KS_OP_MIN2, constant);
    case KS_FN_MAX: return compile_fold_list(g, node, KS_OP_MAX2, constant);
    case KS_FN_ABS: return compile_unary(g, node, KS_OP_ABS, constant);
    case KS_FN_ROUND: return compile_round(g, node, constant);
    default: return compile_if(g, node, constant);
    }
}

static int compile_node(codegen *g, int index, double *constant)
{
    const ks_ast_node *node = &g->formula->ast.nodes[index];
    switch (node->kind) {
    case KS_AST_NUMBER:
        *constant = node->number;
        return emit_constant(g, node->number) < 0 ? -1 : 1;
    case KS_AST_REF:
        return compile_ref(g, node);
    case KS_AST_NEGATE:
        return compile_unary(g, node, KS_OP_NEG, constant);
    case KS_AST_BINARY: {
        int right = g->formula->ast.nodes[node->first_child].next;
        return compile_binary(g, node, binary_opcode(node->op),
                              node->first_child, right, constant);
    }
    default:
        return compile_call(g, node, constant);
    }
}

static ks_status generate(ks_formula *formula, const ks_allocator *alloc,
                          ks_error *err)
{
    codegen g = { formula, alloc, 0 };
    double ignored;
    if (compile_node(&g, formula->ast.root, &ignored) < 0 ||
        emit(&g, KS_OP_RETURN, 0) < 0)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory while compiling formula '%.64s'",
                            formula->source);
    if (formula->max_stack > KS_FORMULA_STACK_MAX)
        return ks_error_at(err, KS_ESYNTAX, 0, 1,
                           "column 1: expected a formula needing at most %d "
                           "values at once (got %d)",
                           KS_FORMULA_STACK_MAX, formula->max_stack);
    return KS_OK;
}

ks_status ks_formula_compile(const char *source,
                             const ks_formula_names *names,
                             const ks_allocator *alloc, ks_formula **out,
                             ks_error *err)
{
    if (out)
        *out = NULL;
    if (!source || !names || !names->find_item || !names->find_period || !out)
        return ks_error_set(err, KS_EINVAL,
                            "ks_formula_compile: source, names (find_item, "
                            "find_period) and out are required");
    ks_formula *formula = ks_mem_calloc(alloc, 1, sizeof *formula);
    if (!formula)
        return ks_error_set(err, KS_ENOMEM,
                            "out of memory while compiling formula '%.64s'",
                            source);
    ks_status status = KS_OK;
    size_t length = strlen(source);
    formula->source = ks_mem_strndup(alloc, source, length);
    if (!formula->source)
        status = ks_error_set(err, KS_ENOMEM,
                              "out of memory while compiling formula '%.64s'",
                              source);
    if (status == KS_OK)
        status = ks_formula_parse(source, length, names, alloc, &formula->ast,
                                  err);
    if (status == KS_OK)
        status = generate(formula, alloc, err);
    if (status != KS_OK) {
        ks_formula_free(formula, alloc);
        return status;
    }
    *out = formula;
    return KS_OK;
}

void ks_formula_free(ks_formula *formula, const ks_allocator *alloc)
{
    if (!formula)
        return;
    ks_ast_release(&formula->ast, alloc);
    ks_mem_free(alloc, formula->code);
    ks_mem_free(alloc, formula->constants);
    ks_mem_free(alloc, formula->source);
    ks_mem_free(alloc, formula);
}

const char *ks_formula_source(const ks_formula *formula)
{
    return formula->source;
}

int ks_formula_ref_count(const ks_formula *formula)
{
    return (int)formula->ast.ref_count;
}

const ks_formula_ref *ks_formula_ref_at(const ks_formula *formula, int index)
{
    if (index < 0 || (size_t)index >= formula->ast.ref_count)
        return NULL;
    return &formula->ast.refs[index];
}

/*
 * xlsx_export_formula.c -- a kessan formula as an Excel formula over the
 * workbook's own cells (docs/excel.md, "Formulas").  Each formula is
 * parsed once per item; each cell gets its references resolved (offsets
 * and @PERIOD to the cell they land on) and kessan's rules of missing
 * values written out: a missing cell is "" in the workbook, arithmetic
 * on a missing operand gives "", sum, min and max skip missing arguments,
 * and if() with a missing condition gives "".  An error passes through
 * as Excel's errors do (the leftmost is not kept: Excel has no such
 * order).  Every node yields two texts: whether it is missing (M) and its
 * value where it is not (V); a cell reads IF(M, "", V).
 */
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "formula/formula_ast.h"
#include "io/xlsx_export.h"
#include "model/model.h"

struct ks_xlsx_formula {
    ks_ast ast;
};

struct ks_xlsx_formulas {
    int count;
    ks_xlsx_formula **items; /* per item, NULL without a formula         */
};

/* ---- parsing ----------------------------------------------------------- */

static int find_item(void *user_data, const char *id, size_t length)
{
    char buf[KS_NAME_MAX + 1];
    if (length > KS_NAME_MAX)
        return -1;
    memcpy(buf, id, length);
    buf[length] = '\0';
    return ks_item_find(user_data, buf);
}

static int find_period(void *user_data, const char *id, size_t length)
{
    char buf[32];
    if (length >= sizeof buf)
        return -1;
    memcpy(buf, id, length);
    buf[length] = '\0';
    int period;
    return ks_period_lookup(user_data, buf, &period, NULL) == KS_OK ? period
                                                                     : -1;
}

ks_status ks_xlsx_formulas_parse(ks_model *model, ks_xlsx_formulas **out,
                                 ks_error *err)
{
    const ks_allocator *alloc = ks_model_allocator(model);
    *out = NULL;
    ks_xlsx_formulas *all = ks_mem_calloc(alloc, 1, sizeof *all);
    int count = ks_item_count(model);
    if (!all || !(all->items = ks_mem_calloc(alloc, (size_t)count + 1,
                                             sizeof *all->items))) {
        ks_mem_free(alloc, all);
        return ks_error_set(err, KS_ENOMEM, "out of memory reading formulas");
    }
    all->count = count;
    ks_formula_names names = { model, find_item, NULL, find_period };
    for (int item = 0; item < count; item++) {
        ks_item_info info;
        if (ks_item_get(model, item, &info) != KS_OK || !info.formula ||
            !info.formula[0])
            continue;
        ks_xlsx_formula *formula = ks_mem_calloc(alloc, 1, sizeof *formula);
        if (!formula) {
            ks_xlsx_formulas_free(model, all);
            return ks_error_set(err, KS_ENOMEM,
                                "out of memory reading formulas");
        }
        all->items[item] = formula;
        ks_status status = ks_formula_parse(info.formula,
                                            strlen(info.formula), &names,
                                            alloc, &formula->ast, err);
        if (status != KS_OK) {
            ks_error_prefix(err, "formula of '%s'", info.id);
            ks_xlsx_formulas_free(model, all);
            return status;
        }
    }
    *out = all;
    return KS_OK;
}

void ks_xlsx_formulas_free(ks_model *model, ks_xlsx_formulas *formulas)
{
    if (!formulas)
        return;
    const ks_allocator *alloc = ks_model_allocator(model);
    for (int item = 0; item < formulas->count; item++) {
        if (!formulas->items[item])
            continue;
        ks_ast_release(&formulas->items[item]->ast, alloc);
        ks_mem_free(alloc, formulas->items[item]);
    }
    ks_mem_free(alloc, formulas->items);
    ks_mem_free(alloc, formulas);
}

ks_xlsx_formula *ks_xlsx_formula_of(const ks_xlsx_formulas *formulas,
                                    int item)
{
    return item >= 0 && item < formulas->count ? formulas->items[item] : NULL;
}

/* ---- translation -------------------------------------------------------- */

typedef struct translation {
    const ks_xlsx_view *view;
    const ks_ast *ast;
    int sheet;   /* the sheet written: references to it need no prefix   */
    int period;  /* the cell's period                                    */
    ks_xlsx_text *out;
    int depth, deepest; /* nesting of functions, for Excel's limit       */
    int too_many;       /* min or max given more arguments than Excel's  */
} translation;

static const ks_ast_node *node_at(const translation *t, int index)
{
    return &t->ast->nodes[index];
}

/* The cell a reference lands on from the cell's period: 0, or -1 when it
 * lands on no period (an error in kessan). */
static int ref_target(const translation *t, const ks_ast_node *node,
                      int *item, int *period)
{
    const ks_formula_ref *ref = &t->ast->refs[node->ref];
    int from = ref->kind == KS_REF_ABSOLUTE ? ref->period : t->period;
    *item = ref->item;
    *period = ref->offset ? ks_period_shift(t->view->model, from, ref->offset)
                          : from;
    return *period < 0 || t->view->sheet[*item] < 0 ? -1 : 0;
}

static void put_ref(translation *t, int item, int period)
{
    const ks_xlsx_view *view = t->view;
    int sheet = view->sheet[item];
    ks_xlsx_put_cell(t->out, sheet == t->sheet ? NULL : view->prefix[sheet],
                     view->row[item], view->column[period]);
}

static int is_arithmetic_call(int op)
{
    return op == KS_FN_ABS || op == KS_FN_ROUND;
}

/* Whether the node can be missing (given the inputs stay numbers), or is
 * a reference to no period, whose M is the error itself: an error operand
 * wins over a missing one, and Excel's OR and AND pass an error on. */
static int can_miss(const translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    int item, period, child, any = 0, all = 1;
    switch (node->kind) {
    case KS_AST_NUMBER:
        return 0;
    case KS_AST_REF:
        if (ref_target(t, node, &item, &period) != 0)
            return 1; /* an error: its M is the error, which wins */
        return !ks_xlsx_cell_sure(t->view, item, period, 0);
    case KS_AST_CALL:
        if (node->op == KS_FN_IF)
            break;
        if (is_arithmetic_call(node->op))
            break;
        for (child = node->first_child; child >= 0;
             child = node_at(t, child)->next)
            all &= can_miss(t, child);
        return all;
    default:
        break;
    }
    for (child = node->first_child; child >= 0;
         child = node_at(t, child)->next)
        any |= can_miss(t, child);
    return any;
}

/* Whether the node can be an error: a reference to a cell that is not an
 * input holding a number (a computed cell may hold one) or to no period,
 * a division or a power (by zero, not a number), or anything holding one
 * of these.  Overflow is left to the spreadsheet's own #NUM!. */
static int can_err(const translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    if (node->kind == KS_AST_REF)
        return can_miss(t, index);
    if (node->kind == KS_AST_BINARY &&
        (node->op == KS_BIN_DIV || node->op == KS_BIN_POW))
        return 1;
    for (int child = node->first_child; child >= 0;
         child = node_at(t, child)->next)
        if (can_err(t, child))
            return 1;
    return 0;
}

/* Whether a parent must ask what state the node is in. */
static int needs_state(const translation *t, int index)
{
    return can_miss(t, index) || can_err(t, index);
}

/* Whether the node's own operation may begin an error, which its M (made
 * of its operands' states) does not see. */
static int begins_errors(const translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    return node->kind == KS_AST_BINARY &&
           (node->op == KS_BIN_DIV || node->op == KS_BIN_POW);
}

static void emit_value(translation *t, int index);
static void emit_missing(translation *t, int index);
static void emit_operand(translation *t, int index);

static void enter(translation *t, const char *function)
{
    ks_xlsx_put(t->out, function);
    if (++t->depth > t->deepest)
        t->deepest = t->depth;
}

static void leave(translation *t)
{
    ks_xlsx_put(t->out, ")");
    t->depth--;
}

/* Before an argument (not the first) of a list written as `function`:
 * the comma, and once the call holds all but one of the arguments Excel
 * takes, a call of the same function nested for the rest -- the same
 * value whatever the grouping for SUM, AND and OR.  *count: arguments in
 * the innermost call so far; *nested: calls opened, for close_arguments. */
static void next_argument(translation *t, const char *function, int *count,
                          int *nested)
{
    ks_xlsx_put(t->out, ",");
    if (*count < KS_XLSX_ARGUMENTS_MAX - 1)
        return;
    enter(t, function);
    ++*nested;
    *count = 0;
}

static void close_arguments(translation *t, int nested)
{
    while (nested-- > 0)
        leave(t);
}

/* S of a node, what its parent tests: an error when it is one (kessan:
 * an error operand wins over a missing one, wherever it began), TRUE
 * when missing, FALSE when a number.  M says so for a node that can be
 * missing, unless its own operation may begin an error: then its value
 * is tested too; a node that cannot be missing is its value tested. */
static void emit_state(translation *t, int index)
{
    int missing = can_miss(t, index);
    if (missing && !begins_errors(t, index)) {
        emit_missing(t, index);
        return;
    }
    if (missing) {
        enter(t, "IF(");
        emit_missing(t, index);
        ks_xlsx_put(t->out, ",TRUE,");
    }
    ks_xlsx_put(t->out, "(");
    emit_value(t, index);
    ks_xlsx_put(t->out, ")=\"\"");
    if (missing)
        leave(t);
}

static void emit_state_or_false(translation *t, int index)
{
    if (needs_state(t, index))
        emit_state(t, index);
    else
        ks_xlsx_put(t->out, "FALSE");
}

/* Whether the node's M is the OR of its operands' states, so that a
 * parent's OR may take them in (OR(a, OR(b, c)) written OR(a, b, c)). */
static int is_or_node(const translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    if (node->kind == KS_AST_CALL)
        return is_arithmetic_call(node->op);
    return (node->kind == KS_AST_NEGATE || node->kind == KS_AST_BINARY) &&
           !begins_errors(t, index);
}

/* How many states the OR of the node's operands tests, operands whose M
 * is an OR taken in. */
static int or_terms(const translation *t, int index)
{
    int count = 0;
    for (int child = node_at(t, index)->first_child; child >= 0;
         child = node_at(t, child)->next) {
        if (!needs_state(t, child))
            continue;
        count += is_or_node(t, child) && can_miss(t, child)
                     ? or_terms(t, child) : 1;
    }
    return count;
}

static void emit_or_terms(translation *t, int index, int *first,
                          int *count, int *nested)
{
    for (int child = node_at(t, index)->first_child; child >= 0;
         child = node_at(t, child)->next) {
        if (!needs_state(t, child))
            continue;
        if (is_or_node(t, child) && can_miss(t, child)) {
            emit_or_terms(t, child, first, count, nested);
            continue;
        }
        if (!*first)
            next_argument(t, "OR(", count, nested);
        *first = 0;
        emit_state(t, child);
        ++*count;
    }
}

/* M of sum, min or max: every argument missing (an error in any is the
 * call's). */
static void emit_every(translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    int first = 1, count = 0, written = 0, nested = 0;
    for (int child = node->first_child; child >= 0;
         child = node_at(t, child)->next)
        count += needs_state(t, child);
    if (count > 1)
        enter(t, "AND(");
    for (int child = node->first_child; child >= 0;
         child = node_at(t, child)->next) {
        if (!needs_state(t, child))
            continue;
        if (!first)
            next_argument(t, "AND(", &written, &nested);
        first = 0;
        emit_state(t, child);
        written++;
    }
    close_arguments(t, nested);
    if (count > 1)
        leave(t);
}

/* M of a node that can be missing: OR of its operands' states
 * (arithmetic), AND of its arguments' (sum, min, max), or the chosen
 * branch's (if).  An error in M is the node's error. */
static void emit_missing(translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    if (node->kind == KS_AST_REF) {
        int item, period;
        if (ref_target(t, node, &item, &period) != 0) {
            ks_xlsx_put(t->out, "NA()");
            return;
        }
        put_ref(t, item, period);
        ks_xlsx_put(t->out, "=\"\"");
        return;
    }
    if (node->kind == KS_AST_CALL && node->op == KS_FN_IF) {
        int cond = node->first_child, a = node_at(t, cond)->next,
            b = node_at(t, a)->next;
        int guarded = needs_state(t, cond);
        enter(t, "IF(");
        if (guarded) {
            emit_state(t, cond);
            ks_xlsx_put(t->out, ",TRUE,");
            enter(t, "IF(");
        }
        emit_operand(t, cond);
        ks_xlsx_put(t->out, "<>0,");
        emit_state_or_false(t, a);
        ks_xlsx_put(t->out, ",");
        emit_state_or_false(t, b);
        if (guarded)
            leave(t);
        leave(t);
        return;
    }
    if (node->kind == KS_AST_CALL && !is_arithmetic_call(node->op)) {
        emit_every(t, index);
        return;
    }
    int first = 1, count = 0, nested = 0;
    if (or_terms(t, index) > 1) {
        enter(t, "OR(");
        emit_or_terms(t, index, &first, &count, &nested);
        close_arguments(t, nested);
        leave(t);
    } else {
        emit_or_terms(t, index, &first, &count, &nested);
    }
}

/* An operand: in parentheses unless it is one token or a call. */
static void emit_operand(translation *t, int index)
{
    ks_ast_kind kind = node_at(t, index)->kind;
    int bare = kind == KS_AST_REF || kind == KS_AST_CALL ||
               (kind == KS_AST_NUMBER && node_at(t, index)->number >= 0);
    if (!bare)
        ks_xlsx_put(t->out, "(");
    emit_value(t, index);
    if (!bare)
        ks_xlsx_put(t->out, ")");
}

static const char *const excel_binops[KS_BIN_COUNT] = {
    "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "=", "<>"
};

static void emit_binary(translation *t, const ks_ast_node *node)
{
    int left = node->first_child, right = node_at(t, left)->next;
    int compare = node->op >= KS_BIN_LT;
    if (compare)
        enter(t, "IF(");
    emit_operand(t, left);
    ks_xlsx_put(t->out, excel_binops[node->op]);
    emit_operand(t, right);
    if (compare) {
        ks_xlsx_put(t->out, ",1,0");
        leave(t);
    }
}

/* An argument of sum, min or max: a reference as it is (the function
 * skips the "" of a missing cell it refers to), anything else that can be
 * missing replaced by what the function ignores. */
static void emit_argument(translation *t, int index, int op)
{
    const ks_ast_node *node = node_at(t, index);
    if (node->kind == KS_AST_REF || !can_miss(t, index)) {
        emit_value(t, index);
        return;
    }
    enter(t, "IF(");
    emit_missing(t, index);
    ks_xlsx_put(t->out, op == KS_FN_SUM   ? ",0,"
                        : op == KS_FN_MIN ? ",9.99E+307,"
                                          : ",-9.99E+307,");
    emit_value(t, index);
    leave(t);
}

static const char *const excel_functions[KS_FN_COUNT] = {
    "SUM(", "MIN(", "MAX(", "ABS(", "ROUND(", "IF("
};

static void emit_call(translation *t, const ks_ast_node *node)
{
    enter(t, excel_functions[node->op]);
    int first = node->first_child;
    if (node->op == KS_FN_IF) {
        int a = node_at(t, first)->next, b = node_at(t, a)->next;
        emit_operand(t, first);
        ks_xlsx_put(t->out, "<>0,");
        emit_value(t, a);
        ks_xlsx_put(t->out, ",");
        emit_value(t, b);
    } else if (is_arithmetic_call(node->op)) {
        emit_value(t, first);
        if (node->op == KS_FN_ROUND) {
            ks_xlsx_put(t->out, ",");
            int digits = node_at(t, first)->next;
            if (digits >= 0)
                emit_value(t, digits);
            else
                ks_xlsx_put(t->out, "0");
        }
    } else {
        /* SUM nests; MIN and MAX of a group whose references are all
         * empty would give 0, so past the limit they are not written */
        int count = 0, nested = 0;
        for (int child = first; child >= 0; child = node_at(t, child)->next) {
            if (child != first && node->op != KS_FN_SUM &&
                count >= KS_XLSX_ARGUMENTS_MAX)
                t->too_many = 1;
            if (child != first && node->op == KS_FN_SUM)
                next_argument(t, "SUM(", &count, &nested);
            else if (child != first)
                ks_xlsx_put(t->out, ",");
            emit_argument(t, child, node->op);
            count++;
        }
        close_arguments(t, nested);
    }
    leave(t);
}

static void emit_value(translation *t, int index)
{
    const ks_ast_node *node = node_at(t, index);
    int item, period;
    switch (node->kind) {
    case KS_AST_NUMBER:
        ks_xlsx_put_number(t->out, node->number);
        return;
    case KS_AST_REF:
        if (ref_target(t, node, &item, &period) != 0)
            ks_xlsx_put(t->out, "NA()"); /* no such period: an error */
        else
            put_ref(t, item, period);
        return;
    case KS_AST_NEGATE:
        ks_xlsx_put(t->out, "-");
        emit_operand(t, node->first_child);
        return;
    case KS_AST_BINARY:
        emit_binary(t, node);
        return;
    case KS_AST_CALL:
        emit_call(t, node);
        return;
    }
}

static int node_sure(const translation *t, int index, int depth)
{
    const ks_ast_node *node = node_at(t, index);
    int item, period;
    switch (node->kind) {
    case KS_AST_NUMBER:
        return 1;
    case KS_AST_REF:
        return ref_target(t, node, &item, &period) == 0 &&
               ks_xlsx_cell_sure(t->view, item, period, depth + 1);
    case KS_AST_BINARY:
        if (node->op == KS_BIN_DIV || node->op == KS_BIN_POW)
            return 0;
        break;
    default:
        break;
    }
    for (int child = node->first_child; child >= 0;
         child = node_at(t, child)->next)
        if (!node_sure(t, child, depth + 1))
            return 0;
    return 1;
}

int ks_xlsx_formula_sure(const ks_xlsx_view *view,
                         const ks_xlsx_formula *formula, int period,
                         int depth)
{
    translation t = { view, &formula->ast, -1, period, NULL, 0, 0, 0 };
    return node_sure(&t, formula->ast.root, depth);
}

int ks_xlsx_formula_translate(const ks_xlsx_view *view,
                              const ks_xlsx_formula *formula, int sheet,
                              int period, const char *fallback,
                              ks_xlsx_text *text)
{
    translation t = { view, &formula->ast, sheet, period, text, 0, 0, 0 };
    int root = formula->ast.root;
    if (!can_miss(&t, root)) {
        emit_value(&t, root);
        return t.too_many ? KS_XLSX_TOO_MANY_ARGUMENTS : t.deepest;
    }
    enter(&t, "IF(");
    emit_missing(&t, root);
    ks_xlsx_put(text, ",");
    ks_xlsx_put(text, fallback ? fallback : "\"\"");
    ks_xlsx_put(text, ",");
    emit_value(&t, root);
    leave(&t);
    return t.too_many ? KS_XLSX_TOO_MANY_ARGUMENTS : t.deepest;
}

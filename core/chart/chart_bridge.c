/*
 * chart_bridge.c -- the bridge between two cells of an item, from the
 * item's own formula: its linear terms walked in the explain trees of
 * both cells, terms that read a formula of their own opened while the
 * depth allows, each leaf's signed change a step of the waterfall.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "kessan/chart.h"
#include "model/model.h"

#define BRIDGE_STEPS_MAX 200

typedef struct bridge_walk {
    ks_model *model;
    ks_chart_bridge *bridge;
    ks_chart_step *steps;
    int count;
    const char *lang;
    ks_error *err;
} bridge_walk;

static ks_status add_step(bridge_walk *w, const char *label, double delta)
{
    if (w->count >= BRIDGE_STEPS_MAX)
        return ks_error_set(w->err, KS_EINVAL, "bridge: more than %d terms; "
                            "give a smaller depth", BRIDGE_STEPS_MAX);
    char *copy = ks_mem_strdup(&w->bridge->alloc, label ? label : "");
    if (!copy)
        return ks_error_set(w->err, KS_ENOMEM, "out of memory for a bridge");
    w->steps[w->count].label = copy;
    w->steps[w->count].delta = delta;
    w->count++;
    return KS_OK;
}

static const char *label_of(const bridge_walk *w, int item)
{
    ks_item_info info;
    if (ks_item_get(w->model, item, &info) != KS_OK)
        return "?";
    if (w->lang && strcmp(w->lang, "ja") == 0 && info.label_ja &&
        *info.label_ja)
        return info.label_ja;
    return info.label && *info.label ? info.label : info.id;
}

static ks_status number_of(bridge_walk *w, const ks_explain_node *node,
                           double *out)
{
    if (node->value.kind == KS_NUMBER) {
        *out = node->value.number;
        return KS_OK;
    }
    char why[256] = "";
    if (node->item >= 0 && node->value.kind == KS_MISSING)
        ks_missing_reason(w->model, node->item, node->period, why,
                          sizeof why, NULL);
    if (node->value.kind == KS_ERROR)
        snprintf(why, sizeof why, "%s", node->value.error ?
                 node->value.error : "an error");
    return ks_error_set(w->err, KS_EINVAL, "bridge: %s is not a number (%s)",
                        node->text ? node->text : "a term",
                        *why ? why : "missing");
}

static int is_linear(const ks_explain_node *node)
{
    return node->item < 0 && node->text &&
           (strcmp(node->text, "+") == 0 || strcmp(node->text, "-") == 0);
}

static ks_status walk_expr(bridge_walk *w, const ks_explain_node *a,
                           const ks_explain_node *b, double sign, int depth);

/* The formula of a cell, when it has one of + and -: its root's only
 * child. */
static const ks_explain_node *linear_formula(const ks_explain_node *root)
{
    if (root->child_count != 1 || !is_linear(root->children[0]))
        return NULL;
    return root->children[0];
}

/* A term reading a cell: opened when both cells have a linear formula
 * and the depth allows, else one step. */
static ks_status walk_cell(bridge_walk *w, const ks_explain_node *a,
                           const ks_explain_node *b, double sign, int depth)
{
    double va, vb;
    ks_status status = number_of(w, a, &va);
    if (status == KS_OK)
        status = number_of(w, b, &vb);
    if (status != KS_OK || depth <= 1)
        return status == KS_OK ? add_step(w, label_of(w, b->item),
                                          sign * (vb - va))
                               : status;
    ks_explain_node *ta = NULL, *tb = NULL;
    status = ks_explain(w->model, a->item, a->period, &ta, w->err);
    if (status == KS_OK)
        status = ks_explain(w->model, b->item, b->period, &tb, w->err);
    if (status == KS_OK) {
        const ks_explain_node *fa = linear_formula(ta);
        const ks_explain_node *fb = linear_formula(tb);
        if (fa && fb && strcmp(fa->text, fb->text) == 0 &&
            fa->child_count == fb->child_count)
            status = walk_expr(w, fa, fb, sign, depth - 1);
        else
            status = add_step(w, label_of(w, b->item), sign * (vb - va));
    }
    if (ta)
        ks_explain_free(w->model, ta);
    if (tb)
        ks_explain_free(w->model, tb);
    return status;
}

/* A term's label: its text with each cell by its item's label
 * ("SI revenues * 2", "max(VAS revenues, 0)"), cut at a character's
 * start with "..." when longer than the buffer. */
typedef struct term_text {
    char text[300];
    size_t used;
    int cut;
} term_text;

static void term_put(term_text *t, const char *bytes)
{
    size_t length = strlen(bytes);
    size_t room = sizeof t->text - 4 - t->used; /* "..." and the NUL */
    if (t->cut)
        return;
    if (length > room) {
        length = room;
        while (length > 0 && ((unsigned char)bytes[length] & 0xC0) == 0x80)
            length--;   /* not inside a UTF-8 sequence */
        t->cut = 1;
    }
    memcpy(t->text + t->used, bytes, length);
    t->used += length;
    strcpy(t->text + t->used, t->cut ? "..." : "");
}

static int is_operator(const ks_explain_node *node)
{
    return node->item < 0 && node->text && node->child_count > 0 &&
           !((node->text[0] >= 'a' && node->text[0] <= 'z') ||
             (node->text[0] >= 'A' && node->text[0] <= 'Z'));
}

/* How tightly an operator binds: + and - 1, * and / 2, ^ 3, a sign 4,
 * any other (a comparison) 0. */
static int binding_of(const ks_explain_node *node)
{
    if (!is_operator(node))
        return 5;
    if (node->child_count == 1)
        return 4;
    const char *op = node->text;
    return strcmp(op, "+") == 0 || strcmp(op, "-") == 0   ? 1
           : strcmp(op, "*") == 0 || strcmp(op, "/") == 0 ? 2
           : strcmp(op, "^") == 0                         ? 3
                                                          : 0;
}

/* Whether operand i of `parent` needs parentheses to read as the tree
 * does: it binds more loosely, or as tightly on the side that
 * associates the other way. */
static int needs_parentheses(const ks_explain_node *parent, int i)
{
    const ks_explain_node *child = parent->children[i];
    int outer = binding_of(parent), inner = binding_of(child);
    if (inner != outer)
        return inner < outer;
    return outer == 3 ? i == 0 : i > 0;
}

static void term_render(const bridge_walk *w, term_text *t,
                        const ks_explain_node *node, int nested)
{
    if (node->item >= 0) {
        term_put(t, label_of(w, node->item));
        return;
    }
    const char *text = node->text ? node->text : "?";
    if (node->child_count == 0) {
        term_put(t, text);
        return;
    }
    if (!is_operator(node)) { /* a function and its arguments */
        term_put(t, text);
        term_put(t, "(");
        for (int i = 0; i < node->child_count; i++) {
            term_put(t, i > 0 ? ", " : "");
            term_render(w, t, node->children[i], 0);
        }
        term_put(t, ")");
        return;
    }
    term_put(t, nested ? "(" : "");
    if (node->child_count == 1)
        term_put(t, text);
    for (int i = 0; i < node->child_count; i++) {
        if (i > 0) {
            term_put(t, " ");
            term_put(t, text);
            term_put(t, " ");
        }
        term_render(w, t, node->children[i], needs_parentheses(node, i));
    }
    term_put(t, nested ? ")" : "");
}

static ks_status walk_other(bridge_walk *w, const ks_explain_node *a,
                            const ks_explain_node *b, double sign)
{
    double va = 0, vb = 0;
    ks_status status = number_of(w, a, &va);
    if (status == KS_OK)
        status = number_of(w, b, &vb);
    if (status != KS_OK)
        return status;
    if (va == vb)
        return KS_OK;   /* a constant */
    term_text label = { "", 0, 0 };
    term_render(w, &label, b, 0);
    return add_step(w, label.text, sign * (vb - va));
}

static ks_status walk_expr(bridge_walk *w, const ks_explain_node *a,
                           const ks_explain_node *b, double sign, int depth)
{
    if (a->item >= 0 && b->item >= 0 && a->item == b->item)
        return walk_cell(w, a, b, sign, depth);
    if (!is_linear(b) || !a->text || strcmp(a->text, b->text) != 0 ||
        a->child_count != b->child_count)
        return walk_other(w, a, b, sign);
    int minus = strcmp(b->text, "-") == 0;
    for (int i = 0; i < b->child_count; i++) {
        double s = minus && (b->child_count == 1 || i > 0) ? -sign : sign;
        ks_status status = walk_expr(w, a->children[i], b->children[i], s,
                                     depth);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

static ks_status bridge_cells(ks_model *model, const char *from_cell,
                              const char *to_cell, int *item, int *from,
                              int *to, ks_error *err)
{
    int other;
    ks_status status = ks_cell_lookup(model, from_cell, item, from, err);
    if (status == KS_OK)
        status = ks_cell_lookup(model, to_cell, &other, to, err);
    if (status != KS_OK)
        return status;
    if (other != *item)
        return ks_error_set(err, KS_EINVAL, "bridge: %s and %s are cells of "
                            "different items; a bridge joins two periods of "
                            "one item", from_cell, to_cell);
    return KS_OK;
}

/* A formula that is one product or function (no + or - at its top):
 * its root's only child, computed; NULL for an input or a summary. */
static const ks_explain_node *formula_term(const ks_explain_node *root)
{
    if (root->child_count != 1 || root->children[0]->item >= 0 ||
        root->children[0]->child_count == 0 ||
        root->value.provenance != KS_PROV_COMPUTED)
        return NULL;
    return root->children[0];
}

static ks_status walk_roots(bridge_walk *w, ks_explain_node *ta,
                            ks_explain_node *tb, int depth, double *va,
                            double *vb)
{
    ks_status status = number_of(w, ta, va);
    if (status == KS_OK)
        status = number_of(w, tb, vb);
    if (status != KS_OK)
        return status;
    const ks_explain_node *fa = linear_formula(ta);
    const ks_explain_node *fb = linear_formula(tb);
    if (!fa && !fb && formula_term(ta) && formula_term(tb))
        return walk_other(w, formula_term(ta), formula_term(tb), 1);
    if (!fa || !fb || strcmp(fa->text, fb->text) != 0 ||
        fa->child_count != fb->child_count)
        return ks_error_set(w->err, KS_EINVAL, "bridge: %s and %s are not "
                            "the same formula of terms (a bridge walks the "
                            "item's formula: + and -, or one product or "
                            "function as one step)", ta->text, tb->text);
    return walk_expr(w, fa, fb, 1, depth);
}

static void bridge_names(ks_chart_bridge *bridge, ks_model *model, int item,
                         int from, int to)
{
    ks_item_info info;
    char period[16];
    ks_item_get(model, item, &info);
    char *start = ks_mem_strdup(&bridge->alloc,
                                ks_period_id(model, from, period,
                                             sizeof period));
    char *end = ks_mem_strdup(&bridge->alloc,
                              ks_period_id(model, to, period, sizeof period));
    bridge->unit = info.unit ? ks_mem_strdup(&bridge->alloc, info.unit)
                             : NULL;
    bridge->waterfall.start_label = start;
    bridge->waterfall.end_label = end;
}

ks_status ks_chart_bridge_build(ks_model *model, const char *from_cell,
                                const char *to_cell, int depth,
                                const char *lang, ks_chart_bridge **out,
                                ks_error *err)
{
    *out = NULL;
    if (depth < 1 || depth > 20)
        return ks_error_set(err, KS_EINVAL, "bridge: depth %d: expected 1 "
                            "to 20", depth);
    int item, from, to;
    ks_status status = bridge_cells(model, from_cell, to_cell, &item, &from,
                                    &to, err);
    if (status != KS_OK)
        return status;
    const ks_allocator *alloc = ks_model_allocator(model);
    ks_chart_bridge *bridge = ks_mem_calloc(alloc, 1, sizeof *bridge);
    ks_chart_step *steps = ks_mem_calloc(alloc, BRIDGE_STEPS_MAX + 1,
                                         sizeof *steps);
    if (!bridge || !steps) {
        ks_mem_free(alloc, bridge);
        ks_mem_free(alloc, steps);
        return ks_error_set(err, KS_ENOMEM, "out of memory for a bridge");
    }
    bridge->alloc = *alloc;
    bridge->waterfall.steps = steps;
    bridge_walk w = { model, bridge, steps, 0, lang, err };
    ks_explain_node *ta = NULL, *tb = NULL;
    double va = 0, vb = 0;
    status = ks_explain(model, item, from, &ta, err);
    if (status == KS_OK)
        status = ks_explain(model, item, to, &tb, err);
    if (status == KS_OK)
        status = walk_roots(&w, ta, tb, depth, &va, &vb);
    if (ta)
        ks_explain_free(model, ta);
    if (tb)
        ks_explain_free(model, tb);
    bridge->waterfall.count = w.count;
    if (status == KS_OK) {
        double sum = 0;
        for (int i = 0; i < w.count; i++)
            sum += steps[i].delta;
        double rest = (vb - va) - sum;
        double size = fmax(1, fmax(fabs(va), fabs(vb)));
        if (fabs(rest) > 1e-9 * size)
            status = add_step(&w, "other", rest);
        bridge->waterfall.count = w.count;
    }
    if (status == KS_OK) {
        bridge->waterfall.start = va;
        bridge->waterfall.end = vb;
        bridge_names(bridge, model, item, from, to);
        if (!bridge->waterfall.start_label || !bridge->waterfall.end_label)
            status = ks_error_set(err, KS_ENOMEM, "out of memory for a "
                                  "bridge");
    }
    if (status != KS_OK) {
        ks_chart_bridge_free(bridge);
        return status;
    }
    *out = bridge;
    return KS_OK;
}

void ks_chart_bridge_free(ks_chart_bridge *bridge)
{
    if (!bridge)
        return;
    ks_allocator alloc = bridge->alloc;
    ks_chart_step *steps = (ks_chart_step *)bridge->waterfall.steps;
    for (int i = 0; i < bridge->waterfall.count; i++)
        ks_mem_free(&alloc, (char *)steps[i].label);
    ks_mem_free(&alloc, steps);
    ks_mem_free(&alloc, (char *)bridge->waterfall.start_label);
    ks_mem_free(&alloc, (char *)bridge->waterfall.end_label);
    ks_mem_free(&alloc, bridge->unit);
    ks_mem_free(&alloc, bridge);
}

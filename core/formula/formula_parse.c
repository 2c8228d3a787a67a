/*
 * formula_parse.c -- recursive-descent parser of the formula language
 * (grammar in formula.h) into the tree of formula_ast.h.  Ids are resolved
 * here: an unknown item or period is an error with a suggestion, and every
 * distinct reference is recorded in first-use order.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/error.h"
#include "formula/formula_ast.h"
#include "kessan/suggest.h"
#include "kessan/text.h"

const char *const ks_binop_names[KS_BIN_COUNT] = {
    "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "~="
};

const char *const ks_function_names[KS_FN_COUNT] = {
    "sum", "min", "max", "abs", "round", "if"
};

/* Argument counts of each function: at least, at most (-1: no limit). */
static const int function_arity[KS_FN_COUNT][2] = {
    { 1, -1 }, { 1, -1 }, { 1, -1 }, { 1, 1 }, { 1, 2 }, { 3, 3 }
};

typedef struct parser {
    const char *source;
    size_t length;
    size_t position; /* just past `token`                                */
    ks_token token;  /* the current token                                */
    const ks_formula_names *names;
    const ks_allocator *alloc;
    ks_ast *ast;
    ks_error *err;
    int depth;
} parser;

/* ---- errors --------------------------------------------------------------- */

static int column_of(size_t offset) { return (int)offset + 1; }

#define TOKEN_SHOWN_MAX 32

/* How many of `length` bytes of text to show, at most `max`, cut between
 * two characters rather than inside one's UTF-8 sequence. */
static size_t shown_length(const char *text, size_t length, size_t max)
{
    if (length <= max)
        return length;
    size_t shown = max;
    while (shown > 0 && ((unsigned char)text[shown] & 0xC0) == 0x80)
        shown--; /* text[shown] continues a character: cut before it */
    return shown;
}

/* "end of formula", the token's text in quotes (at most TOKEN_SHOWN_MAX
 * bytes, cut between characters), or "byte 0xFF" for a byte that is no
 * UTF-8, into buf. */
static const char *describe(const parser *p, const ks_token *token,
                            char *buf, size_t size)
{
    if (token->kind == KS_TK_END)
        return "end of formula";
    const char *text = p->source + token->start;
    if (ks_utf8_invalid_at(text, token->length) == 0) {
        snprintf(buf, size, "byte 0x%02X", (unsigned char)text[0]);
        return buf;
    }
    size_t shown = shown_length(text, token->length, TOKEN_SHOWN_MAX);
    snprintf(buf, size, "'%.*s%s'", (int)shown, text,
             shown < token->length ? "..." : "");
    return buf;
}

static ks_status expected(parser *p, const char *what)
{
    char got[64];
    return ks_error_at(p->err, KS_ESYNTAX, 0, column_of(p->token.start),
                       "column %d: expected %s (got %s)",
                       column_of(p->token.start), what,
                       describe(p, &p->token, got, sizeof got));
}

static ks_status out_of_memory(parser *p)
{
    return ks_error_set(p->err, KS_ENOMEM,
                        "out of memory while compiling formula '%.*s'",
                        (int)shown_length(p->source, p->length, 64),
                        p->source);
}

/* ---- building the tree ------------------------------------------------------ */

static int pool_add(parser *p, const char *text, size_t length)
{
    ks_ast *ast = p->ast;
    if (ks_mem_grow(p->alloc, (void **)&ast->pool, &ast->pool_capacity,
                    ast->pool_length + length + 1, 1) != 0)
        return -1;
    int offset = (int)ast->pool_length;
    memcpy(ast->pool + offset, text, length);
    ast->pool[offset + length] = '\0';
    ast->pool_length += length + 1;
    return offset;
}

/* The source of an operation, shortened, as a fault's detail. */
static int pool_add_span(parser *p, size_t start, size_t end)
{
    while (end > start && (p->source[end - 1] == ' ' || p->source[end - 1] == '\t'))
        end--;
    size_t length = end - start;
    if (length <= KS_FORMULA_DETAIL_MAX)
        return pool_add(p, p->source + start, length);
    char shortened[KS_FORMULA_DETAIL_MAX + 4];
    memcpy(shortened, p->source + start, KS_FORMULA_DETAIL_MAX - 3);
    memcpy(shortened + KS_FORMULA_DETAIL_MAX - 3, "...", 3);
    return pool_add(p, shortened, KS_FORMULA_DETAIL_MAX);
}

static int new_node(parser *p, ks_ast_kind kind, size_t start)
{
    ks_ast *ast = p->ast;
    if (ks_mem_grow(p->alloc, (void **)&ast->nodes, &ast->node_capacity,
                    ast->node_count + 1, sizeof *ast->nodes) != 0)
        return -1;
    int index = (int)ast->node_count++;
    ks_ast_node *node = &ast->nodes[index];
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->column = column_of(start);
    node->first_child = -1;
    node->next = -1;
    node->ref = -1;
    node->text = -1;
    return index;
}

static void append_child(ks_ast *ast, int parent, int child)
{
    ks_ast_node *node = &ast->nodes[parent];
    node->child_count++;
    if (node->first_child < 0) {
        node->first_child = child;
        return;
    }
    int last = node->first_child;
    while (ast->nodes[last].next >= 0)
        last = ast->nodes[last].next;
    ast->nodes[last].next = child;
}

/* The index of a reference, added when new; -1 when out of memory. */
static int intern_ref(parser *p, const ks_formula_ref *ref, const char *text,
                      size_t text_length)
{
    ks_ast *ast = p->ast;
    for (size_t i = 0; i < ast->ref_count; i++) {
        const ks_formula_ref *known = &ast->refs[i];
        if (known->item == ref->item && known->kind == ref->kind &&
            known->offset == ref->offset && known->period == ref->period)
            return (int)i;
    }
    if (ks_mem_grow(p->alloc, (void **)&ast->refs, &ast->ref_capacity,
                    ast->ref_count + 1, sizeof *ast->refs) != 0 ||
        ks_mem_grow(p->alloc, (void **)&ast->ref_texts,
                    &ast->ref_text_capacity, ast->ref_count + 1,
                    sizeof *ast->ref_texts) != 0)
        return -1;
    int text_offset = pool_add(p, text, text_length);
    if (text_offset < 0)
        return -1;
    ast->refs[ast->ref_count] = *ref;
    ast->ref_texts[ast->ref_count] = text_offset;
    return (int)ast->ref_count++;
}

/* ---- the grammar -------------------------------------------------------- */

static void advance(parser *p)
{
    ks_lex_next(p->source, p->length, &p->position, &p->token);
}

static ks_status parse_expr(parser *p, int *out);
static ks_status parse_unary(parser *p, int *out);

static ks_status make_binary(parser *p, int op, int left, int right, int *out)
{
    ks_ast_node *left_node = &p->ast->nodes[left];
    size_t start = (size_t)left_node->column - 1;
    int node = new_node(p, KS_AST_BINARY, start);
    if (node < 0)
        return out_of_memory(p);
    int text = pool_add_span(p, start, p->token.start);
    if (text < 0)
        return out_of_memory(p);
    p->ast->nodes[node].op = op;
    p->ast->nodes[node].text = text;
    append_child(p->ast, node, left);
    append_child(p->ast, node, right);
    *out = node;
    return KS_OK;
}

static ks_status unknown_item(parser *p, const ks_token *word)
{
    const char *id = p->source + word->start;
    int column = column_of(word->start);
    const char *nearest = NULL;
    if (p->names->nearest_item)
        nearest = p->names->nearest_item(p->names->user_data, id, word->length);
    if (nearest)
        return ks_error_at(p->err, KS_EUNKNOWN, 0, column,
                           "column %d: unknown item '%.*s' (did you mean '%s'?)",
                           column, (int)word->length, id, nearest);
    return ks_error_at(p->err, KS_EUNKNOWN, 0, column,
                       "column %d: unknown item '%.*s'", column,
                       (int)word->length, id);
}

/* "[" ("-"|"+")? INT "]" after an id; *offset is left 0 without one. */
static ks_status parse_offset(parser *p, int *offset)
{
    if (p->token.kind != KS_TK_LBRACKET)
        return KS_OK;
    advance(p);
    int sign = 1;
    if (p->token.kind == KS_TK_MINUS || p->token.kind == KS_TK_PLUS) {
        sign = p->token.kind == KS_TK_MINUS ? -1 : 1;
        advance(p);
    }
    if (p->token.kind != KS_TK_NUMBER || !p->token.is_integer)
        return expected(p, "an integer offset in quarters");
    if (p->token.number > KS_FORMULA_OFFSET_MAX) {
        char what[48];
        snprintf(what, sizeof what, "an offset of at most %d quarters",
                 KS_FORMULA_OFFSET_MAX);
        return expected(p, what);
    }
    *offset = sign * (int)p->token.number;
    advance(p);
    if (p->token.kind != KS_TK_RBRACKET)
        return expected(p, "']' after the offset");
    advance(p);
    return KS_OK;
}

/* "@" PERIOD after an id (and its offset). */
static ks_status parse_period(parser *p, ks_formula_ref *ref, size_t *end)
{
    if (p->token.kind != KS_TK_AT)
        return KS_OK;
    ks_lex_period(p->source, p->length, &p->position, &p->token);
    if (p->token.kind != KS_TK_PERIOD)
        return expected(p, "a period id after '@'");
    const char *id = p->source + p->token.start;
    int period = p->names->find_period(p->names->user_data, id, p->token.length);
    if (period < 0) {
        int column = column_of(p->token.start);
        return ks_error_at(p->err, KS_EUNKNOWN, 0, column,
                           "column %d: unknown period '%.*s'", column,
                           (int)p->token.length, id);
    }
    ref->kind = KS_REF_ABSOLUTE;
    ref->period = period;
    *end = p->token.start + p->token.length;
    advance(p);
    return KS_OK;
}

/* The canonical text of a reference: "id", "id[-4]", "id@FY02". */
static size_t ref_text(const parser *p, const ks_token *word,
                       const ks_formula_ref *ref, size_t period_end,
                       char *buf, size_t size)
{
    int written = snprintf(buf, size, "%.*s", (int)word->length,
                           p->source + word->start);
    if (ref->offset != 0)
        written += snprintf(buf + written, size - (size_t)written, "[%+d]",
                            ref->offset);
    if (ref->kind == KS_REF_ABSOLUTE) {
        /* the period id as written ends at period_end */
        size_t start = period_end;
        while (start > 0 && p->source[start - 1] != '@' &&
               p->source[start - 1] != ' ' && p->source[start - 1] != '\t')
            start--;
        written += snprintf(buf + written, size - (size_t)written, "@%.*s",
                            (int)(period_end - start), p->source + start);
    }
    return (size_t)written < size ? (size_t)written : size - 1;
}

static ks_status parse_ref(parser *p, const ks_token *word, int *out)
{
    ks_formula_ref ref = { -1, KS_REF_RELATIVE, 0, -1 };
    ref.item = p->names->find_item(p->names->user_data, p->source + word->start,
                                   word->length);
    if (ref.item < 0)
        return unknown_item(p, word);
    size_t period_end = 0;
    ks_status status = parse_offset(p, &ref.offset);
    if (status == KS_OK)
        status = parse_period(p, &ref, &period_end);
    if (status != KS_OK)
        return status;
    char text[KS_FORMULA_LENGTH_MAX + 32];
    size_t length = ref_text(p, word, &ref, period_end, text, sizeof text);
    int node = new_node(p, KS_AST_REF, word->start);
    if (node < 0)
        return out_of_memory(p);
    int index = intern_ref(p, &ref, text, length);
    if (index < 0)
        return out_of_memory(p);
    p->ast->nodes[node].ref = index;
    p->ast->nodes[node].text = p->ast->ref_texts[index];
    *out = node;
    return KS_OK;
}

static int find_function(const char *name, size_t length)
{
    for (int i = 0; i < KS_FN_COUNT; i++)
        if (strlen(ks_function_names[i]) == length &&
            memcmp(ks_function_names[i], name, length) == 0)
            return i;
    return -1;
}

static ks_status unknown_function(parser *p, const ks_token *word)
{
    const char *name = p->source + word->start;
    int column = column_of(word->start);
    const char *nearest = ks_suggest(name, word->length, ks_function_names,
                                     KS_FN_COUNT);
    if (nearest)
        return ks_error_at(p->err, KS_EUNKNOWN, 0, column,
                           "column %d: unknown function '%.*s' (did you mean '%s'?)",
                           column, (int)word->length, name, nearest);
    return ks_error_at(p->err, KS_EUNKNOWN, 0, column,
                       "column %d: unknown function '%.*s' (known: sum, min, "
                       "max, abs, round, if)",
                       column, (int)word->length, name);
}

static ks_status check_arity(parser *p, const ks_token *word, int function,
                             int count)
{
    int least = function_arity[function][0];
    int most = function_arity[function][1];
    if (count >= least && (most < 0 || count <= most))
        return KS_OK;
    char wanted[32];
    if (most < 0)
        snprintf(wanted, sizeof wanted, "%d or more arguments", least);
    else if (least == most)
        snprintf(wanted, sizeof wanted, "%d argument%s", least,
                 least == 1 ? "" : "s");
    else
        snprintf(wanted, sizeof wanted, "%d or %d arguments", least, most);
    int column = column_of(word->start);
    return ks_error_at(p->err, KS_ESYNTAX, 0, column,
                       "column %d: expected %s for '%s' (got %d)", column,
                       wanted, ks_function_names[function], count);
}

/* After "name(": arguments up to and including ")". */
static ks_status parse_call(parser *p, const ks_token *word, int *out)
{
    int function = find_function(p->source + word->start, word->length);
    if (function < 0)
        return unknown_function(p, word);
    int node = new_node(p, KS_AST_CALL, word->start);
    if (node < 0)
        return out_of_memory(p);
    p->ast->nodes[node].op = function;
    advance(p); /* past "(" */
    while (p->token.kind != KS_TK_RPAREN || p->ast->nodes[node].child_count > 0) {
        int argument;
        ks_status status = parse_expr(p, &argument);
        if (status != KS_OK)
            return status;
        append_child(p->ast, node, argument);
        if (p->token.kind == KS_TK_RPAREN)
            break;
        if (p->token.kind != KS_TK_COMMA) {
            char what[64];
            snprintf(what, sizeof what, "',' or ')' in the arguments of '%s'",
                     ks_function_names[function]);
            return expected(p, what);
        }
        advance(p);
    }
    advance(p); /* past ")" */
    ks_status status = check_arity(p, word, function,
                                   p->ast->nodes[node].child_count);
    if (status != KS_OK)
        return status;
    int text = pool_add_span(p, word->start, p->token.start);
    if (text < 0)
        return out_of_memory(p);
    p->ast->nodes[node].text = text;
    *out = node;
    return KS_OK;
}

static ks_status parse_primary(parser *p, int *out)
{
    ks_token token = p->token;
    switch (token.kind) {
    case KS_TK_NUMBER: {
        int node = new_node(p, KS_AST_NUMBER, token.start);
        if (node < 0)
            return out_of_memory(p);
        int text = pool_add(p, p->source + token.start, token.length);
        if (text < 0)
            return out_of_memory(p);
        p->ast->nodes[node].number = token.number;
        p->ast->nodes[node].text = text;
        advance(p);
        *out = node;
        return KS_OK;
    }
    case KS_TK_WORD:
        advance(p);
        if (p->token.kind == KS_TK_LPAREN)
            return parse_call(p, &token, out);
        return parse_ref(p, &token, out);
    case KS_TK_LPAREN: {
        advance(p);
        ks_status status = parse_expr(p, out);
        if (status != KS_OK)
            return status;
        if (p->token.kind != KS_TK_RPAREN)
            return expected(p, "')'");
        advance(p);
        /* an operation's source then starts at the parenthesis */
        p->ast->nodes[*out].column = column_of(token.start);
        return KS_OK;
    }
    case KS_TK_BAD_NUMBER:
        return expected(p, "a number");
    case KS_TK_HUGE_NUMBER:
        return expected(p, "a number of at most 1.8e308 in size");
    default:
        return expected(p, "a number, id, function or '('");
    }
}

/* power := primary ("^" unary)? */
static ks_status parse_power(parser *p, int *out)
{
    int base;
    ks_status status = parse_primary(p, &base);
    if (status != KS_OK)
        return status;
    if (p->token.kind != KS_TK_CARET) {
        *out = base;
        return KS_OK;
    }
    advance(p);
    int exponent;
    status = parse_unary(p, &exponent);
    if (status != KS_OK)
        return status;
    return make_binary(p, KS_BIN_POW, base, exponent, out);
}

/* unary := "-" unary | power; every level of nesting passes here. */
static ks_status parse_unary(parser *p, int *out)
{
    if (++p->depth > KS_FORMULA_NEST_MAX) {
        int column = column_of(p->token.start);
        return ks_error_at(p->err, KS_ESYNTAX, 0, column,
                           "column %d: expected at most %d levels of nesting "
                           "(got more)", column, KS_FORMULA_NEST_MAX);
    }
    ks_status status;
    if (p->token.kind == KS_TK_MINUS) {
        size_t start = p->token.start;
        advance(p);
        int operand;
        status = parse_unary(p, &operand);
        if (status == KS_OK) {
            int node = new_node(p, KS_AST_NEGATE, start);
            if (node < 0)
                return out_of_memory(p);
            append_child(p->ast, node, operand);
            *out = node;
        }
    } else {
        status = parse_power(p, out);
    }
    p->depth--;
    return status;
}

static ks_status parse_term(parser *p, int *out)
{
    ks_status status = parse_unary(p, out);
    while (status == KS_OK &&
           (p->token.kind == KS_TK_STAR || p->token.kind == KS_TK_SLASH)) {
        int op = p->token.kind == KS_TK_STAR ? KS_BIN_MUL : KS_BIN_DIV;
        advance(p);
        int right;
        status = parse_unary(p, &right);
        if (status == KS_OK)
            status = make_binary(p, op, *out, right, out);
    }
    return status;
}

static ks_status parse_additive(parser *p, int *out)
{
    ks_status status = parse_term(p, out);
    while (status == KS_OK &&
           (p->token.kind == KS_TK_PLUS || p->token.kind == KS_TK_MINUS)) {
        int op = p->token.kind == KS_TK_PLUS ? KS_BIN_ADD : KS_BIN_SUB;
        advance(p);
        int right;
        status = parse_term(p, &right);
        if (status == KS_OK)
            status = make_binary(p, op, *out, right, out);
    }
    return status;
}

static int comparison_of(ks_token_kind kind)
{
    switch (kind) {
    case KS_TK_LT: return KS_BIN_LT;
    case KS_TK_LE: return KS_BIN_LE;
    case KS_TK_GT: return KS_BIN_GT;
    case KS_TK_GE: return KS_BIN_GE;
    case KS_TK_EQ: return KS_BIN_EQ;
    case KS_TK_NE: return KS_BIN_NE;
    default: return -1;
    }
}

/* expr := additive (compare-op additive)? */
static ks_status parse_expr(parser *p, int *out)
{
    ks_status status = parse_additive(p, out);
    int op = comparison_of(p->token.kind);
    if (status != KS_OK || op < 0)
        return status;
    advance(p);
    int right;
    status = parse_additive(p, &right);
    if (status != KS_OK)
        return status;
    return make_binary(p, op, *out, right, out);
}

ks_status ks_formula_parse(const char *source, size_t length,
                           const ks_formula_names *names,
                           const ks_allocator *alloc, ks_ast *ast,
                           ks_error *err)
{
    if (length > KS_FORMULA_LENGTH_MAX)
        return ks_error_at(err, KS_ESYNTAX, 0, KS_FORMULA_LENGTH_MAX + 1,
                           "column %d: expected a formula of at most %d "
                           "characters (got %zu)",
                           KS_FORMULA_LENGTH_MAX + 1, KS_FORMULA_LENGTH_MAX,
                           length);
    parser p = { source, length, 0, { KS_TK_END, 0, 0, 0.0, 0 }, names,
                 alloc, ast, err, 0 };
    advance(&p);
    ks_status status = parse_expr(&p, &ast->root);
    if (status != KS_OK)
        return status;
    if (p.token.kind != KS_TK_END)
        return expected(&p, comparison_of(p.token.kind) >= 0
                                ? "end of formula (comparisons do not chain)"
                                : "an operator or end of formula");
    return KS_OK;
}

void ks_ast_release(ks_ast *ast, const ks_allocator *alloc)
{
    ks_mem_free(alloc, ast->nodes);
    ks_mem_free(alloc, ast->refs);
    ks_mem_free(alloc, ast->ref_texts);
    ks_mem_free(alloc, ast->pool);
    memset(ast, 0, sizeof *ast);
}

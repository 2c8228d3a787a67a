/*
 * formula_ast.h -- tokens, the syntax tree of a formula and its parser
 * (internal to formula_*.c).
 *
 * The tree lives in one array of nodes linked by index (first child, next
 * sibling).  Texts a node needs later -- a number as written, a reference
 * as "rev.total[-4]", the source of an operation for a fault's detail --
 * live in one pool of NUL-terminated strings addressed by offset.
 */
#ifndef KS_FORMULA_AST_H
#define KS_FORMULA_AST_H

#include <stddef.h>
#include "formula/formula.h"

#define KS_FORMULA_LENGTH_MAX 4096 /* characters of source               */
#define KS_FORMULA_NEST_MAX   200  /* levels of nesting                  */
#define KS_FORMULA_OFFSET_MAX 4000 /* |n| in id[n], quarters             */
#define KS_FORMULA_DETAIL_MAX 48   /* characters of an operation's detail */

/* ---- tokens (formula_lex.c) ---------------------------------------------- */

typedef enum ks_token_kind {
    KS_TK_END = 0,
    KS_TK_NUMBER,
    KS_TK_WORD,      /* an id or a function name                         */
    KS_TK_PERIOD,    /* after '@' only: "FY02", "3Q02"                    */
    KS_TK_LPAREN,
    KS_TK_RPAREN,
    KS_TK_LBRACKET,
    KS_TK_RBRACKET,
    KS_TK_COMMA,
    KS_TK_AT,
    KS_TK_PLUS,
    KS_TK_MINUS,
    KS_TK_STAR,
    KS_TK_SLASH,
    KS_TK_CARET,
    KS_TK_LT,
    KS_TK_LE,
    KS_TK_GT,
    KS_TK_GE,
    KS_TK_EQ,
    KS_TK_NE,
    KS_TK_BAD_NUMBER, /* digits and dots that are not a number: "1..2"   */
    KS_TK_HUGE_NUMBER, /* a number too large to hold: "1e999"            */
    KS_TK_BAD_CHAR    /* a character no token starts with                */
} ks_token_kind;

typedef struct ks_token {
    ks_token_kind kind;
    size_t start;   /* offset in the source                              */
    size_t length;
    double number;  /* KS_TK_NUMBER                                      */
    int is_integer; /* KS_TK_NUMBER written with digits only             */
} ks_token;

/* Scan the token at or after *position (skipping whitespace) and move
 * *position past it. */
void ks_lex_next(const char *source, size_t length, size_t *position,
                 ks_token *token);
/* The same for a period id after '@': letters and digits.  An empty
 * period gives the token that is there instead. */
void ks_lex_period(const char *source, size_t length, size_t *position,
                   ks_token *token);

/* ---- the tree ------------------------------------------------------------ */

typedef enum ks_ast_kind {
    KS_AST_NUMBER = 0,
    KS_AST_REF,
    KS_AST_NEGATE,
    KS_AST_BINARY,
    KS_AST_CALL
} ks_ast_kind;

typedef enum ks_binop {
    KS_BIN_ADD = 0, KS_BIN_SUB, KS_BIN_MUL, KS_BIN_DIV, KS_BIN_POW,
    KS_BIN_LT, KS_BIN_LE, KS_BIN_GT, KS_BIN_GE, KS_BIN_EQ, KS_BIN_NE,
    KS_BIN_COUNT
} ks_binop;

typedef enum ks_function {
    KS_FN_SUM = 0, KS_FN_MIN, KS_FN_MAX, KS_FN_ABS, KS_FN_ROUND, KS_FN_IF,
    KS_FN_COUNT
} ks_function;

typedef struct ks_ast_node {
    ks_ast_kind kind;
    int op;          /* ks_binop or ks_function                          */
    double number;   /* KS_AST_NUMBER                                    */
    int ref;         /* KS_AST_REF: index into ks_ast.refs               */
    int text;        /* pool offset: number as written, reference text,
                        or the operation's source (a fault's detail)     */
    int column;      /* 1-based column where the node begins             */
    int first_child; /* node index or -1                                 */
    int next;        /* next sibling or -1                               */
    int child_count;
} ks_ast_node;

typedef struct ks_ast {
    ks_ast_node *nodes;
    size_t node_count, node_capacity;
    ks_formula_ref *refs;     /* distinct, first-use order               */
    int *ref_texts;           /* pool offset of each reference's text     */
    size_t ref_count, ref_capacity, ref_text_capacity;
    char *pool;
    size_t pool_length, pool_capacity;
    int root;
} ks_ast;

/* Spelling of operators and functions, indexed by ks_binop/ks_function. */
extern const char *const ks_binop_names[KS_BIN_COUNT];
extern const char *const ks_function_names[KS_FN_COUNT];

/*
 * Parse `source` into `ast` (zeroed by the caller), resolving ids through
 * `names`.  On error `err` is set (KS_ESYNTAX, KS_EUNKNOWN or KS_ENOMEM)
 * and the caller frees what `ast` holds with ks_ast_release.
 */
ks_status ks_formula_parse(const char *source, size_t length,
                           const ks_formula_names *names,
                           const ks_allocator *alloc, ks_ast *ast,
                           ks_error *err);
void ks_ast_release(ks_ast *ast, const ks_allocator *alloc);

static inline const char *ks_ast_text(const ks_ast *ast, int offset)
{
    return ast->pool + offset;
}

#endif

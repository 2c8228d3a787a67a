/*
 * formula_lex.c -- the tokens of the formula language (formula_ast.h):
 * numbers (12, 12.5, 1e6, .5), words (ids and function names), period ids
 * after '@', operators and punctuation.  Whitespace separates tokens.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formula/formula_ast.h"
#include "kessan/text.h"

#define NUMBER_TEXT_MAX 63

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_word_char(char c) { return is_letter(c) || is_digit(c); }

static size_t skip_space(const char *source, size_t length, size_t position)
{
    while (position < length && is_space(source[position]))
        position++;
    return position;
}

/* digits* ("." digits*)? (e [+-]? digits+)? with at least one digit before
 * the exponent; returns 1 when `text` is exactly that. */
static int is_number_text(const char *text, size_t length, int *is_integer)
{
    size_t i = 0, digits = 0;
    while (i < length && is_digit(text[i]))
        i++, digits++;
    *is_integer = i == length && digits > 0;
    if (i < length && text[i] == '.') {
        i++;
        while (i < length && is_digit(text[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < length && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < length && (text[i] == '+' || text[i] == '-'))
            i++;
        size_t exponent_digits = 0;
        while (i < length && is_digit(text[i]))
            i++, exponent_digits++;
        if (exponent_digits == 0)
            return 0;
    }
    return i == length;
}

/* A number runs over digits, dots, letters and an exponent's sign, so that
 * "1..2" or "12abc" is one bad token rather than two good ones. */
static void lex_number(const char *source, size_t length, size_t *position,
                       ks_token *token)
{
    size_t end = *position;
    while (end < length) {
        char c = source[end];
        if (is_word_char(c) || c == '.') {
            end++;
        } else if ((c == '+' || c == '-') && end > *position &&
                   (source[end - 1] == 'e' || source[end - 1] == 'E') &&
                   is_digit(source[*position])) {
            end++;
        } else {
            break;
        }
    }
    token->start = *position;
    token->length = end - *position;
    *position = end;
    int is_integer = 0;
    if (token->length > NUMBER_TEXT_MAX ||
        !is_number_text(source + token->start, token->length, &is_integer)) {
        token->kind = KS_TK_BAD_NUMBER;
        return;
    }
    char text[NUMBER_TEXT_MAX + 1];
    memcpy(text, source + token->start, token->length);
    text[token->length] = '\0';
    token->number = ks_strtod_c(text, NULL); /* '.' whatever the locale */
    token->kind = isinf(token->number) ? KS_TK_HUGE_NUMBER : KS_TK_NUMBER;
    token->is_integer = is_integer;
}

/* [A-Za-z_][A-Za-z0-9_]* ("." [A-Za-z0-9_]+)*: case is checked by lookup,
 * so that "Rev.total" gets a suggestion rather than a syntax error. */
static void lex_word(const char *source, size_t length, size_t *position,
                     ks_token *token)
{
    size_t end = *position;
    while (end < length) {
        if (is_word_char(source[end]))
            end++;
        else if (source[end] == '.' && end + 1 < length &&
                 is_word_char(source[end + 1]))
            end++;
        else
            break;
    }
    token->kind = KS_TK_WORD;
    token->start = *position;
    token->length = end - *position;
    *position = end;
}

static ks_token_kind two_char_operator(char first, char second)
{
    if (first == '<' && second == '=')
        return KS_TK_LE;
    if (first == '>' && second == '=')
        return KS_TK_GE;
    if (first == '=' && second == '=')
        return KS_TK_EQ;
    if (first == '~' && second == '=')
        return KS_TK_NE;
    return KS_TK_END;
}

static ks_token_kind one_char_operator(char c)
{
    switch (c) {
    case '(': return KS_TK_LPAREN;
    case ')': return KS_TK_RPAREN;
    case '[': return KS_TK_LBRACKET;
    case ']': return KS_TK_RBRACKET;
    case ',': return KS_TK_COMMA;
    case '@': return KS_TK_AT;
    case '+': return KS_TK_PLUS;
    case '-': return KS_TK_MINUS;
    case '*': return KS_TK_STAR;
    case '/': return KS_TK_SLASH;
    case '^': return KS_TK_CARET;
    case '<': return KS_TK_LT;
    case '>': return KS_TK_GT;
    default: return KS_TK_BAD_CHAR;
    }
}

void ks_lex_next(const char *source, size_t length, size_t *position,
                 ks_token *token)
{
    memset(token, 0, sizeof *token);
    size_t at = skip_space(source, length, *position);
    *position = at;
    token->start = at;
    if (at >= length) {
        token->kind = KS_TK_END;
        return;
    }
    char c = source[at];
    if (is_digit(c) || (c == '.' && at + 1 < length && is_digit(source[at + 1]))) {
        lex_number(source, length, position, token);
        return;
    }
    if (is_letter(c)) {
        lex_word(source, length, position, token);
        return;
    }
    if (at + 1 < length) {
        ks_token_kind pair = two_char_operator(c, source[at + 1]);
        if (pair != KS_TK_END) {
            token->kind = pair;
            token->length = 2;
            *position = at + 2;
            return;
        }
    }
    token->kind = one_char_operator(c);
    token->length = 1;
    if (token->kind == KS_TK_BAD_CHAR) {
        /* a character, not a byte of it: its whole UTF-8 sequence */
        size_t sequence = ks_utf8_decode(source + at, length - at, NULL);
        if (sequence > 1)
            token->length = sequence;
    }
    *position = at + token->length;
}

void ks_lex_period(const char *source, size_t length, size_t *position,
                   ks_token *token)
{
    size_t at = skip_space(source, length, *position);
    size_t end = at;
    while (end < length && is_word_char(source[end]) && source[end] != '_')
        end++;
    if (end == at) {
        ks_lex_next(source, length, position, token);
        return;
    }
    memset(token, 0, sizeof *token);
    token->kind = KS_TK_PERIOD;
    token->start = at;
    token->length = end - at;
    *position = end;
}

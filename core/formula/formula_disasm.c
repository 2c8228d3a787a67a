/*
 * formula_disasm.c -- a readable listing of a compiled formula's bytecode
 * (debugging and tests), and the opcode name table it uses.
 */
#include <stdarg.h>
#include <stdio.h>

#include "base/error.h"
#include "formula/formula_opcodes.h"
#include "kessan/text.h"

const char *const ks_opcode_names[KS_OP_COUNT] = {
    "CONST", "LOAD", "LOAD_REL", "LOAD_ABS", "NEG", "ADD", "SUB", "MUL",
    "DIV", "POW", "LT", "LE", "GT", "GE", "EQ", "NE", "SUM2", "MIN2",
    "MAX2", "ABS", "ROUND", "IF_TEST", "IF_JUMP", "IF_SELECT", "RETURN"
};

typedef struct listing {
    char *buf;
    size_t size, used;
    int truncated;
} listing;

static void put(listing *out, const char *format, ...) KS_PRINTF(2, 3);

static void put(listing *out, const char *format, ...)
{
    size_t room = out->used < out->size ? out->size - out->used : 0;
    va_list args;
    va_start(args, format);
    int written = ks_vsnprintf_c(room ? out->buf + out->used : NULL, room,
                                 format, args);
    va_end(args);
    if (written < 0 || (size_t)written >= room)
        out->truncated = 1;
    if (written > 0)
        out->used += (size_t)written;
}

/* What an instruction's argument stands for, after a ';'. */
static void put_comment(listing *out, const ks_formula *formula,
                        ks_opcode op, int arg)
{
    switch (op) {
    case KS_OP_CONST:
        put(out, "  ; %.17g", formula->constants[arg]);
        break;
    case KS_OP_LOAD: case KS_OP_LOAD_REL: case KS_OP_LOAD_ABS:
        put(out, "  ; %s",
            ks_ast_text(&formula->ast, formula->ast.ref_texts[arg]));
        break;
    case KS_OP_ADD: case KS_OP_SUB: case KS_OP_MUL: case KS_OP_DIV:
    case KS_OP_POW: case KS_OP_SUM2: case KS_OP_ROUND:
        put(out, "  ; %s", ks_ast_text(&formula->ast, arg));
        break;
    case KS_OP_IF_TEST: case KS_OP_IF_JUMP:
        put(out, "  ; to %d", arg);
        break;
    default:
        break;
    }
}

ks_status ks_formula_disassemble(const ks_formula *formula, char *buf,
                                 size_t size)
{
    if (!formula || !buf || size == 0)
        return KS_EINVAL;
    listing out = { buf, size, 0, 0 };
    buf[0] = '\0';
    put(&out, "; %s\n; stack %d, constants %zu, references %zu\n",
        formula->source, formula->max_stack, formula->constant_count,
        formula->ast.ref_count);
    for (size_t pc = 0; pc < formula->code_count; pc++) {
        uint32_t instruction = formula->code[pc];
        ks_opcode op = KS_INSTR_OP(instruction);
        int arg = KS_INSTR_ARG(instruction);
        put(&out, "%4zu  %-9s %5d", pc, ks_opcode_names[op], arg);
        put_comment(&out, formula, op, arg);
        put(&out, "\n");
    }
    return out.truncated ? KS_EINVAL : KS_OK;
}

/*
 * host_repl_line.c -- the REPL's lines: read with GNU readline when the
 * build found it (else plainly), its history kept across sessions in a
 * bounded file ($KESSAN_HISTORY, else ~/.kessan_history: the last
 * HOST_HISTORY_MAX lines of at most HOST_HISTORY_LINE_MAX bytes, a line
 * longer than that not kept; a file grown past what those allow, by hand
 * or by an older version, is not read, and is replaced at the end by the
 * session's own lines), and Tab completing what the state holds:
 * globals and keywords, the fields of a table or the methods of a handle
 * after `.` or `:` (read raw: no metamethod or function runs), and inside
 * a string the item ids and periods of the model bound to `m`
 * ("rev.to<Tab>", "rev.total@3Q<Tab>").
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "host/host.h"
#include "host/host_repl.h"

#if defined(KESSAN_HAVE_READLINE)
#include <readline/history.h>
#include <readline/readline.h>
#endif

#define HOST_LINE_MAX 4096
#define HOST_HISTORY_MAX 1000
#define HOST_HISTORY_LINE_MAX 4096
#define HOST_CANDIDATES_MAX 4096

/* ---- candidates -------------------------------------------------------------- */
#if defined(KESSAN_HAVE_READLINE)

typedef struct host_candidates {
    char *names[HOST_CANDIDATES_MAX];
    int count;
} host_candidates;

static void host_candidate_add(host_candidates *list, const char *prefix,
                               const char *name, const char *text)
{
    size_t prefix_length = strlen(prefix), name_length = strlen(name);
    if (list->count >= HOST_CANDIDATES_MAX)
        return;
    char *whole = malloc(prefix_length + name_length + 1);
    if (!whole)
        return;
    memcpy(whole, prefix, prefix_length);
    memcpy(whole + prefix_length, name, name_length + 1);
    if (strncmp(whole, text, strlen(text)) != 0) {
        free(whole);
        return;
    }
    for (int i = 0; i < list->count; i++)
        if (strcmp(list->names[i], whole) == 0) {
            free(whole);
            return;
        }
    list->names[list->count++] = whole;
}

static void host_candidates_free(host_candidates *list)
{
    for (int i = 0; i < list->count; i++)
        free(list->names[i]);
    list->count = 0;
}

/* The string keys of the table at idx, raw, each after `prefix`. */
static void host_candidates_keys(lua_State *L, int idx, const char *prefix,
                                 const char *text, host_candidates *list)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -2);
            if (key[0] != '_' || key[1] != '_')
                host_candidate_add(list, prefix, key, text);
        }
        lua_pop(L, 1);
    }
}

/* Push the methods table of the value on top (its metatable's __index
 * when that is a table), or nothing: returns 1 when pushed. */
static int host_push_methods(lua_State *L)
{
    if (!lua_getmetatable(L, -1))
        return 0;
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_istable(L, -1))
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* Push the value `a.b.c` names (raw reads from _G on), or nil. */
static void host_push_path(lua_State *L, const char *path, size_t length)
{
    lua_pushglobaltable(L);
    size_t at = 0;
    while (at < length) {
        size_t end = at;
        while (end < length && path[end] != '.' && path[end] != ':')
            end++;
        if (!lua_istable(L, -1) && !host_push_methods(L)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, path + at, end - at);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        at = end + 1;
    }
}

/* `m:ge`, `kessan.op`, `string.fo`: the fields and methods of the value
 * before the last `.` or `:`. */
static void host_complete_fields(lua_State *L, const char *text,
                                 const char *dot, host_candidates *list)
{
    size_t base = (size_t)(dot - text);
    char prefix[256];
    if (base + 2 > sizeof prefix)
        return;
    memcpy(prefix, text, base + 1);
    prefix[base + 1] = '\0';
    host_push_path(L, text, base);
    if (lua_istable(L, -1))
        host_candidates_keys(L, -1, prefix, text, list);
    if (host_push_methods(L)) {
        host_candidates_keys(L, -1, prefix, text, list);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void host_complete_globals(lua_State *L, const char *text,
                                  host_candidates *list)
{
    static const char *const keywords[] = {
        "and", "break", "do", "else", "elseif", "end", "false", "for",
        "function", "goto", "if", "in", "local", "nil", "not", "or",
        "repeat", "return", "then", "true", "until", "while", NULL
    };
    for (int i = 0; keywords[i]; i++)
        host_candidate_add(list, "", keywords[i], text);
    lua_pushglobaltable(L);
    host_candidates_keys(L, -1, "", text, list);
    lua_pop(L, 1);
}

/* Inside a string: item ids, or after `id@` the periods. */
static void host_complete_cells(lua_State *L, const char *text,
                                host_candidates *list)
{
    lua_getglobal(L, "m");
    lk_handle *handle = lk_to_handle(L, -1);
    lua_pop(L, 1);
    if (!handle || !handle->model)
        return;
    ks_model *model = handle->model;
    const char *at = strchr(text, '@');
    if (at) {
        char prefix[KS_NAME_MAX + 2];
        size_t length = (size_t)(at - text) + 1;
        if (length >= sizeof prefix)
            return;
        memcpy(prefix, text, length);
        prefix[length] = '\0';
        for (int i = 0; i < ks_period_count(model); i++) {
            char id[16];
            ks_period_id(model, ks_period_at(model, i), id, sizeof id);
            host_candidate_add(list, prefix, id, text);
        }
        return;
    }
    for (int item = 0; item < ks_item_count(model); item++) {
        ks_item_info info;
        if (ks_item_get(model, item, &info) == KS_OK)
            host_candidate_add(list, "", info.id, text);
    }
}

static int host_inside_string(const char *line, int start)
{
    int open = 0;
    char quote = 0;
    for (int i = 0; i < start && line[i]; i++) {
        if (open && line[i] == '\\') {
            i++;
            continue;
        }
        if (!open && (line[i] == '"' || line[i] == '\'')) {
            open = 1;
            quote = line[i];
        } else if (open && line[i] == quote)
            open = 0;
    }
    return open;
}

static void host_complete(lua_State *L, const char *line, int start,
                          const char *text, host_candidates *list)
{
    int top = lua_gettop(L);
    if (host_inside_string(line, start))
        host_complete_cells(L, text, list);
    else {
        const char *dot = strrchr(text, ':');
        const char *period = strrchr(text, '.');
        if (!dot || (period && period > dot))
            dot = period;
        if (dot)
            host_complete_fields(L, text, dot, list);
        else
            host_complete_globals(L, text, list);
    }
    lua_settop(L, top);
}

/* ---- readline ------------------------------------------------------------------ */

static lua_State *host_line_state;
static host_candidates host_matches;
static int host_match_next;

static char *host_completion_next(const char *text, int state)
{
    (void)text;
    if (state == 0)
        host_match_next = 0;
    if (host_match_next >= host_matches.count)
        return NULL;
    const char *name = host_matches.names[host_match_next++];
    char *copy = malloc(strlen(name) + 1);
    if (copy)
        memcpy(copy, name, strlen(name) + 1);
    return copy;
}

static char **host_attempt_completion(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* never file names */
    host_candidates_free(&host_matches);
    if (host_line_state)
        host_complete(host_line_state, rl_line_buffer, start, text,
                      &host_matches);
    /* a string's id is not followed by a space: a period may come */
    rl_completion_append_character =
        host_inside_string(rl_line_buffer, start) ? '\0' : ' ';
    if (strchr(text, '.') || strchr(text, ':'))
        rl_completion_append_character = '\0';
    return rl_completion_matches(text, host_completion_next);
}
#endif

static char host_history_path[4096];

/* $KESSAN_HISTORY, else ~/.kessan_history; "" when neither is known. */
static void host_history_locate(void)
{
    const char *path = getenv("KESSAN_HISTORY");
    const char *home = getenv("HOME");
    host_history_path[0] = '\0';
    if (path && *path)
        snprintf(host_history_path, sizeof host_history_path, "%s", path);
    else if (home && *home)
        snprintf(host_history_path, sizeof host_history_path,
                 "%s/.kessan_history", home);
}

void host_line_begin(lua_State *L)
{
    (void)L;
    host_history_locate();
#if defined(KESSAN_HAVE_READLINE)
    host_line_state = L;
    rl_readline_name = "kessan";
    rl_attempted_completion_function = host_attempt_completion;
    rl_basic_word_break_characters = " \t\n\"'`()[]{},;=+-*/%^<>~#&|";
    stifle_history(HOST_HISTORY_MAX);
    struct stat file;
    if (*host_history_path && stat(host_history_path, &file) == 0 &&
        file.st_size <= (off_t)HOST_HISTORY_MAX * (HOST_HISTORY_LINE_MAX + 1))
        read_history(host_history_path);
#endif
}

void host_line_end(void)
{
#if defined(KESSAN_HAVE_READLINE)
    if (*host_history_path && write_history(host_history_path) == 0)
        history_truncate_file(host_history_path, HOST_HISTORY_MAX);
    host_candidates_free(&host_matches);
    host_line_state = NULL;
#endif
}

char *host_line_read(const char *prompt)
{
#if defined(KESSAN_HAVE_READLINE)
    char *line = readline(prompt);
    if (line && *line && strlen(line) <= HOST_HISTORY_LINE_MAX)
        add_history(line);
    return line;
#else
    fputs(prompt, stdout);
    fflush(stdout);
    char buffer[HOST_LINE_MAX];
    if (!fgets(buffer, sizeof buffer, stdin))
        return NULL;
    buffer[strcspn(buffer, "\r\n")] = '\0';
    size_t length = strlen(buffer);
    char *line = malloc(length + 1);
    if (line)
        memcpy(line, buffer, length + 1);
    return line;
#endif
}

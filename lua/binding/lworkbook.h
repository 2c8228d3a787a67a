/*
 * lworkbook.h -- workbooks in the Lua binding (lworkbook.c): what
 * m:export(path, {format = "xlsx", ...}) writes.
 */
#ifndef LWORKBOOK_H
#define LWORKBOOK_H

#include <lua.h>

#include "kessan/kessan.h"

/*
 * m:export with format = "xlsx": the model (pinned by the caller) as a
 * workbook at `path`; the options table is at `options_index` (checked
 * for unknown keys already; `sheets` is read here).  Returns what
 * m:export returns: true, or nil and a message.
 */
int lk_export_workbook(lua_State *L, ks_model *model, const char *path,
                       const ks_export_options *options, int options_index);

#endif

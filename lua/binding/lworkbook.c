/*
 * lworkbook.c -- m:export(path, {format = "xlsx"}): the model as a
 * workbook (kessan/workbook.h).
 */
#include <lauxlib.h>

#include "binding/lkessan.h"
#include "binding/lworkbook.h"
#include "kessan/workbook.h"

int lk_export_workbook(lua_State *L, ks_model *model, const char *path,
                       const ks_export_options *options, int options_index)
{
    (void)options_index;
    lk_check_path(L, path, LK_PATH_WRITE);
    ks_error err;
    if (ks_export_xlsx(model, path, options, &err) != KS_OK)
        return lk_fail(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

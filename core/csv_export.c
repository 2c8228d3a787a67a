/*
 * csv_export.c -- values CSV out (ks_export_csv): the long form, every item
 * in display order by every period in time order, numbers at full
 * precision ("%.17g", so that import gives back the same doubles).  The
 * file is written beside its destination as "path.tmp.XXXXXX", synced, and
 * renamed over the path; on any failure the temporary file is removed and
 * the old file is untouched.  Missing and error cells (and a number that
 * is not finite) are written with an empty value.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "model.h"

typedef struct export_file {
    ks_model *model;
    const char *path;
    char *temporary;  /* "path.tmp.XXXXXX", removed unless renamed        */
    FILE *out;
} export_file;

/* ---- writing fields ----------------------------------------------------- */

static int needs_quotes(const char *text)
{
    if (!*text)
        return 0;
    if (text[0] == ' ' || text[0] == '\t' || text[strlen(text) - 1] == ' '
        || text[strlen(text) - 1] == '\t')
        return 1;
    return strpbrk(text, ",\"\r\n") != NULL;
}

static void write_field(FILE *out, const char *text)
{
    if (!needs_quotes(text)) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

/* "%.17g" with a '.' whatever the C library's locale says. */
static void format_number(double number, char *buffer, size_t size)
{
    snprintf(buffer, size, "%.17g", number);
    const char *point = localeconv()->decimal_point;
    if (!point || strcmp(point, ".") == 0)
        return;
    char *at = strstr(buffer, point);
    if (!at)
        return;
    size_t skip = strlen(point);
    *at = '.';
    memmove(at + 1, at + skip, strlen(at + skip) + 1);
}

static ks_status write_cell(export_file *file, int item, const char *item_id,
                            int period, const ks_export_options *options,
                            ks_error *err)
{
    if (options->inputs_only && !ks_is_input(file->model, item, period))
        return KS_OK;
    ks_value value;
    ks_status status = ks_get(file->model, item, period, &value, err);
    if (status != KS_OK)
        return status;
    char period_id[16];
    ks_period_id(file->model, period, period_id, sizeof period_id);
    char number[40] = "";
    if (value.kind == KS_NUMBER && isfinite(value.number))
        format_number(value.number, number, sizeof number);
    write_field(file->out, item_id);
    fprintf(file->out, ",%s,%s", period_id, number);
    if (options->with_scenario_column) {
        fputc(',', file->out);
        write_field(file->out, ks_model_name(file->model));
    }
    fputc('\n', file->out);
    return KS_OK;
}

static ks_status write_rows(export_file *file,
                            const ks_export_options *options, ks_error *err)
{
    fputs(options->with_scenario_column ? "item,period,value,scenario\n"
                                        : "item,period,value\n",
          file->out);
    int items = ks_item_count(file->model);
    int periods = ks_period_count(file->model);
    for (int item = 0; item < items; item++) {
        ks_item_info info;
        ks_status status = ks_item_get(file->model, item, &info);
        for (int i = 0; status == KS_OK && i < periods; i++)
            status = write_cell(file, item, info.id,
                                ks_period_at(file->model, i), options, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* ---- the temporary file and the rename ---------------------------------- */

static ks_status io_failure(const export_file *file, const char *what,
                            ks_error *err)
{
    return ks_error_set(err, KS_EIO, "%s: %s: %s", file->path, what,
                        strerror(errno));
}

static ks_status open_temporary(export_file *file, ks_error *err)
{
    const ks_allocator *alloc = ks_model_allocator(file->model);
    size_t length = strlen(file->path);
    file->temporary = ks_mem_alloc(alloc, length + sizeof ".tmp.XXXXXX");
    if (!file->temporary)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory", file->path);
    memcpy(file->temporary, file->path, length);
    memcpy(file->temporary + length, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(file->temporary);
    if (fd < 0) {
        ks_status status = io_failure(file, "cannot create a temporary file",
                                      err);
        ks_mem_free(alloc, file->temporary);
        file->temporary = NULL;
        return status;
    }
    /* mkstemp makes the file 0600; an exported model is for reading. */
    struct stat old;
    fchmod(fd, stat(file->path, &old) == 0 ? old.st_mode & 07777 : 0644);
    file->out = fdopen(fd, "w");
    if (!file->out) {
        ks_status status = io_failure(file, "cannot write", err);
        close(fd);
        return status;
    }
    return KS_OK;
}

static ks_status close_and_rename(export_file *file, ks_error *err)
{
    FILE *out = file->out;
    file->out = NULL;
    int failed = fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0;
    int saved = errno;
    if (fclose(out) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        errno = saved;
        return io_failure(file, "cannot write", err);
    }
    if (rename(file->temporary, file->path) != 0)
        return io_failure(file, "cannot rename the temporary file into place",
                          err);
    ks_mem_free(ks_model_allocator(file->model), file->temporary);
    file->temporary = NULL;
    return KS_OK;
}

static void discard(export_file *file)
{
    if (file->out)
        fclose(file->out);
    if (file->temporary) {
        remove(file->temporary);
        ks_mem_free(ks_model_allocator(file->model), file->temporary);
    }
}

ks_status ks_export_csv(ks_model *model, const char *path,
                        const ks_export_options *options, ks_error *err)
{
    static const ks_export_options defaults = { 0, 0 };
    if (!path || !*path)
        return ks_error_set(err, KS_EINVAL, "no path to export to");
    export_file file = { model, path, NULL, NULL };
    ks_status status = open_temporary(&file, err);
    if (status == KS_OK)
        status = write_rows(&file, options ? options : &defaults, err);
    if (status == KS_OK)
        status = close_and_rename(&file, err);
    discard(&file);
    return status;
}

/*
 * xlsx_import_book.c -- a workbook's table of contents
 * (xlsx_import_book.h): the package relationships (_rels/.rels) lead to the
 * workbook part, whose <sheet> elements give the tabs in order and whose
 * relationships give each sheet's part and the shared strings part. Shared
 * strings are read whole (plain or rich text: the runs' <t> joined;
 * phonetic guides, <rPh>, left out).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_import_book.h"
#include "kessan/suggest.h"

#define PART_MAX 1024

static ks_status out_of_memory(ks_xlsxin_book *book, ks_error *err)
{
    return ks_error_set(err, KS_ENOMEM, "%s: out of memory reading the "
                        "workbook", book->zip.name);
}

/* ---- relationships ------------------------------------------------------ */

typedef struct relation {
    char id[64];
    char type_end[32];       /* the last segment of its Type URI        */
    char part[PART_MAX];     /* its target, resolved to a part name     */
} relation;

typedef struct rels_reader {
    const char *base;        /* the folder of the part they belong to    */
    relation *relations;
    size_t count, capacity;
    const ks_allocator *alloc;
} rels_reader;

/* A target relative to `base` ("worksheets/sheet1.xml" from "xl/"), or
 * absolute ("/xl/worksheets/sheet1.xml"); "./" and "../" resolved. */
static int resolve(const char *base, const char *target, char *part)
{
    char joined[PART_MAX];
    int n = target[0] == '/'
                ? snprintf(joined, sizeof joined, "%s", target + 1)
                : snprintf(joined, sizeof joined, "%s%s", base, target);
    if (n < 0 || (size_t)n >= sizeof joined)
        return -1;
    size_t length = 0;
    for (const char *at = joined; *at;) {
        const char *slash = strchr(at, '/');
        size_t segment = slash ? (size_t)(slash - at) : strlen(at);
        if (segment == 2 && at[0] == '.' && at[1] == '.') {
            while (length > 0 && part[length - 1] != '/')
                length--;
            if (length > 0)
                length--;
            while (length > 0 && part[length - 1] != '/')
                length--;
        } else if (!(segment == 1 && at[0] == '.') && segment > 0) {
            memcpy(part + length, at, segment);
            length += segment;
            if (slash)
                part[length++] = '/';
        }
        at += segment + (slash != NULL);
    }
    part[length] = '\0';
    return length > 0 ? 0 : -1;
}

static void rels_start(ks_xlsxin_parse *parse, const char *name,
                       const char **attributes)
{
    rels_reader *reader = parse->user;
    if (strcmp(name, "Relationship") != 0)
        return;
    const char *id = ks_xlsxin_attribute(attributes, "Id");
    const char *type = ks_xlsxin_attribute(attributes, "Type");
    const char *target = ks_xlsxin_attribute(attributes, "Target");
    const char *mode = ks_xlsxin_attribute(attributes, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (reader->count == reader->capacity &&
        ks_mem_grow(reader->alloc, (void **)&reader->relations,
                    &reader->capacity, reader->count + 1,
                    sizeof *reader->relations) != 0) {
        ks_error_set(parse->err, KS_ENOMEM, "%s: out of memory",
                     parse->zip->name);
        ks_xlsxin_stop(parse, KS_ENOMEM);
        return;
    }
    relation *r = &reader->relations[reader->count];
    const char *slash = strrchr(type, '/');
    snprintf(r->id, sizeof r->id, "%s", id);
    snprintf(r->type_end, sizeof r->type_end, "%s", slash ? slash + 1 : type);
    if (strlen(id) < sizeof r->id &&
        resolve(reader->base, target, r->part) == 0)
        reader->count++;
}

static ks_status read_rels(ks_xlsxin_book *book, const char *part,
                           const char *base, rels_reader *reader,
                           ks_error *err)
{
    static const ks_xlsxin_handlers handlers = { rels_start, NULL, NULL };
    memset(reader, 0, sizeof *reader);
    reader->base = base;
    reader->alloc = book->zip.alloc;
    if (!ks_xlsxin_zip_has(&book->zip, part))
        return KS_OK;
    return ks_xlsxin_parse_part(&book->zip, part, &handlers, reader, err);
}

static const relation *relation_of_type(const rels_reader *reader,
                                        const char *type_end)
{
    for (size_t i = 0; i < reader->count; i++)
        if (strcmp(reader->relations[i].type_end, type_end) == 0)
            return &reader->relations[i];
    return NULL;
}

static const relation *relation_by_id(const rels_reader *reader,
                                      const char *id)
{
    for (size_t i = 0; i < reader->count; i++)
        if (strcmp(reader->relations[i].id, id) == 0)
            return &reader->relations[i];
    return NULL;
}

/* ---- the workbook part: its sheets -------------------------------------- */

typedef struct sheets_reader {
    ks_xlsxin_book *book;
    const rels_reader *rels;
} sheets_reader;

static void sheets_start(ks_xlsxin_parse *parse, const char *name,
                         const char **attributes)
{
    sheets_reader *reader = parse->user;
    ks_xlsxin_book *book = reader->book;
    if (strcmp(name, "sheet") != 0)
        return;
    const char *sheet_name = ks_xlsxin_attribute(attributes, "name");
    const char *id = ks_xlsxin_attribute(attributes, "id");
    const relation *r = id ? relation_by_id(reader->rels, id) : NULL;
    if (!sheet_name || !r || strcmp(r->type_end, "worksheet") != 0)
        return; /* a chart sheet, a dialog sheet: no cells to read */
    if (book->sheet_count == book->sheet_capacity &&
        ks_mem_grow(book->zip.alloc, (void **)&book->sheets,
                    &book->sheet_capacity, book->sheet_count + 1,
                    sizeof *book->sheets) != 0) {
        out_of_memory(book, parse->err);
        ks_xlsxin_stop(parse, KS_ENOMEM);
        return;
    }
    ks_xlsxin_sheet_ref *sheet = &book->sheets[book->sheet_count];
    sheet->name = ks_mem_strdup(book->zip.alloc, sheet_name);
    sheet->part = ks_mem_strdup(book->zip.alloc, r->part);
    book->sheet_count++;
    if (!sheet->name || !sheet->part) {
        out_of_memory(book, parse->err);
        ks_xlsxin_stop(parse, KS_ENOMEM);
    }
}

/* ---- shared strings ----------------------------------------------------- */

typedef struct strings_reader {
    ks_xlsxin_book *book;
    int in_item;             /* inside <si>                               */
    int in_text;             /* inside a <t> that counts                  */
    int phonetic;            /* inside <rPh>: left out                    */
    size_t item_start;
} strings_reader;

static int append_text(ks_xlsxin_book *book, const char *text, size_t length)
{
    if (ks_mem_grow(book->zip.alloc, (void **)&book->texts,
                    &book->text_capacity, book->text_length + length + 1,
                    1) != 0)
        return -1;
    memcpy(book->texts + book->text_length, text, length);
    book->text_length += length;
    return 0;
}

static void strings_start(ks_xlsxin_parse *parse, const char *name,
                          const char **attributes)
{
    (void)attributes;
    strings_reader *reader = parse->user;
    if (strcmp(name, "si") == 0) {
        reader->in_item = 1;
        reader->item_start = reader->book->text_length;
    } else if (strcmp(name, "rPh") == 0) {
        reader->phonetic++;
    } else if (strcmp(name, "t") == 0 && reader->in_item) {
        reader->in_text = reader->phonetic == 0;
    }
}

static void strings_end(ks_xlsxin_parse *parse, const char *name)
{
    strings_reader *reader = parse->user;
    ks_xlsxin_book *book = reader->book;
    if (strcmp(name, "t") == 0) {
        reader->in_text = 0;
    } else if (strcmp(name, "rPh") == 0) {
        reader->phonetic--;
    } else if (strcmp(name, "si") == 0 && reader->in_item) {
        reader->in_item = 0;
        if (append_text(book, "", 0) != 0 ||
            (book->string_count + 2 > book->string_capacity &&
             ks_mem_grow(book->zip.alloc, (void **)&book->string_at,
                         &book->string_capacity, book->string_count + 2,
                         sizeof *book->string_at) != 0)) {
            out_of_memory(book, parse->err);
            ks_xlsxin_stop(parse, KS_ENOMEM);
            return;
        }
        book->texts[book->text_length++] = '\0';
        book->string_at[book->string_count++] = reader->item_start;
        book->string_at[book->string_count] = book->text_length;
    }
}

static void strings_text(ks_xlsxin_parse *parse, const char *text, int length)
{
    strings_reader *reader = parse->user;
    ks_xlsxin_book *book = reader->book;
    if (!reader->in_text)
        return;
    if (book->text_length - reader->item_start + (size_t)length >
        KS_XLSXIN_TEXT_MAX) {
        ks_error_set(parse->err, KS_EFORMAT, "%s: %s: shared string %zu is "
                     "longer than %u bytes", parse->zip->name, parse->part,
                     book->string_count, KS_XLSXIN_TEXT_MAX);
        ks_xlsxin_stop(parse, KS_EFORMAT);
        return;
    }
    if (append_text(book, text, (size_t)length) != 0) {
        out_of_memory(book, parse->err);
        ks_xlsxin_stop(parse, KS_ENOMEM);
    }
}

const char *ks_xlsxin_shared(const ks_xlsxin_book *book, size_t index,
                           size_t *length)
{
    if (index >= book->string_count)
        return NULL;
    size_t at = book->string_at[index];
    *length = book->string_at[index + 1] - at - 1;
    return book->texts + at;
}

/* ---- opening ------------------------------------------------------------ */

/* The folder of a part, with its slash ("xl/" of "xl/workbook.xml"). */
static void folder_of(const char *part, char *folder, size_t size)
{
    const char *slash = strrchr(part, '/');
    size_t length = slash ? (size_t)(slash - part) + 1 : 0;
    if (length >= size)
        length = 0;
    memcpy(folder, part, length);
    folder[length] = '\0';
}

static ks_status read_contents(ks_xlsxin_book *book, ks_error *err)
{
    rels_reader package, workbook;
    ks_status status = read_rels(book, "_rels/.rels", "", &package, err);
    const relation *office = status == KS_OK
                                 ? relation_of_type(&package, "officeDocument")
                                 : NULL;
    char workbook_part[PART_MAX] = "xl/workbook.xml";
    if (office)
        snprintf(workbook_part, sizeof workbook_part, "%s", office->part);
    ks_mem_free(book->zip.alloc, package.relations);
    if (status != KS_OK)
        return status;
    if (!ks_xlsxin_zip_has(&book->zip, workbook_part))
        return ks_error_set(err, KS_EFORMAT, "%s: a zip but not a workbook "
                            "(no %s: is it an .xlsx file?)", book->zip.name,
                            workbook_part);
    char folder[PART_MAX], rels_part[PART_MAX + 16];
    folder_of(workbook_part, folder, sizeof folder);
    snprintf(rels_part, sizeof rels_part, "%s_rels/%s.rels", folder,
             workbook_part + strlen(folder));
    status = read_rels(book, rels_part, folder, &workbook, err);
    if (status == KS_OK) {
        static const ks_xlsxin_handlers handlers = { sheets_start, NULL,
                                                     NULL };
        sheets_reader reader = { book, &workbook };
        status = ks_xlsxin_parse_part(&book->zip, workbook_part, &handlers,
                                    &reader, err);
    }
    const relation *strings = status == KS_OK
                                  ? relation_of_type(&workbook,
                                                     "sharedStrings")
                                  : NULL;
    if (strings) {
        static const ks_xlsxin_handlers handlers = {
            strings_start, strings_end, strings_text
        };
        strings_reader reader = { book, 0, 0, 0, 0 };
        status = ks_xlsxin_parse_part(&book->zip, strings->part, &handlers,
                                    &reader, err);
    }
    ks_mem_free(book->zip.alloc, workbook.relations);
    if (status == KS_OK && book->sheet_count == 0)
        status = ks_error_set(err, KS_EFORMAT, "%s: the workbook has no "
                              "worksheet", book->zip.name);
    return status;
}

ks_status ks_xlsxin_book_open(ks_xlsxin_book *book, const char *path,
                            const char *name, const ks_allocator *alloc,
                            ks_error *err)
{
    memset(book, 0, sizeof *book);
    ks_status status = ks_xlsxin_zip_open(&book->zip, path, name, alloc, err);
    if (status == KS_OK)
        status = read_contents(book, err);
    if (status != KS_OK)
        ks_xlsxin_book_close(book);
    return status;
}

void ks_xlsxin_book_close(ks_xlsxin_book *book)
{
    const ks_allocator *alloc = book->zip.alloc;
    for (size_t i = 0; i < book->sheet_count; i++) {
        ks_mem_free(alloc, book->sheets[i].name);
        ks_mem_free(alloc, book->sheets[i].part);
    }
    ks_mem_free(alloc, book->sheets);
    ks_mem_free(alloc, book->texts);
    ks_mem_free(alloc, book->string_at);
    ks_xlsxin_zip_close(&book->zip);
    book->sheets = NULL;
    book->texts = NULL;
    book->string_at = NULL;
    book->sheet_count = book->string_count = 0;
}

/* ---- sheets by name ----------------------------------------------------- */

static void list_sheets(const ks_xlsxin_book *book, char *list, size_t size)
{
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < book->sheet_count && used < size; i++) {
        int n = snprintf(list + used, size - used, "%s%s", i ? ", " : "",
                         book->sheets[i].name);
        if (n < 0 || (size_t)n >= size - used) {
            snprintf(list + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size,
                     "...");
            return;
        }
        used += (size_t)n;
    }
}

ks_status ks_xlsxin_find_sheet(const ks_xlsxin_book *book, const char *name,
                             size_t *index, ks_error *err)
{
    for (size_t i = 0; i < book->sheet_count; i++)
        if (strcmp(book->sheets[i].name, name) == 0) {
            *index = i;
            return KS_OK;
        }
    for (size_t i = 0; i < book->sheet_count; i++)
        if (strcasecmp(book->sheets[i].name, name) == 0) {
            *index = i;
            return KS_OK;
        }
    const char *names[64];
    int count = book->sheet_count < 64 ? (int)book->sheet_count : 64;
    for (int i = 0; i < count; i++)
        names[i] = book->sheets[i].name;
    const char *near = ks_suggest(name, strlen(name), names, count);
    char list[KS_MESSAGE_MAX / 3];
    list_sheets(book, list, sizeof list);
    char hint[160] = "";
    if (near)
        snprintf(hint, sizeof hint, "did you mean '%.100s'?; ", near);
    return ks_error_set(err, KS_EUNKNOWN, "%s: no sheet '%.100s' (%sthe "
                        "workbook has %s)", book->zip.name, name, hint,
                        list);
}

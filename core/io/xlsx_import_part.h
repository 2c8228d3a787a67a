/*
 * xlsx_import_part.h -- the XML parts of a workbook (internal): an .xlsx
 * file is a zip of XML parts, opened with libzip (loaded then) and each part streamed, as
 * it is inflated, into an expat parser that refuses DTDs and entity
 * declarations. What is read is bounded whatever the zip's directory
 * claims: KS_XLSXIN_READ_MAX bytes inflated in all, and no part inflating
 * to more than KS_XLSXIN_RATIO_MAX times its compressed size (once past
 * KS_XLSXIN_RATIO_FLOOR bytes): a zip bomb stops with a message, not with
 * the machine's memory.
 */
#ifndef KS_XLSXIN_IMPORT_PART_H
#define KS_XLSXIN_IMPORT_PART_H

#include <stdint.h>
#include <expat.h>
#include "io/zip_library.h"
#include "kessan/kessan.h"

#define KS_XLSXIN_READ_MAX (UINT64_C(1) << 30) /* 1 GiB inflated, all parts */
#define KS_XLSXIN_RATIO_MAX  200
#define KS_XLSXIN_RATIO_FLOOR (UINT64_C(1) << 24) /* 16 MiB */

typedef struct ks_xlsxin_zip {
    ks_zip_library zip_library; /* opened with the workbook (zip_library.h) */
    zip_t *zip;
    const char *name;        /* the file, as messages name it             */
    const ks_allocator *alloc;
    uint64_t read_total;     /* inflated bytes read so far, all parts     */
} ks_xlsxin_zip;

/* Open the workbook at `path`; a file that is no zip, or a damaged one:
 * KS_EFORMAT "name: not a workbook (...)". */
ks_status ks_xlsxin_zip_open(ks_xlsxin_zip *zip, const char *path,
                           const char *name, const ks_allocator *alloc,
                           ks_error *err);
void ks_xlsxin_zip_close(ks_xlsxin_zip *zip);
/* Whether the zip holds a part (a name without the leading '/'). */
int ks_xlsxin_zip_has(const ks_xlsxin_zip *zip, const char *part);

/* One parse of a part: handlers get element names without any namespace
 * prefix ("x:row" is "row"). */
typedef struct ks_xlsxin_parse ks_xlsxin_parse;
typedef struct ks_xlsxin_handlers {
    void (*start)(ks_xlsxin_parse *parse, const char *name,
                  const char **attributes);
    void (*end)(ks_xlsxin_parse *parse, const char *name);
    void (*text)(ks_xlsxin_parse *parse, const char *text, int length);
} ks_xlsxin_handlers;

struct ks_xlsxin_parse {
    XML_Parser parser;
    ks_xlsxin_zip *zip;
    const char *part;
    void *user;
    ks_error *err;
    ks_status status;        /* set by ks_xlsxin_stop                      */
    int stopped;
};

/* Stop the parse from a handler: with KS_OK an early, clean end (the
 * handler has what it needed), else the error already in parse->err. */
void ks_xlsxin_stop(ks_xlsxin_parse *parse, ks_status status);

/* Stream a part through the handlers.  A part missing, XML not well
 * formed, a DTD, the bounds above: KS_EFORMAT naming the file and part. */
ks_status ks_xlsxin_parse_part(ks_xlsxin_zip *zip, const char *part,
                             const ks_xlsxin_handlers *handlers, void *user,
                             ks_error *err);

/* The value of attribute `name` (no prefix compared), or NULL. */
const char *ks_xlsxin_attribute(const char **attributes, const char *name);
/* An element or attribute name without its namespace prefix. */
const char *ks_xlsxin_local(const char *name);

#endif

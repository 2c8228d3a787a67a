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

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <expat.h>
#include "io/zip_library.h"
#include "kessan/kessan.h"

#define KS_XLSXIN_READ_MAX (UINT64_C(1) << 30) /* 1 GiB inflated, all parts */
#define KS_XLSXIN_RATIO_MAX  200
#define KS_XLSXIN_RATIO_FLOOR (UINT64_C(1) << 24) /* 16 MiB */

/* A regular file as fstat describes it: which file, and its size and
 * times, which any write to it changes. */
typedef struct ks_xlsxin_file_id {
    dev_t device;
    ino_t inode;
    off_t size;
    struct timespec modified, changed;
} ks_xlsxin_file_id;

typedef struct ks_xlsxin_zip {
    ks_zip_library zip_library; /* opened with the workbook (zip_library.h) */
    zip_t *zip;
    const char *path;        /* as opened (the caller's, while it is open) */
    const char *name;        /* the file, as messages name it             */
    const ks_allocator *alloc;
    uint64_t read_total;     /* inflated bytes read so far, all parts     */
    int identified;          /* a regular file, as it was when opened:    */
    ks_xlsxin_file_id file;
} ks_xlsxin_zip;

/* Open the workbook at `path`; a file that is no zip, or a damaged one:
 * KS_EFORMAT "name: not a workbook (...)". */
ks_status ks_xlsxin_zip_open(ks_xlsxin_zip *zip, const char *path,
                           const char *name, const ks_allocator *alloc,
                           ks_error *err);
/* The workbook `first` holds open, opened again for another thread (a
 * reader of its own): by its path, but only when the path still leads to
 * the very file `first` opened, unchanged since (the same device and
 * inode, size, modification and change times, before and after libzip
 * reads its directory; a regular file, never waited on as a FIFO put in
 * its place would be); else KS_EIO "name: no longer the file opened". */
ks_status ks_xlsxin_zip_reopen(ks_xlsxin_zip *zip, const ks_xlsxin_zip *first,
                               const ks_allocator *alloc, ks_error *err);
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

#define KS_XLSXIN_OPEN_NAME_MAX 64

struct ks_xlsxin_parse {
    XML_Parser parser;
    ks_xlsxin_zip *zip;
    const char *part;
    void *user;
    ks_error *err;
    ks_status status;        /* set by ks_xlsxin_stop                      */
    int stopped;
    int depth;               /* elements open, the one just begun counted */
    /* the raw names (prefix and all) of the elements open at depths 1 and
     * 2 ("" when longer than the room here) */
    char open[2][KS_XLSXIN_OPEN_NAME_MAX];
};

/* Stop the parse from a handler: with KS_OK an early, clean end (the
 * handler has what it needed), else the error already in parse->err. */
void ks_xlsxin_stop(ks_xlsxin_parse *parse, ks_status status);

/* Stream a part through the handlers.  A part missing, XML not well
 * formed, a DTD, the bounds above: KS_EFORMAT naming the file and part. */
ks_status ks_xlsxin_parse_part(ks_xlsxin_zip *zip, const char *part,
                             const ks_xlsxin_handlers *handlers, void *user,
                             ks_error *err);

/* A part as the zip's directory describes it (a hint, never a bound). */
typedef struct ks_xlsxin_part_info {
    uint64_t size;           /* inflated                                  */
    uint64_t compressed;
    uint32_t crc;            /* what its inflated bytes must check to     */
} ks_xlsxin_part_info;

/* 0, or -1 when there is no such part or the directory does not say. */
int ks_xlsxin_part_info_of(const ks_xlsxin_zip *zip, const char *part,
                           ks_xlsxin_part_info *info);

/* The offset in the part's inflated bytes of the event being handled
 * (inside a handler: where its token begins). */
uint64_t ks_xlsxin_offset(const ks_xlsxin_parse *parse);

/*
 * A parse that begins in the middle of a part (xlsx_import_sheet.c reads
 * a large sheet in two halves at once): the part is inflated from its
 * start but parsed only from the first "<row" (followed by a space, '>'
 * or '/') at or after inflated offset `from`; `found` is told that offset,
 * or UINT64_MAX when there is none (called exactly once, whatever
 * happens), and expat is first given `prefix` (the start tags of the
 * elements open there).  `abandon`, set from another thread, stops the
 * parse (KS_EINTERRUPTED).  Offsets and bounds count the bytes inflated
 * from the part's start.
 */
typedef struct ks_xlsxin_resume {
    uint64_t from;
    const char *prefix;
    void (*found)(void *data, uint64_t offset);
    void *found_data;
    const atomic_int *abandon;
} ks_xlsxin_resume;

ks_status ks_xlsxin_parse_part_from(ks_xlsxin_zip *zip, const char *part,
                                    const ks_xlsxin_handlers *handlers,
                                    void *user, const ks_xlsxin_resume *resume,
                                    ks_error *err);

/* KS_EINTERRUPTED "interrupted while reading NAME": the host asked to
 * stop (its allocator's poll, looked at once per chunk inflated). */
ks_status ks_xlsxin_interrupted(const ks_xlsxin_zip *zip, ks_error *err);

/* The value of attribute `name` (no prefix compared), or NULL. */
const char *ks_xlsxin_attribute(const char **attributes, const char *name);
/* An element or attribute name without its namespace prefix. */
const char *ks_xlsxin_local(const char *name);

#endif

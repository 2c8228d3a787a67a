/*
 * xlsx_import_part.c -- a workbook's XML parts (xlsx_import_part.h):
 * libzip inflates a part a chunk at a time, straight into expat's buffer,
 * so no part is ever held whole (a parse from the middle of a part
 * inflates what comes before into a chunk of its own, unparsed).  The bounds count the bytes actually
 * inflated, never the sizes the zip's directory claims.  expat is told to
 * refuse a document type declaration the moment it begins (before an
 * internal subset could declare an entity), so no entity is ever
 * expanded; parameter entities are off.  expat allocates through the
 * model's allocator.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/error.h"
#include "io/xlsx_import_part.h"

#define CHUNK 65536

/* ---- the zip ------------------------------------------------------------ */

static const char *zip_reason(int code)
{
    switch (code) {
    case ZIP_ER_NOZIP:
        return "not a zip archive";
    case ZIP_ER_INCONS:
        return "its zip directory is inconsistent";
    case ZIP_ER_MEMORY:
        return "out of memory";
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        return "a read error";
    default:
        return "a damaged zip archive";
    }
}

/* The regular file `fd` is open on, as it is now: 0, or -1. */
static int file_id_now(int fd, ks_xlsxin_file_id *id)
{
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        return -1;
    *id = (ks_xlsxin_file_id){ info.st_dev, info.st_ino, info.st_size,
                               info.st_mtim, info.st_ctim };
    return 0;
}

static int same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int same_file(const ks_xlsxin_file_id *a, const ks_xlsxin_file_id *b)
{
    return a->device == b->device && a->inode == b->inode &&
           a->size == b->size && same_time(a->modified, b->modified) &&
           same_time(a->changed, b->changed);
}

/* The regular file at `path`, opened without waiting (a FIFO never
 * holds the open up), as it is now: its descriptor, or -1. */
static int open_regular(const char *path, ks_xlsxin_file_id *id)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (file_id_now(fd, id) == 0)
        return fd;
    close(fd);
    return -1;
}

/* libzip reads the zip from the file `fd` is open on: by the name /proc
 * gives that open file, which libzip opens again close-on-exec (as it
 * opens any name); without /proc, from zip_fdopen's duplicate of a
 * duplicate, which a child another thread starts meanwhile would
 * inherit.  NULL with libzip's reason in *code. */
static zip_t *zip_of_descriptor(ks_xlsxin_zip *zip, int fd,
                                const ks_xlsxin_file_id *id, int *code)
{
    char name[48];
    struct stat named;
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
    if (stat(name, &named) == 0 && named.st_dev == id->device &&
        named.st_ino == id->inode)
        return zip->zip_library.open(name, ZIP_RDONLY | ZIP_CHECKCONS, code);
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        *code = ZIP_ER_OPEN;
        return NULL;
    }
    zip_t *opened = zip->zip_library.fdopen(copy, ZIP_RDONLY |
                                            ZIP_CHECKCONS, code);
    if (!opened)
        close(copy);
    return opened;
}

/* The zip read from `fd` (which is closed), the file noted as `id` says
 * it was: 0; -1 with libzip's reason in *code; -2 when the file is not
 * as `id` says once libzip has read its directory (written meanwhile). */
static int open_descriptor(ks_xlsxin_zip *zip, int fd,
                           const ks_xlsxin_file_id *id, int *code)
{
    zip->zip = zip_of_descriptor(zip, fd, id, code);
    ks_xlsxin_file_id after;
    int changed = zip->zip && (file_id_now(fd, &after) != 0 ||
                               !same_file(&after, id));
    close(fd);
    if (changed) {
        zip->zip_library.discard(zip->zip);
        zip->zip = NULL;
        return -2;
    }
    if (!zip->zip)
        return -1;
    zip->identified = 1;
    zip->file = *id;
    return 0;
}

static ks_status open_failed(ks_xlsxin_zip *zip, int code, ks_error *err)
{
    ks_zip_library_close(&zip->zip_library);
    if (code == ZIP_ER_MEMORY)
        return ks_error_set(err, KS_ENOMEM, "%s: out of memory opening the "
                            "workbook", zip->name);
    return ks_error_set(err, KS_EFORMAT, "%s: not a readable workbook (%s)",
                        zip->name, zip_reason(code));
}

static ks_status zip_begin(ks_xlsxin_zip *zip, const char *path,
                           const char *name, const ks_allocator *alloc,
                           ks_error *err)
{
    memset(zip, 0, sizeof *zip);
    zip->path = path;
    zip->name = name ? name : path;
    zip->alloc = alloc;
    return ks_zip_library_open(&zip->zip_library, err);
}

ks_status ks_xlsxin_zip_open(ks_xlsxin_zip *zip, const char *path,
                           const char *name, const ks_allocator *alloc,
                           ks_error *err)
{
    ks_status status = zip_begin(zip, path, name, alloc, err);
    if (status != KS_OK)
        return status;
    int code = 0;
    ks_xlsxin_file_id id;
    int fd = open_regular(path, &id);
    if (fd >= 0 && open_descriptor(zip, fd, &id, &code) == 0)
        return KS_OK;
    if (fd < 0 || code == 0) /* not a regular file, or one written while
                                opened: libzip by its name, as it is */
        zip->zip = zip->zip_library.open(path, ZIP_RDONLY | ZIP_CHECKCONS,
                                         &code);
    return zip->zip ? KS_OK : open_failed(zip, code, err);
}

ks_status ks_xlsxin_zip_reopen(ks_xlsxin_zip *zip, const ks_xlsxin_zip *first,
                               const ks_allocator *alloc, ks_error *err)
{
    ks_status status = zip_begin(zip, first->path, first->name, alloc, err);
    if (status != KS_OK)
        return status;
    ks_xlsxin_file_id id;
    int fd = first->identified ? open_regular(first->path, &id) : -1;
    if (fd >= 0 && !same_file(&id, &first->file)) {
        close(fd);
        fd = -1;
    }
    int code = 0;
    int opened = fd < 0 ? -2 : open_descriptor(zip, fd, &id, &code);
    if (opened == 0)
        return KS_OK;
    if (opened == -1)
        return open_failed(zip, code, err);
    ks_zip_library_close(&zip->zip_library);
    return ks_error_set(err, KS_EIO, "%s: no longer the file opened",
                        zip->name);
}

void ks_xlsxin_zip_close(ks_xlsxin_zip *zip)
{
    if (zip->zip)
        zip->zip_library.discard(zip->zip);
    zip->zip = NULL;
    ks_zip_library_close(&zip->zip_library);
}

int ks_xlsxin_zip_has(const ks_xlsxin_zip *zip, const char *part)
{
    return zip->zip_library.name_locate(zip->zip, part, ZIP_FL_NOCASE) >= 0;
}

/* ---- names and attributes ----------------------------------------------- */

const char *ks_xlsxin_local(const char *name)
{
    const char *local = name;
    for (const char *at = name; *at; at++)
        if (*at == ':')
            local = at + 1;
    return local;
}

/* Whether `name`, without its prefix, is `word`. */
static int local_is(const char *name, const char *word)
{
    const char *at = ks_xlsxin_local(name);
    while (*word && *at == *word) {
        at++;
        word++;
    }
    return *at == *word;
}

const char *ks_xlsxin_attribute(const char **attributes, const char *name)
{
    for (size_t i = 0; attributes[i]; i += 2)
        if (local_is(attributes[i], name))
            return attributes[i + 1];
    return NULL;
}

/* ---- expat's memory, through the model's allocator ---------------------- */

/*
 * expat's memory functions take no user data, so they reach the allocator
 * of the parse in progress through this per-thread pointer, set around
 * every expat call that may allocate (as csv_read.c does for libcsv): a
 * workbook's XML counts against the host's memory limit like the rest.
 */
static _Thread_local const ks_allocator *expat_allocator;

static void *expat_malloc(size_t size)
{
    return ks_mem_alloc(expat_allocator, size);
}

static void *expat_realloc(void *block, size_t size)
{
    return ks_mem_realloc(expat_allocator, block, size);
}

static void expat_free(void *block)
{
    ks_mem_free(expat_allocator, block);
}

static const XML_Memory_Handling_Suite expat_memory = {
    expat_malloc, expat_realloc, expat_free
};

/* ---- expat -------------------------------------------------------------- */

static void fail_part(ks_xlsxin_parse *parse, ks_status code, const char *what)
{
    if (parse->stopped)
        return;
    ks_error_set(parse->err, code, "%s: %s: %s", parse->zip->name,
                 parse->part, what);
    ks_xlsxin_stop(parse, code);
}

void ks_xlsxin_stop(ks_xlsxin_parse *parse, ks_status status)
{
    if (parse->stopped)
        return;
    parse->stopped = 1;
    parse->status = status;
    XML_StopParser(parse->parser, XML_FALSE);
}

typedef struct parse_job {
    ks_xlsxin_parse parse;   /* first: expat's user data is the job        */
    const ks_xlsxin_handlers *handlers;
} parse_job;

/* Remember the raw names of the elements open at depths 1 and 2. */
static void note_open(ks_xlsxin_parse *parse, const char *name)
{
    if (parse->depth > 2)
        return;
    char *room = parse->open[parse->depth - 1];
    size_t length = strlen(name);
    if (length >= KS_XLSXIN_OPEN_NAME_MAX)
        length = 0;
    memcpy(room, name, length);
    room[length] = '\0';
}

static void start_element(void *data, const char *name,
                          const char **attributes)
{
    parse_job *job = data;
    job->parse.depth++;
    note_open(&job->parse, name);
    if (!job->parse.stopped && job->handlers->start)
        job->handlers->start(&job->parse, ks_xlsxin_local(name), attributes);
}

static void end_element(void *data, const char *name)
{
    parse_job *job = data;
    if (!job->parse.stopped && job->handlers->end)
        job->handlers->end(&job->parse, ks_xlsxin_local(name));
    job->parse.depth--;
}

static void character_data(void *data, const char *text, int length)
{
    parse_job *job = data;
    if (!job->parse.stopped && job->handlers->text)
        job->handlers->text(&job->parse, text, length);
}

static void refuse_doctype(void *data, const char *name, const char *system_id,
                           const char *public_id, int has_internal_subset)
{
    (void)name;
    (void)system_id;
    (void)public_id;
    (void)has_internal_subset;
    fail_part(data, KS_EFORMAT, "a document type declaration (<!DOCTYPE>), "
              "which no workbook part has: refused, entities are never "
              "expanded");
}

static void refuse_entity(void *data, const char *name, int is_parameter,
                          const char *value, int value_length,
                          const char *base, const char *system_id,
                          const char *public_id, const char *notation)
{
    (void)name;
    (void)is_parameter;
    (void)value;
    (void)value_length;
    (void)base;
    (void)system_id;
    (void)public_id;
    (void)notation;
    fail_part(data, KS_EFORMAT, "an entity declaration, refused");
}

static XML_Parser new_parser(parse_job *job)
{
    XML_Parser parser = XML_ParserCreate_MM("UTF-8", &expat_memory, NULL);
    if (!parser)
        return NULL;
    XML_SetUserData(parser, job);
    XML_SetElementHandler(parser, start_element, end_element);
    XML_SetCharacterDataHandler(parser, character_data);
    XML_SetStartDoctypeDeclHandler(parser, refuse_doctype);
    XML_SetEntityDeclHandler(parser, refuse_entity);
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
    return parser;
}

/* ---- streaming a part --------------------------------------------------- */

static ks_status check_bounds(ks_xlsxin_parse *parse, uint64_t inflated,
                              uint64_t compressed)
{
    char what[160];
    if (parse->zip->read_total > KS_XLSXIN_READ_MAX) {
        snprintf(what, sizeof what, "inflates to more than %llu MB (the "
                 "most a workbook may hold here: a zip bomb?)",
                 (unsigned long long)(KS_XLSXIN_READ_MAX >> 20));
        fail_part(parse, KS_EFORMAT, what);
        return KS_EFORMAT;
    }
    if (inflated > KS_XLSXIN_RATIO_FLOOR &&
        inflated / KS_XLSXIN_RATIO_MAX > compressed) {
        snprintf(what, sizeof what, "inflates more than %d times its "
                 "compressed size (a zip bomb?)", KS_XLSXIN_RATIO_MAX);
        fail_part(parse, KS_EFORMAT, what);
        return KS_EFORMAT;
    }
    return KS_OK;
}

static ks_status xml_error(ks_xlsxin_parse *parse)
{
    if (XML_GetErrorCode(parse->parser) == XML_ERROR_NO_MEMORY) {
        ks_error_set(parse->err, KS_ENOMEM, "%s: out of memory reading the "
                     "workbook", parse->zip->name);
        return KS_ENOMEM;
    }
    char what[200];
    snprintf(what, sizeof what, "not well-formed XML at line %lu, column "
             "%lu (%s)",
             (unsigned long)XML_GetCurrentLineNumber(parse->parser),
             (unsigned long)XML_GetCurrentColumnNumber(parse->parser) + 1,
             XML_ErrorString(XML_GetErrorCode(parse->parser)));
    fail_part(parse, KS_EFORMAT, what);
    return KS_EFORMAT;
}

static ks_status open_part(ks_xlsxin_parse *parse, zip_file_t **file,
                           uint64_t *compressed)
{
    const ks_zip_library *library = &parse->zip->zip_library;
    zip_int64_t index = library->name_locate(parse->zip->zip, parse->part,
                                             ZIP_FL_NOCASE);
    if (index < 0) {
        fail_part(parse, KS_EFORMAT, "missing from the workbook");
        return KS_EFORMAT;
    }
    zip_stat_t stat;
    library->stat_init(&stat);
    *compressed = 0;
    if (library->stat_index(parse->zip->zip, (zip_uint64_t)index, 0, &stat) == 0 &&
        (stat.valid & ZIP_STAT_COMP_SIZE))
        *compressed = stat.comp_size;
    *file = library->fopen_index(parse->zip->zip, (zip_uint64_t)index, 0);
    if (*file)
        return KS_OK;
    zip_error_t *error = library->get_error(parse->zip->zip);
    int code = library->error_code_zip(error);
    fail_part(parse, KS_EFORMAT,
              code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD
                  ? "encrypted (save the workbook without a password)"
              : code == ZIP_ER_COMPNOTSUPP
                  ? "compressed with a method this reader does not know"
                  : "cannot be read from the zip (damaged?)");
    return KS_EFORMAT;
}

ks_status ks_xlsxin_interrupted(const ks_xlsxin_zip *zip, ks_error *err)
{
    return ks_error_set(err, KS_EINTERRUPTED, "interrupted while reading %s",
                        zip->name);
}

static ks_status interrupted(ks_xlsxin_parse *parse)
{
    return ks_xlsxin_interrupted(parse->zip, parse->err);
}

/* Inflate up to `size` bytes of the part into `into`, counting them
 * against the bounds: the count (0 at its end), or -1 with the error
 * reported. */
static zip_int64_t inflate_chunk(ks_xlsxin_parse *parse, zip_file_t *file,
                                void *into, zip_uint64_t size,
                                uint64_t *inflated, uint64_t compressed)
{
    zip_int64_t got = parse->zip->zip_library.fread(file, into, size);
    if (got < 0) {
        fail_part(parse, KS_EFORMAT, "cannot be inflated (a damaged "
                  "zip: its data does not match its checksum or "
                  "size)");
        return -1;
    }
    *inflated += (uint64_t)got;
    parse->zip->read_total += (uint64_t)got;
    if (check_bounds(parse, *inflated, compressed) != KS_OK)
        return -1;
    return got;
}

/* Inflate the rest of the part straight into expat's buffer, a chunk at a
 * time (`inflated` bytes of it already read). */
static ks_status stream(ks_xlsxin_parse *parse, zip_file_t *file,
                        uint64_t compressed, uint64_t inflated,
                        const atomic_int *abandon)
{
    for (;;) {
        if (ks_interrupted(parse->zip->alloc) ||
            (abandon && atomic_load(abandon)))
            return interrupted(parse);
        void *chunk = XML_GetBuffer(parse->parser, CHUNK);
        if (!chunk) {
            ks_error_set(parse->err, KS_ENOMEM, "%s: out of memory reading "
                         "the workbook", parse->zip->name);
            return KS_ENOMEM;
        }
        zip_int64_t got = inflate_chunk(parse, file, chunk, CHUNK, &inflated,
                                        compressed);
        if (got < 0)
            return parse->status;
        int last = got == 0;
        if (XML_ParseBuffer(parse->parser, (int)got, last)
                == XML_STATUS_ERROR)
            return parse->stopped ? parse->status : xml_error(parse);
        if (parse->stopped)
            return parse->status;
        if (last)
            return KS_OK;
    }
}

/* Where "<row" begins an element in bytes[start, size), or -1. */
static long find_row(const char *bytes, size_t start, size_t size)
{
    for (size_t at = start; at + 5 <= size; at++) {
        const char *hit = memchr(bytes + at, '<', size - 4 - at);
        if (!hit)
            return -1;
        at = (size_t)(hit - bytes);
        if (memcmp(hit + 1, "row", 3) == 0 &&
            strchr(" \t\r\n>/", hit[4]) && hit[4] != '\0')
            return (long)at;
    }
    return -1;
}

/* Give expat `size` bytes at once (not the last). */
static ks_status parse_bytes(ks_xlsxin_parse *parse, const char *bytes,
                             size_t size)
{
    if (XML_Parse(parse->parser, bytes, (int)size, 0) == XML_STATUS_ERROR)
        return parse->stopped ? parse->status : xml_error(parse);
    return parse->stopped ? parse->status : KS_OK;
}

/* Inflate (without parsing) up to the first row at or after
 * resume->from; parse from there, after the prefix. */
static ks_status stream_from(ks_xlsxin_parse *parse, zip_file_t *file,
                             uint64_t compressed,
                             const ks_xlsxin_resume *resume, int *told)
{
    char *chunk = ks_mem_alloc(parse->zip->alloc, CHUNK);
    if (!chunk) {
        ks_error_set(parse->err, KS_ENOMEM, "%s: out of memory reading "
                     "the workbook", parse->zip->name);
        return KS_ENOMEM;
    }
    uint64_t inflated = 0;
    ks_status status = KS_EFORMAT;
    for (;;) {
        if (ks_interrupted(parse->zip->alloc) ||
            (resume->abandon && atomic_load(resume->abandon))) {
            status = interrupted(parse);
            break;
        }
        uint64_t base = inflated;
        zip_int64_t got = inflate_chunk(parse, file, chunk, CHUNK, &inflated,
                                        compressed);
        if (got <= 0) {
            status = got < 0 ? parse->status : KS_EFORMAT;
            break;
        }
        if (inflated <= resume->from)
            continue;
        size_t start = resume->from > base ? (size_t)(resume->from - base)
                                           : 0;
        long at = find_row(chunk, start, (size_t)got);
        if (at < 0)
            continue;
        resume->found(resume->found_data, base + (uint64_t)at);
        *told = 1;
        status = parse_bytes(parse, resume->prefix, strlen(resume->prefix));
        if (status == KS_OK)
            status = parse_bytes(parse, chunk + at, (size_t)got - (size_t)at);
        if (status == KS_OK)
            status = stream(parse, file, compressed, inflated,
                            resume->abandon);
        break;
    }
    ks_mem_free(parse->zip->alloc, chunk);
    return status;
}

static ks_status parse_part(ks_xlsxin_zip *zip, const char *part,
                            const ks_xlsxin_handlers *handlers, void *user,
                            const ks_xlsxin_resume *resume, ks_error *err)
{
    const ks_allocator *saved = expat_allocator;
    expat_allocator = zip->alloc;
    parse_job job;
    memset(&job, 0, sizeof job);
    job.handlers = handlers;
    job.parse.zip = zip;
    job.parse.part = part;
    job.parse.user = user;
    job.parse.err = err;
    job.parse.parser = new_parser(&job);
    int told = 0;
    ks_status status = KS_OK;
    if (!job.parse.parser)
        status = ks_error_set(err, KS_ENOMEM, "%s: out of memory", zip->name);
    zip_file_t *file = NULL;
    uint64_t compressed = 0;
    if (status == KS_OK)
        status = open_part(&job.parse, &file, &compressed);
    if (status == KS_OK)
        status = resume ? stream_from(&job.parse, file, compressed, resume,
                                      &told)
                        : stream(&job.parse, file, compressed, 0, NULL);
    if (resume && !told)
        resume->found(resume->found_data, UINT64_MAX);
    if (file)
        zip->zip_library.fclose(file);
    if (job.parse.parser)
        XML_ParserFree(job.parse.parser);
    expat_allocator = saved;
    return status;
}

ks_status ks_xlsxin_parse_part(ks_xlsxin_zip *zip, const char *part,
                             const ks_xlsxin_handlers *handlers, void *user,
                             ks_error *err)
{
    return parse_part(zip, part, handlers, user, NULL, err);
}

ks_status ks_xlsxin_parse_part_from(ks_xlsxin_zip *zip, const char *part,
                                    const ks_xlsxin_handlers *handlers,
                                    void *user, const ks_xlsxin_resume *resume,
                                    ks_error *err)
{
    return parse_part(zip, part, handlers, user, resume, err);
}

int ks_xlsxin_part_info_of(const ks_xlsxin_zip *zip, const char *part,
                           ks_xlsxin_part_info *info)
{
    const ks_zip_library *library = &zip->zip_library;
    zip_int64_t index = library->name_locate(zip->zip, part, ZIP_FL_NOCASE);
    zip_stat_t stat;
    library->stat_init(&stat);
    zip_uint64_t needed = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC;
    if (index < 0 ||
        library->stat_index(zip->zip, (zip_uint64_t)index, 0, &stat) != 0 ||
        (stat.valid & needed) != needed)
        return -1;
    *info = (ks_xlsxin_part_info){ stat.size, stat.comp_size, stat.crc };
    return 0;
}

uint64_t ks_xlsxin_offset(const ks_xlsxin_parse *parse)
{
    XML_Index index = XML_GetCurrentByteIndex(parse->parser);
    return index < 0 ? 0 : (uint64_t)index;
}

/*
 * file_format.c -- the format a file's name says (kessan.h): its
 * extension, compared without regard to ASCII case, so that an export to
 * "book.xlsx" is a workbook and never CSV text under a workbook's name.
 */
#include <string.h>

#include "kessan/kessan.h"

static int ends_with(const char *path, size_t length, const char *suffix)
{
    size_t suffix_length = strlen(suffix);
    if (length <= suffix_length)
        return 0;
    const char *tail = path + length - suffix_length;
    for (size_t k = 0; k < suffix_length; k++) {
        char c = tail[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[k])
            return 0;
    }
    return tail[-1] != '/';
}

ks_file_format ks_file_format_of(const char *path)
{
    if (!path)
        return KS_FILE_UNKNOWN;
    size_t length = strlen(path);
    if (ends_with(path, length, ".csv"))
        return KS_FILE_CSV;
    if (ends_with(path, length, ".xlsx"))
        return KS_FILE_XLSX;
    if (ends_with(path, length, ".json"))
        return KS_FILE_JSON;
    return KS_FILE_UNKNOWN;
}

ks_file_format ks_file_format_for_export(const char *path,
                                         ks_file_format asked)
{
    ks_file_format named = ks_file_format_of(path);
    if (asked == KS_FILE_UNKNOWN)
        return named == KS_FILE_UNKNOWN ? KS_FILE_CSV : named;
    if (named != KS_FILE_UNKNOWN && named != asked)
        return KS_FILE_UNKNOWN;
    return asked;
}

const char *ks_file_format_name(ks_file_format format)
{
    switch (format) {
    case KS_FILE_CSV:
        return "csv";
    case KS_FILE_XLSX:
        return "xlsx";
    case KS_FILE_JSON:
        return "json";
    default:
        return "";
    }
}

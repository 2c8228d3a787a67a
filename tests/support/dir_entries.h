/*
 * dir_entries.h -- what the tests count in a directory: its entries other
 * than . and .. (entries_in), and the temporaries a writer left there,
 * names with ".tmp." (temporaries_in).  A directory that does not open
 * fails the test.
 */
#ifndef KS_TEST_DIR_ENTRIES_H
#define KS_TEST_DIR_ENTRIES_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static inline int entries_in(const char *directory)
{
    DIR *dir = opendir(directory);
    assert_non_null(dir);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        count += strcmp(entry->d_name, ".") != 0
                 && strcmp(entry->d_name, "..") != 0;
    closedir(dir);
    return count;
}

static inline int temporaries_in(const char *directory)
{
    DIR *dir = opendir(directory);
    assert_non_null(dir);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        count += strstr(entry->d_name, ".tmp.") != NULL;
    closedir(dir);
    return count;
}

#endif

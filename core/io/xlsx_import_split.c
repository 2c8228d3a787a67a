/*
 * xlsx_import_split.c -- what two threads reading one sheet share
 * (xlsx_import_split.h): a serialising allocator and the posted offset.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include "base/alloc.h"
#include "io/xlsx_import_split.h"

static void *serial_realloc(void *user_data, void *block, size_t size)
{
    ks_xlsxin_serial_alloc *serial = user_data;
    const ks_allocator *inner = serial->inner && serial->inner->realloc_fn
                                    ? serial->inner
                                    : ks_default_allocator();
    pthread_mutex_lock(&serial->lock);
    void *result = inner->realloc_fn(inner->user_data, block, size);
    pthread_mutex_unlock(&serial->lock);
    return result;
}

int ks_xlsxin_serial_alloc_init(ks_xlsxin_serial_alloc *serial,
                                const ks_allocator *inner)
{
    memset(serial, 0, sizeof *serial);
    if (inner)
        serial->allocator = *inner; /* its interrupt poll, thread-safe */
    serial->allocator.realloc_fn = serial_realloc;
    serial->allocator.user_data = serial;
    serial->inner = inner;
    return pthread_mutex_init(&serial->lock, NULL) == 0 ? 0 : -1;
}

void ks_xlsxin_serial_alloc_destroy(ks_xlsxin_serial_alloc *serial)
{
    pthread_mutex_destroy(&serial->lock);
}

int ks_xlsxin_cut_init(ks_xlsxin_cut *cut)
{
    memset(cut, 0, sizeof *cut);
    if (pthread_mutex_init(&cut->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&cut->posted, NULL) == 0)
        return 0;
    pthread_mutex_destroy(&cut->lock);
    return -1;
}

void ks_xlsxin_cut_destroy(ks_xlsxin_cut *cut)
{
    pthread_cond_destroy(&cut->posted);
    pthread_mutex_destroy(&cut->lock);
}

void ks_xlsxin_cut_post(ks_xlsxin_cut *cut, uint64_t offset)
{
    pthread_mutex_lock(&cut->lock);
    cut->offset = offset;
    cut->known = 1;
    pthread_cond_broadcast(&cut->posted);
    pthread_mutex_unlock(&cut->lock);
}

uint64_t ks_xlsxin_cut_wait(ks_xlsxin_cut *cut)
{
    pthread_mutex_lock(&cut->lock);
    while (!cut->known)
        pthread_cond_wait(&cut->posted, &cut->lock);
    uint64_t offset = cut->offset;
    pthread_mutex_unlock(&cut->lock);
    return offset;
}

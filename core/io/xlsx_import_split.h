/*
 * xlsx_import_split.h -- what two threads reading one sheet share
 * (internal; xlsx_import_sheet.c): an allocator that lets one thread at a
 * time into a model's allocator (which need not be thread-safe), and the
 * offset where the second half of the sheet begins, posted by the thread
 * that finds it and awaited by the other.
 */
#ifndef KS_XLSXIN_IMPORT_SPLIT_H
#define KS_XLSXIN_IMPORT_SPLIT_H

#include <pthread.h>
#include <stdint.h>

#include "kessan/kessan.h"

typedef struct ks_xlsxin_serial_alloc {
    ks_allocator allocator;  /* hand this one out                         */
    const ks_allocator *inner;
    pthread_mutex_t lock;
} ks_xlsxin_serial_alloc;

/* 0, or -1 when the lock cannot be made. */
int ks_xlsxin_serial_alloc_init(ks_xlsxin_serial_alloc *serial,
                                const ks_allocator *inner);
void ks_xlsxin_serial_alloc_destroy(ks_xlsxin_serial_alloc *serial);

typedef struct ks_xlsxin_cut {
    pthread_mutex_t lock;
    pthread_cond_t posted;
    int known;
    uint64_t offset;         /* UINT64_MAX: there is none                 */
} ks_xlsxin_cut;

/* 0, or -1 when the lock cannot be made. */
int ks_xlsxin_cut_init(ks_xlsxin_cut *cut);
void ks_xlsxin_cut_destroy(ks_xlsxin_cut *cut);
void ks_xlsxin_cut_post(ks_xlsxin_cut *cut, uint64_t offset);
/* The offset, once posted. */
uint64_t ks_xlsxin_cut_wait(ks_xlsxin_cut *cut);

#endif

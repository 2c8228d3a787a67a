/*
 * radix_sort.c -- sorting doubles by their bits: a double as an unsigned
 * key in the same order, and a stable least-significant-byte-first radix
 * sort of keys carrying a 32-bit payload (a lane, a trial), bytes that
 * every key shares skipped.  Rank correlation sorts its blocks with it,
 * sensitivity the kept trials.
 */
#include <string.h>

#include "simulate/simulate_internal.h"

uint64_t ks_sort_key(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits >> 63 ? ~bits : bits | UINT64_C(0x8000000000000000);
}

double ks_sort_value(uint64_t key)
{
    uint64_t bits = key >> 63 ? key & ~UINT64_C(0x8000000000000000) : ~key;
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

void ks_radix_sort(uint64_t *keys, uint32_t *payload, size_t n,
                   uint64_t *spare_keys, uint32_t *spare_payload)
{
    if (n < 2)
        return;
    uint64_t *from = keys, *to = spare_keys;
    uint32_t *from_payload = payload, *to_payload = spare_payload;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((from[i] >> shift) & 0xFF) + 1]++;
        if (count[((from[0] >> shift) & 0xFF) + 1] == n)
            continue;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(from[i] >> shift) & 0xFF]++;
            to[at] = from[i];
            if (payload)
                to_payload[at] = from_payload[i];
        }
        uint64_t *swap = from;
        from = to;
        to = swap;
        uint32_t *swap_payload = from_payload;
        from_payload = to_payload;
        to_payload = swap_payload;
    }
    if (from != keys) {
        memcpy(keys, from, n * sizeof *keys);
        if (payload)
            memcpy(payload, from_payload, n * sizeof *payload);
    }
}

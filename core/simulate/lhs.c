/*
 * lhs.c -- Latin hypercube sampling: each drawn cell's trials over the
 * whole run take the N equal-probability strata [k/N, (k+1)/N) once each,
 * in an order of their own.  The order is a keyed pseudo-random
 * permutation of the trial index (a Feistel network on the index's bits,
 * walked again while it lands beyond N), so a trial's stratum follows from
 * (seed, cell, trial) alone: no table of N entries, and the same strata
 * whatever thread runs the trial's chunk.  The place within the stratum
 * is a uniform of the cell's own stream.
 */
#include <string.h>

#include "base/hot_path.h"
#include "simulate/simulate_internal.h"

static uint32_t round_hash(uint32_t x)
{
    x *= UINT32_C(0x9E3779B1);
    x ^= x >> 16;
    x *= UINT32_C(0x85EBCA6B);
    x ^= x >> 13;
    return x;
}

void ks_lhs_init(ks_lhs_order *order, uint64_t seed, uint64_t key,
                 int64_t trials)
{
    memset(order, 0, sizeof *order);
    int bits = 2;
    while (bits < 31 && (INT64_C(1) << bits) < trials)
        bits++;
    order->trials = (uint32_t)trials;
    order->left_bits = bits / 2;
    order->right_bits = bits - bits / 2;
    ks_rng rng;
    ks_rng_seed_keyed(&rng, seed, key, UINT64_C(0x4C4853)); /* "LHS" */
    for (int r = 0; r < KS_LHS_ROUNDS; r++)
        order->keys[r] = (uint32_t)(ks_rng_next(&rng) >> 32);
}

/* One pass of the network over x (the rounds alternate the halves'
 * widths and come back to them after an even count). */
KS_HOT_INLINE uint32_t permute_once(const ks_lhs_order *order, uint32_t x)
{
    int left = order->left_bits, right = order->right_bits;
    for (int r = 0; r < KS_LHS_ROUNDS; r++) {
        uint32_t high = x >> right, low = x & ((UINT32_C(1) << right) - 1);
        high ^= round_hash(low ^ order->keys[r]) &
                ((UINT32_C(1) << left) - 1);
        x = (low << left) | high;
        int swap = left;
        left = right;
        right = swap;
    }
    return x;
}

uint32_t ks_lhs_stratum(const ks_lhs_order *order, uint64_t trial)
{
    uint32_t x = permute_once(order, (uint32_t)(trial % order->trials));
    while (x >= order->trials)
        x = permute_once(order, x);
    return x;
}

/* The strata of trials first .. first + n - 1: one vector pass over the
 * block, then the few lanes beyond N walked again one by one. */
KS_HOT void ks_lhs_uniforms(const ks_lhs_order *order, ks_rng *rng,
                            int64_t first, double *u, int n)
{
    uint32_t strata[KS_SIM_BLOCK];
    uint32_t trials = order->trials;
    ks_rng_open_uniforms(rng, u, n);
    int beyond = 0;
    if ((uint64_t)first + (uint64_t)n <= trials) {
        for (int i = 0; i < n; i++) {
            strata[i] = permute_once(order, (uint32_t)first + (uint32_t)i);
            beyond |= strata[i] >= trials;
        }
    } else {
        for (int i = 0; i < n; i++)
            strata[i] = ks_lhs_stratum(order, (uint64_t)first + (uint64_t)i);
    }
    if (beyond)
        for (int i = 0; i < n; i++)
            while (strata[i] >= trials)
                strata[i] = permute_once(order, strata[i]);
    double width = 1.0 / (double)trials;
    for (int i = 0; i < n; i++) {
        double x = ((double)strata[i] + u[i]) * width;
        u[i] = x < 1.0 ? x : 0x1.fffffffffffffp-1;
    }
}

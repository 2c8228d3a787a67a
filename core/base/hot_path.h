/*
 * hot_path.h -- KS_HOT marks the few functions that run once per block of
 * trials (the block machine, random words, normals, moments).  With GCC on
 * x86-64 Linux they are compiled twice, for the baseline and for AVX2, and
 * the loader picks the one the processor runs (target_clones).  Both give
 * the same bits: the loops are element-wise or keep their own order of
 * additions, and no fused multiply-add is enabled.  Under the sanitizers
 * and in the coverage build (KS_SINGLE_TARGET, set by KESSAN_COVERAGE)
 * they are compiled once: a copy no test can run (the baseline, on a
 * machine with AVX2) would count as code never tested.
 */
#ifndef KS_HOT_PATH_H
#define KS_HOT_PATH_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&              \
    !defined(KS_SINGLE_TARGET)
#define KS_HOT __attribute__((target_clones("avx2", "default")))
#else
#define KS_HOT
#endif

/* Helpers of a KS_HOT function that should be compiled into each of its
 * versions (a helper left out of line runs the baseline code). */
#if defined(__GNUC__)
#define KS_HOT_INLINE static inline __attribute__((always_inline))
#else
#define KS_HOT_INLINE static inline
#endif

#endif

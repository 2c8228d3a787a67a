/*
 * hot_path.h -- KS_HOT marks the few functions that run once per block of
 * trials (the block machine, random words, normals, moments).  With GCC on
 * x86-64 Linux they are compiled three times, for the baseline, for AVX2
 * and for x86-64-v4 (AVX-512: twice the registers, 64-bit minimum and
 * maximum, rotates), and the loader picks the one the processor runs
 * (target_clones).  All give the same bits: the loops are element-wise or
 * keep their own order of additions, and no multiply-add is fused (the
 * core is built with -ffp-contract=off; tests/py/
 * test_promise_processor_bits.py runs each version).  Under the
 * sanitizers and in the coverage build (KS_SINGLE_TARGET, set by
 * KESSAN_COVERAGE) they are compiled once: a copy no test can run (the
 * baseline, on a machine with AVX2) would count as code never tested.
 */
#ifndef KS_HOT_PATH_H
#define KS_HOT_PATH_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&              \
    !defined(KS_SINGLE_TARGET)
#define KS_HOT                                                               \
    __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
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

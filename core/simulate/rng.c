/*
 * rng.c -- the simulation's random numbers: stream seeding, the ziggurat
 * tables and its slow path, block draws of normals and uniforms, gammas,
 * and the normal CDF for the Gaussian copula.
 */
#include <math.h>
#include <string.h>

#include "base/hot_path.h"
#include "simulate/rng.h"

/* ---- streams ---------------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t ks_rng_key(const char *text)
{
    uint64_t hash = UINT64_C(0xCBF29CE484222325);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        hash ^= *c;
        hash *= UINT64_C(0x100000001B3);
    }
    return mix64(hash);
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void ks_rng_seed(ks_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t state = seed;
    uint64_t mixed = splitmix64(&state);
    state = mixed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    (void)splitmix64(&state);
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
        rng->s[0] = 1; /* the one state xoshiro cannot leave */
    for (int way = 0; way < KS_RNG_WAYS; way++) {
        uint64_t any = 0;
        for (int word = 0; word < 4; word++)
            any |= rng->w[word][way] = splitmix64(&state);
        if (any == 0)
            rng->w[0][way] = 1;
    }
}

void ks_rng_seed_keyed(ks_rng *rng, uint64_t seed, uint64_t key,
                       uint64_t stream)
{
    ks_rng_seed(rng, seed ^ mix64(key + UINT64_C(0x9E3779B97F4A7C15)), stream);
}

/* xoshiro256** on the four ways at once: each state word of the four
 * streams is one vector (GCC and Clang vector extensions; others take the
 * plain loop), *5 and *9 as shifts and adds so no 64-bit multiply is
 * needed. */
#if defined(__GNUC__)
typedef uint64_t ways_vector __attribute__((vector_size(8 * KS_RNG_WAYS)));

/* The four ways' state words into vectors, and back. */
KS_HOT_INLINE void ways_state_load(const ks_rng *rng, ways_vector *s0,
                                   ways_vector *s1, ways_vector *s2,
                                   ways_vector *s3)
{
    memcpy(s0, rng->w[0], sizeof *s0);
    memcpy(s1, rng->w[1], sizeof *s1);
    memcpy(s2, rng->w[2], sizeof *s2);
    memcpy(s3, rng->w[3], sizeof *s3);
}

KS_HOT_INLINE void ways_state_store(ks_rng *rng, const ways_vector *s0,
                                    const ways_vector *s1,
                                    const ways_vector *s2,
                                    const ways_vector *s3)
{
    memcpy(rng->w[0], s0, sizeof *s0);
    memcpy(rng->w[1], s1, sizeof *s1);
    memcpy(rng->w[2], s2, sizeof *s2);
    memcpy(rng->w[3], s3, sizeof *s3);
}

/* One step of the four streams: their next words into `result`. */
#define XOSHIRO_STEP(result)                                                 \
    do {                                                                     \
        ways_vector five = (s1 << 2) + s1;                                   \
        ways_vector rotated = (five << 7) | (five >> 57);                    \
        (result) = (rotated << 3) + rotated;                                 \
        ways_vector t = s1 << 17;                                            \
        s2 ^= s0;                                                            \
        s3 ^= s1;                                                            \
        s1 ^= s2;                                                            \
        s0 ^= s3;                                                            \
        s2 ^= t;                                                             \
        s3 = (s3 << 45) | (s3 >> 19);                                        \
    } while (0)

KS_HOT void ks_rng_fill(ks_rng *rng, uint64_t *out, int n)
{
    ways_vector s0, s1, s2, s3;
    ways_state_load(rng, &s0, &s1, &s2, &s3);
    int i = 0;
    for (; i + KS_RNG_WAYS <= n; i += KS_RNG_WAYS) {
        ways_vector result;
        XOSHIRO_STEP(result);
        memcpy(out + i, &result, sizeof result);
    }
    if (i < n) {
        ways_vector result;
        XOSHIRO_STEP(result);
        memcpy(out + i, &result, (size_t)(n - i) * sizeof *out);
    }
    ways_state_store(rng, &s0, &s1, &s2, &s3);
}
#else
void ks_rng_fill(ks_rng *rng, uint64_t *out, int n)
{
    for (int i = 0; i < n; i += KS_RNG_WAYS) {
        for (int k = 0; k < KS_RNG_WAYS; k++) {
            uint64_t *w0 = &rng->w[0][k], *w1 = &rng->w[1][k],
                     *w2 = &rng->w[2][k], *w3 = &rng->w[3][k];
            uint64_t five = (*w1 << 2) + *w1;
            uint64_t rotated = (five << 7) | (five >> 57);
            if (i + k < n)
                out[i + k] = (rotated << 3) + rotated;
            uint64_t t = *w1 << 17;
            *w2 ^= *w0;
            *w3 ^= *w1;
            *w1 ^= *w2;
            *w0 ^= *w3;
            *w2 ^= t;
            *w3 = (*w3 << 45) | (*w3 >> 19);
        }
    }
}
#endif

/* ---- the ziggurat ---------------------------------------------------------- */

/* The tail's start and each layer's area for 1,024 layers: r solves the
 * construction's closing condition (the top layer's edge meets density
 * 1), found by bisection in double precision. */
#define ZIG_R 4.038849846109504     /* start of the tail                    */
#define ZIG_V 0.0012263246463530893 /* area of each layer                   */
#define ZIG_SCALE 4503599627370496.0 /* 2^52: magnitudes have 52 bits      */

static double density(double x) { return exp(-0.5 * x * x); }

void ks_ziggurat_init(ks_ziggurat *zig)
{
    int last = KS_ZIGGURAT_LAYERS - 1;
    double q = ZIG_V / density(ZIG_R);
    double edge = ZIG_R, previous = ZIG_R;
    zig->k[0] = (uint64_t)((ZIG_R / q) * ZIG_SCALE);
    zig->k[1] = 0;
    zig->w[0] = q / ZIG_SCALE;
    zig->w[last] = ZIG_R / ZIG_SCALE;
    zig->f[0] = 1.0;
    zig->f[last] = density(ZIG_R);
    for (int i = last - 1; i >= 1; i--) {
        edge = sqrt(-2.0 * log(ZIG_V / edge + density(edge)));
        zig->k[i + 1] = (uint64_t)((edge / previous) * ZIG_SCALE);
        previous = edge;
        zig->f[i] = density(edge);
        zig->w[i] = edge / ZIG_SCALE;
    }
}

/* The layer, sign and magnitude packed in 64 random bits. */
#define ZIG_LAYER(bits) ((int)((bits) & (KS_ZIGGURAT_LAYERS - 1)))
#define ZIG_SIGN(bits) (((bits) >> KS_ZIGGURAT_BITS) & 1)
#define ZIG_MAGNITUDE(bits) ((bits) >> 12)

/* Finish a draw whose first proposal `bits` missed the fast test: the
 * wedge or tail test on that proposal, then fresh proposals. */
static double ziggurat_slow(ks_rng *rng, const ks_ziggurat *zig,
                            uint64_t bits)
{
    for (;;) {
        int layer = ZIG_LAYER(bits);
        int negative = (int)ZIG_SIGN(bits);
        uint64_t magnitude = ZIG_MAGNITUDE(bits);
        double x = (double)magnitude * zig->w[layer];
        if (negative)
            x = -x;
        if (magnitude < zig->k[layer])
            return x;
        if (layer == 0) {
            for (;;) {
                double tail = -log(ks_rng_open_uniform(rng)) / ZIG_R;
                double y = -log(ks_rng_open_uniform(rng));
                if (y + y > tail * tail)
                    return negative ? -(ZIG_R + tail) : ZIG_R + tail;
            }
        }
        double height = zig->f[layer] +
                        ks_rng_uniform(rng) * (zig->f[layer - 1] - zig->f[layer]);
        if (height < density(x))
            return x;
        bits = ks_rng_next(rng);
    }
}

double ks_rng_normal(ks_rng *rng, const ks_ziggurat *zig)
{
    return ziggurat_slow(rng, zig, ks_rng_next(rng));
}

/* The index of the lowest set bit of a word that has one. */
static inline int lowest_bit(uint64_t word)
{
#if defined(__GNUC__)
    return __builtin_ctzll(word);
#else
    int bit = 0;
    while (!(word & 1)) {
        word >>= 1;
        bit++;
    }
    return bit;
#endif
}

/* One lane's fast draw from its word: the 52-bit magnitude becomes a
 * double by its bits (2^52 + m, less 2^52), is scaled by its layer's
 * width and takes the word's sign bit; *rejected is 1 when the lane
 * missed the fast test, else 0. */
KS_HOT_INLINE double zig_fast_lane(const ks_ziggurat *zig, uint64_t word,
                                   uint64_t *rejected)
{
    uint64_t layer = word & (KS_ZIGGURAT_LAYERS - 1);
    /* magnitudes and thresholds are below 2^52: a signed comparison */
    *rejected = (int64_t)ZIG_MAGNITUDE(word) >= (int64_t)zig->k[layer];
    uint64_t biased = ZIG_MAGNITUDE(word) | UINT64_C(0x4330000000000000);
    double magnitude;
    memcpy(&magnitude, &biased, sizeof magnitude);
    double x = (magnitude - ZIG_SCALE) * zig->w[layer];
    uint64_t x_bits;
    memcpy(&x_bits, &x, sizeof x_bits);
    x_bits ^= (word & (UINT64_C(1) << KS_ZIGGURAT_BITS))
              << (63 - KS_ZIGGURAT_BITS);
    memcpy(&x, &x_bits, sizeof x);
    return x;
}

/* mean + sd * x; for a standard normal (mean +0, sd 1) without the
 * multiply: 1 * x is x, and +0 + x is x + 0.0 (-0 becomes +0 either way). */
KS_HOT_INLINE double shift_scale(double x, int standard, double mean,
                                 double sd)
{
    return standard ? x + 0.0 : mean + sd * x;
}

#if defined(__GNUC__)
typedef double ways_double __attribute__((vector_size(8 * KS_RNG_WAYS)));
typedef int64_t ways_signed __attribute__((vector_size(8 * KS_RNG_WAYS)));

/* zig_fast_lane on the four ways of one generator step at once (vectors
 * passed by address: by value they would change the baseline's ABI). */
KS_HOT_INLINE void zig_fast_ways(const ks_ziggurat *zig,
                                 const ways_vector *words,
                                 ways_double *draws, ways_vector *rejected)
{
    ways_vector word = *words;
    ways_vector layer = word & (KS_ZIGGURAT_LAYERS - 1);
    ways_double scale;
    ways_signed threshold;
    for (int way = 0; way < KS_RNG_WAYS; way++) {
        scale[way] = zig->w[layer[way]];
        threshold[way] = (int64_t)zig->k[layer[way]];
    }
    ways_vector magnitude_bits = ZIG_MAGNITUDE(word);
    *rejected = (ways_vector)((ways_signed)magnitude_bits >= threshold) & 1;
    ways_vector biased = magnitude_bits | UINT64_C(0x4330000000000000);
    ways_double x = ((ways_double)biased - ZIG_SCALE) * scale;
    ways_vector sign = (word & (UINT64_C(1) << KS_ZIGGURAT_BITS))
                       << (63 - KS_ZIGGURAT_BITS);
    *draws = (ways_double)((ways_vector)x ^ sign);
}

/* The fast draws of lanes [0, n) straight from the generator's steps,
 * each step's words kept in words[] (rounded up to whole steps: the
 * array holds KS_RNG_BLOCK_MAX) for the lanes that miss. */
KS_HOT_INLINE void zig_fast_block(ks_rng *rng, const ks_ziggurat *zig,
                                  uint64_t *words, double *out,
                                  uint64_t *rejected, int n, int standard,
                                  double mean, double sd)
{
    ways_vector s0, s1, s2, s3;
    ways_state_load(rng, &s0, &s1, &s2, &s3);
    int i = 0;
    for (; i + KS_RNG_WAYS <= n; i += KS_RNG_WAYS) {
        ways_vector word, missed;
        XOSHIRO_STEP(word);
        memcpy(words + i, &word, sizeof word);
        /* one loop: split in two, the generator would run twice */
        __asm__ volatile("" ::: "memory");
        ways_double x;
        zig_fast_ways(zig, &word, &x, &missed);
        memcpy(rejected + i, &missed, sizeof missed);
        x = standard ? x + 0.0 : mean + sd * x;
        memcpy(out + i, &x, sizeof x);
    }
    if (i < n) {
        ways_vector word;
        XOSHIRO_STEP(word);
        memcpy(words + i, &word, sizeof word);
        for (; i < n; i++)
            out[i] = shift_scale(zig_fast_lane(zig, words[i], &rejected[i]),
                                 standard, mean, sd);
    }
    ways_state_store(rng, &s0, &s1, &s2, &s3);
}
#else
KS_HOT_INLINE void zig_fast_block(ks_rng *rng, const ks_ziggurat *zig,
                                  uint64_t *words, double *out,
                                  uint64_t *rejected, int n, int standard,
                                  double mean, double sd)
{
    ks_rng_fill(rng, words, n);
    for (int i = 0; i < n; i++)
        out[i] = shift_scale(zig_fast_lane(zig, words[i], &rejected[i]),
                             standard, mean, sd);
}
#endif

KS_HOT void ks_rng_normals(ks_rng *rng, const ks_ziggurat *zig, double *out,
                           int n, double mean, double sd)
{
    uint64_t words[KS_RNG_BLOCK_MAX];
    uint64_t rejected[KS_RNG_BLOCK_MAX]; /* 1 or 0; zero past n to a 64 */
    if (n > KS_RNG_BLOCK_MAX)
        n = KS_RNG_BLOCK_MAX;
    for (int i = n; i < KS_RNG_BLOCK_MAX && i % 64 != 0; i++)
        rejected[i] = 0;
    /* the fast test on every lane as the words are generated; the
     * standard normal (the copula's, the block machine's) in its own
     * loop */
    if (mean == 0.0 && !signbit(mean) && sd == 1.0)
        zig_fast_block(rng, zig, words, out, rejected, n, 1, mean, sd);
    else
        zig_fast_block(rng, zig, words, out, rejected, n, 0, mean, sd);
    /* the rare lanes that missed it (about one in 230), in order, one by
     * one from the single stream: their flags packed 64 lanes to a word
     * (a vector loop), then each word's set bits taken lowest first;
     * testing each lane's flag on its own cost a fifth of the whole draw */
    for (int first = 0; first < n; first += 64) {
        uint64_t missed = 0;
        for (uint64_t j = 0; j < 64; j++)
            missed |= rejected[first + j] << j;
        while (missed) {
            int i = first + lowest_bit(missed);
            missed &= missed - 1;
            out[i] = mean + sd * ziggurat_slow(rng, zig, words[i]);
        }
    }
}

/* A uniform in [0, 1) from the top 52 bits of a word, through the bits
 * of a double in [1, 2): a vector loop, where converting a 64-bit integer
 * to a double has no AVX2 instruction and ran lane by lane. */
static inline double unit_of(uint64_t word)
{
    uint64_t bits = (word >> 12) | UINT64_C(0x3FF0000000000000);
    double one_to_two;
    memcpy(&one_to_two, &bits, sizeof one_to_two);
    return one_to_two - 1.0;
}

KS_HOT void ks_rng_uniforms(ks_rng *rng, double *out, int n, double a,
                            double b)
{
    double width = b - a;
    uint64_t words[KS_RNG_BLOCK_MAX];
    for (int first = 0; first < n; first += KS_RNG_BLOCK_MAX) {
        int count = n - first < KS_RNG_BLOCK_MAX ? n - first : KS_RNG_BLOCK_MAX;
        ks_rng_fill(rng, words, count);
        for (int i = 0; i < count; i++)
            out[first + i] = a + width * unit_of(words[i]);
    }
}

KS_HOT void ks_rng_open_uniforms(ks_rng *rng, double *out, int n)
{
    uint64_t words[KS_RNG_BLOCK_MAX];
    for (int first = 0; first < n; first += KS_RNG_BLOCK_MAX) {
        int count = n - first < KS_RNG_BLOCK_MAX ? n - first : KS_RNG_BLOCK_MAX;
        ks_rng_fill(rng, words, count);
        for (int i = 0; i < count; i++)
            out[first + i] = unit_of(words[i]) + 0x1.0p-53;
    }
}

/* The inverse CDF of ks_triangular_at over uniforms, branch-free so that
 * it vectorizes (sqrt is one instruction: the core is built without
 * errno from math functions). */
KS_HOT void ks_rng_triangulars(ks_rng *rng, double *out, int n, double a,
                               double m, double b)
{
    double width = b - a, split = (m - a) / width;
    /* the usual roots, unless width * (m - a) or width * (b - m)
     * overflows (a width beyond about 1e154): then each lane through
     * ks_triangular_at, whose roots stay finite */
    double left_square = width * (m - a), right_square = width * (b - m);
    int scaled = left_square - left_square != 0 ||
                 right_square - right_square != 0;
    uint64_t words[KS_RNG_BLOCK_MAX];
    for (int first = 0; first < n; first += KS_RNG_BLOCK_MAX) {
        int count = n - first < KS_RNG_BLOCK_MAX ? n - first : KS_RNG_BLOCK_MAX;
        ks_rng_fill(rng, words, count);
        if (scaled) {
            for (int i = 0; i < count; i++)
                out[first + i] = ks_triangular_at(a, m, b, unit_of(words[i]));
            continue;
        }
        for (int i = 0; i < count; i++) {
            double u = unit_of(words[i]);
            int left = u < split;
            double root = sqrt(left ? u * width * (m - a)
                                    : (1.0 - u) * width * (b - m));
            out[first + i] = left ? a + root : b - root;
        }
    }
}

/* ---- gammas ----------------------------------------------------------------- */

double ks_rng_gamma(ks_rng *rng, const ks_ziggurat *zig, double shape)
{
    if (shape < 1.0) {
        double boost = pow(ks_rng_open_uniform(rng), 1.0 / shape);
        return ks_rng_gamma(rng, zig, shape + 1.0) * boost;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = ks_rng_normal(rng, zig);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = ks_rng_open_uniform(rng);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

/* ---- the normal CDF ---------------------------------------------------------- */

double ks_normal_cdf(double x)
{
    return 0.5 * erfc(-x * 0.70710678118654752440);
}

/* ---- the normal quantile (Wichura 1988, AS 241, PPND16) ---------------------- */

#define POLY8(r, c)                                                          \
    (((((((c[7] * (r) + c[6]) * (r) + c[5]) * (r) + c[4]) * (r) + c[3]) *     \
          (r) + c[2]) * (r) + c[1]) * (r) + c[0])

static const double central_num[8] = {
    3.3871328727963666080e0, 1.3314166789178437745e+2,
    1.9715909503065514427e+3, 1.3731693765509461125e+4,
    4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3 };
static const double central_den[8] = {
    1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2,
    5.3941960214247511077e+3, 2.1213794301586595867e+4,
    3.9307895800092710610e+4, 2.8729085735721942674e+4,
    5.2264952788528545610e+3 };
static const double near_num[8] = {
    1.42343711074968357734e0, 4.63033784615654529590e0,
    5.76949722146069140550e0, 3.64784832476320460504e0,
    1.27045825245236838258e0, 2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4 };
static const double near_den[8] = {
    1.0, 2.05319162663775882187e0, 1.67638483018380384940e0,
    6.89767334985100004550e-1, 1.48103976427480074590e-1,
    1.51986665636164571966e-2, 5.47593808499534494600e-4,
    1.05075007164441684324e-9 };
static const double far_num[8] = {
    6.65790464350110377720e0, 5.46378491116411436990e0,
    1.78482653991729133580e0, 2.96560571828504891230e-1,
    2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7 };
static const double far_den[8] = {
    1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1,
    1.48753612908506148525e-2, 7.86869131145613259100e-4,
    1.84631831751005468180e-5, 1.42151175831644588870e-7,
    2.04426310338993978564e-15 };

#define CENTRAL_REACH 0.425

static double tail_quantile(double p)
{
    double q = p - 0.5;
    double r = q < 0 ? p : 1.0 - p;
    if (r <= 0)
        return q < 0 ? -INFINITY : INFINITY;
    r = sqrt(-log(r));
    double value;
    if (r <= 5.0) {
        r -= 1.6;
        value = POLY8(r, near_num) / POLY8(r, near_den);
    } else {
        r -= 5.0;
        value = POLY8(r, far_num) / POLY8(r, far_den);
    }
    return q < 0 ? -value : value;
}

double ks_normal_quantile(double p)
{
    if (!(p > 0))
        return p == 0 ? -INFINITY : NAN;
    if (!(p < 1))
        return p == 1 ? INFINITY : NAN;
    double q = p - 0.5;
    if (fabs(q) <= CENTRAL_REACH) {
        double r = 0.180625 - q * q;
        return q * POLY8(r, central_num) / POLY8(r, central_den);
    }
    return tail_quantile(p);
}

KS_HOT void ks_normal_quantiles(const double *u, double *out, int n,
                                double mean, double sd)
{
    /* u may be out: each lane's probability is kept until its tail is done */
    double p[KS_RNG_BLOCK_MAX];
    for (int first = 0; first < n; first += KS_RNG_BLOCK_MAX) {
        int count = n - first < KS_RNG_BLOCK_MAX ? n - first : KS_RNG_BLOCK_MAX;
        int tails = 0;
        for (int i = 0; i < count; i++) {
            p[i] = u[first + i];
            double q = p[i] - 0.5;
            double r = 0.180625 - q * q;
            out[first + i] = mean + sd * (q * POLY8(r, central_num) /
                                          POLY8(r, central_den));
            tails |= !(fabs(q) <= CENTRAL_REACH);
        }
        if (!tails)
            continue;
        for (int i = 0; i < count; i++)
            if (!(fabs(p[i] - 0.5) <= CENTRAL_REACH))
                out[first + i] = mean + sd * ks_normal_quantile(p[i]);
    }
}

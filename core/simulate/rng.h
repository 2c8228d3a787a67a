/*
 * rng.h -- random numbers for simulations (internal): the xoshiro256**
 * generator, one independent stream per (seed, stream index) seeded through
 * splitmix64, and the draws the simulation needs: uniforms, standard
 * normals by a 1,024-layer ziggurat (its tables are constants,
 * ks_ziggurat_standard, which ks_ziggurat_init builds again), gammas (Marsaglia-Tsang), and
 * the inverse CDFs a Gaussian copula uses.
 *
 * Nothing here allocates or keeps global state: a stream is a value, the
 * ziggurat tables are a value, so threads share the tables read-only and
 * each owns its stream.
 */
#ifndef KS_RNG_H
#define KS_RNG_H

#include <math.h>
#include <stdint.h>

#define KS_RNG_WAYS 4

typedef struct ks_rng {
    uint64_t s[4];                    /* the stream for single draws      */
    uint64_t w[4][KS_RNG_WAYS];       /* four more, interleaved word by
                                         word, for block draws            */
} ks_rng;

/* The stream `stream` of `seed`: its state is four splitmix64 outputs
 * started from a mix of both, so distinct pairs give unrelated streams. */
void ks_rng_seed(ks_rng *rng, uint64_t seed, uint64_t stream);

/* A 64-bit key of a text (FNV-1a, then the splitmix64 finalizer): a drawn
 * cell's key is that of its name, so its draws follow the cell, not its
 * place in the spec (common random numbers). */
uint64_t ks_rng_key(const char *text);
/* The stream `stream` of the keyed source (seed, key): seed ^ mix(key),
 * so two cells of one seed never share a stream. */
void ks_rng_seed_keyed(ks_rng *rng, uint64_t seed, uint64_t key,
                       uint64_t stream);

static inline uint64_t ks_rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (xoshiro256**, Blackman and Vigna). */
static inline uint64_t ks_rng_next(ks_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = ks_rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ks_rng_rotl(s[3], 45);
    return result;
}

/* n random 64-bit words from the interleaved streams: the four advance
 * side by side, which the compiler turns into vector instructions. */
void ks_rng_fill(ks_rng *rng, uint64_t *out, int n);

/* Uniform on [0, 1), 53 bits. */
static inline double ks_rng_uniform(ks_rng *rng)
{
    return (double)(ks_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform on (0, 1): never 0, never 1 (for logs and inverse CDFs). */
static inline double ks_rng_open_uniform(ks_rng *rng)
{
    return ((double)(ks_rng_next(rng) >> 12) + 0.5) * 0x1.0p-52;
}

/* A draw's 64 random bits: the layer in the lowest KS_ZIGGURAT_BITS, the
 * sign in the next, the 52-bit magnitude in the top 52. */
#define KS_ZIGGURAT_BITS 10
#define KS_ZIGGURAT_LAYERS (1 << KS_ZIGGURAT_BITS)

/* Tables of the 1,024-layer ziggurat for the standard normal (Marsaglia
 * and Tsang's construction, 52-bit magnitudes as in numpy's generator; a
 * draw misses the fast test about one time in 230, against one in 67 with
 * 256 layers). */
typedef struct ks_ziggurat {
    uint64_t k[KS_ZIGGURAT_LAYERS]; /* fast-accept thresholds             */
    double w[KS_ZIGGURAT_LAYERS];   /* magnitude -> x scale of each layer */
    double f[KS_ZIGGURAT_LAYERS];   /* density at each layer's edge       */
} ks_ziggurat;

/* The tables, built: the construction that scripts/dev/ziggurat_table
 * follows to write them as constants (tests/c/test_ziggurat_table.c
 * compares the two bit for bit). */
void ks_ziggurat_init(ks_ziggurat *zig);
/* The tables as constants (ziggurat_table.c, generated), which the
 * simulation reads: building them cost every run 0.14 M instructions. */
extern const ks_ziggurat ks_ziggurat_standard;

/* One standard normal. */
double ks_rng_normal(ks_rng *rng, const ks_ziggurat *zig);

/* out[i] = mean + sd * Z for n <= KS_RNG_BLOCK_MAX lanes: a branch-light
 * fast pass over all lanes, then the rare rejected lanes finished one by
 * one from the same stream. */
#define KS_RNG_BLOCK_MAX 512
void ks_rng_normals(ks_rng *rng, const ks_ziggurat *zig, double *out, int n,
                    double mean, double sd);

/* out[i] = a + (b - a) * U. */
void ks_rng_uniforms(ks_rng *rng, double *out, int n, double a, double b);
/* out[i] = Triangular(a, mode m, b) by its inverse CDF at U; a < b. */
void ks_rng_triangulars(ks_rng *rng, double *out, int n, double a, double m,
                        double b);

/* A Gamma(shape, 1) draw, shape > 0 (Marsaglia and Tsang 2000; shapes
 * below 1 through the boost U^(1/shape)). */
double ks_rng_gamma(ks_rng *rng, const ks_ziggurat *zig, double shape);

/* The standard normal CDF. */
double ks_normal_cdf(double x);
/* Its inverse at p in (0, 1) (Wichura's AS 241, about 1e-16 relative);
 * -inf at 0, +inf at 1. */
double ks_normal_quantile(double p);
/* out[i] = mean + sd * the standard normal quantile at u[i] in (0, 1): the
 * central region in a loop the compiler vectorizes, the tails after. */
void ks_normal_quantiles(const double *u, double *out, int n, double mean,
                         double sd);
/* Uniforms on (0, 1), never 0 or 1, from the interleaved streams. */
void ks_rng_open_uniforms(ks_rng *rng, double *out, int n);

/* Triangular(a, m, b) at probability u in [0, 1]: the inverse CDF. */
static inline double ks_triangular_at(double a, double m, double b, double u)
{
    double width = b - a;
    double split = (m - a) / width;
    /* width * (m - a) overflows beyond about 1e154: then the same root
     * as width * sqrt(u * split), which stays finite */
    if (u < split) {
        double square = u * width * (m - a);
        return a + (square - square == 0 ? sqrt(square)
                                         : width * sqrt(u * split));
    }
    double square = (1.0 - u) * width * (b - m);
    return b - (square - square == 0 ? sqrt(square)
                                     : width * sqrt((1.0 - u) * (1.0 - split)));
}

#endif

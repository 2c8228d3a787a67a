/*
 * whatif.h -- what-if analysis on the compiled model: goal seek (Brent's
 * method), one- and two-way data tables with several outputs, and tornado
 * sensitivity.  Each works on a model or scenario handle through the public
 * API; every evaluation is a ks_set of an input and a ks_get of an output,
 * so a scenario recalculates only the dependents of what changed.
 *
 * Goal seek changes the handle (the varied cell ends at the solution, or as
 * it was on failure); data tables and tornadoes never touch it: they work
 * on a private scenario of the same base carrying the handle's overrides.
 */
#ifndef KS_WHATIF_H
#define KS_WHATIF_H

#include "kessan/kessan.h"
#include "kessan/text.h"

/* One cell of the model, by indexes (ks_cell_lookup gives them). */
typedef struct ks_cell_ref {
    int item;
    int period;
} ks_cell_ref;

/* An output read at one point: a number, *missing*, or an error value. */
typedef struct ks_point {
    ks_kind kind;
    double number; /* when kind == KS_NUMBER                                */
} ks_point;

/* "rev.si@4Q02" into buf; returns buf. */
const char *ks_cell_name(const ks_model *model, ks_cell_ref cell, char *buf,
                         size_t size);

/*
 * Give `to`, a scenario on the same base as `from`, the inputs by which
 * `from` differs from that base (its overrides, values set missing, and
 * reported inputs it cleared).  Nothing to do when `from` is the base.
 */
ks_status ks_copy_overrides(ks_model *from, ks_model *to, ks_error *err);

/* ---- goal seek (goalseek.c) --------------------------------------------- */

typedef struct ks_goalseek_options {
    double lo, hi;     /* the bracket, when has_bracket                    */
    int has_bracket;   /* 0: search outward from the varied cell's value   */
    double tol;        /* tolerance on the varied cell (its unit); > 0     */
    double residual_tol; /* |target - value| allowed at an answer (the
                          * target's unit); 0: automatic, 1e-9 times the
                          * largest of 1, |value| and |target - value| at
                          * the bracket's ends                            */
    int max_iter;      /* evaluations of the root finder; > 0              */
} ks_goalseek_options;

typedef struct ks_goalseek_result {
    double solution;   /* the varied cell's value                          */
    int iterations;    /* root finder evaluations (not the bracket search) */
    double residual;   /* target at the solution minus the wanted value;
                          |residual| <= residual_tol always              */
    double residual_tol; /* the tolerance it met (given or automatic)    */
} ks_goalseek_result;

/* No bracket, tol 1e-6, residual_tol 0 (automatic), max_iter 100. */
void ks_goalseek_defaults(ks_goalseek_options *options);

/*
 * Find x such that `target` equals `value` when `vary` is set to x, by
 * Brent's method (inverse quadratic interpolation with bisection as the
 * fallback).  Without a bracket, one is searched outward from the varied
 * cell's value, x*(1 +- 0.1*2^k) (or +-2^k around 0), k = 0..40.
 * An answer is x with |target(x) - value| <= the residual tolerance:
 * once the bracket is within `tol`, it is bisected on until the residual
 * is within it or the bracket is two adjacent numbers.
 * On success the varied cell holds the solution as an override.  Errors,
 * all KS_ENOSOLVE with the cells and numbers named: no sign change (the
 * target cannot reach the value in the bracket), a target that is not a
 * finite number at a probe, a jump (a step, round(), a pole: "no root: at
 * x = ... the target is off by ... (tolerance; bracket); it jumps there
 * from ... to ..."), running out of iterations (with the best x and its
 * residual); KS_EINTERRUPTED when the allocator's poll asks (polled at
 * every evaluation); on any failure the varied cell is restored.
 * KS_EINVAL for bad options, KS_ENOMEM when the scenario cannot grow.
 */
ks_status ks_goalseek(ks_model *model, ks_cell_ref target, double value,
                      ks_cell_ref vary, const ks_goalseek_options *options,
                      ks_goalseek_result *result, ks_error *err);

/* ---- data tables (datatable.c) ------------------------------------------ */

/* An input cell and the values it takes along one side of the table. */
typedef struct ks_table_axis {
    ks_cell_ref cell;
    const double *values;
    int count;
} ks_table_axis;

/*
 * A computed table.  points[(k * row_count + i) * col_count + j] is output
 * k at row value i and column value j (ks_grid_at reads it).  A one-way
 * table has has_cols 0 and col_count 1.  Names are copied ("rev.si@4Q02"),
 * so the grid outlives the model it came from; it keeps its own copy of
 * the allocator.
 */
typedef struct ks_grid {
    ks_allocator alloc;
    int row_count, col_count, output_count, has_cols;
    char *row_name, *col_name; /* col_name NULL without cols               */
    char **output_names;
    double *row_values, *col_values;
    ks_point *points;
    /* Per output: why its first point without a number has none ("op_income
     * @4Q02 is missing: rev.equipment@4Q02 has no value (when rev.si@4Q02
     * is 3,000,000)"), or NULL when every point has one. */
    char **output_why;
    /* How the varied cells and each output are shown (their units' styles,
     * text.h's ks_number_style_for_unit). */
    ks_number_style row_style, col_style, *output_styles;
} ks_grid;

/*
 * Compute a data table: for every row value (and column value) set the
 * input cell(s) and read every output, on a private scenario of the
 * handle's base carrying the handle's overrides; the handle is untouched.
 * `cols` may be NULL for a one-way table.  The row and column cells must
 * differ.  Free the grid with ks_grid_free.
 */
ks_status ks_datatable(ks_model *model, const ks_table_axis *rows,
                       const ks_table_axis *cols, const ks_cell_ref *outputs,
                       int output_count, ks_grid **out, ks_error *err);

static inline ks_point ks_grid_at(const ks_grid *grid, int output, int row,
                                  int col)
{
    return grid->points[((size_t)output * (size_t)grid->row_count +
                         (size_t)row) * (size_t)grid->col_count + (size_t)col];
}

void ks_grid_free(ks_grid *grid);

/*
 * Write the grid as CSV in long form: header "row cell[,col cell],output
 * cell,..." (the cell names), then one line per point, numbers at full
 * precision, missing and error values empty.  Written as every export is
 * (atomic_file.h): a regular file through a temporary renamed into place,
 * a FIFO or character device in place; on failure the old file is
 * untouched.
 */
ks_status ks_grid_export_csv(const ks_grid *grid, const char *path,
                             ks_error *err);

/* ---- tornado (tornado.c) ------------------------------------------------ */

/* An input to swing; with has_range the low and high given, otherwise
 * its value times (1 - swing) and (1 + swing). */
typedef struct ks_tornado_input {
    ks_cell_ref cell;
    int has_range;
    double low, high;
} ks_tornado_input;

typedef struct ks_tornado_bar {
    ks_cell_ref input;
    double base_value;        /* the input's own value                      */
    double low, high;         /* the input's two values                     */
    double out_low, out_high; /* the output at each                         */
    double spread;            /* |out_high - out_low|                       */
} ks_tornado_bar;

typedef struct ks_tornado {
    ks_allocator alloc;
    ks_cell_ref output;
    double base_output;       /* the output with every input at its value  */
    int count;
    ks_tornado_bar *bars;     /* ranked by spread, widest first            */
} ks_tornado;

/*
 * Swing each input alone (the others at their values) and read `output`
 * at its low and high, on a private scenario (the handle is untouched).
 * The bars are ranked by spread, widest first; ties keep the given order.
 * An input or output that is not a number is KS_EINVAL naming it.
 */
ks_status ks_tornado_run(ks_model *model, ks_cell_ref output,
                         const ks_tornado_input *inputs, int count,
                         double swing, ks_tornado **out, ks_error *err);

void ks_tornado_free(ks_tornado *tornado);

#endif

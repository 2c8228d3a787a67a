/*
 * chart_range.h -- whether a chart's figures fit on its value axis
 * (internal): the span from the lowest to the highest, in the axis's
 * units, must be a finite number.
 */
#ifndef KS_CHART_RANGE_H
#define KS_CHART_RANGE_H

#include "kessan/kessan.h"

/* KS_OK when (hi - lo) / scale is finite; else KS_ERANGE naming `chart`
 * and the figures (a span of -1e308 to 1e308, or 1e308 in percent, drew
 * bars of no size and markers at NaN and infinity). */
ks_status chart_range_check(const char *chart, double lo, double hi,
                            double scale, ks_error *err);

#endif

/*
 * chart_range.c -- whether a chart's figures fit on its value axis: the
 * span from the lowest to the highest, in the axis's units, must be a
 * finite number.
 */
#include <math.h>

#include "base/error.h"
#include "chart/chart_range.h"

ks_status chart_range_check(const char *chart, double lo, double hi,
                            double scale, ks_error *err)
{
    if (isfinite(hi / scale - lo / scale))
        return KS_OK;
    if (scale == 1)
        return ks_error_set(err, KS_ERANGE, "%s: the figures from %g to %g "
                            "span more than a chart's axis can hold", chart,
                            lo, hi);
    return ks_error_set(err, KS_ERANGE, "%s: the figures from %g to %g span "
                        "more than a chart's axis can hold in units of %g",
                        chart, lo, hi, scale);
}

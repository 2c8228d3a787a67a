/*
 * calendar.c -- the fiscal calendar: period ids, kinds and offsets, and
 * forecast years added by name (ks_model_extend_to).
 *
 * A model holds whole fiscal years, eight periods each, numbered in time
 * order: for year y, 8y+0..8y+3 are 1Q..4Q, then 1H, 2H, 9M, FY.  Offsets
 * count quarters; a half, nine months or year shifts by its end quarter
 * and must land on a period of the same length.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "model/model_internal.h"

int ks_calendar_shift(const ks_book *book, int period, int offset)
{
    int year = period / KS_SLOTS_PER_YEAR, slot = ks_calendar_slot(period);
    int length = ks_slot_length(slot);
    long end = (long)year * KS_QUARTERS_PER_YEAR + ks_slot_last_quarter(slot) +
               offset;
    if (end - (length - 1) < 0)
        return -1;
    if (end >= (long)book->year_count * KS_QUARTERS_PER_YEAR)
        return -2;
    int new_year = (int)(end / KS_QUARTERS_PER_YEAR);
    int new_end = (int)(end % KS_QUARTERS_PER_YEAR);
    int first = new_end - (length - 1);
    int new_slot = first < 0 ? -1
                             : ks_slot_of_quarters(((1u << length) - 1) << first);
    if (new_slot < 0)
        return -3;
    return ks_calendar_period(new_year, new_slot);
}

ks_calendar ks_model_calendar(const ks_model *model)
{
    return model->book->calendar;
}

int ks_period_count(const ks_model *model)
{
    return model->book->period_count;
}

int ks_period_at(const ks_model *model, int index)
{
    return index >= 0 && index < model->book->period_count ? index : -1;
}

ks_period_kind ks_period_kind_of(const ks_model *model, int period)
{
    (void)model;
    switch (ks_calendar_slot(period)) {
    case 4: return KS_HALF1;
    case 5: return KS_HALF2;
    case 6: return KS_NINE_MONTHS;
    case 7: return KS_YEAR;
    default: return KS_QUARTER;
    }
}

int ks_period_year(const ks_model *model, int period)
{
    return model->book->calendar.first_year + period / KS_SLOTS_PER_YEAR;
}

int ks_period_quarter(const ks_model *model, int period)
{
    (void)model;
    return ks_slot_last_quarter(ks_calendar_slot(period)) + 1;
}

int ks_period_shift(const ks_model *model, int period, int offset)
{
    if (period < 0 || period >= model->book->period_count)
        return -1;
    int shifted = ks_calendar_shift(model->book, period, offset);
    return shifted < 0 ? -1 : shifted;
}

static const char *const slot_prefix[KS_SLOTS_PER_YEAR] = {
    "1Q", "2Q", "3Q", "4Q", "1H", "2H", "9M", "FY"
};

const char *ks_period_id(const ks_model *model, int period, char *buf,
                         size_t size)
{
    if (!buf || size == 0)
        return "";
    if (period < 0 || period >= model->book->period_count) {
        snprintf(buf, size, "?");
        return buf;
    }
    int year = ks_period_year(model, period);
    snprintf(buf, size, "%s%02d", slot_prefix[ks_calendar_slot(period)],
             ((year % 100) + 100) % 100);
    return buf;
}

/* Parse the prefix ("3Q", "FY", ...) of a period id: its slot, or -1. */
static int parse_slot(const char *id)
{
    char prefix[3] = { (char)toupper((unsigned char)id[0]),
                       (char)toupper((unsigned char)id[1]), 0 };
    for (int slot = 0; slot < KS_SLOTS_PER_YEAR; slot++)
        if (strcmp(prefix, slot_prefix[slot]) == 0)
            return slot;
    return -1;
}

/* A two-digit year means the year of the model's range that ends in those
 * digits, else the nearest such year to the range. */
static int full_year(const ks_calendar *calendar, int digits, int width)
{
    if (width == 4)
        return digits;
    int century = calendar->first_year - calendar->first_year % 100;
    int best = century + digits;
    for (int candidate = century - 100; candidate <= century + 100;
         candidate += 100) {
        int year = candidate + digits;
        int distance = year < calendar->first_year
                           ? calendar->first_year - year
                           : year > calendar->last_year
                                 ? year - calendar->last_year : 0;
        int best_distance = best < calendar->first_year
                                ? calendar->first_year - best
                                : best > calendar->last_year
                                      ? best - calendar->last_year : 0;
        if (distance < best_distance)
            best = year;
    }
    return best;
}

ks_status ks_period_lookup(const ks_model *model, const char *id, int *period,
                           ks_error *err)
{
    return ks_book_period_lookup(model->book, id, period, err);
}

ks_status ks_book_period_lookup(const ks_book *book, const char *id,
                                int *period, ks_error *err)
{
    const ks_calendar *calendar = &book->calendar;
    size_t length = id ? strlen(id) : 0;
    int slot = length >= 3 ? parse_slot(id) : -1;
    int width = (int)length - 2;
    if (width != 2 && width != 4)
        slot = -1;
    int digits = 0;
    for (int i = 2; slot >= 0 && i < (int)length; i++) {
        if (!isdigit((unsigned char)id[i]))
            slot = -1;
        else
            digits = digits * 10 + (id[i] - '0');
    }
    if (slot < 0 || (width != 2 && width != 4))
        return ks_error_set(err, KS_ESYNTAX,
                            "bad period '%s' (expected an id like 3Q02, 1H02, "
                            "9M02 or FY02)", id ? id : "");
    int year = full_year(calendar, digits, width);
    if (year < calendar->first_year || year > calendar->last_year)
        return ks_error_set(err, KS_ERANGE,
                            "period '%s' is outside the model's calendar "
                            "(FY%02d..FY%02d)", id, calendar->first_year % 100,
                            calendar->last_year % 100);
    *period = ks_calendar_period(year - calendar->first_year, slot);
    return KS_OK;
}

/* "FY2004", "FY04", "2004", "04" (any case): the year's digits and their
 * count (2 or 4); -1 when not such a year. */
static int parse_year(const char *text, int *digits)
{
    size_t length = text ? strlen(text) : 0;
    size_t at = length >= 2 && toupper((unsigned char)text[0]) == 'F' &&
                        toupper((unsigned char)text[1]) == 'Y'
                    ? 2 : 0;
    int width = (int)(length - at);
    if (width != 2 && width != 4)
        return -1;
    *digits = 0;
    for (size_t i = at; i < length; i++) {
        if (!isdigit((unsigned char)text[i]))
            return -1;
        *digits = *digits * 10 + (text[i] - '0');
    }
    return width;
}

ks_status ks_model_extend_to(ks_model *model, const char *year,
                             ks_error *err)
{
    if (!model || !year)
        return ks_error_set(err, KS_EINVAL, "extend: no model or year");
    int digits;
    int width = parse_year(year, &digits);
    if (width < 0)
        return ks_error_set(err, KS_ESYNTAX, "extend: last_year '%.40s': "
                            "expected a fiscal year like FY2004 or FY04",
                            year);
    const ks_calendar *calendar = &model->book->calendar;
    int full = full_year(calendar, digits, width);
    if (full < calendar->last_year)
        return ks_error_set(err, KS_ERANGE, "extend: FY%04d is before the "
                            "model's last year FY%04d (a calendar only grows)",
                            full, calendar->last_year);
    if (full == calendar->last_year)
        return KS_OK;
    ks_status status = ks_model_extend(model, full, err);
    if (status != KS_OK && err) {
        char why[KS_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", err->message);
        snprintf(err->message, sizeof err->message, "extend: %.700s", why);
    }
    if (status != KS_OK)
        return status;
    char text[16];
    snprintf(text, sizeof text, "%d", full);
    return ks_setting_set(model, "last_year", text, err);
}

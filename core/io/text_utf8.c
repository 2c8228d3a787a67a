/*
 * text_utf8.c -- UTF-8 decoding and display width (text.h).  The width
 * tables are small on purpose: the blocks a statement's labels, names and
 * scenario names use (Latin with its combining marks, CJK, kana, hangul,
 * fullwidth forms, emoji), not the whole of Unicode's EastAsianWidth.txt;
 * a code point in no range is 1 column wide.
 */
#include <string.h>

#include "kessan/text.h"

size_t ks_utf8_decode(const char *text, size_t size, uint32_t *code_point)
{
    const unsigned char *bytes = (const unsigned char *)text;
    unsigned char c = bytes[0], low = 0x80, high = 0xBF;
    if (c < 0x80) {
        if (code_point)
            *code_point = c;
        return 1;
    }
    size_t length = c >= 0xC2 && c <= 0xDF   ? 2
                    : c >= 0xE0 && c <= 0xEF ? 3
                    : c >= 0xF0 && c <= 0xF4 ? 4
                                             : 0;
    if (length == 0 || length > size)
        return 0;
    if (c == 0xE0)
        low = 0xA0; /* overlong */
    else if (c == 0xED)
        high = 0x9F; /* surrogates */
    else if (c == 0xF0)
        low = 0x90; /* overlong */
    else if (c == 0xF4)
        high = 0x8F; /* beyond U+10FFFF */
    uint32_t value = c & (0x7Fu >> length);
    for (size_t i = 1; i < length; i++) {
        if (bytes[i] < low || bytes[i] > high)
            return 0;
        value = (value << 6) | (bytes[i] & 0x3Fu);
        low = 0x80;
        high = 0xBF;
    }
    if (code_point)
        *code_point = value;
    return length;
}

size_t ks_utf8_invalid_at(const char *text, size_t size)
{
    for (size_t at = 0; at < size;) {
        size_t length = ks_utf8_decode(text + at, size - at, NULL);
        if (length == 0)
            return at;
        at += length;
    }
    return size;
}

typedef struct code_range {
    uint32_t first, last;
} code_range;

/* Combining marks, zero-width spaces and joiners, variation selectors. */
static const code_range zero_width[] = {
    { 0x0300, 0x036F },   /* combining diacritical marks            */
    { 0x0483, 0x0489 },   /* Cyrillic combining marks               */
    { 0x0591, 0x05BD },   /* Hebrew points                          */
    { 0x0610, 0x061A },   /* Arabic marks                           */
    { 0x064B, 0x065F },
    { 0x1AB0, 0x1AFF },   /* combining diacritical marks extended   */
    { 0x1DC0, 0x1DFF },   /* combining diacritical marks supplement */
    { 0x200B, 0x200F },   /* zero-width space .. right-to-left mark */
    { 0x2060, 0x2064 },   /* word joiner, invisible operators       */
    { 0x20D0, 0x20FF },   /* combining marks for symbols            */
    { 0x302A, 0x302F },   /* ideographic tone marks                 */
    { 0x3099, 0x309A },   /* combining (semi-)voiced sound marks    */
    { 0xFE00, 0xFE0F },   /* variation selectors                    */
    { 0xFE20, 0xFE2F },   /* combining half marks                   */
    { 0xFEFF, 0xFEFF },   /* zero-width no-break space              */
    { 0xE0100, 0xE01EF }, /* variation selectors supplement         */
};

/* East Asian wide and fullwidth. */
static const code_range wide[] = {
    { 0x1100, 0x115F },   /* Hangul Jamo initials                    */
    { 0x231A, 0x231B },   /* watch, hourglass                        */
    { 0x23E9, 0x23EC },
    { 0x23F0, 0x23F0 },
    { 0x23F3, 0x23F3 },
    { 0x25FD, 0x25FE },
    { 0x2614, 0x2615 },
    { 0x26A1, 0x26A1 },
    { 0x26AA, 0x26AB },
    { 0x26BD, 0x26BE },
    { 0x26C4, 0x26C5 },
    { 0x26D4, 0x26D4 },
    { 0x26EA, 0x26EA },
    { 0x26F2, 0x26F5 },
    { 0x26FA, 0x26FD },
    { 0x2705, 0x2705 },
    { 0x270A, 0x270B },
    { 0x2728, 0x2728 },
    { 0x274C, 0x274C },
    { 0x2753, 0x2755 },
    { 0x2757, 0x2757 },
    { 0x2795, 0x2797 },
    { 0x27B0, 0x27B0 },
    { 0x27BF, 0x27BF },
    { 0x2B1B, 0x2B1C },
    { 0x2B50, 0x2B50 },
    { 0x2B55, 0x2B55 },
    { 0x2E80, 0x3029 },   /* CJK radicals .. ideographic marks       */
    { 0x3030, 0x303E },
    { 0x3041, 0x3096 },   /* hiragana                                */
    { 0x309B, 0x33FF },   /* kana .. CJK compatibility               */
    { 0x3400, 0x4DBF },   /* CJK extension A                         */
    { 0x4E00, 0x9FFF },   /* CJK unified ideographs                  */
    { 0xA000, 0xA4CF },   /* Yi                                      */
    { 0xA960, 0xA97F },   /* Hangul Jamo extended A                  */
    { 0xAC00, 0xD7A3 },   /* Hangul syllables                        */
    { 0xF900, 0xFAFF },   /* CJK compatibility ideographs            */
    { 0xFE10, 0xFE19 },   /* vertical forms                          */
    { 0xFE30, 0xFE6F },   /* CJK compatibility forms, small forms    */
    { 0xFF00, 0xFF60 },   /* fullwidth forms                         */
    { 0xFFE0, 0xFFE6 },   /* fullwidth signs                         */
    { 0x16FE0, 0x18CFF }, /* Tangut, Khitan                          */
    { 0x1B000, 0x1B2FF }, /* kana supplement and extensions          */
    { 0x1F004, 0x1F004 }, /* mahjong tile red dragon                 */
    { 0x1F0CF, 0x1F0CF },
    { 0x1F18E, 0x1F18E },
    { 0x1F191, 0x1F19A },
    { 0x1F200, 0x1F202 }, /* enclosed ideographic supplement         */
    { 0x1F210, 0x1F23B },
    { 0x1F240, 0x1F248 },
    { 0x1F250, 0x1F251 },
    { 0x1F260, 0x1F265 },
    { 0x1F300, 0x1F320 }, /* pictographs and emoji                   */
    { 0x1F32D, 0x1F335 },
    { 0x1F337, 0x1F37C },
    { 0x1F37E, 0x1F393 },
    { 0x1F3A0, 0x1F3CA },
    { 0x1F3CF, 0x1F3D3 },
    { 0x1F3E0, 0x1F3F0 },
    { 0x1F3F4, 0x1F3F4 },
    { 0x1F3F8, 0x1F43E },
    { 0x1F440, 0x1F440 },
    { 0x1F442, 0x1F4FC },
    { 0x1F4FF, 0x1F53D },
    { 0x1F54B, 0x1F54E },
    { 0x1F550, 0x1F567 },
    { 0x1F57A, 0x1F57A },
    { 0x1F595, 0x1F596 },
    { 0x1F5A4, 0x1F5A4 },
    { 0x1F5FB, 0x1F64F },
    { 0x1F680, 0x1F6C5 },
    { 0x1F6CC, 0x1F6CC },
    { 0x1F6D0, 0x1F6D2 },
    { 0x1F6D5, 0x1F6D7 },
    { 0x1F6DC, 0x1F6DF },
    { 0x1F6EB, 0x1F6EC },
    { 0x1F6F4, 0x1F6FC },
    { 0x1F7E0, 0x1F7EB },
    { 0x1F7F0, 0x1F7F0 },
    { 0x1F90C, 0x1F93A },
    { 0x1F93C, 0x1F945 },
    { 0x1F947, 0x1F9FF },
    { 0x1FA70, 0x1FAFF }, /* symbols and pictographs extended A      */
    { 0x20000, 0x2FFFD }, /* CJK extensions B and on                 */
    { 0x30000, 0x3FFFD },
};

static int in_ranges(uint32_t c, const code_range *ranges, size_t count)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (c < ranges[middle].first)
            high = middle;
        else if (c > ranges[middle].last)
            low = middle + 1;
        else
            return 1;
    }
    return 0;
}

#define COUNT(array) (sizeof(array) / sizeof(array)[0])

int ks_wcwidth(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c < 0xA0))
        return 0; /* controls */
    if (c < 0x0300)
        return 1;
    if (in_ranges(c, zero_width, COUNT(zero_width)))
        return 0;
    if (in_ranges(c, wide, COUNT(wide)))
        return 2;
    return 1;
}

size_t ks_text_width(const char *text, size_t size)
{
    size_t width = 0, at = 0;
    while (at < size) {
        uint32_t c;
        size_t length = ks_utf8_decode(text + at, size - at, &c);
        if (length == 0) {
            width++; /* an invalid byte */
            at++;
            continue;
        }
        width += (size_t)ks_wcwidth(c);
        at += length;
    }
    return width;
}

size_t ks_display_width(const char *utf8)
{
    return ks_text_width(utf8, strlen(utf8));
}

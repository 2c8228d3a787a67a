/*
 * xlsx_export_parts.c -- the workbook package's parts besides the
 * sheets' data (io/xlsx_export.h): [Content_Types].xml, the package's
 * and the workbook's relationships, xl/workbook.xml (the sheets in
 * order; recalculated in full when opened), docProps, xl/styles.xml, and
 * per sheet with cells written as values, its comments part, the VML
 * drawing a spreadsheet shows them with, and the sheet's relationships
 * to both.  Each part is produced whole in one piece; the sheets' own
 * XML is xlsx_export_sheet.c's.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "io/xlsx_export.h"
#include "io/xlsx_package.h"

#define XML_HEAD                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define PACKAGE_RELS_NS                                                      \
    "http://schemas.openxmlformats.org/package/2006/relationships"
#define DOCUMENT_RELS                                                        \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define CONTENT_TYPE "application/vnd.openxmlformats-officedocument."

static void put(ks_xlsx_text *out, const char *text)
{
    ks_xlsx_put(out, text);
}

static void put_escaped(ks_xlsx_text *out, const char *text)
{
    ks_xlsx_put_escaped(out, text, strlen(text));
}

/* ---- content types and relationships ------------------------------------ */

static int any_comments(const ks_xlsx_book *book)
{
    for (int k = 0; k < book->name_count; k++)
        if (book->sheets[k].comment_number)
            return 1;
    return 0;
}

static void put_override(ks_xlsx_text *out, const char *part, int number,
                         const char *extension, const char *type)
{
    put(out, "<Override PartName=\"/");
    put(out, part);
    if (number > 0)
        ks_xlsx_put_int(out, number);
    put(out, extension);
    put(out, "\" ContentType=\"");
    put(out, type);
    put(out, "\"/>");
}

static ks_status content_types(void *context, ks_xlsx_text *out, int *done,
                               ks_error *err)
{
    (void)err;
    ks_xlsx_book *book = context;
    put(out, XML_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/"
                      "package/2006/content-types\"><Default Extension="
                      "\"rels\" ContentType=\"application/vnd."
                      "openxmlformats-package.relationships+xml\"/>"
                      "<Default Extension=\"xml\" ContentType=\"application/"
                      "xml\"/>");
    if (any_comments(book))
        put(out, "<Default Extension=\"vml\" ContentType=\"" CONTENT_TYPE
                 "vmlDrawing\"/>");
    put_override(out, "docProps/app", 0, ".xml",
                 CONTENT_TYPE "extended-properties+xml");
    put_override(out, "docProps/core", 0, ".xml",
                 "application/vnd.openxmlformats-package.core-properties"
                 "+xml");
    put_override(out, "xl/styles", 0, ".xml",
                 CONTENT_TYPE "spreadsheetml.styles+xml");
    put_override(out, "xl/workbook", 0, ".xml",
                 CONTENT_TYPE "spreadsheetml.sheet.main+xml");
    for (int k = 0; k < book->name_count; k++)
        put_override(out, "xl/worksheets/sheet", k + 1, ".xml",
                     CONTENT_TYPE "spreadsheetml.worksheet+xml");
    for (int k = 0; k < book->name_count; k++)
        if (book->sheets[k].comment_number)
            put_override(out, "xl/comments", book->sheets[k].comment_number,
                         ".xml", CONTENT_TYPE "spreadsheetml.comments+xml");
    put(out, "</Types>");
    *done = 1;
    return KS_OK;
}

static void put_relationship(ks_xlsx_text *out, int id, const char *type,
                             const char *target, int number,
                             const char *extension)
{
    put(out, "<Relationship Id=\"rId");
    ks_xlsx_put_int(out, id);
    put(out, "\" Type=\"");
    put(out, type);
    put(out, "\" Target=\"");
    put(out, target);
    if (number > 0)
        ks_xlsx_put_int(out, number);
    put(out, extension);
    put(out, "\"/>");
}

static ks_status package_rels(void *context, ks_xlsx_text *out, int *done,
                              ks_error *err)
{
    (void)context;
    (void)err;
    put(out, XML_HEAD "<Relationships xmlns=\"" PACKAGE_RELS_NS "\">");
    put_relationship(out, 1, DOCUMENT_RELS "/officeDocument",
                     "xl/workbook", 0, ".xml");
    put_relationship(out, 2,
                     "http://schemas.openxmlformats.org/package/2006/"
                     "relationships/metadata/core-properties",
                     "docProps/core", 0, ".xml");
    put_relationship(out, 3, DOCUMENT_RELS "/extended-properties",
                     "docProps/app", 0, ".xml");
    put(out, "</Relationships>");
    *done = 1;
    return KS_OK;
}

static ks_status workbook_rels(void *context, ks_xlsx_text *out, int *done,
                               ks_error *err)
{
    (void)err;
    ks_xlsx_book *book = context;
    put(out, XML_HEAD "<Relationships xmlns=\"" PACKAGE_RELS_NS "\">");
    for (int k = 0; k < book->name_count; k++)
        put_relationship(out, k + 1, DOCUMENT_RELS "/worksheet",
                         "worksheets/sheet", k + 1, ".xml");
    put_relationship(out, book->name_count + 1, DOCUMENT_RELS "/styles",
                     "styles", 0, ".xml");
    put(out, "</Relationships>");
    *done = 1;
    return KS_OK;
}

/* ---- the workbook and its properties ------------------------------------ */

static ks_status workbook(void *context, ks_xlsx_text *out, int *done,
                          ks_error *err)
{
    (void)err;
    ks_xlsx_book *book = context;
    put(out, XML_HEAD "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\""
                      DOCUMENT_RELS "\"><workbookPr/><bookViews>"
                      "<workbookView xWindow=\"240\" yWindow=\"15\" "
                      "windowWidth=\"16095\" windowHeight=\"9660\"/>"
                      "</bookViews><sheets>");
    for (int k = 0; k < book->name_count; k++) {
        put(out, "<sheet name=\"");
        put_escaped(out, book->names[k]);
        put(out, "\" sheetId=\"");
        ks_xlsx_put_int(out, k + 1);
        put(out, "\" r:id=\"rId");
        ks_xlsx_put_int(out, k + 1);
        put(out, "\"/>");
    }
    put(out, "</sheets><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/>"
             "</workbook>");
    *done = 1;
    return KS_OK;
}

static ks_status core_properties(void *context, ks_xlsx_text *out,
                                 int *done, ks_error *err)
{
    (void)err;
    const ks_xlsx_book *book = context;
    char now[32] = "1980-01-01T00:00:00Z";
    time_t seconds = book->written;
    struct tm utc;
    if (gmtime_r(&seconds, &utc))
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &utc);
    put(out, XML_HEAD "<cp:coreProperties xmlns:cp=\"http://schemas."
                      "openxmlformats.org/package/2006/metadata/core-"
                      "properties\" xmlns:dc=\"http://purl.org/dc/elements/"
                      "1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                      "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-"
                      "instance\"><dc:creator>kessan</dc:creator>"
                      "<dcterms:created xsi:type=\"dcterms:W3CDTF\">");
    put(out, now);
    put(out, "</dcterms:created><dcterms:modified xsi:type=\""
             "dcterms:W3CDTF\">");
    put(out, now);
    put(out, "</dcterms:modified></cp:coreProperties>");
    *done = 1;
    return KS_OK;
}

static ks_status app_properties(void *context, ks_xlsx_text *out, int *done,
                                ks_error *err)
{
    (void)err;
    ks_xlsx_book *book = context;
    put(out, XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats."
                      "org/officeDocument/2006/extended-properties\" "
                      "xmlns:vt=\"http://schemas.openxmlformats.org/"
                      "officeDocument/2006/docPropsVTypes\"><Application>"
                      "kessan</Application><HeadingPairs><vt:vector size="
                      "\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>"
                      "Worksheets</vt:lpstr></vt:variant><vt:variant>"
                      "<vt:i4>");
    ks_xlsx_put_int(out, book->name_count);
    put(out, "</vt:i4></vt:variant></vt:vector></HeadingPairs>"
             "<TitlesOfParts><vt:vector size=\"");
    ks_xlsx_put_int(out, book->name_count);
    put(out, "\" baseType=\"lpstr\">");
    for (int k = 0; k < book->name_count; k++) {
        put(out, "<vt:lpstr>");
        put_escaped(out, book->names[k]);
        put(out, "</vt:lpstr>");
    }
    put(out, "</vt:vector></TitlesOfParts></Properties>");
    *done = 1;
    return KS_OK;
}

ks_status ks_xlsx_add_book_parts(ks_xlsx_book *book,
                                 ks_xlsx_package *package, ks_error *err)
{
    static const struct {
        const char *name;
        ks_xlsx_part_fill fill;
    } parts[] = {
        { "[Content_Types].xml", content_types },
        { "_rels/.rels", package_rels },
        { "docProps/app.xml", app_properties },
        { "docProps/core.xml", core_properties },
        { "xl/workbook.xml", workbook },
        { "xl/_rels/workbook.xml.rels", workbook_rels },
    };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        ks_status status = ks_xlsx_package_add(package, parts[k].name,
                                               parts[k].fill, book,
                                               KS_XLSX_LEVEL_SMALL, 0, err);
        if (status != KS_OK)
            return status;
    }
    return KS_OK;
}

/* ---- comments ----------------------------------------------------------- */

static const char COMMENT_PREFIX[] = "kessan's value, not a formula: ";

static ks_status comments(void *context, ks_xlsx_text *out, int *done,
                          ks_error *err)
{
    (void)err;
    ks_xlsx_sheet *sheet = context;
    put(out, XML_HEAD "<comments xmlns=\"" MAIN_NS "\"><authors><author>"
                      "kessan</author></authors><commentList>");
    for (size_t k = 0; k < sheet->comment_count; k++) {
        const ks_xlsx_comment *comment = &sheet->comments[k];
        put(out, "<comment ref=\"");
        ks_xlsx_put_cell(out, NULL, comment->row, comment->column);
        put(out, "\" authorId=\"0\"><text><r><rPr><sz val=\"8\"/><color "
                 "indexed=\"81\"/><rFont val=\"Tahoma\"/><family val=\"2\"/>"
                 "</rPr><t>");
        put_escaped(out, COMMENT_PREFIX);
        put_escaped(out, comment->reason);
        put(out, "</t></r></text></comment>");
    }
    put(out, "</commentList></comments>");
    *done = 1;
    return KS_OK;
}

/* A hidden note's shape, anchored right of and above its cell; its id
 * the k-th from the drawing's first block. */
static void put_note_shape(ks_xlsx_text *out, int block, size_t k,
                           const ks_xlsx_comment *comment)
{
    int top = comment->row > 0 ? comment->row - 1 : 0;
    put(out, "<v:shape id=\"_x0000_s");
    ks_xlsx_put_int(out, 1024L * block + (long)k + 1);
    put(out, "\" type=\"#_x0000_t202\" style=\"position:absolute;"
             "margin-left:");
    ks_xlsx_put_int(out, 72L * (comment->column + 1));
    put(out, "pt;margin-top:");
    ks_xlsx_put_int(out, 15L * top + 7);
    put(out, "pt;width:96pt;height:55.5pt;z-index:");
    ks_xlsx_put_int(out, (long)k + 1);
    put(out, ";visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode="
             "\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" "
             "color=\"black\" obscured=\"t\"/><v:path o:connecttype="
             "\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div "
             "style=\"text-align:left\"></div></v:textbox><x:ClientData "
             "ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>"
             "<x:Anchor>");
    const long anchor[8] = { comment->column + 1, 15, top, 10,
                             comment->column + 2, 42, top + 4, 14 };
    for (int a = 0; a < 8; a++) {
        if (a)
            put(out, ", ");
        ks_xlsx_put_int(out, anchor[a]);
    }
    put(out, "</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>");
    ks_xlsx_put_int(out, comment->row);
    put(out, "</x:Row><x:Column>");
    ks_xlsx_put_int(out, comment->column);
    put(out, "</x:Column></x:ClientData></v:shape>");
}

/* The blocks of 1,024 shape ids a drawing of `comments` notes takes
 * (ids block * 1024 + 1 on). */
static int shape_blocks(size_t comments)
{
    return (int)(comments / 1024) + 1;
}

/* A drawing's first block: after every block of the drawings before it
 * (their sheets are written, their comments known), so that no shape id
 * is another drawing's, as Excel wants. */
static int first_shape_block(const ks_xlsx_sheet *sheet)
{
    const ks_xlsx_book *book = sheet->book;
    int block = 1;
    for (int k = 0; k < sheet->number - 1 && k < book->name_count; k++)
        if (book->sheets[k].comment_number)
            block += shape_blocks(book->sheets[k].comment_count);
    return block;
}

static ks_status vml_drawing(void *context, ks_xlsx_text *out, int *done,
                             ks_error *err)
{
    (void)err;
    ks_xlsx_sheet *sheet = context;
    int block = first_shape_block(sheet);
    put(out, "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:"
             "schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-"
             "microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\">"
             "<o:idmap v:ext=\"edit\" data=\"");
    for (int b = 0; b < shape_blocks(sheet->comment_count); b++) {
        if (b)
            put(out, ",");
        ks_xlsx_put_int(out, block + b);
    }
    put(out, "\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" "
             "coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,"
             "l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path "
             "gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>");
    for (size_t k = 0; k < sheet->comment_count; k++)
        put_note_shape(out, block, k, &sheet->comments[k]);
    put(out, "</xml>");
    *done = 1;
    return KS_OK;
}

static ks_status sheet_rels(void *context, ks_xlsx_text *out, int *done,
                            ks_error *err)
{
    (void)err;
    ks_xlsx_sheet *sheet = context;
    put(out, XML_HEAD "<Relationships xmlns=\"" PACKAGE_RELS_NS "\">");
    put_relationship(out, 1,
                     "http://schemas.openxmlformats.org/officeDocument/2006/"
                     "relationships/vmlDrawing",
                     "../drawings/vmlDrawing", sheet->comment_number, ".vml");
    put_relationship(out, 2, DOCUMENT_RELS "/comments", "../comments",
                     sheet->comment_number, ".xml");
    put(out, "</Relationships>");
    *done = 1;
    return KS_OK;
}

ks_status ks_xlsx_add_sheet_parts(ks_xlsx_sheet *sheet,
                                  ks_xlsx_package *package, ks_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", sheet->number);
    ks_status status = ks_xlsx_package_add(package, name, ks_xlsx_sheet_fill,
                                           sheet, KS_XLSX_LEVEL_BULK, 1, err);
    if (status != KS_OK || !sheet->comment_number)
        return status;
    int n = sheet->comment_number;
    snprintf(name, sizeof name, "xl/comments%d.xml", n);
    status = ks_xlsx_package_add(package, name, comments, sheet,
                                 KS_XLSX_LEVEL_SMALL, 0, err);
    snprintf(name, sizeof name, "xl/drawings/vmlDrawing%d.vml", n);
    if (status == KS_OK)
        status = ks_xlsx_package_add(package, name, vml_drawing, sheet,
                                     KS_XLSX_LEVEL_SMALL, 0, err);
    snprintf(name, sizeof name, "xl/worksheets/_rels/sheet%d.xml.rels",
             sheet->number);
    if (status == KS_OK)
        status = ks_xlsx_package_add(package, name, sheet_rels, sheet,
                                     KS_XLSX_LEVEL_SMALL, 0, err);
    return status;
}

/* ---- styles ------------------------------------------------------------- */

static ks_status styles(void *context, ks_xlsx_text *out, int *done,
                        ks_error *err)
{
    ks_xlsx_book *book = context;
    if (book->retry) {
        book->retry = KS_XLSX_RETRY_ASKED;
        return ks_error_set(err, KS_EINVAL, "a sheet needs comments: the "
                            "workbook is to be written again");
    }
    ks_xlsx_styles_xml(&book->styles, out);
    *done = 1;
    return KS_OK;
}

ks_status ks_xlsx_add_styles_part(ks_xlsx_book *book,
                                  ks_xlsx_package *package, ks_error *err)
{
    return ks_xlsx_package_add(package, "xl/styles.xml", styles, book,
                               KS_XLSX_LEVEL_SMALL, 0, err);
}

/* feedback_font.h -- a tiny bitmap font for the labels of the feedback
 * pictures (private to the library: feedback.c and the kit's tests).
 *
 * Each glyph is 5 columns x 7 rows, one byte per row, bit 4 the leftmost
 * column. Letters are capitals (lower-case letters draw as capitals, except
 * 'x', a small multiplication cross for sizes such as "6x5"); digits, space
 * and the punctuation : - . , ( ) x % + / = ? _ < > | * ' [ ] are defined;
 * any other character draws as '?'.
 *
 * Text is drawn into an RGB cl_image (c = 3, values 0..255) at an integer
 * scale; each character advances (5 + 1) * scale pixels. Pixels outside the
 * canvas are skipped.
 */
#ifndef CONVLAB_FEEDBACK_FONT_H
#define CONVLAB_FEEDBACK_FONT_H

#include "convlab.h"

#define CL_FONT_W_ 5       /* glyph width in font pixels */
#define CL_FONT_H_ 7       /* glyph height in font pixels */
#define CL_FONT_ADVANCE_ 6 /* glyph width plus one column of spacing */

/* The 7 rows of the glyph of ch; 1 when ch has a glyph of its own (else the
 * '?' glyph is returned and has_glyph gives 0). */
const unsigned char *cl_font_glyph_(int ch);
int cl_font_has_glyph_(int ch);

/* Width in pixels of text drawn at scale (no trailing spacing). */
int cl_font_text_width_(const char *text, int scale);

/* Draws text with its top-left corner at (x, y) in colour rgb (0..255). */
void cl_font_draw_(cl_image *canvas, int x, int y, const char *text, int scale,
                   const float rgb[3]);

#endif /* CONVLAB_FEEDBACK_FONT_H */

/* internal.h -- private helpers shared by the library's own .c files.
 *
 * Not installed, not part of the public API: drivers, solutions and student
 * files include only convlab.h. Names end with an underscore.
 *
 * GUARDED BLOCKS (image.c)
 *   cl_image and cl_weights keep their floats in one allocation:
 *
 *       [header: magic, count][front guard][count floats][back guard]
 *        ^ block_                           ^ data
 *
 *   The header is 64 bytes, each guard CL_GUARD_FLOATS floats holding the
 *   sentinel CL_GUARD_BITS, so data is 64-byte aligned. cl_block_ok_ says
 *   whether data still points into its block and both guards are intact.
 *
 * ATOMIC WRITES (io_image.c)
 *   cl_atomic_write_ creates "<path>.tmp.XXXXXX" (mkstemp, same folder),
 *   lets a callback write into it, then fflush + fsync + fclose and renames it
 *   over path. On any failure the temporary file is removed and CL_E_IO is
 *   returned with a message naming path and the system's reason: the target
 *   is never left half-written.
 */
#ifndef CONVLAB_INTERNAL_H
#define CONVLAB_INTERNAL_H

#include "convlab.h"

#include <stdio.h>

#define CL_GUARD_FLOATS 16
#define CL_GUARD_BITS 0x7fc0beefu /* a quiet NaN with a recognisable payload */

/* Allocates a zero-filled guarded block of count floats (count >= 1).
 * Returns CL_OK or CL_E_NOMEM (with a message naming `what`). */
int cl_block_alloc_(size_t count, const char *what, void **block, float **data);

/* Frees a block from cl_block_alloc_ (NULL is fine). */
void cl_block_free_(void *block);

/* 1 if block is a live guarded block of exactly count floats whose pixels
 * start at data and whose guards are intact, else 0. */
int cl_block_ok_(const void *block, const float *data, size_t count);

/* Validates four dimensions named names[0..3] of the thing called `what`:
 * each in 1..CL_MAX_DIM (CL_E_ARG below 1, CL_E_TOOBIG above) and their
 * product <= CL_MAX_ELEMS (CL_E_TOOBIG). On success *count gets the product. */
int cl_dims_check_(const char *what, const char *const names[4], const int dims[4],
                   size_t *count);

/* Writes the body of a file into f; returns CL_OK or a cl_status whose
 * message it has recorded. Plain write errors need no message: the atomic
 * writer notices them (ferror) and reports them with the path. */
typedef int (*cl_write_fn_)(FILE *f, void *ctx);

/* Writes path atomically through fn (see above). */
int cl_atomic_write_(const char *path, cl_write_fn_ fn, void *ctx);

#endif /* CONVLAB_INTERNAL_H */

/* io_image.c -- image files: loading PNG/JPEG/BMP through stb_image, saving
 * PNG through stb_image_write, and cl_image_read_any, which also takes .npy.
 * Also home of the atomic file writer every library writer goes through
 * (declared in internal.h): a temporary file next to the target, renamed
 * over it only when complete.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image.h>
#include <stb_image_write.h>

/* ---------------------------------------------------------- atomic write */

#define TMP_SUFFIX ".tmp.XXXXXX"

static int io_fail(const char *doing, const char *path, int err)
{
    return cl_fail(CL_E_IO, "cannot %s '%s': %s", doing, path, strerror(err));
}

/* Flushes f to disk and closes it; returns CL_OK or CL_E_IO about path. */
static int finish_file(FILE *f, const char *path, int st)
{
    if (st == CL_OK && (ferror(f) || fflush(f) != 0))
        st = io_fail("write", path, errno ? errno : EIO);
    if (st == CL_OK && fsync(fileno(f)) != 0)
        st = io_fail("sync", path, errno);
    if (fclose(f) != 0 && st == CL_OK)
        st = io_fail("close", path, errno);
    return st;
}

int cl_atomic_write_(const char *path, cl_write_fn_ fn, void *ctx)
{
    if (path == NULL || path[0] == '\0')
        return cl_fail(CL_E_ARG, "output path is %s", path == NULL ? "NULL" : "empty");
    size_t len = strlen(path);
    char *tmp = malloc(len + sizeof TMP_SUFFIX);
    if (tmp == NULL)
        return cl_fail(CL_E_NOMEM, "out of memory writing '%s'", path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, TMP_SUFFIX, sizeof TMP_SUFFIX);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int st = io_fail("create a temporary file for", path, errno);
        free(tmp);
        return st;
    }
    fchmod(fd, 0644); /* mkstemp makes 0600; results are meant to be read */
    FILE *f = fdopen(fd, "wb");
    int st;
    if (f == NULL) {
        st = io_fail("open a temporary file for", path, errno);
        close(fd);
    } else {
        errno = 0;
        st = finish_file(f, path, fn(f, ctx));
    }
    if (st == CL_OK && rename(tmp, path) != 0)
        st = io_fail("rename the temporary file onto", path, errno);
    if (st != CL_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

/* ------------------------------------------------------------------- load */

/* Channels to ask stb for: the file's (gray or gray+alpha -> 1, RGB or
 * RGBA -> 3) when channels is 0, else channels. */
static int wanted_channels(FILE *f, int channels)
{
    int x, y, comp;
    if (channels != 0)
        return channels;
    if (!stbi_info_from_file(f, &x, &y, &comp))
        return 3; /* stbi_load will report the problem */
    return comp <= 2 ? 1 : 3;
}

int cl_image_load(cl_image *out, const char *path, int channels)
{
    if (out == NULL)
        return cl_fail(CL_E_ARG, "load: out is NULL");
    cl_image_free(out);
    if (path == NULL)
        return cl_fail(CL_E_ARG, "load: path is NULL");
    if (channels != 0 && channels != 1 && channels != 3)
        return cl_fail(CL_E_ARG,
                       "load: channels must be 0 (keep the file's), 1 (gray) or 3 (RGB), "
                       "got %d",
                       channels);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return io_fail("open", path, errno);
    int want = wanted_channels(f, channels);
    int w = 0, h = 0, in_file = 0;
    stbi_uc *pix = stbi_load_from_file(f, &w, &h, &in_file, want);
    fclose(f);
    if (pix == NULL)
        return cl_fail(CL_E_FORMAT,
                       "cannot read '%s' as an image: corrupt, truncated or not a PNG, JPEG "
                       "or BMP file (stb_image: %s)",
                       path, stbi_failure_reason() ? stbi_failure_reason() : "no reason given");
    int st = cl_image_alloc(out, 1, h, w, want);
    if (st == CL_OK) {
        size_t count = cl_image_count(out);
        for (size_t i = 0; i < count; i++)
            out->data[i] = (float)pix[i];
    } else {
        st = cl_fail(st, "'%s': %s", path, cl_last_error());
    }
    stbi_image_free(pix);
    return st;
}

/* ------------------------------------------------------------------- save */

typedef struct png_job {
    const uint8_t *pixels;
    int w, h, c;
} png_job;

static void png_to_file(void *context, void *data, int size)
{
    fwrite(data, 1, (size_t)size, (FILE *)context);
}

static int write_png(FILE *f, void *ctx)
{
    const png_job *job = ctx;
    if (!stbi_write_png_to_func(png_to_file, f, job->w, job->h, job->c, job->pixels,
                                job->w * job->c))
        return cl_fail(CL_E_NOMEM, "PNG encoder failed (out of memory?)");
    return CL_OK;
}

int cl_image_save_png(const char *path, const cl_image *im)
{
    int st = cl_image_check(im, "image");
    if (st != CL_OK)
        return st;
    if (path == NULL)
        return cl_fail(CL_E_ARG, "save: path is NULL");
    if (im->n != 1)
        return cl_fail(CL_E_SHAPE, "PNG holds one image: n must be 1, got %d", im->n);
    if (im->c != 1 && im->c != 3 && im->c != 4)
        return cl_fail(CL_E_SHAPE, "PNG needs 1, 3 or 4 channels, got %d", im->c);
    if ((long long)im->w * im->c > 0x7fffffff / 2)
        return cl_fail(CL_E_TOOBIG, "image too wide for PNG (%d pixels)", im->w);
    size_t count = cl_image_count(im);
    uint8_t *pixels = malloc(count);
    if (pixels == NULL)
        return cl_fail(CL_E_NOMEM, "out of memory saving '%s'", path);
    cl_to_uint8(im, pixels);
    png_job job = {pixels, im->w, im->h, im->c};
    st = cl_atomic_write_(path, write_png, &job);
    free(pixels);
    return st;
}

/* --------------------------------------------------------------- read any */

static int has_npy_extension(const char *path)
{
    size_t len = strlen(path);
    return len >= 4 && strcasecmp(path + len - 4, ".npy") == 0;
}

int cl_image_read_any(cl_image *out, const char *path, int channels, int *ndim)
{
    if (ndim)
        *ndim = 0;
    if (out == NULL)
        return cl_fail(CL_E_ARG, "read: out is NULL");
    if (path == NULL) {
        cl_image_free(out);
        return cl_fail(CL_E_ARG, "read: path is NULL");
    }
    if (!has_npy_extension(path)) {
        int st = cl_image_load(out, path, channels);
        if (st == CL_OK && ndim)
            *ndim = out->c == 1 ? 2 : 3;
        return st;
    }
    if (channels != 0 && channels != 1 && channels != 3) {
        cl_image_free(out);
        return cl_fail(CL_E_ARG, "read: channels must be 0, 1 or 3, got %d", channels);
    }
    int rank = 0;
    int st = cl_image_read_npy(out, path, &rank);
    if (st == CL_OK && channels != 0 && out->c != channels) {
        st = cl_fail(CL_E_SHAPE, "'%s' has %d channels, %d requested", path, out->c, channels);
        cl_image_free(out);
    }
    if (st == CL_OK && ndim)
        *ndim = rank;
    return st;
}

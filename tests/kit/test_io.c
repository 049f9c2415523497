/* test_io.c -- Criterion suites for the library's file I/O: .npy reading and
 * writing (round trips, numpy's own bytes, every malformed header), PNG
 * save/load through stb, cl_image_read_any, the atomic writer, and IDX /
 * Fashion-MNIST (the real t10k files plus crafted corrupt ones).
 *
 * Every test works in its own folder made with mkdtemp under /tmp and
 * removed afterwards. Oracles: bytes written by numpy 1.24 (np.save), values
 * computed with numpy from the Debian Fashion-MNIST files, stb_image's
 * documented gray conversion (77 r + 150 g + 29 b) >> 8.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <stb_image_write.h>

#include "convlab.h"

#define expect_msg_has(needle)                                                                 \
    cr_expect(strstr(cl_last_error(), (needle)) != NULL,                                       \
              "cl_last_error() should mention \"%s\", it says \"%s\"", (needle), cl_last_error())

/* ------------------------------------------------------------ temp folder */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/convlab_io_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp failed");
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void remove_tmpdir(void)
{
    if (tmpdir[0])
        remove_tree(tmpdir);
}

/* "<tmpdir>/<name>" in one of a few rotating buffers. */
static const char *tmp_path(const char *name)
{
    static char bufs[4][256];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, 256, "%s/%s", tmpdir, name);
    return b;
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(buf, 1, len, f), len, "short write to %s", path);
    fclose(f);
}

/* write_lit(path, "literal"): the literal's bytes without its final NUL */
#define write_lit(path, lit) write_bytes((path), (lit), sizeof(lit) - 1)

static size_t read_bytes(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static int is_empty(const cl_image *im)
{
    return im->n == 0 && im->h == 0 && im->w == 0 && im->c == 0 && im->data == NULL &&
           im->block_ == NULL;
}

/* A .npy with the given version and header text (used verbatim, its length
 * goes into the preamble) followed by `payload` bytes of 0x00. */
static const char *craft_npy(const char *name, int major, const char *header, size_t payload)
{
    size_t hlen = strlen(header), pre = major == 1 ? 10 : 12;
    unsigned char *buf = calloc(1, pre + hlen + payload + 1);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < pre - 8; i++)
        buf[8 + i] = (unsigned char)(hlen >> (8 * i));
    memcpy(buf + pre, header, hlen);
    const char *path = tmp_path(name);
    write_bytes(path, buf, pre + hlen + payload);
    free(buf);
    return path;
}

/* Expects reading `path` to fail with status st and a message with needle,
 * leaving the outputs empty. */
static void expect_npy_error(const char *path, int st, const char *needle)
{
    float *data = (float *)&data; /* not NULL: must be reset */
    cl_npy_info info = {.ndim = 3};
    int got = cl_npy_read(path, &data, &info);
    cr_expect_eq(got, st, "%s: status %d (%s), expected %d", needle, got, cl_last_error(), st);
    cr_expect(strstr(cl_last_error(), needle) != NULL, "message should mention \"%s\": \"%s\"",
              needle, cl_last_error());
    cr_expect_null(data, "%s: data left NULL", needle);
    cr_expect_eq(info.ndim, 0, "%s: info reset", needle);
    cl_image im = {0};
    cr_expect_eq(cl_image_read_npy(&im, path, NULL), st, "%s: cl_image_read_npy agrees", needle);
    cr_expect(is_empty(&im), "%s: image left empty", needle);
}

/* ==================================================================== npy */

TestSuite(lib_npy, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 30);

/* np.save(np.array([[-1, -0.5, 0], [0.5, 1, 1.5]], np.float32)) */
static const char numpy_f32_2x3[] = "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }                                                          \012\000\000\200\277\000\000\000\277\000\000\000\000\000\000\000\077\000\000\200\077\000\000\300\077";
/* np.save(np.array([0, 1, 128, 255], np.uint8)) */
static const char numpy_u8_4[] = "\223NUMPY\001\000v\000{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }                                                            \012\000\001\200\377";

Test(lib_npy, float32_round_trip_is_exact,
     .description = "cl_npy_write then cl_npy_read gives back the same shape and bits")
{
    const float v[6] = {-1.0f, -0.0f, 3.14159274f, 1e-38f, INFINITY, NAN};
    const long shape[2] = {2, 3};
    const char *path = tmp_path("a.npy");
    cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, 2, shape), CL_OK, "%s", cl_last_error());
    float *data = NULL;
    cl_npy_info info;
    cr_assert_eq(cl_npy_read(path, &data, &info), CL_OK, "%s", cl_last_error());
    cr_expect(info.ndim == 2 && info.shape[0] == 2 && info.shape[1] == 3, "shape");
    cr_expect_eq(info.dtype, CL_DTYPE_F32, "dtype");
    cr_expect_eq(memcmp(data, v, sizeof v), 0, "bits preserved (incl. -0, inf, NaN)");
    free(data);
    cr_expect_eq(files_in(tmpdir), 1, "no temporary file left behind");
}

Test(lib_npy, written_file_equals_numpys_bytes,
     .description = "the writer produces byte for byte what np.save writes")
{
    const float v[6] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f};
    const long shape[2] = {2, 3};
    const char *path = tmp_path("np.npy");
    cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, 2, shape), CL_OK, "%s", cl_last_error());
    char buf[512];
    size_t n = read_bytes(path, buf, sizeof buf);
    cr_expect_eq(n, sizeof numpy_f32_2x3 - 1, "file size %zu", n);
    cr_expect_eq(memcmp(buf, numpy_f32_2x3, sizeof numpy_f32_2x3 - 1), 0, "bytes differ");

    const uint8_t u[4] = {0, 1, 128, 255};
    const long ushape[1] = {4};
    cr_assert_eq(cl_npy_write(path, u, CL_DTYPE_U8, 1, ushape), CL_OK, "%s", cl_last_error());
    n = read_bytes(path, buf, sizeof buf);
    cr_expect_eq(n, sizeof numpy_u8_4 - 1, "u8 file size %zu", n);
    cr_expect_eq(memcmp(buf, numpy_u8_4, sizeof numpy_u8_4 - 1), 0, "u8 bytes differ");
}

Test(lib_npy, headers_are_padded_to_64_bytes,
     .description = "for ranks 0..4 the data starts at a multiple of 64, header ends in \\n")
{
    /* long numbers in the shape but few values (a zero dimension) */
    const long shapes[5][4] = {
        {0}, {1}, {0, 123456789}, {7, 0, 100000000}, {0, 268435456, 268435456, 268435456}};
    const size_t values[5] = {1, 1, 0, 0, 0};
    const float v = 0.0f;
    for (int nd = 0; nd <= 4; nd++) {
        const char *path = tmp_path("pad.npy");
        cr_assert_eq(cl_npy_write(path, &v, CL_DTYPE_F32, nd, shapes[nd]), CL_OK, "%s",
                     cl_last_error());
        unsigned char buf[256];
        size_t n = read_bytes(path, buf, sizeof buf);
        size_t hlen = buf[8] | (size_t)buf[9] << 8;
        cr_expect_eq((10 + hlen) % 64, 0u, "rank %d: header %zu", nd, hlen);
        cr_expect_eq(buf[10 + hlen - 1], '\n', "rank %d: newline", nd);
        cr_expect_eq(buf[10 + hlen - 2], ' ', "rank %d: space padding", nd);
        cr_expect_eq(n, 10 + hlen + 4 * values[nd], "rank %d: data size", nd);
        float *data = NULL;
        cl_npy_info info;
        cr_expect_eq(cl_npy_read(path, &data, &info), CL_OK, "rank %d reads back: %s", nd,
                     cl_last_error());
        cr_expect_eq(info.ndim, nd, "rank %d", nd);
        for (int i = 0; i < nd; i++)
            cr_expect_eq(info.shape[i], shapes[nd][i], "rank %d dim %d", nd, i);
        free(data);
    }
}

Test(lib_npy, uint8_round_trip_reads_as_floats,
     .description = "uint8 .npy files are written as |u1 and read as floats 0..255")
{
    const uint8_t u[6] = {0, 1, 127, 128, 254, 255};
    const long shape[3] = {1, 2, 3};
    const char *path = tmp_path("u.npy");
    cr_assert_eq(cl_npy_write(path, u, CL_DTYPE_U8, 3, shape), CL_OK, "%s", cl_last_error());
    float *data = NULL;
    cl_npy_info info;
    cr_assert_eq(cl_npy_read(path, &data, &info), CL_OK, "%s", cl_last_error());
    cr_expect_eq(info.dtype, CL_DTYPE_U8, "dtype");
    cr_expect(info.ndim == 3 && info.shape[2] == 3, "shape");
    for (int i = 0; i < 6; i++)
        cr_expect_eq(data[i], (float)u[i], "value %d: %g", i, data[i]);
    free(data);
}

Test(lib_npy, reads_files_written_by_numpy,
     .description = "numpy's own files: float32 2-D, uint8 1-D, version 2.0, 0-d")
{
    write_bytes(tmp_path("f.npy"), numpy_f32_2x3, sizeof numpy_f32_2x3 - 1);
    cl_image im = {0};
    int nd = 0;
    cr_assert_eq(cl_image_read_npy(&im, tmp_path("f.npy"), &nd), CL_OK, "%s", cl_last_error());
    cr_expect(nd == 2 && im.n == 1 && im.h == 2 && im.w == 3 && im.c == 1, "(2,3) -> 1x2x3x1");
    cr_expect(im.data[0] == -1.0f && im.data[5] == 1.5f, "values");
    cr_expect_eq(cl_image_guards_ok(&im), 1, "allocated with guards");

    write_bytes(tmp_path("u.npy"), numpy_u8_4, sizeof numpy_u8_4 - 1);
    cr_assert_eq(cl_image_read_npy(&im, tmp_path("u.npy"), &nd), CL_OK, "%s", cl_last_error());
    cr_expect(nd == 1 && im.h == 1 && im.w == 4 && im.c == 1, "(4,) -> 1x1x4x1");
    cr_expect(im.data[2] == 128.0f && im.data[3] == 255.0f, "u8 values");

    /* np.lib.format.write_array(f, np.arange(3, dtype=np.float32), version=(2, 0)) */
    const char *v2 = craft_npy("v2.npy", 2,
                               "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
                               "                                                          \n",
                               0);
    FILE *f = fopen(v2, "ab");
    const float three[3] = {0.0f, 1.0f, 2.0f};
    fwrite(three, sizeof(float), 3, f);
    fclose(f);
    cr_assert_eq(cl_image_read_npy(&im, v2, &nd), CL_OK, "v2.0: %s", cl_last_error());
    cr_expect(nd == 1 && im.w == 3 && im.data[2] == 2.0f, "v2.0 values");

    const char *scalar = craft_npy("s.npy", 1, "{'descr': '<f4', 'fortran_order': False, "
                                               "'shape': (), }\n",
                                   0);
    f = fopen(scalar, "ab");
    const float v = 3.25f;
    fwrite(&v, sizeof v, 1, f);
    fclose(f);
    cr_assert_eq(cl_image_read_npy(&im, scalar, &nd), CL_OK, "0-d: %s", cl_last_error());
    cr_expect(nd == 0 && im.n == 1 && im.h == 1 && im.w == 1 && im.c == 1, "() -> 1x1x1x1");
    cr_expect_eq(im.data[0], 3.25f, "0-d value");
    cl_image_free(&im);
}

Test(lib_npy, header_dict_is_parsed_not_pattern_matched,
     .description = "keys in any order, extra whitespace, double quotes, trailing commas")
{
    const char *headers[] = {
        "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}\n",
        "{ \"descr\" : \"<f4\" ,\n  'shape':(2,2,),'fortran_order':False ,}   \n",
        "{'fortran_order': False, 'descr': '<f4', 'shape': (2L, 2L), }    \n",
    };
    for (int i = 0; i < 3; i++) {
        const char *path = craft_npy("h.npy", 1, headers[i], 16);
        float *data = NULL;
        cl_npy_info info;
        cr_expect_eq(cl_npy_read(path, &data, &info), CL_OK, "header %d: %s", i,
                     cl_last_error());
        cr_expect(info.ndim == 2 && info.shape[0] == 2 && info.shape[1] == 2, "header %d shape",
                  i);
        free(data);
    }
    const char *u1 = craft_npy("u1.npy", 1,
                               "{'descr': '<u1', 'fortran_order': False, 'shape': (3,), }\n", 3);
    float *data = NULL;
    cl_npy_info info;
    cr_expect_eq(cl_npy_read(u1, &data, &info), CL_OK, "'<u1' accepted: %s", cl_last_error());
    cr_expect_eq(info.dtype, CL_DTYPE_U8, "'<u1' is uint8");
    free(data);
}

Test(lib_npy, malformed_preambles_are_format_errors,
     .description = "bad magic, short file, unsupported version, header beyond the file")
{
    write_lit(tmp_path("magic.npy"), "PK\003\004 this is a zip");
    expect_npy_error(tmp_path("magic.npy"), CL_E_FORMAT, "bad magic");
    write_lit(tmp_path("short.npy"), "\x93NU");
    expect_npy_error(tmp_path("short.npy"), CL_E_FORMAT, "bad magic");
    write_lit(tmp_path("empty.npy"), "");
    expect_npy_error(tmp_path("empty.npy"), CL_E_FORMAT, "bad magic");
    write_lit(tmp_path("nover.npy"), "\x93NUMPY\x01");
    expect_npy_error(tmp_path("nover.npy"), CL_E_FORMAT, "truncated");
    const char *v4 = craft_npy("v4.npy", 4, "{}", 0);
    expect_npy_error(v4, CL_E_FORMAT, "unsupported .npy version 4.0");
    write_lit(tmp_path("v11.npy"), "\x93NUMPY\x01\x01\x02\x00{}");
    expect_npy_error(tmp_path("v11.npy"), CL_E_FORMAT, "version 1.1");
    write_lit(tmp_path("hlen.npy"), "\x93NUMPY\x01\x00\xff\x7f{'descr'");
    expect_npy_error(tmp_path("hlen.npy"), CL_E_FORMAT, "beyond the end of the file");
    write_lit(tmp_path("nolen.npy"), "\x93NUMPY\x02\x00\x10");
    expect_npy_error(tmp_path("nolen.npy"), CL_E_FORMAT, "truncated");
}

Test(lib_npy, malformed_headers_name_the_problem,
     .description = "missing keys, bad dtypes, Fortran order, ranks, bad syntax")
{
    static const struct {
        const char *header;
        int status;
        const char *needle;
    } cases[] = {
        {"{'fortran_order': False, 'shape': (2,), }\n", CL_E_FORMAT, "no 'descr' key"},
        {"{'descr': '<f4', 'fortran_order': False, }\n", CL_E_FORMAT, "no 'shape' key"},
        {"{'descr': '<f4', 'shape': (2,), }\n", CL_E_FORMAT, "no 'fortran_order' key"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", CL_E_FORMAT,
         "dtype '<f8' is not supported: save float32 (arr.astype(numpy.float32))"},
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", CL_E_FORMAT,
         "dtype '>f4'"},
        {"{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }\n", CL_E_FORMAT,
         "dtype '|i1'"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }\n", CL_E_FORMAT,
         "dtype '<i4'"},
        {"{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", CL_E_FORMAT,
         "Fortran-order"},
        {"{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }\n", CL_E_FORMAT,
         "True or False"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }\n", CL_E_FORMAT,
         "more than 4 dimensions"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }\n", CL_E_FORMAT,
         "negative dimension"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\n", CL_E_FORMAT,
         "tuple of integers"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }\n", CL_E_FORMAT,
         "must be a tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }\n", CL_E_FORMAT,
         "expected ',' or ')'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}\n", CL_E_FORMAT,
         "unexpected key 'extra'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\n",
         CL_E_FORMAT, "appears twice"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}\n", CL_E_FORMAT,
         "dtype '<f4, '"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'unterminated}\n",
         CL_E_FORMAT, "unterminated string"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}\n", CL_E_FORMAT,
         "expected ',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing\n", CL_E_FORMAT,
         "text after the closing"},
        {"['descr', '<f4']\n", CL_E_FORMAT, "expected '{'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)\n", CL_E_FORMAT,
         "malformed .npy header"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100), }\n",
         CL_E_TOOBIG, "CL_MAX_ELEMS"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }\n",
         CL_E_TOOBIG, "CL_MAX_ELEMS"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }\n",
         CL_E_TOOBIG, "CL_MAX_ELEMS"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.npy", i);
        const char *path = craft_npy(name, 1, cases[i].header, 64);
        expect_npy_error(path, cases[i].status, cases[i].needle);
    }
}

Test(lib_npy, truncated_payload_says_how_much_is_missing,
     .description = "a payload shorter than the shape is CL_E_FORMAT with both byte counts")
{
    const char *path = craft_npy("t.npy", 1,
                                 "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n",
                                 20);
    expect_npy_error(path, CL_E_FORMAT, "truncated: expected 24 bytes of data, found 20");
    const char *none = craft_npy("t0.npy", 1,
                                 "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }\n",
                                 0);
    expect_npy_error(none, CL_E_FORMAT, "expected 5 bytes of data, found 0");
}

Test(lib_npy, missing_files_and_folders_are_io_errors,
     .description = "a missing file or a folder gives CL_E_IO with the path in the message")
{
    expect_npy_error(tmp_path("nope.npy"), CL_E_IO, "nope.npy");
    expect_npy_error(tmpdir, CL_E_IO, tmpdir);
    float *data;
    cl_npy_info info;
    cr_expect_eq(cl_npy_read(NULL, &data, &info), CL_E_ARG, "NULL path");
    cr_expect_eq(cl_npy_read("x.npy", NULL, &info), CL_E_ARG, "NULL data");
}

Test(lib_npy, image_read_maps_every_rank,
     .description = "(L)->1x1xLx1, (H,W)->1xHxWx1, (H,W,C)->1xHxWxC, (N,H,W,C) as is")
{
    const float v[24] = {0};
    const struct {
        int nd;
        long shape[4];
        int n, h, w, c;
    } cases[] = {
        {1, {24}, 1, 1, 24, 1},
        {2, {4, 6}, 1, 4, 6, 1},
        {3, {2, 4, 3}, 1, 2, 4, 3},
        {4, {2, 3, 2, 2}, 2, 3, 2, 2},
    };
    for (int i = 0; i < 4; i++) {
        const char *path = tmp_path("r.npy");
        cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, cases[i].nd, cases[i].shape), CL_OK,
                     "%s", cl_last_error());
        cl_image im = {0};
        int nd = -1;
        cr_assert_eq(cl_image_read_npy(&im, path, &nd), CL_OK, "%s", cl_last_error());
        cr_expect_eq(nd, cases[i].nd, "rank");
        cr_expect(im.n == cases[i].n && im.h == cases[i].h && im.w == cases[i].w &&
                      im.c == cases[i].c,
                  "rank %d read as %dx%dx%dx%d", cases[i].nd, im.n, im.h, im.w, im.c);
        cl_image_free(&im);
    }
}

Test(lib_npy, empty_arrays_are_shape_errors,
     .description = "an array with a zero dimension cannot be an image (CL_E_SHAPE)")
{
    const long shape[2] = {0, 3};
    const char *path = tmp_path("e.npy");
    cr_assert_eq(cl_npy_write(path, NULL, CL_DTYPE_F32, 2, shape), CL_OK, "%s", cl_last_error());
    float *data = NULL;
    cl_npy_info info;
    cr_expect_eq(cl_npy_read(path, &data, &info), CL_OK, "plain read accepts (0, 3)");
    cr_expect(info.ndim == 2 && info.shape[0] == 0, "shape (0, 3)");
    free(data);
    cl_image im = {0};
    cr_expect_eq(cl_image_read_npy(&im, path, NULL), CL_E_SHAPE, "image read");
    expect_msg_has("empty array");
    expect_msg_has("(0, 3)");
    cr_expect(is_empty(&im), "out empty");
    cl_weights w = {0};
    const long wshape[4] = {3, 3, 0, 2};
    cr_assert_eq(cl_npy_write(path, NULL, CL_DTYPE_F32, 4, wshape), CL_OK, "%s", cl_last_error());
    cr_expect_eq(cl_weights_read_npy(&w, path, 0), CL_E_SHAPE, "empty weights");
}

Test(lib_npy, image_write_checks_rank_against_shape,
     .description = "rank 2 needs n = c = 1, rank 3 needs n = 1, other ranks are CL_E_ARG")
{
    cl_image im = {0}, back = {0};
    cr_assert_eq(cl_image_alloc(&im, 2, 3, 4, 1), CL_OK, "alloc");
    for (int i = 0; i < 24; i++)
        im.data[i] = (float)i / 4;
    const char *path = tmp_path("w.npy");
    cr_expect_eq(cl_image_write_npy(path, &im, 2), CL_E_SHAPE, "n = 2 as rank 2");
    cr_expect_eq(cl_image_write_npy(path, &im, 3), CL_E_SHAPE, "n = 2 as rank 3");
    expect_msg_has("n = 2");
    cr_expect_eq(cl_image_write_npy(path, &im, 5), CL_E_ARG, "rank 5");
    cr_expect_eq(cl_image_write_npy(path, &im, 1), CL_E_ARG, "rank 1");
    cr_expect_eq(access(path, F_OK), -1, "nothing written on error");
    cr_assert_eq(cl_image_write_npy(path, &im, 4), CL_OK, "rank 4: %s", cl_last_error());
    int nd;
    cr_assert_eq(cl_image_read_npy(&back, path, &nd), CL_OK, "%s", cl_last_error());
    cr_expect(nd == 4 && back.n == 2 && back.h == 3 && back.w == 4 && back.c == 1, "shape");
    cr_expect_eq(memcmp(back.data, im.data, 24 * sizeof(float)), 0, "values");
    cl_image_free(&im);
    cr_assert_eq(cl_image_alloc(&im, 1, 3, 4, 3), CL_OK, "alloc");
    cr_expect_eq(cl_image_write_npy(path, &im, 2), CL_E_SHAPE, "c = 3 as rank 2");
    cr_expect_eq(cl_image_write_npy(path, &im, 3), CL_OK, "rank 3");
    cr_assert_eq(cl_image_read_npy(&back, path, &nd), CL_OK, "%s", cl_last_error());
    cr_expect(nd == 3 && back.h == 3 && back.w == 4 && back.c == 3, "(3,4,3)");
    cl_image_free(&im);
    cl_image_free(&back);
}

Test(lib_npy, weights_follow_the_layer_layout,
     .description = "(kh,kw,a,b): Conv2D a=cin b=cout; Conv2DTranspose a=cout b=cin")
{
    float v[2 * 3 * 4 * 5];
    for (int i = 0; i < 120; i++)
        v[i] = (float)i;
    const long shape[4] = {2, 3, 4, 5};
    const char *path = tmp_path("k.npy");
    cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, 4, shape), CL_OK, "%s", cl_last_error());
    cl_weights w = {0};
    cr_assert_eq(cl_weights_read_npy(&w, path, 0), CL_OK, "%s", cl_last_error());
    cr_expect(w.kh == 2 && w.kw == 3 && w.cin == 4 && w.cout == 5, "conv2d layout");
    cr_expect_eq(memcmp(w.data, v, sizeof v), 0, "values in file order");
    cr_assert_eq(cl_weights_read_npy(&w, path, 1), CL_OK, "%s", cl_last_error());
    cr_expect(w.kh == 2 && w.kw == 3 && w.cout == 4 && w.cin == 5, "transposed layout");
    cr_expect_eq(w.data[119], 119.0f, "values");
    cr_expect_eq(cl_weights_read_npy(&w, path, 2), CL_E_ARG, "transposed = 2");
    cr_expect(w.data == NULL && w.kh == 0, "out emptied on error");
    const long s3[3] = {2, 3, 20};
    cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, 3, s3), CL_OK, "%s", cl_last_error());
    cr_expect_eq(cl_weights_read_npy(&w, path, 0), CL_E_SHAPE, "rank 3");
    expect_msg_has("4 dimensions");
    cl_weights_free(&w);
}

Test(lib_npy, write_rejects_bad_arguments,
     .description = "bad dtype, rank, negative dims, NULL data are CL_E_ARG; no file appears")
{
    const float v[2] = {0};
    const long shape[2] = {1, 2}, neg[2] = {1, -2};
    const char *path = tmp_path("bad.npy");
    cr_expect_eq(cl_npy_write(path, v, (cl_dtype)7, 2, shape), CL_E_ARG, "dtype 7");
    cr_expect_eq(cl_npy_write(path, v, CL_DTYPE_F32, 5, shape), CL_E_ARG, "rank 5");
    cr_expect_eq(cl_npy_write(path, v, CL_DTYPE_F32, 2, neg), CL_E_ARG, "negative dim");
    cr_expect_eq(cl_npy_write(path, NULL, CL_DTYPE_F32, 2, shape), CL_E_ARG, "NULL data");
    cr_expect_eq(cl_npy_write(path, v, CL_DTYPE_F32, 2, NULL), CL_E_ARG, "NULL shape");
    cr_expect_eq(cl_npy_write(NULL, v, CL_DTYPE_F32, 2, shape), CL_E_ARG, "NULL path");
    cr_expect_eq(files_in(tmpdir), 0, "nothing written");
}

/* ================================================================= atomic */

TestSuite(lib_atomic, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 30);

Test(lib_atomic, failed_writes_leave_nothing_behind,
     .description = "missing folder or a folder as target: CL_E_IO naming the path, no files")
{
    const float v[1] = {1.0f};
    const long shape[1] = {1};
    const char *missing = tmp_path("no/such/dir/x.npy");
    cr_expect_eq(cl_npy_write(missing, v, CL_DTYPE_F32, 1, shape), CL_E_IO, "missing folder");
    expect_msg_has(missing);
    const char *dir = tmp_path("target");
    cr_assert_eq(mkdir(dir, 0755), 0, "mkdir");
    cr_expect_eq(cl_npy_write(dir, v, CL_DTYPE_F32, 1, shape), CL_E_IO, "folder as target");
    expect_msg_has("target");
    cr_expect_eq(files_in(tmpdir), 1, "only the folder remains: no temporary file left");
    cr_expect_eq(files_in(dir), 0, "the folder was not touched");
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 2, 1), CL_OK, "alloc");
    cr_expect_eq(cl_image_save_png(dir, &im), CL_E_IO, "PNG onto a folder");
    cr_expect_eq(files_in(tmpdir), 1, "no temporary PNG left");
    cl_image_free(&im);
}

Test(lib_atomic, rewriting_replaces_the_file_whole,
     .description = "writing over an existing file replaces it; the result is world-readable")
{
    const char *path = tmp_path("x.npy");
    write_lit(path, "old contents that are longer than a tiny npy file ............");
    const float v[1] = {2.0f};
    const long shape[1] = {1};
    cr_assert_eq(cl_npy_write(path, v, CL_DTYPE_F32, 1, shape), CL_OK, "%s", cl_last_error());
    float *data = NULL;
    cl_npy_info info;
    cr_assert_eq(cl_npy_read(path, &data, &info), CL_OK, "%s", cl_last_error());
    cr_expect_eq(data[0], 2.0f, "new value");
    free(data);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "stat");
    cr_expect_eq(sb.st_mode & 0777, 0644u, "mode %o", (unsigned)(sb.st_mode & 0777));
    cr_expect_eq(files_in(tmpdir), 1, "no temporary file left");
}

/* ==================================================================== png */

TestSuite(lib_png, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 30);

Test(lib_png, gray_round_trip_is_exact,
     .description = "a gray image saved as PNG loads back with the same 0..255 values")
{
    cl_image im = {0}, back = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 16, 17, 1), CL_OK, "alloc");
    for (int i = 0; i < 16 * 17; i++)
        im.data[i] = (float)(i % 256);
    const char *path = tmp_path("g.png");
    cr_assert_eq(cl_image_save_png(path, &im), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_image_load(&back, path, 0), CL_OK, "%s", cl_last_error());
    cr_expect(back.n == 1 && back.h == 16 && back.w == 17 && back.c == 1, "gray stays gray");
    cr_expect_eq(memcmp(back.data, im.data, 16 * 17 * sizeof(float)), 0, "values");
    cr_expect_eq(cl_image_guards_ok(&back), 1, "guards");
    cl_image_free(&im);
    cl_image_free(&back);
}

Test(lib_png, saving_rounds_half_to_even_and_clamps,
     .description = "save converts with cl_float_to_u8: 2.5->2, 3.5->4, -7->0, 300->255, NaN->0")
{
    cl_image im = {0}, back = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 1, 6, 1), CL_OK, "alloc");
    const float in[6] = {2.5f, 3.5f, -7.0f, 300.0f, NAN, 254.5f};
    const float want[6] = {2, 4, 0, 255, 0, 254};
    memcpy(im.data, in, sizeof in);
    const char *path = tmp_path("r.png");
    cr_assert_eq(cl_image_save_png(path, &im), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_image_load(&back, path, 1), CL_OK, "%s", cl_last_error());
    for (int i = 0; i < 6; i++)
        cr_expect_eq(back.data[i], want[i], "pixel %d: %g, expected %g", i, back.data[i],
                     want[i]);
    cl_image_free(&im);
    cl_image_free(&back);
}

Test(lib_png, rgb_round_trip_and_channel_conversion,
     .description = "RGB round trip; gray from RGB uses stb's (77r+150g+29b)>>8; 1->3 copies")
{
    cl_image im = {0}, back = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 3, 3), CL_OK, "alloc");
    for (int i = 0; i < 18; i++)
        im.data[i] = (float)(i * 14);
    im.data[0] = 255; /* pixel (0,0) pure red */
    im.data[1] = 0;
    im.data[2] = 0;
    const char *path = tmp_path("c.png");
    cr_assert_eq(cl_image_save_png(path, &im), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_image_load(&back, path, 0), CL_OK, "%s", cl_last_error());
    cr_expect(back.h == 2 && back.w == 3 && back.c == 3, "RGB stays RGB");
    cr_expect_eq(memcmp(back.data, im.data, 18 * sizeof(float)), 0, "RGB values");
    cr_assert_eq(cl_image_load(&back, path, 1), CL_OK, "%s", cl_last_error());
    cr_expect_eq(back.c, 1, "converted to gray");
    cr_expect_eq(back.data[0], (float)((77 * 255) >> 8), "red -> %g", back.data[0]);
    int r = 126, g = 140, b = 154; /* pixel (1,0): values 14 * (9, 10, 11) */
    cr_expect_eq(back.data[3], (float)((77 * r + 150 * g + 29 * b) >> 8), "gray of (1,0)");

    cl_image gray = {0};
    cr_assert_eq(cl_image_alloc(&gray, 1, 1, 2, 1), CL_OK, "alloc");
    gray.data[0] = 10;
    gray.data[1] = 200;
    cr_assert_eq(cl_image_save_png(path, &gray), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_image_load(&back, path, 3), CL_OK, "%s", cl_last_error());
    cr_expect(back.c == 3 && back.data[0] == 10 && back.data[2] == 10 && back.data[5] == 200,
              "gray -> RGB copies the value");
    cl_image_free(&gray);
    cl_image_free(&im);
    cl_image_free(&back);
}

Test(lib_png, alpha_is_dropped_when_keeping_the_files_channels,
     .description = "RGBA loads as RGB and gray+alpha as gray with channels = 0")
{
    cl_image im = {0}, back = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 1, 2, 4), CL_OK, "alloc");
    const float px[8] = {10, 20, 30, 128, 40, 50, 60, 255};
    memcpy(im.data, px, sizeof px);
    const char *path = tmp_path("a.png");
    cr_assert_eq(cl_image_save_png(path, &im), CL_OK, "4 channels save: %s", cl_last_error());
    cr_assert_eq(cl_image_load(&back, path, 0), CL_OK, "%s", cl_last_error());
    cr_expect_eq(back.c, 3, "RGBA -> RGB");
    cr_expect(back.data[0] == 10 && back.data[2] == 30 && back.data[3] == 40 &&
                  back.data[5] == 60,
              "colour kept, alpha dropped");
    /* a gray+alpha PNG, written by stb directly */
    const unsigned char ga[4] = {77, 9, 200, 255};
    cr_assert(stbi_write_png(tmp_path("ga.png"), 2, 1, 2, ga, 4), "stb wrote gray+alpha");
    cr_assert_eq(cl_image_load(&back, tmp_path("ga.png"), 0), CL_OK, "%s", cl_last_error());
    cr_expect(back.c == 1 && back.data[0] == 77 && back.data[1] == 200, "gray+alpha -> gray");
    cl_image_free(&im);
    cl_image_free(&back);
}

Test(lib_png, save_rejects_batches_and_two_channels,
     .description = "n != 1 or c not in {1,3,4} are CL_E_SHAPE and write nothing")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 2, 2, 2, 1), CL_OK, "alloc");
    cr_expect_eq(cl_image_save_png(tmp_path("b.png"), &im), CL_E_SHAPE, "batch of 2");
    expect_msg_has("n must be 1");
    cr_assert_eq(cl_image_alloc(&im, 1, 2, 2, 2), CL_OK, "alloc");
    cr_expect_eq(cl_image_save_png(tmp_path("b.png"), &im), CL_E_SHAPE, "2 channels");
    expect_msg_has("1, 3 or 4 channels");
    cr_expect_eq(cl_image_save_png(NULL, &im), CL_E_ARG, "NULL path");
    cr_expect_eq(cl_image_save_png(tmp_path("b.png"), NULL), CL_E_ARG, "NULL image");
    cr_expect_eq(files_in(tmpdir), 0, "nothing written");
    cl_image_free(&im);
}

Test(lib_png, load_errors_are_io_format_or_arg,
     .description = "missing file CL_E_IO, garbage CL_E_FORMAT (with the path), channels 2 "
                    "CL_E_ARG; out left empty")
{
    cl_image im = {0};
    cr_expect_eq(cl_image_load(&im, tmp_path("missing.png"), 0), CL_E_IO, "missing");
    expect_msg_has("missing.png");
    write_lit(tmp_path("junk.png"), "this is not an image at all");
    cr_expect_eq(cl_image_load(&im, tmp_path("junk.png"), 0), CL_E_FORMAT, "junk");
    expect_msg_has("junk.png");
    /* a PNG cut in half */
    cl_image src = {0};
    cr_assert_eq(cl_image_alloc(&src, 1, 64, 64, 3), CL_OK, "alloc");
    for (int i = 0; i < 64 * 64 * 3; i++)
        src.data[i] = (float)((i * 7919) % 256);
    cr_assert_eq(cl_image_save_png(tmp_path("full.png"), &src), CL_OK, "%s", cl_last_error());
    char buf[65536];
    size_t n = read_bytes(tmp_path("full.png"), buf, sizeof buf);
    write_bytes(tmp_path("half.png"), buf, n / 2);
    cr_expect_eq(cl_image_load(&im, tmp_path("half.png"), 0), CL_E_FORMAT, "truncated PNG");
    cr_expect(is_empty(&im), "out left empty");
    cr_expect_eq(cl_image_load(&im, tmp_path("full.png"), 2), CL_E_ARG, "channels 2");
    expect_msg_has("got 2");
    cr_expect_eq(cl_image_load(&im, NULL, 0), CL_E_ARG, "NULL path");
    cl_image_free(&src);
}

Test(lib_png, read_any_picks_the_reader_by_extension,
     .description = ".npy (any case) goes to the npy reader; images report rank 2 or 3")
{
    cl_image im = {0};
    cr_assert_eq(cl_image_alloc(&im, 1, 3, 4, 3), CL_OK, "alloc");
    cr_assert_eq(cl_image_write_npy(tmp_path("x.NPY"), &im, 3), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_image_save_png(tmp_path("x.png"), &im), CL_OK, "%s", cl_last_error());
    cl_image back = {0};
    int nd = 0;
    cr_assert_eq(cl_image_read_any(&back, tmp_path("x.NPY"), 0, &nd), CL_OK, "%s",
                 cl_last_error());
    cr_expect(nd == 3 && back.c == 3, ".NPY read as npy");
    cr_expect_eq(cl_image_read_any(&back, tmp_path("x.NPY"), 1, &nd), CL_E_SHAPE,
                 "3-channel npy when 1 is requested");
    cr_expect(is_empty(&back), "out empty");
    cr_assert_eq(cl_image_read_any(&back, tmp_path("x.png"), 0, &nd), CL_OK, "%s",
                 cl_last_error());
    cr_expect(nd == 3 && back.c == 3, "RGB png is rank 3");
    cr_assert_eq(cl_image_read_any(&back, tmp_path("x.png"), 1, &nd), CL_OK, "%s",
                 cl_last_error());
    cr_expect(nd == 2 && back.c == 1, "gray is rank 2");
    cr_assert_eq(cl_image_read_any(&back, tmp_path("x.png"), 0, NULL), CL_OK, "NULL ndim ok");
    cr_expect_eq(cl_image_read_any(&back, tmp_path("x.npy"), 0, &nd), CL_E_IO,
                 "x.npy does not exist (only x.NPY)");
    cl_image_free(&im);
    cl_image_free(&back);
}

/* ==================================================================== idx */

TestSuite(lib_idx, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 60);

/* Values computed with numpy from the Debian dataset-fashion-mnist files. */
#define T10K_FIRST_LABELS {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}
#define T10K_IMAGE0_SUM 33456
#define T10K_IMAGE0_WEIGHTED 16008570LL /* sum of pixel[i] * (i + 1) */
#define T10K_IMAGE9999_SUM 24390
#define T10K_IMAGE9999_WEIGHTED 10911940LL
#define T10K_ALL_SUM 573469082LL

static char fashion_file[512];

static const char *t10k(const char *kind)
{
    cr_assert_eq(cl_fashion_path(fashion_file, sizeof fashion_file, NULL, "t10k", kind), CL_OK,
                 "%s", cl_last_error());
    if (access(fashion_file, R_OK) != 0)
        cr_skip_test("Fashion-MNIST not installed at %s", fashion_file);
    return fashion_file;
}

static long long weighted_sum(const float *v, int n, long long *plain)
{
    long long w = 0, s = 0;
    for (int i = 0; i < n; i++) {
        w += (long long)v[i] * (i + 1);
        s += (long long)v[i];
    }
    *plain = s;
    return w;
}

Test(lib_idx, fashion_paths_follow_the_dataset_names,
     .description = "cl_fashion_dir precedence (argument, env, default) and file names")
{
    unsetenv("CONVLAB_FASHION_DIR");
    cr_expect_str_eq(cl_fashion_dir(NULL), CL_FASHION_DEFAULT_DIR, "default");
    setenv("CONVLAB_FASHION_DIR", "/data/fm", 1);
    cr_expect_str_eq(cl_fashion_dir(NULL), "/data/fm", "environment");
    cr_expect_str_eq(cl_fashion_dir("/mine"), "/mine", "argument wins");
    char buf[128];
    cr_assert_eq(cl_fashion_path(buf, sizeof buf, "/d", "train", "images"), CL_OK, "path");
    cr_expect_str_eq(buf, "/d/train-images-idx3-ubyte.gz", "train images");
    cr_assert_eq(cl_fashion_path(buf, sizeof buf, NULL, "t10k", "labels"), CL_OK, "path");
    cr_expect_str_eq(buf, "/data/fm/t10k-labels-idx1-ubyte.gz", "t10k labels from env");
    cr_expect_eq(cl_fashion_path(buf, sizeof buf, "/d", "test", "images"), CL_E_ARG, "set");
    expect_msg_has("'test'");
    cr_expect_eq(cl_fashion_path(buf, sizeof buf, "/d", "t10k", "pixels"), CL_E_ARG, "kind");
    cr_expect_eq(cl_fashion_path(buf, 10, "/d", "t10k", "images"), CL_E_ARG, "buffer too small");
    cr_expect_str_eq(buf, "", "buffer emptied");
    unsetenv("CONVLAB_FASHION_DIR");
}

Test(lib_idx, t10k_header_and_labels,
     .description = "t10k: 10000 images of 28x28, first labels 9 2 1 1 6 ..., 1000 per class")
{
    int type, nd;
    long dims[4];
    cr_assert_eq(cl_idx_info(t10k("images"), &type, &nd, dims), CL_OK, "%s", cl_last_error());
    cr_expect(type == 0x08 && nd == 3, "ubyte, 3 dims");
    cr_expect(dims[0] == 10000 && dims[1] == 28 && dims[2] == 28, "10000x28x28");
    uint8_t *labels = NULL;
    int count = 0;
    cr_assert_eq(cl_idx_read_labels(&labels, &count, t10k("labels"), 0, 0), CL_OK, "%s",
                 cl_last_error());
    cr_assert_eq(count, 10000, "all labels");
    const int first[10] = T10K_FIRST_LABELS;
    for (int i = 0; i < 10; i++)
        cr_expect_eq(labels[i], first[i], "label %d", i);
    int hist[10] = {0};
    for (int i = 0; i < count; i++) {
        cr_assert_lt(labels[i], 10, "label %d is %d", i, labels[i]);
        hist[labels[i]]++;
    }
    for (int c = 0; c < 10; c++)
        cr_expect_eq(hist[c], 1000, "class %d has %d", c, hist[c]);
    free(labels);
    cr_assert_eq(cl_idx_read_labels(&labels, &count, t10k("labels"), 4, 3), CL_OK, "range");
    cr_expect(count == 3 && labels[0] == 6 && labels[1] == 1 && labels[2] == 4, "labels 4..6");
    free(labels);
}

Test(lib_idx, t10k_images_match_numpy,
     .description = "images 0 and 9999 and the whole set match numpy's sums exactly")
{
    cl_image im = {0};
    long long s;
    cr_assert_eq(cl_idx_read_images(&im, t10k("images"), 0, 1), CL_OK, "%s", cl_last_error());
    cr_expect(im.n == 1 && im.h == 28 && im.w == 28 && im.c == 1, "1x28x28x1");
    cr_expect_eq(weighted_sum(im.data, 784, &s), T10K_IMAGE0_WEIGHTED, "image 0 pixels");
    cr_expect_eq(s, T10K_IMAGE0_SUM, "image 0 sum");
    cr_assert_eq(cl_idx_read_images(&im, t10k("images"), 9999, 0), CL_OK, "%s", cl_last_error());
    cr_expect_eq(im.n, 1, "count 0 from 9999 = 1 image");
    cr_expect_eq(weighted_sum(im.data, 784, &s), T10K_IMAGE9999_WEIGHTED, "image 9999");
    cr_expect_eq(s, T10K_IMAGE9999_SUM, "image 9999 sum");
    cr_assert_eq(cl_idx_read_images(&im, t10k("images"), 0, 0), CL_OK, "%s", cl_last_error());
    cr_expect_eq(im.n, 10000, "all images");
    long long total = 0;
    for (size_t i = 0; i < cl_image_count(&im); i++)
        total += (long long)im.data[i];
    cr_expect_eq(total, T10K_ALL_SUM, "sum of all pixels");
    cr_expect_eq(cl_image_guards_ok(&im), 1, "guards");
    cl_image_free(&im);
}

Test(lib_idx, out_of_range_requests_are_arg_errors,
     .description = "first outside 0..N-1, negative count or too many items: CL_E_ARG")
{
    cl_image im = {0};
    cr_expect_eq(cl_idx_read_images(&im, t10k("images"), 10000, 1), CL_E_ARG, "first = N");
    expect_msg_has("0..9999");
    cr_expect_eq(cl_idx_read_images(&im, t10k("images"), -1, 1), CL_E_ARG, "first -1");
    cr_expect_eq(cl_idx_read_images(&im, t10k("images"), 9990, 11), CL_E_ARG, "past the end");
    cr_expect_eq(cl_idx_read_images(&im, t10k("images"), 0, -5), CL_E_ARG, "count -5");
    cr_expect(is_empty(&im), "out empty");
    uint8_t *labels = (uint8_t *)"x";
    int count = 7;
    cr_expect_eq(cl_idx_read_labels(&labels, &count, t10k("labels"), 0, 10001), CL_E_ARG,
                 "too many labels");
    cr_expect(labels == NULL && count == 0, "outputs reset");
    cr_expect_eq(cl_idx_read_images(&im, t10k("labels"), 0, 1), CL_E_FORMAT,
                 "labels file as images");
    expect_msg_has("not an IDX image file");
    cr_expect_eq(cl_idx_read_labels(&labels, &count, t10k("images"), 0, 1), CL_E_FORMAT,
                 "images file as labels");
}

/* Writes an IDX file: magic, dims, then `payload` bytes (value i % 251),
 * gzip-compressed when gz. */
static const char *craft_idx(const char *name, uint32_t magic, int nd, const uint32_t *dims,
                             size_t payload, int gz)
{
    size_t len = 4 + 4 * (size_t)nd + payload;
    unsigned char *buf = malloc(len);
    unsigned char *p = buf;
    uint32_t words[8] = {magic};
    for (int i = 0; i < nd; i++)
        words[i + 1] = dims[i];
    for (int w = 0; w <= nd; w++) {
        *p++ = (unsigned char)(words[w] >> 24);
        *p++ = (unsigned char)(words[w] >> 16);
        *p++ = (unsigned char)(words[w] >> 8);
        *p++ = (unsigned char)words[w];
    }
    for (size_t i = 0; i < payload; i++)
        p[i] = (unsigned char)(i % 251);
    const char *path = tmp_path(name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        cr_assert_not_null(f, "gzopen %s", path);
        gzwrite(f, buf, (unsigned)len);
        gzclose(f);
    } else {
        write_bytes(path, buf, len);
    }
    free(buf);
    return path;
}

Test(lib_idx, crafted_files_plain_and_gzipped,
     .description = "small IDX files, compressed or not, with any rows x cols, read exactly")
{
    const uint32_t dims[3] = {3, 2, 5};
    for (int gz = 0; gz < 2; gz++) {
        const char *path = craft_idx(gz ? "s.gz" : "s.idx", 0x803, 3, dims, 30, gz);
        cl_image im = {0};
        cr_assert_eq(cl_idx_read_images(&im, path, 1, 2), CL_OK, "%s", cl_last_error());
        cr_expect(im.n == 2 && im.h == 2 && im.w == 5 && im.c == 1, "2x2x5x1");
        for (int i = 0; i < 20; i++)
            cr_expect_eq(im.data[i], (float)(10 + i), "gz=%d value %d", gz, i);
        cl_image_free(&im);
    }
    const uint32_t ldims[1] = {4};
    const char *lpath = craft_idx("l.gz", 0x801, 1, ldims, 4, 1);
    uint8_t *labels;
    int count;
    cr_assert_eq(cl_idx_read_labels(&labels, &count, lpath, 1, 0), CL_OK, "%s", cl_last_error());
    cr_expect(count == 3 && labels[0] == 1 && labels[2] == 3, "labels 1..3");
    free(labels);
}

Test(lib_idx, corrupt_and_truncated_files_are_format_errors,
     .description = "bad magic, short header, short data, corrupt gzip, zero items: "
                    "CL_E_FORMAT with a reason; missing file: CL_E_IO")
{
    cl_image im = {0};
    const uint32_t dims[3] = {3, 28, 28};
    const char *p = craft_idx("trunc.gz", 0x803, 3, dims, 2 * 784 + 100, 1);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 0), CL_E_FORMAT, "third image missing");
    expect_msg_has("truncated");
    cr_expect(is_empty(&im), "out empty");
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 2), CL_OK, "the two complete images read");
    cr_expect_eq(cl_idx_read_images(&im, p, 2, 1), CL_E_FORMAT, "skip then short");
    cl_image_free(&im);

    p = craft_idx("magic.idx", 0x0903, 3, dims, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 1), CL_E_FORMAT, "type 0x09");
    expect_msg_has("0x00000903");
    p = craft_idx("notidx.idx", 0x89504e47, 0, dims, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 1), CL_E_FORMAT, "PNG signature");
    expect_msg_has("not an IDX file");
    p = craft_idx("rank.idx", 0x0802, 2, dims, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 1), CL_E_FORMAT, "2-D file");
    p = craft_idx("rank6.idx", 0x0806, 3, dims, 0, 0);
    int type, nd;
    long d[4];
    cr_expect_eq(cl_idx_info(p, &type, &nd, d), CL_E_FORMAT, "6 dimensions");
    expect_msg_has("6 dimensions");
    write_lit(tmp_path("hdr.idx"), "\0\0\x08\x03\0\0\0\x01\0\0");
    cr_expect_eq(cl_idx_read_images(&im, tmp_path("hdr.idx"), 0, 1), CL_E_FORMAT,
                 "header cut short");
    expect_msg_has("truncated");
    write_lit(tmp_path("tiny.idx"), "\0\0");
    cr_expect_eq(cl_idx_info(tmp_path("tiny.idx"), &type, &nd, d), CL_E_FORMAT, "2 bytes");
    const uint32_t zero[3] = {0, 28, 28};
    p = craft_idx("zero.idx", 0x803, 3, zero, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 0), CL_E_FORMAT, "no items");
    const uint32_t flat[3] = {1, 0, 28};
    p = craft_idx("flat.idx", 0x803, 3, flat, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 0), CL_E_FORMAT, "0 rows");
    const uint32_t huge[3] = {4000000000u, 28, 28};
    p = craft_idx("huge.idx", 0x803, 3, huge, 0, 0);
    cr_expect_eq(cl_idx_read_images(&im, p, 0, 1), CL_E_TOOBIG, "4e9 items claimed");

    /* a real gzip stream with its deflate data overwritten */
    const uint32_t ok[3] = {2, 28, 28};
    p = craft_idx("corrupt.gz", 0x803, 3, ok, 2 * 784, 1);
    unsigned char buf[4096];
    size_t n = read_bytes(p, buf, sizeof buf);
    for (size_t i = 12; i < n - 8; i++)
        buf[i] = (unsigned char)(0xA5 ^ i);
    write_bytes(p, buf, n);
    int st = cl_idx_read_images(&im, p, 0, 0);
    cr_expect(st == CL_E_FORMAT, "corrupt gzip gives CL_E_FORMAT, got %d (%s)", st,
              cl_last_error());
    cr_expect(is_empty(&im), "out empty");

    cr_expect_eq(cl_idx_read_images(&im, tmp_path("missing.gz"), 0, 1), CL_E_IO, "missing");
    expect_msg_has("missing.gz");
    cr_expect_eq(cl_idx_info(NULL, &type, &nd, d), CL_E_ARG, "NULL path");
}

/* mkimages.c -- gathers the kit's test images into a build folder (floor 3).
 *
 * USAGE
 *   mkimages --recipes FILE --out DIR [--photos FILE] [--extra DIR]
 *            [--fashion-dir DIR] [--allow-missing]
 *
 * Nothing this program writes is committed: `make images` runs it into
 * build/images. It writes, creating folders as `mkdir -p` does:
 *
 *   DIR/synthetic/NAME.npy, NAME.png  one per recipe line (float32 (H,W) and PNG)
 *   DIR/photos/NAME.png               photographs from Debian packages;
 *              NAME.npy               gray ones also as float32 (H,W);
 *              NAME_gray.png/.npy     the gray version of a colour photo
 *   DIR/fashion/fashion_16.npy        the first 16 Fashion-MNIST test images,
 *                                     float32 (16,28,28,1), values 0..255
 *              fashion_16_labels.txt  "index label class_name" per line
 *              fashion_00.png .. fashion_15.png
 *   DIR/extra/STEM.png                every .png/.jpg/.jpeg/.bmp of --extra
 *                                     (an instructor's own photos), re-encoded
 *   DIR/MANIFEST.txt                  one line per image file written:
 *                                     "path shape min max" (shape as numpy
 *                                     reads the file back: 6x5, 300x451x3)
 *
 * RECIPES (--recipes, e.g. images/recipes.txt)
 *   One synthetic image per line; '#' starts a comment; blank lines are
 *   ignored. Fields are separated by blanks:
 *
 *       NAME  KIND  HxW  [key=value ...]
 *
 *   NAME is [A-Za-z0-9_-]+ and names the output files; HxW is rows x
 *   columns (1..4096 each). Kinds and their keys (defaults in brackets):
 *
 *     letter_f  a letter F of `hi` [255] on `lo` [0], drawn from a 6x5 glyph
 *               (stretched by nearest neighbour for other sizes) inside a
 *               frame of `margin` [0] pixels of `lo`:
 *                   #####
 *                   #....
 *                   ####.
 *                   #....
 *                   #....
 *                   #....
 *               asymmetric in both axes and not square, so flips and
 *               transposes show; without a margin it touches all four borders.
 *     checker   cells of `cell` [1] pixels, `hi` [255] in the top-left cell,
 *               alternating with `lo` [0].
 *     gradient  a linear ramp from `lo` [0] to `hi` [255] along `dir` [h]:
 *               h = left to right, v = top to bottom, d = top-left to
 *               bottom-right (x + y).
 *     impulse   zeros with a single `value` [1] at `at`=Y,X [H/2,W/2].
 *     noise     uniform noise between `lo` [0] and `hi` [255] from `seed` [1]
 *               (splitmix64, row-major order, so the same on every machine);
 *               int=1 [default] draws integers lo..hi, int=0 real values.
 *     constant  every pixel `value` [0].
 *
 *   Example:   letter_f     letter_f  6x5
 *              noise_31x29  noise     31x29  seed=7 lo=0 hi=255
 *
 * PHOTOS (--photos, e.g. images/photos.txt)
 *   One photograph per line, '#' comments:
 *
 *       NAME  PATH  [gray|rgb]  [pet]  [pkg=DEBIAN_PACKAGE]
 *
 *   gray writes NAME.png and NAME.npy; rgb writes NAME.png in colour and
 *   NAME_gray.png/.npy (stb_image's gray conversion). Without either word the
 *   file's own channels decide. A relative PATH is relative to the current
 *   folder. A missing file is skipped with a warning naming pkg (the package
 *   to install). `pet` marks the lesson's pet photo: when no `pet` line could
 *   be read, mkimages fails unless --allow-missing is given.
 *
 * EXIT STATUS
 *   0  everything needed was written (missing optional photos and unreadable
 *      extra files are only warnings);
 *   1  a recipe failed, the pet photo or Fashion-MNIST is missing (without
 *      --allow-missing), or a file could not be written;
 *   2  bad command line.
 */
#include "convlab.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PROG "mkimages"
#define MAX_SIDE 4096
#define FASHION_COUNT 16
#define LINE_MAX_LEN 1024
#define SKIPPED 1 /* a stage's input is missing or unreadable (not a cl_status) */

/* ------------------------------------------------------------- messages */

static void warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Prints "mkimages: <what>: <library message>" for a failed library call. */
static int report(int status, const char *what)
{
    const char *detail = cl_last_error();
    warn("%s: %s", what, detail[0] ? detail : cl_status_str(status));
    return status;
}

/* -------------------------------------------------------------- context */

/* What every stage needs: where to write, the manifest, and the counts. */
typedef struct context {
    const char *out;       /* output root */
    FILE *manifest;        /* DIR/MANIFEST.txt.tmp, renamed at the end */
    int n_synthetic, n_photos, n_fashion, n_extra; /* images (PNG files) written */
    int errors;            /* failures that make the exit status 1 */
} context;

/* snprintf into buf, failing (CL_E_ARG) when the path does not fit. */
static int join(char *buf, size_t size, const char *a, const char *b, const char *c)
{
    int n = snprintf(buf, size, "%s/%s%s", a, b, c ? c : "");
    if (n < 0 || (size_t)n >= size)
        return cl_fail(CL_E_ARG, "path too long: %s/%s%s", a, b, c ? c : "");
    return CL_OK;
}

/* mkdir -p: creates path and its missing parents. */
static int make_dirs(const char *path)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        return cl_fail(CL_E_ARG, "path too long: %s", path);
    strcpy(buf, path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return cl_fail(CL_E_IO, "cannot create folder %s: %s", buf, strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return cl_fail(CL_E_IO, "%s exists and is not a folder", path);
    return CL_OK;
}

/* Appends "relpath shape min max" to the manifest. shape is "HxW" when the
 * file reads back as 2-D, else "HxWxC" (or "NxHxWxC" for a batch). */
static void manifest_add(context *cx, const char *rel, const cl_image *im, int rank, float lo,
                         float hi)
{
    char shape[64];
    if (rank == 2)
        snprintf(shape, sizeof shape, "%dx%d", im->h, im->w);
    else if (rank == 3)
        snprintf(shape, sizeof shape, "%dx%dx%d", im->h, im->w, im->c);
    else
        snprintf(shape, sizeof shape, "%dx%dx%dx%d", im->n, im->h, im->w, im->c);
    fprintf(cx->manifest, "%-36s %-14s %g %g\n", rel, shape, lo, hi);
}

static void float_range(const cl_image *im, float *lo, float *hi)
{
    size_t count = cl_image_count(im);
    *lo = *hi = im->data[0];
    for (size_t i = 1; i < count; i++) {
        *lo = fminf(*lo, im->data[i]);
        *hi = fmaxf(*hi, im->data[i]);
    }
}

/* Saves im as OUT/sub/name.png and records it (range of the 8-bit values). */
static int save_png(context *cx, const char *sub, const char *name, const cl_image *im)
{
    char rel[512], path[4096];
    int st = join(rel, sizeof rel, sub, name, ".png");
    if (st == CL_OK)
        st = join(path, sizeof path, cx->out, rel, NULL);
    if (st == CL_OK)
        st = cl_image_save_png(path, im);
    if (st != CL_OK)
        return report(st, rel);
    float lo, hi;
    float_range(im, &lo, &hi);
    manifest_add(cx, rel, im, im->c == 1 ? 2 : 3, cl_float_to_u8(lo), cl_float_to_u8(hi));
    return CL_OK;
}

/* Saves im as OUT/sub/name.npy of the given rank and records it. */
static int save_npy(context *cx, const char *sub, const char *name, const cl_image *im,
                    int rank)
{
    char rel[512], path[4096];
    int st = join(rel, sizeof rel, sub, name, ".npy");
    if (st == CL_OK)
        st = join(path, sizeof path, cx->out, rel, NULL);
    if (st == CL_OK)
        st = cl_image_write_npy(path, im, rank);
    if (st != CL_OK)
        return report(st, rel);
    float lo, hi;
    float_range(im, &lo, &hi);
    manifest_add(cx, rel, im, rank, lo, hi);
    return CL_OK;
}

/* ------------------------------------------------------- line reading */

/* Splits line into blank-separated fields (in place, '#' ends the line).
 * Returns the number of fields (at most max). */
static int split_fields(char *line, char **field, int max)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    int n = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && n < max; tok = strtok(NULL, " \t\r\n"))
        field[n++] = tok;
    return n;
}

static int valid_name(const char *name)
{
    if (!*name || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9')
              || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_int(const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* Parses "A<sep>B" ("17x13", "2,7") with both in min..max. */
static int parse_pair(const char *text, char sep, long min, long max, long *a, long *b)
{
    char buf[64];
    const char *s = strchr(text, sep);
    if (!s || (size_t)(s - text) >= sizeof buf)
        return 0;
    memcpy(buf, text, (size_t)(s - text));
    buf[s - text] = '\0';
    return parse_int(buf, min, max, a) && parse_int(s + 1, min, max, b);
}

/* ------------------------------------------------------------ synthetic */

typedef enum kind { K_LETTER_F, K_CHECKER, K_GRADIENT, K_IMPULSE, K_NOISE, K_CONSTANT } kind;

/* A kind, its name and the keys its recipe line accepts. */
static const struct {
    const char *name;
    const char *keys; /* blank-separated, with blanks around */
} KINDS[] = {
    [K_LETTER_F] = {"letter_f", " lo hi margin "},
    [K_CHECKER] = {"checker", " lo hi cell "},
    [K_GRADIENT] = {"gradient", " lo hi dir "},
    [K_IMPULSE] = {"impulse", " value at "},
    [K_NOISE] = {"noise", " lo hi seed int "},
    [K_CONSTANT] = {"constant", " value "},
};
#define N_KINDS ((int)(sizeof KINDS / sizeof KINDS[0]))

typedef struct recipe {
    const char *name;
    kind kind;
    int h, w;
    double lo, hi, value;
    long cell, at_y, at_x, integer, margin;
    unsigned long long seed;
    char dir; /* 'h', 'v' or 'd' */
} recipe;

/* Sets one key=value of r; returns 0 with a message in why on error. */
static int recipe_set(recipe *r, const char *key, const char *val, char *why, size_t size)
{
    char padded[40];
    snprintf(padded, sizeof padded, " %s ", key);
    if (!strstr(KINDS[r->kind].keys, padded)) {
        const char *keys = KINDS[r->kind].keys;
        snprintf(why, size, "kind %s has no key '%s' (keys:%.*s)", KINDS[r->kind].name, key,
                 (int)strlen(keys) - 1, keys);
        return 0;
    }
    long seed = 0;
    int ok = 1;
    if (!strcmp(key, "lo"))
        ok = parse_double(val, &r->lo);
    else if (!strcmp(key, "hi"))
        ok = parse_double(val, &r->hi);
    else if (!strcmp(key, "value"))
        ok = parse_double(val, &r->value);
    else if (!strcmp(key, "cell"))
        ok = parse_int(val, 1, MAX_SIDE, &r->cell);
    else if (!strcmp(key, "margin"))
        ok = parse_int(val, 0, MAX_SIDE, &r->margin) && 2 * r->margin < r->h
             && 2 * r->margin < r->w;
    else if (!strcmp(key, "int"))
        ok = parse_int(val, 0, 1, &r->integer);
    else if (!strcmp(key, "seed")) {
        ok = parse_int(val, 0, 2147483647L, &seed);
        r->seed = (unsigned long long)seed;
    }
    else if (!strcmp(key, "dir")) {
        ok = !strcmp(val, "h") || !strcmp(val, "v") || !strcmp(val, "d");
        r->dir = val[0];
    }
    else if (!strcmp(key, "at"))
        ok = parse_pair(val, ',', 0, MAX_SIDE - 1, &r->at_y, &r->at_x) && r->at_y < r->h
             && r->at_x < r->w;
    if (!ok)
        snprintf(why, size, "bad value '%s' for %s", val, key);
    return ok;
}

/* Fills r from the fields of one recipe line. */
static int recipe_parse(recipe *r, char **f, int nf, char *why, size_t size)
{
    long h, w;
    if (nf < 3) {
        snprintf(why, size, "expected NAME KIND HxW [key=value ...]");
        return 0;
    }
    if (!valid_name(f[0])) {
        snprintf(why, size, "bad name '%s' (letters, digits, _ and - only)", f[0]);
        return 0;
    }
    int k = 0;
    while (k < N_KINDS && strcmp(f[1], KINDS[k].name) != 0)
        k++;
    if (k == N_KINDS) {
        snprintf(why, size, "unknown kind '%s' (letter_f checker gradient impulse noise constant)",
                 f[1]);
        return 0;
    }
    if (!parse_pair(f[2], 'x', 1, MAX_SIDE, &h, &w)) {
        snprintf(why, size, "bad size '%s' (HxW, 1..%d each)", f[2], MAX_SIDE);
        return 0;
    }
    *r = (recipe){.name = f[0], .kind = (kind)k, .h = (int)h, .w = (int)w, .lo = 0, .hi = 255,
                  .value = k == K_IMPULSE ? 1 : 0, .cell = 1, .at_y = h / 2, .at_x = w / 2,
                  .integer = 1, .seed = 1, .dir = 'h'};
    for (int i = 3; i < nf; i++) {
        char *eq = strchr(f[i], '=');
        if (!eq) {
            snprintf(why, size, "expected key=value, got '%s'", f[i]);
            return 0;
        }
        *eq = '\0';
        if (!recipe_set(r, f[i], eq + 1, why, size))
            return 0;
    }
    return 1;
}

/* splitmix64 (Steele, Lea, Flood 2014): a tiny PRNG, identical everywhere. */
static unsigned long long splitmix64(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static const char *const LETTER_F[6] = {"#####", "#....", "####.", "#....", "#....", "#...."};

/* 1 where pixel (y, x) of a letter_f recipe is ink: the glyph stretched
 * over the image less its margin. */
static int letter_f_ink(const recipe *r, int y, int x)
{
    long m = r->margin, ih = r->h - 2 * m, iw = r->w - 2 * m;
    if (y < m || x < m || y >= m + ih || x >= m + iw)
        return 0;
    return LETTER_F[(y - m) * 6 / ih][(x - m) * 5 / iw] == '#';
}

/* The value of pixel (y, x) of recipe r; *rng is the noise state. */
static float recipe_pixel(const recipe *r, int y, int x, unsigned long long *rng)
{
    double t, u;
    switch (r->kind) {
    case K_LETTER_F:
        return (float)(letter_f_ink(r, y, x) ? r->hi : r->lo);
    case K_CHECKER:
        return (float)(((y / r->cell + x / r->cell) % 2 == 0) ? r->hi : r->lo);
    case K_GRADIENT:
        if (r->dir == 'h')
            t = r->w > 1 ? (double)x / (r->w - 1) : 0;
        else if (r->dir == 'v')
            t = r->h > 1 ? (double)y / (r->h - 1) : 0;
        else
            t = r->h + r->w > 2 ? (double)(x + y) / (r->h + r->w - 2) : 0;
        return (float)(r->lo + (r->hi - r->lo) * t);
    case K_IMPULSE:
        return (float)(y == r->at_y && x == r->at_x ? r->value : 0);
    case K_NOISE:
        u = (double)(splitmix64(rng) >> 11) * 0x1.0p-53; /* [0, 1) */
        if (r->integer)
            return (float)(floor(r->lo) + floor(u * (floor(r->hi) - floor(r->lo) + 1)));
        return (float)(r->lo + u * (r->hi - r->lo));
    case K_CONSTANT:
        return (float)r->value;
    }
    return 0;
}

static int recipe_write(context *cx, const recipe *r)
{
    cl_image im = {0};
    int st = cl_image_alloc(&im, 1, r->h, r->w, 1);
    if (st != CL_OK)
        return report(st, r->name);
    unsigned long long rng = r->seed;
    for (int y = 0; y < r->h; y++)
        for (int x = 0; x < r->w; x++)
            *cl_px(&im, 0, y, x, 0) = recipe_pixel(r, y, x, &rng);
    st = save_npy(cx, "synthetic", r->name, &im, 2);
    if (st == CL_OK)
        st = save_png(cx, "synthetic", r->name, &im);
    cl_image_free(&im);
    return st;
}

/* Writes every recipe of the file; each failed line counts as an error. */
static void make_synthetic(context *cx, const char *recipes_path)
{
    FILE *f = fopen(recipes_path, "r");
    if (!f) {
        warn("cannot read recipes %s: %s", recipes_path, strerror(errno));
        cx->errors++;
        return;
    }
    char line[LINE_MAX_LEN], why[256];
    char *field[32];
    for (int lineno = 1; fgets(line, sizeof line, f); lineno++) {
        int nf = split_fields(line, field, 32);
        recipe r;
        if (nf == 0)
            continue;
        if (!recipe_parse(&r, field, nf, why, sizeof why)) {
            warn("%s:%d: %s", recipes_path, lineno, why);
            cx->errors++;
        } else if (recipe_write(cx, &r) != CL_OK) {
            cx->errors++;
        } else {
            cx->n_synthetic++;
        }
    }
    fclose(f);
}

/* --------------------------------------------------------------- photos */

typedef struct photo {
    const char *name, *path, *pkg;
    int channels; /* 0 = as in the file, 1 = gray, 3 = rgb */
    int pet;
} photo;

static int photo_parse(photo *p, char **f, int nf, char *why, size_t size)
{
    if (nf < 2 || !valid_name(f[0])) {
        snprintf(why, size, "expected NAME PATH [gray|rgb] [pet] [pkg=PACKAGE]");
        return 0;
    }
    *p = (photo){.name = f[0], .path = f[1], .pkg = NULL, .channels = 0, .pet = 0};
    for (int i = 2; i < nf; i++) {
        if (!strcmp(f[i], "gray"))
            p->channels = 1;
        else if (!strcmp(f[i], "rgb"))
            p->channels = 3;
        else if (!strcmp(f[i], "pet"))
            p->pet = 1;
        else if (!strncmp(f[i], "pkg=", 4))
            p->pkg = f[i] + 4;
        else {
            snprintf(why, size, "unknown word '%s' (gray, rgb, pet, pkg=PACKAGE)", f[i]);
            return 0;
        }
    }
    return 1;
}

/* Writes the gray version of a photo: NAME(.png|.npy), or NAME_gray when
 * the colour one is written too. */
static int photo_write_gray(context *cx, const photo *p, const char *name)
{
    cl_image gray = {0};
    int st = cl_image_load(&gray, p->path, 1);
    if (st != CL_OK)
        return report(st, p->path);
    st = save_png(cx, "photos", name, &gray);
    if (st == CL_OK) {
        cx->n_photos++;
        st = save_npy(cx, "photos", name, &gray, 2);
    }
    cl_image_free(&gray);
    return st;
}

/* Loads one photo and writes it. Returns CL_OK; SKIPPED when the file is
 * missing or unreadable (a warning has been printed); or the status of a
 * failed write. */
static int photo_write(context *cx, const photo *p)
{
    char gray_name[80];
    cl_image im = {0};
    struct stat st_file;
    if (stat(p->path, &st_file) != 0) {
        if (p->pkg)
            warn("warning: photo '%s' skipped: %s is missing (install the Debian package %s: "
                 "apt-get install %s)",
                 p->name, p->path, p->pkg, p->pkg);
        else
            warn("warning: photo '%s' skipped: %s is missing", p->name, p->path);
        return SKIPPED;
    }
    int st = cl_image_load(&im, p->path, p->channels == 3 ? 3 : 0);
    if (st != CL_OK) {
        report(st, p->path);
        warn("warning: photo '%s' skipped", p->name);
        return SKIPPED;
    }
    int colour = p->channels == 3 || (p->channels == 0 && im.c > 1);
    if (colour) {
        st = save_png(cx, "photos", p->name, &im);
        if (st == CL_OK)
            cx->n_photos++;
        snprintf(gray_name, sizeof gray_name, "%s_gray", p->name);
    } else {
        snprintf(gray_name, sizeof gray_name, "%s", p->name);
    }
    cl_image_free(&im);
    if (st == CL_OK)
        st = photo_write_gray(cx, p, gray_name);
    return st;
}

/* Writes every photo of the list. Missing photos are warnings; no readable
 * `pet` photo is an error unless allow_missing. */
static void make_photos(context *cx, const char *list_path, int allow_missing)
{
    FILE *f = fopen(list_path, "r");
    if (!f) {
        warn("cannot read photo list %s: %s", list_path, strerror(errno));
        cx->errors++;
        return;
    }
    char line[LINE_MAX_LEN], why[256];
    char *field[16];
    int pets = 0, pets_ok = 0;
    for (int lineno = 1; fgets(line, sizeof line, f); lineno++) {
        int nf = split_fields(line, field, 16);
        photo p;
        if (nf == 0)
            continue;
        if (!photo_parse(&p, field, nf, why, sizeof why)) {
            warn("%s:%d: %s", list_path, lineno, why);
            cx->errors++;
            continue;
        }
        int st = photo_write(cx, &p);
        pets += p.pet;
        pets_ok += p.pet && st == CL_OK;
        if (st != CL_OK && st != SKIPPED) /* a write failed */
            cx->errors++;
    }
    fclose(f);
    if (pets > 0 && pets_ok == 0) {
        warn("%s: no pet photo could be read; the lessons need one (apt-get install "
             "python3-skimage, or list your own photo with the word 'pet' in %s)",
             allow_missing ? "warning" : "error", list_path);
        cx->errors += !allow_missing;
    }
}

/* -------------------------------------------------------- Fashion-MNIST */

static const char *const FASHION_CLASSES[10] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

static int fashion_labels_write(context *cx, const uint8_t *labels, int count)
{
    char path[4096], tmp[4200];
    int st = join(path, sizeof path, cx->out, "fashion/fashion_16_labels.txt", NULL);
    if (st != CL_OK)
        return report(st, "labels");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return report(cl_fail(CL_E_IO, "cannot write %s: %s", tmp, strerror(errno)), "labels");
    for (int i = 0; i < count; i++)
        fprintf(f, "%d %d %s\n", i, labels[i], labels[i] < 10 ? FASHION_CLASSES[labels[i]] : "?");
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return report(cl_fail(CL_E_IO, "cannot write %s", path), "labels");
    }
    return CL_OK;
}

/* Saves image i of the batch as fashion_II.png. */
static int fashion_png_write(context *cx, const cl_image *batch, int i)
{
    cl_image one = {0};
    char name[32];
    int st = cl_image_alloc(&one, 1, batch->h, batch->w, batch->c);
    if (st != CL_OK)
        return report(st, "fashion image");
    memcpy(one.data, cl_px(batch, i, 0, 0, 0), cl_image_count(&one) * sizeof(float));
    snprintf(name, sizeof name, "fashion_%02d", i);
    st = save_png(cx, "fashion", name, &one);
    cl_image_free(&one);
    return st;
}

/* Writes the first FASHION_COUNT test images and their labels. Returns
 * CL_OK, SKIPPED when the dataset cannot be read (message printed), or the
 * status of a failed write. */
static int make_fashion(context *cx, const char *dir, int allow_missing)
{
    char images_path[4096], labels_path[4096];
    cl_image batch = {0};
    uint8_t *labels = NULL;
    int count = 0;
    int st = cl_fashion_path(images_path, sizeof images_path, dir, "t10k", "images");
    if (st == CL_OK)
        st = cl_fashion_path(labels_path, sizeof labels_path, dir, "t10k", "labels");
    if (st == CL_OK)
        st = cl_idx_read_images(&batch, images_path, 0, FASHION_COUNT);
    if (st == CL_OK)
        st = cl_idx_read_labels(&labels, &count, labels_path, 0, FASHION_COUNT);
    if (st != CL_OK) {
        report(st, "Fashion-MNIST");
        warn("%s: Fashion-MNIST not found in %s: install the Debian package "
             "dataset-fashion-mnist (apt-get install dataset-fashion-mnist), or name "
             "a folder with --fashion-dir or CONVLAB_FASHION_DIR",
             allow_missing ? "warning" : "error", cl_fashion_dir(dir));
        cl_image_free(&batch);
        free(labels);
        return SKIPPED;
    }
    st = save_npy(cx, "fashion", "fashion_16", &batch, 4);
    if (st == CL_OK)
        st = fashion_labels_write(cx, labels, count < batch.n ? count : batch.n);
    for (int i = 0; st == CL_OK && i < batch.n; i++) {
        st = fashion_png_write(cx, &batch, i);
        cx->n_fashion += st == CL_OK;
    }
    cl_image_free(&batch);
    free(labels);
    return st;
}

/* ---------------------------------------------------------------- extra */

static const char *image_extension(const char *name)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg", ".bmp"};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t n = strlen(exts[i]);
        if (len > n && strcasecmp(name + len - n, exts[i]) == 0)
            return name + len - n;
    }
    return NULL;
}

static int is_image_entry(const struct dirent *e)
{
    return e->d_name[0] != '.' && image_extension(e->d_name) != NULL;
}

/* Re-encodes one instructor file as extra/STEM.png, or STEM_EXT.png when
 * other files share its stem (mascot.jpg and mascot.png give mascot_jpg.png
 * and mascot_png.png). Returns CL_OK, SKIPPED for a file that is not a
 * readable image (warning printed), or the status of a failed write. */
static int extra_write(context *cx, const char *dir, const char *file, int shared)
{
    char path[4096], stem[256];
    const char *ext = image_extension(file);
    size_t stem_len = (size_t)(ext - file);
    int st = stem_len < sizeof stem - 8 ? join(path, sizeof path, dir, file, NULL)
                                        : cl_fail(CL_E_ARG, "file name too long");
    if (st != CL_OK)
        return report(st, file);
    memcpy(stem, file, stem_len);
    stem[stem_len] = '\0';
    if (shared)
        snprintf(stem + stem_len, sizeof stem - stem_len, "_%s", ext + 1);
    cl_image im = {0};
    st = cl_image_load(&im, path, 0);
    if (st != CL_OK) {
        report(st, path);
        warn("warning: skipped %s (not a readable image)", path);
        return SKIPPED;
    }
    st = save_png(cx, "extra", stem, &im);
    cl_image_free(&im);
    return st;
}

/* Files of the extra folder sorted by name, so the output is reproducible. */
static void make_extra(context *cx, const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, is_image_entry, alphasort);
    if (n < 0) {
        warn("warning: cannot read the extra folder %s: %s", dir, strerror(errno));
        return;
    }
    int skipped = 0;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        size_t stem = (size_t)(image_extension(name) - name);
        int shared = 0;
        for (int j = 0; j < n; j++)
            shared |= j != i && strncmp(list[j]->d_name, name, stem) == 0
                      && image_extension(list[j]->d_name) == list[j]->d_name + stem;
        int st = extra_write(cx, dir, name, shared);
        cx->n_extra += st == CL_OK;
        skipped += st == SKIPPED;
        cx->errors += st != CL_OK && st != SKIPPED;
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    if (n > 0)
        printf(PROG ": extra: %d of %d files from %s written, %d skipped\n", cx->n_extra, n, dir,
               skipped);
}

/* ----------------------------------------------------------------- main */

typedef struct options {
    const char *recipes, *photos, *extra, *out, *fashion_dir;
    int allow_missing;
} options;

static void usage(FILE *to)
{
    fprintf(to, "usage: " PROG " --recipes FILE --out DIR [--photos FILE] [--extra DIR]\n"
                "                [--fashion-dir DIR] [--allow-missing]\n"
                "Writes the kit's test images (synthetic, photos, fashion, extra) and\n"
                "MANIFEST.txt into DIR. The file formats are described at the top of\n"
                "harness/drivers/mkimages.c and in images/README.md.\n");
}

/* Returns 0, or 2 after printing what is wrong with the command line. */
static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--recipes")       ? &o->recipes
                            : !strcmp(a, "--photos")      ? &o->photos
                            : !strcmp(a, "--extra")       ? &o->extra
                            : !strcmp(a, "--out")         ? &o->out
                            : !strcmp(a, "--fashion-dir") ? &o->fashion_dir
                                                          : NULL;
        if (!strcmp(a, "--allow-missing")) {
            o->allow_missing = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 1;
        } else if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else {
            warn(slot ? "%s needs a value" : "unknown argument '%s'", a);
            usage(stderr);
            return 2;
        }
    }
    if (!o->recipes || !o->out) {
        warn("--recipes and --out are required");
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Creates the output folders and opens the manifest's temporary file. */
static int open_output(context *cx, char *tmp, size_t size)
{
    static const char *const subs[] = {"synthetic", "photos", "fashion", "extra"};
    char path[4096];
    int st = make_dirs(cx->out);
    for (size_t i = 0; st == CL_OK && i < sizeof subs / sizeof subs[0]; i++)
        if ((st = join(path, sizeof path, cx->out, subs[i], NULL)) == CL_OK)
            st = make_dirs(path);
    if (st == CL_OK)
        st = join(tmp, size, cx->out, "MANIFEST.txt", ".tmp");
    if (st == CL_OK && !(cx->manifest = fopen(tmp, "w")))
        st = cl_fail(CL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
    if (st != CL_OK)
        return report(st, cx->out);
    fprintf(cx->manifest, "# convlab test images, written by mkimages %s\n"
                          "# path shape(as numpy reads the file) min max\n",
            CL_VERSION);
    return CL_OK;
}

/* Closes the manifest and renames it into place. */
static int close_output(context *cx, const char *tmp)
{
    char path[4096];
    int st = join(path, sizeof path, cx->out, "MANIFEST.txt", NULL);
    int bad = fclose(cx->manifest) != 0;
    if (st != CL_OK || bad || rename(tmp, path) != 0) {
        remove(tmp);
        return report(cl_fail(CL_E_IO, "cannot write %s", path), "manifest");
    }
    return CL_OK;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep stdout and stderr lines in order */
    options o;
    int bad = parse_options(argc, argv, &o);
    if (bad)
        return bad == 1 ? 0 : 2;
    context cx = {.out = o.out};
    char manifest_tmp[4096];
    if (open_output(&cx, manifest_tmp, sizeof manifest_tmp) != CL_OK)
        return 1;

    make_synthetic(&cx, o.recipes);
    if (o.photos)
        make_photos(&cx, o.photos, o.allow_missing);
    int st = make_fashion(&cx, o.fashion_dir, o.allow_missing);
    if (st == SKIPPED ? !o.allow_missing : st != CL_OK)
        cx.errors++;
    if (o.extra)
        make_extra(&cx, o.extra);
    if (close_output(&cx, manifest_tmp) != CL_OK)
        cx.errors++;

    printf(PROG ": %d synthetic, %d photos, %d fashion, %d extra -> %s\n", cx.n_synthetic,
           cx.n_photos, cx.n_fashion, cx.n_extra, o.out);
    if (cx.errors)
        warn("%d error%s (see above)", cx.errors, cx.errors == 1 ? "" : "s");
    return cx.errors ? 1 : 0;
}

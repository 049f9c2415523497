/* judge_perf.c -- the performance measurements of the grader, made by the
 * trusted side (SPEC §7; judge.h for the command line; grader/rubric.toml
 * [performance], [[performance.budget]] and [a4] for the parameters).
 *
 * HOW A FUNCTION IS TIMED. The input is sent to the worker once (PREPARE).
 * Then, K times per round, interleaved:
 *   - the reference runs here on the same input, timed (cl_now_ns);
 *   - for the a4 speed-up, the naive baseline (judge_naive.c: the model
 *     solution's loops) runs here too, timed;
 *   - the worker runs the student's function once (GO), timed from request
 *     to reply: the computation alone, since the data is already there. Each
 *     GO first changes one value of the input (also changed here), so no
 *     timed call sees an input it has seen before: remembering an output
 *     does not pay.
 * Each side keeps its best time (best-of-K). The spread of a side is
 * (3rd best - best) / best; when a side's spread is over the rubric's
 * `spread`, another round of K pairs is added (the samples are pooled), up
 * to `rounds` rounds; if it is still too wide the verdict is "inconclusive",
 * which the grader never turns into lost points.
 *
 * ONLY CORRECT RESULTS COUNT. Right after each timed call, untimed, its
 * output (FETCH) is compared with the reference's on the same (changed)
 * input: an output still being written by a thread after the function
 * returned, or a remembered one, is wrong. After timing, the function is
 * called once more, as an ordinary call, on a second input of the same shape
 * that the worker has not seen. Every output must match (within the case
 * runner's tolerance) or the verdict is "wrong".
 *
 * DECIDED. A budget's verdict needs no more rounds once the ratio lies on one
 * side of the budget whichever of the best three samples of each side are
 * paired, or once the spread is accepted (then the best times decide); only
 * a ratio near the budget measured with a wide spread goes to another round,
 * and to "inconclusive" when the rounds run out. The speed-up goes on until
 * the spread is accepted; when the rounds run out it is still scored from
 * the best times, as "noisy" (flagged for review).
 *
 * VERDICTS (the JSON line of judge.h's perf output): budget: within | over |
 * inconclusive | wrong; speedup: measured | noisy | wrong; a crash or a kit
 * error: wrong / error with the sentence. The grader (Python) turns
 * them into points: the budget's points when within (or inconclusive), the
 * curve of [a4] for the speed-up.
 */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "reference.h"

/* The naive baseline of a4 (judge_naive.c). */
static const cl_impl naive_model = {.name = "naive baseline",
                                    .im_conv_fast = judge_naive_im_conv_fast};

#define MAX_SAMPLES 1000
#define NAIVE_TIMEOUT_FACTOR 4.0 /* a4: a timed call may take 4x the naive model's time */

static double now_s(void)
{
    return (double)cl_now_ns() * 1e-9;
}

/* ---------------------------------------------------------------- samples */

typedef struct samples {
    double t[MAX_SAMPLES];
    int n;
} samples;

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double best_of(const samples *s)
{
    double b = INFINITY;
    for (int i = 0; i < s->n; i++) b = fmin(b, s->t[i]);
    return b;
}

/* The 3rd best time (the best when there are fewer than 3). */
static double third_of(const samples *s)
{
    static double sorted[MAX_SAMPLES];
    if (s->n < 3) return best_of(s);
    memcpy(sorted, s->t, (size_t)s->n * sizeof *sorted);
    qsort(sorted, (size_t)s->n, sizeof *sorted, by_value);
    return sorted[2];
}

/* (3rd best - best) / best: how far the best three agree. */
static double spread_of(const samples *s)
{
    double b = best_of(s);
    if (s->n < 3) return INFINITY;
    return b > 0 ? (third_of(s) - b) / b : 0.0;
}

static void add(samples *s, double t)
{
    if (s->n < MAX_SAMPLES) s->t[s->n++] = t;
}

/* ---------------------------------------------------------------- parsing */

/* The value of key in "key=value key=value" (into buf), or NULL. */
static const char *spec_value(const char *spec, const char *key, char *buf, size_t size)
{
    size_t n = strlen(key);
    for (const char *p = spec; p && *p;) {
        while (*p == ' ') p++;
        if (!strncmp(p, key, n) && p[n] == '=') {
            size_t len = strcspn(p + n + 1, " ");
            snprintf(buf, size, "%.*s", (int)len, p + n + 1);
            return buf;
        }
        p = strchr(p, ' ');
    }
    return NULL;
}

/* "AxB" -> a, b. */
static int pair(const char *s, int *a, int *b)
{
    return s && sscanf(s, "%dx%d", a, b) == 2 && *a > 0 && *b > 0 ? 0 : -1;
}

/* Shape "HxW", "HxWxC" or "NxHxWxC" -> n, h, w, c. */
static int shape(const char *s, int d[4])
{
    int v[4], k = sscanf(s, "%dx%dx%dx%d", &v[0], &v[1], &v[2], &v[3]);
    if (k == 2) d[0] = 1, d[1] = v[0], d[2] = v[1], d[3] = 1;
    else if (k == 3) d[0] = 1, d[1] = v[0], d[2] = v[1], d[3] = v[2];
    else if (k == 4) memcpy(d, v, sizeof v);
    else return -1;
    return d[0] > 0 && d[1] > 0 && d[2] > 0 && d[3] > 0 ? 0 : -1;
}

/* Builds the case (input, args) that a measurement of fn on spec runs,
 * with the input drawn from seed. */
static int build_case(cl_fn fn, const char *spec, unsigned long long seed, cl_case *c)
{
    char in[64], k[32], v[32];
    int d[4], kh = 3, kw = 3;
    memset(c, 0, sizeof *c);
    c->fn = fn, c->points = 1, c->kind = CL_CASE_COMPARE;
    snprintf(c->visibility, sizeof c->visibility, "hidden");
    snprintf(c->id, sizeof c->id, "%s.%s.timed", cl_fn_part(fn), cl_fn_name(fn));
    if (!spec_value(spec, "input", in, sizeof in) || shape(in, d))
        return cl_fail(CL_E_ARG, "a measurement needs input=HxW[xC] or NxHxWxC, got \"%s\"", spec);
    unsigned s1 = (unsigned)(seed % 2000000000u), s2 = (unsigned)((seed / 7 + 13) % 2000000000u);
    if (fn == CL_FN_CONV2D || fn == CL_FN_CONV2D_TRANSPOSE || fn == CL_FN_MAX_POOL2D ||
        fn == CL_FN_AVG_POOL2D || fn == CL_FN_UPSAMPLE || fn == CL_FN_PAD_IMAGE ||
        fn == CL_FN_THRESHOLD_BINARY)
        snprintf(c->input, sizeof c->input, "random:%dx%dx%dx%d@seed=%u", d[0], d[1], d[2], d[3],
                 s1);
    else
        snprintf(c->input, sizeof c->input, "random:%dx%dx%d@seed=%u", d[1], d[2], d[3], s1);
    if (spec_value(spec, "kernel", k, sizeof k) && pair(k, &kh, &kw))
        return cl_fail(CL_E_ARG, "kernel=KHxKW expected, got \"%s\"", k);
    char *a = c->args;
    size_t na = sizeof c->args, n = 0;
#define ARG(...) (n += (size_t)snprintf(a + n, n < na ? na - n : 0, __VA_ARGS__))
    switch (fn) {
    case CL_FN_IM_CONV:
    case CL_FN_IM_CONV_FAST: ARG("k=random:%dx%d@seed=%u", kh, kw, s2); break;
    case CL_FN_IM_CONV_OPTS:
        ARG("k=random:%dx%d@seed=%u", kh, kw, s2);
        if (spec_value(spec, "mode", v, sizeof v)) ARG(" mode=%s", v);
        if (spec_value(spec, "border", v, sizeof v)) ARG(" border=%s", v);
        if (spec_value(spec, "stride", v, sizeof v)) ARG(" stride=%s", v);
        break;
    case CL_FN_GET_SUBIMAGES: ARG("ksize=%d,%d", kh, kw); break;
    case CL_FN_CONV2D:
    case CL_FN_CONV2D_TRANSPOSE: {
        int filters = spec_value(spec, "filters", v, sizeof v) ? atoi(v) : 1;
        if (fn == CL_FN_CONV2D)
            ARG("w=random:%dx%dx%dx%d@seed=%u", kh, kw, d[3], filters, s2);
        else
            ARG("w=random:%dx%dx%dx%d@seed=%u", kh, kw, filters, d[3], s2);
        ARG(" bias=random@seed=%u", s2 + 1);
        if (spec_value(spec, "padding", v, sizeof v)) ARG(" padding=%s", v);
        if (spec_value(spec, "stride", v, sizeof v)) ARG(" stride=%s", v);
        break;
    }
    case CL_FN_MAX_POOL2D:
    case CL_FN_AVG_POOL2D: {
        int ph = 2, pw = 2;
        if (spec_value(spec, "pool", v, sizeof v) && pair(v, &ph, &pw))
            return cl_fail(CL_E_ARG, "pool=PHxPW expected, got \"%s\"", v);
        ARG("pool=%d,%d", ph, pw);
        if (spec_value(spec, "stride", v, sizeof v)) ARG(" stride=%s", v);
        if (spec_value(spec, "padding", v, sizeof v)) ARG(" padding=%s", v);
        break;
    }
    case CL_FN_UPSAMPLE:
        ARG("factor=%s", spec_value(spec, "factor", v, sizeof v) ? v : "2");
        if (spec_value(spec, "interp", v, sizeof v)) ARG(" interp=%s", v);
        break;
    case CL_FN_PAD_IMAGE: ARG("pad=%d,%d,%d,%d", kh / 2, kh / 2, kw / 2, kw / 2); break;
    case CL_FN_THRESHOLD_BINARY: ARG("thresh=0 maxval=1"); break;
    default: return cl_fail(CL_E_ARG, "%s cannot be timed", cl_fn_name(fn));
    }
#undef ARG
    int st = cl_case_validate(c);
    return st == CL_OK ? CL_OK : cl_fail(st, "measurement \"%s\": %s", spec, cl_last_error());
}

/* ---------------------------------------------------------------- timing */

/* Everything one timed input needs. */
typedef struct timed_input {
    cl_case c;
    cl_case_data d;
    samples ref, naive, student;
    int with_naive;
    cl_rng rng;     /* the changes made before each GO */
    uint64_t index; /* the last change: value `index` of the input set to `bits` */
    uint32_t bits;
} timed_input;

/* One reference (or naive) call, timed; CL_OK or the kit's problem. */
static int time_local(const cl_impl *impl, timed_input *t, samples *s, cl_case_output *keep)
{
    cl_case_output o;
    double t0 = now_s();
    int st = cl_case_call_bare(t->c.fn, &t->d, impl, &o);
    double dt = now_s() - t0;
    int ok = st == CL_OK && o.status == CL_OK && o.out.data;
    if (keep && ok)
        *keep = o;
    else
        cl_case_output_free(&o);
    if (!ok) return cl_fail(CL_E_ARG, "the %s fails the timed input %s (%s)", impl->name, t->c.input,
                            cl_last_error());
    add(s, dt);
    return CL_OK;
}

/* Changes one value of the input (here; the next GO makes the same change in
 * the worker): no timed call sees an input it has seen before. */
static void perturb(timed_input *t)
{
    size_t count = cl_image_count(&t->d.input);
    t->index = cl_rng_next(&t->rng) % (count ? count : 1);
    float value = cl_rng_float(&t->rng, -1.0f, 1.0f);
    memcpy(&t->bits, &value, sizeof t->bits);
    t->d.input.data[t->index] = value;
}

/* One timed call of the student's function (GO with a changed value). */
/* One timed call of the student's function (GO with the change perturb made). */
static int time_student(cl_remote *r, timed_input *t, int *status)
{
    double seconds;
    int st = cl_remote_go(r, t->index, t->bits, &seconds, status);
    if (st == CL_OK && *status == CL_OK) add(&t->student, seconds);
    return st;
}

static void incident_verdict(cl_remote *r, int st, int status, judge_perf_result *p);

/* Right after a timed call, untimed: its output (FETCH) must be the
 * reference's on the same input. An output finished after the function
 * returned (a thread still writing it) or a remembered one fails here.
 * Returns 1 when right; else 0 with p's verdict and message set. */
static int timed_output_right(cl_remote *r, const cl_case_output *ref, judge_perf_result *p)
{
    cl_image got;
    cl_compare_result cmp;
    int status, st = cl_remote_fetch(r, &got, &status);
    if (st != CL_OK) {
        incident_verdict(r, st, CL_OK, p);
        return 0;
    }
    int right = status == CL_OK && got.data &&
                cl_compare(&ref->out, &got, ref->atol, ref->rtol, &cmp) == CL_OK &&
                cmp.mismatches == 0;
    cl_image_free(&got);
    if (!right) {
        char in[64] = "?";
        spec_value(p->spec, "input", in, sizeof in);
        snprintf(p->verdict, sizeof p->verdict, "wrong");
        snprintf(p->message, sizeof p->message,
                 "%s: the output of a timed call (on a %s input) is wrong as your function "
                 "returned it: speed counts only for correct results, complete when the "
                 "function returns",
                 cl_fn_name(p->fn), in);
    }
    return right;
}

/* How a measurement ended before its samples were complete. */
static void incident_verdict(cl_remote *r, int st, int status, judge_perf_result *p)
{
    const cl_remote_report *rep = cl_remote_report_of(r);
    if (st != CL_OK && rep->incident == CL_REMOTE_TIMEOUT) {
        snprintf(p->verdict, sizeof p->verdict, "%s", p->kind_speedup ? "measured" : "over");
        p->timed_out = 1;
        snprintf(p->message, sizeof p->message, "%s: your code %s while being timed: far slower "
                 "than the reference", rep->function, rep->message);
    } else if (st != CL_OK) {
        snprintf(p->verdict, sizeof p->verdict, "wrong");
        snprintf(p->message, sizeof p->message, "%s: %s while being timed", rep->function[0] ?
                 rep->function : cl_fn_name(p->fn), rep->incident ? rep->message : cl_last_error());
    } else {
        snprintf(p->verdict, sizeof p->verdict, "wrong");
        snprintf(p->message, sizeof p->message, "%s returned %s (%s) on the timed input %s",
                 cl_fn_name(p->fn), cl_status_name(status), cl_last_error(), p->label);
    }
}

/* A budget's verdict is decided when the ratio is on one side of the budget
 * however the best three samples of each side are paired (from best student
 * / 3rd best reference to 3rd best student / best reference), or when the
 * samples are precise enough (spread accepted) to decide by the best times. */
static int budget_decided(const timed_input *t, double budget, double sp, double accepted)
{
    double lo = best_of(&t->student) / third_of(&t->ref);
    double hi = third_of(&t->student) / best_of(&t->ref);
    return hi <= budget || lo > budget || sp <= accepted;
}

/* Rounds of K interleaved calls until the result is decided (budget > 0:
 * budget_decided; the speed-up: every side's spread accepted). Returns
 * CL_OK when the samples are complete (p->spread, p->rounds set; p->
 * inconclusive when the rounds ran out), or the status of what stopped it
 * (p's verdict and message set). */
static int measure(const judge_opts *o, cl_remote *r, timed_input *t, double budget,
                   judge_perf_result *p)
{
    int status = CL_OK, st;
    cl_case_output ref;
    for (int round = 1; round <= o->perf_rounds; round++) {
        for (int k = 0; k < o->perf_repeats; k++) {
            perturb(t);
            if ((st = time_local(&cl_impl_reference, t, &t->ref, &ref)) != CL_OK) {
                snprintf(p->verdict, sizeof p->verdict, "error");
                snprintf(p->message, sizeof p->message, "%s", cl_last_error());
                return st;
            }
            if (t->with_naive && (st = time_local(&naive_model, t, &t->naive, NULL)) != CL_OK) {
                cl_case_output_free(&ref);
                snprintf(p->verdict, sizeof p->verdict, "error");
                snprintf(p->message, sizeof p->message, "%s", cl_last_error());
                return st;
            }
            st = time_student(r, t, &status);
            if (st != CL_OK || status != CL_OK) {
                cl_case_output_free(&ref);
                incident_verdict(r, st, status, p);
                return st != CL_OK ? st : CL_E_ARG;
            }
            int right = timed_output_right(r, &ref, p);
            cl_case_output_free(&ref);
            if (!right) return CL_E_ARG;
        }
        double sp = fmax(spread_of(&t->ref), spread_of(&t->student));
        if (t->with_naive) sp = fmax(sp, spread_of(&t->naive));
        p->rounds = round;
        p->spread = sp;
        if (budget > 0 ? budget_decided(t, budget, sp, o->perf_spread) : sp <= o->perf_spread)
            return CL_OK;
    }
    p->inconclusive = 1;
    return CL_OK;
}

/* After timing: one ordinary call on a second input the worker has not seen
 * (every timed output was checked already). 1 when it is right; else 0 with
 * the verdict and the message set. */
static int second_input_right(const judge_opts *o, cl_remote *r, const timed_input *t,
                              judge_perf_result *p)
{
    cl_compare_result cmp;
    char msg[512];
    int st, right;
    cl_remote_set_timeout(r, o->perf_timeout_max);
    /* another seed, the same shape */
    cl_case c2;
    cl_case_data d2;
    cl_case_output mine, theirs;
    if (build_case(t->c.fn, p->spec, o->seed ^ 0x5ec0d1a9u, &c2) != CL_OK ||
        cl_case_load(&c2, o->images, &d2) != CL_OK) {
        snprintf(p->verdict, sizeof p->verdict, "error");
        snprintf(p->message, sizeof p->message, "the second input: %s", cl_last_error());
        return 0;
    }
    cl_remote_use(r);
    st = cl_case_call(c2.fn, &d2, &cl_impl_remote, &theirs);
    const cl_remote_report *rep = cl_remote_report_of(r);
    right = st == CL_OK && rep->incident == CL_REMOTE_NONE &&
            !cl_case_problem(&theirs, c2.fn, o->student_dir, msg, sizeof msg) &&
            cl_case_call_bare(c2.fn, &d2, &cl_impl_reference, &mine) == CL_OK &&
            cl_compare(&mine.out, &theirs.out, mine.atol, mine.rtol, &cmp) == CL_OK &&
            cmp.mismatches == 0;
    if (!right) {
        snprintf(p->verdict, sizeof p->verdict, "wrong");
        snprintf(p->message, sizeof p->message,
                 "%s: after timing, the output on a second input (%s) is wrong%s%s: speed counts "
                 "only for correct results",
                 cl_fn_name(p->fn), c2.input, rep->incident ? ": the worker " : "",
                 rep->incident ? rep->message : "");
    }
    cl_case_output_free(&theirs);
    cl_case_output_free(&mine);
    cl_case_data_free(&d2);
    return right;
}

/* Prepares t for one input of spec and sends it to the worker. */
static int start_input(const judge_opts *o, cl_remote *r, const char *spec, int with_naive,
                       timed_input *t, judge_perf_result *p)
{
    /* another layout of this side's buffers too, as the worker shifts its
     * heap at each PREPARE: the reference and the naive baseline get the same
     * chance of a good layout as the student's code */
    static void *shift;
    static unsigned starts;
    free(shift);
    shift = malloc(64 * (1 + (size_t)((++starts * 2654435761u) >> 26)));
    memset(t, 0, sizeof *t);
    t->with_naive = with_naive;
    cl_rng_seed(&t->rng, o->seed ^ 0x7173u);
    cl_case_output ignored;
    samples first = {0};
    int st = build_case(p->fn, spec, o->seed, &t->c);
    if (st == CL_OK) st = cl_case_load(&t->c, o->images, &t->d);
    if (st != CL_OK) {
        snprintf(p->verdict, sizeof p->verdict, "error");
        snprintf(p->message, sizeof p->message, "%s", cl_last_error());
        return st;
    }
    /* a first call on each side, not counted, warms caches and pages and
     * sets the student's per-call timeout */
    double ref_s = time_local(&cl_impl_reference, t, &first, NULL) == CL_OK ? first.t[0] : INFINITY;
    double limit = fmax(o->floor, o->factor * ref_s);
    if (with_naive && time_local(&naive_model, t, &first, NULL) == CL_OK)
        limit = fmax(o->floor, NAIVE_TIMEOUT_FACTOR * first.t[first.n - 1]);
    cl_remote_begin_case(r);
    cl_remote_use(r);
    cl_remote_set_timeout(r, fmin(limit, o->perf_timeout_max));
    cl_remote_prepare_next(r);
    st = cl_case_call_bare(p->fn, &t->d, &cl_impl_remote, &ignored);
    cl_case_output_free(&ignored);
    int status = CL_OK;
    if (st == CL_OK) perturb(t), st = time_student(r, t, &status); /* the student's warm-up */
    if (st != CL_OK || status != CL_OK) {
        incident_verdict(r, st, status, p);
        return st != CL_OK ? st : CL_E_ARG;
    }
    t->student.n = 0;
    return CL_OK;
}

/* ---------------------------------------------------------------- items */

static void budget_item(const judge_opts *o, cl_remote *r, const judge_perf_item *it,
                        judge_perf_result *p)
{
    static timed_input t;
    if (start_input(o, r, it->spec, 0, &t, p) != CL_OK) goto done;
    if (measure(o, r, &t, it->budget, p) != CL_OK) goto done;
    double rb = best_of(&t.ref), sb = best_of(&t.student);
    p->ratio = sb / rb;
    p->nmeasurements = 1;
    p->m[0] = (judge_perf_measure){.reference_s = rb, .student_s = sb};
    snprintf(p->m[0].input, sizeof p->m[0].input, "%s", p->label);
    if (!second_input_right(o, r, &t, p)) goto done;
    if (p->inconclusive) {
        snprintf(p->verdict, sizeof p->verdict, "inconclusive");
        snprintf(p->message, sizeof p->message,
                 "%s: about %.2fx the reference's time, but the timings varied too much to decide "
                 "(spread %.0f%% after %d rounds; %.0f%% accepted): no verdict, no points lost",
                 p->label, p->ratio, 100 * p->spread, p->rounds, 100 * o->perf_spread);
    } else {
        int within = p->ratio <= it->budget;
        snprintf(p->verdict, sizeof p->verdict, "%s", within ? "within" : "over");
        snprintf(p->message, sizeof p->message,
                 "%s: %.2fx the reference's time (%.3f ms against %.3f ms, best of %d); the "
                 "budget is %gx: %s",
                 p->label, p->ratio, sb * 1e3, rb * 1e3, t.student.n, it->budget,
                 within ? "within budget"
                        : "over budget. Where does the time go? An allocation or a copy per "
                          "window, or a walk down the columns, are the usual suspects");
    }
done:
    cl_case_data_free(&t.d);
}

/* The a4 speed-up. How fast a vectorized loop runs can depend on where its
 * buffers happen to lie (their offsets against each other: cache sets, 4K
 * aliasing), which one measurement would leave to chance. Each size is
 * therefore timed in LAYOUTS placements: each PREPARE makes the worker shift
 * its heap by another amount before it allocates the input (worker.c), this
 * process does the same before it loads its copy (start_input), and every
 * side keeps its best time over all of them, so that the verdict depends on
 * no side's lucky or unlucky layout. */
#define LAYOUTS 3

static void speedup_item(const judge_opts *o, cl_remote *r, const judge_perf_item *it,
                         judge_perf_result *p)
{
    static timed_input t;
    double log_sum = 0, log_ref = 0;
    int inconclusive = 0, n = 0, right = 1;
    char spec[160];
    for (int s = 0; s < it->nsizes && s < JUDGE_PERF_SIZES && right; s++) {
        snprintf(spec, sizeof spec, "input=%s kernel=%s", it->sizes[s], it->kernel);
        snprintf(p->spec, sizeof p->spec, "%s", spec);
        double rb = INFINITY, nb = INFINITY, sb = INFINITY;
        for (int k = 0; k < LAYOUTS && right; k++) {
            p->inconclusive = 0;
            int st = start_input(o, r, spec, 1, &t, p);
            if (st == CL_OK) st = measure(o, r, &t, 0, p);
            if (st != CL_OK) {
                cl_case_data_free(&t.d);
                if (p->timed_out) p->speedup = 0, p->reference_speedup = 0;
                return;
            }
            rb = fmin(rb, best_of(&t.ref)), nb = fmin(nb, best_of(&t.naive));
            sb = fmin(sb, best_of(&t.student));
            inconclusive |= p->inconclusive;
            if (k == LAYOUTS - 1) right = second_input_right(o, r, &t, p); /* the second input */
            cl_case_data_free(&t.d);
        }
        judge_perf_measure *m = &p->m[p->nmeasurements++];
        *m = (judge_perf_measure){.reference_s = rb, .student_s = sb, .naive_s = nb};
        snprintf(m->input, sizeof m->input, "%s, kernel %s", it->sizes[s], it->kernel);
        log_sum += log(nb / sb), log_ref += log(nb / rb), n++;
    }
    if (!right) return;
    p->speedup = exp(log_sum / n);
    p->reference_speedup = exp(log_ref / n);
    /* best-of-K is robust: the speed-up is scored even when the spread stayed
     * wide; the grader flags it for review ("noisy": regrade to confirm) */
    snprintf(p->verdict, sizeof p->verdict, "%s", inconclusive ? "noisy" : "measured");
    int len = snprintf(p->message, sizeof p->message,
                       "im_conv_fast is %.2fx faster than the naive model (geometric mean over %d "
                       "sizes:",
                       p->speedup, n);
    for (int i = 0; i < p->nmeasurements && len < (int)sizeof p->message; i++)
        len += snprintf(p->message + len, sizeof p->message - (size_t)len, "%s %.2fx at %s",
                        i ? "," : "", p->m[i].naive_s / p->m[i].student_s, p->m[i].input);
    if (len < (int)sizeof p->message)
        snprintf(p->message + len, sizeof p->message - (size_t)len,
                 "); the reference is %.2fx faster than the naive model%s", p->reference_speedup,
                 inconclusive ? "; the timings varied too much for a firm verdict" : "");
}

int judge_perf(const judge_opts *o, cl_remote *r, FILE *out)
{
    static judge_perf_result p;
    int done = 0;
    /* The reference's outputs must not pay for fresh pages on some calls and
     * not on others: keep freed memory in the heap (no mmap of blocks under
     * 32 MiB, no trimming), so that every timed call reuses warm memory. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    for (int i = 0; i < o->nperf; i++) {
        const judge_perf_item *it = &o->perf[i];
        if (strcmp(cl_fn_part(it->fn), o->part) != 0) continue;
        memset(&p, 0, sizeof p);
        p.fn = it->fn, p.kind_speedup = it->speedup, p.budget = it->budget;
        snprintf(p.id, sizeof p.id, "%s.%s.%s", cl_fn_part(it->fn), cl_fn_name(it->fn),
                 it->speedup ? "speedup" : "budget");
        snprintf(p.spec, sizeof p.spec, "%s", it->spec);
        if (it->speedup)
            snprintf(p.label, sizeof p.label, "im_conv_fast, kernel %s", it->kernel);
        else {
            char in[64] = "?", k[32];
            spec_value(it->spec, "input", in, sizeof in);
            int n = snprintf(p.label, sizeof p.label, "%s on %s", cl_fn_name(it->fn), in);
            if (spec_value(it->spec, "kernel", k, sizeof k))
                snprintf(p.label + n, sizeof p.label - (size_t)n, ", kernel %s", k);
        }
        if (it->speedup)
            speedup_item(o, r, it, &p);
        else
            budget_item(o, r, it, &p);
        p.report = cl_remote_report_of(r);
        judge_json_perf(out, &p);
        cl_remote_use(NULL);
        done++;
    }
    return done;
}

/* --budget "function=F input=... budget=B ..." and --speedup "kernel=KxK sizes=A,B,C". */
int judge_perf_parse(judge_opts *o, const char *opt, const char *v)
{
    char buf[64];
    if (o->nperf >= JUDGE_PERF_MAX) return cl_fail(CL_E_ARG, "too many measurements");
    judge_perf_item *it = &o->perf[o->nperf];
    memset(it, 0, sizeof *it);
    snprintf(it->spec, sizeof it->spec, "%s", v);
    if (!strcmp(opt, "--speedup")) {
        it->speedup = 1, it->fn = CL_FN_IM_CONV_FAST;
        if (!spec_value(v, "kernel", it->kernel, sizeof it->kernel) ||
            !spec_value(v, "sizes", buf, sizeof buf))
            return cl_fail(CL_E_ARG, "--speedup needs kernel=KHxKW sizes=HxW,HxW,...");
        for (char *s = strtok(buf, ","); s && it->nsizes < JUDGE_PERF_SIZES; s = strtok(NULL, ","))
            snprintf(it->sizes[it->nsizes++], sizeof it->sizes[0], "%s", s);
    } else {
        if (!spec_value(v, "function", buf, sizeof buf) || cl_fn_parse(buf, &it->fn) != CL_OK)
            return cl_fail(CL_E_ARG, "--budget needs function=NAME (a student function)");
        if (!spec_value(v, "budget", buf, sizeof buf) || !((it->budget = atof(buf)) > 0))
            return cl_fail(CL_E_ARG, "--budget needs budget=RATIO > 0");
        cl_case c;
        if (build_case(it->fn, v, 1, &c) != CL_OK) return CL_E_ARG;
    }
    o->nperf++;
    return CL_OK;
}

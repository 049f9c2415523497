/* test_hidden.c -- the hidden cases of the grader (harness/drivers/judge_hidden.c).
 *
 * The trusted side draws hidden cases from a secret per-submission seed. For
 * them to be fair they must be: reproducible (the same seed gives the same
 * cases, so a regrade gives the same grade), different between seeds, valid
 * for their function (the reference never fails one: that would be a kit
 * error in a student's grade), and passed by a correct implementation (the
 * naive model solutions agree with the reference within the case's
 * tolerance, as the judge would compare them).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <string.h>

#include "cases.h"
#include "judge.h"

TestSuite(hidden, .timeout = 120.0,
          .description = "hidden cases drawn from a seed are reproducible, valid and fair");

#define SEEDS 40
#define PER_FN 3

Test(hidden, the_same_seed_gives_the_same_cases)
{
    for (int f = 0; f < CL_FN_COUNT; f++) {
        cl_case a, b;
        cr_assert_eq(judge_hidden_case(77, (cl_fn)f, 1, 0.5, "hidden", &a), CL_OK, "%s",
                     cl_last_error());
        cr_assert_eq(judge_hidden_case(77, (cl_fn)f, 1, 0.5, "hidden", &b), CL_OK, "%s",
                     cl_last_error());
        cr_expect_str_eq(a.id, b.id);
        cr_expect_str_eq(a.input, b.input, "%s: the input differs between two draws",
                         cl_fn_name((cl_fn)f));
        cr_expect_str_eq(a.args, b.args, "%s: the arguments differ between two draws",
                         cl_fn_name((cl_fn)f));
        cr_expect_str_eq(a.visibility, "hidden");
        cr_expect_float_eq(a.points, 0.5, 1e-12);
    }
}

Test(hidden, other_seeds_and_indices_give_other_cases)
{
    for (int f = 0; f < CL_FN_COUNT; f++) {
        cl_case a, b, c;
        cr_assert_eq(judge_hidden_case(1, (cl_fn)f, 0, 1, "after_due_date", &a), CL_OK);
        cr_assert_eq(judge_hidden_case(2, (cl_fn)f, 0, 1, "after_due_date", &b), CL_OK);
        cr_assert_eq(judge_hidden_case(1, (cl_fn)f, 1, 1, "after_due_date", &c), CL_OK);
        int same_seed = !strcmp(a.input, b.input) && !strcmp(a.args, b.args);
        int same_index = !strcmp(a.input, c.input) && !strcmp(a.args, c.args);
        cr_expect(!same_seed, "%s: seeds 1 and 2 draw the same case (%s %s)",
                  cl_fn_name((cl_fn)f), a.input, a.args);
        cr_expect(!same_index, "%s: cases 1 and 2 of one seed are the same (%s %s)",
                  cl_fn_name((cl_fn)f), a.input, a.args);
        cr_expect_str_eq(c.id + strlen(c.id) - 9, ".hidden_2");
    }
}

/* Runs c on the reference and on the model solution; both must succeed and
 * agree within the case's tolerance. */
static void reference_and_model_agree(const cl_case *c, int *ran)
{
    cl_case_output ref, sol;
    cl_compare_result cmp;
    char problem[512];
    cr_assert_eq(cl_case_run(c, "build/images", &cl_impl_reference, &ref), CL_OK,
                 "%s (%s %s): %s", c->id, c->input, c->args, cl_last_error());
    cr_assert(!cl_case_problem(&ref, c->fn, "harness", problem, sizeof problem),
              "the reference fails hidden case %s (%s %s): %s", c->id, c->input, c->args, problem);
    cr_assert_eq(cl_case_run(c, "build/images", &cl_impl_solution, &sol), CL_OK, "%s: %s", c->id,
                 cl_last_error());
    cr_assert(!cl_case_problem(&sol, c->fn, "solutions", problem, sizeof problem),
              "the model solution fails hidden case %s (%s %s): %s", c->id, c->input, c->args,
              problem);
    cr_assert_eq(cl_compare(&ref.out, &sol.out, ref.atol, ref.rtol, &cmp), CL_OK,
                 "%s (%s %s): %s", c->id, c->input, c->args, cl_last_error());
    cr_expect(cmp.mismatches == 0, "%s (%s %s): the model solution and the reference differ at %ld", c->id,
              c->input, c->args, cmp.first);
    cl_case_output_free(&ref);
    cl_case_output_free(&sol);
    (*ran)++;
}

Test(hidden, every_case_is_valid_and_a_correct_implementation_passes_it)
{
    int ran = 0;
    for (unsigned long long seed = 1; seed <= SEEDS; seed++)
        for (int f = 0; f < CL_FN_COUNT; f++)
            for (int i = 0; i < PER_FN; i++) {
                cl_case c;
                cr_assert_eq(judge_hidden_case(seed * 0x9e3779b97f4a7c15ULL, (cl_fn)f, i, 1,
                                               "hidden", &c),
                             CL_OK, "%s", cl_last_error());
                reference_and_model_agree(&c, &ran);
            }
    cr_log_info("hidden cases: %d drawn from %d seeds, all valid, the model solutions pass them",
                ran, SEEDS);
    cr_expect_eq(ran, SEEDS * CL_FN_COUNT * PER_FN);
}

Test(hidden, the_judge_adds_only_the_groups_of_its_part)
{
    judge_opts o = {.part = "a2", .seed = 5, .has_seed = 1, .nhidden = 2};
    o.hidden[0] = (judge_hidden_group){CL_FN_IM_CONV, 2, 1.0, "hidden"};
    o.hidden[1] = (judge_hidden_group){CL_FN_PAD_IMAGE, 3, 0.5, "after_published"};
    cl_case_table t = {0};
    cr_assert_eq(judge_hidden_cases(&o, &t), 3);
    cr_assert_eq(t.count, 3);
    for (int i = 0; i < t.count; i++) {
        cr_expect_eq(t.cases[i].fn, CL_FN_PAD_IMAGE);
        cr_expect_str_eq(t.cases[i].visibility, "after_published");
        cr_expect_str_eq(t.cases[i].part, "a2");
    }
    cl_case_table_free(&t);
}

Test(hidden, the_naive_baseline_of_a4_agrees_with_the_reference)
{
    cl_image img = {0}, k = {0}, mine = {0}, ref = {0};
    cl_compare_result cmp;
    cr_assert_eq(cl_image_random(&img, 1, 37, 41, 3, 11, -1, 1), CL_OK);
    cr_assert_eq(cl_image_random(&k, 1, 5, 4, 1, 12, -1, 1), CL_OK);
    cr_assert_eq(judge_naive_im_conv_fast(&img, &k, &mine), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_impl_reference.im_conv_fast(&img, &k, &ref), CL_OK, "%s", cl_last_error());
    cr_assert_eq(cl_compare(&ref, &mine, 1e-5f, 1e-5f, &cmp), CL_OK, "%s", cl_last_error());
    cr_expect_eq(cmp.mismatches, 0, "the naive baseline differs from the reference at %ld",
                 cmp.first);
    cr_expect_eq(judge_naive_im_conv_fast(&k, &img, &mine), CL_E_SHAPE,
                 "a kernel larger than the image must be refused");
    cl_image_free(&img), cl_image_free(&k), cl_image_free(&mine), cl_image_free(&ref);
}

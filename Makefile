# convlab -- the kit's Makefile. `make help` lists the targets.
#
# Floors (SPEC §2): the library (harness/*.c -> libconvlab_core.a, and the
# reference harness/ref_*.c -> libconvlab_ref.a), the implementations of the
# student functions (solutions/, assignments/), and the drivers
# (harness/drivers/, tests/). Build products go under $(BUILD); a sanitizer
# build (SAN=1) goes under build/asan.

SAN ?= 0
ifeq ($(SAN),1)
BUILD ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT ?= -O1
else
BUILD ?= build
SANFLAGS :=
OPT ?= -O2
endif

SHELL := /bin/bash
CC := gcc
STB_CFLAGS := $(shell pkg-config --cflags stb 2>/dev/null || echo -I/usr/include/stb)
CFLAGS := -std=c11 -Wall -Wextra $(OPT) -g -D_POSIX_C_SOURCE=200809L $(SANFLAGS) \
          -Iharness -Iassignments -Iharness/drivers
LDFLAGS := $(SANFLAGS)
LIBS := -lstb -lz -lm -lpthread

# A Python that can import numpy: Debian's, not whatever is first on PATH.
PYTHON := $(shell for p in /usr/bin/python3 python3; do \
            $$p -c 'import numpy' >/dev/null 2>&1 && { command -v $$p; break; }; done)

# The functions students write; harness/drivers/impl.h lists the same ones.
FUNCS := conv_output_size get_subimages im_conv flip_kernel pad_image im_conv_opts \
         threshold_binary to_uint8 conv2d max_pool2d avg_pool2d upsample \
         conv2d_transpose im_conv_fast
PARTS := a1_windows a2_borders a3_layers a4_fast
# Where the student implementation is compiled from (the mutant runner points
# it at a folder of its own).
STUDENT_DIR ?= assignments

CORE_SRC := $(filter-out harness/ref_%.c,$(wildcard harness/*.c))
REF_SRC := $(wildcard harness/ref_*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
REF_OBJ := $(REF_SRC:%.c=$(BUILD)/obj/%.o)
HEADERS := $(wildcard harness/*.h assignments/*.h harness/drivers/*.h)

IMPL_OBJ := $(foreach i,solution student,$(PARTS:%=$(BUILD)/impl/$(i)/%.o))
DRIVER_OBJ := $(BUILD)/obj/harness/drivers/impl.o $(BUILD)/obj/harness/drivers/impl_reference.o
KIT_TEST_SRC := $(wildcard tests/kit/*.c)
KIT_TEST_OBJ := $(KIT_TEST_SRC:%.c=$(BUILD)/obj/%.o)

CONVLAB := $(BUILD)/convlab
KIT_TESTS := $(BUILD)/kit_tests
MKIMAGES := $(BUILD)/mkimages

.PHONY: all help deps images demo demo-run check check-all check-unit check-asan \
        check-python check-stubs clean libs budgets budgets-slow calibrate-budgets check-budgets
all: $(CONVLAB) $(MKIMAGES)

help:
	@echo "make            build the library, the CLI ($(CONVLAB)) and the image tool"
	@echo "make deps       install the Debian packages the kit needs (as root)"
	@echo "make images     gather the test images into build/images"
	@echo "make demo       build everything and draw the lesson's pictures into build/demo"
	@echo "make test       the student suite on $(STUDENT_DIR)/ (A=a1 for one part), with the points table"
	@echo "make expected   the expected outputs of tests/cases.toml (into $(EXPECTED))"
	@echo "make check      the kit's self-test (unit, sweep, golden, suite, bundle, mutants, grader, sanitizers, Python cross-check)"
	@echo "make budgets    build the performance budgets program ($(BUDGETS)) for the code in $(STUDENT_DIR)/"
	@echo "make check-budgets  check the budgets' calibration (tests/budgets/README.md)"
	@echo "make calibrate-budgets  measure the model and the slow mistakes; print the table"
	@echo "make dist       the student bundle ($(BUILD)/convlab-student.tar.gz); make check-bundle proves it"
	@echo "make grade SUBMISSION=PATH OUT=DIR     grade one submission (folder, .zip or .tar.gz)"
	@echo "make grade-all SUBMISSIONS=DIR OUT=DIR [JOBS=N]   grade a folder of submissions"
	@echo "make check-mutants  the public suite against every mutant (tests/mutants/)"
	@echo "make autograder  the Gradescope autograder zip ($(BUILD)/autograder.zip); make check-autograder tries it"
	@echo "make handouts   the four handouts and the instructor's guide as HTML, with their figures ($(BUILD)/handouts; needs pandoc)"
	@echo "make report OUT=DIR   the reports again from DIR/*/grade.json and the class summary (DIR/summary.html, DIR/cases.csv)"
	@echo "make check-report   grade tests/examples/ and check the reports and the class summary"
	@echo "make check-browser  the same, rendered in chromium (make deps BROWSER=1); screenshots in $(BUILD)/browser/"
	@echo "make bench      time the reference against the model, OpenCV, PyTorch and the memory floor: table of targets, $(BUILD)/bench/bench.json and bench.png (BENCH_BASELINE=OLD.json compares)"
	@echo "make clean      remove build/"

# ------------------------------------------------------------------ deps
deps:
	@OPTIONAL=$(OPTIONAL) BROWSER=$(BROWSER) sh .ci/deps.sh

# --------------------------------------------------------------- library
libs: $(BUILD)/libconvlab_core.a $(BUILD)/libconvlab_ref.a

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(STB_CFLAGS) -c $< -o $@

$(BUILD)/libconvlab_core.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libconvlab_ref.a: $(REF_OBJ)
	@rm -f $@
	ar rcs $@ $^

# ------------------------------------------------------ implementations
# Each part is compiled on its own, then objcopy keeps only the student
# functions global and renames them with the implementation's prefix.
$(BUILD)/impl/keep.syms: Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' $(FUNCS) > $@

$(BUILD)/impl/%.map: Makefile
	@mkdir -p $(dir $@)
	@for f in $(FUNCS); do echo "$$f $*_$$f"; done > $@

# $(call impl_rule,NAME,FOLDER): the objects of implementation NAME from FOLDER.
define impl_rule
$(BUILD)/impl/$(1)/%.o: $(2)/%.c $(HEADERS) $(BUILD)/impl/keep.syms $(BUILD)/impl/$(1).map
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) -c $$< -o $$@.raw
	objcopy --keep-global-symbols=$(BUILD)/impl/keep.syms $$@.raw $$@.local
	objcopy --redefine-syms=$(BUILD)/impl/$(1).map $$@.local $$@
	@rm -f $$@.raw $$@.local
endef
$(eval $(call impl_rule,solution,solutions))
$(eval $(call impl_rule,student,$(STUDENT_DIR)))

# --------------------------------------------------------------- drivers
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard harness/drivers/cli*.c))
$(CONVLAB): $(CLI_OBJ) $(DRIVER_OBJ) $(IMPL_OBJ) \
            $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(MKIMAGES): $(BUILD)/obj/harness/drivers/mkimages.o $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(KIT_TESTS): $(KIT_TEST_OBJ) $(DRIVER_OBJ) $(IMPL_OBJ) $(BUILD)/obj/harness/drivers/cases.o \
              $(BUILD)/obj/harness/drivers/judge_hidden.o $(BUILD)/obj/harness/drivers/judge_naive.o \
              $(BUILD)/obj/tests/student/properties.o \
              $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LIBS)

# --------------------------------------------------------------- budgets
# The local performance budgets (tests/budgets/README.md). $(BUDGETS) links
# the parts of $(STUDENT_DIR) compiled under their plain names, as in the
# student bundle: a part that does not compile is left out, and its functions
# (weak in budgets_ops.c) report "not built". The calibration programs link
# the model solutions ($(BUDGETS_CAL)/solution) or the model with one part
# replaced by a slow variant from tests/budgets/slow/FUNCTION.MISTAKE/.
BUDGETS := $(BUILD)/budgets
BUDGETS_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard harness/drivers/budgets*.c))
BUDGETS_LIBS := $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
BUDGETS_CAL := $(BUILD)/budgets-cal
SLOW_VARIANTS := $(basename $(notdir $(wildcard tests/budgets/slow/*.patch)))
SLOW_SRC := $(BUILD)/slow-src
PLAIN := $(BUILD)/plain

budgets: $(BUDGETS)

$(BUDGETS): $(BUDGETS_OBJ) $(BUDGETS_LIBS) $(wildcard $(STUDENT_DIR)/*.c) $(HEADERS)
	@mkdir -p $(BUILD)/budgets-parts
	@objs=""; for p in $(PARTS); do \
	  src=$(STUDENT_DIR)/$$p.c; o=$(BUILD)/budgets-parts/$$p.o; rm -f $$o; \
	  if [ ! -f $$src ]; then echo "budgets: no $$src: its functions are not timed"; \
	  elif $(CC) $(CFLAGS) -c $$src -o $$o 2>$$o.log; then objs="$$objs $$o"; \
	  else echo "budgets: $$src does not compile (see $$o.log): its functions are not timed"; fi; \
	done; \
	echo "$(CC) $(LDFLAGS) -o $@ $(BUDGETS_OBJ)$$objs $(BUDGETS_LIBS) $(LIBS)"; \
	$(CC) $(LDFLAGS) -o $@ $(BUDGETS_OBJ) $$objs $(BUDGETS_LIBS) $(LIBS)

# Part files compiled under their plain names (no objcopy renaming).
$(PLAIN)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# A slow variant is a patch of one model part file (tests/budgets/slow/
# VARIANT.patch, paths solutions/PART.c): its part file is the model's with
# the patch applied, in $(SLOW_SRC)/VARIANT/.
slow_part = $(patsubst solutions/%,%,$(shell sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' tests/budgets/slow/$(1).patch))
$(SLOW_SRC)/%/.stamp: tests/budgets/slow/%.patch $(wildcard solutions/*.c)
	@rm -rf $(dir $@) && mkdir -p $(dir $@)solutions
	@cp solutions/*.c $(dir $@)solutions/
	@patch -s -p1 -d $(dir $@) < $<
	@touch $@

$(PLAIN)/$(SLOW_SRC)/%.o: $(SLOW_SRC)/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# $(call slow_parts,VARIANT): the objects of a variant: its patched part
# file, the model's for the other parts.
slow_parts = $(foreach p,$(PARTS),$(if $(filter $(p).c,$(call slow_part,$(1))),$(PLAIN)/$(SLOW_SRC)/$(1)/solutions/$(p).o,$(PLAIN)/solutions/$(p).o))

$(BUDGETS_CAL)/solution/budgets: $(BUDGETS_OBJ) $(PARTS:%=$(PLAIN)/solutions/%.o) $(BUDGETS_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

define slow_rule
$(SLOW_SRC)/$(1)/solutions/$(call slow_part,$(1)): $(SLOW_SRC)/$(1)/.stamp
$(BUDGETS_CAL)/$(1)/budgets: $(BUDGETS_OBJ) $(call slow_parts,$(1)) $(BUDGETS_LIBS)
	@mkdir -p $$(dir $$@)
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LIBS)
endef
$(foreach v,$(SLOW_VARIANTS),$(eval $(call slow_rule,$(v))))

budgets-slow: $(BUDGETS_CAL)/solution/budgets $(SLOW_VARIANTS:%=$(BUDGETS_CAL)/%/budgets)

# The full calibration table (several runs each); prints the figures for
# tests/budgets/README.md.
calibrate-budgets: budgets-slow
	@sh tests/budgets/calibrate.sh --runs 5 $(BUDGETS_CAL)

# The rule of the budgets: the model solutions within 1/3 of each budget,
# every separable slow mistake (tests/budgets/slow/INSEPARABLE lists the others)
# over it. Ratios only; re-measures once on failure. Not part of `make check`.
check-budgets: budgets-slow
	@sh tests/budgets/calibrate.sh --check $(BUDGETS_CAL)

# ----------------------------------------------------------------- bench
# make bench: the reference against the model solution, OpenCV, PyTorch and
# the memory floor (bench/run.sh, bench/report.py); never part of make check.
# make bench-smoke: the same programs on tiny inputs (in check-all).
BENCH_C := $(BUILD)/bench/bench_c
.PHONY: bench bench-smoke
$(BENCH_C): $(BUILD)/obj/bench/bench.o $(DRIVER_OBJ) $(IMPL_OBJ) \
            $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: $(BENCH_C)
	@sh bench/run.sh $(BENCH_C) $(BUILD)/bench "$(PYTHON)" full $(BENCH_BASELINE)

bench-smoke: $(BENCH_C)
	@sh bench/run.sh $(BENCH_C) $(BUILD)/bench/smoke "$(PYTHON)" smoke

# ---------------------------------------------------------------- images
IMAGES := $(BUILD)/images
images: $(IMAGES)/.stamp
$(IMAGES)/.stamp: $(MKIMAGES) images/recipes.txt images/photos.txt $(wildcard images/*.png images/*.jpg images/*.jpeg images/*.bmp)
	$(MKIMAGES) --recipes images/recipes.txt --photos images/photos.txt --extra images --out $(IMAGES)
	@touch $@

# ------------------------------------------------------------------ demo
# demo and check install what is missing first, then run in a fresh make so
# that PYTHON is looked for after the install.
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(CONVLAB) images
	@sh images/demo.sh $(CONVLAB) $(IMAGES) $(BUILD)/demo "$(PYTHON)"
	@rc=0; for e in $(DEMO_EXAMPLES); do \
	  $(GRADER_PY) -m grader grade tests/examples/$$e --out $(BUILD)/demo/examples/$$e $(GRADER_ARGS) || rc=1; \
	done; \
	$(GRADER_PY) -m grader report $(BUILD)/demo/examples || rc=1; exit $$rc

# ----------------------------------------------------------------- check
check: deps
	@$(MAKE) --no-print-directory check-all

check-all: check-unit check-stubs check-suite check-python check-bundle check-mutants check-grader-c check-grader-py check-examples check-a4 check-repeat check-report check-browser check-handouts check-autograder check-adversarial fuzz-smoke check-asan bench-smoke
	@echo "make check: all kit checks passed"

check-unit: $(KIT_TESTS) images
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp CONVLAB_IMAGES=$(IMAGES) $(KIT_TESTS) --jobs 2

check-stubs: $(CONVLAB)
	@sh tests/check_stubs.sh $(CONVLAB)

check-python: $(CONVLAB) images
	@if [ -z "$(PYTHON)" ]; then echo "check-python: no Python with numpy (run make deps)"; exit 1; fi
	CONVLAB=$(CONVLAB) CONVLAB_IMAGES=$(IMAGES) $(PYTHON) -m unittest discover -s tests/python -t .

check-asan:
	$(MAKE) --no-print-directory SAN=1 check-unit check-stubs check-suite check-grader-c

# --------------------------------------------------------- student suite
# The case table tests/cases.toml drives the student suite (tests/student/,
# one Criterion program per part) and the grader. build/casegen writes the
# test lists from it, build/mkexpected (kit only: it links the reference) the
# expected outputs and the outputs of the known mistakes. Each part program
# links the core library and only its part file of $(STUDENT_DIR), compiled
# under its plain names: a part that does not compile costs only that part.
CASES := tests/cases.toml
CASES_OBJ := $(BUILD)/obj/harness/drivers/cases.o
CASEGEN := $(BUILD)/casegen
MKEXPECTED := $(BUILD)/mkexpected
EXPECTED ?= $(BUILD)/expected
FEEDBACK ?= $(BUILD)/feedback
SUITE := $(BUILD)/suite
SUITE_GEN := $(SUITE)/gen
SUITE_PARTS := a1 a2 a3 a4
SUITE_HEADERS := $(HEADERS) $(wildcard tests/student/*.h)
# A folder per student folder, so that switching STUDENT_DIR never reuses
# another folder's objects.
SUITE_BIN := $(SUITE)/$(subst /,_,$(subst .,_,$(STUDENT_DIR)))
SUITE_COMMON := $(SUITE)/obj/suite.o $(SUITE)/obj/properties.o $(CASES_OBJ)
A ?= $(SUITE_PARTS)
part_file = $(filter $(1)_%,$(PARTS))

.PHONY: expected test suites check-suite
$(CASEGEN): $(BUILD)/obj/harness/drivers/casegen.o $(CASES_OBJ) $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(MKEXPECTED): $(BUILD)/obj/harness/drivers/mkexpected.o $(CASES_OBJ) \
               $(BUILD)/obj/harness/drivers/impl_reference.o \
               $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(SUITE_GEN)/.stamp: $(CASES) $(CASEGEN)
	@mkdir -p $(dir $@)
	$(CASEGEN) $(CASES) $(SUITE_GEN)
	@touch $@

expected: $(EXPECTED)/.stamp
$(EXPECTED)/.stamp: $(CASES) $(MKEXPECTED) $(IMAGES)/.stamp
	@mkdir -p $(dir $@)
	@rm -f $(EXPECTED)/*.npy
	$(MKEXPECTED) --cases $(CASES) --images $(IMAGES) --out $(EXPECTED)
	@touch $@

$(SUITE)/obj/%.o: tests/student/%.c $(SUITE_HEADERS) $(SUITE_GEN)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/student -I$(SUITE_GEN) -c $< -o $@

# The part file as it is; on a compile error no stale object or program stays.
$(SUITE_BIN)/%.o: $(STUDENT_DIR)/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	@rm -f $(SUITE_BIN)/test_$(firstword $(subst _, ,$*))
	$(CC) $(CFLAGS) -c $< -o $@ || { rm -f $@; exit 1; }

define suite_rule
$(SUITE_BIN)/test_$(1): $(SUITE)/obj/test_$(1).o $(SUITE_COMMON) $(SUITE_BIN)/$(call part_file,$(1)).o \
                        $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $$@ $$^ -lcriterion $(LIBS) || { rm -f $$@; exit 1; }
endef
$(foreach p,$(SUITE_PARTS),$(eval $(call suite_rule,$(p))))

suites: $(A:%=$(SUITE_BIN)/test_%)

# `make test` (A=a1 for one part; ARGS=... adds Criterion options, e.g.
# ARGS=--verbose): builds what compiles (compile errors are shown, then that
# part scores 0), runs every part, prints the table; fails when any test
# failed or any part did not compile.
test: $(EXPECTED)/.stamp $(SUITE_GEN)/.stamp
	@$(MAKE) --no-print-directory -k $(if $(filter -j%,$(MAKEFLAGS)),,-j2) suites \
	  STUDENT_DIR=$(STUDENT_DIR) A="$(A)" || true
	@CONVLAB_IMAGES=$(IMAGES) CONVLAB_EXPECTED=$(EXPECTED) CONVLAB_FEEDBACK=$(FEEDBACK) \
	  CONVLAB_CASES=$(CASES) CONVLAB_STUDENT_DIR=$(STUDENT_DIR) CONVLAB_TEST_ARGS="$(ARGS)" \
	  sh tests/student/run_tests.sh $(SUITE_BIN) $(SUITE_GEN)/parts.txt $(A)

# The suite against the model solutions (every test passes) and against the
# stubs (every test fails with "not implemented yet", none crashes).
check-suite: $(EXPECTED)/.stamp
	@$(MAKE) --no-print-directory test STUDENT_DIR=solutions
	@$(MAKE) --no-print-directory test STUDENT_DIR=assignments > $(SUITE)/stubs.log 2>&1; \
	for p in $(SUITE_PARTS); do \
	  f=$(SUITE)/assignments/summary/$$p.txt; \
	  if [ ! -f $$f ]; then echo "check-suite: the stubs' $$p suite did not finish (see $(SUITE)/stubs.log)"; exit 1; fi; \
	  read part passed total points possible notimpl crashed < $$f; \
	  if [ "$$passed" != 0 ] || [ "$$notimpl" != "$$total" ] || [ "$$crashed" != 0 ]; then \
	    echo "check-suite: stubs of $$p: $$passed passed, $$notimpl of $$total 'not implemented yet', $$crashed crashed (see $(SUITE)/stubs.log)"; exit 1; fi; \
	  echo "check-suite: stubs of $$p: all $$total tests fail with 'not implemented yet', none crashes"; \
	done

# ---------------------------------------------------------- the bundle
# `make dist` builds the student bundle (tests/bundle/make_bundle.sh says what
# goes in); `make check-bundle` unpacks it and proves it: the stubs fail every
# case cleanly, the model solutions pass them all, no answer is inside.
BUNDLE := $(BUILD)/convlab-student.tar.gz
.PHONY: dist check-bundle
dist: $(BUNDLE)
$(BUNDLE): $(BUILD)/libconvlab_core.a $(BUILD)/libconvlab_ref.a $(EXPECTED)/.stamp \
           $(IMAGES)/.stamp $(wildcard tests/bundle/* tests/student/* assignments/* \
           harness/*.h harness/drivers/*.h harness/drivers/cases.c harness/drivers/casegen.c \
           harness/drivers/budgets*.c handouts/*) $(CASES) tests/budgets.toml
	@if command -v pandoc >/dev/null 2>&1; then $(MAKE) --no-print-directory handouts; \
	 else echo "dist: pandoc is not installed: the bundle gets the Markdown handouts"; fi
	@sh tests/bundle/make_bundle.sh $(BUILD) $@

check-bundle: $(BUNDLE)
	@if [ -z "$(PYTHON)" ]; then echo "check-bundle: no Python with numpy (run make deps)"; exit 1; fi
	$(PYTHON) tests/check_bundle.py $(BUNDLE)

# --------------------------------------------------------------- mutants
# The public suite against every wrong implementation in tests/mutants/
# (tests/mutants/README.md). FILTER=regex picks some (e.g. FILTER=a3).
# `mutants` also rewrites the results table of tests/mutants/README.md.
.PHONY: mutants check-mutants
mutants:
	@BUILD=$(BUILD) bash tests/mutants/run.sh --update-doc $(FILTER)

check-mutants:
	@BUILD=$(BUILD) bash tests/mutants/run.sh $(FILTER)

# ---------------------------------------------------------- grader (C side)
# The grader's programs (SPEC §6, harness/drivers/judge.h): the trusted judge
# links the reference, the case runner, the properties, the feedback and the
# worker client, and never student code; a worker links the part files of
# $(STUDENT_DIR) (compiled under their plain names, as the Python grader
# compiles them), the core library and the protocol, with the libraries the
# student suite links (so what links in `make test` links here), never the
# reference;
# sandbox_exec sets the rlimits and execs the worker.
#   make grader                            the judge and sandbox_exec
#   make workers [STUDENT_DIR=solutions]   $(GRADER)/<dir>/worker_aN, one per part
#   make check-grader-c                    tests/grader_c/run.sh
GRADER := $(BUILD)/grader
JUDGE := $(GRADER)/judge
SANDBOX_EXEC := $(GRADER)/sandbox_exec
PROTOCOL_OBJ := $(BUILD)/obj/harness/drivers/protocol.o
WORKER_OBJ := $(BUILD)/obj/harness/drivers/worker.o $(PROTOCOL_OBJ)
JUDGE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard harness/drivers/judge*.c)) \
             $(BUILD)/obj/harness/drivers/remote.o $(BUILD)/obj/harness/drivers/verdict.o \
             $(BUILD)/obj/harness/drivers/impl_reference.o \
             $(PROTOCOL_OBJ) $(CASES_OBJ) $(BUILD)/obj/tests/student/properties.o
WORKER_BIN := $(GRADER)/$(subst /,_,$(subst .,_,$(STUDENT_DIR)))
HOSTILE := $(notdir $(basename $(wildcard tests/grader_c/hostile/*.c)))

.PHONY: grader workers hostile-workers check-grader-c check-grader-c-mutants
grader: $(JUDGE) $(SANDBOX_EXEC)
workers: $(SUITE_PARTS:%=$(WORKER_BIN)/worker_%)
hostile-workers: $(HOSTILE:%=$(GRADER)/hostile/worker_%)

$(JUDGE): $(JUDGE_OBJ) $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(SANDBOX_EXEC): $(BUILD)/obj/harness/drivers/sandbox_exec.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

# The part file as it is; on a compile error no stale object stays.
$(WORKER_BIN)/parts/%.o: $(STUDENT_DIR)/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@ || { rm -f $@; exit 1; }

define worker_rule
$(WORKER_BIN)/worker_$(1): $(WORKER_OBJ) $(WORKER_BIN)/parts/$(call part_file,$(1)).o \
                           $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $$@ $$^ $(LIBS)
endef
$(foreach p,$(SUITE_PARTS),$(eval $(call worker_rule,$(p))))

# Hostile part files of the tests (tests/grader_c/hostile/): one worker each.
$(GRADER)/hostile/%.o: tests/grader_c/hostile/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(GRADER)/hostile/worker_%: $(WORKER_OBJ) $(GRADER)/hostile/%.o $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The student suite judges its outputs with verdict.c, as the judge does.
$(foreach p,$(SUITE_PARTS),$(eval $(SUITE_BIN)/test_$(p): $(BUILD)/obj/harness/drivers/verdict.o))

# The kit tests also test the protocol (tests/kit/test_protocol.c).
$(KIT_TESTS): $(PROTOCOL_OBJ)

check-grader-c: $(IMAGES)/.stamp
	@BUILD=$(BUILD) SAN=$(SAN) MAKE="$(MAKE)" bash tests/grader_c/run.sh

# Every mutant of tests/mutants/ through the judge instead of the student
# suite: caught, with a first message that points at the mistake (about as
# long as check-mutants; not part of check-grader-c).
check-grader-c-mutants: $(IMAGES)/.stamp $(EXPECTED)/.stamp
	@BUILD=$(BUILD) MUTANTS_SUITE_CMD='bash tests/grader_c/judge_as_suite.sh "$$PART" "$$STUDENT_DIR" "$$WBUILD"' \
	  bash tests/mutants/run.sh $(FILTER)

# --------------------------------------------------------- grader (Python)
# grader/README.md: `python3 -m grader` compiles each part file of a
# submission in a sandbox, links it with the worker objects, and runs the
# judge on it; these targets are thin wrappers that build what it needs first.
#   make grade SUBMISSION=PATH OUT=DIR [SEED=S]     one submission (folder, .zip, tar)
#   make grade-all SUBMISSIONS=DIR OUT=DIR [JOBS=N] [FORCE=1]
#   make check-grader-py                           tests/grader/ (unittest)
GRADER_PY := $(or $(PYTHON),/usr/bin/python3)
GRADER_COMMA := ,
GRADER_EMPTY :=
GRADER_SPACE := $(GRADER_EMPTY) $(GRADER_EMPTY)
GRADER_WORKER_OBJS := $(subst $(GRADER_SPACE),$(GRADER_COMMA),$(strip $(WORKER_OBJ) $(BUILD)/libconvlab_core.a))
GRADER_KIT := $(JUDGE) $(SANDBOX_EXEC) $(WORKER_OBJ) $(BUILD)/libconvlab_core.a \
              $(IMAGES)/.stamp $(EXPECTED)/.stamp
GRADER_ARGS := --build-dir $(BUILD) --judge $(JUDGE) --sandbox-exec $(SANDBOX_EXEC) \
               --worker-objects $(GRADER_WORKER_OBJS) --images $(IMAGES) --expected $(EXPECTED)
JOBS ?= 1

# A missing argument stops make before it builds anything.
ifneq ($(filter grade,$(MAKECMDGOALS)),)
ifeq ($(and $(SUBMISSION),$(OUT)),)
$(error usage: make grade SUBMISSION=PATH OUT=DIR [SEED=S])
endif
endif
ifneq ($(filter grade-all,$(MAKECMDGOALS)),)
ifeq ($(and $(SUBMISSIONS),$(OUT)),)
$(error usage: make grade-all SUBMISSIONS=DIR OUT=DIR [JOBS=N] [FORCE=1])
endif
endif

.PHONY: grade grade-all check-grader-py
grade: $(GRADER_KIT)
	$(GRADER_PY) -m grader grade "$(SUBMISSION)" --out "$(OUT)" $(if $(SEED),--seed $(SEED)) $(GRADER_ARGS)

grade-all: $(GRADER_KIT)
	$(GRADER_PY) -m grader grade-all "$(SUBMISSIONS)" --out "$(OUT)" --jobs $(JOBS) \
	  $(if $(filter 1,$(FORCE)),--force) $(GRADER_ARGS)

check-grader-py: $(GRADER_KIT)
	CONVLAB_BUILD=$(BUILD) CONVLAB_JUDGE=$(JUDGE) CONVLAB_SANDBOX_EXEC=$(SANDBOX_EXEC) \
	  CONVLAB_WORKER_OBJECTS=$(GRADER_WORKER_OBJS) CONVLAB_IMAGES=$(IMAGES) \
	  CONVLAB_EXPECTED=$(EXPECTED) $(GRADER_PY) -m unittest discover -s tests/grader -t .

# The example submissions of tests/examples/ (perfect, partly right, a compile
# error, a crash, far too slow) graded one by one: their scores must be those
# of tests/examples/expected_scores.toml exactly, with the right statuses and
# messages (tests/examples/check.py). check-grade-all grades 50 copies of them
# (folders, .zip, .tar.gz) with grade-all --jobs $(EXAMPLES_JOBS) and checks
# grades.csv; it takes a minute or two, so it is a target of its own.
EXAMPLES_JOBS ?= 2
EXAMPLES_COUNT ?= 50
.PHONY: check-examples check-grade-all
check-examples: $(GRADER_KIT)
	$(GRADER_PY) tests/examples/check.py --out $(BUILD)/examples -- $(GRADER_ARGS)

check-grade-all: $(GRADER_KIT)
	$(GRADER_PY) tests/examples/check.py --batch --count $(EXAMPLES_COUNT) --jobs $(EXAMPLES_JOBS) \
	  --out $(BUILD)/examples-batch -- $(GRADER_ARGS)

# check-a4: the a4 speed score rises from the naive model solution (0 points)
# to the moderate and the fast submissions of tests/examples/a4_speed/. check-repeat: the
# perfect example graded REPEAT_RUNS times, the last REPEAT_BUSY of them with
# another process keeping a core busy: every performance verdict the same
# each time (SPEC §7; tests/examples/check.py).
REPEAT_RUNS ?= 10
REPEAT_BUSY ?= 5
.PHONY: check-a4 check-repeat
# calibrate-grader-budgets: the ratios the grader measures for the budgets of
# grader/rubric.toml (model, perfect example, slow variants): how the rubric's
# budgets were chosen (tests/budgets/calibrate_grader.sh).
.PHONY: calibrate-grader-budgets
calibrate-grader-budgets: $(GRADER_KIT)
	@bash tests/budgets/calibrate_grader.sh $(BUILD) 2

check-a4: $(GRADER_KIT)
	$(GRADER_PY) tests/examples/check.py --a4 --out $(BUILD)/examples-a4 -- $(GRADER_ARGS)

check-repeat: $(GRADER_KIT)
	$(GRADER_PY) tests/examples/check.py --repeat $(REPEAT_RUNS) --busy $(REPEAT_BUSY) \
	  --out $(BUILD)/examples-repeat -- $(GRADER_ARGS)

# ------------------------------------------------------ Gradescope zip
# `make autograder` writes $(BUILD)/autograder.zip: setup.sh and
# run_autograder (grader/gradescope/) at its root and the kit's sources that
# setup.sh builds on Gradescope's image (grader/gradescope/make_zip.py lists
# them; never solutions/). `make check-autograder` unpacks it into a temporary
# /autograder (AUTOGRADER_ROOT), builds the kit there from scratch and runs
# run_autograder on the solutions, the stubs and tests/examples/
# (tests/gradescope/check.sh).
AUTOGRADER_ZIP := $(BUILD)/autograder.zip
.PHONY: autograder check-autograder
autograder:
	@$(GRADER_PY) grader/gradescope/make_zip.py $(AUTOGRADER_ZIP)

check-autograder: autograder
	@bash tests/gradescope/check.sh $(AUTOGRADER_ZIP)

# ------------------------------------------------------ hostile battery
# tests/adversarial/: hostile submissions graded by the real grader, each
# with the outcome it must get; around the battery: no process left behind,
# nothing outside the sandbox changed, no connection to a local listener,
# a bound on the time (tests/adversarial/README.md).
.PHONY: check-adversarial
check-adversarial: $(GRADER_KIT)
	$(GRADER_PY) tests/adversarial/run.py --build $(BUILD)

# ------------------------------------------------------------- handouts
# `make handouts` draws the figures of handouts/*.md with the CLI's reference
# (handouts/figures.py) and renders each handout and the instructor's guide
# with pandoc into one self-contained page, $(BUILD)/handouts/NAME.html
# (handouts/build.py). `make check-handouts`: the handouts agree with
# assignment.h, tests/cases.toml and grader/rubric.toml (no build needed).
.PHONY: handouts handouts-tools check-handouts
handouts: handouts-tools $(CONVLAB) images
	$(PYTHON) handouts/build.py --convlab $(CONVLAB) --images $(IMAGES) --out $(BUILD)/handouts

handouts-tools:
	@command -v pandoc >/dev/null 2>&1 || { echo "make handouts: pandoc is missing: install it with 'make deps OPTIONAL=1' or 'apt-get install pandoc'"; exit 1; }
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import matplotlib' >/dev/null 2>&1; then \
	  echo "make handouts: no Python with numpy and matplotlib (apt-get install python3-numpy python3-matplotlib)"; exit 1; fi

check-handouts:
	@$(or $(PYTHON),/usr/bin/python3) handouts/build.py --check-only

# ------------------------------------------------------------- reports
# `make grade`/`grade-all` write each student's report next to results.json
# (report.html and report.md for the student, report_ta.html for the TA;
# grader/report.py) and grade-all the class summary (OUT/summary.html with
# its plots, OUT/cases.csv; grader/summary.py). `make report OUT=DIR` writes
# them again from DIR/*/grade.json (or DIR/grade.json). check-report grades
# tests/examples/ into $(BUILD)/report-check and checks the pages (numbers,
# hidden cases, nothing loaded from anywhere: tests/browser/check.py);
# check-browser does the same and renders them in chromium, headless and off
# the network, screenshots in $(BUILD)/browser/*.png; without chromium it
# says so and passes (`make deps BROWSER=1` installs it).
DEMO_EXAMPLES := $(sort $(patsubst tests/examples/%/,%,$(dir $(wildcard tests/examples/*/*.c))))
ifneq ($(filter report,$(MAKECMDGOALS)),)
ifeq ($(OUT),)
$(error usage: make report OUT=DIR   (a folder of make grade-all, or of make grade))
endif
endif
.PHONY: report check-report check-browser
report:
	$(GRADER_PY) -m grader report "$(OUT)"

demo-run: $(GRADER_KIT)

check-report: $(GRADER_KIT)
	$(GRADER_PY) tests/browser/check.py --no-browser --out $(BUILD)/report-check -- $(GRADER_ARGS)

check-browser: $(GRADER_KIT)
	@if command -v chromium >/dev/null 2>&1; then \
	  $(GRADER_PY) tests/browser/check.py --out $(BUILD)/browser -- $(GRADER_ARGS); \
	else echo "check-browser: skipped: chromium not installed (make deps BROWSER=1)"; fi

clean:
	rm -rf build
.SECONDARY:

# --------------------------------------------------------------- fuzzing
# libFuzzer targets (clang) for the loaders and the protocol, and a mutation
# fuzzer for archive intake: tests/fuzz/fuzz.mk, tests/fuzz/README.md.
#   make fuzz-smoke                  a short run of each (fixed seeds, < 60 s)
#   make fuzz [FUZZ_SECONDS=300]     a longer run of each
include tests/fuzz/fuzz.mk

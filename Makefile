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
DRIVER_OBJ := $(BUILD)/obj/harness/drivers/impl.o
KIT_TEST_SRC := $(wildcard tests/kit/*.c)
KIT_TEST_OBJ := $(KIT_TEST_SRC:%.c=$(BUILD)/obj/%.o)

CONVLAB := $(BUILD)/convlab
KIT_TESTS := $(BUILD)/kit_tests
MKIMAGES := $(BUILD)/mkimages

.PHONY: all help deps images demo demo-run check check-all check-unit check-asan \
        check-python check-stubs clean libs
all: $(CONVLAB) $(MKIMAGES)

help:
	@echo "make            build the library, the CLI ($(CONVLAB)) and the image tool"
	@echo "make deps       install the Debian packages the kit needs (as root)"
	@echo "make images     gather the test images into build/images"
	@echo "make demo       build everything and draw the lesson's pictures into build/demo"
	@echo "make check      the kit's self-test (unit, sweep, golden, sanitizers, Python cross-check)"
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

$(KIT_TESTS): $(KIT_TEST_OBJ) $(DRIVER_OBJ) $(IMPL_OBJ) \
              $(BUILD)/libconvlab_ref.a $(BUILD)/libconvlab_core.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LIBS)

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

# ----------------------------------------------------------------- check
check: deps
	@$(MAKE) --no-print-directory check-all

check-all: check-unit check-stubs check-python check-asan
	@echo "make check: all kit checks passed"

check-unit: $(KIT_TESTS) images
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp CONVLAB_IMAGES=$(IMAGES) $(KIT_TESTS) --jobs 2

check-stubs: $(CONVLAB)
	@sh tests/check_stubs.sh $(CONVLAB)

check-python: $(CONVLAB) images
	@if [ -z "$(PYTHON)" ]; then echo "check-python: no Python with numpy (run make deps)"; exit 1; fi
	CONVLAB=$(CONVLAB) CONVLAB_IMAGES=$(IMAGES) $(PYTHON) -m unittest discover -s tests/python -t .

check-asan:
	$(MAKE) --no-print-directory SAN=1 check-unit check-stubs

clean:
	rm -rf build
.SECONDARY:

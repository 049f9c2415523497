# tests/fuzz/fuzz.mk -- the fuzzing targets (tests/fuzz/README.md), included
# by the Makefile. Built with clang + libFuzzer + ASan + UBSan into
# build/fuzz/ (never the gcc build): the library sources the loaders need,
# the protocol, and stb_image itself (tests/fuzz/stb_impl.c), all
# instrumented.
#   make fuzz-smoke                  every target ~8 s, fixed seeds, + intake
#   make fuzz [FUZZ_SECONDS=300]     every target FUZZ_SECONDS (corpus kept)
FUZZ_BUILD := build/fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 -D_POSIX_C_SOURCE=200809L $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -Iharness -Iassignments -Iharness/drivers $(STB_CFLAGS)
FUZZ_TARGETS := npy idx image protocol
FUZZ_LIB_SRC := $(CORE_SRC) harness/drivers/protocol.c tests/fuzz/stb_impl.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 8

.PHONY: fuzz-build fuzz-corpus fuzz-smoke fuzz

$(FUZZ_BUILD)/obj/%.o: %.c $(HEADERS) tests/fuzz/fuzz_common.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

# stb_image is third-party and has harmless undefined behaviour on an empty
# IDAT chunk (NULL + 0 at stb_image.h:5130, memcpy(NULL, p, 0) at :1663;
# tests/fuzz/crashes/image/ubsan-png-*.png): UBSan is off for it, ASan stays.
$(FUZZ_BUILD)/obj/tests/fuzz/stb_impl.o: FUZZ_CFLAGS += -fno-sanitize=undefined

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ -lz -lm -lpthread

$(FUZZ_BUILD)/seeds/.stamp: tests/fuzz/make_corpus.py
	@rm -rf $(FUZZ_BUILD)/seeds
	/usr/bin/python3 tests/fuzz/make_corpus.py $(FUZZ_BUILD)/seeds
	@touch $@

fuzz-build: $(FUZZ_BINS)
fuzz-corpus: $(FUZZ_BUILD)/seeds/.stamp

fuzz-smoke: $(FUZZ_BINS) $(FUZZ_BUILD)/seeds/.stamp
	@FUZZ_BUILD=$(FUZZ_BUILD) bash tests/fuzz/run.sh --smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)
	@/usr/bin/python3 tests/fuzz/fuzz_intake.py --seed 1 --seconds $(FUZZ_SMOKE_SECONDS)

fuzz: $(FUZZ_BINS) $(FUZZ_BUILD)/seeds/.stamp
	@FUZZ_BUILD=$(FUZZ_BUILD) bash tests/fuzz/run.sh --long $(FUZZ_SECONDS) $(FUZZ_TARGETS)
	@/usr/bin/python3 tests/fuzz/fuzz_intake.py --seconds $(FUZZ_SECONDS)

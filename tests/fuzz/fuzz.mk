# fuzz.mk - builds the libFuzzer targets (tests/fuzz/run calls it; run from the top).
# The pure core is compiled here with clang, instrumented for libFuzzer's coverage and
# with ASan+UBSan, into build/fuzz/ (never the gcc-built libovc-core.a).
FUZZ_CC   ?= clang
FUZZ_OUT  ?= build/fuzz
CORE_DIR  ?= src/core
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all
# -Werror for the targets only: the core's warnings are the gcc build's business
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(SAN) \
               -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wold-style-definition -Wpointer-arith -Wundef -Wvla -MMD -MP

# the parsers and what they use (not every file: a half-written new one cannot stop this)
CORE_FILES := err knobs proctext precedence dropin profile units numpy auditmsg journal kmsg smaps top model thp container cgroup mountinfo
CORE_SRC  := $(CORE_FILES:%=$(CORE_DIR)/%.c)
CORE_OBJ  := $(patsubst $(CORE_DIR)/%.c,$(FUZZ_OUT)/core/%.o,$(CORE_SRC))
TARGETS   ?= $(patsubst tests/fuzz/targets/%.c,%,$(wildcard tests/fuzz/targets/*.c))
BINS      := $(addprefix $(FUZZ_OUT)/bin/,$(TARGETS))

all: $(BINS)

$(FUZZ_OUT)/core/%.o: $(CORE_DIR)/%.c tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/libovc-core-fuzz.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_OUT)/obj/%.o: tests/fuzz/targets/%.c tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/bin/%: $(FUZZ_OUT)/obj/%.o $(FUZZ_OUT)/libovc-core-fuzz.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OUT)/libovc-core-fuzz.a

.PHONY: all
.SECONDARY:
-include $(CORE_OBJ:.o=.d) $(patsubst %,$(FUZZ_OUT)/obj/%.d,$(TARGETS))

# pagereplay — one binary from per-stage static libraries.
#   make            build build/pagereplay
#   make demo       install missing packages, build, run the main job on a bundled trace
#   make check      install missing packages, build, run every test (plain, then ASan+UBSan)
#   make bench      print `bench <name> <value> <unit>` lines (ours and the peers')
#   make fuzz       build and run the libFuzzer targets for a while (FUZZ_SECONDS)
#   make install PREFIX=/usr/local ; make clean ; V=1 for full command lines
#
# New stage source files are picked up by wildcard: add `<stage>/foo.c` and it
# is in lib<stage>.a. A test is `tests/test_<name>.c` (cmocka, own main).

.DEFAULT_GOAL := all

CC      ?= cc
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
BUILD   ?= build
SAN     ?=

PKGS     := libtracefs libtraceevent libtracecmd sqlite3 libzstd zlib liblzma
TEST_PKG := cmocka

WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wvla \
	-Wformat-security -Wpointer-arith -fno-common
# The binary is linked with link-time optimization: replay's per-event path
# crosses the stages (reader, replay rules, model), one call at a time. The
# objects keep their regular code as well (fat), so the tests link without
# it. `make LTO=` builds without; the sanitizer build never uses it.
LTO ?= -flto=auto
ifeq ($(SAN),)
LTO_CFLAGS := $(if $(LTO),$(LTO) -ffat-lto-objects)
LTO_LINK   := $(if $(LTO),$(LTO) $(filter -O%,$(CFLAGS)))
endif
override CFLAGS += -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) -I. \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(SAN) $(LTO_CFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
override LDFLAGS += $(SAN)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Link order: a stage before the stages it uses.
STAGES := replay analysis db capture allocator common
LIBS   := $(foreach s,$(STAGES),$(BUILD)/lib$(s).a)

define stage_rules
$(1)_SRC := $$(wildcard $(1)/*.c)
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/%.o,$$($(1)_SRC))
$(BUILD)/lib$(1).a: $$($(1)_OBJ)
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$^
ALL_OBJ += $$($(1)_OBJ)
endef
$(foreach s,$(STAGES),$(eval $(call stage_rules,$(s))))

BIN := $(BUILD)/pagereplay

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_LIB_SRC := $(wildcard tests/lib/*.c)
TEST_LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(TEST_LIB_SRC))

.SECONDARY:
.PHONY: all demo check test test-plain test-san bench fuzz install clean deps valgrind

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -MF $(BUILD)/$*.d -MT $@ -c -o $@ $<

$(BIN): $(BUILD)/main.o $(LIBS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(LTO_LINK) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_LIB_OBJ) $(LIBS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKG))

deps:
	$(Q)scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(BIN)

# `make check`: packages, build, then the whole suite twice: a plain build and
# an AddressSanitizer + UndefinedBehaviorSanitizer build of everything.
check: deps
	$(Q)$(MAKE) --no-print-directory test-plain
	$(Q)$(MAKE) --no-print-directory test-san
	$(Q)scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS)

test-plain: $(BIN) $(TEST_BIN)
	$(Q)scripts/run-tests.sh $(BUILD) plain

test-san:
	$(Q)$(MAKE) --no-print-directory BUILD=build-san CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		build-san/pagereplay $(patsubst $(BUILD)/%,build-san/%,$(TEST_BIN))
	$(Q)ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 scripts/run-tests.sh build-san sanitizers

test: test-plain

valgrind: $(BIN) $(TEST_BIN)
	$(Q)VALGRIND=1 scripts/run-tests.sh $(BUILD) valgrind

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench.sh $(BIN)

FUZZ_SECONDS ?= 60
# check runs every fuzz target briefly: a bounded smoke run, not a campaign.
FUZZ_SMOKE_SECONDS ?= 10
fuzz:
	$(Q)scripts/fuzz.sh $(FUZZ_SECONDS)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/pagereplay

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

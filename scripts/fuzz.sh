#!/bin/sh
# make fuzz: build every tests/fuzz/fuzz_*.c as a libFuzzer target and run it
# for SECONDS each, starting from its corpus under tests/fuzz/corpus/<name>/.
seconds=${1:-60}
set -e
mkdir -p build-fuzz
for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	make --no-print-directory BUILD=build-fuzz CC=clang CFLAGS="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/libcapture.a build-fuzz/libcommon.a build-fuzz/liballocator.a >/dev/null
	clang -O1 -g -std=c11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
		$(pkg-config --cflags libtracefs libtraceevent) \
		-o "build-fuzz/$name" "$src" build-fuzz/libcapture.a build-fuzz/liballocator.a \
		build-fuzz/libcommon.a \
		$(pkg-config --libs libtracefs libtraceevent libtracecmd sqlite3 libzstd zlib liblzma) -lm
	corpus="tests/fuzz/corpus/$name"
	mkdir -p "build-fuzz/corpus-$name"
	echo "fuzz: $name for ${seconds}s"
	# -timeout: one input running 10 s is a hang (the default waits 20 min)
	"build-fuzz/$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix=build-fuzz/ \
		"build-fuzz/corpus-$name" $( [ -d "$corpus" ] && echo "$corpus" )
done

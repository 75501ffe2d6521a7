#!/bin/sh
# Allocator model throughput and memory (tests/bench/bench_model.c).
set -e
make --no-print-directory build/liballocator.a build/libcommon.a >/dev/null
mkdir -p build/bench
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -I. -o build/bench/bench_model tests/bench/bench_model.c \
	build/liballocator.a build/libcommon.a
build/bench/bench_model

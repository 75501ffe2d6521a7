#!/bin/sh
# The allocator model alone: operations per second and bytes per page on a
# 24 GiB topology (tests/bench_model.c).
build/bench/bench_model 20000000

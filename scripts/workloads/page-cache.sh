#!/bin/sh
# Workload 2 of issue 7: page-cache pressure down to the low watermark.
# Fills most of RAM with clean page cache (reading a sparse file larger than
# free memory), then captures while more is read and a THP (madvise) workload
# runs: kswapd, direct reclaim, compaction, order-9 requests and failures.
# usage: page-cache.sh OUT.prt [capture options...]   (root, project root)
# SECONDS_THP (default 3): how long the THP workload runs; SECONDS_AFTER
# (default 0): how long the reading goes on after it, when the THP
# workload's freed memory meets free page reporting (about 2 s later).
set -e
out=${1:?usage: page-cache.sh OUT.prt [capture options]}; shift
dir=${WORKDIR:-/var/tmp/pagereplay-pagecache}
mkdir -p "$dir"
cleanup() { rm -f "$dir/fill.bin" "$dir/more.bin"; echo 1 > /proc/sys/vm/drop_caches; }
trap cleanup EXIT
free_kb=$(awk '/MemFree/ {print $2}' /proc/meminfo)
truncate -s "$((free_kb + 1048576))K" "$dir/fill.bin"
truncate -s 16G "$dir/more.bin"
cat "$dir/fill.bin" > /dev/null
${PAGEREPLAY:-build/pagereplay} capture --shrink-pcp -o "$out" "$@" -- sh -c \
	"cat '$dir/more.bin' > /dev/null & stress-ng --vm 1 --vm-bytes 2G --vm-madvise hugepage --vm-keep --timeout ${SECONDS_THP:-3}s --quiet; sleep ${SECONDS_AFTER:-0}; kill \$! 2>/dev/null; wait"

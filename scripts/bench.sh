#!/bin/sh
# make bench: every figure as a line `bench <name> <value> <unit>`.
# Each stage adds its own script under scripts/bench.d/ (run in name order).
bin=${1:-build/pagereplay}
status=0
for s in scripts/bench.d/*.sh; do
	[ -f "$s" ] || continue
	sh "$s" "$bin" || { echo "bench: $s failed" >&2; status=1; }
done
exit $status

#!/bin/sh
# Capture under load: ours, then the peers (perf record, trace-cmd record) on
# the same workload, each under its own name. Prints `bench <name> <value> <unit>`.
# Needs root, tracefs and stress-ng; otherwise says why on stderr and prints nothing.
bin=${1:-build/pagereplay}
root=$(cd "$(dirname "$0")/../.." && pwd)
workload="stress-ng --vm 2 --vm-bytes 1G --vm-method all --timeout 3s"
events="kmem:mm_page_alloc,kmem:mm_page_free,kmem:mm_page_free_batched"
events="$events,kmem:mm_page_alloc_zone_locked,kmem:mm_page_pcpu_drain,kmem:mm_page_alloc_extfrag"

skip() { echo "bench: capture skipped: $*" >&2; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
[ -d /sys/kernel/tracing/instances ] || skip "needs tracefs (mount -t tracefs nodev /sys/kernel/tracing)"
command -v stress-ng >/dev/null || skip "needs stress-ng"

tmp=$(mktemp -d /tmp/pagereplay-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
size() { stat -c %s "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }

# --- pagereplay capture, default settings ---
"$bin" capture -o "$tmp/ours.prt" -- $workload > "$tmp/ours.txt" 2>"$tmp/ours.err" ||
	{ cat "$tmp/ours.err" >&2; exit 1; }
# "captured N events in S s (R events/s) into ..."; "lost events L, ..."
n=$(awk '/^captured /{ print $2 }' "$tmp/ours.txt")
rate=$(awk '/^captured /{ gsub(/\(/, "", $7); print $7 }' "$tmp/ours.txt")
lost=$(awk '/lost events/{ gsub(/,/, "", $3); print $3 }' "$tmp/ours.txt")
echo "bench capture_events $n events"
echo "bench capture_events_per_s $rate events/s"
echo "bench capture_lost_events $lost events"
echo "bench capture_bytes_per_event $(ratio "$(size "$tmp/ours.prt")" "$n") B"

# --- perf record -e kmem:... (Debian linux-perf) ---
if command -v perf >/dev/null; then
	perf record -q -a -e "$events" -o "$tmp/perf.data" -- $workload >/dev/null 2>&1
	perf report -i "$tmp/perf.data" --stats > "$tmp/perf.txt" 2>/dev/null
	# per event: SAMPLE events (recorded) and LOST_SAMPLES events (dropped)
	awk '/^kmem:.* stats:/ { k = 1; next } /stats:/ { k = 0 }
	     k && /SAMPLE events:/ && !/LOST/ { s += $3 } k && /LOST_SAMPLES events:/ { l += $3 }
	     END { print s + 0, l + 0 }' "$tmp/perf.txt" > "$tmp/perf.n"
	read ps pl < "$tmp/perf.n"
	echo "bench perf_record_events $ps events"
	echo "bench perf_record_lost_events $pl events"
	echo "bench perf_record_bytes_per_event $(ratio "$(size "$tmp/perf.data")" "$ps") B"
else
	echo "bench: perf record skipped: perf not installed" >&2
fi

# --- trace-cmd record, in a private mount namespace (see trace-cmd-ns.sh) ---
if command -v trace-cmd >/dev/null && command -v unshare >/dev/null; then
	unshare -m sh "$root/scripts/trace-cmd-ns.sh" "$tmp/tc.dat" $workload >/dev/null 2>&1
	if [ -s "$tmp/tc.dat" ]; then
		# the CPU stats trace-cmd stores: "read events" recorded, "overrun"
		# (it records in overwrite mode) and "dropped events" lost
		trace-cmd report -i "$tmp/tc.dat" --stat 2>/dev/null | awk '
			/^read events:/ { r += $3 } /^overrun:/ { l += $2 }
			/^dropped events:/ { l += $3 } END { print r + 0, l + 0 }' > "$tmp/tc.n"
		read tr tl < "$tmp/tc.n"
		echo "bench trace_cmd_record_events $tr events"
		echo "bench trace_cmd_record_lost_events $tl events"
		echo "bench trace_cmd_record_bytes_per_event $(ratio "$(size "$tmp/tc.dat")" "$tr") B"
	else
		echo "bench: trace-cmd record produced no trace" >&2
	fi
else
	echo "bench: trace-cmd record skipped: trace-cmd or unshare missing" >&2
fi

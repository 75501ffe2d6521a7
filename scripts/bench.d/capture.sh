#!/bin/sh
# Capture on the VM-heavy workload (about 1.5 M page events/s on the test
# host): our lost events and bytes/event, beside perf record and trace-cmd
# record recording the same kmem events. Needs root and tracefs.
bin=${1:-build/pagereplay}
work="stress-ng --vm 2 --vm-bytes 1G --vm-method all --timeout 3s"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$(id -u)" != 0 ] || [ ! -d /sys/kernel/tracing/instances ]; then
	echo "bench: capture skipped: needs root and tracefs" >&2
	exit 0
fi
command -v stress-ng >/dev/null || { echo "bench: capture skipped: no stress-ng" >&2; exit 0; }

$bin capture -o "$tmp/ours.prt" -- $work > "$tmp/ours.txt" 2>/dev/null
events=$(sed -n 's/^captured \([0-9]*\) events in \([0-9.]*\) s.*/\1/p' "$tmp/ours.txt")
secs=$(sed -n 's/^captured \([0-9]*\) events in \([0-9.]*\) s.*/\2/p' "$tmp/ours.txt")
lost=$(sed -n 's/.*lost events \([0-9]*\),.*/\1/p' "$tmp/ours.txt")
bytes=$(stat -c %s "$tmp/ours.prt")
echo "bench capture_events $events events"
echo "bench capture_events_per_s $(awk "BEGIN{printf \"%.0f\", $events/$secs}") events/s"
echo "bench capture_lost_events $lost events"
echo "bench capture_bytes_per_event $(awk "BEGIN{printf \"%.2f\", $bytes/$events}") B"

ev="-e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched -e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain -e kmem:mm_page_alloc_extfrag"
if command -v perf >/dev/null; then
	perf record $ev -a -o "$tmp/perf.data" -- $work > /dev/null 2> "$tmp/perf.txt"
	pbytes=$(stat -c %s "$tmp/perf.data")
	psamples=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null | awk '/SAMPLE events:/ {print $3; exit}')
	plost=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null | awk '/LOST_SAMPLES events:|LOST events:/ {s += $3} END {print s + 0}')
	plostn=$(perf script -i "$tmp/perf.data" --show-lost-events 2>/dev/null | awk '/LOST/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) n = $i; s += n} END {print s + 0}')
	echo "bench peer_perf_record_events ${psamples:-0} events"
	echo "bench peer_perf_record_lost_events $plostn events ($plost lost records)"
	[ -n "$psamples" ] && [ "$psamples" -gt 0 ] &&
		echo "bench peer_perf_record_bytes_per_event $(awk "BEGIN{printf \"%.2f\", $pbytes/$psamples}") B"
fi
if command -v trace-cmd >/dev/null && command -v unshare >/dev/null; then
	unshare -m scripts/trace-cmd-ns.sh "$tmp/tc.dat" $work > "$tmp/tc.txt" 2>&1
	if [ -f "$tmp/tc.dat" ]; then
		tbytes=$(stat -c %s "$tmp/tc.dat")
		tev=$(trace-cmd report -i "$tmp/tc.dat" 2>/dev/null | grep -c ' mm_page')
		tlost=$(awk '/^overrun:/ {s += $2} END {print s + 0}' "$tmp/tc.txt")
		echo "bench peer_trace_cmd_record_events $tev events"
		echo "bench peer_trace_cmd_record_lost_events $tlost events"
		[ "$tev" -gt 0 ] &&
			echo "bench peer_trace_cmd_record_bytes_per_event $(awk "BEGIN{printf \"%.2f\", $tbytes/$tev}") B"
	else
		echo "bench: trace-cmd record did not run: $(tail -1 "$tmp/tc.txt")" >&2
	fi
fi

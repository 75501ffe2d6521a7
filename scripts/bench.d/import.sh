#!/bin/sh
# Import speed: ftrace text lines per second on one core, on a large text made
# by replicating the real fixture (timestamps shifted so each CPU stays in
# time order); then the peers turning their binary recordings of kmem page
# events into text (perf script, trace-cmd report), and our import of that
# same trace-cmd report text. Peers need root (they record first); without
# it they are reported as skipped.
bin=${1:-build/pagereplay}
fix=tests/fixtures/import
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Rates use the command's own CPU time (user + system, one core): the build
# host is shared, so wall time measures the neighbours as much as us. The
# wall-clock figure of our main case is printed as well.
cpu_s() { # cpu_s OUT CMD...: run CMD, stdout to OUT, CPU seconds into $cpu, wall into $wall
	out=$1; shift
	/usr/bin/time -f '%U %S %e' -o "$tmp/time" "$@" > "$out" 2> /dev/null || return 1
	cpu=$(awk '{ print $1 + $2 }' "$tmp/time")
	wall=$(awk '{ print $3 }' "$tmp/time")
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.001; printf "%.0f", n / s }'; }

# ~1.2 M lines: 700 copies of the instance trace's 1740 event lines
zcat "$fix/ftrace-instance.trace.gz" | grep -v '^#' | grep -v kmalloc > "$tmp/one.txt"
awk -v copies=700 '
	{ line[NR] = $0 }
	END {
		for (c = 0; c < copies; c++)
			for (i = 1; i <= NR; i++) {
				s = line[i]
				match(s, /[0-9]+\.[0-9]+: /)
				ts = substr(s, RSTART, RLENGTH - 2) + c * 100
				printf "%s%.6f%s\n", substr(s, 1, RSTART - 1), ts, substr(s, RSTART + RLENGTH - 2)
			}
	}' "$tmp/one.txt" > "$tmp/big.txt"
lines=$(wc -l < "$tmp/big.txt")
cat "$tmp/big.txt" > /dev/null	# warm the page cache
cpu_s /dev/null "$bin" import -o "$tmp/big.prt" "$tmp/big.txt" || exit 1
echo "bench import_ftrace_lines_per_s $(rate "$lines" "$cpu") lines/s"
echo "bench import_ftrace_wall_lines_per_s $(rate "$lines" "$wall") lines/s"
gzip -1 -c "$tmp/big.txt" > "$tmp/big.txt.gz"
cpu_s /dev/null "$bin" import -o "$tmp/big2.prt" "$tmp/big.txt.gz" || exit 1
echo "bench import_ftrace_gz_lines_per_s $(rate "$lines" "$cpu") lines/s"

if [ "$(id -u)" != 0 ] || ! command -v perf > /dev/null || ! command -v trace-cmd > /dev/null; then
	echo "bench: import peers skipped (need root, perf and trace-cmd)" >&2
	exit 0
fi
workload="stress-ng --vm 1 --vm-bytes 512M --vm-ops 4 --timeout 3 --quiet"
perf record -q -o "$tmp/perf.data" -m 1024 -e kmem:mm_page_alloc -e kmem:mm_page_free -a -- \
	$workload > /dev/null 2>&1
cpu_s "$tmp/perf.txt" perf script -i "$tmp/perf.data"
n=$(wc -l < "$tmp/perf.txt")
echo "bench peer_perf_script_lines_per_s $(rate "$n" "$cpu") lines/s"
cpu_s /dev/null "$bin" import -o "$tmp/perf.prt" "$tmp/perf.txt"
echo "bench import_perf_script_lines_per_s $(rate "$n" "$cpu") lines/s"

# trace-cmd record needs the locked function-tracer files: stand-ins in a
# private mount namespace (see tests/fixtures/import/make-trace-cmd.sh)
mkdir "$tmp/stand"
unshare -m sh -c '
	mount --make-rprivate /
	echo 1 > '"$tmp"'/stand/ftrace_enabled
	mount --bind '"$tmp"'/stand/ftrace_enabled /proc/sys/kernel/ftrace_enabled
	for f in /sys/kernel/tracing/set_ftrace_*; do
		: > '"$tmp"'/stand/$(basename $f); mount --bind '"$tmp"'/stand/$(basename $f) $f
	done
	trace-cmd record -q -o '"$tmp"'/trace.dat -b 8192 -e kmem:mm_page_alloc -e kmem:mm_page_free '"$workload"'
' > /dev/null 2>&1
if [ -s "$tmp/trace.dat" ]; then
	cpu_s "$tmp/report.txt" trace-cmd report -i "$tmp/trace.dat"
	n=$(wc -l < "$tmp/report.txt")
	echo "bench peer_trace_cmd_report_lines_per_s $(rate "$n" "$cpu") lines/s"
	cpu_s /dev/null "$bin" import -o "$tmp/report.prt" "$tmp/report.txt"
	echo "bench import_trace_cmd_report_lines_per_s $(rate "$n" "$cpu") lines/s"
	cpu_s /dev/null "$bin" import -o "$tmp/dat.prt" "$tmp/trace.dat"
	echo "bench import_trace_dat_records_per_s $(rate "$n" "$cpu") records/s"
else
	echo "bench: trace-cmd record failed, trace-cmd peer skipped" >&2
fi

#!/bin/sh
# make demo: the main job on a bundled trace: describe it, replay it in
# lock-step into a database, then the terminal report and report.html.
set -e
bin=${1:-build/pagereplay}
trace=traces/vm-heavy.prt
out=demo-out
mkdir -p "$out"
rm -f "$out/runs.db" "$out/runs.db-wal" "$out/runs.db-shm"
echo "== pagereplay info $trace"
"$bin" info "$trace"
echo
echo "== pagereplay replay --db $out/runs.db $trace"
"$bin" replay --db "$out/runs.db" "$trace"
echo
echo "== pagereplay report --db $out/runs.db --html $out/report.html"
"$bin" report --db "$out/runs.db" --html "$out/report.html"
echo
echo "== pagereplay query: where do allocations diverge, by gfp and order?"
"$bin" query --db "$out/runs.db" \
	"select class, gfp_flags, ord, sum(count) as n from agreement_named
	 where run_id = 1 and agrees = 0 group by class, gfp_flags, ord order by n desc limit 5"
echo
echo "report written to $out/report.html"

#!/bin/sh
# The main job on a bundled trace: info, replay, database, report.
set -e
bin=${1:-build/pagereplay}
trace=traces/vm-heavy.prt
out=demo-out
mkdir -p "$out"
if [ ! -f "$trace" ]; then
	echo "demo: no bundled trace at $trace yet" >&2
	exit 1
fi
"$bin" info "$trace"

#!/bin/sh
# make demo: the main job on a bundled trace. Today that is describing it;
# replay, the database and the report join as those stages land.
set -e
bin=${1:-build/pagereplay}
trace=traces/vm-heavy.prt
echo "== pagereplay info $trace"
"$bin" info "$trace"
echo
echo "== pagereplay replay $trace"
"$bin" replay "$trace"
echo
echo "== pagereplay info --json traces/mixed.prt"
"$bin" info --json traces/mixed.prt

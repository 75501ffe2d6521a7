#!/bin/sh
# db: divergence rows written per second into a results database (one run,
# one transaction, 64-row prepared INSERTs; WAL, synchronous=NORMAL),
# including the commit. Budget: >= 1 M rows/s. Best of three runs of 2 M rows.
# Prints `bench db_rows_per_s <v> rows/s` (wall clock) and
# `bench db_rows_per_cpu_s <v> rows/s` (user + system CPU time: the figure
# to trust when the machine is busy with other work).
set -e
build=${BUILD:-build}
make --no-print-directory -s "$build/tests/test_db_bulk" >/dev/null
wall=0; cpu=0
for i in 1 2 3; do
	out=$("$build/tests/test_db_bulk" --bench 2000000)
	w=$(echo "$out" | awk '$2 == "db_rows_per_s" {print $3}')
	c=$(echo "$out" | awk '$2 == "db_rows_per_cpu_s" {print $3}')
	wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print (b > a) ? b : a }')
	cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN { print (b > a) ? b : a }')
done
echo "bench db_rows_per_s $wall rows/s"
echo "bench db_rows_per_cpu_s $cpu rows/s"

#!/bin/sh
# Reading .prt: events per second through the streaming reader (info reads
# and tallies every event), and the bundled traces' bytes per event.
bin=${1:-build/pagereplay}
trace=traces/vm-heavy.prt
events=$($bin info --json "$trace" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
best=999
for i in 1 2 3; do
	t=$( { /usr/bin/time -f %e $bin info "$trace" > /dev/null; } 2>&1 )
	best=$(awk "BEGIN{print ($t < $best) ? $t : $best}")
done
echo "bench prt_read_events_per_s $(awk "BEGIN{printf \"%.0f\", $events/($best > 0 ? $best : 0.01)}") events/s"
for t in traces/*.prt; do
	n=$($bin info --json "$t" | sed -n 's/.*"events":\([0-9]*\).*/\1/p')
	echo "bench prt_bytes_per_event_$(basename "$t" .prt) $(awk "BEGIN{printf \"%.2f\", $(stat -c %s "$t")/$n}") B"
done

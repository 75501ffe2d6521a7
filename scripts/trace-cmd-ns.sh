#!/bin/sh
# Used by make bench only: the peer tool, not part of pagereplay.
# trace-cmd record writes /proc/sys/kernel/ftrace_enabled and function-tracer
# files, which are locked here: give it writable stand-ins in a private mount
# namespace. Usage: tc-ns.sh OUT.dat CMD...
out=$1; shift
d=$(mktemp -d)
echo 1 > $d/ftrace_enabled
mount --bind $d/ftrace_enabled /proc/sys/kernel/ftrace_enabled
for f in set_ftrace_filter set_ftrace_notrace set_ftrace_pid set_ftrace_notrace_pid set_graph_function set_graph_notrace current_tracer; do
	[ -e /sys/kernel/tracing/$f ] || continue
	[ $f = current_tracer ] && echo nop > $d/$f || : > $d/$f; mount --bind $d/$f /sys/kernel/tracing/$f
done
exec trace-cmd record -e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched \
	-e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain -e kmem:mm_page_alloc_extfrag \
	-o "$out" "$@"

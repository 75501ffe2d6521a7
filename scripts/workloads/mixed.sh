#!/bin/sh
# Workload 3 of issue 7: many small C programs compiled and run in parallel
# (each mallocs and touches 64 KiB .. 4 MiB, forks once, reads a file).
# usage: mixed.sh OUT.prt [capture options...]   (run as root from the project root)
set -e
out=${1:?usage: mixed.sh OUT.prt [capture options]}; shift
case $out in /*) ;; *) out=$PWD/$out ;; esac
pr=${PAGEREPLAY:-$PWD/build/pagereplay}
dir=$(mktemp -d /tmp/pagereplay-mixed.XXXXXX)
trap 'rm -rf "$dir"' EXIT
n=${PROGRAMS:-24}
for i in $(seq 1 "$n"); do
	cat > "$dir/p$i.c" <<C
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void)
{
	size_t n = (size_t)(64 << 10) << ($i % 7);
	char *p = malloc(n);
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	pid_t c;

	memset(p, $i, n);
	while (f && fgets(line, sizeof(line), f))
		;
	if (f)
		fclose(f);
	if ((c = fork()) == 0) {
		memset(p, 1, n / 2);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	printf("%d %zu\n", $i, n);
	free(p);
	return 0;
}
C
done
cd "$dir"
"$pr" capture --shrink-pcp -o "$out" "$@" -- sh -c \
	"for i in \$(seq 1 $n); do (cc -O1 -o p\$i p\$i.c && ./p\$i >/dev/null) & done; wait"

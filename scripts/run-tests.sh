#!/bin/sh
# Run the test binaries of tests/test_*.c built under BUILD/tests (not
# leftovers of deleted tests), print each one's result and a closing
# "N passed, N failed" line; exit non-zero if any failed.
# VALGRIND=1 runs each under valgrind --error-exitcode.
build=$1; label=$2
passed=0; failed=0; failed_names=""
for src in tests/test_*.c; do
	name=$(basename "$src" .c)
	t="$build/tests/$name"
	[ -x "$t" ] || { echo "$label: $name was not built" >&2; failed=$((failed + 1)); continue; }
	if [ -n "$VALGRIND" ]; then
		set -- valgrind -q --error-exitcode=99 --leak-check=full "$t"
	else
		set -- "$t"
	fi
	if PAGEREPLAY_BIN="$build/pagereplay" PAGEREPLAY_ROOT="$(pwd)" "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failed_names="$failed_names $name"
	fi
done
echo "$label: $passed passed, $failed failed"
[ $failed -eq 0 ] || { echo "failed:$failed_names"; exit 1; }

#!/bin/sh
# Workload 1 of issue 7: anonymous memory churn.
# usage: vm-heavy.sh OUT.prt [capture options...]   (run as root from the project root)
set -e
out=${1:?usage: vm-heavy.sh OUT.prt [capture options]}; shift
exec ${PAGEREPLAY:-build/pagereplay} capture --shrink-pcp -o "$out" "$@" -- \
	stress-ng --vm 2 --vm-bytes 1G --vm-method all --timeout 3s --quiet

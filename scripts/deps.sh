#!/bin/sh
# Install the Debian packages pagereplay needs, if any are missing.
# As root: apt-get install them. Otherwise: print the exact command and fail.
set -e
need="build-essential pkg-config libtracefs-dev libtraceevent-dev libtracecmd-dev \
libsqlite3-dev libcmocka-dev libzstd-dev zlib1g-dev liblzma-dev clang"
# Used by tests, bench and fixtures (real peer tools); optional for a plain build.
need="$need stress-ng trace-cmd linux-perf zstd xz-utils sqlite3 time util-linux chromium"
[ -n "$PAGEREPLAY_EXTRA_PKGS" ] && need="$need $PAGEREPLAY_EXTRA_PKGS"

missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "pagereplay: missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null

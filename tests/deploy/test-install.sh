#!/usr/bin/env bash
# test-install.sh BUILD_DIR - `cmake --install` with another prefix and a
# DESTDIR puts the programs, man pages, web client and example config where
# they belong; the installed bridge finds its web client with no flags and
# both programs answer --version.
set -euo pipefail
build=$1
root=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$root"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR=$root cmake --install "$build" --prefix /opt/kchat >/dev/null
p=$root/opt/kchat
for f in bin/kchat-bridge bin/kchat-tui bin/kchat-passwd share/man/man1/kchat-bridge.1 \
    share/man/man1/kchat-tui.1 share/man/man1/kchat-passwd.1 share/man/man7/kchat.7 \
    share/kchat/static/index.html share/doc/kchat/kchat.conf.example; do
	[ -f "$p/$f" ] || fail "$f was not installed"
done
echo "ok - programs, man pages, web client and example config installed under DESTDIR/prefix"

for prog in kchat-bridge kchat-tui kchat-passwd; do
	v=$("$p/bin/$prog" --version) || fail "$prog --version failed"
	[[ "$v" == *[0-9].[0-9]* ]] || fail "$prog --version printed '$v'"
done
echo "ok - the programs answer --version"

# The installed bridge serves the installed web client, found without flags.
log=$root/bridge.log
# exec: $! is the bridge itself, so that the trap stops it (a subshell
# of its own would be killed and leave the bridge running).
(cd / && KCHAT_EMBEDDED_FILE=$root/embedded exec "$p/bin/kchat-bridge" --embedded-kafka -p 0 >"$log" 2>&1) &
pid=$!
port=
for _ in $(seq 1 300); do
	port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$log" | head -n 1)
	[ -n "$port" ] && break
	kill -0 $pid 2>/dev/null || { cat "$log" >&2; fail "the installed bridge exited"; }
	sleep 0.1
done
[ -n "$port" ] || fail "the installed bridge did not listen (log: $(cat "$log"))"
grep -q "static files from $p/share/kchat/static" "$log" ||
	fail "the bridge did not pick the installed web client: $(grep listening "$log")"
curl -fsS "http://127.0.0.1:$port/" | cmp -s - "$p/share/kchat/static/index.html" ||
	fail "GET / is not the installed index.html"
echo "ok - the installed bridge serves the installed web client with no flags"

# By default it listens on loopback only: the kernel's table of listening
# TCP sockets (state 0A) has the port on 127.0.0.1 (0100007F) and nowhere
# else, IPv6 included (read from /proc: no tool that may be missing).
listen=$(awk -v port="$(printf '%04X' "$port")" '$4 == "0A" {
	split($2, a, ":"); if (a[2] == port) print FILENAME ":" a[1] }' /proc/net/tcp /proc/net/tcp6)
[ "$listen" = "/proc/net/tcp:0100007F" ] ||
	fail "the bridge listens on '$listen' (/proc/net/tcp[6]: address in hex), not 127.0.0.1:$port only"
echo "ok - the bridge listens on 127.0.0.1 only by default"

#!/usr/bin/env bash
# tui-restart.sh KCHAT_TUI KCHAT_BRIDGE - the bridge with its embedded broker
# restarts (issue 13, item 2): one TUI found the broker through the address
# file, the other was given it with -b. Both carry on with the new broker,
# which listens where the old one did, and chat with each other again.
# Then the old port is taken while the bridge is down: the new broker
# listens elsewhere, and the TUI that found it through the file follows it.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
pids=()
bpid=
squat=
cleanup() {
	exec 3>&- 4>&- 5>&- 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null
	[ -n "$squat" ] && kill "$squat" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for f in "$work"/*.out "$work"/*.err "$work"/*.log; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
}
on_fail=show

embedded_only
count() { grep -cF -- "$2" "$work/$1.out"; }

start_bridge
addr=$(cut -d' ' -f1 "$file")
mkfifo "$work/found.in" "$work/given.in"
"$tui" --line -u found <"$work/found.in" >"$work/found.out" 2>"$work/found.err" &
pids+=($!)
"$tui" --line -u given -b "$addr" <"$work/given.in" >"$work/given.out" 2>"$work/given.err" &
pids+=($!)
exec 3>"$work/found.in" 4>"$work/given.in"
wait_until "the TUI that read the file connected" has found "connection: connected ($addr"
wait_until "the TUI given -b connected" has given "connection: connected ($addr"
echo "before the restart" >&3
wait_until "a line before the restart" has given "<found> before the restart"
echo "ok 1 - two TUIs on the embedded broker at $addr"

kill "$bpid"
wait "$bpid"
bpid=
gone() { has found "connection: reconnecting" || has found "connection: offline"; }
wait_until "the TUI sees the broker gone" gone
[ "$(cut -d' ' -f1 "$file")" = "$addr" ] && [ "$(cut -d' ' -f2 "$file")" = 0 ] ||
    fail "the stopped bridge's file says: $(cat "$file")"
start_bridge
[ "$(cut -d' ' -f1 "$file")" = "$addr" ] ||
    fail "the new embedded broker is at $(cut -d' ' -f1 "$file"), not $addr"
echo "ok 2 - the new embedded broker listens where the old one did"

# Each says something until the other sees it: a TUI's first line may go
# out before its reader is back, and must then still arrive.
echo "after the restart, from found" >&3
echo "after the restart, from given" >&4
wait_until "given sees found's line" has given "<found> after the restart, from found"
wait_until "found sees given's line" has found "<given> after the restart, from given"
[ "$(count found "not sent")" = 0 ] && [ "$(count given "not sent")" = 0 ] ||
    fail "a line was not sent"
echo "ok 3 - both TUIs carry on with the restarted bridge's broker"

# The old port taken while the bridge is down (another program got it).
kill "$bpid"
wait "$bpid"
bpid=
port=${addr##*:}
/usr/bin/python3 - "$port" "$work/squat.ready" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
open(sys.argv[2], "w").close()
time.sleep(600)
PY
squat=$!
wait_until "another program listens on $port" test -e "$work/squat.ready"
echo "while it moves, from found" >&3
start_bridge
moved=$(cut -d' ' -f1 "$file")
[ "$moved" != "$addr" ] || fail "the new bridge says it listens on the taken $addr"
wait_until "found follows the broker to $moved" has found \
    "the embedded broker moved from $addr to $moved"
wait_until "found is connected at $moved" has found "connection: connected ($moved"
echo "ok 4 - the TUI that found the broker through the file follows it to $moved"

mkfifo "$work/third.in"
"$tui" --line -u third <"$work/third.in" >"$work/third.out" 2>"$work/third.err" &
pids+=($!)
exec 5>"$work/third.in"
wait_until "a third TUI connected at $moved" has third "connection: connected ($moved"
wait_until "third sees the line found typed while it moved" has third \
    "<found> while it moves, from found"
echo "hello from third" >&5
wait_until "found reads the new broker" has found "<third> hello from third"
[ "$(count found "not sent")" = 0 ] || fail "a line of found's was not sent"
echo "ok 5 - nothing typed while it moved is lost, and it reads the new broker"

echo "/topic after the move" >&5
wait_until "found hears the new topic (its rooms topic followed too)" has found \
    "third set the topic of #general: after the move"
echo "ok 6 - the rooms and read topics follow the broker too"

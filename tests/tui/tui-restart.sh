#!/usr/bin/env bash
# tui-restart.sh KCHAT_TUI KCHAT_BRIDGE - the bridge with its embedded broker
# restarts (issue 13, item 2): one TUI found the broker through the address
# file, the other was given it with -b. Both carry on with the new broker,
# which listens where the old one did, and chat with each other again.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
pids=()
bpid=
cleanup() {
	exec 3>&- 4>&- 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null
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

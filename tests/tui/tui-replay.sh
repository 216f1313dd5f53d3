#!/usr/bin/env bash
# tui-replay.sh KCHAT_TUI KCHAT_BRIDGE - /clear then /replay 10m brings the
# room's lines back (issue 13, item 5), on the broker a new user has: the
# bridge's embedded one (make run). That broker finds no offset for a time
# (librdkafka's mock cluster), and replay used to read nothing at all.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
pids=()
bpid=
cleanup() {
	exec 3>&- 2>/dev/null
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
mkfifo "$work/alice.in"
"$tui" --line -u alice -b "$addr" <"$work/alice.in" >"$work/alice.out" \
    2>"$work/alice.err" &
pids+=($!)
exec 3>"$work/alice.in"
wait_until "alice connected" has alice "connection: connected ($addr"
echo "a line to bring back" >&3
echo "and another" >&3
wait_until "both lines shown" has alice "<alice> and another"
echo "ok 1 - two lines in #general on the embedded broker"

echo "/clear" >&3
echo "/replay 10m" >&3
wait_until "the replay's summary" has alice "replayed #general from"
grep -F "replayed #general from" "$work/alice.out" | grep -q ": 0 lines" &&
    fail "replay brought nothing back: $(grep -F replayed "$work/alice.out")"
[ "$(count alice "<alice> a line to bring back")" = 2 ] &&
    [ "$(count alice "<alice> and another")" = 2 ] ||
    fail "the lines were not shown again after /clear"
echo "ok 2 - /clear then /replay 10m shows them again"

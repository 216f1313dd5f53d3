#!/usr/bin/env bash
# tui-name.sh KCHAT_TUI - a name another live client holds (issue 10, item
# 2): kchat-tui ends saying who holds it and since when; --force-name takes
# it and the holder is told; the same terminal (its saved instance id) is
# not someone else; one instance quitting leaves the other in /who.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
pids=()
cleanup() {
	exec 3>&- 4>&- 5>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap '' PIPE	# a kchat-tui that ended early: say so, don't die writing
show() {
	for f in "$work"/*.out "$work"/*.err; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
}
on_fail=show
# Each "terminal" is a home of its own: its own saved instance id.
run() {	# NAME HOME ARGS...: a line-mode kchat-tui reading NAME.in
	local name=$1 home=$2
	shift 2
	mkdir -p "$work/$home"
	mkfifo "$work/$name.in"
	HOME=$work/$home XDG_STATE_HOME= "$tui" --line "$@" <"$work/$name.in" \
	    >"$work/$name.out" 2>"$work/$name.err" &
	pids+=($!)
	last=$!
}

run alice home1 -u alice
alicepid=$last
exec 3>"$work/alice.in"
wait_until "alice connected" has alice "connection: connected"
[ -s "$work/home1/.local/state/kchat/instance" ] ||
    fail "no saved instance id under \$HOME/.local/state/kchat"

run impostor home2 -u alice
exec 4>"$work/impostor.in"
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_until "the second alice to end" gone "$last"
wait "$last"
status=$?
[ $status = 1 ] || fail "the second alice exited $status, not 1"
grep -q "alice is in use by another client that is online (instance [0-9a-f]\{16\}, since 20[0-9-]*T[0-9:]* UTC).*--force-name" \
    "$work/impostor.err" || fail "the refusal said: $(cat "$work/impostor.err")"
exec 4>&-
echo "ok 1 - a name another terminal holds: kchat-tui ends saying who and since when"

# The same terminal (home1: the same saved instance) is not someone else.
run again home1 -u alice
exec 5>"$work/again.in"
wait_until "the same terminal's second kchat-tui connected" has again "connection: connected"
echo "/quit" >&5
exec 5>&-
wait "$last" || fail "the same terminal's second kchat-tui exited $?"
echo "ok 2 - the same terminal, started again, keeps its name"

run forced home3 -u alice --force-name
exec 4>"$work/forced.in"
wait_until "the forced one connected" has forced "taken with --force-name"
wait_until "alice is told" has alice "took the name alice with --force-name"
echo "ok 3 - --force-name takes the name and the holder is told"

# Two instances of alice now: one quitting leaves the other in /who.
echo "/quit" >&4
exec 4>&-
wait "$last"
wait_until "the other alice's leave read" has alice "alice has left"
echo "/who" >&3
wait_until "alice's /who" has alice " in #general:"
grep " in #general:" "$work/alice.out" | tail -n 1 | grep -q "alice" ||
    fail "alice is gone from /who: $(grep " in #general:" "$work/alice.out" | tail -n 1)"
echo "ok 4 - one instance quitting leaves the other in /who"
echo "/quit" >&3
exec 3>&-
wait "$alicepid"

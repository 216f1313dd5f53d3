#!/usr/bin/env bash
# tui-dm-holder.sh KCHAT_TUI - a name's stored direct messages are its
# holder's: terminal alice and carol write to each other, alice becomes
# alicia (/nick); another terminal (its own instance, another
# XDG_STATE_HOME) that takes the free name alice is shown none of what
# alice wrote or got, only what came while nobody held the name. When it
# quits, alice's own terminal comes back as alice: it is shown what came
# since, not what was written to the other one.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
pids=()
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
show() { for f in "$work"/*.out "$work"/*.err; do echo "--- $f"; cat "$f"; done; }
on_fail=show

# start OUT NAME INSTANCE FD: a line-mode client as NAME, with the instance
# of state directory INSTANCE, printing to $work/OUT.out, read from fd FD.
start() {
	mkfifo "$work/$1.in"
	XDG_STATE_HOME=$work/state-$3 "$tui" --line -u "$2" -r general \
	    <"$work/$1.in" >"$work/$1.out" 2>"$work/$1.err" 3>&- 4>&- 5>&- 6>&- &
	pids+=($!)
	eval "exec $4>\"$work/$1.in\""
}

start carol carol carol 3
wait_until "carol's join" has carol "#general --> carol has joined"
start alice alice alice 4
wait_until "alice's join at carol" has carol "#general --> alice has joined"
echo "/msg alice hello alice from carol" >&3
wait_until "carol's dm at alice" has alice "@carol <carol> hello alice from carol"
echo "/msg carol dm alice->carol 1" >&4
wait_until "alice's dm at carol" has carol "@alice <alice> dm alice->carol 1"
echo "/nick alicia" >&4
wait_until "the rename at carol" has carol "alice is now known as alicia"
echo "ok 1 - alice and carol wrote to each other; alice is now alicia"

echo "/msg alice while nobody is alice" >&3
wait_until "the dm to nobody, stored" has carol "@alice <carol> while nobody is alice"
start mallory alice mallory 5
wait_until "the new alice is shown what came while nobody was alice" \
    has mallory "@carol <carol> while nobody is alice"
has mallory "hello alice from carol" && fail "the new alice is shown a dm to the old one"
has mallory "dm alice->carol 1" && fail "the new alice is shown a dm from the old one"
echo "ok 2 - who takes the free name is shown none of the old holder's dms"

echo "/msg alice to the second alice" >&3
wait_until "the dm at the new alice" has mallory "@carol <carol> to the second alice"
exec 5>&-
wait_until "the new alice gone" has carol "alice has left"
echo "/msg alice welcome back" >&3
wait_until "the dm stored" has carol "@alice <carol> welcome back"
start back alice alice 6
wait_until "alice's terminal, back, is shown what came since" \
    has back "@carol <carol> welcome back"
has back "to the second alice" && fail "alice is shown a dm to the other alice"
echo "ok 3 - the first holder, back, is shown what came since, not the other's"

exec 3>&- 4>&- 6>&-
for p in "${pids[@]}"; do wait "$p"; done
pids=()
echo "ok 4 - all quit"

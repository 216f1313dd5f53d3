#!/usr/bin/env bash
# tui-name-quiet.sh KCHAT_TUI - a start refused because another live client
# holds the name says nothing to the chat and shows nothing of the user's:
# while bob is online (a screen in tmux), a second bob on a screen, a
# second bob in line mode and one whose input ends at once (</dev/null)
# each end with "bob is in use ... --force-name", and no join, leave or
# heartbeat of theirs is written to Kafka (read back with kcat), the real
# bob's screen and alice's output show no join or leave of theirs, and the
# line-mode one prints neither bob's stored direct message nor the room's
# history.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
sock="kchat-tui-name-quiet-$$"
T() { tmux -L "$sock" "$@"; }
pids=()
cleanup() {
	exec 3>&- 4>&- 5>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap '' PIPE
show() {
	for f in "$work"/*.out "$work"/*.err; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
	for s in bob bob2; do
		echo "--- $s's screen"; T capture-pane -p -t "$s" 2>/dev/null
	done
	echo "--- records"; cat "$work/records" 2>/dev/null
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
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
inst() { cat "$work/$1/.local/state/kchat/instance"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# "type user inst" of every record of topic $1, decoded as any reader would.
records() {
	kcat -b "$brokers" -t "$1" -C -e -q -f '%R%s' 2>/dev/null |
	    /usr/bin/python3 -c '
import msgpack, struct, sys
d = sys.stdin.buffer.read()
i = 0
while i + 4 <= len(d):
    n = struct.unpack(">i", d[i:i + 4])[0]
    i += 4
    if n < 0:
        continue
    m = msgpack.unpackb(d[i:i + n], raw=False)
    i += n
    print(m.get("type"), m.get("user"), m.get("inst") or "-")
'
}

run alice home1 -u alice -r general
exec 3>"$work/alice.in"
wait_until "alice connected" has alice "connection: connected"
mkdir -p "$work/home2"
T new-session -d -s bob -x 100 -y 24 \
    "env HOME='$work/home2' XDG_STATE_HOME= TERM=xterm-256color '$tui' -u bob -r general 2>'$work/bob.err'; echo EXITED \$?; sleep 600"
wait_until "bob's join at alice" has alice "#general --> bob has joined"
echo "history of general, before the impostors" >&3
echo "/msg bob stored for bob only" >&3
wait_until "alice's direct message at bob" sees bob "@alice (1!)"
wait_until "bob's instance id saved" test -s "$work/home2/.local/state/kchat/instance"
echo "ok 1 - bob is online; #general has history and bob a direct message"

# The second bob on a screen of its own terminal.
mkdir -p "$work/home3"
T new-session -d -s bob2 -x 100 -y 24 \
    "env HOME='$work/home3' XDG_STATE_HOME= TERM=xterm-256color '$tui' -u bob -r general 2>'$work/bob2.err'; echo EXITED \$?; sleep 600"
wait_until "the second bob's screen to end" sees bob2 "EXITED"
sees bob2 "EXITED 1" || fail "the second bob on a screen did not exit 1"
grep -q "bob is in use by another client that is online.*--force-name" \
    "$work/bob2.err" || fail "the screen's refusal said: $(cat "$work/bob2.err")"
echo "ok 2 - a second bob on a screen ends saying the name is in use"

# The second bob in line mode, its input open.
run bob3 home4 -u bob -r general
exec 4>"$work/bob3.in"
wait_until "the line-mode bob to end" gone "$last"
wait "$last"
status=$?
exec 4>&-
[ $status = 1 ] || fail "the line-mode second bob exited $status, not 1"
grep -q "bob is in use by another client that is online.*--force-name" \
    "$work/bob3.err" || fail "the line-mode refusal said: $(cat "$work/bob3.err")"
grep -F "stored for bob only" "$work/bob3.out" &&
    fail "the refused bob printed bob's direct message"
grep -F "history of general" "$work/bob3.out" &&
    fail "the refused bob printed the room's history"
grep -F "bob has joined" "$work/bob3.out" &&
    fail "the refused bob printed its own join"
echo "ok 3 - a second bob in line mode ends saying so, and prints nothing of bob's"

# Its input ends at once: the refusal still comes first, and nothing goes.
mkdir -p "$work/home5"
HOME=$work/home5 XDG_STATE_HOME= "$tui" --line -u bob -r general </dev/null \
    >"$work/bob4.out" 2>"$work/bob4.err"
status=$?
[ $status = 1 ] || fail "the second bob with no input exited $status, not 1"
grep -q "bob is in use by another client that is online.*--force-name" \
    "$work/bob4.err" || fail "the refusal with no input said: $(cat "$work/bob4.err")"
echo "ok 4 - a second bob whose input ends at once is refused too"

# Everything the refused ones could have written is in Kafka now (each
# flushed before it exited): none of it is theirs.
records "$topic" >"$work/records"
records "$topic.presence" >>"$work/records"
grep -q "^join bob $(inst home2)\$" "$work/records" ||
    fail "the reader of the topics sees no join of the real bob"
for h in home3 home4 home5; do
	[ -s "$work/$h/.local/state/kchat/instance" ] ||
	    fail "no saved instance id in $h"
	grep -F " $(inst $h)" "$work/records" &&
	    fail "a refused bob ($h) wrote records to Kafka"
done
[ "$(grep -c '^join bob ' "$work/records")" = 1 ] ||
    fail "more than one join of bob on the chat topic"
grep '^leave bob ' "$work/records" && fail "a leave of bob on the chat topic"
echo "ok 5 - Kafka holds no join, leave or heartbeat of a refused bob"

# After a line of alice's: had a refused one's join or leave come, it came before.
echo "after the impostors" >&3
wait_until "alice's later line at bob" sees bob "<alice> after the impostors"
[ "$(screen bob | grep -cF -- "--> bob has joined")" = 1 ] ||
    fail "bob's screen shows bob joining more than once"
screen bob | grep -F "bob has left" && fail "bob's screen shows bob leaving"
[ "$(grep -cF -- "--> bob has joined" "$work/alice.out")" = 1 ] ||
    fail "alice saw bob join more than once"
grep -F "bob has left" "$work/alice.out" && fail "alice saw bob leave"
echo "ok 6 - neither bob's screen nor alice shows a join or leave of the refused ones"

T send-keys -t bob -l -- "/quit"
T send-keys -t bob Enter
wait_until "bob exits" sees bob "EXITED 0"
echo "/quit" >&3
exec 3>&-
wait "${pids[0]}"
echo "ok 7 - bob and alice quit"

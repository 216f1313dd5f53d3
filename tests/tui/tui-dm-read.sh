#!/usr/bin/env bash
# tui-dm-read.sh KCHAT_TUI - a direct message already read is not unread
# after a restart: bob (a screen in tmux) gets a direct message from carol,
# opens @carol and quits at once; started again he sees the @carol buffer
# (the missed direct messages of the last days are shown at start) with no
# unread count, and a new direct message counts 1, not 2. Twice in a row.
# The read marker of the conversation is on the read topic (key bob/@carol).
. "$(dirname "$0")/tui-lib.sh"
tui=$1
sock="kchat-tui-dm-read-$$"
T() { tmux -L "$sock" "$@"; }
cpid=
cleanup() {
	exec 3>&- 2>/dev/null
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	echo "--- bob's screen"; T capture-pane -p -t bob 2>/dev/null
	cat "$work"/*.err "$work"/*.out 2>/dev/null
	echo "--- $topic.read"
	kcat -b "$brokers" -t "$topic.read" -C -e -q -f '%k\n' 2>/dev/null
}
on_fail=show

screen() { T capture-pane -p -t bob; }
sees() { screen | grep -qF -- "$1"; }
not_sees() { ! screen | grep -qF -- "$1"; }
type_line() { T send-keys -t bob -l -- "$1"; T send-keys -t bob Enter; }
bob_connected() { sees " bob | #general |" && sees "| connected $brokers"; }
start_bob() {
	T kill-session -t bob 2>/dev/null
	T new-session -d -s bob -x 100 -y 24 \
	    "env TERM=xterm-256color '$tui' -u bob -r general 2>>'$work/bob.err'; echo EXITED \$?; sleep 600"
	wait_until "bob connected" bob_connected
}
# bob opens @carol (buffer 2), reads it, and quits at once.
read_and_quit() {
	T send-keys -t bob M-2
	wait_until "bob in @carol" sees " bob | @carol |"
	type_line "/quit"
	wait_until "bob exits" sees "EXITED 0"
}

mkfifo "$work/carol.in"
"$tui" --line -u carol -r general <"$work/carol.in" >"$work/carol.out" \
    2>"$work/carol.err" &
cpid=$!
exec 3>"$work/carol.in"
wait_until "carol connected" has carol "connection: connected"
start_bob
echo "/msg bob first from carol" >&3
wait_until "carol's direct message at bob, unread" sees "[Act: 2:@carol(1!)]"
read_and_quit
echo "ok 1 - bob gets a direct message from carol, reads it and quits"

start_bob
# The missed direct messages come with the buffer: until it is listed.
wait_until "the @carol buffer at start" sees "2 @carol"
# Listed in the same pass that counts it: the count is there too, if any.
not_sees "@carol (" || fail "the direct message read before counts as unread"
not_sees "[Act:" || fail "the activity list shows the read direct message"
echo "/msg bob second from carol" >&3
wait_until "the new direct message's count" sees "[Act: 2:@carol("
sees "2 @carol (1!)" || fail "@carol does not count exactly 1 unread"
sees "[Act: 2:@carol(1!)]" || fail "the activity list does not say @carol(1!)"
echo "ok 2 - after a restart only the new direct message is unread"

read_and_quit
start_bob
wait_until "the @carol buffer at the second start" sees "2 @carol"
not_sees "@carol (" || fail "read direct messages count as unread the second time"
echo "/msg bob third from carol" >&3
wait_until "the third direct message's count" sees "[Act: 2:@carol("
sees "2 @carol (1!)" || fail "@carol does not count exactly 1 unread the second time"
kcat -b "$brokers" -t "$topic.read" -C -e -q -f '%k\n' 2>/dev/null |
    grep -qx "bob/@carol" || fail "no read marker bob/@carol on the read topic"
echo "ok 3 - and again after a second restart"

read_and_quit
echo "/quit" >&3
exec 3>&-
wait "$cpid"
cpid=
echo "ok 4 - both quit"

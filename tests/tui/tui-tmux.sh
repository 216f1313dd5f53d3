#!/usr/bin/env bash
# tui-tmux.sh KCHAT_TUI - the screen, driven in tmux (send-keys,
# capture-pane) against a real broker: two TUIs chat; /join and switching
# with unread counts; a direct message; resizing down to one cell and back;
# hostile records written with kcat change nothing outside their own line;
# history after restarting a TUI.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
sock="kchat-tui-test-$$"
T() { tmux -L "$sock" "$@"; }
cleanup() {
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for p in alice bob; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
	cat "$work"/*.err 2>/dev/null
}
on_fail=show

start() {	# start NAME: a TUI in its own tmux session, 100x24
	T new-session -d -s "$1" -x 100 -y 24 \
	    "env TERM=xterm-256color '$tui' -u $1 -r general 2>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }

# No start-server first: a server without a session exits at once, and a
# new-session that reached it then failed ("server exited unexpectedly",
# 3 starts in 100): new-session starts the server itself.
start alice
wait_until "alice's screen" sees alice "--> alice has joined"
start bob
wait_until "bob's join at alice" sees alice "--> bob has joined"
wait_until "bob's status line" sees bob " bob | #general | connected $brokers"
echo "ok 1 - two TUIs start; the status line shows user, room, state, broker"

type_line bob "hello from bob"
wait_until "bob's line at alice" sees alice "<bob> hello from bob"
wait_until "bob's line acknowledged" not_sees bob "(sending)"
type_line alice "hi bob, nice to see you"
wait_until "alice's line at bob" sees bob "<alice> hi bob, nice to see you"
echo "ok 2 - two TUIs chat; a sent line loses its (sending) mark"

type_line alice "/join #random"
wait_until "alice in #random" sees alice " alice | #random |"
type_line bob "/join random"
wait_until "bob's join in #random" sees alice "--> bob has joined"
T send-keys -t bob M-1
wait_until "bob back in #general" sees bob " bob | #general |"
type_line alice "over here in random"
wait_until "an unread count at bob" sees bob "2 #random (1)"
T send-keys -t bob M-2
wait_until "bob reads #random" sees bob "<alice> over here in random"
wait_until "unread cleared" not_sees bob "#random (1)"
T send-keys -t bob C-p
wait_until "Ctrl-P to #general" sees bob " bob | #general |"
T send-keys -t bob C-n
wait_until "Ctrl-N to #random" sees bob " bob | #random |"
echo "ok 3 - /join, Alt-1/Alt-2 and Ctrl-N/Ctrl-P switching, unread counts"

type_line alice "/msg bob psst, bob"
wait_until "the dm's buffer at bob with a mention count" sees bob "3 @alice (1!)"
T send-keys -t bob M-3
wait_until "the dm at bob" sees bob "<alice> psst, bob"
type_line bob "back at you"
T send-keys -t alice M-3
wait_until "the answer in alice's @bob" sees alice "<bob> back at you"
echo "ok 4 - a direct message shows in @user for both"

# Tab completion of a command and a user name.
T send-keys -t bob C-u "/jo" Tab "x"
wait_until "completed command" sees bob "[@alice] /join x"
T send-keys -t bob C-u "al" Tab "x"
wait_until "completed user" sees bob "[@alice] alice: x"
T send-keys -t bob C-u
echo "ok 5 - Tab completes commands and user names"

for size in "30 6" "1 1" "5 2" "12 3" "100 24"; do
	set -- $size
	T resize-window -t bob -x "$1" -y "$2"
	wait_until "bob's pane at ${1}x$2" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "${1}x$2"
done
T send-keys -t bob M-1
# (the status line may hold the activity list or who is typing between)
full_size() { screen bob | grep -q " bob | #general |.* connected [0-9]"; }
wait_until "bob redrawn at full size" full_size
type_line alice "/part"
wait_until "alice's @bob closed" not_sees alice "@bob"
T send-keys -t alice M-1
wait_until "alice in #general" sees alice " alice | #general |"
type_line alice "after the resize"
wait_until "a line after the resizes" sees bob "<alice> after the resize"
sees bob "EXITED" && fail "bob's TUI exited"
echo "ok 6 - resizing down to one cell and back: no crash, redrawn"

# Hostile records, as any Kafka tool could write them. Those that break the
# record rules (controls, ESC) are skipped; those that pass (bidi controls)
# are drawn inert.
title_before=$(T display -p -t bob '#{pane_title}')
before=$(screen bob | sed '$d' | sed '$d')
produce general mallory '\x1b[2J\x1b[Hcleared?\x1b]0;PWNED\x07'
produce general mallory '\x1b[1;1H<alice> fake line'
produce general mallory 'left\u202eright\u2066iso\u2069 \u200fend'
produce general mallory "marker after the hostile records"
wait_until "the marker" sees bob "<mallory> marker after the hostile records"
after=$(screen bob)
not_sees bob "PWNED" || fail "an OSC sequence reached the screen"
not_sees bob "fake line" || fail "a record with ESC was shown"
[ "$(T display -p -t bob '#{pane_title}')" = "$title_before" ] ||
    fail "the terminal title changed"
sees bob "<mallory> left�right�iso� �end" || fail "bidi controls not neutralised"
# Every line shown before is still there, in the same order (scrolled up).
echo "$before" | grep -v '^ *│ *$' | grep -v '^$' >"$work/before"
echo "$after" | grep -Fx -f "$work/before" >"$work/kept" || true
[ "$(grep -c . "$work/before")" -le "$(grep -c . "$work/kept")" ] ||
    fail "lines outside the hostile record changed: $(diff "$work/before" "$work/kept")"
[ "$(T display -p -t bob '#{cursor_y}')" = 23 ] || fail "the cursor left the input line"
echo "ok 7 - hostile text from kcat changes nothing outside its own line"

type_line bob "/quit"
wait_until "bob exits" sees bob "EXITED 0"
T kill-session -t bob
start bob
wait_until "bob's history after a restart" sees bob "<bob> hello from bob"
sees bob "<mallory> marker after the hostile records" || fail "history incomplete"
echo "ok 8 - history after restarting a TUI"

# A message cannot fake another line, even in a narrow pane, nor blank the
# screen with newlines: continuation rows are indented at every width, and
# past 50 lines the rest is counted, not drawn.
T resize-window -t bob -x 20 -y 12
wait_until "bob's pane at 20x12" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "20x12"
produce general mallory 'hi\n12:00 <alice> fake'
wait_until "the two-line message" sees bob "<alice> fake"
real=$(screen bob | grep -F -- "<mallory> hi" | tail -n 1)
fake=$(screen bob | grep -F -- "<alice> fake" | tail -n 1)
[ "${real%%<mallory>*}" != "${fake%%<alice>*}" ] ||
    fail "a continuation row lines up like a line of alice's: '$fake'"
T resize-window -t bob -x 100 -y 24
wait_until "bob's pane at 100x24" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "100x24"
produce general mallory "$(python3 -c 'print("\\n".join("row %d" % i for i in range(1, 301)), end="")')"
wait_until "the count of lines not shown" sees bob "250 more lines not shown"
sees bob "row 50" || fail "the 50th line is shown"
not_sees bob "row 51" || fail "the 51st line is drawn"
echo "ok 9 - a message cannot fake a line or flood the screen with newlines"

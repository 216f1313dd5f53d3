#!/usr/bin/env bash
# tui-input.sh KCHAT_TUI - typing and pasting, driven in tmux against a real
# broker (issue 13): a bracketed paste lands in the input line as one
# message and runs no command; a long paste asks first; Ctrl-J and
# Alt-Enter insert a newline; bracketed paste is off again after the exit.
# Lines wrap between words; unread and mention counts; the activity list
# in the status line; a nick change is one line. Quitting counts only the user's own lines as not sent, and waits as
# long as kchat-tui(1) says; an unknown TERM says what to do.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
sock="kchat-tui-input-$$"
T() { tmux -L "$sock" "$@"; }
cleanup() {
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for p in alice bob carol; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
	cat "$work"/*.err 2>/dev/null
}
on_fail=show

start() {	# start NAME [FLAGS]: a TUI in its own tmux session
	T new-session -d -s "$1" -x 100 -y 24 \
	    "env TERM=xterm-256color '$tui' -u $1 -r general ${2:-} 2>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }
# paste NAME TEXT: as a terminal pastes (bracketed when the program asks).
paste() { T set-buffer -b p -- "$2"; T paste-buffer -p -d -b p -t "$1"; }
# The row after the one holding TEXT, without the room list.
row_after() { screen "$1" | grep -A1 -F -- "$2" | sed -n 2p | sed "s/^.*│//"; }

# No start-server first: a server without a session exits at once, and a
# new-session that reached it then failed ("server exited unexpectedly",
# 3 starts in 100): new-session starts the server itself.
start alice
wait_until "alice's screen" sees alice "--> alice has joined"
start bob
wait_until "bob's join at alice" sees alice "--> bob has joined"

paste alice "$(printf '/nick pwned\nsecond line')"
wait_until "the paste in alice's input line" sees alice "[#general] /nick pwned␤second line"
sees alice " alice | #general" || fail "the paste ran /nick"
T send-keys -t alice Enter
wait_until "the pasted message at bob" sees bob "<alice> /nick pwned"
row_after bob "<alice> /nick pwned" | grep -q "^ *second line" ||
    fail "the second line is not in the same message: $(row_after bob "<alice> /nick pwned")"
sees alice " alice | #general" || fail "the paste ran /nick"
echo "ok 1 - a bracketed paste is one message in the input line, no command runs"

paste alice "$(seq -f 'pasted row %g' 1 12)"
wait_until "12 lines in the input" sees alice "pasted row 11␤pasted row 12"
T send-keys -t alice Enter
wait_until "the question" sees alice "send 12 lines as one message? Enter sends, Esc edits"
T send-keys -t alice Escape
wait_until "the question gone" not_sees alice "send 12 lines"
not_sees bob "pasted row 1" || fail "Esc sent the paste"
sees alice "pasted row 11␤pasted row 12" || fail "Esc lost the paste"
T send-keys -t alice Enter
wait_until "the question again" sees alice "send 12 lines as one message?"
T resize-window -t alice -x 90 -y 24
wait_until "alice at 90x24" test "$(T display -p -t alice '#{window_width}x#{window_height}')" = "90x24"
sees alice "send 12 lines as one message?" || fail "a resize dropped the question"
T resize-window -t alice -x 100 -y 24
T send-keys -t alice Enter
wait_until "the 12 lines at bob" sees bob "pasted row 12"
row_after bob "<alice> pasted row 1" | grep -q "^ *pasted row 2" ||
    fail "the 12 lines are not one message"
echo "ok 2 - a paste of more than 5 lines asks first: Esc edits, Enter sends"

T send-keys -t alice -l "first"; T send-keys -t alice C-j
T send-keys -t alice -l "second"; T send-keys -t alice M-Enter
T send-keys -t alice -l "third"
wait_until "newlines in the input" sees alice "first␤second␤third"
T send-keys -t alice Enter
wait_until "the three lines at bob" sees bob "<alice> first"
rows=$(screen bob | sed 's/^.*│//' | grep -A2 -F -- "<alice> first" | tr -d ' ')
[ "$(echo "$rows" | sed 1d)" = "$(printf 'second\nthird')" ] ||
    fail "Ctrl-J or Alt-Enter: $rows"
echo "ok 3 - Ctrl-J and Alt-Enter insert a newline"

# Rows wrap between words: every word of a long line is whole on screen.
T resize-window -t bob -x 50 -y 24
wait_until "bob at 50x24" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "50x24"
type_line alice "$(seq -f 'word%02g' 1 30 | tr '\n' ' ')"
wait_until "the long line at bob" sees bob "word30"
for i in $(seq -f '%02g' 1 30); do
	sees bob "word$i" || fail "word$i is cut across rows"
done
type_line bob "/help msg"
wait_until "/help at bob" sees bob "Alt-N"
for w in /msg Send direct message shown @user buffer "(Alt-N" "switches)."; do
	sees bob "$w" || fail "/help cuts \"$w\""
done
T resize-window -t bob -x 100 -y 24
wait_until "bob at 100x24" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "100x24"
echo "ok 4 - lines wrap between words, /help too"

type_line alice "/join #counts"
type_line bob "/join #counts"
wait_until "bob's join in #counts" sees alice "--> bob has joined"
T send-keys -t bob M-1
wait_until "bob back in #general" sees bob " bob | #general"
type_line alice "first in counts"
type_line alice "bob: second in counts"
wait_until "both counts at bob" sees bob "2 #counts (2, 1!)"
echo "ok 5 - the room list shows unread and mention counts together"

# 40x10: no room list, yet a direct message leaves a trace in the status line.
T send-keys -t bob M-2
wait_until "bob reads #counts" sees bob " bob | #counts"
T send-keys -t bob M-1
wait_until "bob back in #general" sees bob " bob | #general | connected"
T resize-window -t bob -x 40 -y 10
wait_until "bob at 40x10" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "40x10"
type_line alice "/msg bob are you there?"
wait_until "the activity list at bob" sees bob " bob | #general | [Act: 3:@alice(1!)] |"
T send-keys -t bob M-3
wait_until "bob reads the dm" sees bob "<alice> are you there?"
wait_until "the activity list emptied" sees bob " bob | @alice | connected"
T send-keys -t bob M-1
T resize-window -t bob -x 100 -y 24
wait_until "bob at 100x24" test "$(T display -p -t bob '#{window_width}x#{window_height}')" = "100x24"
echo "ok 6 - activity shows in the status line, [Act: 3:@alice(1!)], when the room list is hidden"

type_line alice "/nick alice2"
wait_until "the nick change at bob" sees bob "-!- alice is now known as alice2"
not_sees bob "<-- alice has left" || fail "the nick change shows as a leave"
not_sees bob "--> alice2 has joined" || fail "the nick change shows as a join"
wait_until "alice's status" sees alice " alice2 | #counts"
sees alice "-!- alice is now known as alice2" || fail "alice does not see her change"
echo "ok 7 - a nick change is one line: alice is now known as alice2"

type_line alice "/quit"
wait_until "alice exits" sees alice "EXITED 0"
paste alice "typed after the exit"
wait_until "the paste at the shell" sees alice "typed after the exit"
not_sees alice "[200~" || fail "bracketed paste still on after the exit"
echo "ok 8 - bracketed paste is turned off at exit"

# A broker that is not there: a port nothing listens on.
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start carol "-b 127.0.0.1:$dead"
wait_until "carol's screen" sees carol "--> carol has joined (sending)"
type_line carol "/quit"
wait_until "carol exits" sees carol "EXITED 0"
grep -q "not sent" "$work/carol.err" &&
    fail "nothing typed, yet: $(cat "$work/carol.err")"
T kill-session -t carol
start carol "-b 127.0.0.1:$dead"
wait_until "carol offline" sees carol " carol | #general | offline"
type_line carol "nobody hears this"
type_line carol "/quit"
wait_until "carol exits" sees carol "EXITED 0"
grep -q "waiting up to 1 s for Kafka at 127.0.0.1:$dead to take 1 line$" "$work/carol.err" ||
    fail "the wait: $(cat "$work/carol.err")"
grep -q "^kchat-tui: 1 line not sent" "$work/carol.err" ||
    fail "the count: $(cat "$work/carol.err")"
man=$(dirname "$0")/../../man/kchat-tui.1
grep -q "up to 3 seconds" "$man" && grep -q "(up to 1 second while the broker is away)" "$man" ||
    fail "kchat-tui(1) says another wait for /quit"
grep -q "^#define MAIN_FLUSH_MS	3000$" "$(dirname "$0")/../../tui/main.c" ||
    fail "the wait while connected is not the 3 s of kchat-tui(1)"
echo "ok 9 - quitting counts only the user's lines as not sent, and waits as kchat-tui(1) says"

# A terminal type curses does not know: what to do, --line included.
T new-session -d -s dan -x 100 -y 24 \
    "env TERM=nosuchterm '$tui' -u dan -r general; echo EXITED \$?; sleep 600"
wait_until "dan's exit" sees dan "EXITED 1"
T capture-pane -p -J -t dan | grep -qxF 'kchat-tui: cannot use the terminal type "nosuchterm" (TERM): set TERM to one this machine knows, such as xterm-256color, or use --line' ||
    fail "an unknown TERM: $(screen dan)"
not_sees dan "Error opening terminal" || fail "curses' own message"
echo "ok 10 - an unknown TERM: what to do, --line included"

#!/usr/bin/env bash
# tui-side.sh KCHAT-TUI KCHAT-BRIDGE - the side panes and settings of
# kchat-tui (issue 14, items 5 and 6), in tmux against the real broker: the
# nick list (F7) shows who is here, a browser's typing (through the bridge)
# and another terminal's typing and /away; /away reaches the browser's
# member list; /ignore hides a user and survives a restart; highlight
# words mark a line; Tab completes a name in the middle of the line; /set
# writes the config file keeping its comments; logs are written per room
# per day; the mouse wheel scrolls.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
here=$(cd "$(dirname "$0")" && pwd)
sock="kchat-tui-side-$$"
T() { tmux -L "$sock" "$@"; }
bpid=
cleanup() {
	T kill-server 2>/dev/null
	exec 7>&- 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for p in alice bob; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
	echo "--- browser"; cat "$work/web.out" 2>/dev/null
	cat "$work"/*.err "$work/bridge.log" 2>/dev/null | tail -20
}
on_fail=show
command -v tmux >/dev/null || fail "tmux is needed: apt-get install tmux"
command -v node >/dev/null || fail "node is needed: apt-get install nodejs"

conf=$XDG_CONFIG_HOME/kchat/config
export XDG_DATA_HOME=$work/data
mkdir -p "$(dirname "$conf")"
printf '# my kchat settings\nhistory = 20\n' >"$conf"

start() {	# start NAME: a TUI in its own tmux session, 120 columns
	T new-session -d -s "$1" -x 120 -y 24 \
	    "env TERM=xterm-256color '$tui' -u $1 -r general 2>>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }
# The nick list: the columns right of the last border.
nicks() { screen "$1" | sed -n 's/^.*│ //p'; }
nick_is() { nicks "$1" | grep -qx -- "$2 *"; }
web_has() { grep -qF -- "$1" "$work/web.out"; }

# No start-server first: a server without a session exits at once, and a
# new-session that reached it then failed ("server exited unexpectedly",
# 3 starts in 100): new-session starts the server itself.
start alice
wait_until "alice's screen" sees alice "--> alice has joined"
start bob
wait_until "bob's join at alice" sees alice "--> bob has joined"

# A browser through the bridge, on the same topic.
"$bridge" -b "$brokers" -t "$topic" -H 127.0.0.1 -p 0 \
    --static-dir "$here/../../static" >"$work/bridge.log" 2>&1 &
bpid=$!
port_known() { grep -qE 'listening on https?://[^ ]*:[0-9]+/' "$work/bridge.log"; }
wait_until "the bridge listening" port_known
port=$(sed -nE 's|.*listening on https?://[^ ]*:([0-9]+)/.*|\1|p' "$work/bridge.log" | head -1)
mkfifo "$work/web.in"
node "$here/ws-client.js" "ws://127.0.0.1:$port/ws/carol1" <"$work/web.in" \
    >"$work/web.out" 2>"$work/web.err" &
exec 7>"$work/web.in"
echo '{"type":"join","room":"general"}' >&7
echo '{"type":"message","username":"carol","room":"general","message":"carol here"}' >&7
wait_until "carol's message at alice" sees alice "<carol> carol here"

T send-keys -t alice F7
wait_until "the nick list" sees alice "3 here"
nick_is alice bob || fail "bob is not in the nick list: $(nicks alice)"
nick_is alice carol || fail "carol is not in the nick list: $(nicks alice)"
echo "ok 1 - F7 shows the nick list: who is in the room"

echo '{"type":"typing","room":"general"}' >&7
wait_until "the browser's typing in the nick list" nick_is alice "carol \[typing\]"
wait_until "the browser's typing in the status line" sees alice "| carol typing |"
wait_until "the typing mark gone after a few seconds" nick_is alice carol
not_sees alice "carol typing" || fail "typing still in the status line"
T send-keys -t bob -l "hello th"
wait_until "bob's typing at alice" nick_is alice "bob \[typing\]"
T send-keys -t bob -l "ere"
T send-keys -t bob Enter
wait_until "bob's message" sees alice "<bob> hello there"
nick_is alice bob || fail "bob still typing after his message: $(nicks alice)"
echo "ok 2 - typing from a browser and from a terminal shows, and goes"

type_line bob "/away lunch, back at 2"
wait_until "bob away at alice" nick_is alice "bob \[away\]"
sees bob " bob (away) | #general" || fail "bob's status line does not say away"
type_line alice "/who"
wait_until "/who at alice saying who is away" sees alice "3 in #general: alice bob (away: lunch, back at 2) carol"
wait_until "the browser's presence saying bob is away" web_has '"away": ["bob"]'
type_line bob "/away"
wait_until "bob back at alice" nick_is alice bob
echo "ok 3 - /away is seen by another terminal and the browser; /away alone is back"

# /set: lists, writes the file keeping its comments, refuses bad ones.
type_line alice "/set"
wait_until "the settings listed" sees alice "highlight ="
sees alice "  history = 20" || fail "/set does not show history = 20 from the file"
type_line alice "/set highlight deploy, kafka"
wait_until "highlight set" sees alice "highlight = deploy, kafka"
type_line alice "/set histroy 10"
wait_until "the unknown key refused" sees alice 'no setting "histroy": /set lists them'
type_line alice "/set log sometimes"
wait_until "the bad value refused" sees alice '"sometimes" is neither on nor off'
type_line alice "/set log on"
wait_until "log on" sees alice "log = on"
grep -qx '# my kchat settings' "$conf" || fail "the comment is gone: $(cat "$conf")"
grep -qx 'history = 20' "$conf" || fail "history is gone: $(cat "$conf")"
grep -qx 'highlight = deploy, kafka' "$conf" || fail "highlight not saved: $(cat "$conf")"
grep -qx 'log = on' "$conf" || fail "log not saved: $(cat "$conf")"
[ "$(stat -c %a "$conf")" = 600 ] || fail "the config file is mode $(stat -c %a "$conf")"
echo "ok 4 - /set lists the settings, saves one keeping the file's other lines, refuses bad ones"

# Highlight: a line naming a highlight word counts as a mention.
type_line alice "/join quiet"
wait_until "alice in #quiet" sees alice "--> alice has joined"
echo '{"type":"message","username":"carol","room":"general","message":"the Kafka upgrade"}' >&7
wait_until "the highlight counted as a mention" sees alice "#general(1!)"
type_line alice "/part"
wait_until "back in #general" sees alice " alice | #general"
echo "ok 5 - a highlight word marks the line as a mention"

# Logs: the room's file for today, 0600 in 0700 directories.
type_line bob "logged line"
log=$XDG_DATA_HOME/kchat/logs/general/$(date +%F).log
logged() { grep -qF "#general <bob> logged line" "$log" 2>/dev/null; }
wait_until "the log line" logged
[ "$(stat -c %a "$log")" = 600 ] || fail "the log is mode $(stat -c %a "$log")"
[ "$(stat -c %a "$XDG_DATA_HOME/kchat/logs")" = 700 ] || fail "the log directory is not 0700"
echo "ok 6 - logs: one file per room per day, mode 600"

# Tab in the middle of the line.
T send-keys -t alice -l "hi  there"
T send-keys -t alice Left Left Left Left Left Left
T send-keys -t alice -l "ca"
T send-keys -t alice Tab
wait_until "the name completed mid-line" sees alice "[#general] hi carol there"
T send-keys -t alice C-e C-u
echo "ok 7 - Tab completes a name in the middle of the line"

# /ignore hides bob, and is still there after a restart.
type_line alice "/ignore bob"
wait_until "bob ignored" sees alice "ignoring bob"
type_line bob "you cannot see me"
# In Kafka before carol's next line (one partition): the browser has it.
wait_until "bob's line at the browser" web_has '"message": "you cannot see me"'
echo '{"type":"message","username":"carol","room":"general","message":"after bob"}' >&7
wait_until "carol's later line" sees alice "<carol> after bob"
not_sees alice "you cannot see me" || fail "an ignored line shows"
grep -qx 'ignore = bob' "$conf" || fail "ignore not saved: $(cat "$conf")"
type_line alice "/quit"
wait_until "alice quit" sees alice "EXITED 0"
T kill-session -t alice
start alice
wait_until "alice back" sees alice "--> alice has joined"
type_line bob "still hidden"
wait_until "bob's line at the browser" web_has '"message": "still hidden"'
echo '{"type":"message","username":"carol","room":"general","message":"after restart"}' >&7
wait_until "carol's line after the restart" sees alice "<carol> after restart"
not_sees alice "still hidden" || fail "ignore did not survive a restart"
type_line alice "/unignore bob"
type_line bob "seen again"
wait_until "bob seen again" sees alice "<bob> seen again"
echo "ok 8 - /ignore hides a user, saved across a restart; /unignore"

# The mouse wheel (an SGR report, as terminals send one).
for i in $(seq 1 15); do echo "{\"type\":\"message\",\"username\":\"carol\",\"room\":\"general\",\"message\":\"filler $i\"}" >&7; done
wait_until "the filler" sees alice "<carol> filler 15"
T send-keys -t alice -l "$(printf '\033[<64;40;5M')"
wait_until "scrolled up by the wheel" sees alice "-- more below (PgDn) --"
not_sees alice "filler 15" || fail "the wheel did not scroll"
T send-keys -t alice -l "$(printf '\033[<65;40;5M')"
wait_until "scrolled down by the wheel" sees alice "<carol> filler 15"
echo "ok 9 - the mouse wheel scrolls"

#!/usr/bin/env bash
# tui-state.sh KCHAT_TUI KCHAT_BRIDGE KCHAT_PASSWD - rooms, topics and read
# markers in the terminal against a real broker (issue 14, items 1 and 2):
# /topic set by one TUI shows in the other's room and title row; /rooms
# lists a room only the rooms topic knows; unread counts come from the
# user's read markers, so they survive restarting the TUI, and an opened
# room shows a "new messages" line where it was read to; and a room read
# in the browser (a WebSocket client of the same account, through a
# bridge with --users) clears its unread count in the terminal.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
passwd=$3
sock="kchat-tui-state-$$"
bpid=
T() { tmux -L "$sock" "$@"; }
cleanup() {
	T kill-server 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for p in alice bob; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
	cat "$work"/*.err "$work"/*.log "$work"/*.out 2>/dev/null
	echo "--- $topic.read"
	kcat -b "$brokers" -t "$topic.read" -C -e -q -f '%k %o %s\n' 2>/dev/null | tr -c '[:print:]\n' .
}
on_fail=show

start() {	# start NAME: a TUI in #general and #random, 100x24
	T new-session -d -s "$1" -x 100 -y 24 \
	    "env TERM=xterm-256color '$tui' -u $1 -r general,random 2>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }

# No start-server first: a server without a session exits at once, and a
# new-session that reached it then failed ("server exited unexpectedly",
# 3 starts in 100): new-session starts the server itself.
start alice
wait_until "alice connected" sees alice "connected $brokers"
start bob
wait_until "bob connected" sees bob "connected $brokers"
T send-keys -t alice M-1
T send-keys -t bob M-1
wait_until "bob in #general" sees bob " bob | #general |"

type_line alice "/topic Release on Friday"
wait_until "the topic at bob" sees bob "alice set the topic of #general: Release on Friday"
wait_until "bob's title row" sees bob " #general: Release on Friday"
type_line bob "/topic"
wait_until "/topic shows it" sees bob "topic of #general: Release on Friday (set by alice,"
echo "ok 1 - /topic set in one TUI shows in the other, with a title row"

# A room nobody is in, known only from the rooms topic (made long ago).
/usr/bin/python3 - "$work/room.mp" <<'PY'
import msgpack, sys, time
ts = int((time.time() - 86400) * 1e6)
open(sys.argv[1], "wb").write(msgpack.packb({"v": 1, "room": "archive",
    "created_by": "old", "created_ts": ts, "topic": "Old stuff",
    "topic_by": "old", "topic_ts": ts}))
PY
kcat -b "$brokers" -t "$topic.rooms" -X partitioner=murmur2_random -P -k archive \
    "$work/room.mp" || fail "kcat could not produce"
# Until bob's presence has both of them in both rooms (heartbeats arrive
# in their own time): asked again each pass.
listed() {
	type_line bob "/rooms"
	sees bob "#archive (0): Old stuff" &&
	    sees bob "#general (2): Release on Friday" && sees bob "#random (2)"
}
wait_until "/rooms lists #archive, and both users in #general and #random" listed
echo "ok 2 - /rooms lists every room on the cluster with users and topics"

# bob reads #random (in view at its newest line), then goes back to #general.
T send-keys -t bob M-2
wait_until "bob in #random" sees bob " bob | #random |"
read_marker() {
	kcat -b "$brokers" -t "$topic.read" -C -e -q -f '%k\n' 2>/dev/null |
	    grep -qx bob/random
}
wait_until "bob's marker for #random" read_marker
T send-keys -t bob M-1
wait_until "bob back in #general" sees bob " bob | #general |"
T send-keys -t alice M-2
type_line alice "first unread"
type_line alice "second unread"
wait_until "two unread at bob" sees bob "2 #random (2)"
echo "ok 3 - reading a room writes bob's marker; two lines after it are unread"

type_line bob "/quit"
wait_until "bob exits" sees bob "EXITED 0"
T kill-session -t bob
start bob
wait_until "bob back" sees bob "connected $brokers"
T send-keys -t bob M-1
wait_until "the unread count after a restart" sees bob "2 #random (2)"
echo "ok 4 - the unread count survives restarting the TUI"

# Opened, #random shows where bob had read to; leaving it takes the line away.
T send-keys -t bob M-2
# (the room's history fills in in the background: until it has)
divider_placed() {
	screen bob | grep -A1 -F "new messages" | grep -qF "<alice> first unread"
}
wait_until "the new messages line just before the first unread line" divider_placed
wait_until "#random read" not_sees bob "#random (2)"
T send-keys -t bob M-1
wait_until "bob in #general" sees bob " bob | #general |"
T send-keys -t alice M-2
type_line alice "third unread"
wait_until "one unread at bob" sees bob "2 #random (1)"
not_sees bob "new messages" || fail "the new messages line stayed"
echo "ok 5 - an opened room shows a new messages line before the first unread one"

# The same user in the browser: an account on a bridge (--users).
printf 'secret-bob-pw\n' | "$passwd" -c "$work/users" bob >/dev/null ||
    fail "kchat-passwd"
"$bridge" -b "$brokers" -t "$topic" -p 0 -H 127.0.0.1 --users "$work/users" \
    >"$work/bridge.log" 2>&1 &
bpid=$!
port_of() { sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/.*|\1|p' "$work/bridge.log"; }
has_port() { [ -n "$(port_of)" ]; }
wait_until "the bridge listens" has_port
port=$(port_of)
healthy() { curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; }
wait_until "the bridge is healthy" healthy
cookie=$(curl -s -o /dev/null -D - -X POST --data 'username=bob&password=secret-bob-pw' \
    "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || fail "no session cookie from /login: $(cat "$work/bridge.log")"
node "$(dirname "$0")/tui-state-read.js" "$port" "$cookie" random "third unread" \
    >"$work/read.out" 2>"$work/read.err" || fail "the browser's read: $(cat "$work/read.err")"
grep -q '"type":"marker"' "$work/read.out" || fail "no marker: $(cat "$work/read.out")"
wait_until "the unread count cleared by the browser" not_sees bob "#random (1)"
sees bob "2 #random" || fail "#random gone from the list"
echo "ok 6 - reading the room in the browser clears its unread count in the TUI"

type_line alice "/quit"
type_line bob "/quit"
wait_until "alice exits" sees alice "EXITED 0"
wait_until "bob exits" sees bob "EXITED 0"
kill "$bpid"
wait "$bpid"
bpid=
echo "ok 7 - both quit"

#!/usr/bin/env bash
# tui-nick.sh KCHAT-TUI KCHAT-BRIDGE - /nick and who you are, in tmux
# against the real broker, with a browser (node, tests/tui/ws-client.js)
# through the bridge: /nick to the name of someone online, a terminal's or
# a browser's, is refused as -u NAME is at start, and /nick -force takes
# it, telling the holder; after /nick away and back, the former name is
# someone else again: their direct message opens @theirname (not a
# conversation with yourself), the answer reaches them, /ignore hides them.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
bridge=$2
here=$(cd "$(dirname "$0")" && pwd)
sock="kchat-tui-nick-$$"
T() { tmux -L "$sock" "$@"; }
bpid=
cleanup() {
	T kill-server 2>/dev/null
	exec 7>&- 8>&- 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for p in alice bob frank; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
	for w in dave zed; do
		echo "--- browser $w"; cat "$work/$w.out" 2>/dev/null
	done
	cat "$work"/*.err "$work/bridge.log" 2>/dev/null | tail -20
}
on_fail=show
command -v tmux >/dev/null || fail "tmux is needed: apt-get install tmux"
command -v node >/dev/null || fail "node is needed: apt-get install nodejs"

start() {	# start NAME: a TUI in its own tmux session (its own terminal)
	mkdir -p "$work/home-$1"
	T new-session -d -s "$1" -x 120 -y 24 \
	    "env TERM=xterm-256color HOME='$work/home-$1' XDG_STATE_HOME= '$tui' -u $1 -r general 2>>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }
web_has() { grep -qF -- "$2" "$work/$1.out"; }
web() {		# web NAME FD: a browser as NAME, its frames in $work/NAME.out
	mkfifo "$work/$1.in"
	node "$here/ws-client.js" "ws://127.0.0.1:$port/ws/${1}1" \
	    <"$work/$1.in" >"$work/$1.out" 2>"$work/$1.err" &
	eval "exec $2>\"\$work/\$1.in\""
}

"$bridge" -b "$brokers" -t "$topic" -H 127.0.0.1 -p 0 \
    --static-dir "$here/../../static" >"$work/bridge.log" 2>&1 &
bpid=$!
port_known() { grep -qE 'listening on https?://[^ ]*:[0-9]+/' "$work/bridge.log"; }
wait_until "the bridge listening" port_known
port=$(sed -nE 's|.*listening on https?://[^ ]*:([0-9]+)/.*|\1|p' "$work/bridge.log" | head -1)

# No start-server first: new-session starts the server itself.
start alice
wait_until "alice's screen" sees alice "--> alice has joined"
start bob
wait_until "bob's join at alice" sees alice "--> bob has joined"
web dave 7
echo '{"type":"join","room":"general","username":"dave"}' >&7
echo '{"type":"message","username":"dave","room":"general","message":"dave here"}' >&7
wait_until "dave's message at alice" sees alice "<dave> dave here"
wait_until "dave's message at bob" sees bob "<dave> dave here"

type_line alice "/nick bob"
wait_until "the refusal at alice" sees alice "bob is in use by another client that is online (instance "
sees alice "/nick -force bob" || fail "the refusal does not say how to take it anyway"
sees alice " alice | #general" || fail "alice's status line does not say alice"
type_line alice "hi, it is me bob"
wait_until "alice's line at bob" sees bob "<alice> hi, it is me bob"
not_sees bob "<bob> hi, it is me bob" || fail "alice's line shows as bob's at bob"
not_sees bob "alice is now known as bob" || fail "bob saw alice become bob"
echo "ok 1 - /nick to a name a terminal that is online holds is refused"

type_line alice "/nick dave"
wait_until "the refusal of dave at alice" sees alice "dave is in use by another client that is online (instance "
type_line alice "still alice"
wait_until "alice's second line at bob" sees bob "<alice> still alice"
not_sees bob "alice is now known as dave" || fail "bob saw alice become dave"
web_has dave '"is now known as dave"' && fail "the browser saw alice become dave"
echo "ok 2 - /nick to the name of a browser that is online is refused"

type_line alice "/nick -force bob"
wait_until "the name taken at alice" sees alice " bob | #general"
wait_until "the change at bob" sees bob "alice is now known as bob"
wait_until "the dm telling bob" sees bob "2 @bob"
T send-keys -t bob M-2
wait_until "bob told in @bob" sees bob "took the name bob with /nick -force"
T send-keys -t bob M-1
type_line alice "/nick alice"
wait_until "alice herself again" sees alice " alice | #general"
echo "ok 3 - /nick -force takes the name anyway, and the holder is told"

# frank goes to zed and back; then zed, in a browser, is someone else.
start frank
wait_until "frank connected" sees frank "connection: connected"
type_line frank "/nick zed"
wait_until "frank is zed" sees frank " zed | #general"
type_line frank "/nick frank"
wait_until "frank is frank again" sees frank " frank | #general"
web zed 8
echo '{"type":"join","room":"general","username":"zed"}' >&8
echo '{"type":"dm","username":"zed","to":"frank","message":"psst frank, zed here"}' >&8
wait_until "zed's dm at frank" sees frank "@zed"
not_sees frank "@frank" || fail "zed's dm opened a conversation of frank with himself"
T send-keys -t frank M-2
wait_until "frank in @zed" sees frank " frank | @zed |"
wait_until "zed's dm in @zed" sees frank "<zed> psst frank, zed here"
type_line frank "hi zed, frank here"
wait_until "frank's answer at zed" web_has zed '"message": "hi zed, frank here"'
grep -F '"message": "hi zed, frank here"' "$work/zed.out" | grep -qF '"to": "zed"' ||
    fail "frank's answer was not to zed: $(grep -F 'hi zed, frank here' "$work/zed.out")"
echo "ok 4 - after /nick zed and back, zed's dm opens @zed and the answer reaches zed"

T send-keys -t frank M-1
type_line frank "/ignore zed"
wait_until "ignoring zed" sees frank "ignoring zed"
echo '{"type":"message","username":"zed","room":"general","message":"zed speaks while ignored"}' >&8
# Read back at zed: in Kafka, so before dave's line in the room's partition.
wait_until "zed's line in Kafka" web_has zed '"message": "zed speaks while ignored"'
echo '{"type":"message","username":"dave","room":"general","message":"dave after zed"}' >&7
wait_until "dave's later line at frank" sees frank "<dave> dave after zed"
not_sees frank "zed speaks while ignored" || fail "/ignore zed does not hide zed"
echo "ok 5 - /ignore of a former name of one's own hides them"

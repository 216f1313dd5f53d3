#!/usr/bin/env bash
# tui-reconnect.sh KCHAT_TUI - kchat-tui rides out a broker restart. The
# suite's shared broker cannot be restarted, so this test always starts a
# private one (tests/kafka/kafka-broker start/pause/resume/stop).
#
# Two TUIs in line mode (alice, bob) and one on a screen in tmux (carol)
# chat; the broker stops: the status says reconnecting, lines typed now
# stay pending ("(sending)" on the screen); a fourth TUI (dave) starts
# while there is no broker and comes up offline instead of exiting; a fifth
# (erin, -X message.timeout.ms=3000) sees its line fail with the reason.
# The broker comes back: every pending line arrives exactly once, dave gets
# the room's history, later lines flow every way, nothing is missing or
# doubled, and /who agrees again.
# The broker's jars are cached under the real home, which tui-lib.sh hides.
export KCHAT_CACHE_DIR=${KCHAT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kchat}
. "$(dirname "$0")/tui-lib.sh"
tui=$1
TIMEOUT=${TUI_TEST_TIMEOUT:-90}
broker=$KCHAT_SOURCE_DIR/tests/kafka/kafka-broker
kdir=$work/kafka
sock="kchat-tui-reconnect-$$"
T() { tmux -L "$sock" "$@"; }
pids=()
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	T kill-server 2>/dev/null
	env -u KAFKA_BOOTSTRAP_SERVERS "$broker" stop "$kdir" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for f in "$work"/*.out "$work"/*.err; do echo "--- $f"; cat "$f"; done
	echo "--- carol's screen"; T capture-pane -p -t carol 2>/dev/null
}
on_fail=show

# Our own broker, whatever KAFKA_BOOTSTRAP_SERVERS says.
env -u KAFKA_BOOTSTRAP_SERVERS "$broker" start "$kdir" ||
    fail "cannot start a private broker"
brokers=$(cat "$kdir/bootstrap")
export KAFKA_BOOTSTRAP_SERVERS=$brokers

count() { grep -cF -- "$2" "$work/$1.out"; }
screen() { T capture-pane -p -t carol; }
carol_sees() { screen | grep -qF -- "$1"; }
carol_not_sees() { ! screen | grep -qF -- "$1"; }

start() {	# start NAME [FLAGS...]: a line-mode client reading $work/NAME.in
	local name=$1
	shift
	mkfifo "$work/$name.in"
	"$tui" --line -u "$name" -r general "$@" <"$work/$name.in" \
	    >"$work/$name.out" 2>"$work/$name.err" 3>&- 4>&- 5>&- 6>&- &
	pids+=($!)
}

start alice
exec 3>"$work/alice.in"
start bob
exec 4>"$work/bob.in"
T new-session -d -s carol -x 100 -y 24 \
    "env TERM=xterm-256color '$tui' -u carol -r general 2>'$work/carol.err'; echo EXITED \$?; sleep 600"
wait_until "bob's join at alice" has alice "#general --> bob has joined"
wait_until "carol's join at bob" has bob "#general --> carol has joined"
wait_until "carol's status line" carol_sees " carol | #general | connected $brokers"
for i in 1 2 3; do
	echo "a$i from alice" >&3
	echo "b$i from bob" >&4
done
wait_until "alice's lines at bob" has bob "<alice> a3 from alice"
wait_until "bob's lines at alice" has alice "<bob> b3 from bob"
echo "ok 1 - three TUIs chat through a private broker"

env -u KAFKA_BOOTSTRAP_SERVERS "$broker" pause "$kdir" || fail "cannot pause the broker"
wait_until "alice to notice" has alice "connection: reconnecting ($brokers)"
wait_until "carol's status line to say so" carol_sees " carol | #general | reconnecting $brokers"
echo "a4 typed while the broker is away" >&3
T send-keys -t carol -l -- "c1 typed while the broker is away"
T send-keys -t carol Enter
wait_until "carol's pending line" carol_sees "<carol> c1 typed while the broker is away (sending)"
echo "ok 2 - the broker stops: the status says reconnecting; lines typed now are pending"

start dave
exec 5>"$work/dave.in"
echo "d1 typed by dave before he ever connected" >&5
wait_until "dave to come up offline" has dave "connection: offline ($brokers)"
has dave "cannot reach Kafka at $brokers" || fail "dave does not say why"
start erin -X message.timeout.ms=3000
exec 6>"$work/erin.in"
echo "e1 will time out" >&6
wait_until "erin's line to fail visibly" has erin "<erin> e1 will time out [not sent: "
kill -0 "${pids[2]}" || fail "dave exited without a broker"
echo "ok 3 - a TUI started without a broker comes up offline and keeps its input; a line that times out says so"

env -u KAFKA_BOOTSTRAP_SERVERS "$broker" resume "$kdir" || fail "cannot resume the broker"
wait_until "alice's pending line at bob" has bob "<alice> a4 typed while the broker is away"
wait_until "carol's pending line at bob" has bob "<carol> c1 typed while the broker is away"
wait_until "dave's offline line at bob" has bob "<dave> d1 typed by dave before he ever connected"
wait_until "alice connected again" has alice "connection: connected ($brokers)"
wait_until "dave connected" has dave "connection: connected ($brokers)"
wait_until "carol's status line" carol_sees " carol | #general | connected $brokers"
wait_until "carol's line acknowledged" carol_not_sees "(sending)"
echo "ok 4 - the broker is back: pending lines arrive, everyone says connected"

echo "a5 after the restart" >&3
echo "b4 after the restart" >&4
echo "d2 from dave, online" >&5
T send-keys -t carol -l -- "c2 after the restart"
T send-keys -t carol Enter
wait_until "alice's later line at bob" has bob "<alice> a5 after the restart"
wait_until "bob's later line at alice" has alice "<bob> b4 after the restart"
wait_until "dave's later line at alice" has alice "<dave> d2 from dave, online"
wait_until "carol's later line at dave" has dave "<carol> c2 after the restart"
wait_until "bob's later line at carol" carol_sees "<bob> b4 after the restart"
echo "ok 5 - later lines flow every way"

# Exactly once, in order, nothing missing: what each line-mode client saw.
expect_once() {	# expect_once CLIENT LINE...
	local who=$1 prev=0 n ln
	shift
	for l in "$@"; do
		n=$(count "$who" "$l")
		[ "$n" = 1 ] || fail "$who saw \"$l\" $n times"
		ln=$(grep -nF -- "$l" "$work/$who.out" | cut -d: -f1)
		[ "$ln" -gt "$prev" ] || fail "$who saw \"$l\" out of order"
		prev=$ln
	done
}
expect_once bob "<alice> a1 from alice" "<alice> a2 from alice" \
    "<alice> a3 from alice" "<alice> a4 typed while the broker is away" \
    "<alice> a5 after the restart"
expect_once alice "<bob> b1 from bob" "<bob> b2 from bob" "<bob> b3 from bob" \
    "<bob> b4 after the restart"
expect_once alice "<carol> c1 typed while the broker is away" \
    "<carol> c2 after the restart"
expect_once bob "<dave> d1 typed by dave before he ever connected" \
    "<dave> d2 from dave, online"
# dave's history on connecting and the live lines overlap: shown once each.
expect_once dave "<alice> a1 from alice" "<alice> a3 from alice" \
    "<alice> a5 after the restart"
has dave "<alice> a4 typed while the broker is away" || fail "dave misses a4"
[ "$(count dave "a4 typed while the broker is away")" = 1 ] ||
    fail "dave saw a4 twice"
for who in alice bob dave; do
	has "$who" "e1 will time out" && fail "$who saw erin's failed line"
done
n=$(screen | grep -cF "<carol> c1 typed while the broker is away")
[ "$n" = 1 ] || fail "carol's screen shows her pending line $n times"
echo "ok 6 - every line exactly once, in order; a failed line reached no one"

# Each reader of the presence topic reconnects on its own schedule: ask
# /who again until the answer is complete (or the deadline passes).
who_answers() { grep -c -- "-!- [0-9]* in #general:" "$work/$1.out"; }
more_answers() { [ "$(who_answers "$1")" -gt "$2" ]; }
who_is() {	# who_is CLIENT FD ANSWER: the client's next /who answer is ANSWER
	local n
	n=$(who_answers "$1")
	echo "/who" >&"$2"
	wait_until "a /who answer at $1" more_answers "$1" "$n"
	grep -- "-!- [0-9]* in #general:" "$work/$1.out" | tail -n 1 | grep -qF -- "$3"
}
wait_until "/who at bob after the restart" who_is bob 4 "-!- 5 in #general: alice bob carol dave erin"
wait_until "/who at dave after the restart" who_is dave 5 "-!- 5 in #general: alice bob carol dave erin"
echo "ok 7 - /who agrees after the restart"

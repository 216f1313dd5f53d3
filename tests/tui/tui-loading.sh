#!/usr/bin/env bash
# tui-loading.sh KCHAT_TUI - kchat-tui never freezes its screen on Kafka
# (issue 11, item 5). A private broker is frozen (SIGSTOP: connections stay
# open and nothing answers, as a very slow broker) while carol, on a screen
# in tmux, joins a room and asks /history: "loading…" shows at once, what
# she types appears and the pane scrolls while the fetch waits, a second
# /history says it is still loading; once the broker answers again the
# history fills in, in place, each line once; a fetch the broker does not
# answer in time says so. Line mode prints no loading
# line, only the history when it comes. Quitting while a fetch waits takes
# no longer than the flush wait.
export KCHAT_CACHE_DIR=${KCHAT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kchat}
. "$(dirname "$0")/tui-lib.sh"
tui=$1
TIMEOUT=${TUI_TEST_TIMEOUT:-60}
QUICK=2		# s: "at once", well under the 5 s a history fetch may wait
broker=$KCHAT_SOURCE_DIR/tests/kafka/kafka-broker
kdir=$work/kafka
sock="kchat-tui-loading-$$"
T() { tmux -L "$sock" "$@"; }
thaw() { [ -f "$kdir/pid" ] && kill -CONT "$(cat "$kdir/pid")" 2>/dev/null; }
freeze() { kill -STOP "$(cat "$kdir/pid")" || fail "cannot freeze the broker"; }
cleanup() {
	thaw
	T kill-server 2>/dev/null
	env -u KAFKA_BOOTSTRAP_SERVERS "$broker" stop "$kdir" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
screen() { T capture-pane -p -t carol; }
show() { echo "--- carol's screen"; screen 2>/dev/null; tail -n 20 "$work"/*.out "$work"/*.err; }
on_fail=show
sees() { screen | grep -qF -- "$1"; }
not_sees() { ! screen | grep -qF -- "$1"; }
count() { screen | grep -cF -- "$1"; }
# quickly DESCRIPTION COMMAND...: wait_until, but only QUICK seconds.
quickly() { TIMEOUT=$QUICK wait_until "$@"; }
keys() { T send-keys -t carol -l -- "$1"; }

# Our own broker, whatever KAFKA_BOOTSTRAP_SERVERS says: it is frozen.
env -u KAFKA_BOOTSTRAP_SERVERS "$broker" start "$kdir" ||
    fail "cannot start a private broker"
brokers=$(cat "$kdir/bootstrap")
export KAFKA_BOOTSTRAP_SERVERS=$brokers

# Twelve old lines in #old, and twelve in #general, before carol comes.
{ for i in $(seq 1 12); do echo "general line $i"; done
  echo "/join #old"
  for i in $(seq 1 12); do echo "old line $i"; done; } |
    "$tui" --line -u alice -r general >"$work/alice.out" 2>"$work/alice.err" ||
    fail "alice could not write the old lines"
grep -qF "<alice> old line 12" "$work/alice.out" || fail "alice's lines not sent"

# A small pane first, so that #general has more lines than it shows.
T new-session -d -s carol -x 100 -y 8 \
    "env TERM=xterm-256color '$tui' -u carol -r general --history 5 2>'$work/carol.err'; echo EXITED \$?; sleep 600"
wait_until "carol's status line" sees " carol | #general | connected $brokers"
wait_until "carol's history of #general" sees "<alice> general line 12"
echo "ok 1 - carol is connected and has #general's history"

freeze
keys "/join #old"
T send-keys -t carol Enter
quickly "loading… in #old" sees "loading… the history of #old"
keys "typed while loading"
quickly "typed text to show" sees "[#old] typed while loading"
T send-keys -t carol C-u
quickly "the input line cleared" not_sees "typed while loading"
T send-keys -t carol C-p
quickly "a switch to #general" sees " carol | #general |"
T send-keys -t carol PPage
quickly "#general to scroll up" sees "-- more below (PgDn) --"
T send-keys -t carol NPage
quickly "#general to scroll down" not_sees "-- more below (PgDn) --"
T resize-window -t carol -x 100 -y 30
T send-keys -t carol C-n
quickly "back in #old" sees " carol | #old |"
sees "loading… the history of #old" || fail "the loading line went early"
sees "old line 12" && fail "history came while the broker was frozen"
echo "ok 2 - joining while the broker is frozen: loading… shows, typing, switching and scrolling go on"

thaw
wait_until "#old's history" sees "<alice> old line 12"
wait_until "the loading line to go" not_sees "loading…"
# Each line at most once (carol's own join too, sent while frozen, which
# history may bring again); how many of alice's lines show.
once() {
	local i n
	for i in $(seq 1 12); do
		n=$(screen | grep -c -- "<alice> old line $i *\$")
		[ "$n" -le 1 ] || fail "old line $i shows $n times"
	done
	n=$(count "carol has joined")
	[ "$n" = 1 ] || fail "carol's join shows $n times"
}
shown() { screen | grep -c "<alice> old line"; }
once
n1=$(shown)
[ "$n1" -ge 2 ] && [ "$n1" -le 5 ] || fail "$n1 old lines from --history 5"
echo "ok 3 - the broker answers: the history fills in, each line once"

freeze
keys "/history 3"
T send-keys -t carol Enter
quickly "loading… older" sees "loading… older history of #old"
keys "/history 2"
T send-keys -t carol Enter
quickly "a second /history to say it is still loading" \
    sees "the history of #old is still loading"
thaw
wait_until "older history" sees "3 older messages of #old above"
once
[ "$(shown)" = $((n1 + 3)) ] || fail "$(shown) old lines, not $((n1 + 3))"
not_sees "loading…" || fail "a loading line is left"
echo "ok 4 - /history while frozen: loading…, still loading, then the older lines"

# A broker that does not answer in time: said plainly, and asked again.
freeze
keys "/history 3"
T send-keys -t carol Enter
quickly "loading… older" sees "loading… older history of #old"
# (5 s, or sooner when librdkafka gives up on the connection; the wording
# is the unit tests')
wait_until "the fetch to give up" sees "-!- history of #old: "
not_sees "loading…" || fail "a loading line is left"
thaw
keys "/history 3"
T send-keys -t carol Enter
# (not "3 older messages ... above": step 4's may still be on the screen)
six_more() { [ "$(shown)" = $((n1 + 6)) ]; }
wait_until "older history, asked again: $((n1 + 6)) old lines" six_more
once
echo "ok 5 - a fetch the broker does not answer fails plainly; asked again, it works"

# Line mode: no loading line, the history prints when it comes; a fetch
# that ended is freed (under ASan, a leak would fail the exit status).
mkfifo "$work/dave.in"
"$tui" --line -u dave -r old --history 5 <"$work/dave.in" >"$work/dave.out" \
    2>"$work/dave.err" &
dave=$!
exec 3>"$work/dave.in"
dave_has() { grep -qF -- "$1" "$work/dave.out"; }
wait_until "dave's history" dave_has "#old <alice> old line 12"
echo "/history 3" >&3
wait_until "dave's older history" dave_has "3 older messages of #old above"
exec 3>&-
wait "$dave" || fail "dave exited with status $?: $(cat "$work/dave.err")"
grep -qF "loading" "$work/dave.out" && fail "line mode printed a loading line"
echo "ok 6 - line mode prints the history when it comes, no loading line"

freeze
keys "/history 3"
T send-keys -t carol Enter
quickly "loading… older" sees "loading… older history of #old"
start=$SECONDS
keys "/quit"
T send-keys -t carol Enter
# The flush wait (3 s: the leave cannot reach a frozen broker) and a little.
TIMEOUT=6 wait_until "carol to quit" sees "EXITED 0"
echo "ok 7 - quitting while a fetch waits: gone in $((SECONDS - start)) s"
thaw

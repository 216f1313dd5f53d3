#!/usr/bin/env bash
# tui-lastlog.sh KCHAT_TUI - /lastlog text (issue 14, item 4): carol, on a
# screen in tmux, searches #lib: the matching lines her buffer holds are
# listed at once under a header, any case; then older matches are read
# from Kafka in the background with a progress line ("searching #lib in
# Kafka… N records scanned") and listed with a count. -limit bounds the
# scan (an old match beyond it is not found, and the count says older
# records were not searched). While a private broker is frozen the
# progress line shows and typing goes on; once it answers the count comes.
export KCHAT_CACHE_DIR=${KCHAT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kchat}
. "$(dirname "$0")/tui-lib.sh"
tui=$1
TIMEOUT=${TUI_TEST_TIMEOUT:-60}
QUICK=2
broker=$KCHAT_SOURCE_DIR/tests/kafka/kafka-broker
kdir=$work/kafka
sock="kchat-tui-lastlog-$$"
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
screen() { T capture-pane -p -J -t carol; }
show() { echo "--- carol's screen"; screen 2>/dev/null; tail -n 20 "$work"/*.err; }
on_fail=show
sees() { screen | grep -qF -- "$1"; }
not_sees() { ! screen | grep -qF -- "$1"; }
quickly() { TIMEOUT=$QUICK wait_until "$@"; }
keys() { T send-keys -t carol -l -- "$1"; T send-keys -t carol Enter; }

# A private broker: it is frozen below.
env -u KAFKA_BOOTSTRAP_SERVERS "$broker" start "$kdir" ||
    fail "cannot start a private broker"
brokers=$(cat "$kdir/bootstrap")
export KAFKA_BOOTSTRAP_SERVERS=$brokers

# 3000 records of #lib: an old match at 10, one at 2000 and one among the
# last five (which carol's --history 5 loads), fillers between.
/usr/bin/python3 - "$work/recs" <<'PY' || fail "cannot write the records"
import msgpack, os, random, sys, time
d = sys.argv[1]
os.mkdir(d)
ab = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
base = int(time.time() * 1000) - 60000
texts = {10: "the Needle of old", 2000: "needle in the middle",
         2997: "a NEEDLE near the end"}
for i in range(3000):
    ms, t = base + i, ""
    for _ in range(10):
        t, ms = ab[ms % 32] + t, ms // 32
    rid = t + "".join(random.choice(ab) for _ in range(16))
    rec = {"v": 1, "id": rid, "type": "message", "room": "lib",
           "user": "ann", "text": texts.get(i, "filler %d" % i),
           "ts": (base + i) * 1000, "via": "kcat"}
    open(os.path.join(d, "%05d" % i), "wb").write(msgpack.packb(rec, use_bin_type=True))
PY
kcat -b "$brokers" -t "$topic" -X partitioner=murmur2_random -P -k lib \
    "$work"/recs/* || fail "kcat could not produce"

T new-session -d -s carol -x 160 -y 50 \
    "env TERM=xterm-256color '$tui' -u carol -r lib --history 5 2>'$work/carol.err'; echo EXITED \$?; sleep 600"
wait_until "carol's status line" sees " carol | #lib | connected $brokers"
wait_until "carol's history of #lib" sees "<ann> filler 2999"
sees "the Needle of old" && fail "the old match is on screen before /lastlog"
echo "ok 1 - carol has the last lines of #lib, one of them a match"

keys "/lastlog nEEDLE"
wait_until "the count" sees 'lastlog "nEEDLE": 3 matches (1 in this buffer, 2 older from Kafka;'
sees 'lastlog "nEEDLE" in #lib: 1 match in this buffer' || fail "no header"
sees "<ann> a NEEDLE near the end" || fail "the buffer's match not listed"
sees "older matches in Kafka:" || fail "no older matches"
sees "<ann> the Needle of old" || fail "the old match (record 10) not found"
sees "<ann> needle in the middle" || fail "the match of record 2000 not found"
screen | grep -qE 'older from Kafka; 299[0-9] older records scanned\)' ||
    fail "the count does not say the whole room was scanned"
not_sees "searching #lib in Kafka" || fail "the progress line is left"
echo "ok 2 - /lastlog lists the buffer's match, then older ones from Kafka, any case, with a count"

# After /clear the buffer has nothing: Kafka is searched from the newest.
keys "/clear"
keys "/lastlog -limit 1500 needle"
wait_until "the bounded count" sees 'lastlog "needle": 2 matches (0 in this buffer, 2 older from Kafka; 1500 older records scanned, older ones not searched'
sees "<ann> needle in the middle" || fail "the match within the bound not found"
not_sees "the Needle of old" || fail "a match beyond -limit 1500 was found"
echo "ok 3 - -limit 1500 bounds the scan and says so"

keys "/clear"
freeze
keys "/lastlog needle"
quickly "the progress line" sees "searching #lib in Kafka… 0 records scanned"
quickly "the header at once" sees 'lastlog "needle" in #lib: 0 matches in this buffer'
T send-keys -t carol -l -- "typed while searching"
quickly "typed text to show" sees "typed while searching"
T send-keys -t carol C-u
keys "/lastlog other"
quickly "a second search to wait" sees "a /lastlog of #lib is still searching Kafka"
thaw
wait_until "the count after the thaw" sees 'lastlog "needle": 3 matches (0 in this buffer, 3 older from Kafka; 3'
sees "<ann> the Needle of old" || fail "the old match not found after the thaw"
not_sees "searching #lib in Kafka" || fail "the progress line is left"
echo "ok 4 - while Kafka is frozen the progress line shows and typing goes on; then the count"

keys "/lastlog"
quickly "usage" sees "usage: /lastlog [-limit N] text"
keys "/lastlog -limit 0 x"
quickly "a bad limit" sees "/lastlog -limit takes a number of records from 1 to 100000"
echo "ok 5 - bad arguments are explained"
keys "/quit"
wait_until "carol to quit" sees "EXITED 0"

# tui-lib.sh - shared by kchat-tui's end-to-end scripts (sourced, not run).
# Finds the broker, makes a private work directory and a unique topic, and
# waits for conditions by polling with a deadline, never with fixed sleeps.

set -u
TIMEOUT=${TUI_TEST_TIMEOUT:-30}
export TZ=UTC LC_ALL=C.UTF-8

if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
	brokers=$KAFKA_BOOTSTRAP_SERVERS
elif [ -n "${KCHAT_KAFKA_FILE:-}" ] && [ -s "$KCHAT_KAFKA_FILE" ]; then
	brokers=$(cat "$KCHAT_KAFKA_FILE")
else
	echo "Bail out! no broker: set KAFKA_BOOTSTRAP_SERVERS or KCHAT_KAFKA_FILE" >&2
	exit 1
fi
export KAFKA_BOOTSTRAP_SERVERS=$brokers
work=$(mktemp -d "${TMPDIR:-/tmp}/kchat-tui-test.XXXXXX")
topic="tui-$(basename "$0" .sh)-$$-$(date +%s%N)"
export CHAT_TOPIC=$topic
# No config file of the user's may leak in.
export XDG_CONFIG_HOME=$work/config HOME=$work

fail() {
	echo "not ok - $*"
	[ -n "${on_fail:-}" ] && $on_fail
	exit 1
}

# wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_until() {
	local what=$1 deadline=$((SECONDS + TIMEOUT))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || fail "timed out waiting for $what"
		sleep 0.1
	done
}

# has NAME TEXT: the line-mode kchat-tui NAME (its $work/NAME.out) printed TEXT.
has() { grep -qF -- "$2" "$work/$1.out"; }

# embedded_only: the embedded broker only, as make run has it: no broker
# named anywhere, and an address file of the test's own ($file).
embedded_only() {
	unset KAFKA_BOOTSTRAP_SERVERS CHAT_TOPIC
	export XDG_RUNTIME_DIR=$work/run
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	file=$XDG_RUNTIME_DIR/kchat-embedded-broker
}
bridge_publishes() { [ -s "$file" ] && [ "$(cut -d' ' -f2 "$file")" = "$bpid" ]; }
# start_bridge: $bridge with its embedded broker ($bpid), once it publishes.
start_bridge() {
	"$bridge" --embedded-kafka -p 0 >>"$work/bridge.log" 2>&1 &
	bpid=$!
	wait_until "the bridge publishes its broker" bridge_publishes
}

# A record as any Kafka tool could write it (msgpack via Python, sent by
# kcat): produce ROOM USER TEXT [TYPE].
produce() {
	/usr/bin/python3 - "$work/rec.mp" "$1" "$2" "$3" "${4:-message}" <<'PY'
import msgpack, random, sys, time
path, room, user, text, typ = sys.argv[1:6]
ts = int(time.time() * 1e6)
ab = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ms, t = ts // 1000, ""
for _ in range(10):
    t, ms = ab[ms % 32] + t, ms // 32
rid = t + "".join(random.choice(ab) for _ in range(16))
text = text.encode("utf-8", "surrogateescape").decode("unicode_escape")
rec = {"v": 1, "id": rid, "type": typ, "room": room, "user": user,
       "text": text, "ts": ts, "via": "kcat"}
open(path, "wb").write(msgpack.packb(rec, use_bin_type=True))
PY
	# murmur2_random: the partition of the room, as every kchat client uses
	kcat -b "$brokers" -t "$topic" -X partitioner=murmur2_random -P -k "$1" \
	    "$work/rec.mp" ||
	    fail "kcat could not produce"
}

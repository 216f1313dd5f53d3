#!/usr/bin/env bash
# tui-run.sh KCHAT_TUI - what `make run` starts (.ci/run-suite): the bridge
# with its embedded broker and the web client on a port in the background,
# the TUI in the foreground (in tmux here). The web client is served; a
# second TUI given no flags at all finds the embedded broker and chats with
# the first; /quit in the foreground TUI stops the bridge too.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
build=${KCHAT_BUILD_DIR:?}
sock="kchat-tui-run-$$"
T() { tmux -L "$sock" "$@"; }
pids=()
cleanup() {
	exec 3>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	echo "--- make run's screen"; T capture-pane -p -t run 2>/dev/null
	echo "--- the second make run's screen"; T capture-pane -p -t run2 2>/dev/null
	for f in "$work"/*.out "$work"/*.err "$work"/tmp/kchat-bridge.*.log; do
		[ -f "$f" ] && { echo "--- $f"; cat "$f"; }
	done
}
on_fail=show

# The embedded broker, nothing else: no broker named anywhere, the
# published address in a directory of our own, the chat's default topic.
unset KAFKA_BOOTSTRAP_SERVERS CHAT_TOPIC
export XDG_RUNTIME_DIR=$work/run TMPDIR=$work/tmp
mkdir -p "$XDG_RUNTIME_DIR" "$TMPDIR"
chmod 700 "$XDG_RUNTIME_DIR"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

screen() { T capture-pane -p -t run; }
sees() { screen | grep -qF -- "$1"; }
healthy() { curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; }
down() { ! healthy; }

T new-session -d -s run -x 100 -y 24 \
    "env TERM=xterm-256color KCHAT_USER=runner '$KCHAT_SOURCE_DIR/.ci/run-suite' '$build' $port; echo EXITED \$?; sleep 600"
wait_until "the TUI connected" sees " runner | #general | connected 127.0.0.1:"
healthy || fail "the bridge does not answer on :$port"
curl -fsS "http://127.0.0.1:$port/" | grep -qi "<!doctype html" ||
    fail "no web client on :$port"
echo "ok 1 - run-suite: bridge and web client on :$port, the TUI connected in front"

# A second make run on the same port: refused with the way out, and the
# first one's published broker address untouched.
published=$(cat "$XDG_RUNTIME_DIR"/kchat-embedded-broker 2>/dev/null)
[ -n "$published" ] || fail "the first bridge published no broker address"
if "$KCHAT_SOURCE_DIR/.ci/run-suite" "$build" "$port" >"$work/second.out" 2>&1; then
	fail "a second make run on :$port exited 0"
fi
grep -q "port $port is in use.*PORT=" "$work/second.out" ||
    fail "the second make run said: $(cat "$work/second.out")"
[ "$(cat "$XDG_RUNTIME_DIR"/kchat-embedded-broker 2>/dev/null)" = "$published" ] ||
    fail "the published broker address changed"
# A bridge that cannot listen says why, and publishes no broker.
"$build/bridge/kchat-bridge" --embedded-kafka -p "$port" >"$work/busy.out" 2>&1 &&
    fail "a bridge on a busy port exited 0"
grep -q "cannot listen on .* port $port: is another program using it" "$work/busy.out" ||
    fail "the busy bridge said: $(cat "$work/busy.out")"
[ "$(cat "$XDG_RUNTIME_DIR"/kchat-embedded-broker 2>/dev/null)" = "$published" ] ||
    fail "a bridge that could not listen published its broker"
healthy || fail "the first bridge stopped answering"
echo "ok 1b - a second make run or bridge on a busy port says so and changes nothing"

mkfifo "$work/other.in"
"$tui" --line -u other <"$work/other.in" >"$work/other.out" 2>"$work/other.err" &
pids+=($!)
exec 3>"$work/other.in"
wait_until "the flagless TUI connected" has other "connection: connected (127.0.0.1:"
echo "hello from a TUI given no flags" >&3
wait_until "its line in make run's TUI" sees "<other> hello from a TUI given no flags"
T send-keys -t run -l -- "hello back from make run"
T send-keys -t run Enter
wait_until "the answer" has other "<runner> hello back from make run"
echo "ok 2 - a TUI with no flags finds the embedded broker and chats with it"

exec 3>&-
T send-keys -t run -l -- "/quit"
T send-keys -t run Enter
wait_until "make run's TUI exits" sees "EXITED 0"
wait_until "the bridge to stop" down
echo "ok 3 - /quit in the TUI stops the bridge"

# The bridge dies first (issue 13, item 10): quitting the TUI says so and
# ends make run with the TUI's own status, not make's "Error 1".
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
T new-session -d -s run2 -x 100 -y 24 \
    "env TERM=xterm-256color KCHAT_USER=runner2 '$KCHAT_SOURCE_DIR/.ci/run-suite' '$build' $port; echo EXITED \$?; sleep 600"
screen2() { T capture-pane -p -t run2; }
sees2() { screen2 | grep -qF -- "$1"; }
wait_until "the second TUI connected" sees2 " runner2 | #general | connected 127.0.0.1:"
bpid=$(pgrep -f "kchat-bridge --embedded-kafka --port $port" | head -n 1)
[ -n "$bpid" ] || fail "no bridge on :$port"
kill -KILL "$bpid"
T send-keys -t run2 -l -- "/quit"
T send-keys -t run2 Enter
wait_until "make run's TUI exits after the bridge died" sees2 "EXITED 0"
sees2 "kchat-bridge had stopped" || fail "nothing said of the bridge: $(screen2)"
echo "ok 4 - the bridge dying first is said, and make run ends with the TUI's status"

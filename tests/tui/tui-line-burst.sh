#!/usr/bin/env bash
# tui-line-burst.sh KCHAT-TUI - line mode prints each of the user's lines
# once, however far a burst outruns the scrollback (100 lines here): piped
# in at start (the lines wait for the name check, then go at once), and
# written all at once to a client already connected, whose reader reads
# them back while later ones are still pending. A line that left the
# scrollback while pending was never printed, and one read back after it
# left was printed a second time (and pushed out a pending one, up to the
# burst's last line). bob, in the room throughout, receives each once too.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
N=5000
pids=()
cleanup() {
	exec 3>&- 4>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
show() { for f in "$work"/*.err; do echo "--- $f"; tail -n 20 "$f"; done; }
on_fail=show

mkdir -p "$XDG_CONFIG_HOME/kchat"
printf 'scrollback = 100\nhistory = 0\n' >"$XDG_CONFIG_HOME/kchat/config"

# once NAME WHO WORD: NAME printed each of WHO's "WORD 1".."WORD $N" once.
once() {
	grep -o "#general <$2> $3 [0-9]*\$" "$work/$1.out" | sed 's/.* //' |
	    sort -n >"$work/nums"
	seq $N | cmp -s - "$work/nums" && return
	echo "# $1 printed $(wc -l <"$work/nums") of $N lines of $2's" \
	    "($(sort -u "$work/nums" | wc -l) distinct)"
	return 1
}

mkfifo "$work/bob.in"
"$tui" --line -u bob -r general <"$work/bob.in" >"$work/bob.out" \
    2>"$work/bob.err" 3>&- &
pids+=($!)
exec 3>"$work/bob.in"
wait_until "bob's join" has bob "#general --> bob has joined"

seq -f "piped %g" 1 $N |
    "$tui" --line -u alice -r general >"$work/alice.out" 2>"$work/alice.err" ||
    fail "alice exited with $?"
once alice alice piped || fail "alice did not print each piped line once"
echo "ok 1 - $N lines piped at start: each printed once, when Kafka has it"

mkfifo "$work/carol.in"
"$tui" --line -u carol -r general <"$work/carol.in" >"$work/carol.out" \
    2>"$work/carol.err" 3>&- 4>&- &
pids+=($!)
exec 4>"$work/carol.in"
echo "connected" >&4
wait_until "carol's first line taken by Kafka" has carol "<carol> connected"
seq -f "burst %g" 1 $N >&4
exec 4>&-
wait "${pids[1]}" || fail "carol exited with $?"
once carol carol burst || fail "carol did not print each line of her burst once"
echo "ok 2 - $N lines at once while connected: each printed once"

wait_until "carol's last line at bob" has bob "<carol> burst $N"
once bob alice piped || fail "bob did not receive each of alice's lines once"
once bob carol burst || fail "bob did not receive each of carol's lines once"
echo "ok 3 - the other client received every line once"

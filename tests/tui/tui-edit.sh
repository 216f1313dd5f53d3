#!/usr/bin/env bash
# tui-edit.sh KCHAT_TUI - edits, deletes and replies (issue 14, item 3)
# between two kchat-tui against a real broker. Line mode: /edit shows
# "(edited)" at the other end, /reply quotes the line answered, /delete
# leaves "[message deleted]"; edits and deletes written with kcat in
# another user's name than the author's change nothing and print nothing.
# The screen, in tmux: Up on an empty line puts "/edit" and your last
# line in the input, Enter sends it; the reply's quote shows above it.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
sock="kchat-tui-edit-$$"
T() { tmux -L "$sock" "$@"; }
pids=()
cleanup() {
	exec 3>&- 4>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
show() {
	for f in "$work"/*.out; do echo "--- $f"; cat "$f"; done
	for p in carol dave; do
		echo "--- $p"; T capture-pane -p -t "$p" 2>/dev/null
	done
}
on_fail=show

start() {	# start NAME: a line-mode client reading $work/NAME.in
	mkfifo "$work/$1.in"
	"$tui" --line -u "$1" -r general <"$work/$1.in" >"$work/$1.out" \
	    2>"$work/$1.err" 3>&- 4>&- &
	pids+=($!)
}

# id_of USER TEXT: the id of USER's message TEXT on the topic.
id_of() {
	kcat -b "$brokers" -t "$topic" -C -e -q -f '%s\n--kchat-rec--\n' |
	    /usr/bin/python3 -c '
import msgpack, sys
data = sys.stdin.buffer.read().split(b"\n--kchat-rec--\n")
for v in data:
    try:
        r = msgpack.unpackb(v, raw=False)
    except Exception:
        continue
    if r.get("user") == sys.argv[1] and r.get("text") == sys.argv[2] and \
       r.get("type") == "message":
        print(r["id"])
' "$1" "$2" | tail -1
}

# produce_re TYPE USER RE [TEXT]: an edit or delete as any Kafka tool
# could write it, in the name of USER.
produce_re() {
	/usr/bin/python3 - "$work/re.mp" "$@" <<'PY' || fail "no record made"
import msgpack, random, sys, time
path, typ, user, re = sys.argv[1:5]
ts = int(time.time() * 1e6)
ab = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ms, t = ts // 1000, ""
for _ in range(10):
    t, ms = ab[ms % 32] + t, ms // 32
rec = {"v": 1, "id": t + "".join(random.choice(ab) for _ in range(16)),
       "type": typ, "room": "general", "user": user, "ts": ts, "re": re}
if len(sys.argv) > 5:
    rec["text"] = sys.argv[5]
open(path, "wb").write(msgpack.packb(rec, use_bin_type=True))
PY
	kcat -b "$brokers" -t "$topic" -X partitioner=murmur2_random -P \
	    -k general "$work/re.mp" || fail "kcat could not produce"
}

start alice
exec 3>"$work/alice.in"
wait_until "alice's join" has alice "#general --> alice has joined"
start bob
exec 4>"$work/bob.in"
wait_until "bob's join, seen by alice" has alice "#general --> bob has joined"

echo "teh first line" >&3
wait_until "alice's line at bob" has bob "#general <alice> teh first line"
echo "/edit the first line" >&3
wait_until "the edit at bob" has bob "#general <alice> the first line (edited)"
wait_until "the edit at alice" has alice "#general <alice> the first line (edited)"
echo "ok 1 - /edit: the other client shows the new text, \"(edited)\""

echo "/reply alice: agreed" >&4
wait_until "the reply at alice" has alice \
    "#general <bob> [re <alice> the first line] agreed"
# The reply comes after alice's edit in the room's partition: she has read
# her edit back by now, and printed it once, not again.
[ "$(grep -c '#general <alice> the first line (edited)' "$work/alice.out")" = 1 ] ||
    fail "alice's own edit printed more than once"
echo "ok 2 - /reply quotes the line answered; an own edit prints once"

id=$(id_of alice "teh first line")
[ ${#id} = 26 ] || fail "no id for alice's line (got '$id')"
produce_re edit bob "$id" "forged by bob"
produce_re delete mallory "$id"
echo "after the forgeries" >&3
wait_until "a later line at bob" has bob "#general <alice> after the forgeries"
wait_until "and at alice" has alice "#general <alice> after the forgeries"
has bob "forged" && fail "bob's client applied an edit of alice's line by bob"
has alice "forged" && fail "alice's client applied an edit of her line by bob"
has bob "[message deleted]" && fail "a delete by mallory deleted alice's line"
produce_re edit alice "$id" "fixed with kcat"
wait_until "an edit by the author, written with kcat" has bob \
    "#general <alice> fixed with kcat (edited)"
echo "ok 3 - an edit or delete in another name than the author's is ignored"

echo "/delete" >&3
wait_until "alice's last line deleted at bob" has bob \
    "#general <alice> [message deleted]"
echo "/edit agreed, twice" >&4
wait_until "bob's edited reply, quoting the line as it now reads" has alice \
    "#general <bob> [re <alice> fixed with kcat] agreed, twice (edited)"
echo "/reply nobody hello" >&4
wait_until "no line to answer" has bob "no message of nobody in #general to reply to"
echo "ok 4 - /delete leaves a placeholder; an edited reply keeps its quote"

# The screen: Up on an empty line edits the last line.

start_tmux() {
	T new-session -d -s "$1" -x 100 -y 24 \
	    "env TERM=xterm-256color '$tui' -u $1 -r general 2>'$work/$1.err'; echo EXITED \$?; sleep 600"
}
screen() { T capture-pane -p -t "$1"; }
sees() { screen "$1" | grep -qF -- "$2"; }
not_sees() { ! screen "$1" | grep -qF -- "$2"; }
type_line() { T send-keys -t "$1" -l -- "$2"; T send-keys -t "$1" Enter; }
start_tmux carol
wait_until "carol's screen" sees carol "--> carol has joined"
start_tmux dave
wait_until "dave at carol" sees carol "--> dave has joined"
type_line carol "a lnie with a typo"
wait_until "carol's line at dave" sees dave "<carol> a lnie with a typo"
wait_until "carol's line acknowledged" not_sees carol "(sending)"
T send-keys -t carol Up
wait_until "Up on an empty line" sees carol "/edit a lnie with a typo"
T send-keys -t carol C-u
type_line carol "/edit a line without typo"
wait_until "the edit at dave" sees dave "<carol> a line without typo (edited)"
T send-keys -t carol Up
wait_until "Up again" sees carol "/edit a line without typo"
T send-keys -t carol BSpace BSpace BSpace BSpace BSpace
T send-keys -t carol -l " yes"
T send-keys -t carol Enter
wait_until "the second edit at dave" sees dave "<carol> a line without yes (edited)"
not_sees dave "a lnie" || fail "the old text is still on dave's screen"
echo "ok 5 - Up on an empty line puts /edit and the last line in the input; Enter edits"

type_line dave "/reply carol indeed"
wait_until "the quote above the reply at carol" sees carol \
    "↳ <carol> a line without yes"
screen carol | grep -A1 -F "↳ <carol> a line without yes" | grep -qF "<dave> indeed" ||
    fail "the reply is not under its quote"
type_line carol "/delete"
wait_until "the placeholder at dave" sees dave "<carol> [message deleted]"
echo "ok 6 - the screen quotes a reply's parent, and shows a deleted line's placeholder"
# A message of several lines is not offered: input of several lines is
# never a command, so Enter would say "/edit ..." as a message.
input_has() { screen "$1" | tail -1 | grep -qF -- "$2"; }
T send-keys -t carol -l "two"
T send-keys -t carol C-j
T send-keys -t carol -l "lines"
T send-keys -t carol Enter
wait_until "the two lines at dave" sees dave "lines"
wait_until "an empty input line" not_sees carol "(sending)"
T send-keys -t carol Up
wait_until "the input history" input_has carol "lines"
input_has carol "/edit" && fail "Up offered a message of several lines as /edit"
echo "ok 7 - Up on an empty line after a message of several lines is the input history"
echo "1..7"

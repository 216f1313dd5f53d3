#!/usr/bin/env bash
# tui-line.sh KCHAT_TUI - two kchat-tui clients in line mode chat through a
# real broker: messages both ways, an action, a direct message that only
# its two parties see, /who agreeing in both, and a clean leave at end of
# input. This is also how bots use kchat-tui. Without --line, standard
# input must be a terminal.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
pids=()
cleanup() {
	exec 3>&- 4>&- 5>&- 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
show() { for f in "$work"/*.out "$work"/*.err; do echo "--- $f"; cat "$f"; done; }
on_fail=show


start() {	# start NAME: a line-mode client reading $work/NAME.in
	mkfifo "$work/$1.in"
	# The others' fifo writers are not inherited, or no one sees an EOF.
	"$tui" --line -u "$1" -r general <"$work/$1.in" >"$work/$1.out" \
	    2>"$work/$1.err" 3>&- 4>&- 5>&- &
	pids+=($!)
}

start alice
exec 3>"$work/alice.in"
wait_until "alice's join" has alice "#general --> alice has joined"
start bob
exec 4>"$work/bob.in"
wait_until "bob's join, seen by alice" has alice "#general --> bob has joined"
wait_until "bob's own join" has bob "#general --> bob has joined"
echo "ok 1 - both joined #general, each sees the other"

echo "hello bob" >&3
wait_until "alice's line at bob" has bob "#general <alice> hello bob"
wait_until "alice's line acknowledged" has alice "#general <alice> hello bob"
echo "/me waves back" >&4
wait_until "bob's action at alice" has alice "#general * bob waves back"
echo "ok 2 - messages and actions both ways"

# A line-mode line is "YYYY-MM-DD HH:MM:SS #room <user> text", UTC here.
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} #general <alice> hello bob$' \
    "$work/bob.out" || fail "line format"
echo "ok 3 - one plain line per message"

start carol
exec 5>"$work/carol.in"
wait_until "carol's join" has alice "#general --> carol has joined"
echo "/msg bob a secret" >&3
wait_until "the dm at bob" has bob "@alice <alice> a secret"
wait_until "the dm acknowledged at alice" has alice "@bob <alice> a secret"
echo "/msg alice got it" >&4
wait_until "the answer at alice" has alice "@bob <bob> got it"
echo "after the dm" >&3
wait_until "a later line at carol" has carol "<alice> after the dm"
has carol "a secret" && fail "carol saw a dm between alice and bob"
echo "ok 4 - a direct message shows in @user for its two parties only"

echo "/who" >&4
wait_until "/who at bob" has bob "-!- 3 in #general: alice bob carol"
echo "/who" >&5
wait_until "/who at carol" has carol "-!- 3 in #general: alice bob carol"
echo "ok 5 - /who agrees in every client"

# 1,000 words, 10,000 bytes: longer than a message, so two messages.
python3 -c 'print(" ".join("word%05d" % i for i in range(1000)))' >&3
wait_until "the long text's second part at bob" has bob "word00999"
[ "$(grep -c '#general <alice> word' "$work/bob.out")" = 2 ] ||
    fail "the long text is not two messages"
grep -q '#general <alice> word00000 .* word00999$' "$work/bob.out" &&
    fail "one message holds all the long text"
has alice "a long text went as 2 messages (at most 8192 bytes each)" ||
    fail "alice is not told the text was split"
echo "ok 6 - a text longer than a message goes as several, split between words"

echo "/nosuchcommand" >&4
wait_until "a hint" has bob "unknown command /nosuchcommand"
echo "ok 7 - an unknown command gets a hint"

# Standard input that is no terminal, without --line: a clear refusal, and
# no join or leave for the others to see.
"$tui" -u nostdin -r general </dev/null >"$work/nostdin.out" 2>&1 &&
    fail "kchat-tui </dev/null exited 0"
grep -q -- "standard input is not a terminal: use --line" "$work/nostdin.out" ||
    fail "kchat-tui </dev/null said: $(cat "$work/nostdin.out")"
echo "after the refusal" >&5
wait_until "carol's marker at bob" has bob "<carol> after the refusal"
has bob nostdin && fail "kchat-tui </dev/null joined or left"
echo "ok 8 - kchat-tui </dev/null refuses with a hint of --line, and says nothing to the chat"

exec 3>&-
wait_until "alice's leave at bob" has bob "#general <-- alice has left"
wait "${pids[0]}" || fail "alice exited with $?"
echo "/who" >&4
wait_until "/who after the leave" has bob "-!- 2 in #general: bob carol"
echo "ok 9 - end of input leaves the rooms and exits 0; /who follows"

# A chat topic that something else auto-created with the broker's defaults
# (7 days): the terminal says that messages will be deleted, and how to fix.
old=$topic-7d
echo x | kcat -b "$brokers" -t "$old" -P -k general 2>/dev/null || fail "kcat"
mkfifo "$work/dave.in"
CHAT_TOPIC=$old "$tui" --line -u dave -r general <"$work/dave.in" >"$work/dave.out" \
    2>"$work/dave.err" 3>&- 4>&- 5>&- &
pids+=($!)
exec 6>"$work/dave.in"
wait_until "the retention warning" has dave "messages older than 7 days will be deleted by $old's retention.ms=604800000"
has dave "--add-config retention.ms=-1" || fail "the fix is given"
exec 6>&-
"$tui" -t "$old" --check-topics >"$work/check.out" 2>&1 && fail "--check-topics exited 0"
grep -q "^problem: messages older than 7 days will be deleted" "$work/check.out" ||
    fail "--check-topics: $(cat "$work/check.out")"
echo "ok 10 - a topic that deletes history is said so, with the fix, and by --check-topics"

# Bad command lines: one clear line each, exit 1, nothing started.
"$tui" --history abc </dev/null >"$work/bad.out" 2>&1 && fail "--history abc exited 0"
grep -q '^kchat-tui: history: "abc" is not a number from 0 to 1000$' "$work/bad.out" ||
    fail "--history abc said: $(cat "$work/bad.out")"
"$tui" --no-such-flag </dev/null >"$work/bad.out" 2>&1 && fail "an unknown flag exited 0"
[ "$(wc -l <"$work/bad.out")" -le 2 ] && grep -q -- "--help lists the options" "$work/bad.out" ||
    fail "an unknown flag said: $(cat "$work/bad.out")"
# refuse ARGS...: exits 1 saying one line ($work/bad.out), nothing joined.
refuse() {
	"$tui" --line "$@" </dev/null >"$work/bad.out" 2>&1 && fail "$* exited 0"
	[ "$(wc -l <"$work/bad.out")" = 1 ] || fail "$* said: $(cat "$work/bad.out")"
	grep -q "has joined" "$work/bad.out" && fail "$* joined"
	true
}
refuse -u dave -r 'bad room!'
grep -qx "kchat-tui: cannot join \"bad room!\": room name may only contain letters, digits, '_', '.' and '-'" \
    "$work/bad.out" || fail "-r 'bad room!' said: $(cat "$work/bad.out")"
refuse -u 'bad name'
grep -qx "kchat-tui: cannot be \"bad name\": user name may only contain letters, digits, '_', '.' and '-'; choose another with -u NAME" \
    "$work/bad.out" || fail "-u 'bad name' said: $(cat "$work/bad.out")"
refuse -u dave -F "$work/nonexistent"
grep -qx "kchat-tui: config file: $work/nonexistent: No such file or directory" \
    "$work/bad.out" || fail "-F nonexistent said: $(cat "$work/bad.out")"
echo "ok 11 - a bad number, flag, room, name or file: one clear line, no word twice, exit 1"

# No $USER: the login name, and the chat says so.
mkfifo "$work/nouser.in"
env -u USER -u KCHAT_USER "$tui" --line -r general <"$work/nouser.in" \
    >"$work/nouser.out" 2>&1 3>&- 4>&- 5>&- &
pids+=($!)
exec 6>"$work/nouser.in"
me=$(id -un)
wait_until "the notice" has nouser "-!- \$USER is not set: you are \"$me\", your login name; -u NAME or /nick NAME chooses another"
wait_until "the join under the login name" has nouser "--> $me has joined"
exec 6>&-
echo "ok 12 - with \$USER unset, the login name is used and the chat says so"

echo "/nick bobby" >&4
wait_until "the nick change at carol" has carol "#general -!- bob is now known as bobby"
wait_until "the nick change at bob" has bob "#general -!- bob is now known as bobby"
echo "after the nick change" >&4
wait_until "bobby's line at carol" has carol "#general <bobby> after the nick change"
has carol "bob has left" && fail "the nick change shows as a leave"
has carol "bobby has joined" && fail "the nick change shows as a join"
echo "ok 13 - a nick change is one line, in line mode too"

# A direct message to someone who is not there: said so, and not lost.
echo "/msg ghost are you there, ghost?" >&5
wait_until "the notice at carol" has carol "#general -!- ghost is not online; the message is stored and they will see it when they join (within 7 days)"
wait_until "the dm stored" has carol "@ghost <carol> are you there, ghost?"
mkfifo "$work/ghost.in"
"$tui" --line -u ghost -r general <"$work/ghost.in" >"$work/ghost.out" \
    2>"$work/ghost.err" 3>&- 4>&- 5>&- &
pids+=($!)
exec 7>"$work/ghost.in"
wait_until "the dm at ghost, from history" has ghost "@carol <carol> are you there, ghost?"
exec 7>&-
echo "ok 14 - a dm to someone not online says so, and they see it when they join"

# A record that does not decode (issue 15, item 10): skipped, and counted
# where the user can see it.
printf 'not msgpack at all' | kcat -b "$brokers" -t "$topic" -P -k general \
    -X partitioner=murmur2_random || fail "kcat could not produce"
echo "after the garbage" >&5
wait_until "carol's line after the garbage" has bob "<carol> after the garbage"
echo "/stats" >&4
wait_until "bob's /stats" has bob "skipped as undecodable"
grep "skipped as undecodable" "$work/bob.out" | tail -n 1 | grep -q "; 1 skipped as undecodable: [a-z_]* 1;" ||
    fail "/stats said: $(grep "skipped as undecodable" "$work/bob.out" | tail -n 1)"
echo "ok 15 - /stats counts records that do not decode, with the reason"

# A dm to a name nobody online has, alike to one who is (bobby is online):
# it would reach nobody, so it is not sent, and the reason says whom.
echo "/msg BOBBY are you there?" >&5
wait_until "the refusal at carol" has carol "#general -!- error: not sent: nobody online is called BOBBY; bobby is: write to bobby"
echo "/msg bobby are you there?" >&5
wait_until "the dm to bobby" has bob "@carol <carol> are you there?"
has bob "BOBBY" && fail "bobby was told of the dm to BOBBY"
has carol "@BOBBY" && fail "the dm to BOBBY was sent"
echo "ok 16 - a dm to a name alike to an online user's is refused, saying whom"

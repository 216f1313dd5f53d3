#!/bin/sh
# kchat-passwd.sh KCHAT-PASSWD - the users file tool: -c creates (and will
# not overwrite), adding and changing keep the other lines, -D deletes, the
# file is mode 0600 whatever the umask, the hash is yescrypt and checks
# with the system's crypt(3) (python3's crypt module), bad names and empty
# passwords change nothing; at a terminal (tmux) the password is asked
# twice and not echoed, and two that differ change nothing.
set -eu
bin=$1
tmp=$(mktemp -d)
sock=kchat-passwd-$$
T() { tmux -L "$sock" "$@"; }
trap 'T kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
# wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds.
wait_until() {
	what=$1 deadline=$(($(date +%s) + 20))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $what: $(T capture-pane -p -t p 2>&1)"
		sleep 0.1
	done
}
pane=p
screen_has() { T capture-pane -p -t "$pane" | grep -qF -- "$1"; }
f=$tmp/users
fail() { echo "not ok - $*" >&2; exit 1; }
mode() { stat -c %a "$1"; }
# check USER PASSWORD: 0 when PASSWORD is USER's in $f
check() {
	/usr/bin/python3 -W ignore -c '
import crypt, sys
for line in open(sys.argv[1]):
    u, _, h = line.rstrip("\n").partition(":")
    if u == sys.argv[2]:
        sys.exit(0 if crypt.crypt(sys.argv[3], h) == h else 1)
sys.exit(2)' "$f" "$1" "$2"
}

umask 022
echo wonderland | "$bin" -c "$f" alice || fail "-c alice"
[ "$(mode "$f")" = 600 ] || fail "created with mode $(mode "$f"), want 600"
grep -q '^alice:\$y\$' "$f" || fail "not a yescrypt hash: $(cat "$f")"
check alice wonderland || fail "alice's password does not check"
check alice other && fail "a wrong password checks"
echo ok - create

echo x | "$bin" -c "$f" bob 2>"$tmp/err" && fail "-c over an existing file"
grep -q "exists" "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"
grep -q '^bob:' "$f" && fail "-c over an existing file added bob"
echo ok - create refuses an existing file

umask 000
echo builder | "$bin" "$f" bob || fail "add bob"
old=$(grep '^alice:' "$f")
echo looking-glass | "$bin" "$f" alice || fail "change alice"
[ "$(mode "$f")" = 600 ] || fail "mode $(mode "$f") after a change under umask 000"
[ "$(grep -c '^alice:' "$f")" = 1 ] || fail "alice twice: $(cat "$f")"
[ "$(grep '^alice:' "$f")" != "$old" ] || fail "alice's hash did not change"
check alice looking-glass || fail "the new password does not check"
check alice wonderland && fail "the old password still checks"
check bob builder || fail "bob lost his password"
echo ok - add and change

"$bin" -D "$f" bob || fail "-D bob"
grep -q '^bob:' "$f" && fail "bob still there"
check alice looking-glass || fail "alice lost in the delete"
"$bin" -D "$f" bob 2>/dev/null && fail "-D of a user not there succeeded"
echo ok - delete

before=$(cat "$f")
echo pw | "$bin" "$f" 'bad name' 2>/dev/null && fail "a bad user name accepted"
printf '\n' | "$bin" "$f" carol 2>/dev/null && fail "an empty password accepted"
# A name that differs from an account's only in case would pass for it.
err=$(echo pw | "$bin" "$f" ALICE 2>&1) && fail "ALICE added beside alice"
echo "$err" | grep -q 'too like the account "alice"' || fail "no reason given: $err"
# So would one in glyphs many fonts draw alike: a capital I for her l.
err=$(echo pw | "$bin" "$f" aIice 2>&1) && fail "aIice added beside alice"
echo "$err" | grep -q 'too like the account "alice"' || fail "no reason given: $err"
# In a Turkish locale too, where strcasecmp("I", "i") is not 0.
if locale -a 2>/dev/null | grep -qi '^tr_TR'; then
	LC_ALL=$(locale -a | grep -i '^tr_TR' | head -1) sh -c "echo pw | '$bin' '$f' ALICE" 2>/dev/null &&
	    fail "ALICE added beside alice in a Turkish locale"
fi
[ "$(cat "$f")" = "$before" ] || fail "a refusal changed the file"
ls -a "$tmp" | grep -q '^\.kchat-passwd' && fail "a temporary file was left"
echo ok - refusals change nothing

"$bin" --help | grep -q 'usage: kchat-passwd' || fail "--help"
echo ok - help

# At a terminal: asked twice, never echoed; two that differ change nothing.
command -v tmux >/dev/null || fail "tmux is needed: apt-get install tmux"
before=$(cat "$f")
T new-session -d -s p -x 100 -y 12 "sh"
T send-keys -t p "'$bin' '$f' carl; echo EXIT=\$?" Enter
wait_until "the first prompt" screen_has "Password:"
T send-keys -t p "first-secret" Enter
wait_until "the second prompt" screen_has "Reenter password:"
T send-keys -t p "other-secret" Enter
wait_until "the refusal" screen_has "EXIT=1"
screen_has "do not match" || fail "no reason given: $(T capture-pane -p -t p)"
[ "$(cat "$f")" = "$before" ] || fail "two different passwords changed the file"
T capture-pane -p -t p | grep -qE "secret" && fail "a password was echoed: $(T capture-pane -p -t p)"
# A fresh pane: what the first run left on screen must not answer for this one.
pane=p2
T new-session -d -s p2 -x 100 -y 12 "sh"
T send-keys -t p2 "'$bin' '$f' carl; echo EXIT=\$?" Enter
wait_until "the prompt again" screen_has "Password:"
T send-keys -t p2 "same-secret" Enter
wait_until "the second prompt again" screen_has "Reenter password:"
T send-keys -t p2 "same-secret" Enter
wait_until "success" screen_has "EXIT=0"
T capture-pane -p -t p2 | grep -qE "secret" && fail "a password was echoed: $(T capture-pane -p -t p2)"
check carl same-secret || fail "carl's password from the terminal does not check"
echo ok - at a terminal: asked twice, not echoed

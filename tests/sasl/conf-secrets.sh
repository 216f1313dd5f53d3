#!/bin/sh
# conf-secrets.sh KCHAT-TUI KCHAT-BRIDGE - a config file (-F) that holds a
# password (sasl.password, ssl.key.password) and that its group or others
# can read is refused by both programs before they do anything, with a
# message that names the file, the key and the "chmod 600" that fixes it;
# made the owner's alone, the same file is taken. No Kafka needed.
set -eu
tui=$1
bridge=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/kchat-conf-secrets.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# The TUI keeps state under HOME: not in the tester's.
export HOME="$dir" XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir"
unset KCHAT_USER
fail() { echo "conf-secrets: FAIL: $*" >&2; exit 1; }

conf=$dir/kchat.conf
cat >"$conf" <<CONF
brokers = 127.0.0.1:1
security.protocol = SASL_PLAINTEXT
sasl.mechanism = SCRAM-SHA-256
sasl.username = alice
sasl.password = alice-secret
CONF

# refused: prog MODE KEY ARGS...
refused() {
	mode=$1 key=$2 who=$3
	shift 3
	chmod "$mode" "$conf"
	rc=0
	"$@" </dev/null >"$dir/out" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] || fail "$1 with a mode $mode config file: exit $rc, not 1: $(cat "$dir/out")"
	for want in "$conf" "$key" "$who" "chmod 600 $conf"; do
		grep -qF "$want" "$dir/out" ||
		    fail "$1 with a mode $mode config file: \"$want\" missing from: $(cat "$dir/out")"
	done
	echo "ok: $(basename "$1") refuses a mode $mode file: $(cat "$dir/out")"
}

for mode in 644 604; do
	refused $mode sasl.password everyone "$tui" --line -F "$conf"
	refused $mode sasl.password everyone "$bridge" -F "$conf" --check-topics
done
refused 640 sasl.password "its group" "$tui" --line -F "$conf"
refused 640 sasl.password "its group" "$bridge" -F "$conf" --check-topics

# Any password key, not only SASL's.
sed -i 's/^sasl.password = .*/ssl.key.password = pem-secret/' "$conf"
refused 644 ssl.key.password everyone "$tui" --line -F "$conf"
refused 644 ssl.key.password everyone "$bridge" -F "$conf" --check-topics

# The owner's alone: read, and the programs go on to Kafka (here an address
# where nothing listens), so the file itself is no longer the complaint.
sed -i 's/^ssl.key.password = .*/sasl.password = alice-secret/' "$conf"
chmod 600 "$conf"
rc=0
timeout 60 "$bridge" -F "$conf" --check-topics </dev/null >"$dir/out" 2>&1 || rc=$?
grep -q "config file" "$dir/out" && fail "bridge refused a mode 600 file: $(cat "$dir/out")"
[ "$rc" -eq 2 ] || fail "bridge --check-topics with no Kafka: exit $rc, not 2: $(cat "$dir/out")"
rc=0
echo /quit | timeout 60 "$tui" --line -F "$conf" -u alice >"$dir/out" 2>&1 || rc=$?
grep -q "config file" "$dir/out" && fail "tui refused a mode 600 file: $(cat "$dir/out")"
[ "$rc" -eq 0 ] || fail "tui with a mode 600 file: exit $rc: $(cat "$dir/out")"
echo "ok: both take the file at mode 600"

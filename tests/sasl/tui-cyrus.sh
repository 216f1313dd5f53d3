#!/bin/sh
# tui-cyrus.sh KCHAT-TUI - kchat-tui loads Cyrus SASL's plugins (~0.5 MB:
# sasldb brings libdb) only when it logs in with GSSAPI, the one mechanism
# librdkafka asks Cyrus for, or when the user set SASL_PATH; and says
# nothing about it on standard error (it would land on the screen).
# A running kchat-tui --line's /proc/PID/maps is read once its first
# librdkafka handle has a thread (rdk:main; Cyrus is loaded before). No
# Kafka is needed: the broker address is one where nothing listens.
set -eu
tui=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/kchat-cyrus.XXXXXX")
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
export HOME="$dir" XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir" TZ=UTC
export KCHAT_EMBEDDED_FILE=/nonexistent/kchat-embedded
unset SASL_PATH
fail() { echo "tui-cyrus: FAIL: $*" >&2; exit 1; }

# start ARGS...: kchat-tui --line with ARGS, its standard input held open,
# until its first librdkafka handle runs (a thread named rdk:...).
start() {
	mkfifo "$dir/in"
	"$tui" --line -b 127.0.0.1:1 -t cyrus-test -u cyrus "$@" \
	    <"$dir/in" >"$dir/out" 2>"$dir/err" &
	pid=$!
	exec 3>"$dir/in"
	i=0
	until cat "/proc/$pid"/task/*/comm 2>/dev/null | grep -q '^rdk:'; do
		kill -0 "$pid" 2>/dev/null ||
		    fail "kchat-tui $* exited: $(cat "$dir/err")"
		i=$((i + 1))
		[ "$i" -lt 300 ] || fail "kchat-tui $*: no librdkafka thread in 30 s"
		sleep 0.1
	done
	grep /sasl2/ "/proc/$pid/maps" | awk '{ print $6 }' | sort -u \
	    >"$dir/plugins" || true
}

# stop: ends the kchat-tui started last; its standard error must be empty.
stop() {
	exec 3>&-
	kill "$pid"
	wait "$pid" || true
	pid=
	rm -f "$dir/in"
	[ ! -s "$dir/err" ] || fail "kchat-tui wrote to standard error: $(cat "$dir/err")"
}

# no ARGS...: kchat-tui with ARGS loads no plugin of Cyrus's.
no() {
	start "$@"
	[ ! -s "$dir/plugins" ] ||
	    fail "kchat-tui $*: Cyrus SASL plugins loaded: $(tr '\n' ' ' <"$dir/plugins")"
	stop
	echo "ok: ${*:-no SASL} -> no Cyrus plugin"
}

# yes ARGS...: kchat-tui with ARGS loads Cyrus's plugins.
yes() {
	start "$@"
	[ -s "$dir/plugins" ] || fail "kchat-tui $*: no Cyrus SASL plugin loaded"
	stop
	echo "ok: ${*:-no SASL}${SASL_PATH:+, SASL_PATH=$SASL_PATH} -> $(wc -l <"$dir/plugins") Cyrus plugins"
}

sasl="-X security.protocol=SASL_PLAINTEXT -X sasl.password=pw -X sasl.username=cyrus"
no
# shellcheck disable=SC2086
no $sasl -X sasl.mechanism=PLAIN
# shellcheck disable=SC2086
no $sasl -X sasl.mechanisms=SCRAM-SHA-256
printf 'security.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\nsasl.username = cyrus\nsasl.password = pw\n' >"$dir/conf"
chmod 600 "$dir/conf"
no -F "$dir/conf"

# GSSAPI, librdkafka's default mechanism, through Cyrus (no kinit). This
# machine may lack Cyrus's GSSAPI plugin itself: Cyrus still loads the
# others of its directory, which is what is looked for.
krb="-X security.protocol=SASL_PLAINTEXT -X sasl.kerberos.min.time.before.relogin=0"
# shellcheck disable=SC2086
start $krb
if [ ! -s "$dir/plugins" ]; then
	stop
	echo "tui-cyrus: SKIP: no Cyrus SASL plugin loaded with GSSAPI (libsasl2-modules not installed?)"
	exit 77
fi
plugdir=$(dirname "$(head -n 1 "$dir/plugins")")
stop
echo "ok: $krb -> Cyrus plugins of $plugdir"
# shellcheck disable=SC2086
yes $krb -X sasl.mechanism=GSSAPI

# A SASL_PATH the user set is kept, whatever the login.
SASL_PATH=$plugdir yes

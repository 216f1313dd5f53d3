#!/bin/sh
# tui-sasl-user.sh KCHAT-TUI - kchat-tui's name when none is given: the SASL
# user (sasl.username, from -X or the config file) before $USER; -u,
# KCHAT_USER and the config file's "user" still win. A line typed in line
# mode prints with its sender's name even when no broker answers, so no
# Kafka is needed (the broker address is one where nothing listens).
set -eu
tui=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/kchat-sasl-user.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export HOME="$dir" XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir" TZ=UTC
export KCHAT_EMBEDDED_FILE=/nonexistent/kchat-embedded USER=unix_login
unset KCHAT_USER
fail() { echo "tui-sasl-user: FAIL: $*" >&2; exit 1; }

# name WANT ARGS...: the TUI started with ARGS speaks as WANT.
name() {
	want=$1
	shift
	echo 'who am i' | timeout 30 "$tui" --line -b 127.0.0.1:1 -t sasl-user "$@" \
	    >"$dir/out" 2>&1 || fail "kchat-tui $*: exit $?: $(cat "$dir/out")"
	grep -q "#general <$want> who am i" "$dir/out" ||
	    fail "kchat-tui $*: not \"$want\": $(cat "$dir/out")"
	echo "ok: $* -> $want"
}

sasl="-X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=PLAIN -X sasl.password=pw"
# shellcheck disable=SC2086
name unix_login
# shellcheck disable=SC2086
name kafka_alice $sasl -X sasl.username=kafka_alice
# shellcheck disable=SC2086
name chosen $sasl -X sasl.username=kafka_alice -u chosen
# shellcheck disable=SC2086
KCHAT_USER=from_env name from_env $sasl -X sasl.username=kafka_alice
printf 'sasl.username = file_bob\nsasl.password = pw\nsecurity.protocol = SASL_PLAINTEXT\nsasl.mechanism = PLAIN\n' >"$dir/conf"
chmod 600 "$dir/conf"
name file_bob -F "$dir/conf"
printf 'user = file_user\n' >>"$dir/conf"
name file_user -F "$dir/conf"

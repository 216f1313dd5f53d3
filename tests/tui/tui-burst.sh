#!/usr/bin/env bash
# tui-burst.sh KCHAT-TUI - a burst far longer than the scrollback (issue 12,
# item 6), in tmux against the real broker. carol keeps 100 lines
# (scrollback = 100); she is stopped (SIGSTOP) while alice sends 5000 lines,
# and resumed: they reach her at once, each line taking the place of the
# oldest. The newest are then on her screen, in order, each once; her own
# line sent after the burst is shown once, when sent and when read back.
# Timings are for kchat-bench tui, not here.
. "$(dirname "$0")/tui-lib.sh"
tui=$1
N=5000
sock="kchat-tui-burst-$$"
T() { tmux -L "$sock" "$@"; }
cleanup() {
	[ -n "${cpid:-}" ] && kill -CONT "$cpid" 2>/dev/null
	T kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
screen() { T capture-pane -p -t carol; }
show() { echo "--- carol's screen"; screen 2>/dev/null; tail -n 20 "$work"/*.err; }
on_fail=show
sees() { screen | grep -qF -- "$1"; }
keys() { T send-keys -t carol -l -- "$1"; T send-keys -t carol Enter; }
command -v tmux >/dev/null || fail "tmux is needed: apt-get install tmux"

mkdir -p "$XDG_CONFIG_HOME/kchat"
printf 'scrollback = 100\nhistory = 0\n' >"$XDG_CONFIG_HOME/kchat/config"
T new-session -d -s carol -x 100 -y 30 \
    "env TERM=xterm-256color '$tui' -u carol -r general 2>'$work/carol.err'; echo EXITED \$?; sleep 600"
wait_until "carol's status line" sees " carol | #general | connected $brokers"
echo "ok 1 - carol is connected, keeping 100 lines"

# The pane's shell has one child while she runs: her kchat-tui (env execs it).
cpid=$(pgrep -P "$(T list-panes -t carol -F '#{pane_pid}')" | head -n 1)
[ -n "$cpid" ] || fail "cannot find carol's kchat-tui"
kill -STOP "$cpid"
seq -f "burst line %g" 1 $N |
    "$tui" --line -u alice -r general >"$work/alice.out" 2>"$work/alice.err" ||
    fail "alice could not send the burst"
# Each of alice's lines printed once (tui-line-burst.sh says why).
grep -o '<alice> burst line [0-9]*$' "$work/alice.out" | sed 's/.* //' |
    sort -n | cmp -s - <(seq $N) ||
    fail "alice's line mode did not print each of her $N lines once"
kill -CONT "$cpid"
cpid=
wait_until "the burst's last line on carol's screen" sees "<alice> burst line $N"
# The 26 newest whole lines (rows 1-26 of 30 may hold the top partly).
screen | grep -o 'burst line [0-9]*' >"$work/shown"
tail -n 26 "$work/shown" | sed 's/burst line //' >"$work/tail"
seq $((N - 25)) $N | diff - "$work/tail" ||
    fail "the newest lines are not each once and in order"
[ "$(grep -c . "$work/shown")" -eq "$(sort -u "$work/shown" | grep -c .)" ] ||
    fail "a line shows twice"
echo "ok 2 - $N lines at once: the newest shown in order, each once"

# Her own line, in a full buffer: shown at once, then read back (alice's
# line, sent once Kafka has hers, comes after it in the room's partition).
keys "after the burst"
acked() { sees "<carol> after the burst" && ! sees "(sending)"; }
wait_until "carol's line taken by Kafka" acked
echo "after carol" | "$tui" --line -u alice -r general >"$work/alice2.out" \
    2>"$work/alice2.err" || fail "alice could not send"
wait_until "alice's line after carol's" sees "<alice> after carol"
[ "$(screen | grep -cF '<carol> after the burst')" -eq 1 ] ||
    fail "carol's own line shows twice once read back"
echo "ok 3 - her own line after the burst shows once, read back"

#!/usr/bin/python3
"""no-leftovers.py BUILD_DIR - runs last in the suite (after kafka-stop) and
fails if a process the suite started is still running: a kchat-bridge, a
kchat-tui, the test Kafka broker's java, a tmux server, a Chromium.

A process is the suite's own when its environment carries
KCHAT_TEST_SUITE=BUILD_DIR (every test of this build directory gets it, and
whatever a test starts inherits it: tmux servers, browsers, brokers), or when
its command line names BUILD_DIR/kafka, the test broker's directory. Names
alone are never enough: other people's brokers, bridges and tmux servers on
the same machine are not ours, nor is a `make run` from this build.

Waits up to 10 s for processes that are still stopping, then lists what is
left, stops it (so that one failing run does not leak into the next) and
exits 1."""
import os
import signal
import sys
import time

build = sys.argv[1]
# As CMake wrote it, and without symbolic links (the broker's command line).
markers = {("KCHAT_TEST_SUITE=" + b).encode() for b in (build, os.path.realpath(build))}
kafka_dirs = {(b + "/kafka").encode() for b in (build, os.path.realpath(build))}


def ancestors():
    """This process and its parents (ctest, make, a shell): not leftovers."""
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            with open("/proc/%d/stat" % pid) as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    return pids


def suite_processes():
    mine = ancestors()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in mine:
            continue
        pid = int(entry)
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                cmdline = f.read()
            try:
                with open("/proc/%d/environ" % pid, "rb") as f:
                    environ = f.read().split(b"\0")
            except OSError:
                environ = []  # another user's process
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone meanwhile
        if not cmdline or state == "Z":
            continue  # kernel thread, or a zombie that its parent will reap
        if markers.intersection(environ) or any(
                arg.endswith(k) or k + b"/" in arg
                for arg in cmdline.split(b"\0") for k in kafka_dirs):
            found[pid] = cmdline.replace(b"\0", b" ").decode("utf-8", "replace").strip()
    return found


def main():
    deadline = time.monotonic() + 10
    left = suite_processes()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = suite_processes()
    if not left:
        print("ok - no process of the suite is left (%s)" % build)
        return 0
    for pid, cmd in sorted(left.items()):
        print("FAIL - left running by the suite: pid %d: %s" % (pid, cmd[:300]))
    print("the test that started it did not stop it; stopping them now")
    for pid in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and suite_processes():
        time.sleep(0.1)
    for pid in suite_processes():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""smoke.py KCHAT-BENCH KCHAT-BRIDGE - kchat-bench's latency scenario for two
seconds with a few clients, against a bridge it starts on the test broker:
it must print one JSON line saying every message was acknowledged and
delivered to every client exactly once. (A benchmark's figures are not
judged; that it runs and counts right is.)"""
import json
import os
import subprocess
import sys

bench, bridge = sys.argv[1], sys.argv[2]
brokers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
if not brokers:
    with open(os.environ["KCHAT_KAFKA_FILE"]) as f:
        brokers = f.read().strip()
clients = 5
cmd = [bench, "--bridge", bridge, "-b", brokers, "-c", str(clients),
       "--senders", "2", "-r", "50", "-d", "2", "--json", "latency"]
out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
print("$ " + " ".join(cmd))
print(out.stdout + out.stderr, end="")
fail = []
if out.returncode != 0:
    fail.append("kchat-bench exited %d" % out.returncode)
lines = [l for l in out.stdout.splitlines() if l.strip()]
if len(lines) != 1:
    fail.append("expected exactly one line on stdout with --json, got %d" % len(lines))
else:
    r = json.loads(lines[0])
    if r.get("scenario") != "latency":
        fail.append("scenario is %r" % r.get("scenario"))
    if r["sent"] != 100:
        fail.append("sent %d messages, expected 50 msg/s x 2 s = 100" % r["sent"])
    if r["acked"] != r["sent"]:
        fail.append("%d of %d messages acknowledged" % (r["acked"], r["sent"]))
    if r["expected"] != r["acked"] * clients:
        fail.append("expected %d deliveries, not acked x clients" % r["expected"])
    if r["delivered"] != r["expected"] or r["lost"] != 0 or r["duplicates"] != 0:
        fail.append("delivered %d of %d, lost %d, duplicates %d" %
                    (r["delivered"], r["expected"], r["lost"], r["duplicates"]))
    if not 0 < r["p50_ms"] <= r["p99_ms"] <= r["max_ms"]:
        fail.append("latencies out of order: %r" % r)
for f in fail:
    print("FAIL - " + f)
if not fail:
    print("ok - kchat-bench latency: 100 messages, %d deliveries, none lost or doubled" %
          (100 * clients))
sys.exit(1 if fail else 0)

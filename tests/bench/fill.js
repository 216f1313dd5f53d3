/*
 * fill.js - a big topic for the benchmarks: n msgpack records in one
 * partition, every every-th of room "big" and the others of room "noise"
 * keyed alike ("big"), through kcat (-D: a delimiter msgpack never
 * writes, 0xc1, thrice); size: their text padded to that many bytes. Their
 * ids and times rise by a millisecond every 10 records, ending about now.
 */
'use strict';

const { spawnSync } = require('child_process');
const L = require('../bridge/lib');

module.exports = function fill(topic, records, every, size = 0) {
	const py = `
import subprocess, sys, time, msgpack
n, every, topic, brokers, size = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
def ulid(ms, i):
    s = ""
    for _ in range(10):
        s = B32[ms % 32] + s; ms //= 32
    for _ in range(16):
        s += B32[i % 32]; i //= 32
    return s
t0 = int(time.time() * 1000) - n // 10
delim = b"\\xc1\\xc1\\xc1"
out = bytearray()
for i in range(n):
    room = "big" if i % every == every - 1 else "noise"
    ms = t0 + i // 10
    rec = msgpack.packb({"v": 1, "id": ulid(ms, i), "type": "message", "room": room,
        "user": "filler", "text": ("record %d of a busy partition" % i).ljust(size, "."), "ts": ms * 1000},
        use_bin_type=True)
    assert delim not in rec
    out += rec + delim
subprocess.run(["kcat", "-P", "-b", brokers, "-t", topic, "-k", "big", "-D", "\\\\xc1\\\\xc1\\\\xc1",
    "-X", "partitioner=murmur2_random", "-X", "queue.buffering.max.messages=1000000"],
    input=bytes(out), check=True)
`;
	const r = spawnSync('/usr/bin/python3', ['-c', py, String(records), String(every), topic,
	    L.brokers(), String(size)], { encoding: 'utf8', maxBuffer: 1 << 26 });
	if (r.status !== 0)
		throw new Error(`filling the topic failed: ${r.stderr}`);
};

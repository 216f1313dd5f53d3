/*
 * fdlimit.js - a bridge out of file descriptors (issue 15, item 2): lws
 * cannot accept, and used to spin at full CPU on its listening socket,
 * logging "accept: errno 24" hundreds of thousands of times a second,
 * while every new client waited forever. Now the waiting connections are
 * refused, the log says it once with what to do, the CPU stays idle, a
 * client connected before gets its pongs meanwhile (lib.js's Bystander;
 * not yet its join's history, which waits for a descriptor), and
 * once clients close the bridge serves again within 5 s.
 */
'use strict';

const fs = require('fs');
const L = require('./lib');

const topic = L.uniqueTopic('fdlimit');
let br, by;
const socks = [];

/* User + system CPU ticks of pid so far. */
function cpuTicks(pid) {
	const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return Number(f[11]) + Number(f[12]);
}

L.run([
	/* 128: what the bridge holds idle (its Kafka handles: chat, presence,
	 * rooms and read topics) leaves room for some clients, not for 150 */
	['a bridge with 128 descriptors', async () => {
		br = await L.startBridge({ topic, shell: 'ulimit -n 128;',
		    args: ['--max-conns-per-ip', '1000', '--conn-rate-per-ip', '1000'] });
	}],

	['150 clients: those past the limit are refused, not left waiting', async () => {
		/* Connected before: served while the bridge is out of descriptors. */
		by = await L.Bystander.open(br, 'bystander', false);
		const ends = [];
		for (let i = 0; i < 150; i++) {
			const w = new (require(require('path').join(__dirname, '..', 'node_modules', 'ws')))(
			    br.url(`f${i}`), { handshakeTimeout: 20000 });
			socks.push(w);
			ends.push(new Promise((resolve) => {
				w.on('open', () => resolve('open'));
				w.on('error', (e) => resolve(/timed out/.test(e.message) ?
				    'waited' : 'refused'));
				w.on('close', () => resolve('refused'));
			}));
		}
		const got = await Promise.all(ends);
		const refused = got.filter((g) => g === 'refused').length;
		const waited = got.filter((g) => g === 'waited').length;
		L.assert(waited === 0, `${waited} clients left waiting until their handshake timed out`);
		L.assert(refused > 0, 'none refused: the limit was not reached');
		L.assert(got.includes('open'), 'none connected');
	}],

	['while out of descriptors the bridge does not spin, and says so once', async () => {
		const pid = br.proc.pid;
		const t0 = cpuTicks(pid), w0 = Date.now();
		await new Promise((r) => setTimeout(r, 2000));	/* the window measured */
		const used = (cpuTicks(pid) - t0) / 100, wall = (Date.now() - w0) / 1000;
		L.assert(used < wall / 4, `the bridge used ${used} s of CPU in ${wall} s`);
		const text = br.logText();
		const lines = (text.match(/errno 24/g) || []).length;
		L.assert(lines <= 10, `"errno 24" logged ${lines} times`);
		L.assert(/out of file descriptors: .*ulimit -n/.test(text), 'no hint in the log');
	}],

	['a client connected before is served while it is out of descriptors', async () => {
		/*
		 * Pings only: a join's history needs a new connection to Kafka
		 * (history.c's query), which the bridge cannot open while out
		 * of descriptors; it comes once one frees (1 to 25 s measured).
		 */
		await by.measure(6);
		by.bounds(br, 'descriptor exhaustion');
		by.close();
	}],

	['once clients close, it serves again', async () => {
		for (const w of socks)
			w.terminate();
		await L.servedAgain(br, 'descriptor exhaustion');
		await L.until('healthz 200', async () => {
			try {
				return (await L.httpGet(br.port, '/healthz')).status === 200;
			} catch (e) {
				return false;
			}
		});
		const c = await L.Client.open(br.url('after'));
		c.send({ username: 'fd', message: 'back', room: 'general' });
		await c.wait('my message', (f) => f.message === 'back');
		c.close();
	}],
]);

/*
 * fdlimit.js - a bridge out of file descriptors (issue 15, item 2): lws
 * cannot accept, and used to spin at full CPU on its listening socket,
 * logging "accept: errno 24" hundreds of thousands of times a second,
 * while every new client waited forever. Now the waiting connections are
 * refused, the log says it once with what to do, the CPU stays idle, a
 * client connected before gets its pongs meanwhile (lib.js's Bystander),
 * and once clients close the bridge serves again within 5 s.
 *
 * And its history (issue 12 item 4, issue 15 item 6): while a flood keeps
 * it out of descriptors, a client connected before joins rooms written
 * before (by kcat) that no one joined on the bridge, so no page of them
 * is in memory, and pages below with before_offset: each page comes from
 * Kafka within 2 s. The history workers keep their Kafka connections (one
 * reader each); a consumer made per request needed new descriptors, and
 * its page came when one freed, if the flood did not take it first (33 ms
 * to over 25 s measured).
 */
'use strict';

const fs = require('fs');
const L = require('./lib');

const topic = L.uniqueTopic('fdlimit');
const ROOMS = ['before-a', 'before-b', 'before-c'];
const WRITTEN = 120;		/* records of each: three pages of 50 */
let br, by, flood;
const socks = [];

/*
 * Keeps the bridge out of descriptors as an attacker would: four
 * connection attempts at a time, each opened one kept idle, so that
 * whatever descriptor frees is taken by the next accept; refused counts
 * those the bridge refused (out of descriptors). stop() ends it.
 */
function keepFlooding() {
	const WS = require(require('path').join(__dirname, '..', 'node_modules', 'ws'));
	const f = { refused: 0, on: true };
	const one = async (k) => {
		for (let i = 0; f.on; i++) {
			const w = new WS(br.url(`k${k}-${i}`), { handshakeTimeout: 5000 });
			w.on('error', () => {});
			if (await new Promise((resolve) => {
				w.on('open', () => resolve(true));
				w.on('close', () => resolve(false));
			}))
				socks.push(w);
			else
				f.refused++;
			await L.sleep(10);	/* pacing: a flood, not a spin */
		}
	};
	const all = Promise.all([0, 1, 2, 3].map(one));
	f.stop = async () => { f.on = false; await all; };
	return f;
}

/*
 * Joins room (written before, never joined here: not in memory) and
 * pages below its first page with before_offset, each page asked for
 * while the flood holds (connections refused before and after) and
 * answered within 2 s; returns the texts read, oldest first.
 */
async function readRoom(c, room) {
	const within = async (what, send) => {
		const ref = send.ref;
		const r0 = flood.refused;
		await L.until('a connection refused', () => flood.refused > r0, 5000);
		const t0 = Date.now();
		c.send(send);
		const page = await c.wait(what, (f) => f.ref === ref &&
		    (f.type === 'history' || f.type === 'error'), 2000);
		console.log(`# ${what} from Kafka out of descriptors: ${Date.now() - t0} ms`);
		L.eq(page.type, 'history', what);
		const r1 = flood.refused;
		await L.until('a connection refused', () => flood.refused > r1, 5000);
		return page;
	};
	let page = await within(`${room}'s join history`,
	    { type: 'join', room, ref: `j-${room}` });
	const got = page.messages.map((m) => m.message);
	L.eq(got.length, 50, `${room}: the join's page`);
	for (let k = 0; page.more; k++) {
		const low = Math.min(...page.messages.map((m) => m.offset));
		page = await within(`${room}'s page below ${low}`,
		    { type: 'history', room, before_offset: low, ref: `p${k}-${room}` });
		got.unshift(...page.messages.map((m) => m.message));
	}
	return got;
}

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

	[`${WRITTEN} records each of rooms nobody joined here, written by kcat`, async () => {
		const t = Date.now() - WRITTEN;
		for (const room of ROOMS)
			L.kcatProduceMany(topic, room, Array.from({ length: WRITTEN }, (_, i) => ({
			    v: 1, id: L.ulid(t + i), type: 'message', room, user: 'kcat',
			    text: `${room} ${i}`, ts: (t + i) * 1000 })));
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
		await by.measure(6);
		by.bounds(br, 'descriptor exhaustion');
	}],


	...ROOMS.map((room) => [`${room}: not in memory, every page from Kafka within 2 s`, async () => {
		if (!flood)
			flood = keepFlooding();
		L.eq(await readRoom(by.c, room),
		    Array.from({ length: WRITTEN }, (_, i) => `${room} ${i}`),
		    `${room}: every record once, in order`);
	}]),

	['once clients close, it serves again', async () => {
		if (flood)
			await flood.stop();
		by.close();
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

/*
 * bench-bridge.js - kchat-bridge fan-out: C WebSocket clients in one room,
 * one of them sends M messages; each message goes through Kafka and back out
 * to every client. Prints the median and p99 of send -> delivered latency
 * (over every client and message) and the delivered frames per second.
 *
 *   node bench-bridge.js KCHAT-BRIDGE BROKERS [clients] [messages]
 * (run by `make bench`; needs tests/node_modules, i.e. `npm ci` in tests/)
 */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require(path.join(__dirname, '..', 'node_modules', 'ws'));

const [bin, brokers] = process.argv.slice(2, 4);
const nclients = Number(process.argv[4] || 100);
const nmsgs = Number(process.argv[5] || 500);
const topic = `kchat-bench-bridge-${process.pid}-${Date.now()}`;
const log = path.join(os.tmpdir(), `kchat-bench-bridge-${process.pid}.log`);

function until(what, fn, ms = 30000) {
	const deadline = Date.now() + ms;
	return new Promise((resolve, reject) => {
		const tick = async () => {
			let v;
			try { v = await fn(); } catch (e) { v = null; }
			if (v)
				return resolve(v);
			if (Date.now() > deadline)
				return reject(new Error(`timed out waiting for ${what}`));
			setTimeout(tick, 1);
		};
		tick();
	});
}

(async () => {
	const out = fs.openSync(log, 'w');
	const bridge = spawn(bin, ['-b', brokers, '-t', topic, '-p', '0',
	    '--max-conns-per-ip', String(nclients + 10), '--rate', '100000', '--burst', '100000',
	    '--send-queue', '4096', '--history', '0'], { stdio: ['ignore', out, out] });
	const port = await until('bridge port', () => {
		const m = /listening on http:\/\/[^ ]*:(\d+)\//.exec(fs.readFileSync(log, 'utf8'));
		return m && Number(m[1]);
	});
	await until('bridge healthy', async () =>
	    (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200);

	const sentAt = new Map();
	const lat = [];
	let got = 0, acked = 0, errors = 0;
	const clients = await Promise.all(Array.from({ length: nclients }, (_, i) =>
	    new Promise((resolve, reject) => {
		/* the sender (0) asks for acks, to keep a bounded window in flight */
		const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/b${i}${i === 0 ? '?ext=1' : ''}`);
		ws.on('open', () => resolve(ws));
		ws.on('error', reject);
		ws.on('message', (data) => {
			const f = JSON.parse(data);
			if (f.type === 'ack')
				acked++;
			else if (f.type === 'error')
				errors++;
			const t = sentAt.get(f.message);
			if (t !== undefined && f.type === 'message') {
				lat.push(performance.now() - t);
				got++;
			}
		});
	    })));
	const sender = clients[0];
	/* Warm up: one message all the way round before timing. */
	sentAt.set('warm', performance.now());
	sender.send(JSON.stringify({ username: 'bench', message: 'warm', room: 'general' }));
	await until('warm-up delivered', () => got >= nclients);
	lat.length = 0;
	got = 0;

	/* At most 32 unacknowledged messages: the bridge allows 64 per connection. */
	acked = 0;
	const t0 = performance.now();
	for (let i = 0; i < nmsgs; i++) {
		if (i - acked >= 32)
			await until('acks', () => i - acked < 32 || errors > 0);
		if (errors > 0)
			throw new Error(`the bridge refused a message (${errors} errors)`);
		const text = `m${i} the quick brown fox jumps over the lazy dog, a typical line`;
		sentAt.set(text, performance.now());
		sender.send(JSON.stringify({ username: 'bench', message: text, room: 'general', ref: `r${i}` }));
	}
	await until('all delivered', () => got >= nmsgs * nclients, 120000);
	const secs = (performance.now() - t0) / 1000;
	lat.sort((a, b) => a - b);
	const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
	console.log(`bridge fan-out: ${nclients} clients x ${nmsgs} messages = ${got} deliveries in ${secs.toFixed(2)} s ` +
	    `(${Math.round(got / secs)} frames/s); send -> delivered median ${q(0.5)} ms, p99 ${q(0.99)} ms`);
	for (const c of clients)
		c.terminate();
	bridge.kill('SIGTERM');
	await new Promise((r) => bridge.on('exit', r));
	fs.rmSync(log, { force: true });
	process.exit(0);
})().catch((e) => {
	console.error('bench-bridge:', e.message);
	process.exit(1);
});

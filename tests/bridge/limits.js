/*
 * limits.js - what the bridge refuses: foreign Origins (403), too many
 * connections from one address (403), messages over the size limit counted
 * across fragments (1009), frames over the rate limit (error, then 1008),
 * and a client too slow to read (closed, logged, the others unaffected: a
 * bystander's ping and join history within lib.js's bounds meanwhile).
 */
'use strict';

const net = require('net');
const L = require('./lib');

const topic = L.uniqueTopic('limits');
let br;

async function status(url, headers) {
	try {
		const c = await L.Client.open(url, { headers });
		c.close();
		return 101;
	} catch (e) {
		return e.status || String(e);
	}
}

L.run([
	['bridge with small limits', async () => {
		br = await L.startBridge({ topic, args: ['--allow-origin', 'https://chat.example.org',
		    '--max-message', '4096', '--rate', '5', '--burst', '5',
		    '--max-conns-per-ip', '4', '--send-queue', '16'] });
	}],

	['Origin: own and listed allowed, others 403', async () => {
		const url = br.url();
		L.eq(await status(url, { Origin: `http://127.0.0.1:${br.port}` }), 101, 'same origin');
		L.eq(await status(url, { Origin: 'https://chat.example.org' }), 101, '--allow-origin');
		L.eq(await status(url, { Origin: 'https://evil.example.com' }), 403, 'foreign origin');
		L.eq(await status(url, { Origin: `http://127.0.0.1:${br.port + 1}` }), 403, 'other port');
		L.eq(await status(`ws://127.0.0.1:${br.port}/elsewhere`, {}), 403, 'bad path');
		await L.until('rejections counted', async () =>
		    await br.metric('kchat_bridge_connections_rejected_total{reason="origin"}') === 2);
	}],

	['connections per address are capped', async () => {
		await L.until('earlier connections gone', async () =>
		    await br.metric('kchat_bridge_connections_open') === 0);
		const cs = [];
		for (let i = 0; i < 4; i++)
			cs.push(await L.Client.open(br.url()));
		L.eq(await status(br.url(), {}), 403, 'fifth connection');
		cs[0].close();
		await cs[0].waitClose();
		await L.until('a slot to free up', async () => await status(br.url(), {}) === 101);
		cs.forEach((c) => c.close());
		await L.until('all closed', async () => await br.metric('kchat_bridge_connections_open') === 0);
	}],

	['a message over the limit closes with 1009, fragments counted', async () => {
		const c = await L.Client.open(br.url());
		c.send({ username: 'big', message: 'x'.repeat(3000) });
		await c.wait('a message under the limit passes', (f) => f.username === 'big');
		c.send({ username: 'big', message: 'y'.repeat(5000) });
		L.eq((await c.waitClose()).code, 1009, 'close code');

		const d = await L.Client.open(br.url());
		const part = '"' + 'z'.repeat(1500);
		d.ws.send('{"username": "frag", "message": ', { fin: false });
		d.ws.send(part, { fin: false });
		d.ws.send(part, { fin: false });
		d.ws.send(part + '"}', { fin: true });
		L.eq((await d.waitClose()).code, 1009, 'fragmented: close code');
	}],

	['rate limit: an error first, closed on abuse', async () => {
		const c = await L.Client.open(br.url());
		for (let i = 0; i < 8; i++)
			c.send({ type: 'ping' });
		const e = await c.wait('rate_limited', (f) => f.type === 'error' && f.code === 'rate_limited');
		L.assert(e, 'error frame');
		L.eq(c.closed, null, 'still open after a burst');
		for (let i = 0; i < 50; i++)
			c.send({ type: 'ping' });
		/* 1008; or 1006 when frames still in flight make the close a reset. */
		const code = (await c.waitClose()).code;
		L.assert(code === 1008 || code === 1006, 'close code on abuse: ' + code);
		await L.until('abuse counted', async () =>
		    await br.metric('kchat_bridge_drops_total{reason="rate_abuse"}') === 1);
		L.assert(/rate limit abuse/.test(br.logText()), 'logged');
	}],

	['a slow client is closed; a fast one gets everything', async () => {
		const fb = await L.startBridge({ topic: topic + '-slow', args: ['--rate', '100000',
		    '--burst', '100000', '--send-queue', '64'] });
		/* The slow client: a raw socket that completes the handshake, then never reads. */
		const slow = net.connect(fb.port, '127.0.0.1');
		await new Promise((r) => slow.on('connect', r));
		let slowClosed = false;
		slow.on('close', () => { slowClosed = true; });
		slow.on('error', () => {});
		slow.write(`GET /ws/slow HTTP/1.1\r\nHost: 127.0.0.1:${fb.port}\r\n` +
		    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
		    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
		await new Promise((r) => slow.once('data', r));
		slow.pause();
		await L.until('slow client connected', async () => await fb.metric('kchat_bridge_connections_open') === 1);

		const fast = await L.Client.open(fb.url());
		const talk = await L.Client.open(fb.url(undefined, '?ext=1'));
		/* A bystander in other rooms meanwhile (lib.js's bounds). */
		const by = (await L.Bystander.open(fb)).start();
		/* Batches of 20 messages of 8 KB (echo and ack: 40 frames, well under the queue of 64 even when a sanitizer slows the bridge) until the slow one is dropped. */
		const text = 'q'.repeat(8000);
		let sent = 0;
		/* The drop comes once the kernel's socket buffers and the queue
		 * are full and the client has written nothing for 3 s: a matter
		 * of time more than of bytes (a loaded machine sends fewer). */
		const t0 = Date.now();
		while (await fb.metric('kchat_bridge_drops_total{reason="slow_client"}') < 1) {
			L.assert(Date.now() - t0 < 30000, `slow client not dropped within 30 s (${sent} messages of 8 KB)`);
			for (let i = 0; i < 20; i++, sent++)
				talk.send({ type: 'message', username: 'flood', message: `${sent} ${text}`, ref: `f${sent}` });
			const ref = `f${sent - 1}`;
			await talk.wait(`ack ${ref}`, (f) => f.type === 'ack' && f.ref === ref, 30000);
		}
		console.log(`# the slow client dropped after ${sent} messages, ${Date.now() - t0} ms`);
		await by.stop();
		L.assert(/closing slow client/.test(fb.logText()), 'logged');
		await fast.wait('every message at the fast client',
		    (f) => (f.message || '').startsWith(`${sent - 1} `), 30000);
		L.eq(fast.frames.filter((f) => f.username === 'flood' && f.type === 'message').length, sent, 'nothing lost for the fast client');
		slow.resume();
		await L.until('the slow socket to be closed', async () => slowClosed, 15000);
		L.eq(fast.closed, null, 'fast client still connected');
		by.bounds(fb, 'a flood of 8 KB messages to a client that never reads');
		by.close();
		fast.close();
		talk.close();
		L.eq((await fb.stop()).code, 0, 'exit');
	}],

	['a client that answers no ping is closed after --idle-timeout', async () => {
		const ib = await L.startBridge({ topic: topic + '-idle', args: ['--idle-timeout', '2'] });
		/* A raw socket: completes the handshake, reads, never answers a ping. */
		const s = net.connect(ib.port, '127.0.0.1');
		await new Promise((r) => s.on('connect', r));
		let bytes = Buffer.alloc(0), closedAt = 0;
		s.on('data', (d) => { bytes = Buffer.concat([bytes, d]); });
		s.on('close', () => { closedAt = Date.now(); });
		s.on('error', () => {});
		s.write(`GET /ws/idle HTTP/1.1\r\nHost: 127.0.0.1:${ib.port}\r\n` +
		    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
		    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
		const t0 = Date.now();
		/* A well-behaved client on the same bridge stays (ws answers pings). */
		const good = await L.Client.open(ib.url());
		await L.until('the silent client to be closed', async () => closedAt > 0, 15000);
		L.assert(closedAt - t0 >= 1000, 'not closed before the timeout: ' + (closedAt - t0));
		L.assert(bytes.includes(Buffer.from([0x89])), 'a ping (opcode 9) was sent first');
		await L.sleep(100);
		L.eq(good.closed, null, 'the answering client stays');
		good.close();
		L.eq((await ib.stop()).code, 0, 'exit');
	}],

	['SIGTERM exits 0', async () => {
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

/*
 * queue.js - what a connection may cost the bridge: its send queue is
 * bounded in bytes as well as frames (--send-queue-bytes: a client that
 * does not read is closed with 1008 long before it holds many large history
 * frames); history sent to a client takes at most half of what is left of
 * its queue, so --history at or above --send-queue never closes a plain
 * client that reads; one history request per room and connection at a
 * time (another: error "busy" with its ref); history requests of closed
 * connections are dropped, not run; --history 0 answers a history request
 * without a limit with an empty page.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('queue');
const big = '"'.repeat(8000);	/* 8000 bytes of text, 16 KB of JSON */
const N = 60;
let writer, wb;

function last(c, pred) {
	const v = c.frames.filter(pred);
	return v[v.length - 1];
}

L.run([
	[`${N} messages of 16 KB (as JSON) in room big`, async () => {
		wb = await L.startBridge({ topic, args: ['--rate', '1000', '--burst', '1000'] });
		writer = await L.Client.open(wb.url('writer', '?ext=1'));
		writer.send({ type: 'join', room: 'big', username: 'writer', ref: 'j' });
		await writer.wait('joined', (f) => f.type === 'joined' && f.room === 'big');
		for (let i = 0; i < N; i += 10) {
			for (let k = i; k < i + 10; k++)
				writer.send({ type: 'message', username: 'writer', room: 'big',
				    message: `m${k} ${big}`, ref: `m${k}` });
			await writer.wait(`ack m${i + 9}`, (f) => f.type === 'ack' && f.ref === `m${i + 9}`);
		}
	}],

	['a client that does not read is closed by the byte bound', async () => {
		const limit = 1048576;
		const b = await L.startBridge({ topic, args: ['--rate', '1000', '--burst', '1000',
		    '--history', '0', '--send-queue', '1000000', '--send-queue-bytes', String(limit)] });
		const hog = await L.Client.open(b.url('hog', '?ext=1'));
		hog.send({ type: 'join', room: 'big', username: 'hog', ref: 'j' });
		await hog.wait('joined', (f) => f.type === 'joined');
		hog.ws._socket.pause();		/* never reads again */
		/* Each history reply is up to 512 KB; the kernel's socket buffers
		 * take some megabytes first, then the bridge's queue fills. */
		let asked = 0, most = 0;
		while (await b.metric('kchat_bridge_drops_total{reason="slow_client"}') < 1) {
			L.assert(asked < 600, `not closed after ${asked} history requests`);
			most = Math.max(most, await b.metric('kchat_bridge_send_queue_bytes'));
			hog.send({ type: 'history', room: 'big', limit: 500, ref: `h${asked++}` });
		}
		L.assert(most <= limit + 600 * 1024, `queued bytes stayed bounded: ${most}`);
		L.assert(/closing slow client .*bytes/.test(b.logText()), 'logged');
		await L.until('the queue to be released', async () =>
		    await b.metric('kchat_bridge_send_queue_bytes') === 0);
		console.log(`# closed after ${asked} history requests; at most ${most} bytes queued`);
		hog.ws._socket.resume();
		hog.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['--history above --send-queue: a plain client gets the newest that fit', async () => {
		const b = await L.startBridge({ topic, args: ['--send-queue', '16', '--history', '60'] });
		const p = await L.Client.open(b.url('plain'));
		p.send({ username: 'plain', room: 'big', message: 'hello' });
		await p.wait('newest history line', (f) => f.history === true &&
		    (f.message || '').startsWith(`m${N - 1} `));
		/* still open: a message written afterwards arrives live */
		writer.send({ type: 'message', username: 'writer', room: 'big', message: 'live', ref: 'live' });
		await p.wait('the live message', (f) => f.message === 'live' && !f.history);
		const hist = p.frames.filter((f) => f.history === true && f.room === 'big');
		L.assert(hist.length >= 1 && hist.length <= 8, `${hist.length} history frames`);
		L.eq(p.closed, null, 'not closed');
		L.eq(await b.metric('kchat_bridge_drops_total{reason="slow_client"}'), 0, 'no slow-client drop');
		p.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['an extended client gets a history page that fits its queue, with more', async () => {
		const limit = 262144;
		const b = await L.startBridge({ topic, args: ['--send-queue-bytes', String(limit)] });
		const c = await L.Client.open(b.url('ext', '?ext=1'));
		c.send({ type: 'history', room: 'big', limit: N, ref: 'all' });
		const h = await c.wait('history', (f) => f.type === 'history' && f.ref === 'all');
		L.assert(h.messages.length >= 1 && h.messages.length < N,
		    `trimmed: ${h.messages.length} messages`);
		L.assert(JSON.stringify(h).length <= limit / 2 + 1024, 'within half the queue');
		L.eq(h.messages.filter((m) => m.type === 'message').pop().message, 'live',
		    'the newest message last');
		L.eq(h.more, true, 'more');
		/* the next page goes on from the oldest one received */
		c.send({ type: 'history', room: 'big', before: h.messages[0].id, limit: 2, ref: 'older' });
		const o = await c.wait('older page', (f) => f.type === 'history' && f.ref === 'older');
		L.eq(o.messages.length, 2, 'two older messages');
		L.assert(o.messages[1].id < h.messages[0].id, 'older than the first page');
		c.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['one history request per room at a time; another gets busy', async () => {
		const b = await L.startBridge({ topic, args: ['--history', '0'] });
		const c = await L.Client.open(b.url('pager', '?ext=1'));
		c.send({ type: 'history', room: 'big', limit: N, ref: 'h1' });
		c.send({ type: 'history', room: 'big', limit: N, ref: 'h2' });
		c.send({ type: 'history', room: 'general', limit: 5, ref: 'g1' });
		const e = await c.wait('busy h2', (f) => f.ref === 'h2');
		L.eq([e.type, e.code], ['error', 'busy'], 'the second request of the room');
		const h1 = await c.wait('h1', (f) => f.ref === 'h1');
		L.eq(h1.type, 'history', 'the first one is answered');
		L.eq((await c.wait('g1', (f) => f.ref === 'g1')).type, 'history', 'another room at the same time');
		c.send({ type: 'history', room: 'big', limit: 3, ref: 'h3' });
		const h3 = await c.wait('h3', (f) => f.ref === 'h3');
		L.eq([h3.type, h3.messages.length], ['history', 3], 'answered once the first is done');
		c.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['--history 0: a history request without a limit gets an empty page', async () => {
		const b = await L.startBridge({ topic, args: ['--history', '0'] });
		const c = await L.Client.open(b.url('none', '?ext=1'));
		c.send({ type: 'history', room: 'big', ref: 'e' });
		const h = await c.wait('history', (f) => f.ref === 'e');
		L.eq([h.type, h.room, h.messages, h.more], ['history', 'big', [], false], 'empty page');
		c.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['history requests of closed connections are dropped', async () => {
		const b = await L.startBridge({ topic, args: ['--max-conns-per-ip', '100',
		    '--conn-rate-per-ip', '1000'] });
		/* Each connection's join asks for the history of general. */
		for (let i = 0; i < 300; i += 50) {
			const batch = [];
			for (let k = 0; k < 50; k++)
				batch.push(L.Client.open(b.url(`churn${i + k}`)).catch(() => null));
			(await Promise.all(batch)).forEach((c) => c && c.ws.terminate());
			await L.until('the batch closed', async () =>
			    await b.metric('kchat_bridge_connections_open') === 0);
			L.eq(await b.metric('kchat_bridge_history_queued'), 0, 'nothing queued for them');
		}
		const t0 = Date.now();
		const v = await L.Client.open(b.url('victim', '?ext=1'));
		await v.wait('history', (f) => f.type === 'history', 10000);
		console.log(`# history after the churn in ${Date.now() - t0} ms`);
		v.close();
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['the writer\'s bridge stops cleanly', async () => {
		writer.close();
		L.eq((await wb.stop()).code, 0, 'exit');
	}],
]);

/*
 * history.js - history on join comes from Kafka, so it survives a bridge
 * restart; older pages on request ("before"); a plain client gets history
 * as ordinary message frames.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('history');
const sent = [];

L.run([
	['messages sent through a first bridge', async () => {
		const b1 = await L.startBridge({ topic });
		const c = await L.Client.open(b1.url(undefined, '?ext=1'));
		c.send({ type: 'join', room: 'books', username: 'ann', ref: 'j' });
		await c.wait('joined', (f) => f.type === 'joined' && f.room === 'books');
		for (let i = 0; i < 8; i++) {
			c.send({ type: 'message', username: 'ann', room: 'books', message: `line ${i}`, ref: `m${i}` });
			const ack = await c.wait(`ack ${i}`, (f) => f.type === 'ack' && f.ref === `m${i}`);
			sent.push(ack.id);
		}
		/* Noise in another room sharing the topic. */
		c.send({ type: 'message', username: 'ann', room: 'general', message: 'elsewhere', ref: 'x' });
		await c.wait('ack x', (f) => f.type === 'ack' && f.ref === 'x');
		c.close();
		await L.until('the bridge to see the close', async () =>
		    await b1.metric('kchat_bridge_connections_open') === 0);
		L.eq((await b1.stop()).code, 0, 'first bridge exit');
	}],

	['a second bridge sends them on join', async () => {
		const b2 = await L.startBridge({ topic, args: ['--history', '5'] });
		const c = await L.Client.open(b2.url(undefined, '?ext=1'));
		/* No user name yet: joining adds no join record of its own. */
		c.send({ type: 'join', room: 'books', ref: 'j' });
		const h = await c.wait('history', (f) => f.type === 'history' && f.room === 'books');
		L.eq(h.messages.map((m) => m.type), ['message', 'message', 'message', 'message', 'leave'],
		    'the last 5 records: 4 messages and ann leaving');
		const msgs = h.messages.filter((m) => m.type === 'message');
		L.eq(msgs.map((m) => m.message), ['line 4', 'line 5', 'line 6', 'line 7'],
		    'oldest first');
		L.eq(msgs.map((m) => m.id), sent.slice(4), 'ids as acknowledged');
		L.assert(h.messages.every((m) => m.room === 'books'), 'only this room');
		L.eq(h.more, true, 'more available');

		c.send({ type: 'history', room: 'books', before: sent[4], limit: 2, ref: 'older' });
		const older = await c.wait('older page', (f) => f.type === 'history' && f.ref === 'older');
		L.eq(older.messages.map((m) => m.message), ['line 2', 'line 3'], 'page before line 4');
		L.eq(older.before, sent[4], 'before echoed');

		/* A plain client: history as message frames marked history. */
		const p = await L.Client.open(b2.url());
		p.send({ username: 'plain', message: 'hi', room: 'books' });
		/* Live, or with the history if that was read after it was stored:
		 * once either way. */
		await p.wait('own message', (f) => f.message === 'hi');
		const hist = await p.wait('history lines', (f) => f.history === true && f.message === 'line 6');
		L.eq(hist.room, 'books', 'room');
		L.assert(!p.find((f) => f.type === 'history'), 'no batch frames for a plain client');
		p.send({ username: 'plain', message: 'marker', room: 'books' });
		await p.wait('marker', (f) => f.message === 'marker');
		L.eq(p.frames.filter((f) => f.message === 'hi').length, 1, 'own line once');

		/* A plain client that speaks at once: its line comes live and is
		 * not repeated by the history that was on its way. */
		const q = await L.Client.open(b2.url());
		q.send({ username: 'quick', message: 'fresh', room: 'general' });
		await q.wait('own line live', (f) => f.message === 'fresh');
		await q.wait('history of general', (f) => f.history === true && f.message === 'elsewhere');
		q.send({ username: 'quick', message: 'marker', room: 'general' });
		await q.wait('marker', (f) => f.message === 'marker');	/* queued after any history */
		L.eq(q.frames.filter((f) => f.message === 'fresh').length, 1, 'own line once');
		c.close();
		p.close();
		q.close();
		L.eq((await b2.stop()).code, 0, 'second bridge exit');
	}],
]);

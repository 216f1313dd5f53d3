/*
 * burst.js - one bridge with the default --send-queue (256 frames): 5000
 * records produced at once reach three clients that keep reading, each
 * once, and none of them is closed (the bridge holds back its Kafka reader
 * instead) while a bystander in other rooms is served (lib.js's bounds);
 * a client that stops reading is closed as too slow (1008) while
 * the others still get everything; a message posted twice with the same
 * client-made "id" (a retry after a lost ack) is acked with that id both
 * times and shown once, live and in history.
 *
 * Records are produced by one kcat call with the bridge's partitioner
 * (murmur2_random), so that they share their room's partition with the
 * bridge's own records.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('burst');
const RECORD = new Set(['message', 'action', 'dm', 'join', 'leave']);
const SLOW = 'kchat_bridge_drops_total{reason="slow_client"}';
let br;

/*
 * Produces n messages of room at once (one kcat call); text is "tag i"
 * padded to pad bytes. Returns their ids in the order produced.
 */
function produceMany(room, n, tag, pad = 0) {
	const ts = Date.now();
	const ids = Array.from({ length: n }, () => L.ulid(ts));

	L.kcatProduceMany(topic, room, ids.map((id, i) => ({ v: 1, id, type: 'message', room,
	    user: 'burster', text: `${tag} ${i} `.padEnd(pad, 'x'), ts: ts * 1000 })));
	return ids;
}

/*
 * How often c got each id in room, history and live together; kept up to
 * date incrementally (thousands of frames).
 */
class Seen {
	constructor(c, room) {
		this.c = c;
		this.room = room;
		this.i = 0;
		this.n = new Map();
		this.live = new Map();
	}
	update() {
		const add = (m, live) => {
			this.n.set(m.id, (this.n.get(m.id) || 0) + 1);
			if (live)
				this.live.set(m.id, (this.live.get(m.id) || 0) + 1);
		};
		for (; this.i < this.c.frames.length; this.i++) {
			const f = this.c.frames[this.i];
			if (f.type === 'history' && f.room === this.room)
				(f.messages || []).forEach((m) => add(m, false));
			else if (RECORD.has(f.type) && typeof f.id === 'string' && f.room === this.room)
				add(f, true);
		}
		return this;
	}
	missing(ids) {
		this.update();
		return ids.filter((id) => !this.n.has(id));
	}
	twice() {
		return [...this.update().n].filter(([, k]) => k > 1);
	}
}

/* Waits until every client has every id, or is closed; fails saying how far each got. */
async function waitAll(clients, seen, ids, what, ms) {
	try {
		await L.until(what, () => clients.every((c, i) =>
		    c.closed || seen[i].missing(ids).length === 0), ms);
	} catch (e) { /* reported below */ }
	const state = clients.map((c, i) => `client ${i}: ${ids.length - seen[i].missing(ids).length}` +
	    ` of ${ids.length}${c.closed ? `, closed ${JSON.stringify(c.closed)}` : ''}`);
	L.assert(clients.every((c, i) => seen[i].missing(ids).length === 0),
	    `${what}: ${state.join('; ')}`);
}

async function readers(room, n, tag) {
	const cs = [];
	for (let i = 0; i < n; i++) {
		const c = await L.Client.open(br.url(`${tag}${i}`, '?ext=1'));
		c.send({ type: 'join', room, ref: 'j' });
		await c.wait('join history', (f) => f.type === 'history' && f.ref === 'j');
		cs.push(c);
	}
	return cs;
}

L.run([
	['a bridge with the default send queue', async () => {
		br = await L.startBridge({ topic });
	}],

	['5000 records at once reach 3 reading clients, each once, none closed', async () => {
		const room = 'flood';
		const cs = await readers(room, 3, 'fast');
		const seen = cs.map((c) => new Seen(c, room));
		const by = await L.Bystander.open(br);
		const ids = produceMany(room, 5000, 'flood');	/* blocks node */
		const marker = produceMany(room, 1, 'marker');
		/* A bystander in rooms of its own meanwhile (lib.js's bounds). */
		const measured = by.measure(6);
		await waitAll(cs, seen, [...ids, ...marker], 'all 5000 and a marker', 60000);
		await measured;
		by.bounds(br, '5000 records at once');
		by.close();
		cs.forEach((c, i) => L.eq(c.closed, null, `client ${i} not closed`));
		cs.forEach((c, i) => L.eq(seen[i].twice(), [], `client ${i}: ids received more than once`));
		L.eq(await br.metric(SLOW), 0, 'no slow-client drop');
		cs.forEach((c) => c.close());
	}],

	['a client that stops reading is closed (1008); the others get everything', async () => {
		/*
		 * A client that does not read has the kernel's socket buffers
		 * (some megabytes on loopback) and its send queue (256 frames,
		 * 4 MB) before it is really behind: 3000 records of 6 KB
		 * (18 MB) go well past that.
		 */
		const room = 'stall';
		const cs = await readers(room, 3, 'reader');
		const [stuck] = await readers(room, 1, 'stuck');
		stuck.ws._socket.pause();		/* reads nothing more */
		const seen = cs.map((c) => new Seen(c, room));
		const slow0 = await br.metric(SLOW);
		const ids = produceMany(room, 3000, 'stall', 6000);
		const marker = produceMany(room, 1, 'marker');
		await waitAll(cs, seen, [...ids, ...marker], 'all 3000 and a marker at the readers', 90000);
		cs.forEach((c, i) => L.eq(c.closed, null, `reader ${i} not closed`));
		cs.forEach((c, i) => L.eq(seen[i].twice(), [], `reader ${i}: ids received more than once`));
		/* The bridge closed the stuck one as too slow, and only it. */
		L.eq(await br.metric(SLOW) - slow0, 1, 'one slow-client drop');
		L.assert(/closing slow client \S+ \(stuck0\)/.test(br.logText()),
		    'the bridge logged closing stuck0 as slow');
		/* Reading again, it finds the connection closed; the close
		 * frame, if it got through the full socket, says 1008. */
		stuck.ws._socket.resume();
		const cl = await stuck.waitClose(20000);
		L.assert(cl.code === 1008 || cl.code === 1006,
		    `closed as a policy violation (or without a close frame): ${JSON.stringify(cl)}`);
		console.log(`# the stuck client saw close ${cl.code}`);
		cs.forEach((c) => c.close());
	}],

	['a retry with the same id is acked with it and shown once', async () => {
		const room = 'retry';
		const [watcher] = await readers(room, 1, 'watcher');
		const X = L.ulid();
		const msg = { type: 'message', username: 'rita', room, message: 'only once', id: X };
		const c1 = await L.Client.open(br.url('rita1', '?ext=1'));
		c1.send({ ...msg, ref: 'first' });
		const a1 = await c1.wait('first ack', (f) => f.ref === 'first');
		L.eq([a1.type, a1.id], ['ack', X], 'first ack carries the client\'s id');
		/* The ack was "lost": the client reconnects and sends it again. */
		c1.close();
		await c1.waitClose();
		const c2 = await L.Client.open(br.url('rita2', '?ext=1'));
		c2.send({ ...msg, ref: 'retry' });
		const a2 = await c2.wait('retry ack', (f) => f.ref === 'retry');
		L.eq([a2.type, a2.id], ['ack', X], 'the retry is acked with the same id');
		c2.send({ type: 'message', username: 'rita', room, message: 'after the retry', ref: 'm' });
		const m = await c2.wait('marker ack', (f) => f.type === 'ack' && f.ref === 'm');
		await watcher.wait('the marker live', (f) => f.id === m.id);
		const w = new Seen(watcher, room).update();
		L.eq([w.n.get(X), w.live.get(X)], [1, 1], 'the watcher saw X once, live');
		const [late] = await readers(room, 1, 'late');
		const h = late.frames.find((f) => f.type === 'history' && f.ref === 'j');
		L.assert(h.messages.some((r) => r.id === m.id), 'the join\'s page reaches the marker');
		L.eq(h.messages.filter((r) => r.id === X).length, 1, 'X once in a new client\'s history');
		L.eq(new Seen(late, room).update().n.get(X), 1, 'and not again live');
		for (const c of [watcher, c2, late])
			c.close();
	}],

	['the bridge stops cleanly', async () => {
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

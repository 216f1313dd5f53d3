/*
 * delivery.js - two bridges, one topic: what a connection gets of a room is
 * decided by Kafka offsets, not by ids or timestamps. Every chat record
 * frame carries "offset" (its offset in the room's partition, as Kafka
 * says); a record from a clock 60 s ahead, or with the highest possible
 * id, hides no live message; 50 clients joining a busy room at staggered
 * moments each get every record from the oldest one they got on, none
 * twice; a client that reconnects with "since" gets exactly the gap; paging
 * with "before_offset" through a room whose records are out of time order
 * (late appended) gets each record once, in offset order.
 *
 * Records produced by the test itself go through kcat with the bridge's
 * partitioner (murmur2_random), so that they share their room's partition
 * with the bridge's own records (kcat's default, consistent_random, would
 * put them elsewhere).
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('delivery');
const RECORD = new Set(['message', 'action', 'dm', 'join', 'leave']);
const BRIDGE_ARGS = ['--rate', '1000', '--burst', '1000', '--max-conns-per-ip', '200',
    '--history', '50'];
let A, B, poster;

/* The topic as Kafka has it: id -> [{partition, offset, room, type, user}]. */
function kafkaIndex() {
	const idx = new Map();
	for (const rec of L.kcatRead(topic)) {
		if (typeof rec.id !== 'string')
			continue;
		if (!idx.has(rec.id))
			idx.set(rec.id, []);
		idx.get(rec.id).push({ partition: rec._partition, offset: rec._offset,
		    id: rec.id, room: rec.room, type: rec.type, user: rec.user });
	}
	return idx;
}

/* The Kafka records of room, in offset order (all in one partition). */
function kafkaRoom(idx, room) {
	const recs = [...idx.values()].flat().filter((r) => r.room === room && r.type !== 'heartbeat');
	L.eq([...new Set(recs.map((r) => r.partition))].length <= 1, true,
	    `the test's records of ${room} share one partition`);
	return recs.sort((a, b) => a.offset - b.offset);
}

/*
 * The chat records c received for room, in the order they are meant to be
 * read: each history page's records (oldest first) and each live record,
 * with where they came from.
 */
function received(c, room) {
	const out = [];
	for (const f of c.frames) {
		if (f.type === 'history' && f.room === room) {
			for (const m of f.messages || [])
				out.push({ ...m, src: 'history', page: f.ref });
		} else if (RECORD.has(f.type) && typeof f.id === 'string' && f.room === room)
			out.push({ ...f, src: 'live' });
	}
	return out;
}

function counts(recs) {
	const n = new Map();
	for (const r of recs)
		n.set(r.id, (n.get(r.id) || 0) + 1);
	return n;
}

function noneTwice(recs, who) {
	const twice = [...counts(recs)].filter(([, n]) => n > 1);
	L.eq(twice, [], `${who}: ids received more than once [id, times]`);
}

/* Each record's "offset": an integer, the one Kafka gave that record. */
function checkOffsets(recs, idx, who) {
	for (const r of recs) {
		L.assert(Number.isInteger(r.offset) && r.offset >= 0,
		    `${who}: a ${r.src} record frame without an integer "offset": ${JSON.stringify(r)}`);
		const k = idx.get(r.id);
		L.assert(k && k.some((x) => x.offset === r.offset),
		    `${who}: record ${r.id} has offset ${r.offset}, Kafka has ${JSON.stringify(k)}`);
	}
}

/* Waits until c has every id of ids in room; says which are missing if not. */
async function waitIds(c, room, ids, what, ms = 15000) {
	const missing = () => {
		const got = new Set(received(c, room).map((r) => r.id));
		return ids.filter((id) => !got.has(id));
	};
	try {
		await L.until(what, () => missing().length === 0 || c.closed, ms);
	} catch (e) { /* reported below */ }
	const m = missing();
	L.assert(m.length === 0, `${what}: ${m.length} of ${ids.length} never arrived ` +
	    `(${m.slice(0, 3).join(' ')}...)${c.closed ? `; closed ${JSON.stringify(c.closed)}` : ''}`);
}

/* Posts n messages as user in room from c; resolves to their acked ids. */
async function post(c, user, room, n, tag) {
	for (let i = 0; i < n; i++)
		c.send({ type: 'message', username: user, room, message: `${tag} ${i}`, ref: `${tag}${i}` });
	const ids = [];
	for (let i = 0; i < n; i++)
		ids.push((await c.wait(`ack ${tag}${i}`, (f) => f.type === 'ack' && f.ref === `${tag}${i}`)).id);
	return ids;
}

async function joinRoom(c, room, extra = {}) {
	const ref = 'j-' + room + '-' + Math.random().toString(36).slice(2, 8);
	c.send({ type: 'join', room, ref, ...extra });
	await c.wait(`joined ${room}`, (f) => f.type === 'joined' && f.ref === ref);
	return ref;
}

/*
 * Steps 1 and 2: a record whose id sorts after everything live is in the
 * room's history when a client on B joins; 10 messages posted on A after
 * it must all reach that client live, and the odd record once.
 */
async function oddRecord(room, id, ts) {
	L.kcatProduceMany(topic, room, [{ v: 1, id, type: 'message', room, user: 'oddclock', text: `odd ${id}`, ts }]);
	const c = await L.Client.open(B.url(undefined, '?ext=1'));
	const ref = await joinRoom(c, room);
	const h = await c.wait('join history', (f) => f.type === 'history' && f.ref === ref);
	L.eq(h.before, null, 'the join\'s page');
	await joinRoom(poster, room, { username: 'poster' });
	const acked = await post(poster, 'poster', room, 10, room);
	const marker = (await post(poster, 'poster', room, 1, `${room}-marker`))[0];
	await waitIds(c, room, [...acked, id, marker], `the 10 messages, the odd record and a marker at B`);
	const recs = received(c, room);
	const n = counts(recs);
	L.eq(acked.map((a) => n.get(a)), acked.map(() => 1), 'each acked message exactly once');
	L.eq(acked.map((a) => recs.find((r) => r.id === a).src), acked.map(() => 'live'),
	    'the acked messages came live');
	L.eq(n.get(id), 1, 'the odd record exactly once');
	noneTwice(recs, 'reader at B');
	checkOffsets(recs, kafkaIndex(), 'reader at B');
	const offs = recs.map((r) => r.offset);
	L.eq(offs.every((o, i) => i === 0 || o > offs[i - 1]), true,
	    `offsets increase in reading order: ${offs}`);
	c.close();
}

L.run([
	['two bridges on one topic', async () => {
		[A, B] = await Promise.all([L.startBridge({ topic, args: BRIDGE_ARGS }),
		    L.startBridge({ topic, args: BRIDGE_ARGS })]);
		poster = await L.Client.open(A.url('poster', '?ext=1'));
	}],

	['a fast clock: a record 60 s ahead (id and ts) hides no live message', async () => {
		const ahead = Date.now() + 60000;
		await oddRecord('fastclock', L.ulid(ahead), ahead * 1000);
	}],

	['a hostile id: 7ZZZZZZZZZZZZZZZZZZZZZZZZZ hides no live message', async () => {
		/* The largest id kc_ulid_valid() accepts: a first character up
		 * to '7' (48 bits of time) and Crockford letters; its ts is now. */
		await oddRecord('hostile', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', Date.now() * 1000);
	}],

	['50 clients joining a busy room: no holes, nothing twice', async () => {
		const room = 'busy', N = 50;
		const writer = await L.Client.open(A.url('writer', '?ext=1'));
		await joinRoom(writer, room, { username: 'writer' });
		const w = L.busyWriter(writer, room), acks = w.acks;
		/* Half on each bridge. */
		const [clients] = await L.staggeredJoins(w, N,
		    (i) => (i % 2 ? A : B).url(`busy${i}`, '?ext=1'), (c, i) => {
			const ref = `j${i}`;
			c.send({ type: 'join', room, username: `reader${i}`, ref });
			return c.wait(`join history of client ${i}`, (f) => f.type === 'history' &&
			    f.ref === ref, 30000);
		});
		await w.more(30);
		await w.stop();
		const last = acks[acks.length - 1];
		console.log(`# ${acks.length} messages posted while ${N} clients joined`);
		for (const [i, c] of clients.entries())
			await waitIds(c, room, [last], `the last message at client ${i}`, 20000);
		const idx = kafkaIndex();
		for (const [i, c] of clients.entries())
			noneTwice(received(c, room), `client ${i}`);
		for (const [i, c] of clients.entries()) {
			const recs = received(c, room);
			checkOffsets(recs, idx, `client ${i}`);
			const low = Math.min(...recs.map((r) => r.offset));
			const got = new Set(recs.map((r) => r.id));
			const holes = acks.filter((id) => idx.get(id)[0].offset >= low && !got.has(id));
			L.eq(holes, [], `client ${i} (lowest offset ${low}): acked messages missing`);
		}
		for (const c of [writer, ...clients])
			c.close();
	}],

	['a reconnect with since gets exactly the gap', async () => {
		const room = 'blip';
		const c = await L.Client.open(B.url('cee', '?ext=1'));
		await joinRoom(c, room, { username: 'cee' });
		await joinRoom(poster, room, { username: 'poster' });
		const before = await post(poster, 'poster', room, 5, 'before');
		await waitIds(c, room, before, 'the first 5 at C');
		const had = received(c, room);
		checkOffsets(had, kafkaIndex(), 'C before the blip');
		const K = Math.max(...had.map((r) => r.offset));
		c.close();
		await c.waitClose();
		const gap = await post(poster, 'poster', room, 20, 'gap');
		const c2 = await L.Client.open(B.url('cee2', '?ext=1'));
		const ref = await joinRoom(c2, room, { username: 'cee', since: K + 1 });
		const h = await c2.wait('the since page', (f) => f.type === 'history' && f.ref === ref);
		L.eq(h.before, null, 'the join\'s page');
		const marker = (await post(poster, 'poster', room, 1, 'after'))[0];
		await waitIds(c2, room, [marker], 'a marker posted after the join');
		const recs = received(c2, room).filter((r) => r.id !== marker);
		const mine = recs.filter((r) => r.username === 'poster' && r.type === 'message');
		L.eq(mine.map((r) => r.id).sort(), [...gap].sort(), 'exactly the 20 posted meanwhile');
		noneTwice(recs, 'C after the blip');
		const old = new Set(had.map((r) => r.id));
		L.eq(recs.filter((r) => old.has(r.id)).map((r) => r.id), [], 'none of those it had');
		const idx = kafkaIndex();
		checkOffsets(recs, idx, 'C after the blip');
		L.eq(recs.filter((r) => r.offset <= K).length, 0, `nothing at or below K=${K}`);
		/* everything of the room after K up to the marker, join and
		 * leave records too: the whole gap, once */
		const mOff = idx.get(marker)[0].offset;
		const want = kafkaRoom(idx, room).filter((r) => r.offset > K && r.offset < mOff);
		L.eq(recs.filter((r) => r.offset < mOff).map((r) => r.id).sort(),
		    want.map((r) => r.id).sort(), 'every record of the room between K and the marker');
		c2.close();
	}],

	['paging with before_offset through late-appended records', async () => {
		const room = 'late', N = 220, t0 = Date.now() - 120000;
		/* Records 80..139 are 30 s older than their neighbours: appended
		 * late, with ids and ts from the past. */
		const recs = [];
		for (let i = 0; i < N; i++) {
			const ms = t0 + i * 10 - (i >= 80 && i < 140 ? 30000 : 0);
			recs.push({ v: 1, id: L.ulid(ms), type: 'message', room, user: 'importer',
			    text: `late ${i}`, ts: ms * 1000 });
		}
		L.kcatProduceMany(topic, room, recs);
		const ids = recs.map((r) => r.id);
		const c = await L.Client.open(B.url(undefined, '?ext=1'));
		const ref = await joinRoom(c, room);
		let page = await c.wait('the join\'s page', (f) => f.type === 'history' && f.ref === ref);
		const pages = [page];
		for (let k = 0; page.more; k++) {
			L.assert(k < 20, 'at most 20 pages');
			const held = received(c, room);
			L.assert(held.length > 0, `more:true with nothing held: ${JSON.stringify(page)}`);
			const low = Math.min(...held.map((r) => r.offset));
			L.assert(Number.isInteger(low), `offsets to page by: ${JSON.stringify(held[0])}`);
			c.send({ type: 'history', room, before_offset: low, limit: 50, ref: `p${k}` });
			page = await c.wait(`page ${k}`, (f) => f.type === 'history' && f.ref === `p${k}`);
			L.assert(page.messages.length <= 50, `page ${k} within its limit`);
			L.eq(page.messages.filter((r) => !(r.offset < low)).length, 0,
			    `page ${k}: records at or above before_offset ${low}`);
			pages.push(page);
		}
		/* the newest record came with the first page or live */
		await waitIds(c, room, [ids[N - 1]], 'the newest record');
		const live = received(c, room).filter((r) => r.src === 'live');
		const inOrder = [...pages].reverse().flatMap((p) => p.messages).concat(live);
		const n = counts(inOrder);
		L.eq(ids.filter((id) => n.get(id) !== 1), [], 'records not received exactly once');
		L.eq(inOrder.length, N, 'nothing else');
		const idx = kafkaIndex();
		checkOffsets(inOrder.map((r) => ({ ...r, src: r.src || 'history' })), idx, 'pager');
		const offs = inOrder.map((r) => r.offset);
		L.eq(offs.every((o, i) => i === 0 || o > offs[i - 1]), true, 'in offset order');
		L.eq(inOrder.map((r) => r.id), kafkaRoom(idx, room).map((r) => r.id),
		    'in the order Kafka has them');
		console.log(`# ${pages.length} pages`);
		c.close();
	}],

	['both bridges stop cleanly', async () => {
		poster.close();
		const [a, b] = await Promise.all([A.stop(), B.stop()]);
		L.eq([a.code, b.code], [0, 0], 'exit codes');
	}],
]);

/*
 * window.js - a join's history from memory: the bridge keeps the last
 * --history-window records of each room joined on it (filled by its chat
 * reader and by the first join's page from Kafka), so the next joins'
 * pages need no Kafka consumer. /metrics counts the pages each way
 * (kchat_bridge_history_from_memory_total, _from_kafka_total). What it
 * must keep: the same page Kafka would give (the newest --history records
 * below where the live stream began, with "more" true exactly when older
 * ones exist), each record once, in offset order; pages below what memory
 * holds go to Kafka; 50 clients joining a busy room on two bridges get no
 * hole and nothing twice, every one of those joins from memory; a rejoin
 * with "since" gets exactly the gap from memory. --history-window-bytes
 * bounds what is kept (rooms nobody is in go first); --history-window 0
 * keeps nothing.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('window');
const RECORD = new Set(['message', 'action', 'dm', 'join', 'leave']);
const BRIDGE_ARGS = ['--rate', '1000', '--burst', '1000', '--max-conns-per-ip', '200',
    '--history', '50'];
let A, B;

/* The topic as Kafka has it: id -> [{partition, offset, room, type}]. */
function kafkaIndex() {
	const idx = new Map();
	for (const rec of L.kcatRead(topic)) {
		if (typeof rec.id !== 'string')
			continue;
		if (!idx.has(rec.id))
			idx.set(rec.id, []);
		idx.get(rec.id).push({ partition: rec._partition, offset: rec._offset,
		    id: rec.id, room: rec.room, type: rec.type });
	}
	return idx;
}

/* A room's history records as Kafka has them, in offset order. */
function kafkaRoom(idx, room) {
	return [...idx.values()].flat().filter((r) => r.room === room && RECORD.has(r.type) &&
	    r.type !== 'dm').sort((a, b) => a.offset - b.offset);
}

/* The chat records c received for room: history pages, then live ones. */
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

function noneTwice(recs, who) {
	const n = new Map();
	for (const r of recs)
		n.set(r.id, (n.get(r.id) || 0) + 1);
	L.eq([...n].filter(([, k]) => k > 1), [], `${who}: ids received more than once [id, times]`);
}

function checkOffsets(recs, idx, who) {
	for (const r of recs) {
		const k = idx.get(r.id);
		L.assert(Number.isInteger(r.offset) && k && k.some((x) => x.offset === r.offset),
		    `${who}: record ${r.id} has offset ${r.offset}, Kafka has ${JSON.stringify(k)}`);
	}
}

/* Waits until c has every id of ids in room. */
async function waitIds(c, room, ids, what, ms = 20000) {
	const missing = () => {
		const got = new Set(received(c, room).map((r) => r.id));
		return ids.filter((id) => !got.has(id));
	};
	try {
		await L.until(what, () => missing().length === 0 || c.closed, ms);
	} catch (e) { /* reported below */ }
	const m = missing();
	L.assert(m.length === 0, `${what}: ${m.length} of ${ids.length} never arrived`);
}

async function post(c, user, room, n, tag) {
	for (let i = 0; i < n; i++)
		c.send({ type: 'message', username: user, room, message: `${tag} ${i}`, ref: `${tag}${i}` });
	const ids = [];
	for (let i = 0; i < n; i++)
		ids.push((await c.wait(`ack ${tag}${i}`, (f) => f.type === 'ack' && f.ref === `${tag}${i}`)).id);
	return ids;
}

/* Joins room; resolves to the join's history page. */
async function joinPage(c, room, extra = {}) {
	const ref = 'j-' + room + '-' + Math.random().toString(36).slice(2, 8);
	c.send({ type: 'join', room, ref, ...extra });
	return await c.wait(`the history of ${room}`, (f) => f.type === 'history' && f.ref === ref, 30000);
}

/*
 * A connection whose automatic join of "general" is answered: until then
 * a second connection's join of it may go to Kafka too, both first.
 */
async function openGeneral(url) {
	const c = await L.Client.open(url);
	await c.wait('the history of general', (f) => f.type === 'history' &&
	    f.room === 'general' && f.ref === undefined, 30000);
	return c;
}

async function counters(br) {
	return { memory: await br.metric('kchat_bridge_history_from_memory_total'),
		kafka: await br.metric('kchat_bridge_history_from_kafka_total') };
}

/*
 * page is what Kafka would give below the first record after it: the
 * newest n records of room below that offset, "more" exactly when
 * older ones exist.
 */
function samePageAsKafka(page, idx, room, n, who) {
	const all = kafkaRoom(idx, room);
	const got = page.messages.map((m) => m.offset);
	L.assert(got.length > 0, `${who}: an empty page`);
	const top = got[got.length - 1];
	const want = all.filter((r) => r.offset <= top).slice(-n);
	L.eq(got, want.map((r) => r.offset), `${who}: the page's offsets`);
	L.eq(page.more, all[0].offset < got[0], `${who}: "more" (older records exist)`);
}

L.run([
	['two bridges on one topic, 300 records stored in a room', async () => {
		[A, B] = await Promise.all([L.startBridge({ topic, args: BRIDGE_ARGS }),
		    L.startBridge({ topic, args: BRIDGE_ARGS })]);
		const recs = [], t0 = Date.now() - 600000;
		for (let i = 0; i < 300; i++)
			recs.push({ v: 1, id: L.ulid(t0 + i), type: 'message', room: 'big',
			    user: 'importer', text: `old ${i}`, ts: (t0 + i) * 1000 });
		L.kcatProduceMany(topic, 'big', recs);
		/*
		 * A join's page ends where its bridge's reader is: one that has
		 * not read them yet pages below them and sends them live.
		 */
		for (const br of [A, B])
			await L.until('the 300 records read', async () =>
			    await br.metric('kchat_bridge_records_in_total') >= 300, 30000);
	}],

	['the first join reads Kafka, the next ones memory: the same page', async () => {
		const c0 = await counters(A);
		const c1 = await openGeneral(A.url(undefined, '?ext=1'));
		const p1 = await joinPage(c1, 'big');
		const c2 = await openGeneral(A.url(undefined, '?ext=1'));
		const p2 = await joinPage(c2, 'big');
		const c3 = await openGeneral(A.url(undefined, '?ext=1'));
		const p3 = await joinPage(c3, 'big');
		const d = await counters(A);
		/* Each connection joins "general" too: an empty room, Kafka
		 * once (it says so), memory after. */
		L.eq([d.kafka - c0.kafka, d.memory - c0.memory], [2, 4],
		    'pages from Kafka and from memory [kafka, memory]');
		const idx = kafkaIndex();
		for (const [i, p] of [p1, p2, p3].entries()) {
			L.eq(p.messages.length, 50, `page ${i + 1}: --history records`);
			samePageAsKafka(p, idx, 'big', 50, `join ${i + 1}`);
		}
		L.eq(p3.messages.map((m) => m.id), p1.messages.map((m) => m.id),
		    'nothing new meanwhile: the pages are alike');
		c1.close();
		c3.close();
		/* Paging down from memory's lowest: Kafka's, each record once. */
		let page = p2;
		const pages = [p2];
		for (let k = 0; page.more; k++) {
			L.assert(k < 10, 'at most 10 pages');
			const low = page.messages[0].offset;
			c2.send({ type: 'history', room: 'big', before_offset: low, limit: 50, ref: `p${k}` });
			page = await c2.wait(`page ${k}`, (f) => f.type === 'history' && f.ref === `p${k}`);
			L.eq(page.messages.filter((m) => !(m.offset < low)).length, 0,
			    `page ${k}: below ${low}`);
			pages.push(page);
		}
		const all = [...pages].reverse().flatMap((p) => p.messages.map((m) => m.offset));
		L.eq(all, kafkaRoom(idx, 'big').map((r) => r.offset),
		    'every record of the room once, in offset order');
		const e = await counters(A);
		L.eq(e.kafka - d.kafka, pages.length - 1, 'the pages below memory came from Kafka');
		c2.close();
	}],

	['50 clients joining a busy room: all from memory, no holes, nothing twice', async () => {
		const room = 'busy', N = 50;
		const writer = await openGeneral(A.url('writer', '?ext=1'));
		await joinPage(writer, room, { username: 'writer' });
		/* The room's first join on B too: Kafka once per bridge. */
		const first = await openGeneral(B.url(undefined, '?ext=1'));
		await joinPage(first, room);
		const a0 = await counters(A), b0 = await counters(B);
		const w = L.busyWriter(writer, room), acks = w.acks;
		/*
		 * Client i once both bridges have read the newest acked message
		 * (the writer reads it on A, first on B): a page from memory
		 * holds what its bridge has read, and a loaded bridge may be a
		 * few records behind the acks (those come live, no hole).
		 */
		const [clients, pages] = await L.staggeredJoins(w, N, async (i) => {
			await waitIds(writer, room, [acks[i * 4 + 4]], `ack ${i * 4 + 4} read on A`);
			await waitIds(first, room, [acks[i * 4 + 4]], `ack ${i * 4 + 4} read on B`);
			return (i % 2 ? A : B).url(`busy${i}`, '?ext=1');
		}, (c, i) => joinPage(c, room, { username: `reader${i}` }));
		await w.more(30);
		await w.stop();
		const a1 = await counters(A), b1 = await counters(B);
		console.log(`# ${acks.length} messages posted while ${N} clients joined`);
		L.eq([a1.kafka - a0.kafka, b1.kafka - b0.kafka], [0, 0],
		    'pages read from Kafka for the 50 joins [A, B]');
		L.eq(a1.memory - a0.memory + b1.memory - b0.memory, 2 * N,
		    'pages from memory (each joins "general" too)');
		const last = acks[acks.length - 1];
		for (const [i, c] of clients.entries())
			await waitIds(c, room, [last], `the last message at client ${i}`);
		const idx = kafkaIndex();
		for (const [i, c] of clients.entries()) {
			const recs = received(c, room);
			noneTwice(recs, `client ${i}`);
			checkOffsets(recs, idx, `client ${i}`);
			samePageAsKafka(pages[i], idx, room, 50, `client ${i}'s join`);
			const low = Math.min(...recs.map((r) => r.offset));
			const got = new Set(recs.map((r) => r.id));
			const holes = kafkaRoom(idx, room).filter((r) => r.offset >= low &&
			    !got.has(r.id) && r.offset <= idx.get(last)[0].offset);
			L.eq(holes.map((r) => r.offset), [], `client ${i} (lowest offset ${low}): records missing`);
			const offs = recs.map((r) => r.offset);
			L.eq(offs.every((o, k) => k === 0 || o > offs[k - 1]), true,
			    `client ${i}: offsets increase in reading order`);
		}
		for (const c of [writer, first, ...clients])
			c.close();
	}],

	['a rejoin with since within memory gets exactly the gap from memory', async () => {
		const room = 'blip';
		const poster = await L.Client.open(A.url('poster', '?ext=1'));
		await joinPage(poster, room, { username: 'poster' });
		const c = await L.Client.open(B.url('cee', '?ext=1'));
		await joinPage(c, room, { username: 'cee' });
		/* another client on B: it sees when B has read the gap */
		const watcher = await L.Client.open(B.url(undefined, '?ext=1'));
		await joinPage(watcher, room);
		const before = await post(poster, 'poster', room, 5, 'before');
		await waitIds(c, room, before, 'the first 5 at C');
		const K = Math.max(...received(c, room).map((r) => r.offset));
		c.close();
		await c.waitClose();
		const gap = await post(poster, 'poster', room, 20, 'gap');
		await waitIds(watcher, room, gap, 'the gap at B');
		const b0 = await counters(B);
		const c2 = await L.Client.open(B.url('cee2', '?ext=1'));
		const h = await joinPage(c2, room, { username: 'cee', since: K + 1 });
		const b1 = await counters(B);
		L.eq([b1.kafka - b0.kafka, b1.memory - b0.memory], [0, 2],
		    'the since page and "general"\'s [kafka, memory]');
		const idx = kafkaIndex();
		const top = h.messages[h.messages.length - 1].offset;
		const want = kafkaRoom(idx, room).filter((r) => r.offset > K && r.offset <= top);
		L.eq(h.messages.map((m) => m.offset), want.map((r) => r.offset),
		    `every record of the room after K=${K}, once, in order`);
		L.eq(h.more, false, '"more": nothing older since K');
		L.assert(gap.every((id) => h.messages.some((m) => m.id === id)), 'the 20 posted meanwhile');
		for (const x of [poster, watcher, c2])
			x.close();
	}],

	['--history-window-bytes bounds the memory: rooms without clients go first', async () => {
		/* What general and big take, measured on a bridge without a
		 * bound (a record's size follows the record format); a quarter
		 * more has room for them, not for a third room as big. */
		const P = await L.startBridge({ topic, args: BRIDGE_ARGS });
		const probe = await L.Client.open(P.url(undefined, '?ext=1'));
		await joinPage(probe, 'big');
		const two = await P.metric('kchat_bridge_history_window_bytes');
		probe.close();
		await P.stop();
		const bound = Math.round(two * 1.25);
		console.log(`# general and big take ${two} bytes: bound ${bound}`);
		const C = await L.startBridge({ topic, args: [...BRIDGE_ARGS,
		    '--history-window-bytes', String(bound)] });
		const c = await L.Client.open(C.url(undefined, '?ext=1'));
		await joinPage(c, 'big');
		c.send({ type: 'leave', room: 'big', ref: 'l' });
		await c.wait('left big', (f) => f.type === 'left' && f.ref === 'l');
		await joinPage(c, 'busy');
		L.eq(await C.metric('kchat_bridge_history_window_rooms'), 2,
		    'rooms kept: general and busy (big has nobody: it went)');
		const kept = await C.metric('kchat_bridge_history_window_bytes');
		console.log(`# ${kept} bytes kept`);
		L.assert(kept <= bound, 'within the bound');
		/* A new client's pages: general (it joins it on connecting),
		 * busy, big: [kafka, memory] for each. */
		const c0 = await counters(C);
		const d = await L.Client.open(C.url(undefined, '?ext=1'));
		await d.wait('general\'s page', (f) => f.type === 'history' && f.room === 'general');
		const c1 = await counters(C);
		await joinPage(d, 'busy');
		const c2 = await counters(C);
		const p = await joinPage(d, 'big');
		const c3 = await counters(C);
		L.eq([[c1.kafka - c0.kafka, c1.memory - c0.memory],
		    [c2.kafka - c1.kafka, c2.memory - c1.memory],
		    [c3.kafka - c2.kafka, c3.memory - c2.memory]], [[0, 1], [0, 1], [1, 0]],
		    'general and busy from memory, big again from Kafka');
		samePageAsKafka(p, kafkaIndex(), 'big', 50, 'big again');
		c.close();
		d.close();
		L.eq((await C.stop()).code, 0, 'exit code');
	}],

	['--history-window 0: every page from Kafka', async () => {
		const C = await L.startBridge({ topic, args: [...BRIDGE_ARGS, '--history-window', '0'] });
		const c = await L.Client.open(C.url(undefined, '?ext=1'));
		const p1 = await joinPage(c, 'big');
		const d = await L.Client.open(C.url(undefined, '?ext=1'));
		const p2 = await joinPage(d, 'big');
		const n = await counters(C);
		L.eq([n.kafka, n.memory], [4, 0], 'two joins of general and big [kafka, memory]');
		L.eq(p2.messages.map((m) => m.id), p1.messages.map((m) => m.id), 'the same page');
		c.close();
		d.close();
		L.eq((await C.stop()).code, 0, 'exit code');
	}],

	['both bridges stop cleanly', async () => {
		const [a, b] = await Promise.all([A.stop(), B.stop()]);
		L.eq([a.code, b.code], [0, 0], 'exit codes');
	}],
]);

/*
 * roomstate.js - the state topics through two bridges on one topic
 * (issue 14, items 1 and 2): a room joined for the first time gets its
 * record on <topic>.rooms; /topic set on one bridge reaches the room's
 * connections on the other; "rooms" lists every room of the cluster with
 * user counts and topics; a bridge started later knows rooms and topics
 * from the compacted topic. A "read" marker written by a user's tab on one
 * bridge reaches the user's tab on the other (not another user's), is on
 * <topic>.read keyed user/room, is sent again on join by a bridge started
 * later, never goes backwards, and can only be written for the
 * connection's own name.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('roomstate');
let b1, b2, b3, ann, bob, ann2, carol;
const ext = '?ext=1';
/* ann's tabs are one browser (its token): the same name on every bridge. */
const annq = '?ext=1&token=tokenannroomstate001';

async function joined(c, room, user) {
	c.send({ type: 'join', room, username: user, ref: `j-${room}` });
	return await c.wait(`joined ${room}`, (f) => f.type === 'joined' && f.room === room);
}

L.run([
	['two bridges; ann joins a new room: its record is on the rooms topic', async () => {
		[b1, b2] = await Promise.all([L.startBridge({ topic }), L.startBridge({ topic })]);
		ann = await L.Client.open(b1.url('ann1', annq));
		bob = await L.Client.open(b2.url('bob1', ext));
		await joined(ann, 'dev', 'ann');
		const recs = await L.until('dev on the rooms topic', () =>
		    L.kcatRead(`${topic}.rooms`).filter((r) => r._key === 'dev'));
		/* bob, once bridge 2 can know of it: no second record. */
		bob.send({ type: 'topic', room: 'dev', username: 'bob', ref: 'known' });
		let asked = Date.now();
		await L.until('bridge 2 knows dev', async () => {
			const t = bob.find((f) => f.type === 'topic' && f.ref === 'known');
			if (t && !t.created_by) {
				if (Date.now() - asked < 250)
					return false;	/* ask again, under the rate limit */
				bob.frames.splice(bob.frames.indexOf(t), 1);
				bob.send({ type: 'topic', room: 'dev', ref: 'known' });
				asked = Date.now();
				return false;
			}
			return t;
		});
		await joined(bob, 'dev', 'bob');
		L.eq(recs[0].v, 1, 'version');
		L.eq(recs[0].room, 'dev', 'room');
		L.eq(recs[0].created_by, 'ann', 'made by the first to join');
		L.assert(Math.abs(recs[0].created_ts / 1000 - Date.now()) < 60000, 'created now');
	}],

	['a topic set on one bridge reaches the room on the other', async () => {
		ann.send({ type: 'topic', room: 'dev', text: 'Release on Friday', ref: 't1' });
		const mine = await ann.wait('topic answer', (f) => f.type === 'topic' && f.ref === 't1');
		L.eq(mine.topic, 'Release on Friday', 'set');
		L.eq(mine.by, 'ann', 'by');
		const theirs = await bob.wait('topic on bridge 2', (f) => f.type === 'topic' &&
		    f.topic === 'Release on Friday');
		L.eq(theirs.room, 'dev', 'room');
		L.eq(theirs.by, 'ann', 'by ann');
		L.eq(theirs.created_by, 'ann', 'made by ann');
		/* Asked for without text: the same. */
		bob.send({ type: 'topic', room: 'dev', ref: 'ask' });
		const asked = await bob.wait('topic asked', (f) => f.type === 'topic' && f.ref === 'ask');
		L.eq(asked.topic, 'Release on Friday', 'asked');
		const recs = L.kcatRead(`${topic}.rooms`).filter((r) => r._key === 'dev');
		L.eq(recs[recs.length - 1].topic, 'Release on Friday', 'on the rooms topic');
		/* One line only. */
		ann.send({ type: 'topic', room: 'dev', text: 'two\nlines', ref: 'bad' });
		const e = await ann.wait('refused', (f) => f.type === 'error' && f.ref === 'bad');
		L.eq(e.code, 'text_control', e.message);
		/* At most 300 bytes, and the error says that limit. */
		ann.send({ type: 'topic', room: 'dev', text: 'é'.repeat(150) + 'x', ref: 'long' });
		const e2 = await ann.wait('refused', (f) => f.type === 'error' && f.ref === 'long');
		L.eq(e2.code, 'topic_too_long', e2.error);
		L.assert(/\b300 bytes\b/.test(e2.error) && !/8192/.test(e2.error),
		    `the topic's limit in "${e2.error}"`);
	}],

	['"rooms" lists every room of the cluster with users and topics', async () => {
		/* A room nobody is in now: made by a terminal, say, earlier. */
		L.kcatProduce(`${topic}.rooms`, 'archive', { v: 1, room: 'archive',
		    created_by: 'old', created_ts: (Date.now() - 86400000) * 1000,
		    topic: 'Old stuff', topic_by: 'old', topic_ts: (Date.now() - 86400000) * 1000 });
		const r = await L.until('archive listed', async () => {
			bob.send({ type: 'rooms', ref: 'r' + Date.now() });
			const a = await bob.wait('rooms', (f) => f.type === 'rooms' && !f.seen && (f.seen = 1));
			return a.all.some((x) => x.room === 'archive') ? a : null;
		});
		const byName = Object.fromEntries(r.all.map((x) => [x.room, x]));
		L.eq(byName.archive, { room: 'archive', users: 0, topic: 'Old stuff' }, 'archive');
		L.eq(byName.dev, { room: 'dev', users: 2, topic: 'Release on Friday' }, 'dev');
		L.assert(byName.general && byName.general.users >= 2, JSON.stringify(r.all));
		L.eq(r.all_total, r.all.length, 'all of them');
		L.eq(r.all.map((x) => x.room), r.all.map((x) => x.room).sort(), 'by name');
	}],

	['a read marker from ann\'s tab on bridge 1 reaches her tab on bridge 2, not bob', async () => {
		ann2 = await L.Client.open(b2.url('ann2', annq));
		await joined(ann2, 'dev', 'ann');
		ann.send({ type: 'message', username: 'ann', room: 'dev', message: 'read me', ref: 'm1' });
		const m = await ann.wait('read me', (f) => f.message === 'read me' && f.offset !== undefined);
		ann.send({ type: 'read', room: 'dev', id: m.id, offset: m.offset, ref: 'rd1' });
		const mk = await ann2.wait('marker on bridge 2', (f) => f.type === 'marker' &&
		    f.id === m.id);
		L.eq(mk.room, 'dev', 'room');
		L.eq(mk.offset, m.offset, 'offset');
		const recs = await L.until('marker on the read topic', () =>
		    L.kcatRead(`${topic}.read`).filter((r) => r._key === 'ann/dev'));
		L.eq(recs[recs.length - 1].id, m.id, 'id');
		L.eq(recs[recs.length - 1].user, 'ann', 'user');
		/* bob is told nothing of ann's reading. */
		bob.send({ type: 'ping', ref: 'after-marker' });
		await bob.wait('pong', (f) => f.type === 'pong' && f.ref === 'after-marker');
		L.assert(!bob.find((f) => f.type === 'marker'), 'no marker for bob');
	}],

	['a marker further back changes nothing', async () => {
		const old = L.ulid(Date.now() - 3600000);
		ann.send({ type: 'read', room: 'dev', id: old, offset: 0, ref: 'back' });
		/* Then one further on: the same key, so read in order after it. */
		ann.send({ type: 'message', username: 'ann', room: 'dev', message: 'later', ref: 'm2' });
		const m2 = await ann.wait('later', (f) => f.message === 'later' && f.offset !== undefined);
		ann.send({ type: 'read', room: 'dev', id: m2.id, offset: m2.offset, ref: 'rd2' });
		await ann2.wait('marker of later', (f) => f.type === 'marker' && f.id === m2.id);
		L.assert(!ann2.find((f) => f.type === 'marker' && f.id === old), 'never went back');
		L.assert(!L.kcatRead(`${topic}.read`).some((r) => r.id === old), 'not written');
	}],

	['a marker only for the connection\'s own name', async () => {
		bob.send({ type: 'read', room: 'dev', id: L.ulid(), username: 'ann', ref: 'forge' });
		const e = await bob.wait('refused', (f) => f.type === 'error' && f.ref === 'forge');
		L.eq(e.code, 'username_mismatch', e.message);
		const anon = await L.Client.open(b1.url('anon', ext));
		anon.send({ type: 'read', room: 'general', id: L.ulid(), ref: 'noname' });
		const e2 = await anon.wait('refused', (f) => f.type === 'error' && f.ref === 'noname');
		L.eq(e2.code, 'username_required', e2.message);
		anon.close();
		L.assert(!L.kcatRead(`${topic}.read`).some((r) => r._key !== 'ann/dev'),
		    'nothing else written');
	}],

	['a bridge started later knows topics and markers from the compacted topics', async () => {
		b3 = await L.startBridge({ topic });
		carol = await L.Client.open(b3.url('carol', ext));
		carol.send({ type: 'join', room: 'dev', username: 'carol', ref: 'jc' });
		const t = await carol.wait('topic on join', (f) => f.type === 'topic' && f.room === 'dev');
		L.eq(t.topic, 'Release on Friday', 'topic');
		const ann3 = await L.Client.open(b3.url('ann3', annq));
		await joined(ann3, 'dev', 'ann');
		const m = ann.find((f) => f.message === 'later');
		const mk = await ann3.wait('marker on join', (f) => f.type === 'marker' && f.room === 'dev');
		L.eq(mk.id, m.id, 'the newest read');
		L.assert(!carol.find((f) => f.type === 'marker'), 'none for carol');
		ann3.close();
	}],

	['SIGTERM exits 0', async () => {
		for (const c of [ann, bob, ann2, carol])
			c.close();
		for (const b of [b1, b2, b3])
			L.eq((await b.stop()).code, 0, 'exit');
	}],
]);

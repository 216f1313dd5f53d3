/*
 * search.js - "search": a room's messages whose text holds q, ASCII
 * letters without case, read backwards from the newest over at most
 * 10,000 records of the room (older matches are not found, "more" says
 * so), newest matches when "limit" cuts, each with its offset so that a
 * "history" page below offset + 1 shows it in context; one search per
 * connection at a time (busy), a search costs 5 tokens of the bucket
 * (rate_limited), bad queries are refused (bad_query).
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('search');
const room = 'lib';
const N = 10500;	/* records of room: more than one search reads */
let br;

L.run([
	['a room of 10,500 records, matches old and new, noise elsewhere', async () => {
		const ts = Date.now() - 60000;
		const recs = [];
		for (let i = 0; i < N; i++) {
			let text = `filler ${i}`;
			if (i === 10)
				text = 'the Needle of old';	/* beyond 10,000 from the end */
			else if (i === N - 300)
				text = 'a NEEDLE in the stack';
			else if (i === N - 20)
				text = 'needle again, caf\u00e9';
			recs.push({ v: 1, id: L.ulid(ts + i), type: 'message', room,
			    user: i % 2 ? 'ann' : 'bob', text, ts: (ts + i) * 1000 });
		}
		L.kcatProduceMany(topic, room, recs);
		L.kcatProduceMany(topic, 'elsewhere', [{ v: 1, id: L.ulid(ts), type: 'message',
		    room: 'elsewhere', user: 'cy', text: 'needle elsewhere', ts: ts * 1000 }]);
		br = await L.startBridge({ topic, args: ['--burst', '12', '--rate', '1'] });
	}],

	['matches within the bound, oldest first, with offsets; jump to context', async () => {
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'join', room, ref: 'j' });
		await c.wait('joined', (f) => f.type === 'joined' && f.room === room);
		c.send({ type: 'search', room, q: 'nEEdle', ref: 's1' });
		const s = await c.wait('search results', (f) => f.type === 'search' && f.ref === 's1', 60000);
		L.eq(s.room, room, 'room');
		L.eq(s.q, 'nEEdle', 'q echoed');
		L.eq(s.messages.map((m) => m.message), ['a NEEDLE in the stack', 'needle again, caf\u00e9'],
		    'both recent matches, any case, not the one 10,000 records back');
		L.eq(s.scanned, 10000, 'read 10,000 records of the room');
		L.eq(s.more, true, 'older records left unread');
		L.assert(s.messages.every((m) => m.room === room && Number.isInteger(m.offset)),
		    'each match of this room, with its offset');

		/* Jump to context: the page ending at the match. */
		const hit = s.messages[0];
		c.send({ type: 'history', room, before_offset: hit.offset + 1, limit: 3, ref: 'ctx' });
		const ctx = await c.wait('context', (f) => f.type === 'history' && f.ref === 'ctx');
		L.eq(ctx.messages.map((m) => m.message),
		    [`filler ${N - 302}`, `filler ${N - 301}`, 'a NEEDLE in the stack'],
		    'the match last, after what came before it');
		c.close();
	}],

	['limit keeps the newest; UTF-8 as typed; no match', async () => {
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'search', room, q: 'needle', limit: 1, ref: 's2' });
		const s = await c.wait('one match', (f) => f.type === 'search' && f.ref === 's2', 60000);
		L.eq(s.messages.map((m) => m.message), ['needle again, caf\u00e9'], 'the newest');
		L.eq(s.more, true, 'more: a match was left out');
		c.close();
		const d = await L.Client.open(br.url(undefined, '?ext=1'));
		d.send({ type: 'search', room, q: 'CAF\u00e9', ref: 's3' });
		const u = await d.wait('utf-8', (f) => f.type === 'search' && f.ref === 's3', 60000);
		L.eq(u.messages.map((m) => m.message), ['needle again, caf\u00e9'], 'found as typed');
		d.close();
		const e = await L.Client.open(br.url(undefined, '?ext=1'));
		e.send({ type: 'search', room: 'elsewhere', q: 'stack', ref: 's4' });
		const n = await e.wait('none', (f) => f.type === 'search' && f.ref === 's4', 60000);
		L.eq(n.messages, [], 'no match in another room');
		L.eq(n.more, false, 'the whole room was read');
		L.eq(n.scanned, 1, 'one record there');
		e.close();
	}],

	['one at a time per connection, then the bucket', async () => {
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'search', room, q: 'needle', ref: 'a' });
		c.send({ type: 'search', room, q: 'needle', ref: 'b' });
		const busy = await c.wait('busy', (f) => f.type === 'error' && f.ref === 'b');
		L.eq(busy.code, 'busy', 'second search while the first runs');
		await c.wait('first results', (f) => f.type === 'search' && f.ref === 'a', 60000);
		c.close();
		/* 12 tokens, one a second back: 8 pings leave 4, and the
		 * search's own frame 1 of them, not the 5 more it costs */
		const d = await L.Client.open(br.url(undefined, '?ext=1'));
		for (let i = 0; i < 8; i++)
			d.send({ type: 'ping', ref: `p${i}` });
		d.send({ type: 'search', room, q: 'needle', ref: 'c' });
		const rl = await d.wait('rate limited', (f) => f.type === 'error' && f.ref === 'c');
		L.eq(rl.code, 'rate_limited', 'a search costs 5 tokens');
		L.eq(d.frames.filter((f) => f.type === 'pong').length, 8, 'the pings were answered');
		d.close();
	}],

	['a deleted message is not found again; an edited one as it reads now; only its writer\'s count', async () => {
		const ts = Date.now();
		const secret = L.ulid(ts), plan = L.ulid(ts + 1), keep = L.ulid(ts + 2);
		L.kcatProduceMany(topic, room, [
			{ v: 1, id: secret, type: 'message', room, user: 'ann',
			    text: 'zqx my password is hunter2', ts: ts * 1000 },
			{ v: 1, id: plan, type: 'message', room, user: 'ann',
			    text: 'zqx the plan is old', ts: (ts + 1) * 1000 },
			{ v: 1, id: keep, type: 'message', room, user: 'bob',
			    text: 'zqx keep this', ts: (ts + 2) * 1000 },
			{ v: 1, id: L.ulid(ts + 3), type: 'delete', room, user: 'ann',
			    re: secret, ts: (ts + 3) * 1000 },
			{ v: 1, id: L.ulid(ts + 4), type: 'edit', room, user: 'ann',
			    re: plan, text: 'zqx the plan is new', ts: (ts + 4) * 1000 },
			{ v: 1, id: L.ulid(ts + 5), type: 'delete', room, user: 'cy',
			    re: keep, ts: (ts + 5) * 1000 },
		]);
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'join', room, ref: 'jz' });
		await c.wait('joined', (f) => f.type === 'joined' && f.ref === 'jz');
		await c.wait('the last of them', (f) => f.type === 'delete' && f.re === keep ||
		    (f.type === 'history' && (f.messages || []).some((m) => m.re === keep)));
		c.send({ type: 'search', room, q: 'zqx', ref: 'z' });
		const s = await c.wait('search results', (f) => f.type === 'search' && f.ref === 'z', 60000);
		L.eq(s.messages.map((m) => m.message), ['zqx the plan is new', 'zqx keep this'],
		    'no deleted text; the edit\'s text; a delete by another is nothing');
		c.close();
	}],

	['bad queries', async () => {
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'search', room, ref: 'q0' });
		L.eq((await c.wait('no q', (f) => f.type === 'error' && f.ref === 'q0')).code,
		    'bad_query', 'q missing');
		c.send({ type: 'search', room, q: '', ref: 'q1' });
		L.eq((await c.wait('empty q', (f) => f.type === 'error' && f.ref === 'q1')).code,
		    'bad_query', 'q empty');
		c.send({ type: 'search', room, q: 'x'.repeat(257), ref: 'q2' });
		L.eq((await c.wait('long q', (f) => f.type === 'error' && f.ref === 'q2')).code,
		    'bad_query', 'q of 257 bytes');
		c.send({ type: 'search', room: 'no room', q: 'x', ref: 'q3' });
		L.eq((await c.wait('bad room', (f) => f.type === 'error' && f.ref === 'q3')).code,
		    'room_char', 'a bad room name');
		L.assert(!c.find((f) => f.type === 'search'), 'no results for any');
		c.close();
		L.eq((await br.stop()).code, 0, 'bridge exit');
	}],
]);

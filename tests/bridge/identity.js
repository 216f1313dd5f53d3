/*
 * identity.js - names and presence per client instance (issue 10, items 1
 * and 2): a name a live client holds is refused to anyone else, on this
 * bridge and on another; the same browser (its token) is not someone else;
 * another instance's leave never takes a user out of presence.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('identity');
let a, b, alice;

/* Connects with a token (the browser's, from localStorage) and a name. */
async function bind(br, token, name, ref) {
	const c = await L.Client.open(br.url(undefined, `?ext=1&token=${token}`));
	c.send({ type: 'join', room: 'general', username: name, ref });
	return c;
}

async function who(c, ref, room = 'general') {
	c.send({ type: 'who', room, ref });
	return (await c.wait(`presence ${ref}`, (f) => f.type === 'presence' &&
	    f.room === room && !c.seen.has(f) && c.seen.add(f))).users;
}

L.run([
	['two bridges on one topic', async () => {
		a = await L.startBridge({ topic });
		b = await L.startBridge({ topic });
	}],

	['a name in use on this bridge is refused with name_in_use', async () => {
		alice = await bind(a, 'tokenalice000000001', 'alice', 'j1');
		await alice.wait('joined', (f) => f.type === 'joined' && f.ref === 'j1');
		const imp = await bind(a, 'tokenmallory0000001', 'alice', 'j2');
		const e = await imp.wait('name_in_use', (f) => f.type === 'error' &&
		    f.code === 'name_in_use');
		L.eq(e.ref, 'j2', 'ref');
		L.assert(/alice is in use/.test(e.error), e.error);
		/* Nothing was said as alice: a message is refused too. */
		imp.send({ username: 'alice', message: 'I am alice', room: 'general' });
		await imp.wait('second refusal', (f) => f.type === 'error' &&
		    f.code === 'name_in_use' && f !== e);
		imp.close();
	}],

	['so is a name that would pass for hers: another case, a capital I or a 1 for her l', async () => {
		for (const [name, ref] of [['Alice', 'c1'], ['ALICE', 'c2'],
		    ['aIice', 'c4'], ['a1ice', 'c5'], ['al_ice', 'c6']]) {
			const imp = await bind(a, 'tokenmallory000000' + ref, name, ref);
			const e = await imp.wait('name_in_use', (f) => f.type === 'error' &&
			    f.ref === ref);
			L.eq(e.code, 'name_in_use', e.error);
			L.assert(new RegExp(`^${name} \\(too like alice\\b`).test(e.error), e.error);
			imp.close();
		}
		/* A name that is not hers is free. */
		const other = await bind(a, 'tokenalicia00000001', 'Alicia', 'c3');
		await other.wait('joined', (f) => f.type === 'joined' && f.ref === 'c3');
		other.close();
	}],

	['and on another bridge, once it has heard of her', async () => {
		const watch = await bind(b, 'tokenwatcher0000001', 'watcher', 'w');
		watch.seen = new Set();
		await L.until('bridge b sees alice', async () =>
		    (await who(watch, 'w' + Math.random())).includes('alice'));
		const imp = await bind(b, 'tokenmallory0000002', 'alice', 'j3');
		await imp.wait('name_in_use', (f) => f.type === 'error' &&
		    f.code === 'name_in_use' && f.ref === 'j3');
		imp.close();
		const imp2 = await bind(b, 'tokenmallory0000003', 'aLIce', 'j3b');
		const e = await imp2.wait('name_in_use', (f) => f.type === 'error' &&
		    f.ref === 'j3b');
		L.eq(e.code, 'name_in_use', e.error);
		L.assert(/too like alice\b/.test(e.error), e.error);
		imp2.close();
		watch.close();
	}],

	['the same browser (its token) keeps its name, on either bridge', async () => {
		const tab = await bind(b, 'tokenalice000000001', 'alice', 'j4');
		await tab.wait('joined', (f) => f.type === 'joined' && f.ref === 'j4');
		L.assert(!tab.frames.some((f) => f.type === 'error'),
		    JSON.stringify(tab.frames.filter((f) => f.type === 'error')));
		tab.close();
		/* Its leave on b is answered by a, where alice still is. */
		const w = await bind(b, 'tokenwatcher0000003', 'watcher3', 'w3');
		w.seen = new Set();
		await L.until('alice back in /who on bridge b', async () =>
		    (await who(w, 'w3' + Math.random())).includes('alice'));
		w.close();
	}],

	['a name whose holder is heard of only after it was bound goes back to the holder', async () => {
		const yan = await bind(a, 'tokenyan00000000001', 'yan', 'y1');
		await yan.wait('yan joined', (f) => f.type === 'joined' && f.ref === 'y1');
		const zoe = await bind(a, 'tokenzoe00000000001', 'zoe', 'z1');
		await zoe.wait('zoe joined', (f) => f.type === 'joined' && f.ref === 'z1');
		/* zoe's holder was online from 2 s before she was bound (a
		 * terminal whose records were on their way); yan's came after. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'join',
		    room: 'general', user: 'zoe', ts: (Date.now() - 2000) * 1000,
		    via: 'tui', inst: 'zoeterminal01' });
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'join',
		    room: 'general', user: 'yan', ts: Date.now() * 1000,
		    via: 'tui', inst: 'yanterminal01' });
		const e = await zoe.wait('zoe told', (f) => f.type === 'error' &&
		    f.code === 'name_in_use');
		L.assert(/^zoe is in use by someone else who is online/.test(e.error), e.error);
		const closed = await zoe.waitClose();
		L.eq(closed.code, 1008, 'closed as a refused name');
		/* yan was looked at first (bound first): he keeps his name. */
		L.assert(!yan.frames.some((f) => f.type === 'error'),
		    JSON.stringify(yan.frames.filter((f) => f.type === 'error')));
		L.eq(yan.closed, null, 'yan still connected');
		yan.close();
	}],

	["another user's message's id is refused to a client; a record reusing it is another message", async () => {
		const al = await bind(a, 'tokenal0000000000001', 'al', 'al1');
		await al.wait('al joined', (f) => f.type === 'joined' && f.ref === 'al1');
		const mal = await bind(a, 'tokenmal000000000001', 'mal', 'mal1');
		await mal.wait('mal joined', (f) => f.type === 'joined' && f.ref === 'mal1');
		al.send({ type: 'message', room: 'general', username: 'al',
		    message: 'Can I deploy release 42 now?', ref: 'q' });
		const ack = await al.wait('ack', (f) => f.type === 'ack' && f.ref === 'q');
		await mal.wait("al's question", (f) => f.message === 'Can I deploy release 42 now?');
		/* Posting under it would let readers take one for the other. */
		mal.send({ type: 'message', room: 'general', username: 'mal', id: ack.id,
		    message: 'CLONE: can I drop the prod DB?', ref: 'c' });
		const e = await mal.wait('refused', (f) => f.type === 'error' && f.ref === 'c');
		L.eq(e.code, 'bad_id', e.error);
		/* Its writer may send it again (a retry): the same record. */
		al.send({ type: 'message', room: 'general', username: 'al', id: ack.id,
		    message: 'Can I deploy release 42 now?', ref: 'q2' });
		await al.wait('retry acked', (f) => f.type === 'ack' && f.ref === 'q2');
		/* A native writer can still write one (kcat): it is relayed as the
		 * other message it is, not dropped as a copy of al's. */
		L.kcatProduce(topic, 'general', { v: 1, id: ack.id, type: 'message',
		    room: 'general', user: 'mal', text: 'CLONE by kcat',
		    ts: Date.now() * 1000, via: 'kcat' });
		await al.wait('the clone, as mal\'s', (f) => f.message === 'CLONE by kcat' &&
		    f.username === 'mal');
		L.eq(al.frames.filter((f) => f.message === 'Can I deploy release 42 now?').length,
		    1, 'al\'s question once');
		/* Nor may a leave say a rename that did not happen: terminals
		 * follow one with their direct conversations. */
		mal.send({ type: 'leave', room: 'general', message: 'is now known as al',
		    ref: 'ren' });
		const e2 = await mal.wait('rename refused', (f) => f.type === 'error' &&
		    f.ref === 'ren');
		L.eq(e2.code, 'rename_text', e2.error);
		al.close();
		mal.close();
	}],

	["another instance's leave does not take alice out of presence", async () => {
		/* Any Kafka writer can say "alice left" under another instance. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'leave',
		    room: 'general', user: 'alice', ts: Date.now() * 1000,
		    via: 'kcat', inst: 'someoneelse' });
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'message',
		    room: 'general', user: 'marker', text: 'after the leave',
		    ts: Date.now() * 1000, via: 'kcat' });
		await alice.wait('the leave and the marker read', (f) =>
		    f.username === 'marker');
		for (const br of [a, b]) {
			const w = await bind(br, 'tokenwho' + (br === a ? 'a' : 'b') + '00000000001',
			    'w' + (br === a ? 'a' : 'b'), 'x');
			w.seen = new Set();
			await w.wait('joined', (f) => f.type === 'joined');
			/* Once this bridge has read past the forged leave. */
			await w.wait('the marker', (f) => f.username === 'marker' ||
			    (f.type === 'history' && f.messages.some((m) => m.username === 'marker')));
			L.assert((await who(w, 'after')).includes('alice'),
			    'alice gone from /who on bridge ' + (br === a ? 'a' : 'b'));
			w.close();
		}
	}],

	['when she closes, the name is free at once', async () => {
		alice.close();
		await alice.closedP;
		const next = await bind(a, 'tokennewalice000001', 'alice', 'j5');
		await next.wait('joined', (f) => f.type === 'joined' && f.ref === 'j5');
		L.assert(!next.frames.some((f) => f.type === 'error'),
		    JSON.stringify(next.frames.filter((f) => f.type === 'error')));
		next.close();
	}],
]);

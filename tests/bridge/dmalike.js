/*
 * dmalike.js - a direct message to a name nobody online has, alike to the
 * name of someone who is ("Dave" while dave is: kc_alike()), is refused
 * with dm_name_alike saying whom they may mean; delivery is by the exact
 * name, so it would reach nobody now and wait for whoever takes "Dave".
 * To the exact name, or to a name like nobody's online, it goes as before.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('dmalike');
let a, b, carol, dave;

async function bind(br, token, name) {
	const c = await L.Client.open(br.url(undefined, `?ext=1&token=${token}`));
	c.send({ type: 'join', room: 'general', username: name, ref: 'j' });
	await c.wait(`${name} joined`, (f) => f.type === 'joined' && f.ref === 'j');
	c.name = name;
	return c;
}

/* c sends a direct message to to; resolves to the ack or the error. */
async function dm(c, to, text) {
	const ref = 'r' + Math.random().toString(36).slice(2, 10);
	c.send({ type: 'dm', username: c.name, to, message: text, ref });
	return await c.wait(`answer to ${ref}`, (f) => f.ref === ref &&
	    (f.type === 'ack' || f.type === 'error'));
}

L.run([
	['two bridges; carol on a, dave on b', async () => {
		a = await L.startBridge({ topic });
		b = await L.startBridge({ topic });
		carol = await bind(a, 'tokencarol00000001', 'carol');
		dave = await bind(b, 'tokendave000000001', 'dave');
		await carol.wait('bridge a has heard of dave', (f) =>
		    f.type === 'presence' && f.users.includes('dave'));
	}],

	['a dm to "Dave" while dave is online is refused, saying whom', async () => {
		for (const to of ['Dave', 'DAVE', 'dAve']) {
			const f = await dm(carol, to, 'hello ' + to);
			L.eq([f.type, f.code], ['error', 'dm_name_alike'], JSON.stringify(f));
			L.eq(f.error, `nobody online is called ${to}; dave is: write to dave`,
			    'the explanation');
		}
		/* To his own name it goes. */
		const ok = await dm(carol, 'dave', 'hello dave');
		L.eq(ok.type, 'ack', JSON.stringify(ok));
		await dave.wait('the one to him', (f) => f.id === ok.id);
	}],

	['the same from a terminal\'s name, and from this bridge', async () => {
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'join',
		    room: 'general', user: 'rnary', ts: Date.now() * 1000,
		    via: 'tui', inst: 'maryterminal01' });
		await carol.wait('bridge a has heard of rnary', (f) =>
		    f.type === 'presence' && f.users.includes('rnary'));
		const f = await dm(carol, 'mary', 'hi mary');
		L.eq(f.error, 'nobody online is called mary; rnary is: write to rnary', 'error');
		const g = await dm(dave, 'Carol', 'hi Carol');
		L.eq([g.code, g.error], ['dm_name_alike',
		    'nobody online is called Carol; carol is: write to carol'], 'on b');
	}],

	['to a name like nobody\'s online it is stored as before', async () => {
		const f = await dm(carol, 'ghost', 'are you there?');
		L.eq(f.type, 'ack', JSON.stringify(f));
	}],
]);

/*
 * dms.js - direct messages to someone who is not connected reach them when
 * they come back (issue 13, item 4): binding a name brings the stored ones
 * of the last 7 days in one "dms" frame, to that user only; a reconnect
 * that names the ones it has (?dm=ID,...) does not get those again.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('dms');
let br, bob;
const ids = {};

/*
 * Bob sends a direct message; resolves to its id once the bridge has read
 * it back from Kafka (bob gets his own), so that a bind after it finds it
 * stored, not on its way.
 */
async function bobSends(to, text, ref) {
	bob.send({ type: 'dm', username: 'bob', to, message: text, ref });
	const ack = await bob.wait(`ack ${ref}`, (f) => f.type === 'ack' && f.ref === ref);
	await bob.wait(`${ref} read back`, (f) => f.type === 'dm' && f.id === ack.id);
	return ack.id;
}

/*
 * Connects as name (query q) from the browser of that name (its token:
 * the stored direct messages of a name are its holder's, dmholder.js)
 * and names the connection with a ping.
 */
async function come(name, q = '') {
	const c = await L.Client.open(br.url(undefined,
	    `?ext=1&token=browserof${name}00000` + q));
	c.send({ type: 'ping', username: name, ref: 'hi' });
	await c.wait('pong', (f) => f.type === 'pong' && f.ref === 'hi');
	return c;
}

/* Every record with id that c got, in "dms" frames and live. */
function copies(c, id) {
	let n = 0;
	for (const f of c.frames) {
		if (f.type === 'dms')
			n += f.messages.filter((m) => m.id === id).length;
		else if (f.id === id)
			n++;
	}
	return n;
}

L.run([
	['a bridge; bob online, alice and carol not', async () => {
		br = await L.startBridge({ topic });
		bob = await come('bob');
	}],

	['bob writes to alice and carol while they are away', async () => {
		ids.first = await bobSends('alice', 'are you there, alice?', 'd1');
		ids.carol = await bobSends('carol', 'carol only', 'd2');
	}],

	['alice connects and gets it, once, as a stored direct message', async () => {
		const alice = await come('alice');
		const f = await alice.wait('dms frame', (x) => x.type === 'dms');
		L.eq(f.messages.map((m) => [m.id, m.type, m.username, m.to, m.message]),
		    [[ids.first, 'dm', 'bob', 'alice', 'are you there, alice?']], 'stored dms');
		L.eq(f.more, false, 'more');
		/* Live from the bind on: the next one comes once, live. */
		ids.live = await bobSends('alice', 'welcome back', 'd3');
		await alice.wait('live dm', (x) => x.id === ids.live);
		L.eq(copies(alice, ids.first), 1, 'copies of the stored one');
		L.eq(copies(alice, ids.live), 1, 'copies of the live one');
		L.eq(alice.frames.filter((x) => x.type === 'dms').length, 1, 'dms frames');
		alice.close();
		await alice.waitClose();
	}],

	['carol gets hers, not alice\'s', async () => {
		const carol = await come('carol');
		const f = await carol.wait('dms frame', (x) => x.type === 'dms');
		L.eq(f.messages.map((m) => m.id), [ids.carol], 'carol\'s stored dms');
		carol.close();
	}],

	['alice reconnects naming what she has: only the new one comes', async () => {
		ids.second = await bobSends('alice', 'one more while you were out', 'd4');
		const alice = await come('alice', `&dm=${ids.live},${ids.first}`);
		const f = await alice.wait('dms frame', (x) => x.type === 'dms');
		L.eq(f.messages.map((m) => m.id), [ids.second], 'stored dms after a reconnect');
		L.eq(copies(alice, ids.first), 0, 'the first one again');
		L.eq(copies(alice, ids.live), 0, 'the live one again');
		alice.close();
		await alice.waitClose();
	}],

	['a client that asked for no additions gets them as records marked history', async () => {
		const plain = await L.Client.open(br.url(undefined,
		    '?token=browserofalice00000'));
		plain.send({ username: 'alice', message: 'hello all', room: 'general' });
		const got = await plain.wait('stored dm', (x) => x.id === ids.second);
		L.eq([got.type, got.history], ['dm', true], 'type and history mark');
		L.assert(!plain.find((x) => x.type === 'dms'), 'no dms frame to a plain client');
		plain.close();
	}],
]);

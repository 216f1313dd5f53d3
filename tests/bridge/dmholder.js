/*
 * dmholder.js - in open mode (no --users) the direct messages stored for a
 * name are its holder's: whoever binds a name another client instance held
 * before gets none that were written while that one held it, to it or
 * from it; what was written while nobody held it comes, and a returning
 * holder (the same browser token) gets what came while it was away.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('dmholder');
let br, bob, carol;
const ids = {};

/* Connects with a browser token and binds name. */
async function bind(token, name) {
	const c = await L.Client.open(br.url(undefined, `?ext=1&token=${token}`));
	c.send({ type: 'join', room: 'general', username: name, ref: 'j' });
	await c.wait(`${name} joined`, (f) => f.type === 'joined' && f.ref === 'j');
	c.name = name;
	return c;
}

/* from sends a direct message; resolves to its id once read back. */
async function dm(from, to, text) {
	const ref = 'r' + Math.random().toString(36).slice(2, 10);
	from.send({ type: 'dm', username: from.name, to, message: text, ref });
	const ack = await from.wait(`ack ${ref}`, (f) => f.type === 'ack' && f.ref === ref);
	await from.wait(`${ref} read back`, (f) => f.type === 'dm' && f.id === ack.id);
	return ack.id;
}

/* Until watcher's bridge has read that name left (its presence says so). */
async function gone(watcher, name) {
	await L.until(`${name} gone from presence`, async () => {
		const ref = 'w' + Math.random().toString(36).slice(2, 10);
		watcher.send({ type: 'who', room: 'general', ref });
		const f = await watcher.wait('presence', (x) => x.type === 'presence' &&
		    x.room === 'general' && !watcher.seen.has(x) && watcher.seen.add(x));
		return !f.users.includes(name);
	});
}

/* The texts of the stored direct messages c got, in its "dms" frame. */
async function stored(c) {
	const f = await c.wait('dms frame', (x) => x.type === 'dms');
	return f.messages.map((m) => m.message);
}

L.run([
	['a bridge; alice, bob and carol online', async () => {
		br = await L.startBridge({ topic });
		bob = await bind('tokenbob0000000001', 'bob');
		bob.seen = new Set();
		carol = await bind('tokencarol00000001', 'carol');
	}],

	['alice writes to bob and carol to alice, then alice goes', async () => {
		const alice = await bind('tokenalice00000001', 'alice');
		ids.a1 = await dm(alice, 'bob', 'dm alice->bob 1');
		ids.c1 = await dm(carol, 'alice', 'hello alice from carol');
		await alice.wait('carol\'s', (f) => f.id === ids.c1);
		alice.close();
		await alice.waitClose();
		await gone(bob, 'alice');
	}],

	['written while nobody holds the name: goes to whoever takes it next', async () => {
		ids.free = await dm(bob, 'alice', 'while nobody is alice');
	}],

	['mallory binds the free name alice: none of alice\'s direct messages', async () => {
		const mallory = await bind('tokenmallory000001', 'alice');
		L.eq(await stored(mallory), ['while nobody is alice'], 'mallory\'s stored dms');
		ids.m1 = await dm(carol, 'alice', 'carol to mallory-as-alice');
		await mallory.wait('carol\'s, live', (f) => f.id === ids.m1);
		mallory.close();
		await mallory.waitClose();
		await gone(bob, 'alice');
	}],

	['alice comes back (her token): what came since mallory, not mallory\'s', async () => {
		ids.back = await dm(bob, 'alice', 'welcome back alice');
		const alice = await bind('tokenalice00000001', 'alice');
		L.eq(await stored(alice), ['welcome back alice'], 'alice\'s stored dms');
		alice.close();
	}],

	['a terminal renames itself: who takes its old name gets none of it', async () => {
		const t0 = Date.now() * 1000;
		const rec = (type, extra) => Object.assign({ v: 1, id: L.ulid(), type,
		    room: 'general', user: 'dave', via: 'tui', inst: 'daveterminal01' }, extra);
		L.kcatProduce(topic, 'general', rec('join', { ts: t0 }));
		ids.d1 = await dm(bob, 'dave', 'dm bob->dave, the terminal');
		L.kcatProduce(topic, 'general', rec('dm', { ts: Date.now() * 1000,
		    to: 'bob', text: 'dm dave->bob, the terminal' }));
		await bob.wait('dave\'s', (f) => f.message === 'dm dave->bob, the terminal');
		L.kcatProduce(topic, 'general', rec('leave', { ts: Date.now() * 1000,
		    text: 'is now known as davey' }));
		await gone(bob, 'dave');
		await dm(bob, 'dave', 'to dave after the rename');
		const web = await bind('tokenwebdave000001', 'dave');
		L.eq(await stored(web), ['to dave after the rename'], 'the new dave\'s stored dms');
		web.close();
	}],

	['a holder whose client ended without a leave still holds what came to it', async () => {
		/* A terminal that crashed: its join, no leave, gone from presence
		 * 45 s later. What came after its join was its. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'join',
		    room: 'general', user: 'erin', ts: Date.now() * 1000 - 60e6,
		    via: 'tui', inst: 'erinterminal01' });
		ids.e1 = await dm(bob, 'erin', 'dm bob->erin, the terminal');
		/* Her join is a minute old: presence has not kept her. */
		const web = await bind('tokenweberin000001', 'erin');
		await L.until('the bridge says it left one out', () =>
		    /direct messages of erin \(.*\): 1 written while another client/
		    .test(br.logText()));
		/* A "dms" frame would have been queued before the log line. */
		web.send({ type: 'ping', ref: 'after' });
		await web.wait('pong', (f) => f.type === 'pong' && f.ref === 'after');
		L.assert(!web.find((f) => f.type === 'dms'),
		    JSON.stringify(web.find((f) => f.type === 'dms')));
		web.close();
	}],
]);

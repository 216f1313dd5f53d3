/*
 * edits.js - edits, deletes and replies through the bridge (issue 14,
 * item 3): "edit" and "delete" requests become records naming the id they
 * change ("re"), relayed to the room with it; "reply" travels on a post;
 * a room's history carries them. An edit is always in the name of the
 * connection that sent it, so another user cannot pass one off as the
 * author's (deciding that it does not count is the clients' job, kchat.7).
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('edits');
let br, alice, bob;
const ids = {};

/* Connects as name and joins general. */
async function come(name) {
	const c = await L.Client.open(br.url(undefined, '?ext=1'));
	c.send({ type: 'join', room: 'general', username: name, ref: 'j' });
	await c.wait('joined', (f) => f.type === 'joined' && f.room === 'general');
	return c;
}

/* c sends req with ref; resolves to the id Kafka acknowledged. */
async function acked(c, req, ref) {
	c.send(Object.assign({ ref }, req));
	const a = await c.wait(`ack ${ref}`, (f) => f.ref === ref &&
	    (f.type === 'ack' || f.type === 'error'));
	L.eq(a.type, 'ack', `${ref} acknowledged (${JSON.stringify(a)})`);
	return a.id;
}

L.run([
	['a bridge; alice and bob in general', async () => {
		br = await L.startBridge({ topic });
		alice = await come('alice');
		bob = await come('bob');
		ids.orig = await acked(alice, { username: 'alice', room: 'general',
		    message: 'teh original' }, 'm1');
		await bob.wait('the original', (f) => f.id === ids.orig);
	}],

	['alice edits her line: bob gets the edit naming it', async () => {
		ids.edit = await acked(alice, { type: 'edit', re: ids.orig,
		    message: 'the original' }, 'e1');
		const f = await bob.wait('edit', (x) => x.id === ids.edit);
		L.eq([f.type, f.re, f.username, f.message, f.room],
		    ['edit', ids.orig, 'alice', 'the original', 'general'], 'edit frame');
	}],

	['bob replies to it: the reply names its parent', async () => {
		ids.reply = await acked(bob, { username: 'bob', message: 'agreed',
		    reply: ids.orig }, 'r1');
		const f = await alice.wait('reply', (x) => x.id === ids.reply);
		L.eq([f.type, f.reply, f.username], ['message', ids.orig, 'bob'], 'reply frame');
		L.assert(!('re' in f), 'no re on a reply');
	}],

	['bob cannot edit in alice\'s name; his own attempt is his', async () => {
		bob.send({ type: 'edit', username: 'alice', re: ids.orig,
		    message: 'forged', ref: 'f1' });
		const e = await bob.wait('refusal', (x) => x.ref === 'f1');
		L.eq([e.type, e.code], ['error', 'username_mismatch'], 'named alice');
		/* Without a name it is bob's record: readers see it is not alice's. */
		ids.forged = await acked(bob, { type: 'edit', re: ids.orig,
		    message: 'forged' }, 'f2');
		const f = await alice.wait('bob\'s edit', (x) => x.id === ids.forged);
		L.eq([f.type, f.username, f.re], ['edit', 'bob', ids.orig], 'forged edit is bob\'s');
	}],

	['what is refused: no target, a bad one, a room not joined', async () => {
		alice.send({ type: 'delete', ref: 'x1' });
		L.eq((await alice.wait('x1', (x) => x.ref === 'x1')).code, 'json_missing', 'no re');
		alice.send({ type: 'edit', re: 'nope', message: 'x', ref: 'x2' });
		L.eq((await alice.wait('x2', (x) => x.ref === 'x2')).code, 're', 'bad re');
		alice.send({ type: 'delete', re: ids.orig, room: 'elsewhere', ref: 'x3' });
		L.eq((await alice.wait('x3', (x) => x.ref === 'x3')).code, 'not_in_room', 'not joined');
		alice.send({ type: 'message', message: 'x', re: ids.orig, ref: 'x4' });
		L.eq((await alice.wait('x4', (x) => x.ref === 'x4')).code, 're', 're on a message');
	}],

	['alice deletes it: everyone in the room hears', async () => {
		ids.del = await acked(alice, { type: 'delete', re: ids.orig }, 'd1');
		const f = await bob.wait('delete', (x) => x.id === ids.del);
		L.eq([f.type, f.re, f.username, f.message], ['delete', ids.orig, 'alice', ''],
		    'delete frame');
	}],

	['a newcomer\'s history holds them in order, after the original', async () => {
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'join', room: 'general', ref: 'j' });
		const h = await c.wait('history', (f) => f.type === 'history' && f.room === 'general');
		const mine = h.messages.filter((m) => m.type !== 'join' && m.type !== 'leave');
		L.eq(mine.map((m) => [m.id, m.type, m.re || m.reply || null]), [
			[ids.orig, 'message', null], [ids.edit, 'edit', ids.orig],
			[ids.reply, 'message', ids.orig], [ids.forged, 'edit', ids.orig],
			[ids.del, 'delete', ids.orig]], 'history');
		c.close();
	}],

	['and they are on Kafka as kchat.7 says, for any reader', async () => {
		const recs = L.kcatRead(topic).filter((r) => r.type === 'edit' || r.type === 'delete' ||
		    r.reply !== undefined);
		L.eq(recs.map((r) => [r.type, r.user, r.re, r.reply, r._key]), [
			['edit', 'alice', ids.orig, undefined, 'general'],
			['message', 'bob', undefined, ids.orig, 'general'],
			['edit', 'bob', ids.orig, undefined, 'general'],
			['delete', 'alice', ids.orig, undefined, 'general']], 'records');
		L.assert(!('text' in recs[3]), 'a delete has no text');
	}],
]);

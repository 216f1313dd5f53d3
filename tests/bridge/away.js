/*
 * away.js - a browser sets itself away ({"type":"away","message":...}) and
 * back (an empty message): the heartbeat it sends at once marks it away in
 * every client's list of people (the presence frame's "away"), and its
 * joins carry it; a message of several lines, or a longer one than the
 * record allows, is refused with the reason.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('away');

L.run([
	['ann goes away and comes back; bob sees both', async () => {
		const b = await L.startBridge({ topic });
		const ann = await L.Client.open(b.url(undefined, '?ext=1'));
		const bob = await L.Client.open(b.url(undefined, '?ext=1'));
		ann.send({ type: 'join', room: 'den', username: 'ann', ref: 'ja' });
		bob.send({ type: 'join', room: 'den', username: 'bob', ref: 'jb' });
		const here = (f) => f.type === 'presence' && f.room === 'den' &&
		    f.users.includes('ann') && f.users.includes('bob');
		await bob.wait('both in den', here);
		ann.send({ type: 'away', message: 'at lunch' });
		await bob.wait('ann away', (f) => here(f) && Array.isArray(f.away) &&
		    f.away.includes('ann'));
		const from = bob.frames.length;
		ann.send({ type: 'away', message: '' });
		await bob.wait('ann back', (f) => bob.frames.indexOf(f) >= from && here(f) &&
		    !(f.away || []).includes('ann'));
		/* Away, then a room joined: its join says so too. */
		ann.send({ type: 'away', message: 'in a meeting' });
		await bob.wait('ann away again', (f) => here(f) && (f.away || []).includes('ann'));
		ann.send({ type: 'join', room: 'lab', ref: 'jl' });
		bob.send({ type: 'join', room: 'lab', ref: 'jl' });
		await bob.wait('ann away in lab', (f) => f.type === 'presence' && f.room === 'lab' &&
		    f.users.includes('ann') && (f.away || []).includes('ann'));
		ann.send({ type: 'away', message: 'two\nlines', ref: 'bad1' });
		const e1 = await ann.wait('refused', (f) => f.type === 'error' && f.ref === 'bad1');
		L.eq(e1.code, 'text_control', 'several lines');
		ann.send({ type: 'away', message: 'x'.repeat(161), ref: 'bad2' });
		const e2 = await ann.wait('refused', (f) => f.type === 'error' && f.ref === 'bad2');
		L.eq(e2.code, 'away_too_long', 'too long');
		L.assert(/\b160 bytes\b/.test(e2.error) && !/8192/.test(e2.error),
		    `the away message's limit in "${e2.error}"`);
		const anon = await L.Client.open(b.url(undefined, '?ext=1'));
		anon.send({ type: 'away', message: 'who am I', ref: 'bad3' });
		const e3 = await anon.wait('refused', (f) => f.type === 'error' && f.ref === 'bad3');
		L.eq(e3.code, 'username_required', 'no name yet');
		await b.stop();
	}],
]);

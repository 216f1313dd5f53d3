/*
 * rooms.js - a "rooms" answer lists at most 100 active rooms (by name, with
 * their user counts, and how many there are in all), and many rooms
 * requests at once over about a thousand rooms do not stall the bridge.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('rooms');
const NC = 31, NR = 31;		/* 31 connections in 32 rooms each (general too) */
let br;
const cs = [];

L.run([
	[`${NC} users in ${NR + 1} rooms each`, async () => {
		br = await L.startBridge({ topic, args: ['--history', '0', '--rate', '1000',
		    '--burst', '1000', '--max-conns-per-ip', '64'] });
		for (let i = 0; i < NC; i++)
			cs.push(await L.Client.open(br.url(`k${i}`, '?ext=1')));
		for (let k = 0; k < NR; k++)
			cs.forEach((c, i) => c.send({ type: 'join', room: `q${String(i).padStart(2, '0')}y${String(k).padStart(2, '0')}`,
			    username: `ku${i}`, ref: `j${k}` }));
		for (const c of cs)
			await c.wait('last join', (f) => f.type === 'joined' && f.ref === `j${NR - 1}`);
		/* presence learns them from the join records read back from Kafka */
		let n = 0;
		await L.until('every room active', async () => {
			cs[0].send({ type: 'rooms', ref: `r${++n}` });
			const r = await cs[0].wait('rooms', (f) => f.type === 'rooms' && f.ref === `r${n}`);
			return r.active_total >= NC * NR;
		}, 60000);
	}],

	['at most 100 rooms are listed, by name, with their users', async () => {
		cs[1].send({ type: 'rooms', ref: 'list' });
		const r = await cs[1].wait('rooms', (f) => f.type === 'rooms' && f.ref === 'list');
		L.eq(r.active.length, 100, 'listed');
		L.assert(r.active_total >= NC * NR, 'active_total ' + r.active_total);
		const names = r.active.map((a) => a.room);
		L.eq(names, names.slice().sort(), 'sorted by name');
		L.eq(r.active[0], { room: 'general', users: NC }, 'general: everyone');
		L.eq(r.active[1], { room: 'q00y00', users: 1 }, 'one user in q00y00');
		L.eq(r.joined.length, NR + 1, 'joined: its own rooms, all of them');
	}],

	['a rooms request from every connection at once does not stall the bridge', async () => {
		const t0 = Date.now();
		cs.forEach((c, i) => c.send({ type: 'rooms', ref: `all${i}` }));
		cs[0].send({ type: 'ping', ref: 'after' });
		await cs[0].wait('pong', (f) => f.type === 'pong' && f.ref === 'after');
		await Promise.all(cs.map((c, i) => c.wait('rooms', (f) => f.type === 'rooms' && f.ref === `all${i}`)));
		const took = Date.now() - t0;
		console.log(`# ${NC} rooms answers and a pong in ${took} ms`);
		L.assert(took < 3000, `answered in ${took} ms`);
	}],

	['SIGTERM exits 0', async () => {
		cs.forEach((c) => c.close());
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

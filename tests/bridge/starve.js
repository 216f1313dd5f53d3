/*
 * starve.js - one address cannot starve another's history: with 30,000
 * records of other rooms in the topic (so that the history of a quiet room
 * reads a whole partition), an attacker at 127.0.0.2 keeps the history
 * queue full (8 connections in 30 rooms each, asking for a page again as
 * soon as one comes, within every rate limit),
 * while a bystander at 127.0.0.1 joins rooms: each join's history arrives
 * in under 1 s (workers take the oldest job of the address with the fewest
 * jobs running, not the queue's oldest), another pings in under 50 ms
 * (median) and gets a join's history in under 1 s (lib.js's Bystander), the
 * bridge's RSS stays bounded, and once the attack stops honest clients are
 * served again within 5 s.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('starve');
const CONNS = 8, ROOMS = 30;
let br;

L.run([
	['a topic with 30,000 records, and a bridge', async () => {
		const ts = Date.now() * 1000;
		for (let r = 0; r < 30; r++) {
			L.kcatProduceMany(topic, `noise${r}`, Array.from({ length: 1000 }, (_, i) =>
			    ({ v: 1, id: L.ulid(), type: 'message', room: `noise${r}`, user: 'n',
				text: `noise ${i}`, ts })));
		}
		br = await L.startBridge({ topic });
	}],

	['an attacker fills the history queue; a bystander\'s joins stay fast', async () => {
		const attackers = [];
		for (let i = 0; i < CONNS; i++) {
			const c = await L.Client.open(br.url(`a${i}`, '?ext=1'), { localAddress: '127.0.0.2' });
			attackers.push(c);
		}
		let running = true, asked = 0;
		/* Each connection: join its rooms, then ask again for every
		 * page that comes back, paced under its own 10 frames/s. */
		const loops = attackers.map(async (c, i) => {
			const rooms = Array.from({ length: ROOMS }, (_, k) => `r${i}x${k}`);
			for (const room of rooms) {
				c.send({ type: 'join', room, ref: `j-${room}` });
				await L.sleep(110);	/* pacing under the connection's rate */
			}
			let seen = 0;
			while (running) {
				const pages = c.frames.filter((f) => f.type === 'history' ||
				    (f.type === 'error' && f.code === 'busy'));
				for (const f of pages.slice(seen)) {
					if (f.room !== undefined && running) {
						c.send({ type: 'history', room: f.room, limit: 500 });
						asked++;
					}
				}
				seen = pages.length;
				await L.sleep(110);	/* pacing */
			}
		});
		await L.until('the attack to fill the queue', async () =>
		    (await br.metric('kchat_bridge_history_queued')) >= 50, 30000);
		const by = await L.Client.open(br.url('bystander', '?ext=1'));
		const times = [], queued = [];
		for (let k = 0; k < 3; k++) {
			const room = `mine${k}`;
			let q = 0;
			/* Each join while the attack has the queue full (it dips a
			 * moment as the workers take requests: wait, not sample). */
			await L.until(`the queue full before join ${k}`, async () =>
			    (q = await br.metric('kchat_bridge_history_queued')) >= 50, 30000);
			queued.push(q);
			const t0 = Date.now();
			by.send({ type: 'join', room, ref: `m${k}` });
			await by.wait(`history of ${room}`, (f) => f.type === 'history' && f.room === room, 30000);
			times.push(Date.now() - t0);
			await L.sleep(200);	/* pacing */
		}
		/* A bystander's pings and joins meanwhile, and the bridge's memory. */
		const pinger = await L.Bystander.open(br, 'pinger');
		await pinger.measure(6);	/* 6 rounds, the attack still on */
		running = false;
		await Promise.all(loops);
		attackers.forEach((c) => c.close());
		await L.servedAgain(br, 'history flood', 5000, '127.0.0.2');
		pinger.bounds(br, 'history flood', 192);
		pinger.close();
		console.log(`# bystander's join histories in ${times.join(', ')} ms with ` +
		    `${queued.join(', ')} requests queued (${asked} asked by the attacker)`);
		L.assert(Math.min(...queued) >= 50, `the queue was full at each join: ${queued}`);
		L.assert(Math.max(...times) < 1000, `each join's history under 1 s: ${times}`);
		by.close();
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

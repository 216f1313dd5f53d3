/*
 * flood.js - one address cannot buy more by opening connections: an
 * attacker at 127.0.0.2 opens short connections as fast as it can, each
 * posting what its own bucket allows, for 6 s. The bridge (default limits)
 * refuses its new connections past --conn-rate-per-ip and its frames past
 * --rate-per-ip over all its connections, so what reaches Kafka stays
 * within burst + rate x time; a bystander at 127.0.0.1 meanwhile pings in
 * under 50 ms and joins a room with its history in under 1 s; once the
 * flood stops the attacker's address may connect again.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('flood');
const SECONDS = 6;
let br;

/* A connection from 127.0.0.2; resolves with it, or with the refusal. */
async function attackerConn() {
	try {
		return await L.Client.open(br.url(undefined, '?ext=1'), { localAddress: '127.0.0.2' });
	} catch (e) {
		return e.status || 0;
	}
}

async function rtt(c, ref) {
	const t0 = Date.now();
	c.send({ type: 'ping', ref });
	await c.wait(`pong ${ref}`, (f) => f.type === 'pong' && f.ref === ref);
	return Date.now() - t0;
}

L.run([
	['a bridge with the default limits, and a bystander', async () => {
		br = await L.startBridge({ topic });
	}],

	['a flood of connections and frames from one address', async () => {
		const by = await L.Client.open(br.url('bystander', '?ext=1'));
		by.send({ type: 'join', room: 'lobby', username: 'bystander', ref: 'j0' });
		await by.wait('joined', (f) => f.type === 'joined');
		const t0 = Date.now();
		let opened = 0, refused = 0, frames = 0, n = 0;
		const rtts = [], joins = [];
		let flooding = true;
		/* The attacker: connection after connection, 20 frames each. */
		const attack = (async () => {
			while (Date.now() - t0 < SECONDS * 1000) {
				const c = await attackerConn();
				if (typeof c === 'number') {
					refused++;
					continue;
				}
				opened++;
				for (let i = 0; i < 20; i++, frames++)
					c.send({ type: 'message', username: `bot${opened % 500}`,
					    room: 'lobby', message: `spam ${opened}.${i}` });
				c.close();
			}
			flooding = false;
		})();
		/* The bystander meanwhile. */
		while (flooding) {
			rtts.push(await rtt(by, `p${n++}`));
			const room = `side${n}`;
			const tj = Date.now();
			by.send({ type: 'join', room, username: 'bystander', ref: `j${n}` });
			await by.wait(`history of ${room}`, (f) => f.type === 'history' && f.room === room);
			joins.push(Date.now() - tj);
			await L.sleep(250);	/* pacing: the bystander keeps to its own rate */
		}
		await attack;
		rtts.sort((a, b) => a - b);
		joins.sort((a, b) => a - b);
		console.log(`# attacker: ${opened} connections opened, ${refused} refused, ` +
		    `${frames} frames sent; bystander: ping median ${rtts[rtts.length >> 1]} ms, ` +
		    `max ${rtts[rtts.length - 1]} ms; join+history max ${joins[joins.length - 1]} ms`);
		L.assert(refused > 0, 'new connections past the rate refused');
		L.assert(rtts[rtts.length - 1] < 50, `bystander ping under 50 ms: ${rtts}`);
		L.assert(joins[joins.length - 1] < 1000, `bystander join history under 1 s: ${joins}`);
		/* What reached Kafka from the attacker: within the address's bucket. */
		const budget = 200 + 100 * (SECONDS + 2);
		await L.until('every accepted message stored', async () =>
		    (await br.metric('kchat_bridge_pending_deliveries')) === 0, 30000);
		const spam = L.kcatRead(topic).filter((r) => r.type === 'message' &&
		    r.user.startsWith('bot'));
		console.log(`# ${spam.length} attacker messages stored (bound ${budget})`);
		L.assert(spam.length <= budget, `${spam.length} messages stored, over ${budget}`);
		L.assert(spam.length > 0, 'some got through (the limit is not zero)');
		by.close();
	}],

	['after the flood the address may connect again', async () => {
		const c = await L.until('a connection from 127.0.0.2', async () => {
			const x = await attackerConn();
			return typeof x === 'number' ? null : x;
		}, 10000);
		L.eq(await rtt(c, 'after') < 1000, true, 'served');
		c.close();
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

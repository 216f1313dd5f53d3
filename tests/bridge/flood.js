/*
 * flood.js - one address cannot buy more by opening connections: an
 * attacker at 127.0.0.2 opens short connections as fast as it can, each
 * posting what its own bucket allows, for 6 s. The bridge (default limits)
 * refuses its new connections past --conn-rate-per-ip and its frames past
 * --rate-per-ip over all its connections, so what reaches Kafka stays
 * within burst + rate x time; a bystander at 127.0.0.1 meanwhile pings in
 * under 50 ms and joins a room with its history in under 1 s (lib.js's
 * Bystander: medians, the slowest under 1 s and 5 s), and the bridge's RSS
 * stays bounded; once the flood stops honest clients and the attacker's
 * address are served again within 5 s.
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
		const by = await L.Bystander.open(br);
		const t0 = Date.now();
		let opened = 0, refused = 0, frames = 0;
		by.start();
		/* The attacker: connection after connection, 20 frames each. */
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
		await by.stop();
		/* Honest clients, the attacker's address too, served at once. */
		await L.servedAgain(br, 'connection flood', 5000, '127.0.0.2');
		console.log(`# attacker: ${opened} connections opened, ${refused} refused, ` +
		    `${frames} frames sent`);
		by.bounds(br, 'connection flood');
		L.assert(refused > 0, 'new connections past the rate refused');
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

/*
 * dm-cost.js - what a direct message costs kchat-bridge beside many idle
 * connections: the bridge's CPU time per direct message (posted, stored,
 * read back and delivered to its two parties), and direct messages a
 * second, with IDLE other connections open in #general.
 *
 *   ulimit -n 30000
 *   KAFKA_BOOTSTRAP_SERVERS=HOST:PORT node tests/bench/dm-cost.js \
 *       BUILD/bridge/kchat-bridge [IDLE [DMS]]
 *
 * IDLE (default 10000) connections are opened first, then alice sends DMS
 * (default 2000) direct messages to bob, 50 at a time, each answered by its
 * ack; bob must receive every one. Prints a table and one JSON line. A
 * benchmark: it measures, it does not judge.
 */
'use strict';

const L = require('../bridge/lib');

const [idle = 10000, dms = 2000] = process.argv.slice(3).map(Number);
const topic = L.uniqueTopic('dmcost');


L.run([
	['direct messages beside idle connections', async () => {
		const br = await L.startBridge({ topic, shell: 'ulimit -n 30000;',
		    args: ['--history', '0', '--max-conns-per-ip', '1000000',
		    '--conn-rate-per-ip', '1000000', '--rate', '100000', '--burst', '100000'] });
		const conns = await br.openIdle(idle);
		const alice = await L.Client.open(br.url('alice'));
		const bob = await L.Client.open(br.url('bob'));
		/* Names bound (and announced) before the measure. */
		for (const [c, name] of [[alice, 'alice'], [bob, 'bob']]) {
			c.send({ type: 'ping', username: name, ref: 'hi' });
			await c.wait(`pong of ${name}`, (f) => f.type === 'pong' && f.ref === 'hi');
		}
		const c0 = br.cpu(), t0 = Date.now();
		for (let i = 0; i < dms; i += 50) {
			const acks = [];
			for (let j = i; j < Math.min(dms, i + 50); j++) {
				alice.send({ type: 'dm', username: 'alice', to: 'bob', message: `dm ${j}`, ref: `d${j}` });
				acks.push(alice.wait(`ack d${j}`, (f) => f.type === 'ack' && f.ref === `d${j}`, 60000));
			}
			await Promise.all(acks);
		}
		await L.until(`bob to get ${dms}`, async () =>
		    bob.frames.filter((f) => f.type === 'dm').length >= dms, 60000);
		const secs = (Date.now() - t0) / 1000, used = br.cpu() - c0;
		const got = bob.frames.filter((f) => f.type === 'dm').length;
		console.log(`${idle} idle connections, ${dms} direct messages alice -> bob`);
		console.log(`bob got ${got}; ${(dms / secs).toFixed(0)} DMs/s; bridge CPU ` +
		    `${(used * 1e6 / dms).toFixed(0)} us per DM (${used.toFixed(2)} s in ${secs.toFixed(2)} s)`);
		console.log(JSON.stringify({ scenario: 'dm-cost', idle, dms, got,
		    dms_per_s: dms / secs, cpu_us_per_dm: used * 1e6 / dms }));
		for (const c of conns)
			c.close();
		alice.close();
		bob.close();
		await br.stop();
	}],
]);

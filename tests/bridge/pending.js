/*
 * pending.js - messages waiting for Kafka are counted per room, so a room
 * whose partition cannot take writes blocks only itself: with the broker
 * stopped, a connection that has 64 messages of one room waiting is refused
 * a 65th there ("room unavailable") but may still post to another room;
 * /healthz says 503 while messages wait with no acknowledgement; a join
 * whose history Kafka cannot give is tried again, then answered with
 * history_unavailable (not with the join's ref) and the room stays joined;
 * once the broker is back every accepted message is acknowledged and stored
 * once, and reaches the client that joined during the outage. A broker
 * that hangs (SIGSTOP, connections open) turns /healthz 503 within 30 s,
 * and the consumer lag metric says which partitions it cannot measure.
 * A broker of this test's own is paused (SIGSTOP) and resumed.
 */
'use strict';

const L = require('./lib');

const broker = L.privateBroker('pending');
let own = null;		/* its address */
const topic = L.uniqueTopic('pending');
let b, c, d;
const accepted = [];	/* refs of messages the bridge took */

L.run([
	['a bridge and a client in two rooms', async () => {
		own = broker('start');
		/* History fetches give up after 1 s (a config file key). */
		const conf = require('path').join(L.workDir, 'pending.conf');
		require('fs').writeFileSync(conf, 'history-timeout = 1000\n');
		/* Messages wait for Kafka as long as the outage here lasts (on a
		 * loaded machine it may pass the default 30 s): this test is
		 * about what is counted and acknowledged, not that timeout. */
		b = await L.startBridge({ topic, brokers: own,
		    args: ['--rate', '1000', '--burst', '1000', '-F', conf,
			'-X', 'message.timeout.ms=300000'] });
		c = await L.Client.open(b.url('pat', '?ext=1'));
		for (const room of ['stuck', 'other']) {
			c.send({ type: 'join', room, username: 'pat', ref: `j-${room}` });
			await c.wait(`joined ${room}`, (f) => f.type === 'joined' && f.room === room);
		}
		c.send({ type: 'message', username: 'pat', room: 'stuck', message: 'before', ref: 'm0' });
		await c.wait('ack m0', (f) => f.type === 'ack' && f.ref === 'm0');
	}],

	['with Kafka stopped, one room fills up and the other still takes messages', async () => {
		broker('pause');
		for (let i = 1; i <= 65; i++)
			c.send({ type: 'message', username: 'pat', room: 'stuck', message: `s${i}`, ref: `s${i}` });
		const refused = await c.wait('the 65th refused', (f) => f.type === 'error' && f.ref === 's65');
		L.eq(refused.code, 'too_many_pending', 'code');
		L.assert(/room unavailable/.test(refused.error) && /#stuck/.test(refused.error),
		    `says which room: ${refused.error}`);
		for (let i = 1; i <= 64; i++)
			accepted.push(`s${i}`);
		c.send({ type: 'message', username: 'pat', room: 'other', message: 'elsewhere', ref: 'o1' });
		await L.until('o1 handed to Kafka', async () =>
		    (await b.metric('kchat_bridge_pending_deliveries')) >= 65, 10000);
		L.eq(c.find((f) => f.ref === 'o1'), undefined, 'o1 not refused');
		accepted.push('o1');
		L.eq(c.frames.filter((f) => f.type === 'error').length, 1, 'only the 65th refused');
	}],

	['/healthz is 503 while messages get no acknowledgement', async () => {
		const h = await L.until('healthz 503', async () => {
			const r = await L.httpGet(b.port, '/healthz').catch(() => null);
			return r && r.status === 503 ? JSON.parse(r.body) : null;
		}, 30000);
		L.assert(typeof h.reason === 'string' && h.reason.length > 0, `a reason: ${h.reason}`);
		console.log(`# 503: ${h.reason}`);
	}],

	['a join while Kafka is away keeps the room and says history is unavailable', async () => {
		d = await L.Client.open(b.url('dan', '?ext=1'));
		d.send({ type: 'join', room: 'elected', username: 'dan', ref: 'jd' });
		await d.wait('joined', (f) => f.type === 'joined' && f.room === 'elected' && f.ref === 'jd');
		const e = await d.wait('history unavailable', (f) => f.type === 'error' && f.room === 'elected', 30000);
		L.eq([e.code, e.room, e.ref], ['history_unavailable', 'elected', undefined],
		    'code and room, not the join\'s ref');
		d.send({ type: 'rooms', ref: 'r' });
		const r = await d.wait('rooms', (f) => f.type === 'rooms' && f.ref === 'r');
		L.assert(r.joined.includes('elected'), `still in the room: ${JSON.stringify(r.joined)}`);
	}],

	['once Kafka is back every accepted message is acknowledged and stored once', async () => {
		own = broker('resume');
		for (const ref of accepted) {
			const f = await c.wait(`ack ${ref}`, (x) => x.ref === ref, 90000);
			L.eq(f.type, 'ack', `${ref} acknowledged`);
		}
		const ids = new Set(accepted.map((ref) => c.find((f) => f.ref === ref).id));
		const recs = L.kcatRead(topic, own).filter((r) => ids.has(r.id));
		L.eq(recs.length, accepted.length, 'each acknowledged message once in Kafka');
		c.send({ type: 'message', username: 'pat', room: 'elected', message: 'after', ref: 'e1' });
		await d.wait('a message in the room joined during the outage',
		    (f) => f.message === 'after' && f.room === 'elected', 30000);
		d.close();
	}],

	['a broker that hangs (SIGSTOP) turns /healthz 503, and 200 once it answers', async () => {
		/* Its connections stay open: nothing fails, nothing answers. */
		await L.until('healthz 200', async () =>
		    (await L.httpGet(b.port, '/healthz')).status === 200, 60000);
		broker('freeze');
		const t0 = Date.now();
		c.send({ type: 'message', username: 'pat', room: 'other', message: 'frozen', ref: 'z1' });
		const h = await L.until('healthz 503', async () => {
			const r = await L.httpGet(b.port, '/healthz');
			return r.status === 503 ? JSON.parse(r.body) : null;
		}, 30000);
		console.log(`# 503 ${Date.now() - t0} ms after the broker hung: ${h.reason}`);
		/* The lag is asked of the leaders, which do not answer: unknown,
		 * not the last high watermark seen. */
		await L.until('consumer lag of unknown partitions', async () =>
		    (await b.metric('kchat_bridge_consumer_lag_unknown_partitions')) > 0, 30000);
		broker('thaw');
		L.eq((await c.wait('ack z1', (f) => f.ref === 'z1', 60000)).type, 'ack', 'z1 acknowledged');
		await L.until('healthz 200 again', async () =>
		    (await L.httpGet(b.port, '/healthz')).status === 200, 60000);
		await L.until('every partition\'s lag known again', async () =>
		    (await b.metric('kchat_bridge_consumer_lag_unknown_partitions')) === 0, 30000);
		L.assert(await b.metric('kchat_bridge_consumer_lag') >= 0, 'lag measured');
		await L.until('healthz 200', async () =>
		    (await L.httpGet(b.port, '/healthz')).status === 200, 60000);
		c.close();
		L.eq((await b.stop()).code, 0, 'exit');
		broker('stop');
	}],
]);

/*
 * interop.js - the bridge and other Kafka clients agree on the record
 * format: a record produced with kcat (packed by python3's msgpack) reaches
 * a WebSocket client, a browser message read back with kcat decodes with
 * python3's msgpack, and records that do not decode are skipped and
 * counted by reason in /metrics.
 */
'use strict';

const L = require('./lib');

const topic = L.uniqueTopic('interop');
let br, c;

L.run([
	['bridge and a plain client', async () => {
		br = await L.startBridge({ topic });
		c = await L.Client.open(br.url());
	}],

	['a kcat record reaches the browser client', async () => {
		const id = L.ulid();
		L.kcatProduce(topic, 'general', { v: 1, id, type: 'message', room: 'general',
		    user: 'kcat_user', text: 'hello from kcat', ts: Date.now() * 1000, via: 'kcat',
		    extra: 'unknown keys are ignored' });
		const f = await c.wait('kcat message', (f) => f.message === 'hello from kcat');
		L.eq([f.username, f.room, f.id, f.type], ['kcat_user', 'general', id, 'message'], 'fields');
	}],

	['a record whose msgpack holds a newline byte arrives whole', async () => {
		/* ts 0x0a0a0a0a0a0a0a µs (in 2059): packed, seven 0x0a bytes. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'message', room: 'general',
		    user: 'kcat_user', text: 'newline bytes', ts: 0x0a0a0a0a0a0a0a });
		await c.wait('the record', (f) => f.message === 'newline bytes');
		L.eq(await br.metric('kchat_bridge_records_invalid_total{reason="all"}'), 0,
		    'nothing invalid');
	}],

	['records that do not decode are skipped', async () => {
		const r = require('child_process').spawnSync('kcat',
		    ['-P', '-b', L.brokers(), '-t', topic, '-k', 'general'],
		    { input: Buffer.from([0xde, 0xad, 0xbe, 0xef]) });
		L.eq(r.status, 0, 'kcat produced garbage');
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'message', room: 'general',
		    user: 'kcat_user', text: 'after garbage', ts: Date.now() * 1000 });
		await c.wait('next good record', (f) => f.message === 'after garbage');
		L.eq((await L.httpGet(br.port, '/healthz')).status, 200, 'still healthy');
		/* Counted, with why: 0xde is a map of 14 entries with 3 bytes. */
		L.eq(await br.metric('kchat_bridge_records_invalid_total{reason="all"}'), 1,
		    'one invalid record counted');
		L.eq(await br.metric('kchat_bridge_records_invalid_total{reason="mp_truncated"}'), 1,
		    'its reason');
	}],

	['a record dated far off shows Kafka\'s time, not its own', async () => {
		/* Dated 2199 it would sort below every later line for good. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'message', room: 'general',
		    user: 'kcat_user', text: 'from the future', ts: 7258118399000000 });
		const f = await c.wait('the far-off record', (x) => x.message === 'from the future');
		const shown = Date.parse(f.timestamp + 'Z');
		L.assert(Math.abs(shown - Date.now()) < 120000, `shown at ${f.timestamp}`);
	}],

	['a browser message decodes with python3 msgpack', async () => {
		c.send({ username: 'web_user', message: 'hello from the browser ✓', room: 'general' });
		const echo = await c.wait('echo', (f) => f.message === 'hello from the browser ✓');
		const recs = L.kcatRead(topic);
		const r = recs.find((x) => x.id === echo.id);
		L.assert(r, 'record in Kafka');
		L.eq([r.v, r.type, r.room, r.user, r.text, r.via, r._key],
		    [1, 'message', 'general', 'web_user', 'hello from the browser ✓', 'web', 'general'], 'record');
		L.assert(Number.isInteger(r.ts) && Math.abs(r.ts / 1000 - Date.now()) < 60000, 'ts in µs');
		c.close();
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

/*
 * join-history.js - what a join's page of history costs kchat-bridge when
 * its room is quiet in a partition with many records: the time from "join"
 * to its "history" frame, and the bridge's peak RSS (VmHWM).
 *
 *   KAFKA_BOOTSTRAP_SERVERS=HOST:PORT node tests/bench/join-history.js \
 *       BUILD/bridge/kchat-bridge [RECORDS [EVERY [JOINS]]]
 *
 * Stores RECORDS records (default 1000000) in one partition, every EVERY-th
 * (default 1000) of room "big" and the rest of another room keyed alike,
 * then starts the bridge and joins "big" JOINS times (default 20) one after
 * another, then JOINS at once, each from a connection of its own (the
 * peak RSS of those apart from the first's). Prints
 * a table and one JSON line. A benchmark: it measures, it does not judge.
 */
'use strict';

const fs = require('fs');
const L = require('../bridge/lib');
const fill = require('./fill');

const [records = 1000000, every = 1000, joins = 20] = process.argv.slice(3).map(Number);
const topic = L.uniqueTopic('joinbench');

function status(pid, key) {
	const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) / 1024 : NaN;
}

/* One connection joins "big": ms until its page came, and the page. */
async function join(br) {
	const c = await L.Client.open(br.url(undefined, '?ext=1'));
	const t0 = process.hrtime.bigint();
	c.send({ type: 'join', room: 'big', ref: 'j' });
	const p = await c.wait('the page', (f) => f.type === 'history' && f.ref === 'j', 60000);
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	c.close();
	return { ms, n: p.messages.length };
}

const pct = (a, q) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(q * a.length))];

L.run([
	['join latency and RSS', async () => {
		/* The bridge makes the topics; then it stops, and the records go in. */
		let br = await L.startBridge({ topic, args: ['--history', '50'] });
		await br.stop();
		const f0 = Date.now();
		fill(topic, records, every);
		console.log(`# ${records} records stored in ${((Date.now() - f0) / 1000).toFixed(1)} s`);
		br = await L.startBridge({ topic, args: ['--history', '50', '--max-conns-per-ip', '1000',
		    '--conn-rate-per-ip', '1000'] });
		const rss0 = status(br.proc.pid, 'VmRSS');
		const first = await join(br);
		const hwm1 = status(br.proc.pid, 'VmHWM');
		/* The peak from here on: the joins after the first (proc(5)). */
		fs.writeFileSync(`/proc/${br.proc.pid}/clear_refs`, '5');
		const seq = [];
		for (let i = 0; i < joins; i++)
			seq.push(await join(br));
		const t0 = Date.now();
		const par = await Promise.all(Array.from({ length: joins }, () => join(br)));
		const parAll = Date.now() - t0;
		const hwm = status(br.proc.pid, 'VmHWM'), rss = status(br.proc.pid, 'VmRSS');
		const memory = await br.metric('kchat_bridge_history_from_memory_total');
		const s = seq.map((x) => x.ms), p = par.map((x) => x.ms);
		console.log(`first join            ${first.ms.toFixed(1)} ms (${first.n} messages)`);
		console.log(`${joins} joins in turn     p50 ${pct(s, 0.5).toFixed(1)} ms, max ${Math.max(...s).toFixed(1)} ms`);
		console.log(`${joins} joins at once     p50 ${pct(p, 0.5).toFixed(1)} ms, max ${Math.max(...p).toFixed(1)} ms, all in ${parAll} ms`);
		console.log(`bridge RSS            ${rss0.toFixed(1)} MB at start, peak ${hwm1.toFixed(1)} MB ` +
		    `by the first join, ${hwm.toFixed(1)} MB in the next ${2 * joins}, ${rss.toFixed(1)} MB after`);
		console.log(JSON.stringify({ scenario: 'join-history', records, every, joins,
		    first_ms: first.ms, seq_p50_ms: pct(s, 0.5), seq_max_ms: Math.max(...s),
		    par_p50_ms: pct(p, 0.5), par_max_ms: Math.max(...p), rss_start_mb: rss0,
		    rss_mb: rss, rss_peak_first_mb: hwm1, rss_peak_joins_mb: hwm, from_memory: Number.isNaN(memory) ? null : memory }));
		await br.stop();
	}],
]);

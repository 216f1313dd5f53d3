/*
 * history-pages.js - what pages of history that memory does not hold cost
 * kchat-bridge on a big topic: many clients page far below the history
 * window with before_offset, so every page is read from Kafka by the
 * history workers; prints the pages answered per second, their latency
 * and the bridge's RSS (sampled, and its peak VmHWM) meanwhile.
 *
 *   KAFKA_BOOTSTRAP_SERVERS=HOST:PORT node tests/bench/history-pages.js \
 *       BUILD/bridge/kchat-bridge [RECORDS [EVERY [SIZE [PAGES [CONNS]]]]]
 *
 * Stores RECORDS records (default 1000000) of SIZE bytes of text (default
 * 1000) in one partition, every EVERY-th (default 100) of room "big"
 * (fill.js), starts the bridge, then CONNS connections (default 20) ask
 * for PAGES pages of 50 in all (default 2000), each below a random offset
 * of the partition, one at a time each. BENCH_X: librdkafka properties
 * for the bridge (-X), space-separated. Prints a table and one JSON line.
 * A benchmark: it measures, it does not judge.
 */
'use strict';

const fs = require('fs');
const L = require('../bridge/lib');
const fill = require('./fill');

const [records = 1000000, every = 100, size = 1000, pages = 2000, conns = 20] =
    process.argv.slice(3).map(Number);
const topic = L.uniqueTopic('pagesbench');

function status(pid, key) {
	const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) / 1024 : NaN;
}

const pct = (a, q) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(q * a.length))];

L.run([
	['pages from Kafka: rate, latency and RSS', async () => {
		/* The bridge makes the topics; then it stops, and the records go in. */
		let br = await L.startBridge({ topic, args: ['--history', '50'] });
		await br.stop();
		const f0 = Date.now();
		fill(topic, records, every, size);
		console.log(`# ${records} records of ${size} bytes stored in ` +
		    `${((Date.now() - f0) / 1000).toFixed(1)} s`);
		br = await L.startBridge({ topic, args: ['--history', '50', '--max-conns-per-ip', '1000',
		    '--conn-rate-per-ip', '1000', '--rate', '100000', '--burst', '100000',
		    ...(process.env.BENCH_X ? process.env.BENCH_X.split(' ').flatMap((x) => ['-X', x]) : [])] });
		const pid = br.proc.pid;
		const clients = [];
		for (let i = 0; i < conns; i++)
			clients.push(await L.Client.open(br.url(undefined, '?ext=1')));
		const rss0 = status(pid, 'VmRSS');
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');	/* VmHWM from here */
		let rssMax = rss0, asked = 0, errors = 0;
		const sampler = setInterval(() => {
			rssMax = Math.max(rssMax, status(pid, 'VmRSS'));
		}, 100);
		const ms = [];
		const t0 = Date.now();
		await Promise.all(clients.map(async (c, k) => {
			for (let i = 0; asked < pages; i++) {
				asked++;
				const low = 50 * every + Math.floor(Math.random() * (records - 50 * every));
				const ref = `p${k}-${i}`, s0 = process.hrtime.bigint();
				c.send({ type: 'history', room: 'big', before_offset: low, ref });
				const f = await c.wait(ref, (x) => x.ref === ref &&
				    (x.type === 'history' || x.type === 'error'), 120000);
				if (f.type === 'error')
					errors++;
				else
					ms.push(Number(process.hrtime.bigint() - s0) / 1e6);
			}
		}));
		const wall = (Date.now() - t0) / 1000;
		clearInterval(sampler);
		const hwm = status(pid, 'VmHWM'), rss = status(pid, 'VmRSS');
		const fromKafka = await br.metric('kchat_bridge_history_from_kafka_total');
		console.log(`${ms.length} pages in ${wall.toFixed(1)} s: ${(ms.length / wall).toFixed(0)} pages/s, ` +
		    `${errors} errors, ${fromKafka} from Kafka`);
		console.log(`latency               p50 ${pct(ms, 0.5).toFixed(1)} ms, p99 ${pct(ms, 0.99).toFixed(1)} ms, ` +
		    `max ${Math.max(...ms).toFixed(1)} ms`);
		console.log(`bridge RSS            ${rss0.toFixed(1)} MB before, max sampled ${rssMax.toFixed(1)} MB, ` +
		    `peak (VmHWM) ${hwm.toFixed(1)} MB, ${rss.toFixed(1)} MB after`);
		console.log(JSON.stringify({ scenario: 'history-pages', records, every, size, pages, conns,
		    answered: ms.length, errors, from_kafka: fromKafka, seconds: wall,
		    per_s: ms.length / wall, p50_ms: pct(ms, 0.5), p99_ms: pct(ms, 0.99),
		    max_ms: Math.max(...ms), rss_before_mb: rss0, rss_max_mb: rssMax,
		    rss_peak_mb: hwm, rss_after_mb: rss }));
		for (const c of clients)
			c.close();
		await br.stop();
	}],
]);

/*
 * cluster.js - make check-cluster: on a 3-node KRaft cluster (replication
 * factor 3, min.insync.replicas 2) that loses nodes under load, every
 * acknowledged message reaches every web client exactly once. A writer on
 * bridge A posts to a room without pause (its own message ids; an error is
 * retried with the same id) while readers on bridges A and B hold the room.
 * Faults, one after the other: the leader of the room's partition SIGKILLed
 * (then restarted), the new leader SIGSTOPped (then continued), a follower
 * stopped (every /healthz sample on both bridges stays 200: two nodes
 * serve), and bridge B SIGKILLed (its readers reconnect to A with "since"
 * and catch up). Prints sent / acknowledged / lost / duplicated per fault.
 */
'use strict';

const { execFile, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const L = require('./lib');

const source = process.env.KCHAT_SOURCE_DIR || path.join(__dirname, '..', '..');
const tool = path.join(source, 'tests', 'kafka', 'kafka-broker');
const kdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kchat-cluster-'));
const topic = L.uniqueTopic('cluster');
const ROOM = 'failover';
const WINDOW = 4;		/* messages the writer has in flight */
const STEP = 40;		/* acks that show the cluster serves again */

function kb(...args) {
	const r = spawnSync(tool, args, { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`kafka-broker ${args.join(' ')}: ${r.stderr}`);
}
/* The same, without blocking the event loop (health is sampled meanwhile). */
function kbAsync(...args) {
	return new Promise((resolve, reject) => execFile(tool, args, (err, out, errout) =>
	    err ? reject(new Error(`kafka-broker ${args.join(' ')}: ${errout}`)) : resolve()));
}
function nodePid(i) {
	return Number(fs.readFileSync(path.join(kdir, `node${i}`, 'pid'), 'utf8'));
}
function signal(i, sig) {
	process.kill(nodePid(i), sig);
}
process.on('exit', () => {
	for (let i = 1; i <= 3; i++) {
		try {
			signal(i, 'SIGCONT');
		} catch (e) { /* not running */ }
	}
	spawnSync(tool, ['stop', kdir]);
	fs.rmSync(kdir, { recursive: true, force: true });
});

let boot, A, B;

/* The leader and replicas of the room's partition, as the cluster says. */
function partitionInfo() {
	const part = L.kcatRead(topic, boot).find((r) => r.room === ROOM)._partition;
	const r = spawnSync('kcat', ['-L', '-J', '-b', boot, '-t', topic], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`kcat -L: ${r.stderr}`);
	const p = JSON.parse(r.stdout).topics[0].partitions.find((x) => x.partition === part);
	return { partition: part, leader: p.leader, replicas: p.replicas.map((x) => x.id),
	    isr: p.isrs.map((x) => x.id) };
}

/*
 * The writer: posts numbered messages, WINDOW at a time, each until acked.
 * A message whose connection dropped before its answer is sent again with
 * the same id on a new connection to this.bridge, as the web client does.
 */
class Writer {
	constructor(bridge) {
		this.bridge = bridge;
		this.c = null;
		this.opening = null;
		this.sent = [];		/* index -> { id, acked, phase } */
		this.acked = 0;
		this.retries = 0;
		this.running = true;
		this.phase = 'start';
	}
	start() {
		this.done = Promise.all(Array.from({ length: WINDOW }, () => this.lane()));
	}
	/* The connection, opened again (to this.bridge) once it dropped. */
	async client() {
		if (this.c !== null && this.c.closed === null)
			return this.c;
		if (this.opening === null) {
			this.opening = (async () => {
				const c = await L.Client.open(this.bridge.url('writer', '?ext=1'));
				c.send({ type: 'join', room: ROOM, username: 'writer', ref: 'j' });
				await c.wait('joined', (f) => f.type === 'joined');
				this.c = c;
				this.opening = null;
			})();
		}
		await this.opening;
		return this.c;
	}
	async lane() {
		while (this.running) {
			const i = this.sent.length;
			const m = { id: L.ulid(), acked: false, phase: this.phase };
			this.sent.push(m);
			for (let attempt = 0; !m.acked; attempt++) {
				const ref = `w${i}-${attempt}`;
				const c = await this.client();
				c.send({ type: 'message', username: 'writer', room: ROOM,
				    message: `line ${i}`, id: m.id, ref });
				let f;
				try {
					f = await c.wait(`answer ${ref}`, (x) => x.ref === ref, 180000);
				} catch (e) {
					if (c.closed === null)
						throw e;
					this.retries++;	/* its bridge went: again */
					continue;
				}
				if (f.type === 'ack') {
					L.eq(f.id, m.id, `ack of ${ref} names the message's id`);
					m.acked = true;
					this.acked++;
				} else {
					/* Not stored (or not known to be): again, same id. */
					this.retries++;
				}
			}
		}
	}
	async ackedMore(n, what) {
		const target = this.acked + n;
		await L.until(what, async () => this.acked >= target, 180000);
	}
}

/* A reader: every record of the room it received, history and live. */
class Reader {
	constructor(name) {
		this.name = name;
		this.got = new Map();		/* id -> times */
		this.last = -1;			/* highest offset seen */
	}
	async connect(bridge, since) {
		this.c = await L.Client.open(bridge.url(this.name, '?ext=1'));
		this.c.ws.on('message', (data) => this.take(JSON.parse(data.toString())));
		const j = { type: 'join', room: ROOM, username: this.name, ref: 'j' };
		if (since !== undefined)
			j.since = since;
		this.c.send(j);
		await this.c.wait('joined', (f) => f.type === 'joined' && f.room === ROOM);
	}
	take(f) {
		const recs = f.type === 'history' && f.room === ROOM ? f.messages :
		    f.type === 'message' && f.room === ROOM ? [f] : [];
		/* A gap larger than a page: the rest, below what came. */
		if (f.type === 'history' && f.more === true && typeof f.since === 'number' &&
		    recs.length > 0)
			this.c.send({ type: 'history', room: ROOM, since: f.since,
			    before_offset: Math.min(...recs.map((m) => m.offset)) });
		for (const m of recs) {
			this.got.set(m.id, (this.got.get(m.id) || 0) + 1);
			if (typeof m.offset === 'number' && m.offset > this.last)
				this.last = m.offset;
		}
	}
}

const readers = [];
let w;
const report = [];

async function healthSamples(bridges, untilDone) {
	const bad = [];
	let n = 0;
	while (!untilDone()) {
		for (const b of bridges) {
			const r = await L.httpGet(b.port, '/healthz').catch(() => ({ status: 0, body: '' }));
			n++;
			if (r.status !== 200)
				bad.push(`${b.port}: ${r.status} ${r.body}`);
		}
		await L.sleep(250);	/* a sampling period, not a wait for a condition */
	}
	return { n, bad };
}

L.run([
	['a 3-node cluster, two bridges, readers on both, a writer', async () => {
		delete process.env.KAFKA_BOOTSTRAP_SERVERS;
		kb('cluster', kdir, '3');
		boot = fs.readFileSync(path.join(kdir, 'bootstrap'), 'utf8').trim();
		const args = ['--rate', '1000', '--burst', '1000'];
		[A, B] = await Promise.all([L.startBridge({ topic, brokers: boot, args }),
		    L.startBridge({ topic, brokers: boot, args })]);
		for (let i = 0; i < 4; i++) {
			const r = new Reader(`reader${i}`);
			await r.connect(i === 0 ? A : B);
			readers.push(r);
		}
		w = new Writer(A);
		await w.client();
		w.start();
		await w.ackedMore(STEP, 'the first messages acknowledged');
	}],

	['the leader of the room\'s partition is killed (SIGKILL), then restarted', async () => {
		const p = partitionInfo();
		w.phase = 'leader SIGKILL';
		signal(p.leader, 'SIGKILL');
		await w.ackedMore(STEP, 'messages acknowledged by the new leader');
		kb('resume', path.join(kdir, `node${p.leader}`));
		console.log(`# node ${p.leader} (leader of partition ${p.partition}) killed and restarted`);
	}],

	['the new leader hangs (SIGSTOP), then goes on', async () => {
		const p = await L.until('a leader other than a hung node', async () => {
			const q = partitionInfo();
			return q.leader >= 1 ? q : null;
		});
		w.phase = 'leader SIGSTOP';
		signal(p.leader, 'SIGSTOP');
		await w.ackedMore(STEP, 'messages acknowledged while the leader hangs');
		signal(p.leader, 'SIGCONT');
		console.log(`# node ${p.leader} (leader of partition ${p.partition}) stopped and continued`);
	}],

	['a follower stops: both bridges stay healthy', async () => {
		const p = await L.until('all replicas in sync', async () => {
			const q = partitionInfo();
			return q.leader >= 1 && q.isr.length === 3 ? q : null;
		}, 120000);
		const follower = p.replicas.find((id) => id !== p.leader);
		w.phase = 'follower stopped';
		let done = false;
		const health = healthSamples([A, B], () => done);
		await kbAsync('pause', path.join(kdir, `node${follower}`));
		await w.ackedMore(STEP, 'messages acknowledged without the follower');
		done = true;
		const h = await health;
		kb('resume', path.join(kdir, `node${follower}`));
		console.log(`# node ${follower} stopped: ${h.n} /healthz samples, ${h.bad.length} not 200`);
		L.eq(h.bad, [], '/healthz while two of three nodes serve');
	}],

	['the readers\' bridge is killed: they reconnect to the other with since', async () => {
		w.phase = 'bridge SIGKILL';
		await B.stop('SIGKILL');
		for (const r of readers.slice(1)) {
			await r.c.waitClose();
			await r.connect(A, r.last + 1);
		}
		await w.ackedMore(STEP, 'messages acknowledged after the readers moved');
	}],

	['the writer\'s bridge is killed with messages in flight: it retries them elsewhere', async () => {
		/* A new bridge; everyone on A moves there when A dies. */
		const C = await L.startBridge({ topic, brokers: boot, args: ['--rate', '1000', '--burst', '1000'] });
		w.phase = 'writer\'s bridge SIGKILL';
		w.bridge = C;
		await A.stop('SIGKILL');
		for (const r of readers) {
			await r.c.waitClose();
			await r.connect(C, r.last + 1);
		}
		await w.ackedMore(STEP, 'messages acknowledged through the new bridge');
		A = C;
	}],

	['every acknowledged message reached every reader exactly once', async () => {
		w.running = false;
		await w.done;
		const acked = w.sent.filter((m) => m.acked);
		for (const r of readers) {
			await L.until(`${r.name} has every acknowledged message`, async () =>
			    acked.every((m) => r.got.has(m.id)), 60000);
		}
		const phases = [...new Set(w.sent.map((m) => m.phase))];
		let lost = 0, dup = 0;
		for (const ph of phases) {
			const ms = w.sent.filter((m) => m.phase === ph);
			const a = ms.filter((m) => m.acked);
			const l = readers.reduce((n, r) => n + a.filter((m) => !r.got.has(m.id)).length, 0);
			const d = readers.reduce((n, r) => n + ms.filter((m) => (r.got.get(m.id) || 0) > 1).length, 0);
			lost += l;
			dup += d;
			report.push(`# ${ph}: sent ${ms.length}, acknowledged ${a.length}, ` +
			    `lost ${l}, duplicated ${d} (over ${readers.length} readers)`);
		}
		report.push(`# writer retries (same id): ${w.retries}`);
		console.log(report.join('\n'));
		L.eq([lost, dup], [0, 0], 'lost and duplicated deliveries');
		(await w.client()).close();
		for (const r of readers)
			r.c.close();
		L.eq((await A.stop()).code, 0, 'bridge A exits cleanly');
	}],
]);

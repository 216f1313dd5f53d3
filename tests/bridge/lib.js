/*
 * lib.js - helpers for kchat-bridge's integration tests: the real broker's
 * address, bridges on free ports with their own topics, WebSocket clients
 * that wait for frames by condition (never by sleeping), kcat and msgpack.
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const WebSocket = require('ws');

const bridgeBin = process.argv[2] ||
    path.join(process.env.KCHAT_BUILD_DIR || 'build', 'bridge', 'kchat-bridge');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kchat-bridge-test-'));
const children = new Set();
/* Debian's python3 has python3-msgpack; another python3 on PATH may not. */
const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function brokers() {
	if (process.env.KAFKA_BOOTSTRAP_SERVERS)
		return process.env.KAFKA_BOOTSTRAP_SERVERS;
	const f = process.env.KCHAT_KAFKA_FILE;
	if (!f || !fs.existsSync(f))
		throw new Error('no broker: set KAFKA_BOOTSTRAP_SERVERS or KCHAT_KAFKA_FILE');
	return fs.readFileSync(f, 'utf8').trim();
}

function uniqueTopic(name) {
	return `kchat-test-${name}-${process.pid}-${Date.now()}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Polls fn() until it returns something truthy, or fails after ms. */
async function until(what, fn, ms = 15000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

async function httpGet(port, p, headers = {}) {
	const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers });
	return { status: res.status, headers: res.headers, body: await res.text() };
}

/*
 * Starts a bridge on a port the kernel picks (-p 0: no race with other
 * tests), learns it from the log, and resolves once /healthz says ok
 * (or opts.healthy(port) does).
 */
async function startBridge(opts) {
	const log = path.join(workDir, `bridge-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
	const out = fs.openSync(log, 'a');
	const args = ['-b', opts.brokers || brokers(), '-t', opts.topic, '-p', String(opts.port || 0),
	    '-H', '127.0.0.1', '--static-dir', opts.staticDir || staticDir(),
	    ...(opts.args || [])];
	/* opts.shell: sh commands first (ulimit ...), then exec: the same pid. */
	const proc = opts.shell ?
	    spawn('sh', ['-c', `${opts.shell} exec "$0" "$@"`, bridgeBin, ...args],
		{ stdio: ['ignore', out, out] }) :
	    spawn(bridgeBin, args, { stdio: ['ignore', out, out] });
	children.add(proc);
	const exited = new Promise((resolve) => proc.on('exit', (code, sig) => {
		children.delete(proc);
		resolve({ code, sig });
	}));
	let dead = null;
	exited.then((e) => { dead = e; });
	const died = () => {
		if (dead)
			throw new Error(`bridge exited ${JSON.stringify(dead)}: ` +
			    fs.readFileSync(log, 'utf8'));
	};
	const port = await until(`bridge to listen (log ${log})`, async () => {
		died();
		const m = /listening on https?:\/\/[^ ]*:(\d+)\//.exec(fs.readFileSync(log, 'utf8'));
		return m ? Number(m[1]) : 0;
	}, 45000);
	await until(`bridge on port ${port} to be healthy (log ${log})`, async () => {
		died();
		try {
			if (opts.healthy)	/* TLS, --admin-listen: the test's way */
				return await opts.healthy(port);
			const r = await httpGet(port, '/healthz');
			return r.status === 200;
		} catch (e) {
			return false;
		}
	}, 30000);
	return {
		port, proc, log, exited,
		url: (id = 'c' + Math.random().toString(36).slice(2, 10), q = '') =>
		    `ws://127.0.0.1:${port}/ws/${id}${q}`,
		logText: () => fs.readFileSync(log, 'utf8'),
		async stop(signal = 'SIGTERM') {
			if (dead)
				return dead;
			proc.kill(signal);
			return await exited;
		},
		/* The bridge's CPU time so far, in seconds (proc(5): utime + stime). */
		cpu() {
			const f = fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8')
			    .split(') ')[1].split(' ');
			return (Number(f[11]) + Number(f[12])) / 100;
		},
		/* n idle connections, opened 200 at a time (benchmarks). */
		async openIdle(n) {
			const conns = [];
			for (let i = 0; i < n; i += 200) {
				const batch = [];
				for (let j = i; j < Math.min(n, i + 200); j++)
					batch.push(Client.open(this.url()));
				conns.push(...await Promise.all(batch));
			}
			return conns;
		},
		/* The bridge's resident memory now, in KiB (/proc: Linux). */
		rss() {
			const m = /^VmRSS:\s+(\d+) kB/m.exec(
			    fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
			return m ? Number(m[1]) : NaN;
		},
		/*
		 * Whether it runs under AddressSanitizer (make check-asan),
		 * whose shadow memory and quarantine multiply its RSS.
		 */
		asan() {
			return /libasan|libclang_rt\.asan/.test(
			    fs.readFileSync(`/proc/${proc.pid}/maps`, 'utf8'));
		},
		async metric(name) {
			const r = await httpGet(port, '/metrics');
			const line = r.body.split('\n').find((l) => l.startsWith(name + ' '));
			return line ? Number(line.split(' ')[1]) : NaN;
		},
	};
}

/* A static directory with a page and a file, for the HTTP tests. */
function staticDir() {
	const d = path.join(workDir, 'static');
	if (!fs.existsSync(d)) {
		fs.mkdirSync(path.join(d, 'css'), { recursive: true });
		fs.writeFileSync(path.join(d, 'index.html'), '<!doctype html><title>kchat test</title>\n');
		fs.writeFileSync(path.join(d, 'app.js'), 'console.log("kchat");\n');
		fs.writeFileSync(path.join(d, 'css', 'chat.css'), 'body { margin: 0 }\n');
	}
	return d;
}

/*
 * A WebSocket client that keeps every frame it got, so a test can wait for
 * "a frame like this" whether it came before or after the wait began.
 */
class Client {
	constructor(url, options = {}) {
		this.frames = [];
		this.waiters = [];
		this.closed = null;
		this.ws = new WebSocket(url, options);
		this.opened = new Promise((resolve, reject) => {
			this.ws.on('open', resolve);
			this.ws.on('unexpected-response', (req, res) =>
			    reject(Object.assign(new Error(`HTTP ${res.statusCode}`),
			    { status: res.statusCode })));
			this.ws.on('error', reject);
		});
		this.ws.on('error', () => {});
		this.ws.on('message', (data) => {
			let f;
			try {
				f = JSON.parse(data.toString());
			} catch (e) {
				f = { unparsable: data.toString() };
			}
			this.frames.push(f);
			this.poke();
		});
		this.closedP = new Promise((resolve) => this.ws.on('close', (code, reason) => {
			this.closed = { code, reason: reason.toString() };
			this.poke();
			resolve(this.closed);
		}));
	}
	static async open(url, options) {
		const c = new Client(url, options);
		await c.opened;
		return c;
	}
	poke() {
		for (const w of this.waiters.slice())
			w();
	}
	send(obj) {
		this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
	}
	/* The first frame (from index 0) for which pred holds. */
	find(pred) {
		return this.frames.find(pred);
	}
	wait(what, pred, ms = 15000) {
		return new Promise((resolve, reject) => {
			const check = () => {
				const f = this.frames.find(pred);
				if (f !== undefined) {
					done();
					resolve(f);
				} else if (this.closed && !what.includes('close')) {
					done();
					reject(new Error(`closed (${this.closed.code}) while waiting for ${what}; got ${JSON.stringify(this.frames)}`));
				}
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`));
			}, ms);
			const done = () => {
				clearTimeout(timer);
				this.waiters = this.waiters.filter((w) => w !== check);
			};
			this.waiters.push(check);
			check();
		});
	}
	waitClose(ms = 15000) {
		return Promise.race([this.closedP, sleep(ms).then(() => {
			throw new Error('timed out waiting for close');
		})]);
	}
	close() {
		try {
			this.ws.close();
		} catch (e) { /* already gone */ }
	}
}

/*
 * What an honest client gets while an attack runs (issue 15): a bystander
 * at 127.0.0.1 that, until stop(), pings ({"type":"ping"} to its pong) and
 * joins a room it was not in (the join to its "history" frame), then
 * leaves it, paced under its own rate (3 frames every 400 ms, also under
 * --rate 10). stop() resolves with the figures; bounds() prints them with
 * the bridge's RSS and asserts each against its bound.
 *
 * The bounds are those of the issue where a 2-core machine running the
 * suite under AddressSanitizer still meets them with a wide margin: the
 * median ping under 50 ms and the slowest under 1 s, the median join's
 * history under 1 s and the slowest under 5 s. A starved bystander (no
 * answer while the flood lasts) fails them all.
 */
class Bystander {
	constructor(c, name, joins) {
		this.c = c;
		this.name = name;
		this.withJoins = joins;
		this.pings = [];
		this.joins = [];
		this.running = false;
	}
	/* joins false: pings only (joins wait for something else). */
	static async open(br, name = 'bystander', joins = true) {
		const c = await Client.open(br.url(name, '?ext=1'));
		c.send({ type: 'join', room: `${name}-home`, username: name, ref: 'home' });
		await c.wait('joined home', (f) => f.type === 'joined');
		return new Bystander(c, name, joins);
	}
	start() {
		this.running = true;
		this.error = null;
		this.loop = (async () => {
			for (let n = 0; this.running; n++) {
				let t0 = Date.now();
				this.c.send({ type: 'ping', ref: `by-p${n}` });
				await this.c.wait(`pong by-p${n}`, (f) => f.type === 'pong' &&
				    f.ref === `by-p${n}`, 30000);
				this.pings.push(Date.now() - t0);
				if (!this.withJoins) {
					await sleep(400);	/* pacing */
					continue;
				}
				const room = `${this.name}-${n}`;
				t0 = Date.now();
				this.c.send({ type: 'join', room, ref: `by-j${n}` });
				await this.c.wait(`history of ${room}`, (f) => f.type === 'history' &&
				    f.room === room, 30000);
				this.joins.push(Date.now() - t0);
				this.c.send({ type: 'leave', room, ref: `by-l${n}` });
				await sleep(400);	/* pacing: under its own rate */
			}
		})().catch((e) => {
			this.error = e;
		});
		return this;
	}
	async stop() {
		this.running = false;
		await this.loop;
		return this;
	}
	/* Runs n rounds (a ping and a join each), or for ms at most; stops. */
	async measure(n, ms = 30000) {
		const t0 = Date.now();
		this.start();
		const done = () => (this.withJoins ? this.joins : this.pings).length;
		while (done() < n && Date.now() - t0 < ms && !this.error)
			await sleep(50);	/* polls what the loop recorded */
		return await this.stop();
	}
	/*
	 * Prints the figures and asserts them (what: the attack's name);
	 * rssMaxMiB: the bridge's RSS bound; under AddressSanitizer, whose
	 * quarantine alone holds up to 256 MiB of freed memory, 3 times
	 * that and 512 MiB.
	 */
	bounds(br, what, rssMaxMiB = 128) {
		const rssMaxKiB = 1024 * (br.asan() ? 3 * rssMaxMiB + 512 : rssMaxMiB);
		const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1,
		    Math.floor(a.length * p))];
		const rss = br.rss();
		const joins = this.withJoins ? `join history median ${q(this.joins, 0.5)} ms, ` +
		    `max ${q(this.joins, 1)} ms (${this.joins.length})` : 'no joins';
		console.log(`# ${what}: bystander ping median ${q(this.pings, 0.5)} ms, ` +
		    `p99 ${q(this.pings, 0.99)} ms, max ${q(this.pings, 1)} ms ` +
		    `(${this.pings.length}); ${joins}; bridge RSS ${Math.round(rss / 1024)} MiB`);
		assert(this.error === null, `${what}: the bystander was not served: ${this.error}`);
		assert(this.pings.length >= 2, `${what}: the bystander pinged ${this.pings.length} times`);
		assert(q(this.pings, 0.5) < 50, `${what}: median ping under 50 ms: ${this.pings}`);
		assert(q(this.pings, 1) < 1000, `${what}: every ping under 1 s: ${this.pings}`);
		if (this.withJoins) {
			assert(q(this.joins, 0.5) < 1000,
			    `${what}: median join history under 1 s: ${this.joins}`);
			assert(q(this.joins, 1) < 5000,
			    `${what}: every join history under 5 s: ${this.joins}`);
		}
		assert(rss < rssMaxKiB, `${what}: bridge RSS ${rss} KiB, over ${rssMaxKiB} KiB`);
	}
	close() {
		this.c.close();
	}
}

/*
 * Once an attack stops: ms until a new client at 127.0.0.1 (and at addr
 * too, when given: the attacker's own address) connects, joins a room and
 * gets its history and a pong; asserts under maxMs.
 */
async function servedAgain(br, what, maxMs = 5000, addr = null) {
	const t0 = Date.now();
	for (const localAddress of addr ? ['127.0.0.1', addr] : ['127.0.0.1']) {
		const c = await until(`a connection from ${localAddress}`, async () => {
			try {
				return await Client.open(br.url(undefined, '?ext=1'), { localAddress });
			} catch (e) {
				return null;
			}
		}, maxMs + 5000);
		c.send({ type: 'join', room: 'after-flood', username: `after${Math.random().toString(36).slice(2, 8)}`,
		    ref: 'aj' });
		await c.wait('history after the flood', (f) => f.type === 'history' &&
		    f.room === 'after-flood', maxMs + 5000);
		c.send({ type: 'ping', ref: 'ap' });
		await c.wait('pong after the flood', (f) => f.type === 'pong' && f.ref === 'ap');
		c.close();
	}
	const ms = Date.now() - t0;
	console.log(`# ${what}: honest clients served again ${ms} ms after it stopped`);
	assert(ms < maxMs, `${what}: served again after ${ms} ms, over ${maxMs} ms`);
	return ms;
}

/*
 * Records of topic, each decoded by python3's msgpack (an independent
 * codec), with _key, _partition and _offset as Kafka has them.
 */
function kcatRead(topic, bootstrap = brokers()) {
	const py = `
import json, subprocess, sys, msgpack
out = subprocess.run(["kcat", "-C", "-b", sys.argv[1], "-t", sys.argv[2],
    "-o", "beginning", "-e", "-q", "-f", "%p %o %S %k\\n%s"], check=True,
    capture_output=True).stdout
recs = []
while out:
    head, _, rest = out.partition(b"\\n")
    part, offset, size, key = head.split(b" ", 3)
    size = int(size)
    value, out = rest[:size], rest[size:]
    try:
        rec = msgpack.unpackb(value, raw=False)
    except Exception:
        continue            # not a record: readers skip it too
    if isinstance(rec, dict):
        rec["_key"] = key.decode()
        rec["_partition"], rec["_offset"] = int(part), int(offset)
        recs.append(rec)
json.dump(recs, sys.stdout)
`;
	const r = spawnSync(python, ['-c', py, bootstrap, topic],
	    { encoding: 'utf8', maxBuffer: 1 << 28 });
	if (r.status !== 0)
		throw new Error(`kcat/msgpack failed: ${r.stderr}`);
	return JSON.parse(r.stdout);
}

/* Produces one msgpack record (packed by python3's msgpack) with kcat. */
function kcatProduce(topic, key, record) {
	/*
	 * From a file, not kcat's standard input: there a newline byte ends a
	 * record, and a record's msgpack holds one whenever its ts (µs) has a
	 * 0x0a byte, about one time in fifty: kcat then stored two halves that
	 * do not decode, and the record never came.
	 */
	kcatProduceMany(topic, record.room, [record]);
}

/*
 * Produces records (each packed by python3's msgpack) keyed by room in one
 * kcat call, with the bridge's partitioner: one file per record, so binary
 * values need no delimiter.
 */
function kcatProduceMany(topic, room, records, bootstrap = brokers()) {
	const py = `
import json, os, subprocess, sys, tempfile, msgpack
recs = json.load(sys.stdin)
with tempfile.TemporaryDirectory() as d:
    files = []
    for i, rec in enumerate(recs):
        p = os.path.join(d, "%06d" % i)
        with open(p, "wb") as f:
            f.write(msgpack.packb(rec, use_bin_type=True))
        files.append(p)
    subprocess.run(["kcat", "-P", "-b", sys.argv[1], "-t", sys.argv[2], "-k", sys.argv[3],
        "-X", "partitioner=murmur2_random"] + files, check=True)
`;
	const r = spawnSync(python, ['-c', py, bootstrap, topic, room],
	    { input: JSON.stringify(records), encoding: 'utf8', maxBuffer: 1 << 26 });
	if (r.status !== 0)
		throw new Error(`kcat produce failed: ${r.stderr}`);
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/* A ULID for the millisecond ms: 10 characters of time, 16 random. */
function ulid(ms = Date.now()) {
	let s = '';
	for (let i = 0; i < 10; i++, ms = Math.floor(ms / 32))
		s = B32[ms % 32] + s;
	for (let i = 0; i < 16; i++)
		s += B32[Math.floor(Math.random() * 32)];
	return s;
}

/*
 * A broker of the test's own (tests/kafka/kafka-broker) that it may pause,
 * resume and stop, or freeze and thaw (SIGSTOP, SIGCONT: a broker that
 * hangs with its connections open); removed however the test ends. start
 * and resume return its address.
 */
function privateBroker(name) {
	const source = process.env.KCHAT_SOURCE_DIR || path.join(__dirname, '..', '..');
	const tool = path.join(source, 'tests', 'kafka', 'kafka-broker');
	/* Outside workDir, which is removed before exit handlers run. */
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kchat-${name}-kafka-`));

	/* freeze and thaw: SIGSTOP and SIGCONT, a broker that hangs. */
	const signal = (sig) => {
		try {
			process.kill(Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8')), sig);
		} catch (e) { /* not running */ }
	};
	process.on('exit', () => {
		signal('SIGCONT');
		spawnSync(tool, ['stop', dir]);
		fs.rmSync(dir, { recursive: true, force: true });
	});
	/* KAFKA_BOOTSTRAP_SERVERS would make kafka-broker reuse that cluster. */
	delete process.env.KAFKA_BOOTSTRAP_SERVERS;
	return (cmd) => {
		if (cmd === 'freeze' || cmd === 'thaw')
			return signal(cmd === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
		const r = spawnSync(tool, [cmd, dir], { encoding: 'utf8' });
		if (r.status !== 0)
			throw new Error(`kafka-broker ${cmd}: ${r.stderr}`);
		return cmd === 'start' || cmd === 'resume' ?
		    fs.readFileSync(path.join(dir, 'bootstrap'), 'utf8').trim() : null;
	};
}

function assert(cond, msg) {
	if (!cond)
		throw new Error('assertion failed: ' + msg);
}

function eq(got, want, msg) {
	if (JSON.stringify(got) !== JSON.stringify(want))
		throw new Error(`${msg}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

function cleanup() {
	for (const c of children)
		c.kill('SIGKILL');
	fs.rmSync(workDir, { recursive: true, force: true });
}

/* Runs the named test steps in order; prints each; exit 0 only if all pass. */
async function run(steps) {
	let failed = 0;
	for (const [name, fn] of steps) {
		const t0 = Date.now();
		try {
			await fn();
			console.log(`ok - ${name} (${Date.now() - t0} ms)`);
		} catch (e) {
			failed++;
			console.log(`not ok - ${name}: ${e.stack || e}`);
		}
	}
	cleanup();
	process.exit(failed ? 1 : 0);
}

/*
 * A writer that posts to room, each message once the last is acked, until
 * stopped: acks holds the acked ids in order; stop() ends it and resolves
 * once the last post is answered; failed() says it broke off.
 */
function busyWriter(writer, room, username = 'writer') {
	const acks = [];
	let stop = false;
	const writing = (async () => {
		for (let i = 0; !stop; i++) {
			writer.send({ type: 'message', username, room,
			    message: `busy ${i}`, ref: `w${i}` });
			acks.push((await writer.wait(`ack w${i}`, (f) => f.type === 'ack' &&
			    f.ref === `w${i}`, 10000)).id);
		}
	})();
	writing.catch(() => { stop = true; });
	return {
		acks,
		failed: () => stop,
		stop: async () => { stop = true; await writing; },
		/* Waits for n more acks than there are now. */
		more: (n) => {
			const want = acks.length + n;
			return until(`${want} acks`, () => stop || acks.length >= want, 20000);
		},
	};
}

/*
 * Opens n clients while w writes, client i once w has i * 4 + 5 acks
 * (staggered by the room's progress), at the URL open(i) gives (or
 * resolves to) and joined by join(client, i); returns the clients and
 * what each join returned.
 */
async function staggeredJoins(w, n, open, join) {
	const clients = [], joins = [];
	for (let i = 0; i < n; i++) {
		await until(`${i * 4 + 5} acks`, () => w.failed() || w.acks.length >= i * 4 + 5, 20000);
		assert(!w.failed(), 'the writer failed');
		const c = await Client.open(await open(i));
		clients.push(c);
		joins.push(join(c, i));
	}
	return [clients, await Promise.all(joins)];
}

process.on('SIGINT', () => { cleanup(); process.exit(130); });

module.exports = {
	brokers, uniqueTopic, sleep, until, httpGet, startBridge,
	staticDir, Client, Bystander, busyWriter, staggeredJoins, servedAgain, kcatRead, kcatProduce, kcatProduceMany, ulid, privateBroker,
	assert, eq, run, workDir,
};

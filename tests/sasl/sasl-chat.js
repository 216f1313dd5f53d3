/*
 * sasl-chat.js KCHAT-BRIDGE KCHAT-TUI - Kafka's own login (SASL) for both
 * programs, against the test broker's SASL_PLAINTEXT listener
 * (DIR/bootstrap-sasl, users in DIR/sasl-users):
 *   - a bridge whose SASL settings come from its config file (-F, mode
 *     0600) and a TUI whose settings come from -X chat both ways; the TUI,
 *     given no -u, is the SASL user;
 *   - a wrong password: each program says that Kafka refused the login and
 *     what to check, within seconds, instead of waiting in silence;
 *   - SCRAM-SHA-256: with librdkafka 2.6.1 or later the TUI chats; before
 *     it (Debian 12 has 2.0.2, whose SCRAM Kafka 4 refuses) it says so and
 *     what to use instead;
 *   - the SCRAM users made at format time log in with Kafka's own Java
 *     client, both mechanisms (so the listener is right whatever the
 *     librdkafka).
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const L = require('../bridge/lib');

const tuiBin = process.argv[3];
const topic = L.uniqueTopic('sasl');

function saslBrokers() {
	const f = process.env.KCHAT_KAFKA_SASL_FILE;
	if (!f || !fs.existsSync(f))
		throw new Error(`no SASL listener: ${f} is missing (tests/kafka/kafka-broker ` +
		    'writes it; with KAFKA_BOOTSTRAP_SERVERS set, set KAFKA_SASL_BOOTSTRAP_SERVERS too)');
	return fs.readFileSync(f, 'utf8').trim();
}
const users = fs.readFileSync(path.join(path.dirname(process.env.KCHAT_KAFKA_SASL_FILE || '.'),
    'sasl-users'), 'utf8').trim().split('\n').map((l) => l.split(' '));
const [alice, alicePw] = users[0];
const [bob, bobPw] = users[1];

/* The librdkafka the programs are built with (their pkg-config). */
function rdkafkaVersion() {
	const r = spawnSync('pkg-config', ['--modversion', 'rdkafka'], { encoding: 'utf8' });
	const v = r.stdout.trim().split('.').map(Number);
	L.assert(r.status === 0 && v.length >= 3, `pkg-config rdkafka: ${r.stderr}`);
	return v;
}
const oldRdkafka = (([a, b, c]) => a < 2 || (a === 2 && (b < 6 || (b === 6 && c < 1))))(rdkafkaVersion());

function sasl(mech, user, pw) {
	return ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanism=${mech}`,
	    '-X', `sasl.username=${user}`, '-X', `sasl.password=${pw}`];
}

/* kchat-tui --line with no -u and KCHAT_USER empty: the name is its own choice. */
class Tui {
	constructor(tag, args) {
		const home = path.join(L.workDir, 'home-' + tag);
		fs.mkdirSync(home, { recursive: true });
		this.out = '';
		this.err = '';
		this.proc = spawn(tuiBin, ['--line', '-r', 'general', '-b', saslBrokers(),
		    '-t', topic, ...args], {
			stdio: ['pipe', 'pipe', 'pipe'],
			env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home,
			    XDG_STATE_HOME: home, TZ: 'UTC', LC_ALL: 'C.UTF-8',
			    KCHAT_USER: '', USER: 'unix_login' },
		});
		this.proc.stdout.on('data', (d) => { this.out += d; });
		this.proc.stderr.on('data', (d) => { this.err += d; });
		this.exited = new Promise((resolve) =>
		    this.proc.on('exit', (code, sig) => resolve({ code, sig })));
	}
	say(line) {
		this.proc.stdin.write(line + '\n');
	}
	wait(what, s, ms = 20000) {
		return L.until(`${what} (TUI output so far:\n${this.out}${this.err})`,
		    () => this.out.split('\n').find((l) => l.includes(s)), ms);
	}
	async quit() {
		this.proc.stdin.end();
		return await this.exited;
	}
}

/* Kafka's own ConfigCommand, logged in with SCRAM: the users it lists. */
function javaScramUsers(mech, user, pw) {
	const cp = spawnSync(path.join(__dirname, '..', 'kafka', 'kafka-broker'), ['classpath'],
	    { encoding: 'utf8' });
	L.assert(cp.status === 0, `kafka-broker classpath: ${cp.stderr}`);
	const props = path.join(L.workDir, `java-${mech}.properties`);
	fs.writeFileSync(props, 'security.protocol=SASL_PLAINTEXT\n' +
	    `sasl.mechanism=${mech}\nsasl.jaas.config=org.apache.kafka.common.security.scram.` +
	    `ScramLoginModule required username="${user}" password="${pw}";\n`, { mode: 0o600 });
	const r = spawnSync('java', ['-cp', cp.stdout.trim(), 'kafka.admin.ConfigCommand',
	    '--bootstrap-server', saslBrokers(), '--command-config', props,
	    '--describe', '--entity-type', 'users'], { encoding: 'utf8', timeout: 90000 });
	return { ok: r.status === 0, out: r.stdout + r.stderr };
}

let br, web, tui;

L.run([
	['a bridge configured by its file and a TUI by -X, both through SASL', async () => {
		const conf = path.join(L.workDir, 'bridge.conf');
		fs.writeFileSync(conf, 'security.protocol = SASL_PLAINTEXT\n' +
		    `sasl.mechanism = PLAIN\nsasl.username = ${bob}\nsasl.password = ${bobPw}\n`,
		    { mode: 0o600 });
		br = await L.startBridge({ topic, brokers: saslBrokers(), args: ['-F', conf] });
		web = await L.Client.open(br.url());
		tui = new Tui('alice', sasl('PLAIN', alice, alicePw));
		await tui.wait('the TUI connected', 'connection: connected');
		/* no -u, no KCHAT_USER: the SASL user, not $USER */
		await tui.wait('its join as the SASL user', `#general --> ${alice} has joined`);
		await web.wait('the TUI\'s join at the bridge', (f) => f.type === 'join' &&
		    f.username === alice);
	}],

	['they chat both ways through the SASL listener', async () => {
		tui.say('hello over SASL');
		await web.wait('the TUI line', (f) => f.message === 'hello over SASL' &&
		    f.username === alice);
		await tui.wait('the TUI line acknowledged', `<${alice}> hello over SASL`);
		web.send({ username: 'web_user', message: 'and back over SASL', room: 'general' });
		await tui.wait('the browser line', '<web_user> and back over SASL');
		L.eq((await tui.quit()).code, 0, `TUI exit (stderr: ${tui.err})`);
	}],

	['the records are on the topic (kcat reads them with a login)', async () => {
		const r = spawnSync('kcat', ['-C', '-b', saslBrokers(), '-t', topic, '-e', '-q',
		    '-o', 'beginning', '-X', 'security.protocol=SASL_PLAINTEXT',
		    '-X', 'sasl.mechanism=PLAIN', '-X', `sasl.username=${bob}`,
		    '-X', `sasl.password=${bobPw}`], { encoding: 'latin1', timeout: 30000 });
		L.assert(r.stdout.includes('hello over SASL') &&
		    r.stdout.includes('and back over SASL'), `kcat read: ${r.stdout}${r.stderr}`);
	}],

	['a wrong password: the TUI says Kafka refused the login, and what to check', async () => {
		const t0 = Date.now();
		const bad = new Tui('wrong', sasl('PLAIN', alice, 'not-' + alicePw));
		const l = await bad.wait('the refusal', 'Kafka refused the PLAIN login', 15000);
		L.assert(l.includes(`"${alice}"`) && l.includes('sasl.password') &&
		    l.includes('Invalid username or password'), `says what and what to do: ${l}`);
		L.assert(Date.now() - t0 < 15000, 'at once, not after the timeouts');
		L.assert(!bad.out.includes('connection: connected'), 'not connected');
		L.eq((await bad.quit()).code, 0, 'exit');
	}],

	['a wrong password: the bridge logs the refusal and is not healthy', async () => {
		const log = path.join(L.workDir, 'wrong-bridge.log');
		const out = fs.openSync(log, 'w');
		const p = spawn(process.argv[2], ['-b', saslBrokers(), '-t', topic, '-p', '0',
		    '-H', '127.0.0.1', '--static-dir', L.staticDir(),
		    ...sasl('PLAIN', bob, 'not-' + bobPw)], { stdio: ['ignore', out, out] });
		const exited = new Promise((resolve) => p.on('exit', resolve));
		try {
			const l = await L.until('the bridge to say why', () => fs.readFileSync(log, 'utf8')
			    .split('\n').find((x) => x.includes('Kafka refused the PLAIN login')), 15000);
			L.assert(l.includes(`"${bob}"`) && l.includes('sasl.password'), `log: ${l}`);
			const m = /listening on https?:\/\/[^ ]*:(\d+)\//.exec(fs.readFileSync(log, 'utf8'));
			if (m)
				L.assert((await L.httpGet(Number(m[1]), '/healthz')).status !== 200,
				    'not healthy without Kafka');
		} finally {
			p.kill('SIGTERM');
			await exited;
		}
	}],

	['SCRAM-SHA-256: chats, or says which librdkafka cannot and what to use', async () => {
		const t = new Tui('scram', sasl('SCRAM-SHA-256', alice, alicePw));
		if (oldRdkafka) {
			const l = await t.wait('the SCRAM refusal', 'Kafka refused the SCRAM-SHA-256 login', 15000);
			L.assert(l.includes('librdkafka') && l.includes('2.6.1') &&
			    l.includes('sasl.mechanism=PLAIN'), `says why and what to use: ${l}`);
		} else {
			await t.wait('the TUI connected with SCRAM', 'connection: connected');
			t.say('hello over SCRAM');
			await web.wait('the SCRAM line', (f) => f.message === 'hello over SCRAM');
		}
		L.eq((await t.quit()).code, 0, 'exit');
		web.close();
		L.eq((await br.stop()).code, 0, 'bridge exit');
	}],

	['the SCRAM users log in with Kafka\'s Java client; a wrong password does not', async () => {
		const a = javaScramUsers('SCRAM-SHA-256', alice, alicePw);
		L.assert(a.ok && a.out.includes(`user-principal '${alice}'`) &&
		    a.out.includes('SCRAM-SHA-512=iterations'), `SCRAM-SHA-256 as ${alice}: ${a.out}`);
		const b = javaScramUsers('SCRAM-SHA-512', bob, bobPw);
		L.assert(b.ok && b.out.includes(`user-principal '${bob}'`), `SCRAM-SHA-512 as ${bob}: ${b.out}`);
		const w = javaScramUsers('SCRAM-SHA-256', alice, 'not-' + alicePw);
		L.assert(!w.ok && /authentication/i.test(w.out), `a wrong password refused: ${w.out}`);
	}],
]);

/*
 * accounts.js - a bridge run with --users (accounts on): POST /login right
 * (form and JSON) and wrong (a wrong password and an unknown name get the
 * same answer, in comparable time), the session cookie's attributes, GET
 * /config, the WebSocket upgrade refused (401) without a valid session
 * (none, a forged one, one whose password changed since), the account's
 * name on every record and a frame naming someone else refused with
 * username_mismatch, POST only to /login and /logout and with a small
 * body, throttling per account and per address with Retry-After, a
 * changed password or a deleted account ending sessions (open connections
 * too),
 * /healthz and /metrics without a session, logout, and --admin-listen.
 * The users file is made with kchat-passwd.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawnSync } = require('child_process');
const L = require('./lib');

const bridgeBin = process.argv[2];
const passwdBin = path.join(path.dirname(bridgeBin), '..', 'passwd', 'kchat-passwd');
const topic = L.uniqueTopic('accounts');
const users = path.join(L.workDir, 'users');
const keyFile = path.join(L.workDir, 'session.key');
let br;

function passwd(args, input) {
	const r = spawnSync(passwdBin, args, { input, encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`kchat-passwd ${args.join(' ')}: ${r.stderr}`);
}

/* A request from localAddress (127.0.0.x: another client address). */
function request(port, method, p, { body = '', headers = {}, localAddress = '127.0.0.1' } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = process.hrtime.bigint();
		let got = null;
		const done = () => resolve({ ...got, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
		const req = http.request({ host: '127.0.0.1', port, method, path: p, localAddress, agent: false,
		    headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
			got = { status: res.statusCode, headers: res.headers, body: '' };
			res.on('data', (c) => { got.body += c; });
			res.on('end', done);
			res.on('error', done);
		});
		/* refused before its body was read: the answer came, then the close */
		req.on('error', (e) => (got ? done() : reject(e)));
		req.end(body);
	});
}

const form = (u, p) => `username=${encodeURIComponent(u)}&password=${encodeURIComponent(p)}`;
const login = (port, u, p, localAddress) => request(port, 'POST', '/login', { body: form(u, p),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, localAddress });
const cookieOf = (r) => (r.headers['set-cookie'] || [])[0] || '';
const pair = (cookie) => cookie.split(';')[0];

/* 101 when the upgrade succeeded, else the HTTP status. */
async function upgrade(cookie) {
	try {
		const c = await L.Client.open(br.url(), cookie ? { headers: { Cookie: cookie } } : {});
		c.close();
		return 101;
	} catch (e) {
		return e.status || String(e.message);
	}
}

let alice;	/* alice's Cookie header */

L.run([
	['users file made with kchat-passwd; bridge with --users and --session-key', async () => {
		passwd(['-c', users, 'alice'], 'wonderland\n');
		passwd([users, 'bob'], 'builder\n');
		passwd([users, 'carol'], 'singer\n');
		passwd([users, 'dave'], 'diver\n');
		fs.writeFileSync(keyFile, require('crypto').randomBytes(32), { mode: 0o600 });
		/* startBridge waits for /healthz: reachable without a session */
		br = await L.startBridge({ topic, args: ['--users', users, '--session-key', keyFile] });
		L.eq((await L.httpGet(br.port, '/metrics')).status, 200, '/metrics without a session');
	}],

	['GET /config says accounts are on, and nobody is logged in', async () => {
		const r = await L.httpGet(br.port, '/config');
		L.eq([r.status, JSON.parse(r.body)], [200, { accounts: true, user: null, tls: false }], '/config');
	}],

	['a wrong password and an unknown name: the same 401, in comparable time', async () => {
		const wrong = await login(br.port, 'alice', 'nope');
		const unknown = await login(br.port, 'mallory', 'nope');
		L.eq([wrong.status, unknown.status], [401, 401], 'statuses');
		L.eq(wrong.body, unknown.body, 'the same body');
		L.eq(JSON.parse(wrong.body).code, 'login_failed', 'code');
		L.assert(cookieOf(wrong) === '' && cookieOf(unknown) === '', 'no cookie on failure');
		/* an unknown name is checked against a dummy hash: not instant
		 * (without it, a fraction of a millisecond against tens) */
		const known = [], none = [];
		for (let i = 0; i < 5; i++) {
			known.push((await login(br.port, 'dave', 'nope' + i, '127.0.0.6')).ms);
			none.push((await login(br.port, 'nobody', 'nope' + i, '127.0.0.6')).ms);
		}
		const median = (t) => t.sort((a, b) => a - b)[2];
		L.assert(median(none) > median(known) / 4,
		    `unknown name ${median(none)} ms vs wrong password ${median(known)} ms`);
	}],

	['the right password (form): 204 and a session cookie with its attributes', async () => {
		const r = await login(br.port, 'alice', 'wonderland');
		L.eq(r.status, 204, 'status');
		const c = cookieOf(r);
		const attrs = c.split(';').map((s) => s.trim());
		L.assert(/^kchat_session=1\.\d+\.alice\.[0-9a-f]{64}$/.test(attrs[0]), 'token: ' + c);
		for (const a of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=604800'])
			L.assert(attrs.includes(a), `${a} in ${c}`);
		L.assert(!attrs.includes('Secure'), 'no Secure without TLS: ' + c);
		alice = pair(c);
		const conf = await L.httpGet(br.port, '/config', { Cookie: alice });
		L.eq(JSON.parse(conf.body).user, 'alice', '/config with the cookie');
	}],

	['behind a TLS proxy (an https:// page) the cookie is Secure', async () => {
		const r = await request(br.port, 'POST', '/login', { body: form('alice', 'wonderland'),
		    headers: { 'Content-Type': 'application/x-www-form-urlencoded',
		    Origin: `https://127.0.0.1:${br.port}` }, localAddress: '127.0.0.7' });
		L.eq(r.status, 204, 'status');
		L.assert(cookieOf(r).split(';').map((a) => a.trim()).includes('Secure'), cookieOf(r));
	}],

	['the right password (JSON): 204', async () => {
		const r = await request(br.port, 'POST', '/login', {
			body: JSON.stringify({ username: 'bob', password: 'builder' }),
			headers: { 'Content-Type': 'application/json' } });
		L.eq(r.status, 204, 'status');
		L.assert(/^kchat_session=1\.\d+\.bob\./.test(cookieOf(r)), cookieOf(r));
	}],

	['the upgrade without a valid session is refused with 401', async () => {
		L.eq(await upgrade(null), 401, 'no cookie');
		L.eq(await upgrade('kchat_session=garbage'), 401, 'garbage');
		/* alice's token relabelled as bob's: the signature does not match */
		L.eq(await upgrade(alice.replace('.alice.', '.bob.')), 401, 'forged user');
		const [, exp] = alice.split('.');
		L.eq(await upgrade(alice.replace(`.${exp}.`, `.${Number(exp) + 1000}.`)), 401, 'forged expiry');
		L.eq(await upgrade(alice), 101, 'a valid session');
	}],

	['records carry the account name; a frame naming someone else is refused', async () => {
		const c = await L.Client.open(br.url(L.ulid(), '?ext=1'), { headers: { Cookie: alice } });
		const hello = await c.wait('hello', (f) => f.type === 'hello');
		L.eq(hello.username, 'alice', 'hello names the account');
		c.send({ username: 'bob', message: 'I am bob', room: 'general', ref: 'x1' });
		const e = await c.wait('the refusal', (f) => f.type === 'error' && f.ref === 'x1');
		L.eq(e.code, 'username_mismatch', 'code');
		c.send({ username: 'alice', message: 'my own name', room: 'general', ref: 'x3' });
		await c.wait('ack x3', (f) => f.type === 'ack' && f.ref === 'x3');
		c.close();
		const recs = await L.until('the records in Kafka', () => {
			const r = L.kcatRead(topic).filter((m) => m.type === 'message');
			return r.length >= 1 ? r : null;
		});
		L.eq(recs.map((m) => [m.user, m.text]), [['alice', 'my own name']], 'records');
		L.eq([...new Set(L.kcatRead(topic).map((m) => m.user))], ['alice'], 'every record is alice\'s');
	}],

	['POST only to /login and /logout, with a bounded body', async () => {
		L.eq((await request(br.port, 'POST', '/ws/x', { body: 'a=b' })).status, 405, 'POST elsewhere');
		L.eq((await request(br.port, 'POST', '/login', { body: 'x'.repeat(5000),
		    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status, 413, 'large body');
		L.eq((await request(br.port, 'POST', '/login', { body: 'x',
		    headers: { 'Content-Type': 'text/plain' } })).status, 415, 'other type');
		L.eq((await request(br.port, 'POST', '/login', { body: form('alice', 'wonderland'),
		    headers: { 'Content-Type': 'application/x-www-form-urlencoded',
		    Origin: 'https://evil.example.com' } })).status, 403, 'foreign Origin');
	}],

	['logout clears the cookie', async () => {
		const r = await request(br.port, 'POST', '/logout', { headers: { Cookie: alice } });
		L.eq(r.status, 204, 'status');
		const c = cookieOf(r);
		L.assert(/^kchat_session=;/.test(c) && c.includes('Max-Age=0') && c.includes('HttpOnly'),
		    'cleared: ' + c);
	}],

	['an account is throttled after 5 failures, whatever address tries next', async () => {
		for (let i = 0; i < 5; i++)
			L.eq((await login(br.port, 'carol', 'wrong' + i)).status, 401, `failure ${i + 1}`);
		const t = await login(br.port, 'carol', 'singer');
		L.eq([t.status, JSON.parse(t.body).code], [429, 'login_throttled'], 'the right password now');
		L.assert(Number(t.headers['retry-after']) >= 1, 'Retry-After: ' + t.headers['retry-after']);
		L.eq((await login(br.port, 'carol', 'singer', '127.0.0.2')).status, 429, 'from another address');
		L.eq((await login(br.port, 'bob', 'builder', '127.0.0.1')).status, 204, 'another account');
		/* once the wait is over, the right password works again */
		await L.until('carol to be let in', async () =>
		    (await login(br.port, 'carol', 'singer', '127.0.0.2')).status === 204, 10000);
	}],

	['an address is throttled after 20 failures, whatever account it tries', async () => {
		for (let i = 0; i < 20; i++)
			L.eq((await login(br.port, `guess${i}`, 'x', '127.0.0.3')).status, 401, `failure ${i + 1}`);
		L.eq((await login(br.port, 'bob', 'builder', '127.0.0.3')).status, 429, 'bob from there');
		L.eq((await login(br.port, 'bob', 'builder', '127.0.0.4')).status, 204, 'bob from elsewhere');
	}],

	['a changed password ends the sessions made with the old one', async () => {
		const r = await login(br.port, 'bob', 'builder', '127.0.0.5');
		const bob = pair(cookieOf(r));
		L.eq(await upgrade(bob), 101, 'before');
		const open = await L.Client.open(br.url(), { headers: { Cookie: bob } });
		passwd([users, 'bob'], 'new-builder\n');
		L.eq(await upgrade(bob), 401, 'after the change');
		/* the connection made before is closed within seconds */
		const closed = await open.waitClose(15000);
		L.eq([closed.code, closed.reason], [1008, 'session ended: log in again'], 'closed');
		L.eq((await login(br.port, 'bob', 'new-builder', '127.0.0.5')).status, 204, 'the new password');
		passwd(['-D', users, 'carol']);
		L.eq((await login(br.port, 'carol', 'singer', '127.0.0.5')).status, 401, 'deleted account');
	}],

	['users and admin-listen from the config file; /healthz and /metrics there only', async () => {
		const port = 20000 + Math.floor(Math.random() * 20000);
		const adminGet = async (p) => {
			try {
				return (await L.httpGet(port, p)).status;
			} catch (e) {
				return 0;
			}
		};
		/* both from the config file: users = and admin-listen = */
		const conf = path.join(L.workDir, 'bridge.conf');
		fs.writeFileSync(conf, `users = ${users}\nadmin-listen = 127.0.0.1:${port}\n`);
		const b2 = await L.startBridge({ topic, args: ['-F', conf],
		    healthy: async () => await adminGet('/healthz') === 200 });
		L.eq(JSON.parse((await L.httpGet(b2.port, '/config')).body).accounts, true,
		    'users = in the config file');
		L.eq((await L.httpGet(b2.port, '/healthz')).status, 404, 'no /healthz on the main port');
		L.eq((await L.httpGet(b2.port, '/metrics')).status, 404, 'no /metrics on the main port');
		const m = await adminGet('/metrics');
		L.eq(m, 200, '/metrics on the admin port');
		L.eq((await L.httpGet(port, '/healthz')).status, 200, '/healthz on the admin port');
		L.eq((await L.httpGet(port, '/')).status, 404, 'nothing else there');
		await b2.stop();
	}],
]);

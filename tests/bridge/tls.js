/*
 * tls.js - a bridge with --tls-cert and --tls-key (certificates the test
 * makes with openssl): it refuses to start on a key others may read
 * (saying chmod 600), serves HTTPS and WSS on its one port with HSTS,
 * sets Secure on the session cookie, does not answer plain HTTP there,
 * and on SIGHUP serves a new certificate to new connections while a WSS
 * connection made before carries on.
 */
'use strict';

const fs = require('fs');
const https = require('https');
const path = require('path');
const tls = require('tls');
const { spawnSync } = require('child_process');
const L = require('./lib');

const bridgeBin = process.argv[2];
const passwdBin = path.join(path.dirname(bridgeBin), '..', 'passwd', 'kchat-passwd');
const topic = L.uniqueTopic('tls');
const dir = L.workDir;
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
const users = path.join(dir, 'users');
let br, ca;

/* A self-signed certificate for 127.0.0.1 with common name cn. */
function makeCert(cn, certFile, keyFile) {
	const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes',
	    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${cn}`,
	    '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error('openssl: ' + r.stderr);
	fs.chmodSync(keyFile, 0o600);
}

function get(p, headers = {}, port = br.port) {
	return new Promise((resolve, reject) => {
		https.get({ host: '127.0.0.1', port, path: p, ca, headers, agent: false }, (res) => {
			let body = '';
			res.on('data', (c) => { body += c; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
		}).on('error', reject);
	});
}

function post(p, body, headers) {
	return new Promise((resolve, reject) => {
		const req = https.request({ host: '127.0.0.1', port: br.port, path: p, method: 'POST', ca,
		    agent: false, headers: { 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
			res.resume();
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

/* The common name of the certificate a new TLS connection is shown. */
function servedName() {
	return new Promise((resolve, reject) => {
		const s = tls.connect({ host: '127.0.0.1', port: br.port, rejectUnauthorized: false }, () => {
			const cn = s.getPeerCertificate().subject.CN;
			s.end();
			resolve(cn);
		});
		s.on('error', reject);
	});
}

L.run([
	['a key file others may read: refused, saying chmod 600', async () => {
		makeCert('first', cert, key);
		fs.chmodSync(key, 0o644);
		const r = spawnSync(bridgeBin, ['-b', L.brokers(), '-t', topic, '-p', '0',
		    '--tls-cert', cert, '--tls-key', key], { encoding: 'utf8', timeout: 20000 });
		L.eq(r.status, 1, 'exit status');
		L.assert(/chmod 600/.test(r.stderr + r.stdout), 'hint: ' + r.stderr);
		fs.chmodSync(key, 0o600);
	}],

	['HTTPS on the bridge port, with HSTS', async () => {
		ca = fs.readFileSync(cert);
		spawnSync(passwdBin, ['-c', users, 'alice'], { input: 'wonderland\n' });
		br = await L.startBridge({ topic, args: ['--tls-cert', cert, '--tls-key', key,
		    '--users', users], healthy: async (port) => (await get('/healthz', {}, port)).status === 200 });
		L.assert(/listening on https:/.test(br.logText()), 'log says https');
		const r = await get('/');
		L.eq(r.status, 200, 'GET /');
		L.assert(/max-age=\d+/.test(r.headers['strict-transport-security'] || ''),
		    'HSTS: ' + JSON.stringify(r.headers));
		L.eq(JSON.parse((await get('/config')).body).tls, true, '/config says tls');
	}],

	['HTTP/1.1 only: a browser offered HTTP/2 gets 1.1, so its WebSocket is one', async () => {
		/*
		 * The bridge frames a connection's WebSocket frames itself; over
		 * HTTP/2 (RFC 8441, which Firefox uses when offered) they would
		 * need HTTP/2's framing instead.
		 */
		const proto = await new Promise((resolve, reject) => {
			const s = tls.connect({ host: '127.0.0.1', port: br.port, rejectUnauthorized: false,
			    ALPNProtocols: ['h2', 'http/1.1'] }, () => {
				const p = s.alpnProtocol;
				s.end();
				resolve(p);
			});
			s.on('error', reject);
		});
		L.eq(proto, 'http/1.1', 'ALPN protocol');
	}],

	['plain HTTP on that port gets no page', async () => {
		const r = await L.httpGet(br.port, '/').catch((e) => ({ status: 'error ' + e.message }));
		L.assert(r.status !== 200, 'plain HTTP answered 200');
	}],

	['the session cookie is Secure; WSS with it carries messages', async () => {
		const r = await post('/login', 'username=alice&password=wonderland',
		    { 'Content-Type': 'application/x-www-form-urlencoded' });
		L.eq(r.status, 204, 'login');
		const c = r.headers['set-cookie'][0];
		L.assert(c.split(';').map((s) => s.trim()).includes('Secure'), 'Secure: ' + c);
		const cookie = c.split(';')[0];
		const url = `wss://127.0.0.1:${br.port}/ws/${L.ulid()}?ext=1`;
		const ws = await L.Client.open(url, { ca, headers: { Cookie: cookie } });
		ws.send({ username: 'alice', message: 'over TLS', room: 'general', ref: 't1' });
		await ws.wait('ack', (f) => f.type === 'ack' && f.ref === 't1');
		br.ws = ws;
		br.cookie = cookie;
	}],

	['SIGHUP: a new certificate for new connections; open ones carry on', async () => {
		L.eq(await servedName(), 'first', 'before');
		const cert2 = path.join(dir, 'cert2.pem'), key2 = path.join(dir, 'key2.pem');
		makeCert('second', cert2, key2);
		fs.renameSync(key2, key);
		fs.renameSync(cert2, cert);
		br.proc.kill('SIGHUP');
		await L.until('the new certificate', async () => await servedName() === 'second');
		br.ws.send({ username: 'alice', message: 'still here', room: 'general', ref: 't2' });
		await br.ws.wait('ack after the reload', (f) => f.type === 'ack' && f.ref === 't2');
		L.eq(br.ws.closed, null, 'the old connection is open');
		ca = fs.readFileSync(cert);
		L.eq((await get('/healthz')).status, 200, 'HTTPS with the new certificate');
		br.ws.close();
	}],
]);

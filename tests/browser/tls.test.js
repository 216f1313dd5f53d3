/*
 * tls.test.js - the web client in Chromium from a bridge serving HTTPS
 * (--tls-cert, --tls-key; a certificate the test makes with openssl): the
 * page comes over HTTP/1.1 (the bridge offers no HTTP/2, where its
 * WebSocket frames do not belong), its WebSocket is wss:// to the same
 * port, and two people chat both ways through it.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const L = require('./lib.js');

const topic = L.uniqueTopic('tls');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kchat-tls-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
let bridge, browser, alice, bob;
const sockets = [];

before(async () => {
	const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes',
	    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
	    '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
	assert.equal(r.status, 0, 'openssl: ' + r.stderr);
	fs.chmodSync(key, 0o600);
	bridge = await L.startBridge({ topic, tls: true, args: ['--tls-cert', cert, '--tls-key', key] });
	browser = await L.launch();
});

after(async () => {
	for (const p of [alice, bob]) {
		if (p && p.problems.length > 0)
			console.log(`# problems seen by ${p.name}:\n# ` + p.problems.join('\n# '));
	}
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
	fs.rmSync(dir, { recursive: true, force: true });
});

test('the page over HTTPS and HTTP/1.1, its WebSocket wss:// to the same port', async () => {
	alice = await L.person(browser, bridge.url, 'alice', {
		ignoreHTTPSErrors: true,
		beforeLoad: (context, page) => page.on('websocket', (ws) => sockets.push(ws.url())),
	});
	const page = alice.page;

	assert.match(page.url(), new RegExp(`^https://127\\.0\\.0\\.1:${bridge.port}/`));
	const proto = await page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
	assert.equal(proto, 'http/1.1', 'the page came over HTTP/1.1');
	assert.ok(sockets.length >= 1, 'a WebSocket was opened');
	assert.match(sockets[0], new RegExp(`^wss://127\\.0\\.0\\.1:${bridge.port}/`));
});

test('two people chat both ways over wss://', async () => {
	bob = await L.person(browser, bridge.url, 'bob', { ignoreHTTPSErrors: true });
	await L.say(alice.page, 'hello over tls');
	await L.expectRows(bob.page, 'hello over tls');
	await L.say(bob.page, 'and back again');
	await L.expectRows(alice.page, 'and back again');
	assert.deepEqual(alice.problems, []);
	assert.deepEqual(bob.problems, []);
});

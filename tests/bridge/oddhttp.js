/*
 * oddhttp.js - HTTP the bridge must not serve, sent as raw bytes: methods
 * other than GET and HEAD on the page, a static file and /healthz (405, no
 * file), a request whose length is ambiguous (both Content-Length and
 * Transfer-Encoding, or two differing Content-Lengths: 400), and CONNECT,
 * which lws 4.1.6 would make a raw socket held open forever: a flood of
 * them is closed at once and an honest client is served meanwhile (a
 * bystander's ping and join history within lib.js's bounds) and after; a
 * WebSocket handshake whose key is not 16 bytes in base64 (403).
 */
'use strict';

const net = require('net');
const L = require('./lib');

const topic = L.uniqueTopic('oddhttp');
let br;

/*
 * Sends raw bytes; resolves with what came back once the server closed
 * (head: once a whole response head came, for answers that keep it open).
 */
function raw(port, text, ms = 5000, head = false) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let got = '';
		const timer = setTimeout(() => {
			s.destroy();
			reject(new Error(`the bridge kept the connection open ${ms} ms after: ` +
			    JSON.stringify(text.slice(0, 60)) + `; got ${JSON.stringify(got)}`));
		}, ms);
		s.on('data', (d) => {
			got += d.toString('latin1');
			if (head && got.includes('\r\n\r\n'))
				s.destroy();
		});
		s.on('error', () => {});
		s.on('close', () => {
			clearTimeout(timer);
			resolve(got);
		});
		s.write(text);
	});
}

function status(reply) {
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
	return m ? Number(m[1]) : 0;
}

L.run([
	['a bridge', async () => {
		br = await L.startBridge({ topic, staticDir: require('path').join(__dirname, '..', '..', 'static') });
	}],

	['methods other than GET and HEAD are refused, and no file goes out', async () => {
		for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST']) {
			for (const p of ['/', '/static/app.js', '/healthz']) {
				const reply = await raw(br.port, `${method} ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
				    'Content-Length: 0\r\nConnection: close\r\n\r\n');
				L.eq(status(reply), 405, `${method} ${p}`);
				L.assert(!/use strict|<!doctype/i.test(reply), `${method} ${p}: no file in ${reply}`);
			}
		}
		const ok = await raw(br.port, 'GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
		L.eq(status(ok), 200, 'GET still serves the file');
	}],

	['a request whose length is ambiguous is refused', async () => {
		const both = await raw(br.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n' +
		    'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n');
		L.eq(status(both), 400, 'Content-Length and Transfer-Encoding');
		const two = await raw(br.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n' +
		    'Content-Length: 5\r\nConnection: close\r\n\r\nhello');
		L.assert(status(two) === 400 || status(two) === 0,
		    `two differing Content-Lengths refused: ${JSON.stringify(two.slice(0, 80))}`);
	}],

	['a WebSocket key that is not 16 bytes in base64 is refused', async () => {
		const up = (key) => raw(br.port, 'GET /ws/k1 HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
		    'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
		    `Sec-WebSocket-Key: ${key}\r\n\r\n`, 3000, true);
		for (const key of ['x', 'AAAAAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAA!==',
		    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=='])
			L.eq(status(await up(key)), 403, `key ${key}`);
		/* A good key gets 101 (the connection then stays open). */
		const ok = await up('dGhlIHNhbXBsZSBub25jZQ==');
		L.assert(/HTTP\/1\.1 101/.test(ok), ok.slice(0, 120));
	}],

	['CONNECT is closed at once, however many', async () => {
		const req = 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n';
		await raw(br.port, req, 3000);
		/* A flood of them, all at once: each closed, none held. */
		const t0 = Date.now();
		await Promise.all(Array.from({ length: 300 }, () => raw(br.port, req, 10000)));
		console.log(`# 300 CONNECT sockets closed in ${Date.now() - t0} ms`);
		const r = await L.httpGet(br.port, '/healthz');
		L.eq(r.status, 200, 'an honest request is served');
		const c = await L.Client.open(br.url(undefined, '?ext=1'));
		c.send({ type: 'ping', ref: 'p' });
		await c.wait('pong', (f) => f.type === 'pong');
		c.close();
	}],

	['a bystander is served during a CONNECT flood, and after it', async () => {
		const req = 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n';
		const by = await L.Bystander.open(br);
		const measuring = by.measure(6);
		let sockets = 0, done = false;
		measuring.then(() => { done = true; });
		/* 100 at a time, again and again, while the bystander measures. */
		while (!done) {
			await Promise.all(Array.from({ length: 100 }, () => raw(br.port, req, 10000)));
			sockets += 100;
		}
		await measuring;
		console.log(`# ${sockets} CONNECT sockets during the bystander's 6 rounds`);
		await L.servedAgain(br, 'CONNECT flood');
		by.bounds(br, 'CONNECT flood');
		by.close();
	}],

	['SIGTERM exits 0', async () => {
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

/*
 * handshake.js - what the WebSocket handshake lets through: a handshake
 * naming another subprotocol than "kchat" ("http", "kchat-kafka": the
 * bridge's other lws protocols) is refused outright, so it cannot skip the
 * Origin check or the per-address cap; a bridge listening on loopback takes
 * the page's own origin only under a loopback Host with its port (DNS
 * rebinding: a foreign name resolving to 127.0.0.1; "127.0.0.1.evil.example"
 * is such a name, not an address), --allow-origin still adds origins, and a
 * bridge listening on every address takes the page's own origin only when
 * reached by address (a page under a host name needs --allow-origin) and
 * says so when it starts.
 */
'use strict';

const WebSocket = require('ws');
const L = require('./lib');

const topic = L.uniqueTopic('handshake');
let br;

/* 101 when the handshake succeeded (the socket is then kept in keep), else the HTTP status. */
function attempt(url, protocols, headers, keep) {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, protocols, { headers });
		ws.on('open', () => {
			if (keep)
				keep.push(ws);
			else
				ws.close();
			resolve(101);
		});
		ws.on('unexpected-response', (req, res) => {
			resolve(res.statusCode);
			req.destroy();
		});
		ws.on('error', (e) => resolve(String(e.message)));
	});
}

L.run([
	['bridge with a cap of 4 connections per address', async () => {
		br = await L.startBridge({ topic, args: ['--max-conns-per-ip', '4'] });
	}],

	['a foreign Origin is refused whatever subprotocol it names', async () => {
		const evil = { Origin: 'https://evil.example.com' };
		for (const p of [[], ['kchat'], ['http'], ['kchat-kafka'], ['http', 'kchat']])
			L.eq(await attempt(br.url(), p, evil), 403, `protocols ${JSON.stringify(p)}`);
		/* the page's own origin with "kchat" still works */
		L.eq(await attempt(br.url(), ['kchat'], { Origin: `http://127.0.0.1:${br.port}` }), 101,
		    'own origin, kchat');
	}],

	['subprotocols other than kchat cannot open a connection at all', async () => {
		const keep = [];
		const got = [];
		for (let i = 0; i < 12; i++)
			got.push(await attempt(br.url(), [i % 2 ? 'http' : 'kchat-kafka'], {}, keep));
		L.eq(got.filter((s) => s === 101).length, 0, 'no http/kchat-kafka WebSocket opened: ' + got);
		keep.forEach((w) => w.terminate());
		/* the cap still leaves room for real clients: nothing was counted */
		const real = [];
		for (let i = 0; i < 4; i++)
			L.eq(await attempt(br.url(), [], {}, real), 101, `real connection ${i}`);
		L.eq(await attempt(br.url(), [], {}), 403, 'fifth real connection over the cap');
		real.forEach((w) => w.close());
		await L.until('all closed', async () =>
		    await br.metric('kchat_bridge_connections_open') === 0);
	}],

	['on loopback, the own-origin rule wants a loopback Host (DNS rebinding)', async () => {
		const p = br.port;
		const at = (host, origin) => attempt(br.url(), [], { Host: host, Origin: origin });
		L.eq(await at(`127.0.0.1:${p}`, `http://127.0.0.1:${p}`), 101, '127.0.0.1');
		L.eq(await at(`localhost:${p}`, `http://localhost:${p}`), 101, 'localhost');
		L.eq(await at(`LocalHost:${p}`, `https://LocalHost:${p}`), 101, 'case, https');
		L.eq(await at(`[::1]:${p}`, `http://[::1]:${p}`), 101, '[::1]');
		L.eq(await at(`evil.example:${p}`, `http://evil.example:${p}`), 403, 'rebound name');
		L.eq(await at('evil.example', 'http://evil.example'), 403, 'rebound name, no port');
		L.eq(await at(`localhost:${p + 1}`, `http://localhost:${p + 1}`), 403, 'another port');
		L.eq(await at('localhost', 'http://localhost'), 403, 'no port: 80, not ours');
		L.eq(await at(`localhost.evil.example:${p}`, `http://localhost.evil.example:${p}`), 403,
		    'a name starting with localhost');
		L.eq(await at(`127.0.0.1.evil.example:${p}`, `http://127.0.0.1.evil.example:${p}`), 403,
		    'a name starting with 127.');
		L.eq(await at(`127.1.2.3:${p}`, `http://127.1.2.3:${p}`), 101, 'another loopback address');
		L.eq(await at(`[::ffff:127.0.0.1]:${p}`, `http://[::ffff:127.0.0.1]:${p}`), 403,
		    'a mapped address is no loopback literal');
		L.eq(await attempt(br.url(), [], { Host: `evil.example:${p}` }), 101,
		    'no Origin (not a browser): accepted');
	}],

	['--allow-origin still adds origins on loopback', async () => {
		const b = await L.startBridge({ topic, args: ['--allow-origin', 'http://chat.example.org'] });
		const at = (host, origin) => attempt(b.url(), [], { Host: host, Origin: origin });
		L.eq(await at('chat.example.org', 'http://chat.example.org'), 101, 'listed origin');
		L.eq(await at('evil.example', 'http://evil.example'), 403, 'others still refused');
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['listening on every address: own origin by address only, names need --allow-origin', async () => {
		const b = await L.startBridge({ topic, args: ['-H', '0.0.0.0'] });
		const at = (host, origin) => attempt(b.url(), [], { Host: host, Origin: origin });
		L.eq(await at(`chat.example.org:${b.port}`, `http://chat.example.org:${b.port}`), 403,
		    'own origin under a name (it could be rebound)');
		L.eq(await at(`127.0.0.1.evil.example:${b.port}`, `http://127.0.0.1.evil.example:${b.port}`),
		    403, 'a name that looks like an address');
		L.eq(await at(`192.0.2.7:${b.port}`, `http://192.0.2.7:${b.port}`), 101, 'by IP address');
		L.eq(await at(`localhost:${b.port}`, `http://localhost:${b.port}`), 101, 'localhost');
		L.eq(await at(`192.0.2.7:${b.port}`, 'http://evil.example'), 403, 'foreign origin');
		L.assert(/--allow-origin/.test(b.logText()), 'the start-up log says what to pass');
		L.eq((await b.stop()).code, 0, 'exit');
		const named = await L.startBridge({ topic, args: ['-H', '0.0.0.0',
		    '--allow-origin', 'https://chat.example.org'] });
		L.eq(await attempt(named.url(), [], { Host: 'chat.example.org',
		    Origin: 'https://chat.example.org' }), 101, 'a listed origin under its name');
		L.eq((await named.stop()).code, 0, 'exit');
	}],

	['SIGTERM exits 0', async () => {
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

/*
 * handshake.js - what the WebSocket handshake lets through: a handshake
 * naming another subprotocol than "kchat" ("http", "kchat-kafka": the
 * bridge's other lws protocols) is refused outright, so it cannot skip the
 * Origin check or the per-address cap.
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

	['SIGTERM exits 0', async () => {
		L.eq((await br.stop()).code, 0, 'exit');
	}],
]);

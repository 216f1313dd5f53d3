/*
 * wsframes.js - WebSocket frames sent as raw bytes (issue 15, item 10): a
 * close with a code no peer may send (RFC 6455 7.4: 5000, 65535, 1005) is
 * answered with 1002, protocol error, not echoed back as lws 4.1.6 would;
 * valid codes (1000, 4000) are echoed.
 */
'use strict';

const crypto = require('crypto');
const net = require('net');
const L = require('./lib');

const topic = L.uniqueTopic('wsframes');
let br;

/* Opens a WebSocket by hand, sends a masked close with code; the server's code. */
function closeWith(port, code) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = Buffer.alloc(0), up = false;
		const timer = setTimeout(() => {
			s.destroy();
			reject(new Error(`no close frame for ${code}`));
		}, 10000);
		s.on('error', () => {});
		s.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			if (!up) {
				const i = buf.indexOf('\r\n\r\n');
				if (i < 0)
					return;
				L.assert(/^HTTP\/1\.1 101/.test(buf.toString('latin1')), 'upgraded');
				buf = buf.slice(i + 4);
				up = true;
				const key = crypto.randomBytes(4);
				const p = Buffer.from([code >> 8, code & 255].map((b, j) => b ^ key[j]));
				s.write(Buffer.concat([Buffer.from([0x88, 0x82]), key, p]));
			}
			while (buf.length >= 2) {
				const op = buf[0] & 15, n = buf[1] & 127;
				if (buf.length < 2 + n)
					return;
				const body = buf.slice(2, 2 + n);
				buf = buf.slice(2 + n);
				if (op === 8) {
					clearTimeout(timer);
					s.destroy();
					resolve(n >= 2 ? body.readUInt16BE(0) : null);
				}
			}
		});
		s.write(`GET /ws/raw HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
		    `Connection: Upgrade\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n` +
		    'Sec-WebSocket-Version: 13\r\n\r\n');
	});
}

L.run([
	['a bridge', async () => {
		br = await L.startBridge({ topic });
	}],

	['a close code no peer may send is answered with 1002', async () => {
		for (const code of [5000, 65535, 1005, 999])
			L.eq(await closeWith(br.port, code), 1002, `close ${code}`);
	}],

	['valid close codes are echoed', async () => {
		for (const code of [1000, 1001, 4000])
			L.eq(await closeWith(br.port, code), code, `close ${code}`);
	}],
]);

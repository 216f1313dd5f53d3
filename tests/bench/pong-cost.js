/*
 * pong-cost.js - what a flood of unsolicited pongs from one client costs
 * kchat-bridge beside many idle connections: the bridge's CPU time per
 * pong, how long it took to read them all, and what a bystander's ping
 * waited meanwhile. A pong is a control frame that any client may send
 * at any time, outside every rate limit; a bridge whose keepalive did work
 * per connection held for each pong could be kept busy by one client.
 *
 *   ulimit -n 20000
 *   KAFKA_BOOTSTRAP_SERVERS=HOST:PORT node tests/bench/pong-cost.js \
 *       BUILD/bridge/kchat-bridge [IDLE [PONGS]]
 *
 * IDLE (default 10000) connections are opened first; then one raw socket
 * sends PONGS (default 200000) masked pongs of 8 bytes, and a JSON ping
 * whose answer says the bridge read them all. Prints a table and one JSON
 * line. A benchmark: it measures, it does not judge.
 */
'use strict';

const net = require('net');
const L = require('../bridge/lib');

const [idle = 10000, pongs = 200000] = process.argv.slice(3).map(Number);
const topic = L.uniqueTopic('pongcost');


/* A client frame: masked, as RFC 6455 requires; payload under 126 bytes. */
function frame(op, payload) {
	const mask = Buffer.from([0x5a, 0x17, 0xc3, 0x08]);
	const p = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
	return Buffer.concat([Buffer.from([0x80 | op, 0x80 | payload.length]), mask, p]);
}

/* Upgrades a raw socket; resolves with it once the 101 came. */
function rawOpen(port) {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1');
		let head = '';
		s.on('error', reject);
		s.on('data', function first(d) {
			head += d.toString('latin1');
			if (!head.includes('\r\n\r\n'))
				return;
			s.off('data', first);
			if (!head.startsWith('HTTP/1.1 101'))
				reject(new Error('upgrade refused: ' + head.split('\r\n')[0]));
			else
				resolve(s);
		});
		s.write(`GET /ws/flood HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
		    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
		    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
	});
}

L.run([
	['a flood of pongs beside idle connections', async () => {
		const br = await L.startBridge({ topic, shell: 'ulimit -n $(ulimit -Hn);',
		    args: ['--history', '0', '--max-conns-per-ip', '1000000',
		    '--conn-rate-per-ip', '1000000'] });
		const conns = await br.openIdle(idle);
		const by = await L.Client.open(br.url('bystander'));
		const s = await rawOpen(br.port);
		let answered = false, rx = '';
		s.on('data', (d) => {
			rx += d.toString('latin1');
			if (rx.includes('"pong"'))
				answered = true;
		});
		/* The bystander pings every 150 ms meanwhile (within --rate); the slowest counts. */
		let worst = 0, n = 0, stop = false;
		const pinging = (async () => {
			while (!stop) {
				const t = Date.now(), ref = `b${n++}`;
				by.send({ type: 'ping', ref });
				await by.wait(`pong ${ref}`, (f) => f.type === 'pong' && f.ref === ref, 60000);
				worst = Math.max(worst, Date.now() - t);
				await L.sleep(150);
			}
		})();
		const pong = frame(0xa, Buffer.from('01234567'));
		const chunk = Buffer.concat(Array(10000).fill(pong));
		const c0 = br.cpu(), t0 = Date.now();
		for (let sent = 0; sent < pongs; sent += 10000) {
			if (!s.write(chunk))
				await new Promise((r) => s.once('drain', r));
		}
		s.write(frame(0x1, Buffer.from('{"type":"ping","ref":"last"}')));
		await L.until('the bridge to read every pong', async () => answered, 600000);
		const secs = (Date.now() - t0) / 1000, used = br.cpu() - c0;
		stop = true;
		await pinging;
		const sent = Math.ceil(pongs / 10000) * 10000;
		console.log(`${idle} idle connections, ${sent} pongs from one client`);
		console.log(`read in ${secs.toFixed(2)} s; bridge CPU ${(used * 1e6 / sent).toFixed(2)} ` +
		    `us per pong (${used.toFixed(2)} s); a bystander's slowest ping meanwhile ${worst} ms`);
		console.log(JSON.stringify({ scenario: 'pong-cost', idle, pongs: sent,
		    secs, cpu_us_per_pong: used * 1e6 / sent, bystander_worst_ms: worst }));
		s.destroy();
		for (const c of conns)
			c.close();
		by.close();
		await br.stop();
	}],
]);

/*
 * basic.js - one bridge, real Kafka: HTTP endpoints, the documented
 * four-field client, acks with the message id, rooms (join, leave, /me),
 * a forged user name, invalid JSON and UTF-8.
 */
'use strict';

const L = require('./lib');

let bridge;
const topic = L.uniqueTopic('basic');
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

L.run([
	['bridge starts and /healthz says ok', async () => {
		bridge = await L.startBridge({ topic });
		const r = await L.httpGet(bridge.port, '/healthz');
		L.eq(r.status, 200, 'status');
		L.eq(JSON.parse(r.body).status, 'ok', 'healthz body');
		/* On libev's epoll loop, not lws's poll() over every connection. */
		L.assert(!/running on poll\(\)/.test(bridge.logText()), 'no fallback to poll()');
		const fds = require('fs').readdirSync(`/proc/${bridge.proc.pid}/fd`).map((f) => {
			try {
				return require('fs').readlinkSync(`/proc/${bridge.proc.pid}/fd/${f}`);
			} catch (e) {
				return '';
			}
		});
		L.assert(fds.includes('anon_inode:[eventpoll]'), 'an epoll descriptor');
	}],

	['static files, MIME types, CSP, 404 and no escape', async () => {
		let r = await L.httpGet(bridge.port, '/');
		L.eq(r.status, 200, '/');
		L.assert(r.body.includes('kchat test'), 'index.html served at /');
		L.assert(r.headers.get('content-type').startsWith('text/html'), 'html type');
		L.assert((r.headers.get('content-security-policy') || '').includes("default-src 'self'"),
		    'CSP header');
		r = await L.httpGet(bridge.port, '/static/css/chat.css');
		L.eq(r.status, 200, '/static/css/chat.css');
		L.assert(r.headers.get('content-type').startsWith('text/css'), 'css type');
		L.assert(/max-age=\d+/.test(r.headers.get('cache-control') || ''), 'cache header');
		r = await L.httpGet(bridge.port, '/static/app.js');
		L.assert(/javascript/.test(r.headers.get('content-type')), 'js type');
		r = await L.httpGet(bridge.port, '/static/missing.js');
		L.eq(r.status, 404, 'missing file');
		/* fetch() normalises "..", so speak HTTP by hand. */
		const raw = await new Promise((resolve, reject) => {
			const s = require('net').connect(bridge.port, '127.0.0.1', () =>
			    s.write('GET /static/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
			let buf = '';
			s.on('data', (d) => { buf += d; });
			s.on('end', () => resolve(buf));
			s.on('error', reject);
		});
		L.assert(!raw.includes('root:'), 'no directory escape');
	}],

	['HEAD /healthz: the status without a body', async () => {
		const res = await fetch(`http://127.0.0.1:${bridge.port}/healthz`, { method: 'HEAD' });
		L.eq(res.status, 200, 'status');
		L.eq(await res.text(), '', 'no body');
		/* the connection goes on serving GETs */
		L.eq((await L.httpGet(bridge.port, '/healthz')).status, 200, 'GET after HEAD');
	}],

	['/metrics is Prometheus text', async () => {
		const r = await L.httpGet(bridge.port, '/metrics');
		L.eq(r.status, 200, 'status');
		L.assert(r.headers.get('content-type').startsWith('text/plain'), 'type');
		for (const m of ['kchat_bridge_connections_open', 'kchat_bridge_uptime_seconds',
		    'kchat_bridge_consumer_lag', 'kchat_bridge_deliveries_total',
		    'kchat_bridge_drops_total{reason="slow_client"}',
		    'kchat_bridge_send_queue_bytes', 'kchat_bridge_history_queued'])
			L.assert(r.body.split('\n').some((l) => l.startsWith(m + ' ')), m);
		/* No family clashes with a counter's name without _total (OpenMetrics). */
		const names = r.body.split('\n').filter((l) => l.startsWith('# TYPE '))
		    .map((l) => l.split(' ')[2]);
		for (const n of names.filter((n) => n.endsWith('_total')))
			L.assert(!names.includes(n.slice(0, -6)), 'name clash with ' + n);
	}],

	['the four documented fields round trip', async () => {
		const a = await L.Client.open(bridge.url());
		const b = await L.Client.open(bridge.url());
		a.send({ username: 'john_doe', message: 'Hello, world!', room: 'general' });
		for (const c of [a, b]) {
			const f = await c.wait('the message', (f) => f.message === 'Hello, world!');
			L.eq(f.username, 'john_doe', 'username');
			L.eq(f.room, 'general', 'room');
			L.assert(TS.test(f.timestamp), 'timestamp shape ' + f.timestamp);
			L.eq(Object.keys(f).slice(0, 4), ['username', 'message', 'timestamp', 'room'],
			    'the four fields first');
		}
		/* A plain client gets nothing but chat frames (no hello, no acks). */
		L.assert(a.frames.every((f) => 'username' in f && 'message' in f),
		    'plain client frames: ' + JSON.stringify(a.frames));
		a.close();
		b.close();
	}],

	['ack carries the id Kafka stored; /me is an action', async () => {
		const c = await L.Client.open(bridge.url(undefined, '?ext=1'));
		await c.wait('hello', (f) => f.type === 'hello');
		c.send({ type: 'message', username: 'ann', message: 'with ack', ref: 'r1' });
		const ack = await c.wait('ack', (f) => f.type === 'ack' && f.ref === 'r1');
		L.assert(/^[0-9A-HJKMNP-TV-Z]{26}$/.test(ack.id), 'ULID in ack');
		const echo = await c.wait('echo', (f) => f.message === 'with ack');
		L.eq(echo.id, ack.id, 'ack id is the message id');
		c.send({ type: 'action', username: 'ann', message: 'waves', ref: 'r2' });
		const act = await c.wait('action', (f) => f.message === 'waves');
		L.eq(act.type, 'action', 'type');
		c.close();
	}],

	['join and leave rooms', async () => {
		const a = await L.Client.open(bridge.url(undefined, '?ext=1'));
		const b = await L.Client.open(bridge.url(undefined, '?ext=1'));
		a.send({ type: 'join', room: 'rust', username: 'ann', ref: 'j' });
		b.send({ type: 'join', room: 'rust', username: 'bob', ref: 'j' });
		const joined = await a.wait('joined', (f) => f.type === 'joined' && f.room === 'rust');
		L.eq(joined.rooms, ['general', 'rust'], 'rooms after join');
		await b.wait('joined', (f) => f.type === 'joined' && f.room === 'rust');
		await a.wait("bob's join record", (f) => f.type === 'join' && f.username === 'bob' && f.room === 'rust');
		b.send({ type: 'message', username: 'bob', message: 'in rust', room: 'rust', ref: 'm' });
		await a.wait('message in rust', (f) => f.message === 'in rust' && f.room === 'rust');
		a.send({ type: 'leave', room: 'rust', ref: 'l' });
		const left = await a.wait('left', (f) => f.type === 'left');
		L.eq(left.rooms, ['general'], 'rooms after leave');
		await b.wait("ann's leave record", (f) => f.type === 'leave' && f.username === 'ann');
		b.send({ type: 'message', username: 'bob', message: 'after ann left', room: 'rust', ref: 'm2' });
		b.send({ type: 'message', username: 'bob', message: 'marker in general', room: 'general', ref: 'm3' });
		await a.wait('marker', (f) => f.message === 'marker in general');
		L.assert(!a.find((f) => f.message === 'after ann left'), 'no messages of a left room');
		a.close();
		b.close();
	}],

	['a forged user name is refused', async () => {
		const c = await L.Client.open(bridge.url());
		c.send({ username: 'mallory', message: 'first' });
		await c.wait('own message', (f) => f.message === 'first');
		c.send({ username: 'alice', message: 'I am alice' });
		const e = await c.wait('error', (f) => f.type === 'error');
		L.eq(e.code, 'username_mismatch', 'code');
		c.send({ username: 'mallory', message: 'second' });
		await c.wait('own second message', (f) => f.message === 'second');
		L.assert(!c.find((f) => f.message === 'I am alice'), 'forged message not sent');
		c.close();
	}],

	['invalid JSON and invalid UTF-8 get an error, the connection stays', async () => {
		const c = await L.Client.open(bridge.url());
		c.send('{"username": "x", "message": ');
		let e = await c.wait('syntax error', (f) => f.type === 'error');
		L.eq(e.code, 'json_syntax', 'code');
		c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
		await c.wait('second error', (f) => f.type === 'error' && f !== e);
		c.send({ username: 'utf', message: 'still here' });
		await c.wait('still connected', (f) => f.message === 'still here');
		/* A refused message names the ref it was sent with. */
		c.send({ username: 'utf', message: 'bell \u0007 here', ref: 'bad-1' });
		e = await c.wait('error with ref', (f) => f.type === 'error' && f.ref === 'bad-1');
		L.eq(e.code, 'text_control', 'code');
		/* So is one of blanks only: it would show as an empty line. */
		c.send({ username: 'utf', message: ' \t\u00a0\u3000\u200b', ref: 'bad-2' });
		e = await c.wait('blank refused', (f) => f.type === 'error' && f.ref === 'bad-2');
		L.eq(e.code, 'text_empty', 'code');
		L.eq(c.closed, null, 'not closed');
		c.close();
	}],

	['static files over one keep-alive connection keep their own headers', async () => {
		/* Two requests on one connection: the second must carry its own
		 * type and body, not the first's. */
		const http = require('http');
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = (p) => new Promise((resolve, reject) => {
			http.get({ host: '127.0.0.1', port: bridge.port, path: p, agent }, (res) => {
				let body = '';
				res.on('data', (d) => { body += d; });
				res.on('end', () => resolve({ type: res.headers['content-type'], body,
				    socket: res.socket }));
			}).on('error', reject);
		});
		const a = await get('/');
		const b = await get('/static/css/chat.css');
		const c2 = await get('/static/app.js');
		L.assert(a.socket === b.socket && b.socket === c2.socket, 'one connection');
		L.assert(/text\/html/.test(a.type), `page type ${a.type}`);
		L.assert(/text\/css/.test(b.type) && b.body === 'body { margin: 0 }\n', `css ${b.type} ${JSON.stringify(b.body)}`);
		L.assert(/javascript/.test(c2.type) && c2.body === 'console.log("kchat");\n', `js ${c2.type}`);
		agent.destroy();
	}],

	['SIGTERM exits 0', async () => {
		const e = await bridge.stop();
		L.eq(e.code, 0, 'exit code');
	}],

	['--event-loop poll: lws\'s own loop, the same chat; a loop it has not is refused', async () => {
		const p = await L.startBridge({ topic, args: ['--event-loop', 'poll'] });
		L.assert(/running on poll\(\) \(--event-loop poll\)/.test(p.logText()), 'logged');
		const fds = require('fs').readdirSync(`/proc/${p.proc.pid}/fd`).map((f) => {
			try {
				return require('fs').readlinkSync(`/proc/${p.proc.pid}/fd/${f}`);
			} catch (e) {
				return '';
			}
		});
		L.assert(!fds.includes('anon_inode:[eventpoll]'), 'no epoll descriptor');
		const a = await L.Client.open(p.url(undefined, '?ext=1'));
		const b = await L.Client.open(p.url());
		await a.wait('hello', (f) => f.type === 'hello');
		a.send({ type: 'message', username: 'ann', message: 'on poll', ref: 'p1' });
		await a.wait('ack', (f) => f.type === 'ack' && f.ref === 'p1');
		await b.wait('the message', (f) => f.message === 'on poll');
		a.close();
		b.close();
		L.eq((await p.stop()).code, 0, 'exit code');
		const r = require('child_process').spawnSync(process.argv[2], ['--event-loop', 'select'],
		    { encoding: 'utf8' });
		L.assert(r.status !== 0 && /event-loop: libev or poll/.test(r.stderr),
		    `refused: ${r.status} ${r.stderr}`);
	}],
]);

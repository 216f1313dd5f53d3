/*
 * lib.js - helpers for the web client's browser tests: the real broker's
 * address, a kchat-bridge on a free port with its own topic, headless
 * Chromium (Debian's) driven by playwright-core, people in their own browser
 * contexts, and polling waits (never fixed sleeps).
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { chromium } = require('playwright-core');
const { kchatUserColour } = require('../../static/colour.js');

const sourceDir = process.env.KCHAT_SOURCE_DIR || path.resolve(__dirname, '..', '..');
const buildDir = process.env.KCHAT_BUILD_DIR || path.join(sourceDir, 'build');
const bridgeBin = process.env.KCHAT_BRIDGE || path.join(buildDir, 'bridge', 'kchat-bridge');
const recBin = path.join(buildDir, 'tests', 'kchat-rec');
const passwdBin = path.join(buildDir, 'passwd', 'kchat-passwd');
const artifacts = path.join(buildDir, 'artifacts');
const chromiumBin = process.env.KCHAT_CHROMIUM || '/usr/bin/chromium';

fs.mkdirSync(artifacts, { recursive: true });
let people = 0;

function brokers() {
	if (process.env.KAFKA_BOOTSTRAP_SERVERS)
		return process.env.KAFKA_BOOTSTRAP_SERVERS;
	const f = process.env.KCHAT_KAFKA_FILE;
	if (!f || !fs.existsSync(f))
		throw new Error('no broker: set KAFKA_BOOTSTRAP_SERVERS or KCHAT_KAFKA_FILE');
	return fs.readFileSync(f, 'utf8').trim();
}

function uniqueTopic(name) {
	return `kchat-web-${name}-${process.pid}-${Date.now()}`;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = s.address().port;
			s.close(() => resolve(port));
		});
	});
}

/* Polls fn() until it returns something truthy, else fails after ms. */
async function until(what, fn, ms = 20000) {
	const deadline = Date.now() + ms;
	let last;

	for (;;) {
		try {
			last = await fn();
		} catch (e) {
			last = e;
		}
		if (last && !(last instanceof Error))
			return last;
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}` +
			    (last instanceof Error ? `: ${last.message}` : ''));
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function healthy(port, tls = false) {
	if (tls) {
		/* The test's own certificate: not one Node knows. */
		return new Promise((resolve) => {
			require('https').get({ host: '127.0.0.1', port, path: '/healthz',
			    rejectUnauthorized: false, agent: false }, (res) => {
				res.resume();
				resolve(res.statusCode === 200);
			}).on('error', () => resolve(false));
		});
	}
	try {
		const r = await fetch(`http://127.0.0.1:${port}/healthz`);
		return r.status === 200;
	} catch (e) {
		return false;
	}
}

/*
 * Starts kchat-bridge on port (free if not given) for topic; resolves once
 * /healthz answers 200 (over HTTPS with opts.tls, when args give it a
 * certificate). Its log goes to artifacts/.
 */
async function startBridge(opts) {
	const port = opts.port || await freePort();
	const log = path.join(artifacts, `web-bridge-${opts.topic}-${port}.log`);
	const args = ['-b', brokers(), '-t', opts.topic, '-p', String(port),
	    '-H', '127.0.0.1', '--static-dir', path.join(sourceDir, 'static'), '-v',
	    ...(opts.args || [])];
	/* A topic the broker auto-creates may not have its partitions yet
	 * when the bridge asks for their offsets: start again then. */
	for (let attempt = 1; ; attempt++) {
		const out = fs.openSync(log, 'a');
		const proc = spawn(bridgeBin, args, { stdio: ['ignore', out, out] });
		let dead = null;
		const exited = new Promise((resolve) => proc.on('exit', (code, sig) => {
			dead = { code, sig };
			resolve(dead);
		}));
		fs.closeSync(out);
		try {
			await until(`kchat-bridge on port ${port} to be healthy (log ${log})`,
			    async () => {
				if (dead)
					throw new Error(`exited ${JSON.stringify(dead)}`);
				return await healthy(port, opts.tls);
			}, 30000);
		} catch (e) {
			if (dead && attempt < 3)
				continue;
			proc.kill('SIGKILL');
			throw new Error(e.message + '\n' + fs.readFileSync(log, 'utf8').slice(-2000));
		}
		return {
			port, proc, log, exited,
			url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
			async stop(signal = 'SIGTERM') {
				if (!dead)
					proc.kill(signal);
				return await exited;
			},
		};
	}
}

/*
 * A door between pages and the bridge on port: a TCP relay on a free port
 * of its own (url), which the test closes (every connection through it
 * drops, new ones are refused at once, as with a lost network) and opens
 * again, whatever the bridge behind it does meanwhile. mute() keeps the
 * connections through it now from hearing the bridge (what a page sends
 * still goes through, its answers never come back: a link that died one
 * way); connections made later are not muted.
 */
async function door(port) {
	const conns = new Set();
	const muted = new WeakSet();
	let open = true;
	const server = net.createServer((c) => {
		if (!open) {
			c.destroy();
			return;
		}
		const u = net.connect(port, '127.0.0.1');
		const end = () => {
			c.destroy();
			u.destroy();
			conns.delete(c);
		};
		conns.add(c);
		c.on('error', end).on('close', end);
		u.on('error', end).on('close', end);
		c.pipe(u);
		u.on('data', (b) => {
			if (!muted.has(c))
				c.write(b);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}/`,
		close() {
			open = false;
			for (const c of conns)
				c.destroy();
		},
		open() {
			open = true;
		},
		mute() {
			for (const c of conns)
				muted.add(c);
		},
		async stop() {
			this.close();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/* kchat-rec send ARGS, with env's KCHAT_REC_* set (kchat-rec's header). */
function recSend(args, env) {
	const r = spawnSync(recBin, ['send', brokers(), ...args],
	    { encoding: 'utf8', env: { ...process.env, ...env } });
	if (r.status !== 0)
		throw new Error(`kchat-rec failed (${r.status}): ${r.stderr}`);
}

/*
 * Produces a record as a terminal client would (libkchat, via kchat-rec);
 * id: the id it carries (another's, as any Kafka writer could), else new.
 */
function terminalSend(topic, type, room, user, text, to, id) {
	recSend([topic, type, room, user, text, ...(to ? [to] : [])],
	    id ? { KCHAT_REC_ID: id } : {});
}

/*
 * A terminal client's heartbeat in room on the presence topic, away with
 * the message away (or not away: null), as kchat-tui sends after /away;
 * text 'typing' says the user types, as kchat-tui sends while they do.
 */
function terminalHeartbeat(topic, room, user, away, text = '', agoMs = 0) {
	const env = {};

	if (away !== null)
		env.KCHAT_REC_AWAY = away;
	if (agoMs > 0)
		env.KCHAT_REC_AGO_MS = String(agoMs);
	recSend([topic + '.presence', 'heartbeat', room, user, text], env);
}

async function launch() {
	return chromium.launch({
		executablePath: chromiumBin,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}

/*
 * A person: their own browser context (storage, cookies), one page, and
 * what the page complained about (console errors, CSP violations, uncaught
 * exceptions), so a test can say "nothing went wrong".
 */
async function person(browser, url, name, opts = {}) {
	const context = await browser.newContext({
		/* A bridge on the test's own certificate (tls.test.js). */
		ignoreHTTPSErrors: !!opts.ignoreHTTPSErrors,
		viewport: opts.viewport || { width: 1280, height: 800 },
		colorScheme: opts.colorScheme || 'light',
		locale: 'en-GB',
		timezoneId: 'Europe/Berlin',
		deviceScaleFactor: 1,
	});
	const page = await context.newPage();
	const p = { name, context, page, problems: [] };

	page.setDefaultTimeout(20000);
	/* Every WebSocket frame, for the artifacts: what a failure looked like. */
	const frames = path.join(artifacts, `web-frames-${process.pid}-${++people}.log`);
	page.on('websocket', (ws) => {
		const log = (dir, f) => fs.appendFileSync(frames,
		    `${new Date().toISOString()} ${p.name} ${dir} ${String(f.payload).slice(0, 500)}\n`);
		ws.on('framesent', (f) => log('>>', f));
		ws.on('framereceived', (f) => log('<<', f));
		ws.on('close', () => fs.appendFileSync(frames, `${new Date().toISOString()} ${p.name} closed\n`));
	});
	page.on('console', (m) => {
		if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text()) &&
		    !/ERR_CONNECTION_REFUSED/.test(m.text()))
			p.problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => p.problems.push(`page error: ${e.message}`));
	if (opts.beforeLoad)
		await opts.beforeLoad(context, page);
	await page.goto(url);
	if (name !== null) {
		await page.locator('#welcome-name').fill(name);
		await page.locator('#welcome-name').press('Enter');
		await online(page);
	}
	return p;
}

async function online(page) {
	await page.locator('#status[data-state="online"]').waitFor();
}

/* Types text into the composer and presses Enter. */
async function say(page, text) {
	const box = page.locator('#composer-input');

	await box.fill(text);
	await box.press('Enter');
}

/* The message rows of the current room whose text contains text. */
function rows(page, text) {
	return page.locator('#messages li.msg', { hasText: text });
}

/* Waits until exactly n rows contain text (default 1). */
async function expectRows(page, text, n = 1, ms = 20000) {
	try {
		await until(`${n} message(s) "${text}"`, async () =>
		    (await rows(page, text).count()) === n, ms);
	} catch (e) {
		e.message += ` (found ${await rows(page, text).count()} in ` +
		    `${await page.locator('#room-title').textContent()})`;
		throw e;
	}
}

function roomButton(page, key) {
	return page.locator(`button.room-button[data-room="${key}"]`);
}

async function badge(page, key) {
	const b = roomButton(page, key).locator('.badge');

	return (await b.isHidden()) ? '' : (await b.textContent());
}

async function shot(page, file) {
	const f = path.join(artifacts, file);

	await page.screenshot({ path: f });
	return f;
}

module.exports = {
	brokers, uniqueTopic, freePort, until, startBridge, door, recSend,
	terminalSend, terminalHeartbeat, launch,
	person, online, say, rows, expectRows, roomButton, badge, shot, artifacts,
	kchatUserColour, passwdBin,
};

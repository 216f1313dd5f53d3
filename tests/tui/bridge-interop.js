/*
 * bridge-interop.js KCHAT-BRIDGE KCHAT-TUI - a terminal user and a browser
 * user talk through kchat-bridge and the real broker, both ways: the TUI
 * (line mode) says something and a WebSocket client that knows only the
 * four documented fields receives it with those fields; that client sends
 * the four-field frame and the TUI prints it; an action and a direct
 * message cross too; /who in the TUI and "who" at the bridge agree; the
 * TUI's leave reaches the browser. Uses tests/bridge/lib.js's helpers.
 */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const L = require('../bridge/lib');

const tuiBin = process.argv[3];
const topic = L.uniqueTopic('tui-interop');
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

/* kchat-tui --line: lines in on stdin, one plain line per message out. */
class Tui {
	constructor(user) {
		const home = path.join(L.workDir, 'home-' + user);
		fs.mkdirSync(home, { recursive: true });
		this.out = '';
		this.err = '';
		this.proc = spawn(tuiBin, ['--line', '-u', user, '-r', 'general',
		    '-b', L.brokers(), '-t', topic], {
			stdio: ['pipe', 'pipe', 'pipe'],
			env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home,
			    TZ: 'UTC', LC_ALL: 'C.UTF-8', KCHAT_USER: '' },
		});
		this.proc.stdout.on('data', (d) => { this.out += d; });
		this.proc.stderr.on('data', (d) => { this.err += d; });
		this.exited = new Promise((resolve) =>
		    this.proc.on('exit', (code, sig) => resolve({ code, sig })));
	}
	say(line) {
		this.proc.stdin.write(line + '\n');
	}
	lines() {
		return this.out.split('\n');
	}
	/* The first output line containing s, waited for. */
	wait(what, s, ms = 20000) {
		return L.until(`${what} (TUI output so far:\n${this.out}${this.err})`,
		    () => this.lines().find((l) => l.includes(s)), ms);
	}
	count(s) {
		return this.lines().filter((l) => l.includes(s)).length;
	}
}

let br, web, tui;

L.run([
	['a bridge, a four-field WebSocket client and a TUI on one topic', async () => {
		br = await L.startBridge({ topic });
		web = await L.Client.open(br.url());
		tui = new Tui('term_user');
		await tui.wait('the TUI connected', 'connection: connected');
		await tui.wait('its own join', '#general --> term_user has joined');
		/* the bridge reads the topic: the TUI's join reaches the page */
		await web.wait('the TUI\'s join', (f) => f.username === 'term_user' &&
		    f.type === 'join');
	}],

	['the TUI says something; the browser gets the four fields', async () => {
		tui.say('hello from the terminal ✓');
		const f = await web.wait('the TUI line', (f) =>
		    f.message === 'hello from the terminal ✓');
		L.eq([f.username, f.message, f.room], ['term_user',
		    'hello from the terminal ✓', 'general'], 'documented fields');
		L.assert(TS.test(f.timestamp), `timestamp shape: ${f.timestamp}`);
		const age = Date.now() - Date.parse(f.timestamp + 'Z');
		L.assert(age >= -5000 && age < 60000, `timestamp is UTC now: ${f.timestamp}`);
		/* its own line, acknowledged, in the TUI */
		await tui.wait('the TUI line acknowledged', '<term_user> hello from the terminal ✓');
	}],

	['the browser sends the four-field frame; the TUI prints it', async () => {
		web.send({ username: 'web_user', message: 'hello from the browser', room: 'general' });
		const l = await tui.wait('the browser line', '<web_user> hello from the browser');
		L.assert(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} #general <web_user> hello from the browser$/.test(l),
		    `plain line: ${l}`);
		/* and exactly once, as the web client gets its own echo once */
		await web.wait('the echo', (f) => f.message === 'hello from the browser');
		L.eq(tui.count('<web_user> hello from the browser'), 1, 'shown once');
	}],

	['actions and direct messages cross too', async () => {
		tui.say('/me waves at the web');
		const a = await web.wait('the action', (f) => f.message === 'waves at the web');
		L.eq([a.type, a.username], ['action', 'term_user'], 'action');
		tui.say('/msg web_user just for you');
		const d = await web.wait('the dm', (f) => f.message === 'just for you');
		L.eq([d.type, d.username, d.to], ['dm', 'term_user', 'web_user'], 'dm');
		web.send({ type: 'dm', username: 'web_user', to: 'term_user', message: 'got it, thanks' });
		await tui.wait('the dm at the TUI', '@web_user <web_user> got it, thanks');
	}],

	['/who in the TUI and "who" at the bridge agree', async () => {
		tui.say('/who');
		await tui.wait('/who in the TUI', '-!- 2 in #general: term_user web_user');
		web.send({ type: 'who', room: 'general' });
		const p = await web.wait('presence from the bridge', (f) =>
		    f.type === 'presence' && f.room === 'general');
		L.eq([...p.users].sort(), ['term_user', 'web_user'], 'users');
	}],

	['the TUI leaves at end of input; the browser sees it', async () => {
		tui.proc.stdin.end();
		const e = await tui.exited;
		L.eq(e.code, 0, `TUI exit (stderr: ${tui.err})`);
		await web.wait('the leave', (f) => f.type === 'leave' && f.username === 'term_user');
		web.close();
		L.eq((await br.stop()).code, 0, 'bridge exit');
	}],
]);

/*
 * moved.js - partitions added to the chat topic while a bridge and a
 * terminal run move a room to another partition (kchat(7), TOPICS): the
 * room still shows its whole history, older pages reaching into the
 * partition it had before, and its new messages, in both clients.
 *   node moved.js KCHAT-BRIDGE KCHAT-TUI KCHAT-REC
 */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const L = require('./lib');

const [tuiBin, recBin] = process.argv.slice(3);
const topic = L.uniqueTopic('moved');
const work = L.workDir;
let room = null, b = null, tui = null;
const tuis = [];
process.on('exit', () => tuis.forEach((t) => t.kill('SIGKILL')));

function rec(...args) {
	const r = spawnSync(recBin, args, { encoding: 'utf8' });
	L.eq(r.status, 0, `kchat-rec ${args.join(' ')}: ${r.stderr}`);
	return r.stdout.trim();
}
const say = (text) => rec('send', L.brokers(), topic, 'message', room, 'otto', text);

L.run([
	['a room with history, then partitions added (3 to 5) that move it', async () => {
		for (let i = 0; room === null; i++) {
			const r = `room${i}`;
			if (rec('partition', r, '3') !== rec('partition', r, '5'))
				room = r;
		}
		/* the bridge makes the topics: 3 partitions, presence alike; its
		 * producer learns of added partitions within a second */
		b = await L.startBridge({ topic, args: ['--history', '3',
		    '-X', 'topic.metadata.refresh.interval.ms=1000'] });
		for (let i = 0; i < 4; i++)
			say(`before ${i}`);
		const out = fs.openSync(path.join(work, 'tui.out'), 'a');
		tui = spawn(tuiBin, ['--line', '-u', 'tess', '-b', L.brokers(), '-t', topic,
		    '-r', room, '--history', '50'], { stdio: ['pipe', out, out] });
		tuis.push(tui);
		await L.until('the terminal to show the history', async () =>
		    fs.readFileSync(path.join(work, 'tui.out'), 'utf8').includes('before 3'));
		rec('partitions', L.brokers(), topic, '5');
		/* Until a running producer learns of them, it writes a moved room
		 * to its old partition: wait until the bridge's writes another
		 * moved room to its new one. */
		let probe = null;
		for (let i = 0; probe === null; i++) {
			const r = `probe${i}`;
			if (rec('partition', r, '3') !== rec('partition', r, '5'))
				probe = r;
		}
		const part = rec('partition', probe, '5');
		const c = await L.Client.open(b.url(undefined, '?ext=1'));
		let n = 0;
		await L.until('the bridge to write to the new partitions', async () => {
			c.send({ type: 'message', username: 'pat', room: probe, message: `probe ${n}`, ref: `q${n}` });
			await c.wait(`ack ${n}`, (f) => f.type === 'ack' && f.ref === `q${n}`);
			n++;
			const r = spawnSync('kcat', ['-b', L.brokers(), '-C', '-t', topic, '-p', part, '-e', '-q',
			    '-f', '%k\n'], { encoding: 'utf8' });
			return r.stdout.includes(probe);
		}, 30000);
		c.close();
		for (let i = 0; i < 2; i++)
			say(`after ${i}`);
	}],

	['the web client gets all of it, page by page, and new messages live', async () => {
		const c = await L.Client.open(b.url(undefined, '?ext=1'));
		c.send({ type: 'join', room, ref: 'j' });
		let page = await c.wait('history', (f) => f.type === 'history' && f.room === room);
		const seen = page.messages.filter((m) => m.type === 'message');
		for (let n = 0; page.more && n < 10; n++) {
			const low = Math.min(...page.messages.map((m) => m.offset));
			c.send({ type: 'history', room, before_offset: low, limit: 2, ref: `p${n}` });
			page = await c.wait(`page ${n}`, (f) => f.type === 'history' && f.ref === `p${n}`);
			seen.unshift(...page.messages.filter((m) => m.type === 'message'));
		}
		L.eq(seen.map((m) => m.message),
		    ['before 0', 'before 1', 'before 2', 'before 3', 'after 0', 'after 1'],
		    'the whole history, oldest first');
		L.assert(seen.slice(0, 4).every((m) => m.offset < -1),
		    `older records carry moved offsets: ${JSON.stringify(seen.map((m) => m.offset))}`);
		L.eq(page.more, false, 'nothing older');
		c.send({ type: 'message', username: 'wendy', room, message: 'live after the move', ref: 'm' });
		await c.wait('the live line', (f) => f.type === 'message' && f.message === 'live after the move');
		c.close();
	}],

	['the terminal gets the new messages and, joining again, the whole history', async () => {
		const text = () => fs.readFileSync(path.join(work, 'tui.out'), 'utf8');
		await L.until('the terminal to read the moved room', async () =>
		    text().includes('live after the move') && text().includes('after 1'));
		tui.stdin.end('/quit\n');
		const out = fs.openSync(path.join(work, 'tui2.out'), 'a');
		const t2 = spawn(tuiBin, ['--line', '-u', 'tom', '-b', L.brokers(), '-t', topic,
		    '-r', room, '--history', '50'], { stdio: ['pipe', out, out] });
		tuis.push(t2);
		const text2 = () => fs.readFileSync(path.join(work, 'tui2.out'), 'utf8');
		await L.until('a new terminal to show the whole history', async () =>
		    ['before 0', 'before 3', 'after 1', 'live after the move'].every((t) => text2().includes(t)));
		const order = ['before 0', 'before 3', 'after 0', 'live after the move'].map((t) => text2().indexOf(t));
		L.eq(order, [...order].sort((x, y) => x - y), `in order:\n${text2()}`);
		t2.stdin.end('/quit\n');
		await b.stop();
	}],
]);

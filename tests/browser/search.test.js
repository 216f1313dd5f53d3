/*
 * search.test.js - the web client's search box and jump buttons (issue
 * 14, items 4 and 7) in headless Chromium against a real kchat-bridge:
 * Ctrl+K searches the room through the bridge ("search"), any case, the
 * match marked; choosing a result far older than the page holds loads the
 * messages around it and highlights it there; "Jump to newest" shows while
 * scrolled up and counts the messages that arrive meanwhile; mentions
 * notify (opt-in) when the tab is hidden, not while it is watched.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const L = require('./lib.js');

const topic = L.uniqueTopic('search');
const N = 600;		/* records of #lib, the match among the oldest */
let bridge, browser, alice;

/* Records of room produced at once, as a terminal would write them. */
function produce(room, texts) {
	const py = `
import json, os, random, subprocess, sys, tempfile, time, msgpack
texts = json.load(sys.stdin)
ab = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
base = int(time.time() * 1000) - 600000
with tempfile.TemporaryDirectory() as d:
    files = []
    for i, text in enumerate(texts):
        ms, t = base + i, ""
        for _ in range(10):
            t, ms = ab[ms % 32] + t, ms // 32
        rid = t + "".join(random.choice(ab) for _ in range(16))
        rec = {"v": 1, "id": rid, "type": "message", "room": sys.argv[3],
               "user": "ann", "text": text, "ts": (base + i) * 1000}
        p = os.path.join(d, "%06d" % i)
        open(p, "wb").write(msgpack.packb(rec, use_bin_type=True))
        files.append(p)
    subprocess.run(["kcat", "-P", "-b", sys.argv[1], "-t", sys.argv[2], "-k", sys.argv[3],
        "-X", "partitioner=murmur2_random"] + files, check=True)
`;
	const r = spawnSync('/usr/bin/python3', ['-c', py, L.brokers(), topic, room],
	    { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 26 });
	if (r.status !== 0)
		throw new Error(`kcat produce failed: ${r.stderr}`);
}

before(async () => {
	const texts = [];
	for (let i = 0; i < N; i++)
		texts.push(i === 20 ? 'the Needle of old' : `filler ${i}`);
	produce('lib', texts);
	bridge = await L.startBridge({ topic, args: ['--history', '10'] });
	browser = await L.launch();
	alice = await L.person(browser, bridge.url, 'alice', {
		beforeLoad: async (context) => {
			/* Desktop notifications, recorded instead of shown. */
			await context.addInitScript(() => {
				window.__notes = [];
				window.Notification = class {
					constructor(title, o) {
						window.__notes.push(title + ': ' + (o && o.body));
					}
					close() {}
					static get permission() { return 'granted'; }
					static requestPermission() { return Promise.resolve('granted'); }
				};
			});
		},
	});
	const page = alice.page;
	await page.locator('#join-input').fill('lib');
	await page.locator('#join-input').press('Enter');
	await L.expectRows(page, `filler ${N - 1}`);
});

after(async () => {
	if (alice && alice.problems.length > 0)
		console.log('# problems seen by alice:\n# ' + alice.problems.join('\n# '));
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

test('Ctrl+K searches the room through the bridge, any case, the match marked', async () => {
	const page = alice.page;

	assert.equal(await L.rows(page, 'the Needle of old').count(), 0, 'not on the page yet');
	await page.locator('#composer-input').focus();
	await page.keyboard.press('Control+k');
	await page.locator('#search-input:focus').waitFor();
	await page.locator('#search-input').fill('');
	await page.locator('#search-input').press('Enter');
	await page.locator('#search-status', { hasText: 'Type what to look for.' }).waitFor();
	await page.locator('#search-input').fill('nEEDLE');
	await page.locator('#search-input').press('Enter');
	await page.locator('#search-status', { hasText: '1 message with \u201cnEEDLE\u201d among the last 6' }).waitFor();
	const hits = page.locator('#search-results .search-hit');
	assert.equal(await hits.count(), 1);
	assert.match(await hits.first().textContent(), /ann\s*the Needle of old/);
	assert.equal(await hits.first().locator('mark').textContent(), 'Needle');
	await L.shot(page, 'web-search-results.png');
});

test('choosing a result loads the messages around it and highlights it', async () => {
	const page = alice.page;

	await page.locator('#search-results .search-hit').first().click();
	const hit = page.locator('#messages li.msg.hit', { hasText: 'the Needle of old' });
	await hit.waitFor();
	await L.until('the result scrolled into view', async () => hit.evaluate((n) => {
		const r = n.getBoundingClientRect(), s = document.getElementById('scroller').getBoundingClientRect();
		return r.top >= s.top && r.bottom <= s.bottom;
	}));
	/* what came before it, and after */
	for (const n of [19, 21])
		await page.locator('#messages li.msg', { hasText: new RegExp(`filler ${n}(?!\\d)`) }).waitFor();
	assert.ok(await page.locator('#search').isHidden(), 'the search panel made way');
	await L.shot(page, 'web-search-jump.png');
});

test('"Jump to newest" while scrolled up counts new messages, and goes down', async () => {
	const page = alice.page;
	const jump = page.locator('#jump');

	await jump.filter({ hasText: 'Jump to newest' }).waitFor();
	L.terminalSend(topic, 'message', 'lib', 'tui_tom', 'new while scrolled up 1');
	await jump.filter({ hasText: '1 new message' }).waitFor();
	L.terminalSend(topic, 'message', 'lib', 'tui_tom', 'new while scrolled up 2');
	await jump.filter({ hasText: '2 new messages' }).waitFor();
	await jump.click();
	await L.until('at the bottom', async () => page.evaluate(() => {
		const s = document.getElementById('scroller');
		return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
	}));
	await L.until('the button gone', async () => jump.isHidden());
	L.terminalSend(topic, 'message', 'lib', 'tui_tom', 'new at the bottom');
	await L.expectRows(page, 'new at the bottom');
	assert.ok(await jump.isHidden(), 'no button at the bottom');
});

test('a mention notifies while the tab is hidden, not while it is watched', async () => {
	const page = alice.page;

	await page.locator('#notify-toggle').click();
	await page.locator('#notify-toggle[aria-pressed="true"]').waitFor();
	L.terminalSend(topic, 'message', 'lib', 'tui_tom', 'alice: seen here');
	await L.expectRows(page, 'alice: seen here');
	assert.deepEqual(await page.evaluate(() => window.__notes), [], 'watched: no notification');
	await page.evaluate(() => {
		Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
		Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
		document.dispatchEvent(new Event('visibilitychange'));
	});
	L.terminalSend(topic, 'message', 'lib', 'tui_tom', 'alice: while away');
	await L.until('a notification', async () =>
	    (await page.evaluate(() => window.__notes.length)) === 1);
	assert.match((await page.evaluate(() => window.__notes))[0], /tui_tom in #lib: alice: while away/);
});

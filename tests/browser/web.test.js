/*
 * web.test.js - the web client (static/) in headless Chromium against a
 * real kchat-bridge and the real Kafka broker of the test suite.
 *
 * One bridge (own topic, free port) and one browser; each person has their
 * own browser context. The tests run in order and build on each other
 * (alice and bob stay connected throughout), as a person's session would.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const L = require('./lib.js');

const topic = L.uniqueTopic('client');
let bridge, browser, alice, bob;
const everyone = [];

before(async () => {
	/* --history 10: paging older messages needs only a few dozen. */
	bridge = await L.startBridge({ topic, args: ['--history', '10'] });
	browser = await L.launch();
});

after(async () => {
	for (const p of everyone) {
		if (p.problems.length > 0)
			console.log(`# problems seen by ${p.name}:\n# ` + p.problems.join('\n# '));
	}
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

test('the page is served with a strict CSP and works under it', async () => {
	const r = await fetch(bridge.url);
	const csp = r.headers.get('content-security-policy') || '';

	assert.equal(r.status, 200);
	assert.match(csp, /default-src 'self'/, 'bridge sends a CSP');
	const html = await r.text();
	assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
	assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
	assert.doesNotMatch(html, /\sstyle\s*=/i, 'no inline styles');
	assert.doesNotMatch(html, /https?:\/\//i, 'nothing loaded from elsewhere');
	for (const f of ['/static/style.css', '/static/app.js', '/static/colour.js']) {
		const s = await fetch(bridge.url.replace(/\/$/, '') + f);
		assert.equal(s.status, 200, f);
	}
});

test('the client is ES modules, served as JavaScript, imported in one direction', async () => {
	const base = bridge.url.replace(/\/$/, '');
	const html = await (await fetch(bridge.url)).text();
	assert.match(html, /<script type="module" src="\/static\/app\.js"><\/script>/);
	/* Every module the page loads, by following the imports. */
	const graph = new Map();
	const todo = ['/static/app.js'];
	while (todo.length > 0) {
		const url = todo.shift();
		if (graph.has(url))
			continue;
		const r = await fetch(base + url);
		assert.equal(r.status, 200, url);
		assert.match(r.headers.get('content-type'), /^text\/javascript\b/, `${url} is served as JavaScript`);
		const src = await r.text();
		const deps = [...src.matchAll(/^import [^;]* from '([^']+)';$/gm)]
		    .map((m) => new URL(m[1], 'http://x' + url).pathname);
		graph.set(url, deps);
		todo.push(...deps);
	}
	for (const m of ['protocol', 'store', 'text', 'views', 'connection', 'composer'])
		assert.ok(graph.has(`/static/js/${m}.js`), `${m}.js is loaded`);
	/* No cycle: a module never imports, through others, one that imports it. */
	const reaches = (from, to, seen = new Set()) => graph.get(from).some((d) =>
	    d === to || (!seen.has(d) && seen.add(d) && reaches(d, to, seen)));
	for (const m of graph.keys())
		assert.ok(!reaches(m, m), `${m} is in an import cycle`);
	/* protocol.js is plain logic: no state, no DOM, no socket. */
	assert.deepEqual(graph.get('/static/js/protocol.js'), []);
});

test('a name is asked once; two people chat in real time', async () => {
	alice = await L.person(browser, bridge.url, null);
	everyone.push(alice);
	const page = alice.page;

	/* First visit: the name form, with its label. */
	await page.locator('#welcome-name').waitFor();
	assert.equal(await page.locator('label[for="welcome-name"]').textContent(), 'Your name');
	await page.locator('#welcome-name').fill('not a name!');
	await page.locator('#welcome-name').press('Enter');
	await page.locator('#welcome-error', { hasText: 'letters' }).waitFor();
	await page.locator('#welcome-name').fill('alice');
	await page.locator('#welcome-name').press('Enter');
	await L.online(page);
	alice.name = 'alice';
	assert.equal(await page.locator('#room-title').textContent(), '#general');

	bob = await L.person(browser, bridge.url, 'bob');
	everyone.push(bob);

	await L.say(page, 'hello bob, anyone here?');
	const mine = L.rows(page, 'hello bob, anyone here?');
	await mine.and(page.locator('[data-state="sent"]')).waitFor();
	await L.expectRows(bob.page, 'hello bob, anyone here?');

	/* Same colour rule as the terminal client: FNV-1a mod 12. */
	const nick = L.rows(bob.page, 'hello bob').locator('.nick');
	assert.equal(await nick.textContent(), 'alice');
	assert.match(await nick.getAttribute('class'), new RegExp(`\\bu-c${L.kchatUserColour('alice')}\\b`));
	const c1 = await nick.evaluate((n) => getComputedStyle(n).color);
	const bobNick = bob.page.locator('#me-name');
	const c2 = await bobNick.evaluate((n) => getComputedStyle(n).color);
	assert.notEqual(c1, c2, 'alice and bob have different colours');

	/* A local-time timestamp with the exact instant in datetime. */
	const t = L.rows(bob.page, 'hello bob').locator('time');
	assert.match(await t.textContent(), /^\d\d:\d\d$/);
	assert.ok(Math.abs(Date.parse(await t.getAttribute('datetime')) - Date.now()) < 120000);

	/* Presence: both see both. */
	await L.until('alice sees bob in the room', async () =>
	    (await page.locator('#member-list').textContent()).includes('bob'));
	await L.until('bob sees alice in the room', async () =>
	    (await bob.page.locator('#member-list').textContent()).includes('alice'));

	/* Typing indicator. */
	await bob.page.locator('#composer-input').fill('typing something');
	await page.locator('#typing', { hasText: 'bob is typing' }).waitFor();

	/* A mention is highlighted; an action is shown as one. */
	await L.say(bob.page, 'hi alice, welcome!');
	await L.rows(page, 'hi alice, welcome!').and(page.locator('.mention')).waitFor();
	assert.equal(await L.rows(page, 'hi alice, welcome!').locator('mark').textContent(), 'alice');
	await L.say(bob.page, '/me waves');
	await page.locator('#messages li.msg[data-type="action"]', { hasText: 'waves' }).waitFor();
	await page.locator('#typing:empty').waitFor();

	/* Shift+Enter makes a new line; Enter sends. */
	const box = page.locator('#composer-input');
	await box.fill('');
	await box.type('line one');
	await box.press('Shift+Enter');
	await box.type('line two');
	await box.press('Enter');
	await L.until('a two-line message at bob', async () => {
		const texts = await bob.page.locator('#messages li.msg .text').allTextContents();
		return texts.includes('line one\nline two');
	});
	assert.equal(await box.inputValue(), '');
});

test('direct messages reach only the conversation', async () => {
	/* alice opens a conversation from the people list. */
	await alice.page.locator('#member-list button', { hasText: 'bob' }).click();
	assert.equal(await alice.page.locator('#room-title').textContent(), '@bob');
	await L.say(alice.page, 'psst, a secret for you');
	await L.rows(alice.page, 'psst').and(alice.page.locator('[data-state="sent"]')).waitFor();

	/* bob gets a new conversation with an unread badge, not a row in #general. */
	await L.until('bob has a conversation with alice', async () =>
	    (await L.badge(bob.page, '@alice')) === '1');
	assert.equal(await L.rows(bob.page, 'psst').count(), 0);
	await L.roomButton(bob.page, '@alice').click();
	await L.expectRows(bob.page, 'psst, a secret for you');
	await L.say(bob.page, 'got it');
	await L.expectRows(alice.page, 'got it');
	await L.roomButton(bob.page, 'general').click();
	await L.roomButton(alice.page, 'general').click();
});

test('a direct message to someone in none of my rooms says they will see it when they come back', async () => {
	const page = alice.page;
	const warning = page.locator('#messages li.note', { hasText: 'ghost is in none of your rooms' });

	await L.say(page, '/msg ghost are you there?');
	assert.equal(await page.locator('#room-title').textContent(), '@ghost');
	await L.rows(page, 'are you there?').and(page.locator('[data-state="sent"]')).waitFor();
	await warning.waitFor();
	assert.match(await warning.textContent(), /they will see it when they come back \(within 7 days\)/);
	/* Said once, not under every message. */
	await L.say(page, 'still there?');
	await L.rows(page, 'still there?').and(page.locator('[data-state="sent"]')).waitFor();
	assert.equal(await warning.count(), 1);
	await L.say(page, '/close');
	await L.roomButton(page, '@ghost').waitFor({ state: 'detached' });

	/* bob is here: no such line in the conversation with him. */
	await L.roomButton(page, '@bob').click();
	await L.say(page, 'you are here, I know');
	await L.rows(page, 'you are here').and(page.locator('[data-state="sent"]')).waitFor();
	await L.roomButton(bob.page, '@alice').click();
	await L.expectRows(bob.page, 'you are here, I know');
	assert.equal(await page.locator('#messages li.note', { hasText: 'none of your rooms' }).count(), 0);
	await L.roomButton(page, 'general').click();
	await L.roomButton(bob.page, 'general').click();
});


test('a direct message sent while someone was away is shown when they come', async () => {
	/* bob writes to dora, who has never been here. */
	await L.say(bob.page, '/msg dora welcome, dora: read this when you come');
	await L.rows(bob.page, 'welcome, dora').and(bob.page.locator('[data-state="sent"]')).waitFor();
	await L.roomButton(bob.page, 'general').click();

	const dora = await L.person(browser, bridge.url, 'dora');
	everyone.push(dora);
	/* The stored one is in her conversation with bob, unread. */
	await L.until('dora has a conversation with bob', async () =>
	    (await L.badge(dora.page, '@bob')) === '1');
	await L.roomButton(dora.page, '@bob').click();
	await L.expectRows(dora.page, 'welcome, dora: read this when you come');
	assert.equal(await L.rows(dora.page, 'welcome, dora').locator('.nick').textContent(), 'bob');
	assert.equal(await L.badge(dora.page, '@bob'), '');
	await dora.context.close();
});
test('room switching and unread counts', async () => {
	/* bob creates #dev from the sidebar; alice joins with /join. */
	await bob.page.locator('#join-input').fill('dev');
	await bob.page.locator('#join-input').press('Enter');
	await bob.page.locator('#room-title', { hasText: '#dev' }).waitFor();
	await L.say(alice.page, '/join dev');
	await alice.page.locator('#room-title', { hasText: '#dev' }).waitFor();
	await L.until('alice sees bob in #dev', async () =>
	    (await alice.page.locator('#member-list').textContent()).includes('bob'));
	await L.roomButton(alice.page, 'general').click();
	await alice.page.locator('#room-title', { hasText: '#general' }).waitFor();

	await L.say(bob.page, 'dev one');
	await L.say(bob.page, 'dev two');
	await L.say(bob.page, 'dev three, alice: look');
	await L.until('alice has 3 unread in #dev', async () =>
	    (await L.badge(alice.page, 'dev')) === '3');
	assert.match(await L.roomButton(alice.page, 'dev').locator('.badge').getAttribute('class'), /\bhot\b/,
	    'a mention makes the badge stand out');
	assert.match(await alice.page.title(), /^\(3\) /);
	assert.match(await L.roomButton(alice.page, 'dev').getAttribute('aria-label'), /3 unread/);
	assert.equal(await L.rows(alice.page, 'dev one').count(), 0, '#general shows only #general');

	await L.roomButton(alice.page, 'dev').click();
	await L.expectRows(alice.page, 'dev one');
	await L.expectRows(alice.page, 'dev three');
	assert.equal(await L.badge(alice.page, 'dev'), '');
	assert.equal(await L.roomButton(alice.page, 'dev').getAttribute('aria-current'), 'page');
	assert.doesNotMatch(await alice.page.title(), /^\(/);
	/* Messages of #general are not in #dev. */
	assert.equal(await L.rows(alice.page, 'hello bob').count(), 0);
});

test('history after a reload, and older messages when scrolling up', async () => {
	/* 25 messages in #long from bob (the page paces them under the limit). */
	await L.say(bob.page, '/join long');
	await bob.page.locator('#room-title', { hasText: '#long' }).waitFor();
	for (let i = 1; i <= 25; i++)
		await L.say(bob.page, `long message ${String(i).padStart(2, '0')}`);
	await L.until('bob\'s 25 messages acknowledged', async () =>
	    (await bob.page.locator('#messages li.msg.own[data-state="sent"]').count()) === 25, 30000);

	await L.say(alice.page, '/join long');
	await alice.page.locator('#room-title', { hasText: '#long' }).waitFor();
	/* The bridge sends the last 10 records on join (join records count). */
	await L.expectRows(alice.page, 'long message 25');
	await L.expectRows(alice.page, 'long message 18');
	assert.ok(await L.rows(alice.page, 'long message').count() <= 10);
	assert.equal(await L.rows(alice.page, 'long message 0').count(), 0);

	/* Reload: name, rooms and the current room are remembered; history
	 * comes back from Kafka. */
	await alice.page.reload();
	await L.online(alice.page);
	assert.ok(await alice.page.locator('#welcome').isHidden(), 'name not asked again');
	assert.equal(await alice.page.locator('#room-title').textContent(), '#long');
	for (const r of ['general', 'dev', 'long'])
		await L.roomButton(alice.page, r).waitFor();
	await L.expectRows(alice.page, 'long message 25');

	/* Scroll up: the next page, then the rest, in order, once each. */
	const scroller = alice.page.locator('#scroller');
	for (let page = 0; page < 2; page++) {
		const before = await alice.page.locator('#messages li.msg').count();
		await scroller.evaluate((s) => { s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); });
		await L.until('older messages', async () =>
		    (await alice.page.locator('#messages li.msg').count()) > before);
	}
	await L.expectRows(alice.page, 'long message 01');
	await alice.page.locator('#older', { hasText: 'beginning of #long' }).waitFor();
	const texts = (await alice.page.locator('#messages li.msg[data-type="message"] .text')
	    .allTextContents()).filter((t) => t.startsWith('long message'));
	assert.deepEqual(texts, Array.from({ length: 25 },
	    (_, i) => `long message ${String(i + 1).padStart(2, '0')}`));

	/* History of #general after the reload: earlier messages, once. */
	await L.roomButton(alice.page, 'general').click();
	await L.expectRows(alice.page, 'hello bob, anyone here?');
	await L.expectRows(alice.page, 'hi alice, welcome!');
	/* The conversation with bob is kept on this device. */
	await L.roomButton(alice.page, '@bob').click();
	await L.expectRows(alice.page, 'psst, a secret for you');
	await L.roomButton(alice.page, 'general').click();
	await L.roomButton(bob.page, 'general').click();
	await bob.page.locator('#room-title', { hasText: '#general' }).waitFor();
});

test('a message from the terminal client appears in the page', async () => {
	L.terminalSend(topic, 'message', 'general', 'tui_tom', 'hello from the terminal');
	await L.expectRows(alice.page, 'hello from the terminal');
	await L.expectRows(bob.page, 'hello from the terminal');
	const nick = L.rows(alice.page, 'hello from the terminal').locator('.nick');
	assert.equal(await nick.textContent(), 'tui_tom');
	assert.match(await nick.getAttribute('class'), new RegExp(`\\bu-c${L.kchatUserColour('tui_tom')}\\b`));
	L.terminalSend(topic, 'action', 'general', 'tui_tom', 'waves from a terminal');
	await alice.page.locator('#messages li.msg[data-type="action"]', { hasText: 'waves from a terminal' }).waitFor();
});

test('someone /away in a terminal is marked away in the people list', async () => {
	const member = alice.page.locator('#members li', { hasText: 'tui_tom' });

	L.terminalHeartbeat(topic, 'general', 'tui_tom', 'lunch, back at 2');
	await member.locator('.away').waitFor();
	assert.equal(await member.locator('.away').textContent(), ' away');
	assert.match(await member.locator('button').getAttribute('aria-label'),
	    /^tui_tom, away,/);
	L.terminalHeartbeat(topic, 'general', 'tui_tom', null);
	await member.locator('.away').waitFor({ state: 'detached' });
	await alice.page.locator('#members li', { hasText: 'tui_tom' }).waitFor();
});

test('/away in the page marks you away for the others, /away alone brings you back', async () => {
	const box = bob.page.locator('#composer-input');
	const bobAtAlice = alice.page.locator('#members li', { hasText: 'bob' });

	await box.fill('/away reading papers');
	await box.press('Enter');
	await bobAtAlice.locator('.away').waitFor();
	assert.match(await bobAtAlice.locator('button').getAttribute('aria-label'),
	    /^bob, away,/);
	await box.fill('/away');
	await box.press('Enter');
	await bobAtAlice.locator('.away').waitFor({ state: 'detached' });
});

test('someone typing in a terminal shows as typing in the page', async () => {
	L.terminalHeartbeat(topic, 'general', 'tui_tom', null, 'typing');
	await alice.page.locator('#typing', { hasText: 'tui_tom is typing' }).waitFor();
	L.terminalSend(topic, 'message', 'general', 'tui_tom', 'typed it');
	await L.expectRows(alice.page, 'typed it');
	await alice.page.locator('#typing:empty').waitFor();
	/*
	 * A "typing" written a moment before that message, read after it (the
	 * presence topic is another topic, read in no common order with the
	 * chat's): stale, not shown. One written after it is.
	 */
	L.terminalHeartbeat(topic, 'general', 'tui_tom', null, 'typing', 1500);
	L.terminalHeartbeat(topic, 'general', 'tui_ted', null, 'typing');
	await alice.page.locator('#typing', { hasText: 'tui_ted is typing' }).waitFor();
	assert.doesNotMatch(await alice.page.locator('#typing').textContent(), /tui_tom/);
	L.terminalHeartbeat(topic, 'general', 'tui_tom', null, 'typing');
	await alice.page.locator('#typing', { hasText: 'tui_tom' }).waitFor();
});

test('a message of blanks only (spaces, zero-width characters) is not sent', async () => {
	const failed = alice.page.locator('#messages li.msg[data-state="failed"]');
	const before = await failed.count();

	await L.say(alice.page, '\u200b \u00a0\u3164\u200b');
	assert.equal(await alice.page.locator('#composer-input').inputValue(), '');
	/* Answered in order: once this one is sent, a blank one would have
	 * been refused (text_empty) and shown as failed. */
	await L.say(alice.page, 'after the blanks');
	await L.rows(alice.page, 'after the blanks')
	    .and(alice.page.locator('[data-state="sent"]')).waitFor();
	assert.equal(await failed.count(), before);
});

test('an XSS payload is shown as text and runs nothing', async () => {
	const payloads = [
		'<img src=x onerror="window.__xss=1">',
		'<script>window.__xss=2</script>',
		'"><svg onload=window.__xss=3>',
		'javascript:window.__xss=4',
		'see https://example.com/a?b=1&c=<i>d</i> and javascript://x',
	];
	for (const p of payloads)
		await L.say(bob.page, p);
	for (const p of payloads) {
		await L.until(`"${p}" as text at alice`, async () => {
			const texts = await alice.page.locator('#messages li.msg .text').allTextContents();
			return texts.includes(p);
		});
	}
	const inside = await alice.page.evaluate(() => ({
		xss: window.__xss,
		img: document.querySelectorAll('#messages img, #messages script, #messages svg').length,
		links: Array.from(document.querySelectorAll('#messages a')).map((a) =>
		    ({ href: a.href, rel: a.rel, text: a.textContent })),
	}));
	assert.equal(inside.xss, undefined, 'no script ran');
	assert.equal(inside.img, 0, 'no markup was made from text');
	assert.ok(inside.links.length >= 1);
	for (const a of inside.links) {
		assert.match(a.href, /^https?:/, 'only http(s) links');
		assert.equal(a.rel, 'noopener noreferrer');
	}
	/* The link stops where markup would start. */
	assert.ok(inside.links.some((a) => a.text === 'https://example.com/a?b=1&c=' &&
	    a.href === 'https://example.com/a?b=1&c='), JSON.stringify(inside.links));
});

test('bidi controls and separators cannot reorder what is shown', async () => {
	/* "\u202Egnp.exe" would read "exe.png"; the terminal shows U+FFFD. */
	const tricks = ['see \u202Egnp.exe', 'a\u2066b\u2069c\u200Fd', 'line\u2028break'];
	for (const t of tricks)
		await L.say(bob.page, t);
	const shown = tricks.map((t) => t.replace(/[\u202E\u2066\u2069\u200F\u2028]/g, '\uFFFD'));
	await L.until('the tricks, made inert, at alice', async () => {
		const texts = await alice.page.locator('#messages li.msg .text').allTextContents();
		return shown.every((t) => texts.includes(t));
	});
	const isolated = await alice.page.evaluate(() =>
	    getComputedStyle(document.querySelector('#messages li.msg .text')).unicodeBidi);
	assert.equal(isolated, 'isolate', 'message text is a bidi isolate');
});

test('a message of hundreds of lines shows 50 and a button for the rest', async () => {
	const long = Array.from({ length: 300 }, (_, i) => `ln ${i + 1}`).join('\n');
	await L.say(bob.page, long);
	const more = alice.page.locator('#messages button.more-lines', { hasText: 'Show 250 more lines' });
	await more.waitFor();
	const id = await alice.page.locator('#messages li.msg',
	    { has: alice.page.locator('button.more-lines') }).last().getAttribute('data-id');
	const row = alice.page.locator(`#messages li.msg[data-id="${id}"]`);
	assert.match(await row.locator('.text').textContent(), /ln 50\n/);
	assert.doesNotMatch(await row.locator('.text').textContent(), /ln 51\b/);
	await more.click();
	await L.until('all 300 lines shown', async () =>
	    /ln 300$/.test(await row.locator('.text').textContent()));
});

test('text the chat refuses is caught before it is sent', async () => {
	await alice.page.evaluate(() => {
		document.getElementById('composer-input').value = 'ring \u0007 the bell';
	});
	await alice.page.locator('#composer-input').press('Enter');
	await alice.page.locator('#composer-error', { hasText: 'control character' }).waitFor();
	assert.equal(await L.rows(alice.page, 'the bell').count(), 0, 'not posted');
	assert.match(await alice.page.locator('#composer-input').inputValue(), /the bell/, 'text kept');
	await alice.page.locator('#composer-input').fill('');
});

test('an error about the text goes when the text is shortened or sent', async () => {
	const page = alice.page;
	const box = page.locator('#composer-input');
	const error = page.locator('#composer-error');

	await box.fill('x'.repeat(8200));
	await box.press('Enter');
	await page.locator('#composer-error', { hasText: 'too long: 8200 bytes' }).waitFor();
	/* Still too long: the count follows the text. */
	await box.press('Backspace');
	await page.locator('#composer-error', { hasText: 'too long: 8199 bytes' }).waitFor();
	/* Short enough: nothing stale stays under the composer. */
	await box.fill('x'.repeat(100));
	assert.equal(await error.textContent(), '');

	/* Too long again, then text put in without typing (as a paste by a
	 * script would) and sent: the error goes with the send. */
	await box.fill('y'.repeat(8300));
	await box.press('Enter');
	await page.locator('#composer-error', { hasText: 'too long' }).waitFor();
	await page.evaluate(() => {
		document.getElementById('composer-input').value = 'short enough now';
	});
	await box.press('Enter');
	await L.rows(page, 'short enough now').and(page.locator('[data-state="sent"]')).waitFor();
	assert.equal(await error.textContent(), '');
});

test('one person\'s consecutive messages show the name once', async () => {
	await L.say(bob.page, '/join runs');
	await bob.page.locator('#room-title', { hasText: '#runs' }).waitFor();
	await L.say(alice.page, '/join runs');
	await alice.page.locator('#room-title', { hasText: '#runs' }).waitFor();
	for (const t of ['run one', 'run two', 'run three'])
		await L.say(bob.page, t);
	await L.say(bob.page, '/me runs an action');
	await L.say(bob.page, 'run four');
	await L.expectRows(alice.page, 'run four');
	await L.say(alice.page, 'alice cuts in');
	await L.expectRows(bob.page, 'alice cuts in');
	await L.say(bob.page, 'run five');
	await L.expectRows(alice.page, 'run five');

	try {
		for (const p of [alice, bob]) {
			const shown = async (t) => {
				const r = L.rows(p.page, t);
				const box = await r.locator('.nick').first().boundingBox();
				return { cont: /\bcont\b/.test(await r.getAttribute('class')),
				    nick: box !== null && box.width > 1 };
			};
			/* A run: the name on its first line only (still there for
			 * screen readers). */
			assert.deepEqual(await shown('run one'), { cont: false, nick: true }, p.name);
			assert.deepEqual(await shown('run two'), { cont: true, nick: false }, p.name);
			assert.deepEqual(await shown('run three'), { cont: true, nick: false }, p.name);
			assert.equal(await L.rows(p.page, 'run two').locator('.nick').textContent(), 'bob');
			/* An action, or someone else speaking, ends it. */
			assert.deepEqual(await shown('runs an action'), { cont: false, nick: true }, p.name);
			assert.deepEqual(await shown('run four'), { cont: false, nick: true }, p.name);
			assert.deepEqual(await shown('alice cuts in'), { cont: false, nick: true }, p.name);
			assert.deepEqual(await shown('run five'), { cont: false, nick: true }, p.name);
		}
	} finally {
		await L.roomButton(alice.page, 'general').click();
		await L.roomButton(bob.page, 'general').click();
	}
});

test('reconnect after the bridge restarts: unconfirmed and queued messages go in the order written, nothing lost, nothing twice', async () => {
	const port = bridge.port;

	/* A frozen bridge never answers: the message stays pending... */
	bridge.proc.kill('SIGSTOP');
	await L.say(alice.page, 'in flight when the bridge died');
	const flight = L.rows(alice.page, 'in flight when the bridge died');
	await flight.and(alice.page.locator('[data-state="pending"]')).waitFor();
	/* ...and waits to be sent again, with its id, when the bridge dies. */
	await bridge.stop('SIGKILL');
	await flight.and(alice.page.locator('[data-state="queued"]')).waitFor();
	await alice.page.locator('#status-text', { hasText: /Disconnected|Reconnecting|Offline/ }).waitFor();

	/* Written while the bridge is away: waits, then goes out. */
	await L.say(alice.page, 'written while offline');
	await L.rows(alice.page, 'written while offline').and(alice.page.locator('[data-state="queued"]')).waitFor();
	/* Said by a terminal user while no bridge was there. */
	L.terminalSend(topic, 'message', 'general', 'tui_tom', 'said during the outage');

	bridge = await L.startBridge({ topic, port, args: ['--history', '10'] });
	await L.online(alice.page);
	await L.online(bob.page);
	await L.rows(alice.page, 'written while offline').and(alice.page.locator('[data-state="sent"]')).waitFor();
	await flight.and(alice.page.locator('[data-state="sent"]')).waitFor();
	await L.expectRows(bob.page, 'written while offline');
	await L.expectRows(bob.page, 'in flight when the bridge died');
	await L.expectRows(alice.page, 'said during the outage');
	await L.expectRows(bob.page, 'said during the outage');
	/* In Kafka, and so for every reader, in the order alice wrote them. */
	const texts = await bob.page.locator('#messages li.msg').evaluateAll((ns) =>
	    ns.map((n) => n.textContent));
	const at = (t) => texts.findIndex((x) => x.includes(t));
	assert.ok(at('in flight when the bridge died') < at('written while offline'),
	    'the message in flight comes before the one written after it');

	/* And the conversation goes on. */
	await L.say(bob.page, 'back again');
	await L.expectRows(alice.page, 'back again');

	for (const p of [alice, bob]) {
		const ids = await p.page.locator('#messages li.msg[data-id]').evaluateAll((ns) =>
		    ns.map((n) => n.dataset.id).filter((id) => id !== ''));
		assert.equal(new Set(ids).size, ids.length, `${p.name}: no message twice`);
		for (const t of ['hello bob, anyone here?', 'hi alice, welcome!',
		    'hello from the terminal', 'in flight when the bridge died'])
			await L.expectRows(p.page, t);
	}
});

test('keyboard only: name, send, new line, switch and join rooms', async () => {
	const carol = await L.person(browser, bridge.url, null);
	everyone.push(carol);
	const page = carol.page;
	const focused = () => page.evaluate(() => document.activeElement &&
	    (document.activeElement.id || document.activeElement.className));

	/* The name field has the focus on arrival. */
	await L.until('name field focused', async () => (await focused()) === 'welcome-name');
	await page.keyboard.type('carol');
	await page.keyboard.press('Enter');
	await L.online(page);
	carol.name = 'carol';
	assert.equal(await focused(), 'composer-input');
	await page.keyboard.type('typed with keys only');
	await page.keyboard.press('Enter');
	await L.rows(page, 'typed with keys only').and(page.locator('[data-state="sent"]')).waitFor();
	await L.expectRows(alice.page, 'typed with keys only');

	/* Tab reaches the room form, with a visible focus ring. */
	let steps = 0;
	while ((await focused()) !== 'join-input') {
		await page.keyboard.press('Tab');
		assert.ok(++steps < 40, 'the room form is reachable with Tab');
	}
	const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert.notEqual(ring, 'none', 'focus is visible');
	await page.keyboard.type('kbd');
	await page.keyboard.press('Enter');
	await page.locator('#room-title', { hasText: '#kbd' }).waitFor();
	assert.equal(await focused(), 'composer-input');

	/* Alt+Up/Down moves between rooms. */
	await page.keyboard.press('Alt+ArrowUp');
	await page.locator('#room-title', { hasText: '#general' }).waitFor();
	await page.keyboard.press('Alt+ArrowDown');
	await page.locator('#room-title', { hasText: '#kbd' }).waitFor();

	/* The skip link is the first stop and leads to the message box. */
	assert.equal(await page.evaluate(() => document.querySelector(
	    'a[href], button:not([disabled]), input, textarea').id), 'skip');
	steps = 0;
	while ((await focused()) !== 'skip') {
		await page.keyboard.press('Shift+Tab');
		assert.ok(++steps < 60, 'the skip link is reachable with Shift+Tab');
	}
	await page.keyboard.press('Enter');
	await L.until('skip link leads to the composer', async () => (await focused()) === 'composer-input');

	/* The new-message region is live; controls have names. */
	assert.equal(await page.locator('#announce').getAttribute('aria-live'), 'polite');
	const unnamed = await page.evaluate(() => Array.from(document.querySelectorAll(
	    'button, input, textarea')).filter((n) => n.offsetParent !== null &&
	    !(n.getAttribute('aria-label') || n.labels?.length || n.textContent.trim())).length);
	assert.equal(unnamed, 0, 'every visible control has a name');
	await carol.context.close();
});

test('on a phone, the slide-in panels have a close button, and Esc closes them', async () => {
	const erin = await L.person(browser, bridge.url, 'erin', { viewport: { width: 360, height: 740 } });
	everyone.push(erin);
	const page = erin.page;
	const hidden = (id) => async () => page.locator(id).evaluate((n) =>
	    getComputedStyle(n).visibility === 'hidden');
	const shown = (id) => async () => page.locator(id).evaluate((n) =>
	    getComputedStyle(n).visibility === 'visible');

	await L.until('room list hidden', hidden('#sidebar'));
	await page.locator('#rooms-toggle').click();
	await L.until('room list open', shown('#sidebar'));
	await page.locator('#rooms-close').click();
	await L.until('room list closed by its button', hidden('#sidebar'));
	assert.equal(await page.evaluate(() => document.activeElement.id), 'rooms-toggle');

	await page.locator('#users-toggle').click();
	await L.until('people open', shown('#members'));
	assert.equal(await page.locator('#members-close').getAttribute('aria-label'),
	    'Close the list of people');
	await page.locator('#members-close').click();
	await L.until('people closed by their button', hidden('#members'));
	assert.equal(await page.evaluate(() => document.activeElement.id), 'users-toggle');

	await page.locator('#users-toggle').click();
	await L.until('people open again', shown('#members'));
	await page.keyboard.press('Escape');
	await L.until('people closed by Esc', hidden('#members'));
	await page.locator('#rooms-toggle').click();
	await L.until('room list open again', shown('#sidebar'));
	await page.keyboard.press('Escape');
	await L.until('room list closed by Esc', hidden('#sidebar'));
	await erin.context.close();
});

test('notifications are asked for only on request', async () => {
	const dave = await L.person(browser, bridge.url, 'dave', {
		beforeLoad: async (context) => {
			await context.addInitScript(() => {
				window.__asked = 0;
				if (window.Notification) {
					const orig = Notification.requestPermission.bind(Notification);
					Notification.requestPermission = (...a) => {
						window.__asked++;
						return orig(...a);
					};
				}
			});
		},
	});
	everyone.push(dave);
	await L.say(bob.page, 'dave: a mention, while notifications are off');
	await L.expectRows(dave.page, 'a mention, while notifications');
	assert.equal(await dave.page.evaluate(() => window.__asked), 0, 'never asked unprompted');
	await dave.context.grantPermissions(['notifications']);
	await dave.page.locator('#notify-toggle').click();
	await dave.page.locator('#notify-toggle[aria-pressed="true"]').waitFor();
	await dave.context.close();
});

test('screenshots at phone and desktop width', async () => {
	const page = alice.page;
	const made = [];

	await L.roomButton(page, 'general').click();
	await L.expectRows(page, 'back again');
	for (const scheme of ['light', 'dark']) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const [w, h] of [[360, 740], [1280, 800]]) {
			await page.setViewportSize({ width: w, height: h });
			await L.until(`layout at ${w} px`, async () => page.evaluate((narrow) =>
			    (getComputedStyle(document.getElementById('rooms-toggle')).display !== 'none') === narrow,
			    w < 760));
			await L.until(`no sideways scrolling at ${w} px`, async () => page.evaluate(() =>
			    document.documentElement.scrollWidth <= window.innerWidth));
			await page.evaluate(() => {
				const s = document.getElementById('scroller');
				s.scrollTop = s.scrollHeight;
			});
			if (w === 360) {
				/* The room list is a drawer behind the menu button. */
				const hidden = () => page.locator('#sidebar').evaluate((n) =>
				    getComputedStyle(n).visibility === 'hidden');
				await L.until('room list hidden on a phone', hidden);
				await page.locator('#rooms-toggle').click();
				await L.until('drawer open', async () => page.locator('#sidebar').evaluate((n) =>
				    getComputedStyle(n).visibility === 'visible' &&
				    Math.abs(n.getBoundingClientRect().left) < 1));
				made.push(await L.shot(page, `web-${w}-${scheme}-rooms.png`));
				await page.keyboard.press('Escape');
				await L.until('drawer closed', hidden);
			}
			made.push(await L.shot(page, `web-${w}-${scheme}.png`));
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	for (const f of made)
		assert.ok(fs.statSync(f).size > 5000, `${f} is a real picture`);
	console.log('# screenshots: ' + made.join(' '));
});

test('while offline, who is here is shown as unknown; it is asked again on reconnect', async () => {
	const t = L.uniqueTopic('presence');
	let b = await L.startBridge({ topic: t });
	try {
		const frank = await L.person(browser, b.url, 'frank');
		const gina = await L.person(browser, b.url, 'gina');
		everyone.push(frank, gina);
		const page = frank.page;

		await page.locator('#room-sub', { hasText: '2 people here' }).waitFor();
		assert.equal(await page.locator('#users-count').textContent(), '2');
		assert.doesNotMatch(await page.locator('#member-list').getAttribute('class'), /\bstale\b/);

		await b.stop('SIGKILL');
		await page.locator('#status-text', { hasText: /Disconnected|Reconnecting|Offline/ }).waitFor();
		await page.locator('#room-sub', { hasText: 'Offline: who is here is unknown' }).waitFor();
		assert.equal(await page.locator('#users-count').textContent(), '');
		assert.match(await page.locator('#member-list').getAttribute('class'), /\bstale\b/);
		assert.match(await page.locator('#members-heading').textContent(), /when last online/);
		/* The last list is still there to read, dimmed. */
		assert.match(await page.locator('#member-list').textContent(), /gina/);
		assert.ok(Number(await page.locator('#member-list').evaluate((n) =>
		    getComputedStyle(n).opacity)) < 1);

		b = await L.startBridge({ topic: t, port: b.port });
		await L.online(page);
		await page.locator('#room-sub', { hasText: '2 people here' }).waitFor();
		await L.until('the list is fresh again', async () => !/\bstale\b/.test(
		    await page.locator('#member-list').getAttribute('class')));
		assert.match(await page.locator('#member-list').textContent(), /gina/);
		assert.equal(await page.locator('#members-heading').textContent(), 'In #general (2)');
		await frank.context.close();
		await gina.context.close();
	} finally {
		await b.stop();
	}
});

test('a server whose history was reset (a new embedded broker) says so, once', async () => {
	/* An embedded broker that starts afresh looks to a page like a bridge
	 * on the same address with a new, empty topic: offsets start again. */
	const t1 = L.uniqueTopic('before-reset'), t2 = L.uniqueTopic('after-reset');
	let b = await L.startBridge({ topic: t1 });
	const port = b.port;
	try {
		const hank = await L.person(browser, b.url, 'hank');
		everyone.push(hank);
		const page = hank.page;
		const resetNote = page.locator('#messages li.note', { hasText: 'history was reset' });

		await L.say(page, 'said before the reset, one');
		await L.say(page, 'said before the reset, two');
		await L.rows(page, 'reset, two').and(page.locator('[data-state="sent"]')).waitFor();
		await L.say(page, '/join hist');
		await page.locator('#room-title', { hasText: '#hist' }).waitFor();
		await L.say(page, 'in #hist before the reset');
		await L.rows(page, 'in #hist before').and(page.locator('[data-state="sent"]')).waitFor();
		await L.roomButton(page, 'general').click();

		await b.stop();
		b = await L.startBridge({ topic: t2, port });
		await L.online(page);
		await resetNote.waitFor();
		assert.match(await resetNote.textContent(),
		    /The server’s history was reset: the messages above are from before/);
		L.terminalSend(t2, 'message', 'general', 'tui_tom', 'said after the reset');
		await L.expectRows(page, 'said after the reset');
		/* In order: what was before, the line, what came after. */
		const texts = await page.locator('#messages li.msg .text').allTextContents();
		const at = (s) => texts.findIndex((x) => x.includes(s));
		assert.ok(at('reset, two') < at('history was reset') &&
		    at('history was reset') < at('said after the reset'), JSON.stringify(texts));
		/* The other room (joined again "since" its last offset) too. */
		await L.roomButton(page, 'hist').click();
		await L.expectRows(page, 'in #hist before the reset');
		await resetNote.waitFor();

		/* A plain restart of the same server is no reset. */
		await L.say(page, 'in #hist after the reset');
		await L.rows(page, 'in #hist after').and(page.locator('[data-state="sent"]')).waitFor();
		await L.roomButton(page, 'general').click();
		await b.stop();
		b = await L.startBridge({ topic: t2, port });
		await L.online(page);
		await L.say(page, 'after a plain restart');
		await L.rows(page, 'after a plain restart').and(page.locator('[data-state="sent"]')).waitFor();
		L.terminalSend(t2, 'message', 'hist', 'tui_tom', 'more in #hist');
		await L.until('#hist has news', async () => (await L.badge(page, 'hist')) === '1');
		await L.roomButton(page, 'hist').click();
		await L.expectRows(page, 'more in #hist');
		for (const r of ['hist', 'general']) {
			await L.roomButton(page, r).click();
			assert.equal(await resetNote.count(), 1, `one reset line in ${r}`);
		}
		await hank.context.close();
	} finally {
		await b.stop();
	}
});

test('a name someone online holds is refused, and another asked for', async () => {
	const other = await L.person(browser, bridge.url, null);
	everyone.push(other);
	const page = other.page;

	await page.locator('#welcome-name').waitFor();
	await page.locator('#welcome-name').fill('alice');
	await page.locator('#welcome-name').press('Enter');
	/* alice is online in her own browser: this one may not be her. */
	await page.locator('#welcome-error', { hasText: 'alice is in use' }).waitFor();
	assert.equal(await page.locator('#welcome').isVisible(), true);
	await page.locator('#welcome-name').fill('alice2');
	await page.locator('#welcome-name').press('Enter');
	await L.online(page);
	other.name = 'alice2';
	await L.say(page, 'I am the other one');
	await L.expectRows(alice.page, 'I am the other one');
	assert.equal(await L.rows(alice.page, 'I am the other one').locator('.nick').textContent(),
	    'alice2');
	/* alice, reloading her page (the same browser), is still alice. */
	await alice.page.reload();
	await L.online(alice.page);
	assert.equal(await alice.page.locator('#me-name').textContent(), 'alice');
	assert.equal(await alice.page.locator('#welcome').isVisible(), false);
});

test('no page ever hit a CSP violation or a script error', () => {
	for (const p of everyone)
		assert.deepEqual(p.problems, [], `${p.name}'s page`);
});

/*
 * readstate.test.js - a room's topic and read markers in the web client
 * (issue 14, items 1 and 2), in headless Chromium against a real bridge
 * and broker: /topic set by one person shows in the other's header; the
 * unread count of a room comes from the read marker, so it survives a
 * reload, and the room opens with a "New messages" line before the first
 * unread message; reading the room in one tab clears it in another tab of
 * the same person (the marker comes back through Kafka).
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('readstate');
let bridge, browser, alice, bob;
const got = [];		/* frames alice's pages received, parsed */

/* Keeps what every WebSocket of page receives in got. */
function watch(context, page) {
	page.on('websocket', (ws) => ws.on('framereceived', (f) => {
		try {
			got.push(JSON.parse(String(f.payload)));
		} catch (e) { /* not JSON */ }
	}));
}

before(async () => {
	bridge = await L.startBridge({ topic });
	browser = await L.launch();
});

after(async () => {
	for (const p of [alice, bob]) {
		if (p && p.problems.length > 0)
			console.log(`# problems seen by ${p.name}:\n# ` + p.problems.join('\n# '));
	}
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

test('a topic set with /topic shows in the other person\'s header', async () => {
	alice = await L.person(browser, bridge.url, 'alice', { beforeLoad: watch });
	bob = await L.person(browser, bridge.url, 'bob');
	for (const p of [alice, bob]) {
		await L.say(p.page, '/join dev');
		await p.page.locator('#room-title', { hasText: '#dev' }).waitFor();
	}
	await L.say(alice.page, '/topic Release on <b>Friday</b>');
	await bob.page.locator('#room-topic', { hasText: 'Release on <b>Friday</b>' }).waitFor();
	assert.equal(await bob.page.locator('#room-topic b').count(), 0, 'text, not markup');
	assert.equal(await bob.page.locator('#room-topic').getAttribute('title'), 'Set by alice');
	/* Another room has its own (none). */
	await L.roomButton(bob.page, 'general').click();
	await bob.page.locator('#room-title', { hasText: '#general' }).waitFor();
	assert.equal(await bob.page.locator('#room-topic').isHidden(), true);
});

test('unread counts from the read marker survive a reload, with a "New messages" line', async () => {
	/* alice reads #dev to its newest message; she goes to #general. */
	await L.roomButton(bob.page, 'dev').click();
	await bob.page.locator('#room-title', { hasText: '#dev' }).waitFor();
	await L.roomButton(alice.page, 'dev').click();
	await L.say(bob.page, 'read by alice');
	await L.expectRows(alice.page, 'read by alice');
	const seen = await L.until('the message in a frame', async () => got.find((f) =>
	    f.message === 'read by alice'));
	await L.until('alice\'s marker for it', async () => got.find((f) =>
	    f.type === 'marker' && f.room === 'dev' && f.id === seen.id));
	await L.roomButton(alice.page, 'general').click();
	await alice.page.locator('#room-title', { hasText: '#general' }).waitFor();
	await L.say(bob.page, 'unread one');
	await L.say(bob.page, 'unread two');
	await L.until('2 unread at alice', async () => (await L.badge(alice.page, 'dev')) === '2');
	await alice.page.reload();
	await L.online(alice.page);
	await alice.page.locator('#room-title', { hasText: '#general' }).waitFor();
	await L.until('still 2 unread after the reload', async () =>
	    (await L.badge(alice.page, 'dev')) === '2');
	await L.roomButton(alice.page, 'dev').click();
	await L.expectRows(alice.page, 'unread two');
	const items = await alice.page.locator('#messages > li').evaluateAll((ls) =>
	    ls.map((l) => l.classList.contains('new-divider') ? 'DIVIDER' : l.textContent));
	const d = items.indexOf('DIVIDER');
	assert.ok(d >= 0, `a "New messages" line: ${JSON.stringify(items)}`);
	assert.match(items[d + 1], /unread one/, 'just before the first unread');
	assert.equal(await L.badge(alice.page, 'dev'), '');
});

test('reading a room in one tab clears its unread count in another', async () => {
	const tab2 = await alice.context.newPage();

	await tab2.goto(bridge.url);
	await L.online(tab2);
	await L.roomButton(tab2, 'general').click();
	await tab2.locator('#room-title', { hasText: '#general' }).waitFor();
	/* alice's first tab stays in #general too while bob writes. */
	await L.roomButton(alice.page, 'general').click();
	await alice.page.locator('#room-title', { hasText: '#general' }).waitFor();
	await L.say(bob.page, 'for both tabs');
	await L.until('1 unread in tab 2', async () => (await L.badge(tab2, 'dev')) === '1');
	await L.until('1 unread in tab 1', async () => (await L.badge(alice.page, 'dev')) === '1');
	await L.roomButton(alice.page, 'dev').click();
	await L.expectRows(alice.page, 'for both tabs');
	await L.until('read in tab 1 clears tab 2', async () => (await L.badge(tab2, 'dev')) === '');
	await tab2.close();
});

/*
 * sameid.test.js - a record whose id another person's message already has
 * (a client may choose its message's id, kchat(7)), in headless Chromium
 * against a real kchat-bridge and broker. It is another message, shown as
 * its own line under its own author, not a copy of the first; a reply, an
 * edit and a delete name the message with that id that came before them in
 * the room's partition (edits and deletes: their writer's). Here mallory
 * clones alice's question after bob answered it: a page that pages the
 * history backwards, newest first, meets the clone first and must still
 * show alice's question, her edit of it, and bob's answer quoting her.
 * That page is on a bridge started after the clone: it reads the pages
 * from Kafka, where both records are (a bridge running since before may
 * not relay the clone live, its own de-duplication, fixed on its side).
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('sameid');
const QUESTION = 'Can I deploy release 42 now?';
const EDITED = 'Can I deploy release 42 now? The tests pass.';
const CLONE = 'CLONE: ship release 42 without the tests';
const ANSWER = 'yes, go ahead';
let bridge, bridge2, browser, alice, bob, id;
const everyone = [];

before(async () => {
	/* --history 10: the question is a few pages back for a new page. */
	bridge = await L.startBridge({ topic, args: ['--history', '10'] });
	browser = await L.launch();
});

after(async () => {
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
	if (bridge2)
		await bridge2.stop();
});

/* The rows of page with the message id written by user. */
function byIdOf(page, user) {
	return page.locator(`#messages li.msg[data-id="${id}"]`)
	    .filter({ has: page.locator('.who', { hasText: user }) });
}

async function textOf(page, user) {
	return await byIdOf(page, user).locator('.text').textContent();
}

test('alice asks, bob answers her, mallory clones her question\'s id', async () => {
	alice = await L.person(browser, bridge.url, 'alice');
	bob = await L.person(browser, bridge.url, 'bob');
	everyone.push(alice, bob);
	await L.say(alice.page, QUESTION);
	await L.rows(alice.page, QUESTION).and(alice.page.locator('[data-state="sent"]')).waitFor();
	id = await L.rows(alice.page, QUESTION).getAttribute('data-id');
	assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
	await L.expectRows(bob.page, QUESTION);

	/* Enough after it that a new page's first page does not hold it. */
	for (let i = 1; i <= 12; i++)
		L.terminalSend(topic, 'message', 'general', 'dave', `filler ${i}`);
	await L.expectRows(bob.page, 'filler 12');

	const row = L.rows(bob.page, QUESTION);
	await row.hover();
	await row.locator('button.act-reply').click();
	await bob.page.locator('#composer-context', { hasText: 'Replying to alice' }).waitFor();
	await L.say(bob.page, ANSWER);
	await L.rows(bob.page, ANSWER).and(bob.page.locator('[data-state="sent"]')).waitFor();

	/* Any Kafka writer can; the bridge takes a client's id of the last day. */
	L.terminalSend(topic, 'message', 'general', 'mallory', CLONE, null, id);
});

test('alice edits her question: her line changes, not mallory\'s', async () => {
	const mine = alice.page.locator(`#messages li.msg.own[data-id="${id}"]`);

	await mine.hover();
	await mine.locator('button.act-edit').click();
	await alice.page.locator('#composer-context', { hasText: 'Editing' }).waitFor();
	await alice.page.locator('#composer-input').fill(EDITED);
	await alice.page.locator('#composer-input').press('Enter');
	for (const p of [alice, bob]) {
		await byIdOf(p.page, 'alice').locator('.edited').waitFor();
		assert.equal(await textOf(p.page, 'alice'), `${EDITED} (edited)`, `${p.name}'s page`);
		assert.equal(await byIdOf(p.page, 'alice').count(), 1, `${p.name}'s page`);
	}
	await L.until('bob\'s quote of the edited question', async () =>
	    await L.rows(bob.page, ANSWER).locator('.quote').textContent() ===
	    `\u21b3 alice: ${EDITED}`);
});

test('a new page paging back meets the clone first, and shows each as its own', async () => {
	bridge2 = await L.startBridge({ topic, args: ['--history', '10'] });
	const carol = await L.person(browser, bridge2.url, 'carol');
	everyone.push(carol);

	/* The first page: the answer, the clone and the edit, not the question. */
	await L.expectRows(carol.page, ANSWER);
	await byIdOf(carol.page, 'mallory').waitFor();
	assert.equal(await textOf(carol.page, 'mallory'), CLONE);
	assert.equal(await byIdOf(carol.page, 'alice').count(), 0,
	    'the question is not on the first page: the test needs it older');
	assert.equal(await L.rows(carol.page, ANSWER).locator('.quote').textContent(),
	    '\u21b3 a message not loaded', 'the clone came after the answer: not its parent');

	/* Older pages until alice's question, or the beginning of #general. */
	const older = carol.page.locator('#older button', { hasText: 'Load older' });
	for (let pages = 0; await byIdOf(carol.page, 'alice').count() === 0; pages++) {
		assert.ok(pages < 10, 'too many pages');
		if (await carol.page.locator('#older', { hasText: 'beginning of #general' }).count())
			break;
		const before = await carol.page.locator('#messages li.msg').count();
		await older.click();
		await L.until('an older page', async () =>
		    (await carol.page.locator('#messages li.msg').count()) > before);
	}

	assert.equal(await byIdOf(carol.page, 'alice').count(), 1,
	    'alice\'s question, under alice');
	assert.equal(await textOf(carol.page, 'alice'), `${EDITED} (edited)`,
	    'her edit, kept aside until her question came');
	assert.equal(await byIdOf(carol.page, 'mallory').count(), 1,
	    'mallory\'s clone, her own line');
	assert.equal(await textOf(carol.page, 'mallory'), CLONE);
	await L.until('the answer quoting alice', async () =>
	    await L.rows(carol.page, ANSWER).locator('.quote').textContent() ===
	    `\u21b3 alice: ${EDITED}`, 5000);
	/* In time order: the question, the answer, the clone. */
	const texts = await carol.page.locator('#messages li.msg[data-type="message"] .text')
	    .allTextContents();
	const at = (t) => texts.findIndex((x) => x.startsWith(t));
	assert.ok(at(EDITED) < at(ANSWER) && at(ANSWER) < at(CLONE), JSON.stringify(texts));
	await L.shot(carol.page, 'sameid-carol.png');
});

test('nothing went wrong on any page', () => {
	for (const p of everyone)
		assert.deepEqual(p.problems, [], `${p.name}'s page`);
});

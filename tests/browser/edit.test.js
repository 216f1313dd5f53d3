/*
 * edit.test.js - edits, deletes and replies in the web client (issue 14,
 * item 3), in headless Chromium against a real kchat-bridge and broker:
 * the hover actions (Reply on any line, Edit and Delete on one's own),
 * ↑ on an empty box to edit one's last message, "(edited)", the deleted
 * placeholder, the quoted parent above a reply, and edits and deletes
 * written in another user's name than the author's changing nothing.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const L = require('./lib.js');

const topic = L.uniqueTopic('edit');
let bridge, browser, alice, bob, id;
const everyone = [];

before(async () => {
	bridge = await L.startBridge({ topic });
	browser = await L.launch();
});

after(async () => {
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

/* The row of text in page, hovered so that its actions show. */
async function hovered(page, text) {
	const row = L.rows(page, text);

	await row.hover();
	return row;
}

/* Another user's client on the bridge, speaking the protocol directly. */
async function raw(name) {
	const ws = new WebSocket(bridge.url.replace(/^http/, 'ws').replace(/\/$/, '') +
	    '/ws/raw' + name, 'kchat');
	const frames = [];
	ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
	await new Promise((resolve, reject) => {
		ws.on('open', resolve);
		ws.on('error', reject);
	});
	return {
		send: (f) => ws.send(JSON.stringify(Object.assign({ username: name }, f))),
		ack: (ref) => L.until(`ack ${ref}`, async () =>
		    frames.some((f) => f.ref === ref && f.type === 'ack')),
		close: () => ws.close(),
	};
}

test('alice edits her line with the hover action; bob sees it "(edited)"', async () => {
	alice = await L.person(browser, bridge.url, 'alice');
	bob = await L.person(browser, bridge.url, 'bob');
	everyone.push(alice, bob);
	await L.say(alice.page, 'teh typo line');
	await L.rows(alice.page, 'teh typo line').and(alice.page.locator('[data-state="sent"]')).waitFor();
	await L.expectRows(bob.page, 'teh typo line');
	id = await L.rows(alice.page, 'teh typo line').getAttribute('data-id');
	assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);

	/* Only Reply on someone else's line. */
	const other = await hovered(bob.page, 'teh typo line');
	assert.deepEqual(await other.locator('.actions button').allTextContents(), ['Reply']);

	const row = await hovered(alice.page, 'teh typo line');
	assert.deepEqual(await row.locator('.actions button').allTextContents(),
	    ['Reply', 'Edit', 'Delete']);
	await row.locator('button.act-edit').click();
	const box = alice.page.locator('#composer-input');
	assert.equal(await box.inputValue(), 'teh typo line');
	await alice.page.locator('#composer-context', { hasText: 'Editing' }).waitFor();
	await box.fill('the typo line');
	await box.press('Enter');
	const edited = bob.page.locator(`#messages li.msg[data-id="${id}"]`);
	await edited.locator('.edited', { hasText: '(edited)' }).waitFor();
	assert.equal(await edited.locator('.text').textContent(), 'the typo line (edited)');
	await L.expectRows(bob.page, 'teh typo', 0);
	assert.ok(await alice.page.locator('#composer-context').isHidden(), 'the edit is over');
});

test('↑ on an empty box edits my last message; Esc gives up', async () => {
	const box = alice.page.locator('#composer-input');

	await box.fill('');
	await box.press('ArrowUp');
	assert.equal(await box.inputValue(), 'the typo line');
	await box.press('Escape');
	assert.equal(await box.inputValue(), '');
	assert.ok(await alice.page.locator('#composer-context').isHidden());
});

test('bob replies with the hover action: the reply shows its parent quoted', async () => {
	const row = await hovered(bob.page, 'the typo line');

	await row.locator('button.act-reply').click();
	await bob.page.locator('#composer-context', { hasText: 'Replying to alice' }).waitFor();
	await L.say(bob.page, 'agreed');
	const reply = L.rows(alice.page, 'agreed');
	await reply.waitFor();
	assert.equal(await reply.locator('.quote').textContent(), '\u21b3 alice: the typo line');
	assert.equal(await reply.locator('.quote .nick').textContent(), 'alice');
	/* The next message is not a reply any more. */
	await L.say(bob.page, 'and a plain line');
	await L.rows(alice.page, 'and a plain line').waitFor();
	assert.equal(await L.rows(alice.page, 'and a plain line').locator('.quote').count(), 0);
});

test('an edit or delete in another name than the author\'s changes nothing', async () => {
	const mallory = await raw('mallory');

	mallory.send({ type: 'edit', re: id, message: 'forged by mallory', ref: 'f1' });
	await mallory.ack('f1');
	mallory.send({ type: 'delete', re: id, ref: 'f2' });
	await mallory.ack('f2');
	mallory.send({ message: 'after the forgeries', ref: 'f3' });
	await mallory.ack('f3');
	for (const p of [alice, bob]) {
		await L.expectRows(p.page, 'after the forgeries');
		await L.expectRows(p.page, 'forged', 0);
		const row = p.page.locator(`#messages li.msg[data-id="${id}"]`);
		assert.equal(await row.locator('.text').textContent(), 'the typo line (edited)',
		    `${p.name}'s page`);
		assert.equal(await p.page.locator('#messages li.deleted').count(), 0);
	}
	mallory.close();
});

test('alice deletes her line: a placeholder, and the quote says so too', async () => {
	const row = alice.page.locator(`#messages li.msg[data-id="${id}"]`);

	await row.hover();
	await row.locator('button.act-del').click();
	const gone = bob.page.locator(`#messages li.msg.deleted[data-id="${id}"]`);
	await gone.waitFor();
	assert.equal(await gone.locator('.text').textContent(), '[message deleted]');
	assert.equal(await gone.locator('.actions').count(), 0, 'no actions on a deleted line');
	await L.until('the quote follows', async () =>
	    (await L.rows(bob.page, 'agreed').locator('.quote').textContent()) ===
	    '\u21b3 alice: [message deleted]');
	await L.rows(bob.page, 'agreed').hover();
	await L.shot(bob.page, 'edit-reply-delete.png');
});

test('a reload shows the same from history', async () => {
	await bob.page.reload();
	await L.online(bob.page);
	await bob.page.locator(`#messages li.msg.deleted[data-id="${id}"]`).waitFor();
	await L.rows(bob.page, 'agreed').locator('.quote', { hasText: '[message deleted]' }).waitFor();
	await L.expectRows(bob.page, 'forged', 0);
});

/* A ULID of now, as a client makes one (kchat.7): an id nobody used. */
function ulid() {
	const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	let t = Date.now(), s = '';

	for (let i = 0; i < 10; i++, t = Math.floor(t / 32))
		s = A[t % 32] + s;
	for (let i = 0; i < 16; i++)
		s += A[Math.floor(Math.random() * 32)];
	return s;
}

test('a flood of someone else\'s edits does not push a delete out: the line stays deleted when an older page brings it', async () => {
	const sid = ulid();

	/* dave (a terminal) says a secret, then enough that a new page's
	 * first page does not hold it. */
	L.recSend([topic, 'message', 'general', 'dave', 'my password is hunter2'],
	    { KCHAT_REC_ID: sid });
	L.recSend([topic, 'message', 'general', 'dave', 'filler'],
	    { KCHAT_REC_COUNT: '60' });
	L.terminalSend(topic, 'message', 'general', 'dave', 'last filler');
	const carol = await L.person(browser, bridge.url, 'carol');
	everyone.push(carol);
	await L.expectRows(carol.page, 'last filler');
	const secret = carol.page.locator(`#messages li.msg[data-id="${sid}"]`);
	assert.equal(await secret.count(), 0,
	    'the secret is not on the first page: the test needs it older');

	/* mallory floods edits of lines never written, more than a room keeps
	 * aside; then dave deletes his secret, which carol has not loaded. */
	L.recSend([topic, 'edit', 'general', 'mallory', 'spam'],
	    { KCHAT_REC_RE: 'new', KCHAT_REC_COUNT: '600' });
	L.terminalSend(topic, 'message', 'general', 'mallory', 'flood over');
	await L.expectRows(carol.page, 'flood over');
	L.recSend([topic, 'delete', 'general', 'dave', ''], { KCHAT_REC_RE: sid });
	L.terminalSend(topic, 'message', 'general', 'dave', 'deleted it');
	await L.expectRows(carol.page, 'deleted it');

	/* Older pages until the secret's (the page may load some by itself
	 * as it scrolls, and redraw the button meanwhile). */
	const older = carol.page.locator('#older button', { hasText: 'Load older' });
	await L.until('the secret\'s page', async () => {
		if (await secret.count() > 0)
			return true;
		if (await older.count() > 0)
			await older.click({ timeout: 2000 });	/* until() retries */
		return false;
	}, 30000);
	assert.equal(await secret.locator('.text').textContent(), '[message deleted]');
	await L.expectRows(carol.page, 'hunter2', 0);
});

test('no page hit a CSP violation or a script error', () => {
	for (const p of everyone)
		assert.deepEqual(p.problems, [], `${p.name}'s page`);
});

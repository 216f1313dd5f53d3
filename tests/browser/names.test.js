/*
 * names.test.js - the web client when its name changes under messages not
 * sent yet, in headless Chromium against a real bridge and broker: a line
 * written while offline, or right after /nick to a name someone holds, is
 * never dropped nor shown as someone else's. It waits until the bridge has
 * bound the name; if the name ends up another, it shows as failed, saying
 * why, with Retry, which sends it under the new name. A /nick the bridge
 * refuses changes nothing: the name, its rooms and conversations stay,
 * and the name is never let go for another to take. And the one line
 * that sums up a run of joins and leaves: the net effect (left and came
 * back is back) and kchat-tui's name changes.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('names');
let bridge, browser, door, args;
const everyone = [];

before(async () => {
	/* dave reaches the bridge through a door the test opens and closes. */
	const port = await L.freePort();
	door = await L.door(port);
	args = ['--allow-origin', door.url.replace(/\/$/, '')];
	bridge = await L.startBridge({ topic, port, args });
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
	if (door)
		await door.stop();
});

/* The name form says the name is in use; answer with another. */
async function chooseAnother(page, taken, name) {
	await page.locator('#welcome-error', { hasText: `${taken} is in use` }).waitFor();
	await page.locator('#welcome-name').fill(name);
	await page.locator('#welcome-name').press('Enter');
	await page.locator('#me-name', { hasText: name }).waitFor();
	await L.online(page);
}

/* A row of mine that failed: its reason says why, and Retry is there. */
async function failedWithRetry(page, text, why) {
	const row = L.rows(page, text);

	await row.and(page.locator('[data-state="failed"]')).waitFor();
	assert.match(await row.locator('.state').textContent(), why);
	await row.locator('button.retry').waitFor();
	return row;
}

test('a line written offline, under a name taken meanwhile, fails with Retry, and Retry sends it under the new name', async () => {
	const alice = await L.person(browser, bridge.url, 'alice');
	const dave = await L.person(browser, door.url, 'dave');
	everyone.push(alice, dave);

	door.close();
	await bridge.stop('SIGTERM');
	await L.say(dave.page, 'queued while offline');
	await L.rows(dave.page, 'queued while offline')
	    .and(dave.page.locator('[data-state="queued"]')).waitFor();

	/* Meanwhile a terminal takes the name dave. */
	L.terminalHeartbeat(topic, 'general', 'dave', null);
	bridge = await L.startBridge({ topic, port: bridge.port, args });
	await L.online(alice.page);
	/* Another page asks for dave: refused once the bridge knows the
	 * terminal, or else it holds dave itself. Either way dave is taken. */
	const other = await L.person(browser, bridge.url, null);
	everyone.push(other);
	await other.page.locator('#welcome-name').fill('dave');
	await other.page.locator('#welcome-name').press('Enter');
	await other.page.locator('#welcome-error:has-text("dave is in use"), ' +
	    '#status[data-state="online"]').first().waitFor();

	door.open();
	/* "Retry now", unless the page's backoff is trying already. */
	await dave.page.evaluate(() => {
		const b = document.getElementById('retry-now');

		if (!b.hidden)
			b.click();
	});
	/* Refused dave, the line is not sent (nor lost) while the page asks. */
	await dave.page.locator('#welcome-error', { hasText: 'dave is in use' }).waitFor();
	assert.equal(await L.rows(dave.page, 'queued while offline')
	    .and(dave.page.locator('[data-state="queued"]')).count(), 1);
	await chooseAnother(dave.page, 'dave', 'dave2');
	dave.name = 'dave2';

	/* Still mine, failed, saying why, with Retry; nobody got it. */
	const row = await failedWithRetry(dave.page, 'queued while offline',
	    /written as dave\b.*Retry sends it as dave2/);
	assert.equal(await row.locator('.nick').textContent(), 'dave');
	L.terminalSend(topic, 'message', 'general', 'tui_tom', 'a later line');
	await L.expectRows(alice.page, 'a later line');
	await L.expectRows(dave.page, 'a later line');
	assert.equal(await L.rows(alice.page, 'queued while offline').count(), 0);

	await row.locator('button.retry').click();
	await row.and(dave.page.locator('[data-state="sent"]')).waitFor();
	assert.equal(await row.locator('.nick').textContent(), 'dave2');
	await L.expectRows(alice.page, 'queued while offline');
	assert.equal(await L.rows(alice.page, 'queued while offline').locator('.nick')
	    .textContent(), 'dave2');
	await L.expectRows(dave.page, 'queued while offline');
	await alice.context.close();
	await dave.context.close();
	await other.context.close();
});

test('a refused /nick leaves you as you were: the name, rooms and conversations, and nobody takes the name meanwhile', async () => {
	const alice = await L.person(browser, bridge.url, 'alice');
	const ivan = await L.person(browser, bridge.url, 'ivan');
	everyone.push(alice, ivan);
	const page = ivan.page;

	await L.say(page, '/join den');
	await page.locator('#room-title', { hasText: '#den' }).waitFor();
	await L.say(page, '/msg alice psst');
	await L.rows(page, 'psst').and(page.locator('[data-state="sent"]')).waitFor();
	await L.roomButton(page, 'general').click();

	/* A name alike to alice's, then hers exactly: both refused. */
	for (const [nick, why, line] of [
	    ['ALICE', /ALICE \(too like alice\b.*choose another name/, 'still ivan (one)'],
	    ['alice', /alice is in use.*choose another name/, 'still ivan (two)']]) {
		await L.say(page, `/nick ${nick}`);
		const error = page.locator('#composer-error', { hasText: 'Your name stays ivan' });
		await error.waitFor();
		assert.match(await error.textContent(), why);
		assert.equal(await page.locator('#me-name').textContent(), 'ivan');
		assert.equal(await page.locator('#welcome').isHidden(), true, 'no name dialog');
		await L.online(page);
		assert.equal(await page.evaluate(() => localStorage.getItem('kchat.user')), '"ivan"');
		await L.roomButton(page, 'den').waitFor();
		await L.roomButton(page, '@alice').waitFor();

		await L.say(page, line);
		await L.rows(page, line).and(page.locator('[data-state="sent"]')).waitFor();
		await L.expectRows(alice.page, line);
		assert.equal(await L.rows(alice.page, line).locator('.nick').textContent(), 'ivan');
	}

	/* ivan was never let go: nobody else can have it. */
	const other = await L.person(browser, bridge.url, null);
	everyone.push(other);
	await other.page.locator('#welcome-name').fill('ivan');
	await other.page.locator('#welcome-name').press('Enter');
	await other.page.locator('#welcome-error', { hasText: 'ivan is in use' }).waitFor();

	/* A free name is taken at once, in the same rooms. */
	await L.say(page, '/nick ivan2');
	await page.locator('#me-name', { hasText: 'ivan2' }).waitFor();
	await L.online(page);
	await L.say(page, 'now ivan2');
	await L.rows(page, 'now ivan2').and(page.locator('[data-state="sent"]')).waitFor();
	await L.expectRows(alice.page, 'now ivan2');
	assert.equal(await L.rows(alice.page, 'now ivan2').locator('.nick').textContent(), 'ivan2');
	await L.roomButton(page, 'den').click();
	await L.say(page, 'in den as ivan2');
	await L.rows(page, 'in den as ivan2').and(page.locator('[data-state="sent"]')).waitFor();
	await alice.context.close();
	await ivan.context.close();
	await other.context.close();
});

test('a line Kafka has but whose answer was lost in a name change is sent, once, not failed with Retry', async () => {
	const fay = await L.person(browser, door.url, 'fay');
	const gus = await L.person(browser, bridge.url, 'gus');
	everyone.push(fay, gus);

	/* fay's link dies one way: the bridge hears her, she hears nothing. */
	door.mute();
	await L.say(fay.page, 'said before the nick');
	await L.expectRows(gus.page, 'said before the nick');
	await L.rows(fay.page, 'said before the nick')
	    .and(fay.page.locator('[data-state="pending"]')).waitFor();

	await L.say(fay.page, '/nick fay2');
	await fay.page.locator('#me-name', { hasText: 'fay2' }).waitFor();
	await L.online(fay.page);
	/* Read back in order, after what she missed. */
	L.terminalSend(topic, 'message', 'general', 'tui_tom', 'after the name change');
	await L.expectRows(fay.page, 'after the name change');

	/* One row, as Kafka has it: fay's, sent, no Retry to send it again. */
	await L.expectRows(fay.page, 'said before the nick');
	const row = L.rows(fay.page, 'said before the nick');
	assert.equal(await row.getAttribute('data-state'), 'sent');
	assert.equal(await row.locator('.nick').textContent(), 'fay');
	assert.equal(await row.locator('button.retry').count(), 0);
	await L.expectRows(gus.page, 'said before the nick');
	await fay.context.close();
	await gus.context.close();
});

test("a conversation follows a terminal user's /nick: what is written next goes to the new name", async () => {
	const ivy = await L.person(browser, bridge.url, 'ivy');
	everyone.push(ivy);
	/* What the bridge sends the page: its own direct message read back. */
	const heard = [];
	ivy.page.on('websocket', (ws) => ws.on('framereceived', (f) => {
		try {
			heard.push(JSON.parse(f.payload));
		} catch (e) { /* not JSON */ }
	}));
	await ivy.page.reload();	/* a connection the listener hears */
	await L.online(ivy.page);

	L.terminalHeartbeat(topic, 'general', 'ben', null);
	await L.say(ivy.page, '/msg ben hi ben');
	await L.roomButton(ivy.page, '@ben').waitFor();
	/* ben's /nick, as kchat-tui writes it: a leave, then a join. */
	L.terminalSend(topic, 'leave', 'general', 'ben', 'is now known as ben2');
	L.terminalSend(topic, 'join', 'general', 'ben2', 'was ben');
	await L.roomButton(ivy.page, '@ben2').waitFor();
	assert.equal(await L.roomButton(ivy.page, '@ben').count(), 0);
	await L.roomButton(ivy.page, '@ben2').click();
	await L.say(ivy.page, 'the door code is 1234');
	await L.rows(ivy.page, 'the door code is 1234')
	    .and(ivy.page.locator('[data-state="sent"]')).waitFor();
	await L.until('the direct message read back', async () =>
	    heard.some((f) => f.message === 'the door code is 1234'));
	const rec = heard.find((f) => f.message === 'the door code is 1234');
	assert.equal(rec.type, 'dm');
	assert.equal(rec.to, 'ben2', 'to the new name, not to whoever takes ben');
	await ivy.context.close();
});

test('joins and leaves in one line keep their net effect and name changes', async () => {
	const fay = await L.person(browser, bridge.url, 'fay');
	everyone.push(fay);
	const page = fay.page;

	await L.say(page, '/join lobby');
	await page.locator('#room-title', { hasText: '#lobby' }).waitFor();
	await L.say(page, 'before the comings and goings');
	await L.rows(page, 'before the comings').and(page.locator('[data-state="sent"]')).waitFor();
	/* bob restarts his terminal, dave comes, eve goes, gus passes
	 * through, and carol changes her name with kchat-tui's /nick. */
	for (const [type, user, text] of [['leave', 'bob', ''], ['join', 'dave', ''],
	    ['join', 'bob', ''], ['leave', 'eve', ''], ['join', 'gus', ''],
	    ['leave', 'carol', 'is now known as carol2'], ['join', 'carol2', 'was carol'],
	    ['leave', 'gus', '']])
		L.terminalSend(topic, type, 'lobby', user, text);
	L.terminalSend(topic, 'message', 'lobby', 'dave', 'after them');
	await L.expectRows(page, 'after them');
	const want = '\u2192 dave joined \u00b7 \u21bb bob left and came back \u00b7 ' +
	    '\u2190 eve left \u00b7 \u2194 gus joined and left \u00b7 carol is now known as carol2';
	const line = page.locator('#messages li.group .text');
	assert.equal(await line.count(), 1);
	assert.equal(await line.textContent(), want);
	/* The same from history, after a reload (fay's own reconnection
	 * may add a line after it). */
	await page.reload();
	await L.online(page);
	await L.expectRows(page, 'after them');
	assert.equal(await line.first().textContent(), want);
	await fay.context.close();
});

test('no page hit a CSP violation or a script error', () => {
	for (const p of everyone)
		assert.deepEqual(p.problems, [], `${p.name}'s page`);
});

/*
 * strangers.test.js - a crowd of throwaway names sending direct messages,
 * in headless Chromium against a real kchat-bridge and broker: at most 5
 * new conversations a minute come from people the user never wrote to
 * (as kchat-tui's buffers); the rest share the one conversation
 * @*strangers, each line with its sender, where a click on a name opens
 * a conversation of its own with them. Nothing can be written there, and
 * a reload brings back the same few conversations, not one per name.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('strangers');
const CROWD = 60;		/* throwaway names, one DM each */
const OPENED = 5;		/* conversations they may open a minute */
let bridge, browser;
const everyone = [];

before(async () => {
	bridge = await L.startBridge({ topic });
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

/* The keys of the conversations in the sidebar. */
async function dmKeys(page) {
	return page.locator('#dm-list button.room-button').evaluateAll((bs) =>
	    bs.map((b) => b.dataset.room).sort());
}

test('a crowd of names each sending a DM opens a few conversations; the rest share @*strangers', async () => {
	const vic = await L.person(browser, bridge.url, 'vic');
	everyone.push(vic);
	const page = vic.page;

	/* vic wrote to carol before: her DM is no stranger's. */
	await L.say(page, '/msg carol hello carol');
	await L.rows(page, 'hello carol').and(page.locator('[data-state="sent"]')).waitFor();
	await L.roomButton(page, 'general').click();

	for (let i = 0; i < CROWD; i++)
		L.terminalSend(topic, 'dm', 'general', `spam${i}`, `cheap pills ${i}`, 'vic');
	L.terminalSend(topic, 'dm', 'general', 'carol', 'hi vic', 'vic');
	await L.roomButton(page, '@*strangers').waitFor();

	/* Every line is somewhere: OPENED conversations, the rest here. */
	await L.roomButton(page, '@*strangers').click();
	await L.expectRows(page, 'cheap pills', CROWD - OPENED);
	const keys = await dmKeys(page);
	assert.equal(keys.length, OPENED + 2, `carol, ${OPENED} and strangers: ${keys}`);
	assert.ok(keys.includes('@carol'));
	await L.roomButton(page, '@carol').click();
	await L.expectRows(page, 'hi vic');
	await L.roomButton(page, '@*strangers').click();

	await L.shot(page, 'web-strangers.png');
	/* Each line says who sent it. */
	const first = page.locator('#messages li.msg').first();
	const who = await first.getAttribute('data-user');
	assert.match(who, /^spam\d+$/);
	assert.equal(await first.locator('.stranger .nick').textContent(), who);
	assert.ok(!keys.includes(`@${who}`));

	/* Nothing can be written to strangers; their names answer them. */
	await L.say(page, 'to whom?');
	await page.locator('#composer-error', { hasText: '/msg NAME' }).waitFor();
	assert.equal(await L.rows(page, 'to whom?').count(), 0);
	await first.locator('button.stranger').click();
	await page.locator('#room-title', { hasText: `@${who}` }).waitFor();
	const n = who.slice('spam'.length);
	await L.expectRows(page, `cheap pills ${n}`);
	await L.say(page, 'stop it');
	await L.rows(page, 'stop it').and(page.locator('[data-state="sent"]')).waitFor();
	await L.roomButton(page, '@*strangers').click();
	await L.expectRows(page, 'cheap pills', CROWD - OPENED - 1);

	/* A reload brings back the same conversations, not one per name. */
	const before = await dmKeys(page);
	/* Kept on this device as they are now (its saves wait a moment). */
	await L.until('the conversations kept on this device', async () => {
		const kept = JSON.parse(await page.evaluate(() => localStorage.getItem('kchat.dm.vic')));
		return kept[who] && kept['*strangers'].length === CROWD - OPENED - 1;
	});
	await page.reload();
	await L.online(page);
	/* The DMs stored in Kafka that the bridge sends, then a live one. */
	L.terminalSend(topic, 'dm', 'general', 'carol', 'back again', 'vic');
	await L.roomButton(page, '@carol').click();
	await L.expectRows(page, 'back again');
	await L.roomButton(page, '@*strangers').click();
	await L.expectRows(page, 'cheap pills', CROWD - OPENED - 1);
	assert.deepEqual(await dmKeys(page), before);
	await vic.context.close();
});

test('no page hit a CSP violation or a script error', () => {
	for (const p of everyone)
		assert.deepEqual(p.problems, [], `${p.name}'s page`);
});

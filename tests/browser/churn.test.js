/*
 * churn.test.js - a room whose newest records are a crowd of joins and
 * leaves (someone opening and closing connections to bury the talk), in
 * headless Chromium against a real kchat-bridge and broker. A newcomer's
 * first page (the bridge's 50 newest records) then held only "joined and
 * left", and the talk below "Load older"; the web client now fetches a
 * few older pages by itself until there is talk to show.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('churn');
let bridge, browser, newbie;

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

test('a newcomer sees the talk under 120 joins and leaves, without scrolling', async () => {
	for (let i = 1; i <= 10; i++)
		L.terminalSend(topic, 'message', 'general', 'dave', `talk ${i} of 10`);
	/* Someone comes and goes 60 times: 120 records, more than a page. */
	for (let i = 0; i < 60; i++) {
		L.recSend([topic, 'join', 'general', 'spam', '']);
		L.recSend([topic, 'leave', 'general', 'spam', '']);
	}
	newbie = await L.person(browser, bridge.url, 'newbie');
	await L.expectRows(newbie.page, 'talk 10 of 10');
	await L.expectRows(newbie.page, 'talk 1 of 10');
	assert.deepEqual(newbie.problems, [], 'no CSP violation or script error');
});

/*
 * kafka.test.js - the web client says when its bridge's Kafka does not
 * store messages, in headless Chromium against a real kchat-bridge and
 * broker. Before, the status said "Connected" through a broker outage
 * while messages waited or failed. Here the bridge's producer holds each
 * message 15 s before sending it (-X linger.ms=15000), which is how Kafka
 * not answering looks to the bridge (no acknowledgement for 10 s, as
 * /healthz says): the "kafka" frame (kchat.7) turns the status to "Kafka
 * is not storing messages" until the message is stored.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('kafka');
let bridge, browser;

before(async () => {
	bridge = await L.startBridge({ topic, args: ['-X', 'linger.ms=15000'] });
	browser = await L.launch();
});

after(async () => {
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

test('the status says Kafka is not storing messages while it does not, and Connected again once it does', async () => {
	const p = await L.person(browser, bridge.url, 'kim');
	const status = p.page.locator('#status');

	assert.equal(await status.getAttribute('data-kafka'), 'up');
	await L.say(p.page, 'will this be stored?');
	await p.page.locator('#status[data-kafka="down"]').waitFor({ timeout: 20000 });
	assert.match(await status.textContent(), /Kafka is not storing messages/);
	assert.match(await status.getAttribute('title'), /^Kafka: /);
	await L.shot(p.page, 'kafka-down.png');
	/* Stored at last: the status and the message say so. */
	await p.page.locator('#status[data-kafka="up"]').waitFor({ timeout: 30000 });
	assert.equal(await status.textContent(), 'Connected');
	await L.rows(p.page, 'will this be stored?').and(p.page.locator('[data-state="sent"]'))
	    .waitFor({ timeout: 30000 });
	assert.deepEqual(p.problems, [], 'no CSP violation or script error');
});

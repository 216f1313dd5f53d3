/*
 * kafka.test.js - the web client says when its bridge's Kafka does not
 * store messages, in headless Chromium against a real kchat-bridge and
 * broker. Before, the status said "Connected" through a broker outage
 * while messages waited, and marked one failed ("No answer from the
 * server", with Retry) after 15 s though the bridge still held it for
 * Kafka. Here the bridge's producer holds each
 * message 20 s before sending it (-X linger.ms=20000), which is how Kafka
 * not answering looks to the bridge (no acknowledgement for 10 s, as
 * /healthz says): the "kafka" frame (kchat.7) turns the status to "Kafka
 * is not storing messages" until the message is stored, and the message
 * waits as "sending", never failed.
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const L = require('./lib.js');

const topic = L.uniqueTopic('kafka');
let bridge, browser;

before(async () => {
	bridge = await L.startBridge({ topic, args: ['-X', 'linger.ms=20000'] });
	browser = await L.launch();
});

after(async () => {
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
});

test('the status says Kafka is not storing messages while it does not, the message waits unfailed, and all is well once Kafka stores it', async () => {
	const p = await L.person(browser, bridge.url, 'kim');
	const status = p.page.locator('#status');

	assert.equal(await status.getAttribute('data-kafka'), 'up');
	/* Every state the message's row shows, as it changes. */
	await p.page.evaluate(() => {
		window.seenStates = [];
		new MutationObserver((ms) => ms.forEach((m) => {
			if (m.target.dataset && m.target.dataset.state)
				window.seenStates.push(m.target.dataset.state);
		})).observe(document.querySelector('#messages'),
		    { subtree: true, attributes: true, attributeFilter: ['data-state'] });
	});
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
	const seen = await p.page.evaluate(() => window.seenStates);
	assert.ok(!seen.includes('failed'), `never failed meanwhile: ${seen.join(' ')}`);
	assert.deepEqual(p.problems, [], 'no CSP violation or script error');
});

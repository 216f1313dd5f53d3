/*
 * login.test.js - the web client against a bridge with accounts on
 * (--users, the file made with kchat-passwd): the login page instead of
 * the name form, a wrong password said so, the right one chats under the
 * account's name with an HttpOnly, SameSite=Strict cookie the page cannot
 * read and nothing kept in localStorage, /nick refused, a session that
 * ended asked for again at the next connection, and Log out back
 * to the login page with the session gone (a reload does not bring it
 * back).
 */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const L = require('./lib.js');

const topic = L.uniqueTopic('login');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kchat-login-'));
const users = path.join(dir, 'users');
let bridge, browser, alice;

before(async () => {
	const r = spawnSync(L.passwdBin, ['-c', users, 'alice'], { input: 'wonderland\n', encoding: 'utf8' });
	assert.equal(r.status, 0, 'kchat-passwd: ' + r.stderr);
	bridge = await L.startBridge({ topic, args: ['--users', users] });
	browser = await L.launch();
});

after(async () => {
	if (alice && alice.problems.length > 0)
		console.log('# problems seen:\n# ' + alice.problems.join('\n# '));
	if (browser)
		await browser.close();
	if (bridge)
		await bridge.stop();
	fs.rmSync(dir, { recursive: true, force: true });
});

test('accounts on: the login page, not the name form', async () => {
	alice = await L.person(browser, bridge.url, null);
	const page = alice.page;

	await page.locator('#login-name').waitFor();
	assert.equal(await page.locator('#welcome').isHidden(), true, 'no name form');
	assert.equal(await page.locator('#app').isHidden(), true, 'no chat before the login');
	assert.equal(await page.locator('label[for="login-name"]').textContent(), 'User name');
	assert.equal(await page.locator('label[for="login-password"]').textContent(), 'Password');
	assert.equal(await page.locator('#login-password').getAttribute('type'), 'password');
	assert.equal(await page.locator('#login-password').getAttribute('autocomplete'), 'current-password');
});

test('a wrong password is said so, and nothing opens', async () => {
	const page = alice.page;

	await page.locator('#login-name').fill('alice');
	await page.locator('#login-password').fill('not-it');
	await page.locator('#login-password').press('Enter');
	await page.locator('#login-error', { hasText: 'Wrong user name or password' }).waitFor();
	assert.equal(await page.locator('#app').isHidden(), true);
	assert.equal(await page.locator('#login-password').inputValue(), '', 'password cleared');
});

test('the right password: chat as the account, with a cookie the page cannot read', async () => {
	const page = alice.page;

	await page.locator('#login-password').fill('wonderland');
	await page.locator('#login-submit').click();
	await L.online(page);
	assert.equal(await page.locator('#login').isHidden(), true);
	assert.equal(await page.locator('#me-name').textContent(), 'alice');
	assert.equal(await page.locator('#change-name').isHidden(), true, 'no Change name');
	assert.equal(await page.locator('#logout').isVisible(), true, 'Log out offered');

	await L.say(page, 'hello with an account');
	await L.rows(page, 'hello with an account').and(page.locator('[data-state="sent"]')).waitFor();
	assert.equal(await L.rows(page, 'hello with an account').locator('.nick').textContent(), 'alice');

	const cookies = await alice.context.cookies();
	const c = cookies.find((k) => k.name === 'kchat_session');
	assert.ok(c, 'session cookie set: ' + JSON.stringify(cookies));
	assert.equal(c.httpOnly, true);
	assert.equal(c.sameSite, 'Strict');
	assert.equal(c.path, '/');
	assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read it');
	assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'nothing in localStorage');

	await L.say(page, '/nick mallory');
	await page.locator('#composer-error', { hasText: 'account' }).waitFor();
	assert.equal(await page.locator('#me-name').textContent(), 'alice');
});

test('a session that ended is noticed at the next connection: log in again', async () => {
	const page = alice.page;

	await alice.context.clearCookies();
	/* the network drops and comes back: the bridge refuses the handshake */
	await page.evaluate(() => {
		window.dispatchEvent(new Event('offline'));
		window.dispatchEvent(new Event('online'));
	});
	await page.locator('#login-error', { hasText: 'session ended' }).waitFor();
	assert.equal(await page.locator('#app').isHidden(), true);
	assert.equal(await page.locator('#login-name').inputValue(), 'alice', 'name kept in the form');
	await page.locator('#login-password').fill('wonderland');
	await page.locator('#login-password').press('Enter');
	await L.online(page);
	assert.equal(await page.locator('#me-name').textContent(), 'alice');
	await L.rows(page, 'hello with an account').waitFor();
});

test('a reload keeps the session; Log out ends it', async () => {
	const page = alice.page;

	await page.reload();
	await L.online(page);
	assert.equal(await page.locator('#me-name').textContent(), 'alice');
	await L.rows(page, 'hello with an account').waitFor();

	await page.locator('#logout').click();
	await page.locator('#login-name').waitFor();
	await L.until('the cookie to go', async () =>
	    !(await alice.context.cookies()).some((k) => k.name === 'kchat_session' && k.value !== ''));
	assert.equal(await page.locator('#app').isHidden(), true);
	await page.reload();
	await page.locator('#login-name').waitFor();
	assert.equal(await page.locator('#app').isHidden(), true, 'still logged out after a reload');
});

test('no CSP violation or script error', () => {
	/* Chromium logs the wrong password's answer (401) as a failed load */
	assert.deepEqual(alice.problems.filter((p) => !/status of 401/.test(p)), []);
});

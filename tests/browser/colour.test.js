/*
 * colour.test.js - the web client's user colour is kc_user_colour() of
 * proto/colour.c: the values pinned in tests/unit/test-colour.c.
 */
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { kchatUserColour, KCHAT_COLOURS } = require('../../static/colour.js');

test('user colours match kc_user_colour()', () => {
	assert.equal(KCHAT_COLOURS, 12);
	for (const [name, colour] of [['alice', 11], ['bob', 8], ['john_doe', 7],
	    ['Alice', 11], ['a', 4], ['foobar', 4], ['', 1], ['\u00e9', 9]])
		assert.equal(kchatUserColour(name), colour, name);
});

test('every colour is used and the rule is stable', () => {
	const seen = new Array(12).fill(0);

	for (let i = 0; i < 1000; i++) {
		const c = kchatUserColour(`user${i}`);
		assert.ok(c >= 0 && c < 12);
		assert.equal(kchatUserColour(`user${i}`), c);
		seen[c]++;
	}
	assert.ok(seen.every((n) => n > 0));
});

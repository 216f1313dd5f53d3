/*
 * colour.js - the stable colour of a user name, the same rule as
 * kc_user_colour() in proto/colour.c and the terminal client: FNV-1a
 * (32 bits) over the name's UTF-8 bytes, modulo 12.
 *
 * The 12 colours, in this order (style.css: .u-c0 ... .u-c11), the order
 * of the terminal client's palette (tui/ui-screen.c), so a user has one
 * colour everywhere:
 *
 *   0 red          1 green          2 yellow         3 blue
 *   4 magenta      5 cyan           6 bright red     7 bright green
 *   8 bright yellow 9 bright blue  10 bright magenta 11 bright cyan
 *
 * Loaded as a plain script (defines kchatUserColour) and, for the tests,
 * as a CommonJS module.
 */
'use strict';

var KCHAT_COLOURS = 12;

function kchatUserColour(name) {
	var bytes = new TextEncoder().encode(name);
	var h = 0x811c9dc5;	/* offset basis */
	var i;

	for (i = 0; i < bytes.length; i++) {
		h ^= bytes[i];
		h = Math.imul(h, 0x01000193);	/* 16777619, mod 2^32 */
	}
	return (h >>> 0) % KCHAT_COLOURS;
}

if (typeof module !== 'undefined' && module.exports)
	module.exports = { kchatUserColour: kchatUserColour, KCHAT_COLOURS: KCHAT_COLOURS };

/*
 * protocol.js - the browser protocol of kchat-bridge, as kchat.7 and
 * kchat-bridge(1) write it down: the frames the page sends (one builder
 * each), parsing what comes back, and the rules a frame's fields follow
 * (names, text, timestamps, ids), so that the page refuses what the bridge
 * would refuse before sending it. No state, no DOM.
 */

export var NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;	/* proto: kc_user_validate */
export var TEXT_MAX = 8192;			/* KC_TEXT_MAX, bytes of UTF-8 */
export var HISTORY_MAX = 200;			/* a page asked for: at most this */
var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export var CHAT_TYPES = { message: 1, action: 1, dm: 1 };
export var KNOWN_TYPES = { message: 1, action: 1, dm: 1, join: 1, leave: 1 };
/* Records that change the line "re" names (kchat.7, EDITS). */
export var EDIT_TYPES = { edit: 1, delete: 1 };

/* ------------------------------------------------------------ receiving */

/* A text frame -> its object, or null when it is not one. */
export function parseFrame(data) {
	var f;

	try {
		f = JSON.parse(data);
	} catch (e) {
		return null;
	}
	return f !== null && typeof f === 'object' && !Array.isArray(f) ? f : null;
}

/* Whether f is a chat record (message, action, dm, join, leave, edit,
 * delete; a frame without a type is a message in the documented form). */
export function isRecord(f) {
	return f.type === undefined || KNOWN_TYPES[f.type] === 1 ||
	    EDIT_TYPES[f.type] === 1;
}

/* Which conversation a record belongs to, for the user me: a room's
 * name, "@peer" for direct messages, or null. */
export function roomKeyOf(rec, me) {
	if (rec.type === 'dm') {
		var peer = rec.username === me ? rec.to : rec.username;

		return typeof peer === 'string' && peer !== '' ? '@' + peer : null;
	}
	return typeof rec.room === 'string' ? rec.room : null;
}

var ERROR_TEXT = {
	rate_limited: 'You are sending too fast; wait a moment.',
	username_mismatch: 'This connection is bound to another name.',
	text_too_long: 'The message is too long.',
	too_many_rooms: 'You are in too many rooms already.',
	busy: 'The server is busy; try again shortly.',
	history_unavailable: 'Earlier messages could not be read from Kafka just now; new ones still arrive.'
};

/* What an error frame means, in words for the user. */
export function errorText(f) {
	return ERROR_TEXT[f.code] || (typeof f.error === 'string' && f.error !== '' ?
	    f.error : 'Error: ' + f.code);
}

/* "2025-10-03T22:30:45.123456" (UTC, the bridge's shape) -> Date. */
export function parseTs(ts) {
	var d;

	if (typeof ts !== 'string' || ts.length < 19)
		return null;
	d = new Date(ts.slice(0, 23) + 'Z');
	return isNaN(d.getTime()) ? null : d;
}

/* A Date -> the bridge's timestamp shape, for local notes. */
export function formatTs(d) {
	return d.toISOString().slice(0, 23) + '000';
}

/* -------------------------------------------------------------- sending */

export function encode(f) {
	return JSON.stringify(f);
}

/* A ping; with a user name, the first one names the connection. */
export function pingFrame(ref, user) {
	var f = { type: 'ping', ref: ref };

	if (user !== undefined)
		f.username = user;
	return f;
}

export function roomsFrame(user, ref) {
	return { type: 'rooms', username: user, ref: ref };
}

export function whoFrame(room, user) {
	return { type: 'who', room: room, username: user };
}

/* /away: message "" is back. */
export function awayFrame(message, user) {
	return { type: 'away', message: message, username: user };
}

/* since: the offset after the last record seen (a rejoin), or null. */
export function joinFrame(room, user, ref, since) {
	var f = { type: 'join', room: room, username: user, ref: ref };

	if (typeof since === 'number')
		f.since = since;
	return f;
}

/* Without a user: leaving general before the connection has a name. */
export function leaveFrame(room, user, ref) {
	var f = { type: 'leave', room: room };

	if (user !== undefined)
		f.username = user;
	if (ref !== undefined)
		f.ref = ref;
	return f;
}

/*
 * A history page of q.room: q.limit records below q.beforeOffset (or
 * below the record q.before names by id; neither: below where the live
 * stream began), at or above q.since.
 */
export function historyFrame(q) {
	var f = { type: 'history', room: q.room, limit: q.limit,
	    username: q.user, ref: q.ref };

	if (typeof q.beforeOffset === 'number')
		f.before_offset = q.beforeOffset;
	else if (typeof q.before === 'string')
		f.before = q.before;
	if (typeof q.since === 'number')
		f.since = q.since;
	return f;
}

/* A message or action to a room, or a direct message (type 'dm', where
 * is the peer), with the page's own id for it; reply: the id answered. */
export function postFrame(type, user, where, text, ref, id, reply) {
	var f = { type: type, username: user, message: text, ref: ref, id: id };

	if (type === 'dm')
		f.to = where;
	else
		f.room = where;
	if (typeof reply === 'string' && reply !== '')
		f.reply = reply;
	return f;
}

/* New text for my message re in room. */
export function editFrame(room, user, re, text, ref) {
	return { type: 'edit', room: room, username: user, re: re,
	    message: text, ref: ref };
}

/* Deletes my message re in room. */
export function deleteFrame(room, user, re, ref) {
	return { type: 'delete', room: room, username: user, re: re, ref: ref };
}

export function typingFrame(room, user) {
	return { type: 'typing', room: room, username: user };
}

/* ---------------------------------------------------------------- rules */

export function utf8Length(s) {
	return new TextEncoder().encode(s).length;
}

/* What is wrong with text as a message (kc_text_validate()), or null. */
/* Whether text shows nothing (as libkchat's kc_text_blank): the bridge
 * refuses it (text_empty), so it is not sent. */
var BLANK_RE = new RegExp('^[\\s\\u00ad\\u034f\\u115f\\u1160\\u17b4\\u17b5' +
    '\\u180b-\\u180f\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u2800' +
    '\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\u{e0000}-\\u{e007f}' +
    '\\u{e0100}-\\u{e01ef}]*$', 'u');

export function isBlank(text) {
	return BLANK_RE.test(text);
}

export function textProblem(text) {
	var n = utf8Length(text);

	/* No control characters but \n and \t. */
	if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text))
		return 'The message contains a control character; only new lines and tabs are allowed.';
	if (n > TEXT_MAX)
		return 'The message is too long: ' + n + ' bytes, at most ' + TEXT_MAX + '.';
	return null;
}

/* A ULID for an own message: 48 bits of ms, 80 random bits. */
export function newUlid() {
	var t = Date.now(), s = '', i, r = new Uint8Array(16);

	for (i = 0; i < 10; i++, t = Math.floor(t / 32))
		s = CROCKFORD.charAt(t % 32) + s;
	crypto.getRandomValues(r);
	for (i = 0; i < 16; i++)
		s += CROCKFORD.charAt(r[i] % 32);
	return s;
}

/*
 * app.js - the kchat web client: one WebSocket to kchat-bridge at
 * /ws/{client_id}?ext=1, speaking the JSON frames documented at the top of
 * bridge/ws.c.
 *
 * State lives in plain objects (S, rooms, messages); the DOM is patched from
 * it. Messages of a room are kept sorted by (timestamp, id) and de-duplicated
 * by id, so live records, history pages and the history merged after a
 * reconnect can arrive in any order without duplicates. What to ask for is
 * decided by Kafka offsets (each record carries its offset in the room's
 * partition): a rejoin asks for everything after the last offset seen
 * ("since"), older pages and gaps for what lies below the lowest offset
 * held ("before_offset"), never by comparing ids or times.
 *
 * Own messages carry an id made here (a ULID), kept across retries: a
 * message whose ack was lost and that is sent again is the same record to
 * every reader.
 *
 * Own messages: pending (sent, no ack yet) -> sent (the bridge's ack, or our
 * own record read back from Kafka, whichever comes first) -> failed (an
 * error, no answer in time, or the connection dropped) with a Retry button.
 * Messages written while offline wait as "queued" and go out on reconnect.
 *
 * Safety: every piece of user text reaches the page through textContent or
 * text nodes; links are made only for http(s) URLs, with
 * rel="noopener noreferrer". No inline script or style, so the bridge can
 * send "Content-Security-Policy: default-src 'self'".
 */
'use strict';

(function () {

/* ------------------------------------------------------------- constants */

var NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;	/* proto: kc_user_validate */
var TEXT_MAX = 8192;			/* KC_TEXT_MAX, bytes of UTF-8 */
var ACK_TIMEOUT_MS = 15000;		/* pending longer than this: failed */
var PING_EVERY_MS = 20000;		/* keepalive; no pong by the next: reconnect */
var TYPING_SEND_MS = 3000;		/* at most one typing frame this often */
var TYPING_SHOW_MS = 6000;		/* how long "x is typing" stays */
var BACKOFF_MIN_MS = 500;
var BACKOFF_MAX_MS = 15000;
var GAP_PAGES_MAX = 20;			/* history pages fetched to close a gap */
var DM_KEEP = 200;			/* direct messages remembered per person */
var LINES_MAX = 50;			/* lines of one message shown at first */
var GROUP_MS = 5 * 60 * 1000;		/* one person's run: name shown once */
var CID_KEEP_MS = 12 * 3600 * 1000;	/* an own message's id is reused this long */
var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
var CHAT_TYPES = { message: 1, action: 1, dm: 1 };
var KNOWN_TYPES = { message: 1, action: 1, dm: 1, join: 1, leave: 1 };

/* ----------------------------------------------------------------- state */

var S = {
	me: null,		/* user name */
	clientId: null,
	ws: null,
	conn: 'idle',		/* idle, connecting, online, waiting */
	everOnline: false,
	attempt: 0,
	retryTimer: null,
	retryAt: 0,
	pingRef: null,
	pingSent: 0,
	outq: [],		/* frames waiting for the rate limit */
	tokens: 18,
	tokenAt: 0,
	drainTimer: null,
	rooms: new Map(),	/* key ("general", "@bob") -> room */
	current: null,
	refSeq: 0,
	reqs: new Map(),	/* ref -> { kind, ... } */
	localSeq: 0,
	typingSent: 0,
	notify: false,
	connEpoch: 0,		/* counts connections: presence older is stale */
	hello: null,
	pageSize: 50
};

var $ = function (id) { return document.getElementById(id); };
var el = {};

/* --------------------------------------------------------------- storage */

function load(key, fallback) {
	try {
		var v = window.localStorage.getItem('kchat.' + key);
		return v === null ? fallback : JSON.parse(v);
	} catch (e) {
		return fallback;
	}
}

function save(key, value) {
	try {
		window.localStorage.setItem('kchat.' + key, JSON.stringify(value));
	} catch (e) {
		/* private mode or full: the page still works, it just forgets */
	}
}

function saveRooms() {
	var rooms = [], dms = [];

	S.rooms.forEach(function (r) {
		(r.dm ? dms : rooms).push(r.name);
	});
	save('rooms', { rooms: rooms, dms: dms, current: S.current });
}

var dmSaveTimer = null;
function saveDms() {
	if (dmSaveTimer !== null)
		return;
	dmSaveTimer = setTimeout(function () {
		var all = {};

		dmSaveTimer = null;
		S.rooms.forEach(function (r) {
			if (!r.dm)
				return;
			all[r.name] = r.msgs.filter(function (m) {
				return m.id && m.type === 'dm';
			}).slice(-DM_KEEP).map(function (m) {
				return { id: m.id, type: 'dm', room: m.room, username: m.user,
				    to: m.to, message: m.text, timestamp: m.timestamp };
			});
		});
		save('dm.' + S.me, all);
	}, 300);
}

function randomId() {
	var a = new Uint8Array(12), s = '', i;

	window.crypto.getRandomValues(a);
	for (i = 0; i < a.length; i++)
		s += (a[i] + 0x100).toString(16).slice(1);
	return s;
}

/* ------------------------------------------------------------ formatting */

/* "2025-10-03T22:30:45.123456" (UTC, the bridge's shape) -> Date. */
function parseTs(ts) {
	var d;

	if (typeof ts !== 'string' || ts.length < 19)
		return null;
	d = new Date(ts.slice(0, 23) + 'Z');
	return isNaN(d.getTime()) ? null : d;
}

/* A Date -> the bridge's timestamp shape, for local notes. */
function formatTs(d) {
	return d.toISOString().slice(0, 23) + '000';
}

function timeLabel(d) {
	return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
	    hourCycle: 'h23' });
}

function dayKey(d) {
	return d.getFullYear() + '-' + (d.getMonth() + 1) + '-' + d.getDate();
}

function dayLabel(d) {
	var today = new Date(), y = new Date();

	y.setDate(today.getDate() - 1);
	if (dayKey(d) === dayKey(today))
		return 'Today';
	if (dayKey(d) === dayKey(y))
		return 'Yesterday';
	return d.toLocaleDateString([], { weekday: 'long', year: 'numeric',
	    month: 'long', day: 'numeric' });
}

function utf8Length(s) {
	return new TextEncoder().encode(s).length;
}

function escapeRe(s) {
	return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function mentionRe() {
	return new RegExp('(^|[^A-Za-z0-9_.-])(' + escapeRe(S.me) +
	    ')(?![A-Za-z0-9_-])', 'i');
}

function mentions(text) {
	return S.me !== null && typeof text === 'string' && mentionRe().test(text);
}

function nickNode(name, tag) {
	var n = document.createElement(tag || 'span');

	n.className = 'nick u-c' + kchatUserColour(name);
	n.textContent = name;
	return n;
}

/* Appends text to parent, marking mentions of me (unless it is mine). */
function appendMentions(parent, text, own) {
	var re = new RegExp(mentionRe().source, 'gi'), last = 0, m, mark;

	while (!own && (m = re.exec(text)) !== null) {
		var start = m.index + m[1].length;

		if (start > last)
			parent.appendChild(document.createTextNode(text.slice(last, start)));
		mark = document.createElement('mark');
		mark.textContent = m[2];
		parent.appendChild(mark);
		last = start + m[2].length;
		if (m[0].length === 0)
			re.lastIndex++;
	}
	if (last < text.length)
		parent.appendChild(document.createTextNode(text.slice(last)));
}

/*
 * What kchat-tui shows too (tui/sanitize.c): code points that could
 * reorder or break up what is drawn become U+FFFD, so that
 * "\u202Egnp.exe" cannot read as "exe.png": C1 controls, bidi marks,
 * embeddings, overrides and isolates, line and paragraph separators,
 * noncharacters. The text's element is a bidi isolate as well (style.css).
 */
var UNSAFE_RE = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]/g;

function inert(text) {
	return text.replace(UNSAFE_RE, '\ufffd');
}

/* Appends text to parent: http(s) URLs become links, the rest text nodes. */
function appendRich(parent, text, own) {
	var re = /\bhttps?:\/\/[^\s<>"'`]+/gi, last = 0, m;

	text = inert(text);
	while ((m = re.exec(text)) !== null) {
		var raw = m[0], url = null, a;

		/* Trailing punctuation belongs to the sentence, not the link. */
		while (/[.,;:!?'")\]]$/.test(raw) &&
		    !(raw.slice(-1) === ')' && raw.indexOf('(') >= 0))
			raw = raw.slice(0, -1);
		try {
			url = new URL(raw);
		} catch (e) {
			url = null;
		}
		if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
			continue;
		if (m.index > last)
			appendMentions(parent, text.slice(last, m.index), own);
		a = document.createElement('a');
		a.href = url.href;
		a.textContent = raw;
		a.rel = 'noopener noreferrer';
		a.target = '_blank';
		parent.appendChild(a);
		last = m.index + raw.length;
		re.lastIndex = last;
	}
	if (last < text.length)
		appendMentions(parent, text.slice(last), own);
}

/*
 * The text of a message, its first LINES_MAX lines only when it has more,
 * with a button that shows the rest: one message of thousands of newlines
 * must not push everything else out of sight (kchat-tui caps it too).
 */
function appendLines(parent, text, own) {
	var lines = text.split('\n'), b;

	if (lines.length <= LINES_MAX) {
		appendRich(parent, text, own);
		return;
	}
	appendRich(parent, lines.slice(0, LINES_MAX).join('\n'), own);
	b = document.createElement('button');
	b.type = 'button';
	b.className = 'text-button more-lines';
	b.textContent = 'Show ' + (lines.length - LINES_MAX) + ' more lines';
	b.addEventListener('click', function () {
		while (parent.firstChild)
			parent.removeChild(parent.firstChild);
		appendRich(parent, text, own);
	});
	parent.appendChild(document.createTextNode('\n'));
	parent.appendChild(b);
}

/* ----------------------------------------------------------------- rooms */

function newRoom(name, dm) {
	return {
		key: dm ? '@' + name : name,
		name: name,
		dm: dm,
		msgs: [],		/* sorted by m.key */
		byId: new Map(),
		days: new Map(),	/* day key -> separator node */
		groups: new Map(),	/* first id -> joins and leaves shown as one */
		unread: 0,
		mention: false,
		more: false,
		loaded: dm,		/* DMs have no server history */
		loadingOlder: false,
		resumeKey: null,	/* newest message key when the connection dropped */
		lastOffset: null,	/* highest record offset seen in this room */
		lowOffset: null,	/* lowest: older pages are asked for below it */
		resumeOffset: null,	/* lastOffset when the connection dropped */
		gapPages: 0,
		wasReset: false,	/* its server's history was reset */
		members: [],
		membersEpoch: -1,	/* S.connEpoch of the last presence */
		offlineNoted: false,	/* "not online" said in this DM */
		typing: new Map(),	/* user -> expiry (ms) */
		joinRef: null
	};
}

function addRoom(name, dm) {
	var key = dm ? '@' + name : name, r = S.rooms.get(key);

	if (r === undefined) {
		r = newRoom(name, dm);
		S.rooms.set(key, r);
		saveRooms();
	}
	return r;
}

function currentRoom() {
	return S.current === null ? null : S.rooms.get(S.current) || null;
}

function sortedKeys(dm) {
	var keys = [];

	S.rooms.forEach(function (r) {
		if (r.dm === dm)
			keys.push(r.key);
	});
	return keys.sort(function (a, b) {
		return a.toLowerCase() < b.toLowerCase() ? -1 : 1;
	});
}

/* -------------------------------------------------------------- messages */

function makeKey(m) {
	if (m.type === 'note')
		return m.timestamp + ' ~' + m.local;
	if (m.id)
		return m.timestamp + ' ' + m.id;
	return '~' + ('000000000' + m.local).slice(-10);	/* unsent: last */
}

function findIndex(room, key) {
	var lo = 0, hi = room.msgs.length;

	while (lo < hi) {
		var mid = (lo + hi) >> 1;

		if (room.msgs[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

function insertMsg(room, m) {
	m.key = makeKey(m);
	room.msgs.splice(findIndex(room, m.key), 0, m);
	if (m.id)
		room.byId.set(m.id, m);
}

function removeMsg(room, m) {
	var i = room.msgs.indexOf(m);

	if (i >= 0)
		room.msgs.splice(i, 1);
	if (m.id && room.byId.get(m.id) === m)
		room.byId.delete(m.id);
	if (m.node && m.node.parentNode)
		m.node.parentNode.removeChild(m.node);
}

/* A ULID for an own message: 48 bits of ms, 80 random bits. */
function newUlid() {
	var t = Date.now(), s = '', i, r = new Uint8Array(16);

	for (i = 0; i < 10; i++, t = Math.floor(t / 32))
		s = CROCKFORD.charAt(t % 32) + s;
	crypto.getRandomValues(r);
	for (i = 0; i < 16; i++)
		s += CROCKFORD.charAt(r[i] % 32);
	return s;
}

/* An own message learns its id and timestamp (ack or read back). */
function confirmMsg(room, m, id, timestamp) {
	var other = room.byId.get(id);

	var i;

	if (other !== undefined && other !== m) {
		removeMsg(room, m);	/* already shown under its id */
		return other;
	}
	if ((i = room.msgs.indexOf(m)) >= 0)
		room.msgs.splice(i, 1);	/* re-sorted below under its new key */
	m.id = id;
	m.timestamp = timestamp || m.timestamp;
	m.date = parseTs(m.timestamp) || m.date;
	insertMsg(room, m);
	setState(m, 'sent');
	if (m.node !== null) {
		m.node.dataset.id = id;
		fillTime(m, m.node.querySelector('time'));
	}
	if (room.dm)
		saveDms();
	return m;
}

/* Which conversation a record belongs to. */
function roomKeyOf(rec) {
	if (rec.type === 'dm') {
		var peer = rec.username === S.me ? rec.to : rec.username;

		return typeof peer === 'string' && peer !== '' ? '@' + peer : null;
	}
	return typeof rec.room === 'string' ? rec.room : null;
}

/*
 * Adds one chat record. how: 'live', 'history' or 'stored'. Returns the
 * message when it is new, else null.
 */
function addRecord(rec, how) {
	var type = rec.type || 'message', key, room, m, i, p, date;

	if (!KNOWN_TYPES[type] || typeof rec.username !== 'string')
		return null;
	if ((date = parseTs(rec.timestamp)) === null)
		return null;
	if ((key = roomKeyOf({ type: type, room: rec.room, username: rec.username,
	    to: rec.to })) === null)
		return null;
	room = S.rooms.get(key);
	if (room === undefined) {
		if (type !== 'dm')
			return null;	/* a room we left: ignore */
		room = addRoom(key.slice(1), true);
		renderSidebar();
	}
	/* Live records come in offset order, after every record held: one
	 * below them is from a server that started its history afresh. */
	if (how === 'live' && !room.dm && typeof rec.offset === 'number' &&
	    room.lastOffset !== null && rec.offset <= room.lastOffset &&
	    !(rec.id && room.byId.has(rec.id)))
		historyReset(room);
	if (!room.dm && typeof rec.offset === 'number' && rec.offset >= 0) {
		if (room.lastOffset === null || rec.offset > room.lastOffset)
			room.lastOffset = rec.offset;
		if (room.lowOffset === null || rec.offset < room.lowOffset)
			room.lowOffset = rec.offset;
	}
	if (rec.id && room.byId.has(rec.id)) {
		p = room.byId.get(rec.id);
		if (typeof rec.offset === 'number' && typeof p.offset !== 'number')
			p.offset = rec.offset;
		return null;	/* seen already: de-duplicated by id */
	}

	/* Our own record read back: it confirms the unsent one with its id
	 * (or, for a message sent without one, the oldest with its text). */
	if (rec.username === S.me && CHAT_TYPES[type] && rec.id) {
		for (i = 0; i < room.msgs.length; i++) {
			p = room.msgs[i];
			if (!p.id && p.own && p.cid === rec.id) {
				p.offset = typeof rec.offset === 'number' ? rec.offset : null;
				confirmMsg(room, p, rec.id, rec.timestamp);
				return null;
			}
		}
		for (i = 0; i < room.msgs.length; i++) {
			p = room.msgs[i];
			if (!p.id && p.own && !p.cid && p.type === type &&
			    p.text === rec.message) {
				confirmMsg(room, p, rec.id, rec.timestamp);
				return null;
			}
		}
	}

	m = {
		id: rec.id || null,
		offset: typeof rec.offset === 'number' ? rec.offset : null,
		local: ++S.localSeq,
		type: type,
		room: rec.room,
		user: rec.username,
		to: rec.to || '',
		via: rec.via || '',
		text: typeof rec.message === 'string' ? rec.message : '',
		timestamp: rec.timestamp,
		date: date,
		own: rec.username === S.me,
		state: 'sent',
		error: '',
		ref: null,
		node: null,
		mention: false
	};
	if (m.id === null)
		m.id = 'noid-' + m.local;
	m.mention = CHAT_TYPES[type] && !m.own &&
	    (mentions(m.text) || (type === 'dm' && how === 'live'));
	insertMsg(room, m);
	if (room.typing.delete(m.user) && room.key === S.current)
		renderTyping();
	if (room.dm && how !== 'stored')
		saveDms();
	noteNew(room, m, how);
	return m;
}

/* Unread counts, mentions, notifications and the live region. */
function noteNew(room, m, how) {
	var fresh = how === 'live' ||
	    (how === 'history' && room.resumeKey !== null && m.key > room.resumeKey);
	var here = room.key === S.current && !document.hidden;

	if (!fresh || !CHAT_TYPES[m.type] || m.own)
		return;
	if (room.key !== S.current) {
		room.unread++;
		if (m.mention || room.dm)
			room.mention = true;
	}
	if (how !== 'live')
		return;
	if (room.key === S.current)
		announce(m.user + (m.type === 'action' ? ' ' : ': ') + inert(m.text));
	else if (m.mention || room.dm)
		announce((room.dm ? 'Direct message from ' : 'Mention in #' + room.name +
		    ' from ') + m.user + ': ' + inert(m.text));
	if ((m.mention || room.dm) && !here)
		notifyDesktop(room, m);
}

/* Local lines (help, errors) shown in a room, never sent; after the
 * message with timestamp after (a bridge timestamp) if given, else now. */
function note(room, text, kind, after) {
	var m;

	if (room === null)
		return;
	m = {
		id: null, local: ++S.localSeq, type: 'note', user: '', text: text,
		timestamp: after || formatTs(new Date()), date: new Date(), own: false,
		state: 'sent', node: null, kind: kind || 'info', mention: false
	};
	insertMsg(room, m);
	if (room.key === S.current)
		renderMessages('append');
}

/* ------------------------------------------------------------ the socket */

function newRef(kind, data) {
	var ref = kind + (++S.refSeq).toString(36);

	data = data || {};
	data.kind = kind;
	S.reqs.set(ref, data);
	return ref;
}

/*
 * Queues a frame for the bridge. Frames leave at most at the bridge's
 * advertised rate (hello: rate, burst; a little under it, as clocks differ),
 * so a paste of many lines is paced instead of refused.
 */
function send(obj, msg) {
	if (S.ws === null || S.conn !== 'online')
		return false;
	S.outq.push({ obj: obj, msg: msg || null });
	drain();
	return true;
}

function drain() {
	var now = Date.now(), item;
	var rate = S.hello !== null && S.hello.rate > 0 ? S.hello.rate * 0.9 : 9;
	var burst = S.hello !== null && S.hello.burst > 2 ? S.hello.burst - 2 : 18;

	S.tokens = Math.min(burst, S.tokens + (now - S.tokenAt) / 1000 * rate);
	S.tokenAt = now;
	while (S.outq.length > 0 && S.tokens >= 1 && S.ws !== null) {
		item = S.outq.shift();
		try {
			S.ws.send(JSON.stringify(item.obj));
		} catch (e) {
			/* the socket is closing; onclose follows */
		}
		S.tokens -= 1;
	}
	if (S.outq.length > 0 && S.drainTimer === null)
		S.drainTimer = setTimeout(function () {
			S.drainTimer = null;
			drain();
		}, Math.ceil((1 - S.tokens) / rate * 1000) + 5);
}

function connect() {
	var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:', ws;

	clearTimeout(S.retryTimer);
	S.retryTimer = null;
	if (S.ws !== null || S.me === null)
		return;
	setConn('connecting');
	try {
		ws = new WebSocket(proto + '//' + window.location.host + '/ws/' +
		    encodeURIComponent(S.clientId) + '?ext=1');
	} catch (e) {
		scheduleReconnect();
		return;
	}
	S.ws = ws;
	ws.onopen = function () {
		if (S.ws === ws)
			onOpen();
	};
	ws.onmessage = function (ev) {
		var f;

		if (S.ws !== ws)
			return;
		try {
			f = JSON.parse(ev.data);
		} catch (e) {
			return;
		}
		if (f !== null && typeof f === 'object')
			onFrame(f);
	};
	ws.onclose = function (ev) {
		if (S.ws === ws)
			onDrop(ev.code, ev.reason);
	};
	ws.onerror = function () {
		/* onclose follows */
	};
}

/* Forgets the socket now (a dead network may take minutes to say so). */
function dropSocket(code, reason) {
	var ws = S.ws;

	if (ws === null)
		return;
	ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
	try {
		ws.close();
	} catch (e) {
		/* already closed */
	}
	onDrop(code, reason);
}

function onOpen() {
	var joins = [];

	S.attempt = 0;
	S.everOnline = true;
	S.connEpoch++;
	S.hello = null;
	S.tokens = 18;
	S.tokenAt = Date.now();
	setConn('online');
	S.pingRef = null;
	S.typingSent = 0;
	/* A new connection is in "general"; leave it before naming ourselves
	 * so that no join record is written for a room we are not in. */
	if (!S.rooms.has('general'))
		send({ type: 'leave', room: 'general' });
	send({ type: 'ping', username: S.me, ref: newRef('hello') });
	send({ type: 'rooms', username: S.me, ref: newRef('rooms') });
	/* A new connection is in general without a join: ask who is there
	 * (the other rooms' joins are answered with their presence). */
	if (S.rooms.has('general'))
		send({ type: 'who', room: 'general', username: S.me });
	S.rooms.forEach(function (r) {
		if (!r.dm && r.name !== 'general')
			joins.push(r);
	});
	/* The current room last: the bridge's "current room" then matches. */
	joins.sort(function (a, b) {
		return (a.key === S.current) - (b.key === S.current);
	});
	joins.forEach(function (r) {
		var f = { type: 'join', room: r.name, username: S.me };

		r.joinRef = f.ref = newRef('join', { room: r.key });
		/* Everything after the last record seen, nothing twice. */
		if (r.lastOffset !== null)
			f.since = r.lastOffset + 1;
		send(f);
	});
	/* Messages written while offline go out now, oldest first. */
	S.rooms.forEach(function (r) {
		r.msgs.forEach(function (m) {
			if (m.own && m.state === 'queued')
				transmit(r, m);
		});
	});
	renderAll();
}

function onDrop(code, reason) {
	var wasOnline = S.conn === 'online';

	S.ws = null;
	/* Messages that never left wait for the next connection. */
	S.outq.forEach(function (item) {
		if (item.msg !== null) {
			S.reqs.delete(item.msg.ref);
			setState(item.msg, 'queued');
		}
	});
	S.outq = [];
	clearTimeout(S.drainTimer);
	S.drainTimer = null;
	S.reqs.forEach(function (req, ref) {
		if (req.kind === 'send' && req.msg.state === 'pending') {
			req.msg.error = 'Not confirmed: the connection dropped';
			setState(req.msg, 'failed');
		}
		if (req.kind === 'older' || req.kind === 'gap') {
			var r = S.rooms.get(req.room);

			if (r !== undefined)
				r.loadingOlder = false;
		}
	});
	S.reqs.clear();
	S.rooms.forEach(function (r) {
		var i;

		r.typing.clear();
		r.gapPages = 0;
		/* Where the history merged after the reconnect must reach back to. */
		for (i = r.msgs.length - 1; i >= 0; i--) {
			if (r.msgs[i].id && r.msgs[i].type !== 'note' &&
			    r.msgs[i].id.indexOf('noid-') !== 0) {
				if (r.resumeKey === null || wasOnline)
					r.resumeKey = r.msgs[i].key;
				break;
			}
		}
		if (r.resumeOffset === null || wasOnline)
			r.resumeOffset = r.lastOffset;
	});
	if (code === 1009)
		showError('The last message was too large for the server.');
	scheduleReconnect();
	renderAll();
}

function scheduleReconnect() {
	var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, S.attempt));

	delay = Math.round(delay * (0.8 + Math.random() * 0.4));
	S.attempt++;
	S.retryAt = Date.now() + delay;
	clearTimeout(S.retryTimer);
	S.retryTimer = setTimeout(connect, delay);
	setConn('waiting');
}

function retryNow() {
	if (S.ws !== null)
		return;
	S.attempt = 0;
	connect();
}

/* -------------------------------------------------------------- frames */

function onFrame(f) {
	var req = typeof f.ref === 'string' ? S.reqs.get(f.ref) : undefined;

	switch (f.type) {
	case 'hello':
		S.hello = f;
		if (typeof f.history === 'number' && f.history > 0)
			S.pageSize = Math.min(f.history, 200);
		break;
	case 'ack':
		onAck(f, req);
		break;
	case 'error':
		onError(f, req);
		break;
	case 'joined':
		if (req !== undefined)
			S.reqs.delete(f.ref);
		break;
	case 'left':
		if (req !== undefined)
			S.reqs.delete(f.ref);
		break;
	case 'history':
		onHistory(f, req);
		break;
	case 'presence':
		onPresence(f);
		break;
	case 'typing':
		onTyping(f);
		break;
	case 'rooms':
		onRooms(f);
		break;
	case 'pong':
		if (req !== undefined)
			S.reqs.delete(f.ref);
		if (f.ref === S.pingRef)
			S.pingRef = null;
		break;
	default:
		/* chat records: message, action, dm, join, leave (or untyped) */
		if (f.type === undefined || KNOWN_TYPES[f.type])
			onRecord(f);
		break;
	}
}

function onRecord(f) {
	var key = roomKeyOf({ type: f.type || 'message', room: f.room,
	    username: f.username, to: f.to });

	addRecord(f, 'live');
	if (key !== null && key === S.current)
		renderMessages('append');
	renderSidebar();
}

function onAck(f, req) {
	var room, m;

	if (req === undefined || req.kind !== 'send')
		return;
	S.reqs.delete(f.ref);
	m = req.msg;
	room = S.rooms.get(req.room);
	if (room === undefined || room.msgs.indexOf(m) < 0)
		return;
	if (typeof f.id === 'string' && f.id !== '')
		confirmMsg(room, m, f.id, f.timestamp);
	else
		setState(m, 'sent');
	if (room.key === S.current)
		renderMessages('append');
}

var ERROR_TEXT = {
	rate_limited: 'You are sending too fast; wait a moment.',
	username_mismatch: 'This connection is bound to another name.',
	text_too_long: 'The message is too long.',
	too_many_rooms: 'You are in too many rooms already.',
	busy: 'The server is busy; try again shortly.',
	history_unavailable: 'Earlier messages could not be read from Kafka just now; new ones still arrive.'
};

function errorText(f) {
	return ERROR_TEXT[f.code] || (typeof f.error === 'string' && f.error !== '' ?
	    f.error : 'Error: ' + f.code);
}

function onError(f, req) {
	var room;

	if (req === undefined) {
		showError(errorText(f));
		return;
	}
	S.reqs.delete(f.ref);
	switch (req.kind) {
	case 'send':
		req.msg.error = errorText(f);
		setState(req.msg, 'failed');
		break;
	case 'join':
		room = S.rooms.get(req.room);
		if (room !== undefined && !room.loaded && room.msgs.length === 0) {
			S.rooms.delete(req.room);
			saveRooms();
			if (S.current === req.room)
				switchRoom(firstRoomKey());
		}
		showError('Cannot join #' + req.room + ': ' + errorText(f));
		break;
	case 'probe':
		break;	/* the page before it stands; nothing to tell the user */
	case 'older':
	case 'gap':
		if ((room = S.rooms.get(req.room)) !== undefined) {
			room.loadingOlder = false;
			renderOlder();
		}
		showError('Older messages: ' + errorText(f));
		break;
	default:
		showError(errorText(f));
		break;
	}
	renderAll();
}

function onHistory(f, req) {
	var room = S.rooms.get(f.room), msgs = Array.isArray(f.messages) ? f.messages : [];
	var kind = req !== undefined ? req.kind : 'latest', oldest = null, i, m;
	var low = null;

	var verdict = null;

	if (req !== undefined)
		S.reqs.delete(f.ref);
	if (room === undefined || room.dm)
		return;
	/* The first page after a reconnect, or the probe that follows an
	 * empty one: does the server still have what was seen before? */
	if (kind !== 'older' && kind !== 'gap' && room.loaded &&
	    room.resumeOffset !== null) {
		verdict = historyVerdict(room, f, msgs);
		if (verdict === 'reset')
			historyReset(room);
	}
	for (i = 0; i < msgs.length; i++) {
		if (msgs[i] !== null && typeof msgs[i] === 'object') {
			m = addRecord(msgs[i], 'history');
			if (oldest === null && msgs[i].id && msgs[i].timestamp)
				oldest = msgs[i];
			if (typeof msgs[i].offset === 'number' && (low === null ||
			    msgs[i].offset < low))
				low = msgs[i].offset;
		}
	}

	/* Own messages that failed with the connection but did reach Kafka
	 * were confirmed above; the rest stay failed, with Retry. */
	if (kind !== 'older' && kind !== 'gap') {
		/* The latest page (on join or after a reconnect). */
		if (!room.loaded) {
			room.loaded = true;
			room.more = f.more === true;
		} else if (verdict === 'reset') {
			room.more = f.more === true;
		} else if (verdict === 'unknown') {
			requestProbe(room);
		} else if (kind === 'probe') {
			room.resumeOffset = null;
			room.resumeKey = null;
		} else if (room.resumeOffset !== null && low !== null) {
			/* After a reconnect: fill what lies between the last record
			 * seen and this page, by offset. */
			if (f.more === true && low > room.resumeOffset + 1)
				requestGap(room, null, low);
			else
				room.resumeOffset = null;
			room.resumeKey = null;
		} else if (room.resumeKey !== null && oldest !== null &&
		    f.more === true && oldest.timestamp + ' ' + oldest.id > room.resumeKey) {
			requestGap(room, oldest.id);
		} else {
			room.resumeKey = null;
			room.resumeOffset = null;
		}
	} else if (kind === 'gap' && low !== null && room.resumeOffset !== null) {
		if (f.more === true && low > room.resumeOffset + 1 &&
		    room.gapPages < GAP_PAGES_MAX)
			requestGap(room, null, low);
		else {
			room.resumeOffset = null;
			room.resumeKey = null;
			room.gapPages = 0;
		}
	} else if (kind === 'gap') {
		if (oldest !== null && f.more === true &&
		    oldest.timestamp + ' ' + oldest.id > room.resumeKey &&
		    room.gapPages < GAP_PAGES_MAX)
			requestGap(room, oldest.id);
		else {
			room.resumeKey = null;
			room.gapPages = 0;
		}
	} else {
		room.more = f.more === true;
		room.loadingOlder = false;
	}
	if (room.key === S.current)
		renderMessages(kind === 'older' ? 'prepend' : 'append');
	renderSidebar();
}

/*
 * Whether the server still has the history seen before the connection
 * dropped (room.resumeOffset: the last offset seen), judged from the first
 * page after it: 'same', 'reset' (its offsets went backwards: an embedded
 * broker that started afresh) or 'unknown' (an empty page "since" the last
 * offset: nothing new, or nothing at all; a probe tells).
 */
function historyVerdict(room, f, msgs) {
	var high = null, at = null, had = null, i;

	for (i = 0; i < msgs.length; i++) {
		if (msgs[i] === null || typeof msgs[i].offset !== 'number')
			continue;
		if (high === null || msgs[i].offset > high)
			high = msgs[i].offset;
		if (msgs[i].offset === room.resumeOffset)
			at = msgs[i];
	}
	if (typeof f.since === 'number')
		return high !== null ? 'same' : 'unknown';
	/* A page of the newest records: the last one seen is among them,
	 * under its id, unless the history is not the same any more. */
	if (msgs.length === 0)
		return 'reset';
	if (high === null)
		return 'same';	/* records without offsets: cannot tell */
	if (high < room.resumeOffset)
		return 'reset';
	for (i = 0; i < room.msgs.length && at !== null; i++) {
		if (room.msgs[i].offset === room.resumeOffset)
			had = room.msgs[i];
	}
	return at !== null && had !== null && at.id !== had.id ? 'reset' : 'same';
}

/* The newest record of room below its live stream: see historyVerdict(). */
function requestProbe(room) {
	send({ type: 'history', room: room.name, limit: 1, username: S.me,
	    ref: newRef('probe', { room: room.key }) });
}

/*
 * The server's history of room is not the one seen before (an embedded
 * broker started afresh): its offsets mean nothing now, and the user is
 * told that what is above came from before.
 */
function historyReset(room) {
	var last = null, i;

	for (i = 0; i < room.msgs.length; i++) {
		if (room.msgs[i].type !== 'note' && room.msgs[i].id)
			last = room.msgs[i];
		room.msgs[i].offset = null;
	}
	room.lastOffset = null;
	room.lowOffset = null;
	room.resumeOffset = null;
	room.resumeKey = null;
	room.gapPages = 0;
	room.wasReset = true;
	note(room, 'The server\u2019s history was reset: the messages above ' +
	    'are from before and are no longer on the server.', 'warn',
	    last !== null ? last.timestamp : null);
}

/* A page of the gap after a reconnect: below before_offset (or the
 * record before), at or above the first offset not seen. */
function requestGap(room, before, beforeOffset) {
	var f = { type: 'history', room: room.name, limit: S.pageSize,
	    username: S.me, ref: newRef('gap', { room: room.key }) };

	room.gapPages++;
	if (typeof beforeOffset === 'number') {
		f.before_offset = beforeOffset;
		f.since = room.resumeOffset + 1;
	} else
		f.before = before;
	send(f);
}

function requestOlder(room) {
	var i, before = null, f;

	if (room === null || room.dm || !room.more || room.loadingOlder ||
	    S.conn !== 'online')
		return;
	for (i = 0; i < room.msgs.length; i++) {
		if (room.msgs[i].id && room.msgs[i].id.indexOf('noid-') !== 0 &&
		    room.msgs[i].type !== 'note') {
			before = room.msgs[i].id;
			break;
		}
	}
	if (before === null)
		return;
	room.loadingOlder = true;
	/* Below the lowest offset held: records appended late are in the
	 * order Kafka has them, whatever their ids or times say. */
	f = { type: 'history', room: room.name, limit: S.pageSize,
	    username: S.me, ref: newRef('older', { room: room.key }) };
	if (typeof room.lowOffset === 'number')
		f.before_offset = room.lowOffset;
	else if (!room.wasReset)
		f.before = before;
	else {
		room.loadingOlder = false;
		S.reqs.delete(f.ref);
		return;
	}
	send(f);
	renderOlder();
}

function onPresence(f) {
	var room = S.rooms.get(f.room);

	if (room === undefined || !Array.isArray(f.users))
		return;
	room.members = f.users.filter(function (u) {
		return typeof u === 'string';
	}).sort(function (a, b) {
		return a.toLowerCase() < b.toLowerCase() ? -1 : 1;
	});
	room.membersEpoch = S.connEpoch;
	/* Someone a DM said was not online is back: say it again next time. */
	room.members.forEach(function (u) {
		var dm = S.rooms.get('@' + u);

		if (dm !== undefined)
			dm.offlineNoted = false;
	});
	if (room.key === S.current) {
		renderMembers();
		renderHeader();
	}
}

/* Whether room's list of people is from this connection (else stale). */
function membersKnown(room) {
	return S.conn === 'online' && room.membersEpoch === S.connEpoch;
}

/* Whether peer is in any room of ours, as far as presence says. */
function seenOnline(peer) {
	var found = false;

	S.rooms.forEach(function (r) {
		if (!r.dm && membersKnown(r) && r.members.indexOf(peer) >= 0)
			found = true;
	});
	return found;
}

function onTyping(f) {
	var room = S.rooms.get(f.room);

	if (room === undefined || typeof f.username !== 'string' ||
	    f.username === S.me)
		return;
	room.typing.set(f.username, Date.now() + TYPING_SHOW_MS);
	if (room.key === S.current)
		renderTyping();
}

function onRooms(f) {
	var list = el.activeRooms;

	if (!Array.isArray(f.active))
		return;
	while (list.firstChild)
		list.removeChild(list.firstChild);
	f.active.forEach(function (a) {
		var o;

		if (a === null || typeof a.room !== 'string' || S.rooms.has(a.room))
			return;
		o = document.createElement('option');
		o.value = a.room;
		o.textContent = a.room + (typeof a.users === 'number' ?
		    ' (' + a.users + ')' : '');
		list.appendChild(o);
	});
}

/* --------------------------------------------------------------- sending */

function transmit(room, m) {
	var frame;

	m.error = '';
	if (S.conn !== 'online') {
		setState(m, 'queued');
		return;
	}
	m.ref = newRef('send', { msg: m, room: room.key });
	m.sentAt = Date.now();
	/* The id stays across retries; the bridge takes ids made within a
	 * day, so a message queued longer gets a new one. */
	if (!m.cid || Date.now() - m.cidAt > CID_KEEP_MS) {
		m.cid = newUlid();
		m.cidAt = Date.now();
	}
	if (room.dm)
		frame = { type: 'dm', username: S.me, to: room.name, message: m.text,
		    ref: m.ref, id: m.cid };
	else
		frame = { type: m.type, username: S.me, room: room.name,
		    message: m.text, ref: m.ref, id: m.cid };
	setState(m, send(frame, m) ? 'pending' : 'queued');
}

function post(room, type, text) {
	var m = {
		id: null, local: ++S.localSeq, type: room.dm ? 'dm' : type,
		room: room.dm ? '' : room.name, user: S.me,
		to: room.dm ? room.name : '', via: 'web', text: text,
		timestamp: formatTs(new Date()), date: new Date(), own: true,
		state: 'pending', error: '', ref: null, node: null, mention: false
	};

	insertMsg(room, m);
	transmit(room, m);
	if (room.dm && S.conn === 'online' && !room.offlineNoted &&
	    !seenOnline(room.name)) {
		/* The bridge hands a DM only to connections there now; no
		 * client reads direct messages back from Kafka. */
		room.offlineNoted = true;
		note(room, room.name + ' is in none of your rooms and may not be ' +
		    'online: the message is stored in Kafka, but direct messages ' +
		    'reach only people connected when they are sent.', 'warn');
	}
	renderMessages('send');
}

function retry(m) {
	var room = S.rooms.get(m.roomKey);

	if (room === undefined || m.state !== 'failed')
		return;
	removeMsg(room, m);
	m.local = ++S.localSeq;
	insertMsg(room, m);
	transmit(room, m);
	renderMessages('send');
}

function setState(m, state) {
	m.state = state;
	if (m.node !== null)
		fillState(m);
}

/* What the composer does with a line. Returns false to keep the text. */
function submit(text) {
	var room = currentRoom(), cmd, arg, sp, peer, rest;

	if (text.trim() === '')
		return true;
	if (text.charAt(0) === '/' && text.charAt(1) !== '/') {
		sp = text.search(/\s/);
		cmd = (sp < 0 ? text.slice(1) : text.slice(1, sp)).toLowerCase();
		arg = sp < 0 ? '' : text.slice(sp + 1).trim();
		switch (cmd) {
		case 'me':
			if (room === null || arg === '')
				return fail('Usage: /me does something');
			if (room.dm)
				return fail('/me works in rooms, not in direct messages.');
			if (!checkText(arg))
				return false;
			post(room, 'action', arg);
			return true;
		case 'join':
		case 'j':
			return joinRoom(arg.replace(/^#/, ''), true);
		case 'part':
		case 'leave':
		case 'close':
			if (arg !== '')
				leaveRoom(arg.charAt(0) === '@' ? arg : arg.replace(/^#/, ''));
			else if (room !== null)
				leaveRoom(room.key);
			return true;
		case 'msg':
		case 'query':
			sp = arg.search(/\s/);
			peer = (sp < 0 ? arg : arg.slice(0, sp)).replace(/^@/, '');
			rest = sp < 0 ? '' : arg.slice(sp + 1).trim();
			if (!openDm(peer))
				return false;
			if (rest !== '') {
				if (!checkText(rest))
					return false;
				post(currentRoom(), 'dm', rest);
			}
			return true;
		case 'who':
			if (room !== null && !room.dm)
				send({ type: 'who', room: room.name, username: S.me });
			showMembers(true);
			return true;
		case 'nick':
			if (!NAME_RE.test(arg))
				return fail('Usage: /nick name (letters, digits, _ . -)');
			setName(arg);
			return true;
		case 'help':
			note(room, 'Commands: /me ACTION · /join ROOM · /part [ROOM] · ' +
			    '/msg USER [TEXT] · /who · /nick NAME · /help. ' +
			    'Alt+↑/↓ switches rooms, Esc closes panels. ' +
			    'Start with // to send a line beginning with /.');
			return true;
		default:
			return fail('Unknown command /' + cmd + ' — /help lists them.');
		}
	}
	if (text.charAt(0) === '/')
		text = text.slice(1);
	if (room === null)
		return fail('Join a room first.');
	if (!checkText(text))
		return false;
	post(room, 'message', text);
	return true;
}

function fail(text) {
	showError(text);
	return false;
}

function checkText(text) {
	var n = utf8Length(text);

	/* The rule of kc_text_validate(): no control characters but \n, \t. */
	if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) {
		showError('The message contains a control character; only new lines and tabs are allowed.', 'text');
		return false;
	}
	if (n > TEXT_MAX) {
		showError('The message is too long: ' + n + ' bytes, at most ' +
		    TEXT_MAX + '.', 'text');
		return false;
	}
	return true;
}

/* The text changed: an error about the old text is judged again. */
function recheckText() {
	var text = el.input.value;

	if (errorAbout !== 'text')
		return;
	if (text.charAt(0) === '/' && text.charAt(1) !== '/')
		text = text.replace(/^\/me\s+/i, '');
	if (text === '' || checkText(text))
		clearError();
}

function sendTyping() {
	var room = currentRoom(), now = Date.now();

	if (room === null || room.dm || S.conn !== 'online' ||
	    now - S.typingSent < TYPING_SEND_MS)
		return;
	S.typingSent = now;
	send({ type: 'typing', room: room.name, username: S.me });
}

/* ------------------------------------------------------- rooms, people */

function joinRoom(name, announceErrors) {
	var room;

	if (!NAME_RE.test(name)) {
		if (announceErrors)
			showError('Room names are 1 to 32 letters, digits, _ . or -, ' +
			    'starting with a letter, digit or _.');
		return false;
	}
	if (S.rooms.has(name)) {
		switchRoom(name);
		return true;
	}
	room = addRoom(name, false);
	if (S.conn === 'online') {
		room.joinRef = newRef('join', { room: room.key });
		send({ type: 'join', room: name, username: S.me, ref: room.joinRef });
	}
	switchRoom(room.key);
	return true;
}

function openDm(peer) {
	if (!NAME_RE.test(peer)) {
		showError('User names are 1 to 32 letters, digits, _ . or -.');
		return false;
	}
	if (peer === S.me) {
		showError('That is you.');
		return false;
	}
	addRoom(peer, true);
	switchRoom('@' + peer);
	return true;
}

function leaveRoom(key) {
	var room = S.rooms.get(key);

	if (room === undefined)
		return false;
	if (!room.dm)
		send({ type: 'leave', room: room.name, username: S.me,
		    ref: newRef('leave') });
	S.rooms.delete(key);
	room.msgs.forEach(function (m) {
		if (m.node && m.node.parentNode)
			m.node.parentNode.removeChild(m.node);
	});
	saveRooms();
	if (room.dm)
		saveDms();
	if (S.current === key)
		switchRoom(firstRoomKey());
	else
		renderSidebar();
	announce('Left ' + (room.dm ? 'the conversation with ' + room.name : '#' + room.name));
	return true;
}

function firstRoomKey() {
	var keys = sortedKeys(false).concat(sortedKeys(true));

	return keys.length > 0 ? keys[0] : null;
}

function switchRoom(key) {
	var room;

	if (key !== null && !S.rooms.has(key))
		return;
	S.current = key;
	room = currentRoom();
	if (room !== null) {
		room.unread = 0;
		room.mention = false;
	}
	saveRooms();
	clearError();
	renderAll('switch');
	closeDrawers();
}

function moveRoom(delta) {
	var keys = sortedKeys(false).concat(sortedKeys(true)), i;

	if (keys.length === 0)
		return;
	i = keys.indexOf(S.current);
	i = (i + delta + keys.length) % keys.length;
	switchRoom(keys[i]);
	focusRoomButton(keys[i]);
}

function setName(name) {
	var old = S.me;

	S.me = name;
	save('user', name);
	el.meName.textContent = name;
	el.meName.className = 'nick u-c' + kchatUserColour(name);
	if (old !== null && old !== name) {
		/* The bridge binds a name to its connection: take a new one. */
		S.rooms.forEach(function (r) {
			r.msgs.forEach(function (m) {
				m.own = m.user === name;
				m.node = null;
			});
			if (r.dm)
				S.rooms.delete(r.key);
		});
		loadDms();
		if (S.current === null || !S.rooms.has(S.current))
			S.current = firstRoomKey();
		dropSocket(1000, 'new name');
		S.attempt = 0;
		connect();
		renderAll('switch');
	}
}

function loadDms() {
	var all = load('dm.' + S.me, {}), peer;

	for (peer in all) {
		if (!Object.prototype.hasOwnProperty.call(all, peer) ||
		    !NAME_RE.test(peer) || !Array.isArray(all[peer]))
			continue;
		addRoom(peer, true);
		all[peer].forEach(function (rec) {
			if (rec !== null && typeof rec === 'object')
				addRecord(rec, 'stored');
		});
	}
}

/* ------------------------------------------------------------ rendering */

function renderAll(how) {
	renderHeader();
	renderSidebar();
	renderMessages(how || 'append');
	renderMembers();
	renderTyping();
	renderComposer();
}

function setConn(state) {
	var was = S.conn;

	S.conn = state;
	renderStatus();
	if ((was === 'online') !== (state === 'online') && el.roomSub) {
		renderHeader();
		renderMembers();
	}
}

function renderStatus() {
	var text, cls, countdown = '';

	switch (S.conn) {
	case 'online':
		text = 'Connected';
		cls = 'online';
		break;
	case 'connecting':
		text = S.everOnline ? 'Reconnecting…' : 'Connecting…';
		cls = 'connecting';
		break;
	case 'waiting': {
		var secs = Math.max(0, Math.ceil((S.retryAt - Date.now()) / 1000));

		text = navigator.onLine === false ? 'Offline' : 'Disconnected';
		countdown = secs > 0 ? 'retrying in ' + secs + ' s' : 'retrying…';
		cls = 'offline';
		break;
	}
	default:
		text = 'Not connected';
		cls = 'offline';
	}
	if (el.statusText.textContent !== text)
		el.statusText.textContent = text;
	if (el.countdown.textContent !== countdown)
		el.countdown.textContent = countdown;
	el.status.className = 'status ' + cls;
	el.status.dataset.state = S.conn;
	el.retryNow.hidden = S.conn !== 'waiting';
	document.body.dataset.conn = S.conn;
}

function renderHeader() {
	var room = currentRoom(), n, total = 0, mention = false;

	if (room === null) {
		el.roomTitle.textContent = 'No room';
		el.roomSub.textContent = 'Join a room to start chatting';
		el.usersCount.textContent = '';
		el.leave.hidden = true;
	} else {
		el.roomTitle.textContent = room.dm ? '@' + room.name : '#' + room.name;
		if (room.dm) {
			el.roomSub.textContent = 'Direct message';
			el.usersCount.textContent = '';
		} else {
			n = room.members.length;
			el.roomSub.textContent = S.conn !== 'online' ?
			    'Offline: who is here is unknown' : !membersKnown(room) ?
			    'Asking who is here…' :
			    n === 1 ? '1 person here' : n + ' people here';
			el.usersCount.textContent = membersKnown(room) && n > 0 ?
			    String(n) : '';
		}
		el.leave.hidden = false;
		el.leave.textContent = room.dm ? 'Close' : 'Leave';
		el.leave.setAttribute('aria-label', room.dm ?
		    'Close the conversation with ' + room.name : 'Leave #' + room.name);
	}
	S.rooms.forEach(function (r) {
		total += r.unread;
		mention = mention || r.mention;
	});
	el.roomsBadge.hidden = total === 0;
	el.roomsBadge.textContent = total > 99 ? '99+' : String(total);
	el.roomsBadge.classList.toggle('hot', mention);
	document.title = (total > 0 ? '(' + total + ') ' : '') +
	    (room === null ? '' : el.roomTitle.textContent + ' — ') + 'kchat';
}

function roomItem(room) {
	var li = document.createElement('li'), b = document.createElement('button');
	var name = document.createElement('span'), badge = document.createElement('span');

	b.type = 'button';
	b.className = 'room-button';
	b.dataset.room = room.key;
	name.className = 'room-name';
	if (room.dm) {
		name.appendChild(nickNode(room.name));
	} else {
		var hash = document.createElement('span');

		hash.className = 'hash';
		hash.textContent = '#';
		hash.setAttribute('aria-hidden', 'true');
		name.appendChild(hash);
		name.appendChild(document.createTextNode(room.name));
	}
	badge.className = 'badge';
	b.appendChild(name);
	b.appendChild(badge);
	b.addEventListener('click', function () {
		switchRoom(room.key);
		focusComposer();
	});
	li.appendChild(b);
	return li;
}

function renderList(list, dm) {
	var keys = sortedKeys(dm), want = new Map(), i, li, room, b, badge;

	for (i = 0; i < list.children.length; i++) {
		li = list.children[i];
		want.set(li.firstChild.dataset.room, li);
	}
	for (i = 0; i < keys.length; i++) {
		room = S.rooms.get(keys[i]);
		li = want.get(keys[i]) || roomItem(room);
		want.delete(keys[i]);
		if (list.children[i] !== li)
			list.insertBefore(li, list.children[i] || null);
		b = li.firstChild;
		badge = b.lastChild;
		if (room.key === S.current)
			b.setAttribute('aria-current', 'page');
		else
			b.removeAttribute('aria-current');
		b.classList.toggle('unread', room.unread > 0);
		badge.hidden = room.unread === 0;
		badge.textContent = room.unread > 99 ? '99+' : String(room.unread);
		badge.classList.toggle('hot', room.mention);
		b.setAttribute('aria-label', (room.dm ? 'Direct messages with ' + room.name :
		    'Room ' + room.name) + (room.unread > 0 ? ', ' + room.unread +
		    ' unread' + (room.mention ? ', mentions you' : '') : ''));
	}
	want.forEach(function (node) {
		list.removeChild(node);
	});
}

function renderSidebar() {
	renderList(el.roomList, false);
	renderList(el.dmList, true);
	renderHeader();
}

function fillTime(m, t) {
	t.dateTime = m.date.toISOString();
	t.textContent = timeLabel(m.date);
	t.title = m.date.toLocaleString();
}

function fillState(m) {
	var s = m.node.querySelector('.state'), b;

	m.node.dataset.state = m.state;
	m.node.classList.toggle('pending', m.state === 'pending' || m.state === 'queued');
	m.node.classList.toggle('failed', m.state === 'failed');
	if (s === null)
		return;
	while (s.firstChild)
		s.removeChild(s.firstChild);
	switch (m.state) {
	case 'pending':
		s.textContent = 'sending…';
		break;
	case 'queued':
		s.textContent = 'waiting for the connection…';
		break;
	case 'failed':
		s.appendChild(document.createTextNode(m.error || 'Not sent'));
		b = document.createElement('button');
		b.type = 'button';
		b.className = 'retry';
		b.textContent = 'Retry';
		b.addEventListener('click', function () {
			retry(m);
		});
		s.appendChild(document.createTextNode(' '));
		s.appendChild(b);
		break;
	default:
		s.textContent = '';
		var ok = document.createElement('span');

		ok.className = 'sr-only';
		ok.textContent = 'sent';
		s.appendChild(ok);
	}
}

function buildNode(room, m) {
	var li = document.createElement('li'), t = document.createElement('time');
	var body = document.createElement('span'), who, text, st;

	m.roomKey = room.key;
	m.node = li;
	li.className = 'msg';
	li.dataset.id = m.id || '';
	li.dataset.type = m.type;
	t.className = 'ts';
	fillTime(m, t);
	li.appendChild(t);
	if (m.type === 'note') {
		li.classList.add('note', 'note-' + (m.kind || 'info'));
		body.className = 'text';
		body.textContent = inert(m.text);
		li.appendChild(body);
		return li;
	}
	li.dataset.user = m.user;
	if (m.type === 'join' || m.type === 'leave') {
		li.classList.add('sys');
		body.className = 'text';
		body.appendChild(document.createTextNode(m.type === 'join' ? '→ ' : '← '));
		body.appendChild(nickNode(m.user));
		body.appendChild(document.createTextNode(m.type === 'join' ?
		    ' joined' : ' left'));
		if (m.text !== '') {
			body.appendChild(document.createTextNode(' ('));
			appendRich(body, m.text, true);
			body.appendChild(document.createTextNode(')'));
		}
		li.appendChild(body);
		return li;
	}
	if (m.type === 'action') {
		li.classList.add('action');
		who = document.createElement('span');
		who.className = 'who';
		who.appendChild(document.createTextNode('* '));
		who.appendChild(nickNode(m.user));
	} else {
		who = document.createElement('span');
		who.className = 'who';
		who.appendChild(nickNode(m.user));
	}
	li.appendChild(who);
	text = document.createElement('span');
	text.className = 'text';
	appendLines(text, m.text, m.own);
	li.appendChild(text);
	if (m.own) {
		li.classList.add('own');
		st = document.createElement('span');
		st.className = 'state';
		st.setAttribute('aria-live', 'off');
		li.appendChild(st);
	}
	if (m.mention)
		li.classList.add('mention');
	if (m.via === 'tui')
		li.title = 'from the terminal client';
	fillState(m);
	return li;
}

function daySep(room, d) {
	var k = dayKey(d), n = room.days.get(k);

	if (n === undefined) {
		n = document.createElement('li');
		n.className = 'day';
		n.setAttribute('role', 'separator');
		var s = document.createElement('span');

		s.textContent = dayLabel(d);
		n.appendChild(s);
		room.days.set(k, n);
	}
	return n;
}

function isSys(m) {
	return m.type === 'join' || m.type === 'leave';
}

/* Names, at most five, then "and N more". */
function nameList(parent, names) {
	var shown = names.slice(0, 5), i;

	for (i = 0; i < shown.length; i++) {
		if (i > 0)
			parent.appendChild(document.createTextNode(
			    i === shown.length - 1 && names.length <= 5 ? ' and ' : ', '));
		parent.appendChild(nickNode(shown[i]));
	}
	if (names.length > 5)
		parent.appendChild(document.createTextNode(' and ' +
		    (names.length - 5) + ' more'));
}

/* One line for several join and leave records (cached by their ids). */
function sysGroup(room, msgs) {
	var sig = msgs.map(function (m) { return m.id; }).join(' ');
	var key = msgs[0].id, g = room.groups.get(key), li, t, body;
	var joined = [], left = [];

	if (g !== undefined && g.sig === sig)
		return g.node;
	msgs.forEach(function (m) {
		var list = m.type === 'join' ? joined : left;

		if (list.indexOf(m.user) < 0)
			list.push(m.user);
	});
	li = document.createElement('li');
	li.className = 'msg sys group';
	li.dataset.type = 'sys';
	t = document.createElement('time');
	t.className = 'ts';
	fillTime(msgs[msgs.length - 1], t);
	li.appendChild(t);
	body = document.createElement('span');
	body.className = 'text';
	if (joined.length > 0) {
		body.appendChild(document.createTextNode('→ '));
		nameList(body, joined);
		body.appendChild(document.createTextNode(' joined'));
	}
	if (left.length > 0) {
		body.appendChild(document.createTextNode(joined.length > 0 ? ' · ← ' : '← '));
		nameList(body, left);
		body.appendChild(document.createTextNode(' left'));
	}
	li.appendChild(body);
	room.groups.set(key, { sig: sig, node: li });
	return li;
}

/*
 * Whether m goes on a run of prev's: the same person's plain messages
 * within GROUP_MS of each other show the name once (as The Lounge and
 * Slack do). Actions, joins, notes and a day break end a run.
 */
function continues(prev, m) {
	return prev !== null && m.type === prev.type && m.user === prev.user &&
	    m.date - prev.date >= 0 && m.date - prev.date < GROUP_MS;
}

function atBottom() {
	var s = el.scroller;

	return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

/*
 * Patches the message list of the current room. how: 'switch' (new room:
 * go to the bottom), 'prepend' (older page: keep the view where it is),
 * 'send' (own message: go to the bottom), 'append' (stick to the bottom
 * only when already there).
 */
function renderMessages(how) {
	var room = currentRoom(), list = el.messages, want = [], prevDay = null;
	var prev = null;	/* the chat message before, while a run may go on */
	var stick = how === 'switch' || how === 'send' || atBottom();
	var fromBottom = el.scroller.scrollHeight - el.scroller.scrollTop, i, node, k;

	if (room === null) {
		while (list.firstChild)
			list.removeChild(list.firstChild);
		el.empty.hidden = false;
		el.empty.textContent = 'You are in no room. Join one from the list.';
		renderOlder();
		return;
	}
	for (i = 0; i < room.msgs.length; i++) {
		var m = room.msgs[i], j;

		k = dayKey(m.date);
		if (k !== prevDay) {
			want.push(daySep(room, m.date));
			prevDay = k;
			prev = null;
		}
		/* A run of joins and leaves reads as one line. */
		for (j = i; j < room.msgs.length && isSys(room.msgs[j]) &&
		    dayKey(room.msgs[j].date) === k; j++)
			;
		if (j - i >= 2) {
			want.push(sysGroup(room, room.msgs.slice(i, j)));
			i = j - 1;
			prev = null;
			continue;
		}
		if (m.node === null || m.roomKey !== room.key)
			buildNode(room, m);
		m.node.classList.toggle('cont', continues(prev, m));
		prev = m.type === 'message' || m.type === 'dm' ? m : null;
		want.push(m.node);
	}
	for (i = 0; i < want.length; i++) {
		node = list.children[i];
		if (node !== want[i])
			list.insertBefore(want[i], node || null);
	}
	while (list.children.length > want.length)
		list.removeChild(list.lastChild);
	el.empty.hidden = !(room.loaded && room.msgs.length === 0);
	el.empty.textContent = room.dm ? 'No messages with ' + room.name +
	    ' yet. Direct messages go only to the two of you (and whoever ' +
	    'operates the chat\u2019s Kafka).' : 'No messages in #' + room.name +
	    ' yet. Say hello!';
	renderOlder();
	if (how === 'prepend' && !stick)
		el.scroller.scrollTop = el.scroller.scrollHeight - fromBottom;
	else if (stick)
		el.scroller.scrollTop = el.scroller.scrollHeight;
	if (stick)
		el.jump.hidden = true;
	else if (how === 'append')
		el.jump.hidden = false;
}

function renderOlder() {
	var room = currentRoom(), o = el.older, b;

	while (o.firstChild)
		o.removeChild(o.firstChild);
	if (room === null || (room.dm && room.msgs.length === 0) ||
	    (!room.dm && !room.loaded)) {
		o.hidden = room === null || room.dm;
		o.textContent = room !== null && !room.dm ? 'Loading messages…' : '';
		return;
	}
	o.hidden = false;
	if (room.dm) {
		o.textContent = 'Direct messages with ' + room.name +
		    ' are kept on this device only.';
	} else if (room.loadingOlder) {
		o.textContent = 'Loading older messages…';
	} else if (room.more) {
		b = document.createElement('button');
		b.type = 'button';
		b.className = 'text-button';
		b.textContent = 'Load older messages';
		b.addEventListener('click', function () {
			requestOlder(currentRoom());
		});
		o.appendChild(b);
	} else if (room.msgs.length > 0) {
		o.textContent = 'This is the beginning of #' + room.name + '.';
	} else {
		o.hidden = true;
	}
}

function renderMembers() {
	var room = currentRoom(), list = el.memberList;

	while (list.firstChild)
		list.removeChild(list.firstChild);
	list.classList.remove('stale');
	if (room === null || room.dm) {
		el.membersHeading.textContent = room === null ? 'Nobody here' :
		    'Conversation';
		if (room !== null) {
			[S.me, room.name].forEach(function (u) {
				var li = document.createElement('li');

				li.appendChild(nickNode(u));
				list.appendChild(li);
			});
		}
		return;
	}
	list.classList.toggle('stale', !membersKnown(room));
	el.membersHeading.textContent = membersKnown(room) ? 'In #' + room.name +
	    ' (' + room.members.length + ')' : S.conn !== 'online' ?
	    'In #' + room.name + ' when last online' : 'In #' + room.name;
	room.members.forEach(function (u) {
		var li = document.createElement('li'), b;

		if (u === S.me) {
			li.appendChild(nickNode(u));
			li.appendChild(document.createTextNode(' (you)'));
		} else {
			b = document.createElement('button');
			b.type = 'button';
			b.className = 'member';
			b.title = 'Send ' + u + ' a direct message';
			b.setAttribute('aria-label', u + ', send a direct message');
			b.appendChild(nickNode(u));
			b.addEventListener('click', function () {
				openDm(u);
				focusComposer();
			});
			li.appendChild(b);
		}
		list.appendChild(li);
	});
}

function renderTyping() {
	var room = currentRoom(), now = Date.now(), who = [], text;

	if (room !== null) {
		room.typing.forEach(function (until, u) {
			if (until > now)
				who.push(u);
			else
				room.typing.delete(u);
		});
	}
	who.sort();
	text = who.length === 0 ? '' :
	    who.length === 1 ? who[0] + ' is typing…' :
	    who.length <= 3 ? who.slice(0, -1).join(', ') + ' and ' +
	    who[who.length - 1] + ' are typing…' : 'Several people are typing…';
	if (el.typing.textContent !== text)
		el.typing.textContent = text;
}

function renderComposer() {
	var room = currentRoom();
	var label = room === null ? 'Join a room first' :
	    room.dm ? 'Message @' + room.name : 'Message #' + room.name;

	el.composerLabel.textContent = label;
	el.input.placeholder = label;
	el.input.disabled = room === null;
	el.send.disabled = room === null;
}

function autosize() {
	el.input.style.height = 'auto';
	el.input.style.height = Math.min(el.input.scrollHeight + 2, 200) + 'px';
}

/* ---------------------------------------------------------- the people */

function announce(text) {
	var p = document.createElement('p');

	p.textContent = text.length > 300 ? text.slice(0, 300) + '…' : text;
	el.announce.appendChild(p);
	while (el.announce.children.length > 3)
		el.announce.removeChild(el.announce.firstChild);
}

var errorTimer = null;
var errorAbout = null;	/* 'text': the error is about the composer's text */

/* An error under the composer; about 'text' when it judges what is typed,
 * so that it goes as soon as the text changes (it would be stale). */
function showError(text, about) {
	el.composerError.textContent = text;
	errorAbout = about || null;
	clearTimeout(errorTimer);
	errorTimer = setTimeout(clearError, 8000);
}

function clearError() {
	el.composerError.textContent = '';
	errorAbout = null;
	clearTimeout(errorTimer);
	errorTimer = null;
}

function notifyDesktop(room, m) {
	var n;

	if (!S.notify || typeof Notification === 'undefined' ||
	    Notification.permission !== 'granted')
		return;
	try {
		n = new Notification(room.dm ? m.user + ' (direct message)' :
		    m.user + ' in #' + room.name, {
			body: inert(m.text.length > 200 ? m.text.slice(0, 200) + '…' : m.text),
			tag: 'kchat-' + room.key
		});
		n.onclick = function () {
			window.focus();
			switchRoom(room.key);
			n.close();
		};
	} catch (e) {
		/* some platforms allow notifications only from a service worker */
	}
}

function renderNotify() {
	var supported = typeof Notification !== 'undefined';

	el.notify.hidden = !supported;
	if (!supported)
		return;
	el.notify.setAttribute('aria-pressed', S.notify ? 'true' : 'false');
	el.notifyLabel.textContent = S.notify ? 'Desktop notifications on' :
	    'Enable desktop notifications';
	el.notify.title = S.notify ?
	    'Desktop notifications for mentions and direct messages: on' :
	    Notification.permission === 'denied' ?
	    'Notifications are blocked in this browser\u2019s settings' :
	    'Desktop notifications for mentions and direct messages: off';
}

function toggleNotify() {
	if (typeof Notification === 'undefined')
		return;
	if (S.notify) {
		S.notify = false;
		save('notify', false);
		renderNotify();
		return;
	}
	if (Notification.permission === 'granted') {
		S.notify = true;
		save('notify', true);
		renderNotify();
		return;
	}
	if (Notification.permission === 'denied') {
		showError('Notifications are blocked for this site in the browser settings.');
		return;
	}
	Notification.requestPermission().then(function (p) {
		S.notify = p === 'granted';
		save('notify', S.notify);
		renderNotify();
	});
}

/* ---------------------------------------------------------- the drawers */

function openDrawer(which) {
	var node = which === 'rooms' ? el.sidebar : el.members;
	var btn = which === 'rooms' ? el.roomsToggle : el.usersToggle;

	closeDrawers();
	node.classList.add('open');
	btn.setAttribute('aria-expanded', 'true');
	el.scrim.hidden = !isNarrow(which);
	if (which === 'rooms') {
		var cur = el.sidebar.querySelector('[aria-current="page"]') ||
		    el.sidebar.querySelector('button, input');

		if (cur !== null)
			cur.focus();
	} else {
		var first = el.members.querySelector('button');

		if (first !== null)
			first.focus();
	}
}

function closeDrawers() {
	el.sidebar.classList.remove('open');
	el.roomsToggle.setAttribute('aria-expanded', 'false');
	if (isNarrow('members')) {
		el.members.classList.remove('open');
		el.usersToggle.setAttribute('aria-expanded', 'false');
	}
	el.scrim.hidden = true;
}

function isNarrow(which) {
	return window.matchMedia(which === 'rooms' ? '(max-width: 759px)' :
	    '(max-width: 1099px)').matches;
}

function showMembers(on) {
	if (isNarrow('members')) {
		if (on)
			openDrawer('members');
		else
			closeDrawers();
		return;
	}
	document.body.classList.toggle('hide-members', !on);
	el.members.classList.toggle('open', on);
	el.usersToggle.setAttribute('aria-expanded', on ? 'true' : 'false');
	save('members', on);
}

function focusComposer() {
	if (!el.input.disabled)
		el.input.focus();
}

function focusRoomButton(key) {
	var b = el.sidebar.querySelector('button[data-room="' +
	    (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]');

	if (b !== null && !isNarrow('rooms'))
		b.focus();
}

/* ------------------------------------------------------- the first visit */

function askName(changing) {
	el.welcome.hidden = false;
	el.app.hidden = changing ? false : true;
	el.welcomeCancel.hidden = !changing;
	el.welcomeName.value = S.me || '';
	el.welcomeError.textContent = '';
	el.welcomeName.focus();
	el.welcomeName.select();
}

function onWelcome(ev) {
	var name = el.welcomeName.value.trim();

	ev.preventDefault();
	if (!NAME_RE.test(name)) {
		el.welcomeError.textContent = name === '' ? 'Please pick a name.' :
		    'Use up to 32 letters, digits, _ . or -, starting with a ' +
		    'letter, digit or _.';
		el.welcomeName.setAttribute('aria-invalid', 'true');
		el.welcomeName.focus();
		return;
	}
	el.welcomeName.removeAttribute('aria-invalid');
	el.welcome.hidden = true;
	if (S.me === null) {
		S.me = name;
		save('user', name);
		start();
	} else {
		setName(name);
		el.app.hidden = false;
		focusComposer();
	}
}

/* ---------------------------------------------------------------- start */

function start() {
	var saved = load('rooms', null), members;

	el.app.hidden = false;
	el.meName.textContent = S.me;
	el.meName.className = 'nick u-c' + kchatUserColour(S.me);
	if (saved !== null && Array.isArray(saved.rooms)) {
		saved.rooms.forEach(function (r) {
			if (typeof r === 'string' && NAME_RE.test(r))
				addRoom(r, false);
		});
	} else {
		addRoom('general', false);
	}
	loadDms();
	if (saved !== null && Array.isArray(saved.dms)) {
		saved.dms.forEach(function (p) {
			if (typeof p === 'string' && NAME_RE.test(p))
				addRoom(p, true);
		});
	}
	S.current = saved !== null && typeof saved.current === 'string' &&
	    S.rooms.has(saved.current) ? saved.current : firstRoomKey();
	S.notify = load('notify', false) === true && typeof Notification !== 'undefined' &&
	    Notification.permission === 'granted';
	members = load('members', true) !== false;
	if (!isNarrow('members'))
		showMembers(members);
	renderNotify();
	renderAll('switch');
	connect();
	focusComposer();
	setInterval(tick, 1000);
}

/* Once a second: the retry countdown, typing expiry, ack timeouts, pings. */
function tick() {
	var now = Date.now();

	if (S.conn === 'waiting')
		renderStatus();
	renderTyping();
	S.reqs.forEach(function (req, ref) {
		if (req.kind === 'send' && req.msg.state === 'pending' &&
		    now - req.msg.sentAt > ACK_TIMEOUT_MS) {
			S.reqs.delete(ref);
			req.msg.error = 'No answer from the server';
			setState(req.msg, 'failed');
		}
	});
	if (S.conn === 'online') {
		if (S.pingRef !== null && now - S.pingSent > PING_EVERY_MS) {
			dropSocket(4000, 'no pong');	/* the link is dead */
		} else if (S.pingRef === null && now - S.pingSent > PING_EVERY_MS) {
			S.pingRef = newRef('ping');
			S.pingSent = now;
			send({ type: 'ping', ref: S.pingRef });
		}
	}
}

function bind() {
	[
		['welcome', 'welcome'], ['welcomeForm', 'welcome-form'],
		['welcomeName', 'welcome-name'], ['welcomeError', 'welcome-error'],
		['welcomeCancel', 'welcome-cancel'], ['app', 'app'],
		['roomsToggle', 'rooms-toggle'], ['roomsBadge', 'rooms-toggle-badge'],
		['roomTitle', 'room-title'], ['roomSub', 'room-sub'],
		['status', 'status'], ['statusText', 'status-text'],
		['countdown', 'status-countdown'],
		['retryNow', 'retry-now'], ['notify', 'notify-toggle'],
		['notifyLabel', 'notify-label'], ['usersToggle', 'users-toggle'],
		['usersCount', 'users-count'], ['leave', 'leave-room'],
		['sidebar', 'sidebar'], ['roomList', 'room-list'],
		['joinForm', 'join-form'], ['joinInput', 'join-input'],
		['joinError', 'join-error'], ['activeRooms', 'active-rooms'],
		['dmList', 'dm-list'], ['dmForm', 'dm-form'], ['dmInput', 'dm-input'],
		['dmError', 'dm-error'], ['meName', 'me-name'],
		['changeName', 'change-name'], ['scroller', 'scroller'],
		['older', 'older'], ['messages', 'messages'], ['empty', 'empty'],
		['typing', 'typing'], ['composer', 'composer'],
		['composerLabel', 'composer-label'], ['input', 'composer-input'],
		['send', 'send'], ['composerError', 'composer-error'],
		['members', 'members'], ['membersHeading', 'members-heading'],
		['memberList', 'member-list'], ['scrim', 'scrim'],
		['announce', 'announce'], ['jump', 'jump'],
		['roomsClose', 'rooms-close'], ['membersClose', 'members-close']
	].forEach(function (p) {
		el[p[0]] = $(p[1]);
	});

	el.welcomeForm.addEventListener('submit', onWelcome);
	el.welcomeCancel.addEventListener('click', function () {
		el.welcome.hidden = true;
		focusComposer();
	});
	el.changeName.addEventListener('click', function () {
		askName(true);
	});

	el.composer.addEventListener('submit', function (ev) {
		ev.preventDefault();
		/* What is said under the composer was about the last attempt. */
		clearError();
		if (submit(el.input.value)) {
			el.input.value = '';
			autosize();
		}
		focusComposer();
	});
	el.input.addEventListener('keydown', function (ev) {
		if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing &&
		    !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
			ev.preventDefault();
			el.composer.requestSubmit();
		}
	});
	el.input.addEventListener('input', function () {
		autosize();
		recheckText();
		if (el.input.value !== '' && el.input.value.charAt(0) !== '/')
			sendTyping();
	});

	el.joinForm.addEventListener('submit', function (ev) {
		var name = el.joinInput.value.trim().replace(/^#/, '');

		ev.preventDefault();
		if (!NAME_RE.test(name)) {
			el.joinError.textContent = name === '' ? 'Type a room name.' :
			    'Room names: up to 32 letters, digits, _ . or -.';
			return;
		}
		el.joinError.textContent = '';
		el.joinInput.value = '';
		joinRoom(name, true);
		focusComposer();
	});
	el.joinInput.addEventListener('focus', function () {
		send({ type: 'rooms', username: S.me, ref: newRef('rooms') });
	});
	el.dmForm.addEventListener('submit', function (ev) {
		var name = el.dmInput.value.trim().replace(/^@/, '');

		ev.preventDefault();
		if (!NAME_RE.test(name) || name === S.me) {
			el.dmError.textContent = name === S.me ? 'That is you.' :
			    'Type a user name.';
			return;
		}
		el.dmError.textContent = '';
		el.dmInput.value = '';
		openDm(name);
		focusComposer();
	});

	el.leave.addEventListener('click', function () {
		var room = currentRoom();

		if (room !== null)
			leaveRoom(room.key);
		focusComposer();
	});
	el.retryNow.addEventListener('click', retryNow);
	el.notify.addEventListener('click', toggleNotify);
	el.roomsToggle.addEventListener('click', function () {
		if (el.sidebar.classList.contains('open'))
			closeDrawers();
		else
			openDrawer('rooms');
	});
	el.usersToggle.addEventListener('click', function () {
		var room = currentRoom();

		if (room !== null && !room.dm && S.conn === 'online')
			send({ type: 'who', room: room.name, username: S.me });
		showMembers(!el.members.classList.contains('open'));
	});
	el.scrim.addEventListener('click', closeDrawers);
	el.roomsClose.addEventListener('click', function () {
		closeDrawers();
		el.roomsToggle.focus();
	});
	el.membersClose.addEventListener('click', function () {
		showMembers(false);
		el.usersToggle.focus();
	});
	el.jump.addEventListener('click', function () {
		el.scroller.scrollTop = el.scroller.scrollHeight;
		el.jump.hidden = true;
		focusComposer();
	});
	el.scroller.addEventListener('scroll', function () {
		if (el.scroller.scrollTop < 120)
			requestOlder(currentRoom());
		if (atBottom())
			el.jump.hidden = true;
	});

	document.addEventListener('keydown', function (ev) {
		if (ev.key === 'Escape') {
			if (!el.welcome.hidden && !el.welcomeCancel.hidden) {
				el.welcome.hidden = true;
				focusComposer();
			} else if (el.sidebar.classList.contains('open') ||
			    (isNarrow('members') && el.members.classList.contains('open'))) {
				var back = el.sidebar.classList.contains('open') ?
				    el.roomsToggle : el.usersToggle;

				closeDrawers();
				back.focus();
			}
		} else if (ev.altKey && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown')) {
			ev.preventDefault();
			moveRoom(ev.key === 'ArrowUp' ? -1 : 1);
		}
	});
	document.addEventListener('visibilitychange', function () {
		var room = currentRoom();

		if (!document.hidden && room !== null) {
			room.unread = 0;
			room.mention = false;
			renderSidebar();
		}
	});
	window.addEventListener('online', retryNow);
	window.addEventListener('offline', function () {
		dropSocket(4001, 'offline');
	});
}

function main() {
	bind();
	S.clientId = (function () {
		var id = null;

		try {
			id = window.sessionStorage.getItem('kchat.cid');
			if (id === null || !/^[A-Za-z0-9_.-]{8,64}$/.test(id)) {
				id = 'web-' + randomId();
				window.sessionStorage.setItem('kchat.cid', id);
			}
		} catch (e) {
			id = 'web-' + randomId();
		}
		return id;
	})();
	S.me = load('user', null);
	if (typeof S.me !== 'string' || !NAME_RE.test(S.me)) {
		S.me = null;
		askName(false);
		return;
	}
	start();
}

if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', main);
else
	main();

})();

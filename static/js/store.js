/*
 * store.js - the page's state: who I am, the connection's bookkeeping
 * (S), the rooms and direct-message conversations with their messages,
 * and what is kept on this device (localStorage). No DOM: what the views
 * must redraw is said through hooks, which views.js fills in.
 *
 * Messages of a room are kept sorted by (timestamp, id) and de-duplicated
 * by id and author, so live records, history pages and the history merged
 * after a reconnect can arrive in any order without duplicates. A record
 * whose id another person's record has (a client may choose its id) is
 * another message, shown as its own line; a reply, edit or delete names
 * the one that came before it in the partition (referred()). What to ask for is
 * decided by Kafka offsets (each record carries its offset in the room's
 * partition): a rejoin asks for everything after the last offset seen
 * ("since"), older pages and gaps for what lies below the lowest offset
 * held ("before_offset"), never by comparing ids or times.
 */
import {
	CHAT_TYPES, EDIT_TYPES, KNOWN_TYPES, NAME_RE, formatTs, parseTs, roomKeyOf
} from './protocol.js';

var DM_KEEP = 200;			/* direct messages remembered per person */
var DM_NEW_MAX = 5;			/* conversations others' DMs open a minute */
var DM_NEW_MS = 60 * 1000;
/* The one conversation of the rest (kchat-tui's @*strangers): no user
 * has this name, nor can a DM be written to it. */
export var STRANGERS = '*strangers';
var EDITS_ASIDE_MAX = 500;		/* edits kept per room for lines not loaded */

/* What the views do when the state changes under them (views.js sets
 * them): so that this module never calls up into the DOM. */
export var hooks = {
	stateChanged: function (m) {},		/* an own message's state */
	confirmed: function (m) {},		/* its id and time are known */
	removed: function (m) {},		/* a message is gone */
	roomsChanged: function () {},		/* a conversation was added */
	typingChanged: function (room) {},
	noted: function (room) {},		/* a local line was added */
	fresh: function (room, m) {},		/* a new live message */
	edited: function (m) {},		/* its author edited or deleted it */
	/* search.js: a "search" frame, an error answering one, a page of
	 * older messages shown (a jump to a result may need more) */
	searchResults: function (f) {},
	searchFailed: function (f) {},
	olderShown: function (room) {}
};

export var S = {
	keep: true,		/* false with accounts: this device keeps nothing */
	me: null,		/* user name */
	away: '',		/* our /away message, '' when here */
	clientId: null,
	token: null,		/* this browser's, in localStorage: its instance */
	nameTaken: false,	/* the bridge said name_in_use: ask, don't retry */
	bound: false,		/* the bridge bound S.me to this connection */
	ws: null,
	conn: 'idle',		/* idle, connecting, online, waiting */
	everOnline: false,
	kafkaDown: false,	/* the bridge says Kafka does not store messages */
	kafkaWhy: '',
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
	pageSize: 50,
	/* id -> an own message not confirmed when the name changed: the id it
	 * was sent with under the earlier name (composer.js's unsentAs) */
	sentAs: new Map()
};

export function load(key, fallback) {
	if (!S.keep)
		return fallback;
	try {
		var v = window.localStorage.getItem('kchat.' + key);
		return v === null ? fallback : JSON.parse(v);
	} catch (e) {
		return fallback;
	}
}

export function save(key, value) {
	if (!S.keep)
		return;
	try {
		window.localStorage.setItem('kchat.' + key, JSON.stringify(value));
	} catch (e) {
		/* private mode or full: the page still works, it just forgets */
	}
}

export function saveRooms() {
	var rooms = [], dms = [];

	S.rooms.forEach(function (r) {
		(r.dm ? dms : rooms).push(r.name);
	});
	save('rooms', { rooms: rooms, dms: dms, current: S.current });
}

var dmSaveTimer = null;

export function saveDms() {
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

export function randomId() {
	var a = new Uint8Array(12), s = '', i;

	window.crypto.getRandomValues(a);
	for (i = 0; i < a.length; i++)
		s += (a[i] + 0x100).toString(16).slice(1);
	return s;
}

function escapeRe(s) {
	return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

export function mentionRe() {
	return new RegExp('(^|[^A-Za-z0-9_.-])(' + escapeRe(S.me) +
	    ')(?![A-Za-z0-9_-])', 'i');
}

function mentions(text) {
	return S.me !== null && typeof text === 'string' && mentionRe().test(text);
}

function newRoom(name, dm) {
	return {
		key: dm ? '@' + name : name,
		name: name,
		dm: dm,
		msgs: [],		/* sorted by m.key */
		byId: new Map(),	/* id -> the messages with it (held()) */
		days: new Map(),	/* day key -> separator node */
		groups: new Map(),	/* first id -> joins and leaves shown as one */
		unread: 0,
		mention: false,
		more: false,
		loaded: dm,		/* DMs: no pages of history (stored ones come in "dms") */
		loadingOlder: false,
		resumeKey: null,	/* newest message key when the connection dropped */
		lastOffset: null,	/* highest record offset seen in this room */
		lowOffset: null,	/* lowest: older pages are asked for below it */
		resumeOffset: null,	/* lastOffset when the connection dropped */
		gapPages: 0,
		fillPages: -1,	/* older pages fetched for talk (connection.js) */
		wasReset: false,	/* its server's history was reset */
		members: [],
		away: new Set(),	/* members who are /away (presence "away") */
		membersEpoch: -1,	/* S.connEpoch of the last presence */
		offlineNoted: false,	/* "not online" said in this DM */
		typing: new Map(),	/* user -> expiry (ms) */
		said: new Map(),	/* user -> Date of their last message */
		editIds: new Set(),	/* "id user" of the edits and deletes seen */
		aside: new Map(),	/* re -> [{ rec, seq }]: edits of a line not loaded yet */
		answered: new Set(),	/* ids that replies here answer */
		nAside: 0,
		asideSeq: 0,
		joinRef: null
	};
}

export function addRoom(name, dm) {
	var key = dm ? '@' + name : name, r = S.rooms.get(key);

	if (r === undefined) {
		r = newRoom(name, dm);
		S.rooms.set(key, r);
		saveRooms();
	}
	return r;
}

export function currentRoom() {
	return S.current === null ? null : S.rooms.get(S.current) || null;
}

export function sortedKeys(dm) {
	var keys = [];

	S.rooms.forEach(function (r) {
		if (r.dm === dm)
			keys.push(r.key);
	});
	return keys.sort(function (a, b) {
		return a.toLowerCase() < b.toLowerCase() ? -1 : 1;
	});
}

export function firstRoomKey() {
	var keys = sortedKeys(false).concat(sortedKeys(true));

	return keys.length > 0 ? keys[0] : null;
}

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

/*
 * The message of room with id written by user, or null. Two records are
 * the same message only when both match: the same id in someone else's
 * name is another message (a client chose it), never hidden as a copy.
 */
export function held(room, id, user) {
	var list = room.byId.get(id), i;

	if (list === undefined)
		return null;
	for (i = 0; i < list.length; i++) {
		if (list[i].user === user)
			return list[i];
	}
	return null;
}

/*
 * The message a reply, an edit or a delete names by its id re (kchat(7)):
 * one with that id that comes before the record naming it (at: its
 * offset) in the room's partition, the lowest offset when several do;
 * only user's when user is given (edits and deletes). A message whose
 * offset is not known (mine not read back yet, a reset history, a DM:
 * its records are in several partitions) cannot be ruled out: such come
 * after those known, the earliest shown first. Null when none is here.
 */
export function referred(room, re, at, user) {
	var list = room.byId.get(re), best = null, i, m, known, bestKnown;

	if (list === undefined)
		return null;
	if (room.dm || typeof at !== 'number')
		at = null;
	for (i = 0; i < list.length; i++) {
		m = list[i];
		if (user !== undefined && m.user !== user)
			continue;
		known = !room.dm && typeof m.offset === 'number';
		if (known && at !== null && m.offset >= at)
			continue;	/* after it: not the one it names */
		bestKnown = best !== null && !room.dm && typeof best.offset === 'number';
		if (best === null || (known && (!bestKnown || m.offset < best.offset)) ||
		    (!known && !bestKnown && m.key < best.key))
			best = m;
	}
	return best;
}

export function insertMsg(room, m) {
	var list;

	m.key = makeKey(m);
	room.msgs.splice(findIndex(room, m.key), 0, m);
	if (m.id) {
		list = room.byId.get(m.id) || [];
		if (list.indexOf(m) < 0)
			list.push(m);
		room.byId.set(m.id, list);
	}
}

export function removeMsg(room, m) {
	var i = room.msgs.indexOf(m), list = m.id ? room.byId.get(m.id) : undefined;

	if (i >= 0)
		room.msgs.splice(i, 1);
	if (list !== undefined && (i = list.indexOf(m)) >= 0) {
		list.splice(i, 1);
		if (list.length === 0)
			room.byId.delete(m.id);
	}
	hooks.removed(m);
}

/* An own message learns its id and timestamp (ack or read back). */
export function confirmMsg(room, m, id, timestamp) {
	var other = held(room, id, m.user);

	var i;

	if (other !== null && other !== m) {
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
	hooks.confirmed(m);
	if (room.dm)
		saveDms();
	return m;
}

export function setState(m, state) {
	m.state = state;
	hooks.stateChanged(m);
}

var dmOpened = [];	/* when others' DMs opened the last DM_NEW_MAX conversations */

/*
 * The conversation a direct message goes to when none with peer is open:
 * a new one, except that others' open at most DM_NEW_MAX a minute (as in
 * kchat-tui); past that they go to the one conversation STRANGERS, each
 * line with its sender, so that a crowd of throwaway names cannot fill
 * the sidebar. One of mine (written from another device) opens its own.
 */
function dmRoom(peer, rec) {
	var s = S.rooms.get('@' + STRANGERS), now = Date.now();

	if (rec.username === S.me)
		return addRoom(peer, true);
	/* Shown there already: the same record again (a reconnect). */
	if (s !== undefined && rec.id && held(s, rec.id, rec.username) !== null)
		return s;
	if (dmOpened.length >= DM_NEW_MAX && now - dmOpened[0] < DM_NEW_MS)
		return addRoom(STRANGERS, true);
	dmOpened.push(now);
	if (dmOpened.length > DM_NEW_MAX)
		dmOpened.shift();
	return addRoom(peer, true);
}

/*
 * room, a conversation just opened with someone whose lines are in
 * STRANGERS: they move to it, where they can be answered.
 */
export function fromStrangers(room) {
	var s = S.rooms.get('@' + STRANGERS);

	if (s === undefined || s === room || !room.dm)
		return;
	s.msgs.filter(function (m) {
		return m.type === 'dm' && m.user === room.name;
	}).forEach(function (m) {
		removeMsg(s, m);
		m.roomKey = room.key;
		m.node = null;
		insertMsg(room, m);
	});
	saveDms();
}

var NICK_NEW = 'is now known as ', NICK_OLD = 'was ';
var renames = new Map();	/* old name -> new, said by a terminal's leave */

/*
 * A terminal's /nick, read live: a leave of OLD saying "is now known as
 * NEW", then a join of NEW saying "was OLD". The conversation with OLD
 * follows (as kchat-tui's does): what is written there next goes to NEW,
 * not to whoever takes OLD later. A leave alone renames nothing.
 */
function followRename(rec, type) {
	var text = typeof rec.message === 'string' ? rec.message : '',
	    old, now, r;

	if (type === 'leave' && text.indexOf(NICK_NEW) === 0 &&
	    NAME_RE.test(text.slice(NICK_NEW.length))) {
		renames.set(rec.username, text.slice(NICK_NEW.length));
		return;
	}
	if (type !== 'join' || text.indexOf(NICK_OLD) !== 0)
		return;
	old = text.slice(NICK_OLD.length);
	now = rec.username;
	if (renames.get(old) !== now)
		return;
	renames.delete(old);
	if (old === S.me || now === S.me || !S.rooms.has('@' + old) ||
	    S.rooms.has('@' + now))
		return;
	r = S.rooms.get('@' + old);
	S.rooms.delete(r.key);
	r.key = '@' + now;
	r.name = now;
	r.offlineNoted = false;
	r.msgs.forEach(function (m) {
		m.roomKey = r.key;
	});
	S.rooms.set(r.key, r);
	if (S.current === '@' + old)
		S.current = r.key;
	note(r, old + ' is now known as ' + now + ': this conversation goes on ' +
	    'with ' + now + '.', 'info');
	saveRooms();
	saveDms();
	hooks.roomsChanged();
}

/*
 * Adds one chat record. how: 'live', 'history', 'stored' (kept on this
 * device) or 'stored-new' (stored in Kafka while we were away: unread);
 * into: the conversation it goes to, if not its own (STRANGERS, kept).
 * Returns the message when it is new, else null.
 */
export function addRecord(rec, how, into) {
	var type = rec.type || 'message', key, room, m, i, p, date;

	if ((!KNOWN_TYPES[type] && !EDIT_TYPES[type]) ||
	    typeof rec.username !== 'string')
		return null;
	if (EDIT_TYPES[type] && (typeof rec.re !== 'string' ||
	    typeof rec.room !== 'string'))
		return null;
	if ((date = parseTs(rec.timestamp)) === null)
		return null;
	if (how === 'live')
		followRename(rec, type);
	if ((key = roomKeyOf({ type: type, room: rec.room, username: rec.username,
	    to: rec.to }, S.me)) === null)
		return null;
	room = into || S.rooms.get(key);
	if (room !== undefined && room.dm && EDIT_TYPES[type])
		return null;
	if (room === undefined) {
		if (type !== 'dm')
			return null;	/* a room we left: ignore */
		room = dmRoom(key.slice(1), rec);
		hooks.roomsChanged();
	}
	/* Live records come in offset order, after every record held: one
	 * below them is from a server that started its history afresh. */
	if (how === 'live' && !room.dm && typeof rec.offset === 'number' &&
	    room.lastOffset !== null && rec.offset <= room.lastOffset &&
	    !(rec.id && (held(room, rec.id, rec.username) !== null ||
	    room.editIds.has(rec.id + ' ' + rec.username))))
		historyReset(room);
	/* A negative offset is a record from the partition the room had
	 * before partitions were added (kchat(7)): older than every other,
	 * paged below like them, never where a rejoin resumes. */
	if (!room.dm && typeof rec.offset === 'number') {
		if (rec.offset >= 0 && (room.lastOffset === null ||
		    rec.offset > room.lastOffset))
			room.lastOffset = rec.offset;
		if (room.lowOffset === null || rec.offset < room.lowOffset)
			room.lowOffset = rec.offset;
	}
	if (EDIT_TYPES[type])
		return editRecord(room, rec);
	if (rec.id && (p = held(room, rec.id, rec.username)) !== null) {
		/* The message is where it first is in the partition. */
		if (typeof rec.offset === 'number' && (typeof p.offset !== 'number' ||
		    rec.offset < p.offset))
			p.offset = rec.offset;
		return null;	/* seen already: de-duplicated by id and author */
	}

	/* Written under an earlier name, its answer lost when the name
	 * changed: Kafka has it after all. It is sent, as that name, and no
	 * longer offered to Retry, which would say it twice. */
	p = CHAT_TYPES[type] && rec.id ? S.sentAs.get(rec.id) : undefined;
	if (p !== undefined && !p.id && p.roomKey === room.key &&
	    p.user === rec.username && room.msgs.indexOf(p) >= 0) {
		S.sentAs.delete(rec.id);
		p.offset = typeof rec.offset === 'number' ? rec.offset : null;
		p.own = p.user === S.me;
		p.error = '';
		p.node = null;
		confirmMsg(room, p, rec.id, rec.timestamp);
		return null;
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
		roomKey: room.key,
		reply: typeof rec.reply === 'string' ? rec.reply : '',
		edited: false,
		deleted: false,
		editOffset: null,
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
	m.mention = CHAT_TYPES[type] && !m.own && (mentions(m.text) ||
	    (type === 'dm' && (how === 'live' || how === 'stored-new')));
	insertMsg(room, m);
	applyAside(room, m);
	if (m.reply)
		room.answered.add(m.reply);
	if (room.answered.has(m.id))
		hooks.edited(m);	/* replies quoting it, loaded first, redraw */
	/* Said it: no longer typing, nor by a "typing" from before it. */
	if (!(room.said.get(m.user) >= m.date))
		room.said.set(m.user, m.date);
	if (room.typing.delete(m.user))
		hooks.typingChanged(room);
	if (room.dm && how !== 'stored')
		saveDms();
	noteNew(room, m, how);
	return m;
}

/*
 * An edit or delete (kchat.7, EDITS): it changes the line it names only
 * when written by that line's author, before it in the partition
 * (referred()): one in anyone else's name is ignored, and never shown.
 * One whose line is not here yet (an older page may bring it) is kept
 * aside, up to EDITS_ASIDE_MAX a room (asideEvict()). Returns the line
 * changed, or null.
 */
function editRecord(room, rec) {
	var t, list;

	if (rec.id) {
		if (room.editIds.has(rec.id + ' ' + rec.username))
			return null;
		room.editIds.add(rec.id + ' ' + rec.username);
	}
	if ((t = referred(room, rec.re, rec.offset, rec.username)) === null) {
		if (room.nAside >= EDITS_ASIDE_MAX)
			asideEvict(room);
		list = room.aside.get(rec.re) || [];
		list.push({ rec: rec, seq: room.asideSeq++ });
		room.aside.set(rec.re, list);
		room.nAside++;
		return null;
	}
	return applyEdit(t, rec) ? t : null;
}

/*
 * Makes room aside for one more: the oldest kept of the writer with the
 * most kept goes (of those with as many, the one whose oldest is oldest),
 * so that one writer's flood pushes out its own, not someone's delete.
 */
function asideEvict(room) {
	var count = new Map(), first = new Map(), who = null, most = 0, list;

	room.aside.forEach(function (l) {
		l.forEach(function (k) {
			var u = k.rec.username, n = (count.get(u) || 0) + 1;

			count.set(u, n);
			if (!first.has(u) || k.seq < first.get(u))
				first.set(u, k.seq);
		});
	});
	count.forEach(function (n, u) {
		if (n > most || (n === most && first.get(u) < first.get(who))) {
			most = n;
			who = u;
		}
	});
	room.aside.forEach(function (l, re) {
		var i = l.findIndex(function (k) {
			return k.seq === first.get(who);
		});

		if (i < 0)
			return;
		l.splice(i, 1);
		if (l.length === 0)
			room.aside.delete(re);
		room.nAside--;
	});
}

/* Applies rec to m when it counts; true when it changed m. */
function applyEdit(m, rec) {
	if (m.user !== rec.username || m.deleted ||
	    (m.type !== 'message' && m.type !== 'action'))
		return false;
	/* Edits of a line apply in offset order: an older one read late
	 * (a history page) does not bring an old text back. */
	if (typeof rec.offset === 'number' && m.editOffset !== null &&
	    rec.offset <= m.editOffset)
		return false;
	if (rec.type === 'delete') {
		m.deleted = true;
		m.edited = false;
		m.text = '';
	} else {
		if (typeof rec.message !== 'string' || rec.message === '')
			return false;
		m.text = rec.message;
		m.edited = true;
	}
	if (typeof rec.offset === 'number')
		m.editOffset = rec.offset;
	hooks.edited(m);
	return true;
}

/* The edits kept aside for m, now that it is here; those of another
 * line with its id (someone else's) stay aside for theirs. */
function applyAside(room, m) {
	var list = room.aside.get(m.id), mine = [], rest = [];

	if (list === undefined)
		return;
	list.forEach(function (k) {
		(referred(room, k.rec.re, k.rec.offset, k.rec.username) === m ?
		    mine : rest).push(k);
	});
	if (rest.length > 0)
		room.aside.set(m.id, rest);
	else
		room.aside.delete(m.id);
	room.nAside -= mine.length;
	mine.sort(function (a, b) {
		return (a.rec.offset || 0) - (b.rec.offset || 0);
	}).forEach(function (k) {
		applyEdit(m, k.rec);
	});
}

/* My newest message or action in room that may be edited, or null. */
export function lastOwn(room) {
	var i, m;

	if (room === null || room.dm)
		return null;
	for (i = room.msgs.length - 1; i >= 0; i--) {
		m = room.msgs[i];
		if (m.own && m.id && m.id.indexOf('noid-') !== 0 && !m.deleted &&
		    m.state === 'sent' && (m.type === 'message' || m.type === 'action'))
			return m;
	}
	return null;
}

/* Unread counts and mentions; a live one is told to the views (the live
 * region, notifications). */
function noteNew(room, m, how) {
	var fresh = how === 'live' || how === 'stored-new' ||
	    (how === 'history' && room.resumeKey !== null && m.key > room.resumeKey);

	if (!fresh || !CHAT_TYPES[m.type] || m.own)
		return;
	if (room.key !== S.current) {
		room.unread++;
		if (m.mention || room.dm)
			room.mention = true;
	}
	if (how === 'live')
		hooks.fresh(room, m);
}

/* Local lines (help, errors) shown in a room, never sent; after the
 * message with timestamp after (a bridge timestamp) if given, else now. */
export function note(room, text, kind, after) {
	var m;

	if (room === null)
		return;
	m = {
		id: null, local: ++S.localSeq, type: 'note', user: '', text: text,
		timestamp: after || formatTs(new Date()), date: new Date(), own: false,
		state: 'sent', node: null, kind: kind || 'info', mention: false
	};
	insertMsg(room, m);
	hooks.noted(room);
}

export function newRef(kind, data) {
	var ref = kind + (++S.refSeq).toString(36);

	data = data || {};
	data.kind = kind;
	S.reqs.set(ref, data);
	return ref;
}

/*
 * Who is in room, as a presence frame says (on this connection), and who
 * of them is away (its "away" list, absent when nobody is).
 */
export function setMembers(room, users, away) {
	room.away = new Set(Array.isArray(away) ? away.filter(function (u) {
		return typeof u === 'string';
	}) : []);
	room.members = users.filter(function (u) {
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
}

/* Whether room's list of people is from this connection (else stale). */
export function membersKnown(room) {
	return S.conn === 'online' && room.membersEpoch === S.connEpoch;
}

/* Whether peer is in any room of ours, as far as presence says. */
export function seenOnline(peer) {
	var found = false;

	S.rooms.forEach(function (r) {
		if (!r.dm && membersKnown(r) && r.members.indexOf(peer) >= 0)
			found = true;
	});
	return found;
}

/*
 * Whether the server still has the history seen before the connection
 * dropped (room.resumeOffset: the last offset seen), judged from the first
 * page after it: 'same', 'reset' (its offsets went backwards: an embedded
 * broker that started afresh) or 'unknown' (an empty page "since" the last
 * offset: nothing new, or nothing at all; a probe tells).
 */
export function historyVerdict(room, f, msgs) {
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

/*
 * The server's history of room is not the one seen before (an embedded
 * broker started afresh): its offsets mean nothing now, and the user is
 * told that what is above came from before.
 */
export function historyReset(room) {
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

export function loadDms() {
	var all = load('dm.' + S.me, {}), peer, room;

	for (peer in all) {
		if (!Object.prototype.hasOwnProperty.call(all, peer) ||
		    (!NAME_RE.test(peer) && peer !== STRANGERS) ||
		    !Array.isArray(all[peer]))
			continue;
		room = addRoom(peer, true);
		all[peer].forEach(function (rec) {
			if (rec !== null && typeof rec === 'object')
				addRecord(rec, 'stored', peer === STRANGERS ? room : undefined);
		});
	}
}

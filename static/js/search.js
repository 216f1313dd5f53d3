/*
 * search.js - searching a room (the bridge's "search" request, kchat.7)
 * and jumping to a result in its context.
 *
 * The search box (the magnifier in the header, or Ctrl+K) asks the bridge
 * for the messages of the current room that contain the text, ASCII
 * letters without case, among the room's last 10,000 records; results
 * come newest first. Choosing one shows it in the message list, where it
 * was said: when it is older than what the page holds, older pages are
 * loaded (as scrolling up would, HISTORY_MAX records each, at most
 * JUMP_PAGES_MAX of them) until it is there, then it is scrolled to and
 * highlighted. "Jump to newest" then leads back down.
 */
import { HISTORY_MAX, errorText, historyFrame, parseTs, utf8Length } from './protocol.js';
import { S, currentRoom, hooks, newRef } from './store.js';
import { dayLabel, inert, nickNode, timeLabel } from './text.js';
import { el, focusComposer, renderOlder, switchRoom } from './views.js';
import { send } from './connection.js';

var Q_MAX = 256;		/* KC_SEARCH_Q_MAX: bytes of a query */
var RESULTS = 50;		/* matches asked for */
var JUMP_PAGES_MAX = 60;	/* older pages loaded to reach a result */

var s = {};			/* the elements */
var pending = null;		/* a jump waiting for older pages */
var lastQ = '';
var shown = null;		/* the message highlighted last */

/* ASCII letters only, as the bridge compares (kc_search_match). */
function fold(t) {
	return t.replace(/[A-Z]/g, function (c) {
		return c.toLowerCase();
	});
}

function status(text) {
	s.status.textContent = text;
}

export function openSearch() {
	var room = currentRoom();

	s.panel.hidden = false;
	s.toggle.setAttribute('aria-expanded', 'true');
	s.label.textContent = room !== null ? 'Search ' + (room.dm ? room.name :
	    '#' + room.name) : 'Search';
	s.input.placeholder = room !== null && !room.dm ? 'Search #' + room.name : 'Search';
	s.input.focus();
	s.input.select();
}

export function closeSearch(back) {
	s.panel.hidden = true;
	s.toggle.setAttribute('aria-expanded', 'false');
	if (back)
		focusComposer();
}

function onSubmit(ev) {
	var room = currentRoom(), q = s.input.value.trim();

	ev.preventDefault();
	if (q === '') {
		status('Type what to look for.');
		return;
	}
	if (utf8Length(q) > Q_MAX) {
		status('That is too long to search for: at most ' + Q_MAX + ' bytes.');
		return;
	}
	if (room === null || room.dm) {
		status('Search works in rooms; direct messages are kept on this device only.');
		return;
	}
	if (S.conn !== 'online') {
		status('Not connected: search once the status says connected.');
		return;
	}
	lastQ = q;
	while (s.results.firstChild)
		s.results.removeChild(s.results.firstChild);
	status('Searching #' + room.name + '\u2026');
	send({ type: 'search', room: room.name, q: q, limit: RESULTS,
	    username: S.me, ref: newRef('search', { room: room.key }) });
}

/* text with each match of q marked. */
function marked(parent, text, q) {
	var t = inert(text), low = fold(t), want = fold(q), at = 0, i, mk;

	while (want !== '' && (i = low.indexOf(want, at)) >= 0) {
		parent.appendChild(document.createTextNode(t.slice(at, i)));
		mk = document.createElement('mark');
		mk.textContent = t.slice(i, i + want.length);
		parent.appendChild(mk);
		at = i + want.length;
	}
	parent.appendChild(document.createTextNode(t.slice(at)));
}

function resultNode(roomKey, hit, q) {
	var li = document.createElement('li'), b = document.createElement('button');
	var when = document.createElement('time'), who = document.createElement('span');
	var text = document.createElement('span'), d = parseTs(hit.timestamp);

	b.type = 'button';
	b.className = 'search-hit';
	b.dataset.id = hit.id;
	when.className = 'ts';
	if (d !== null) {
		when.dateTime = d.toISOString();
		when.textContent = dayLabel(d) + ' ' + timeLabel(d);
	}
	who.className = 'who';
	if (hit.type === 'action')
		who.appendChild(document.createTextNode('* '));
	who.appendChild(nickNode(hit.username));
	text.className = 'text';
	marked(text, typeof hit.message === 'string' ? hit.message : '', q);
	b.appendChild(when);
	b.appendChild(who);
	b.appendChild(text);
	b.addEventListener('click', function () {
		jumpTo(roomKey, hit);
	});
	li.appendChild(b);
	return li;
}

function onResults(f) {
	var msgs = Array.isArray(f.messages) ? f.messages : [], n = 0, i, room;
	var key = '#' + f.room;

	room = S.rooms.get(f.room) || S.rooms.get(key);
	if (room === undefined)
		return;
	while (s.results.firstChild)
		s.results.removeChild(s.results.firstChild);
	for (i = msgs.length - 1; i >= 0; i--) {	/* newest first */
		if (msgs[i] === null || typeof msgs[i] !== 'object' ||
		    typeof msgs[i].offset !== 'number')
			continue;
		s.results.appendChild(resultNode(room.key, msgs[i], lastQ));
		n++;
	}
	status((n === 0 ? 'No messages' : n + (n === 1 ? ' message' : ' messages')) +
	    ' with \u201c' + inert(f.q) + '\u201d among the last ' + f.scanned +
	    ' messages of #' + f.room + (f.more ? ' (older ones were not searched)' :
	    '') + '.');
}

/* The message with id by user in room, or null. */
function find(room, id, user) {
	var i;

	/* by id and author: the id alone may be someone else's too */
	for (i = 0; i < room.msgs.length; i++) {
		if (room.msgs[i].id === id && room.msgs[i].user === user)
			return { m: room.msgs[i], i: i };
	}
	return null;
}

/* A page of HISTORY_MAX records below the lowest offset the room holds. */
function loadOlder(room) {
	pending.pages++;
	if (room.loadingOlder)
		return;		/* a page is on its way: olderShown comes */
	room.loadingOlder = true;
	send(historyFrame({ room: room.name, limit: HISTORY_MAX, user: S.me,
	    beforeOffset: room.lowOffset, ref: newRef('older', { room: room.key }) }));
	renderOlder();
}

function reveal(m) {
	if (shown !== null && shown.node)
		shown.node.classList.remove('hit');
	shown = m;
	if (!m.node)
		return;
	m.node.classList.add('hit');
	m.node.scrollIntoView({ block: 'center' });
	closeSearch(false);
}

/* Shows hit in room's message list, loading older pages first if need be. */
function jumpTo(key, hit) {
	var room = S.rooms.get(key);

	if (room === undefined)
		return;
	if (S.current !== key)
		switchRoom(key);
	pending = { room: key, id: hit.id, user: hit.username, offset: hit.offset,
	    pages: 0, before: false };
	continueJump(room);
}

function continueJump(room) {
	var at;

	if (pending === null || room.key !== pending.room)
		return;
	at = find(room, pending.id, pending.user);
	/* Some context before it too, when there is more. */
	if (at !== null && (at.i >= 5 || !room.more || pending.before)) {
		pending = null;
		reveal(at.m);
		return;
	}
	if (at !== null)
		pending.before = true;
	if (!room.more || typeof room.lowOffset !== 'number' ||
	    pending.pages >= JUMP_PAGES_MAX || S.conn !== 'online') {
		pending = null;
		status('That message could not be loaded here; scroll up to look for it.');
		return;
	}
	status('Loading the messages around it\u2026');
	loadOlder(room);
}

export function bindSearch() {
	[['panel', 'search'], ['form', 'search-form'], ['input', 'search-input'],
	    ['label', 'search-label'], ['status', 'search-status'],
	    ['results', 'search-results'], ['toggle', 'search-toggle'],
	    ['close', 'search-close']].forEach(function (p) {
		s[p[0]] = document.getElementById(p[1]);
	});
	hooks.searchResults = onResults;
	hooks.searchFailed = function (f) {
		/* the bridge says what to do (wait, shorten the text) */
		status('Search failed: ' + (typeof f.error === 'string' &&
		    f.error !== '' ? f.error : errorText(f)));
	};
	hooks.olderShown = continueJump;
	s.form.addEventListener('submit', onSubmit);
	s.toggle.addEventListener('click', function () {
		if (s.panel.hidden)
			openSearch();
		else
			closeSearch(true);
	});
	s.close.addEventListener('click', function () {
		closeSearch(true);
	});
	s.panel.addEventListener('keydown', function (ev) {
		if (ev.key === 'Escape') {
			ev.stopPropagation();
			closeSearch(true);
		}
	});
	document.addEventListener('keydown', function (ev) {
		if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === 'k' || ev.key === 'K')) {
			ev.preventDefault();
			openSearch();
		}
	});
}

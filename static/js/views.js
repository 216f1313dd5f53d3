/*
 * views.js - the DOM: every piece of the page drawn from the state in
 * store.js, patched rather than rebuilt, and the page's own behaviour
 * (drawers, focus, notifications, switching rooms). It never sends:
 * buttons that must (older messages, Retry, a person to message) call
 * the actions app.js fills in.
 * User text goes in through text.js only. No inline script or style, so
 * the bridge can send "Content-Security-Policy: default-src 'self'".
 */
import { CHAT_TYPES, NAME_RE } from './protocol.js';
import { afterMarker } from './readstate.js';
import {
	S, STRANGERS, currentRoom, hooks, membersKnown, referred, save, saveRooms,
	sortedKeys
} from './store.js';
import {
	appendLines, appendRich, dayKey, dayLabel, inert, nickNode, timeLabel
} from './text.js';

/* What buttons drawn here do beyond the page (app.js sets them). */
export var actions = {
	older: function (room) {},	/* ask for older messages of room */
	retry: function (m) {},		/* send a failed message again */
	openDm: function (user) {},	/* open a conversation with user */
	reply: function (m) {},		/* answer m (the hover action) */
	edit: function (m) {},		/* edit my message m */
	del: function (m) {},		/* delete my message m */
	refused: function () {}		/* the socket closed before it opened */
};

var GROUP_MS = 5 * 60 * 1000;		/* one person's run: name shown once */

/* The page's elements, by the names the code uses (see bindElements). */
export var el = {};

/* Finds the elements of index.html; the store's hooks redraw from now on. */
export function bindElements() {
	[
		['welcome', 'welcome'], ['welcomeForm', 'welcome-form'],
		['welcomeName', 'welcome-name'], ['welcomeError', 'welcome-error'],
		['welcomeCancel', 'welcome-cancel'], ['app', 'app'],
		['roomsToggle', 'rooms-toggle'], ['roomsBadge', 'rooms-toggle-badge'],
		['roomTitle', 'room-title'], ['roomSub', 'room-sub'],
		['roomTopic', 'room-topic'],
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
		['composerContext', 'composer-context'],
		['send', 'send'], ['composerError', 'composer-error'],
		['members', 'members'], ['membersHeading', 'members-heading'],
		['memberList', 'member-list'], ['scrim', 'scrim'],
		['announce', 'announce'], ['jump', 'jump'],
		['roomsClose', 'rooms-close'], ['membersClose', 'members-close'],
		['login', 'login'], ['loginForm', 'login-form'],
		['loginName', 'login-name'], ['loginPassword', 'login-password'],
		['loginError', 'login-error'], ['loginSubmit', 'login-submit'],
		['logout', 'logout']
	].forEach(function (p) {
		el[p[0]] = document.getElementById(p[1]);
	});

	hooks.stateChanged = function (m) {
		if (m.node !== null)
			fillState(m);
	};
	hooks.confirmed = function (m) {
		var room = S.rooms.get(m.roomKey);

		if (m.node !== null) {
			m.node.dataset.id = m.id;
			fillTime(m, m.node.querySelector('time'));
			if (room !== undefined && !m.deleted &&
			    m.node.querySelector('.actions') === null)
				m.node.appendChild(actionsNode(room, m));
		}
	};
	hooks.removed = function (m) {
		if (m.node && m.node.parentNode)
			m.node.parentNode.removeChild(m.node);
	};
	hooks.roomsChanged = renderSidebar;
	hooks.typingChanged = function (room) {
		if (room.key === S.current)
			renderTyping();
	};
	hooks.noted = function (room) {
		if (room.key === S.current)
			renderMessages('append');
	};
	hooks.fresh = noticeNew;
	hooks.edited = redrawEdited;
}

/* m was edited or deleted, or has come: its line, and the quotes of the
 * replies naming its id (which may answer it now: referred()), are drawn
 * again. */
function redrawEdited(m) {
	var room = S.rooms.get(m.roomKey);

	if (room === undefined)
		return;
	room.msgs.forEach(function (r) {
		if (r === m || (r.reply === m.id && r.node !== null))
			rebuild(room, r);
	});
}

function rebuild(room, m) {
	var old = m.node;

	if (old === null)
		return;
	buildNode(room, m);
	m.node.classList.toggle('cont', old.classList.contains('cont'));
	if (old.parentNode)
		old.parentNode.replaceChild(m.node, old);
}

/* The conversation of direct messages from strangers (store.js). */
function isStrangers(room) {
	return room.dm && room.name === STRANGERS;
}

/* A sender in it: their name opens a conversation with them. */
function strangerWho(user) {
	var b = document.createElement('button');

	b.type = 'button';
	b.className = 'who stranger';
	b.title = 'Open a conversation with ' + user;
	b.setAttribute('aria-label', user + ', open a conversation');
	b.appendChild(nickNode(user));
	b.addEventListener('click', function () {
		actions.openDm(user);
	});
	return b;
}

var QUOTE_MAX = 80;		/* characters of the answered text in a quote */

/* "↳ alice: the text…" above a reply; a click goes to the line answered. */
function quoteNode(room, m) {
	var q = document.createElement('span'), p = referred(room, m.reply, m.offset), t;

	q.className = 'quote';
	q.appendChild(document.createTextNode('\u21b3 '));
	if (p === null) {
		q.appendChild(document.createTextNode('a message not loaded'));
		return q;
	}
	q.appendChild(nickNode(p.user));
	t = p.deleted ? '[message deleted]' : p.text.split('\n')[0];
	if (t.length > QUOTE_MAX)
		t = t.slice(0, QUOTE_MAX) + '\u2026';
	q.appendChild(document.createTextNode(': ' + inert(t)));
	q.title = 'Go to the message answered';
	q.addEventListener('click', function () {
		if (p.node !== null && p.node.parentNode)
			p.node.scrollIntoView({ block: 'center' });
	});
	return q;
}

/* Reply, and on my own lines Edit and Delete, shown on hover or focus. */
function actionsNode(room, m) {
	var bar = document.createElement('span');

	bar.className = 'actions';
	[['reply', 'Reply', true],
	    ['edit', 'Edit', m.own && !room.dm],
	    ['del', 'Delete', m.own && !room.dm]].forEach(function (a) {
		var b;

		if (!a[2])
			return;
		b = document.createElement('button');
		b.type = 'button';
		b.className = 'msg-action act-' + a[0];
		b.textContent = a[1];
		b.setAttribute('aria-label', a[1] + ' (' + m.user + ': ' +
		    inert(m.text).slice(0, 40) + ')');
		b.addEventListener('click', function () {
			actions[a[0]](m);
		});
		bar.appendChild(b);
	});
	return bar;
}

/* New messages below the view of the current room (the jump button). */
var below = 0;

/* A new live message: the live region, and a notification when it is
 * for me and I am not looking (another room, or the tab hidden). */
function noticeNew(room, m) {
	var here = room.key === S.current && !document.hidden;

	if (room.key === S.current && !atBottom())
		below++;

	if (room.key === S.current)
		announce(m.user + (m.type === 'action' ? ' ' : ': ') + inert(m.text));
	else if (m.mention || room.dm)
		announce((room.dm ? 'Direct message from ' : 'Mention in #' + room.name +
		    ' from ') + m.user + ': ' + inert(m.text));
	if ((m.mention || room.dm) && !here)
		notifyDesktop(room, m);
}

/* The active rooms the bridge knows, offered when joining one. */
export function renderActiveRooms(active) {
	var list = el.activeRooms;

	while (list.firstChild)
		list.removeChild(list.firstChild);
	active.forEach(function (a) {
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

export function renderAll(how) {
	renderHeader();
	renderSidebar();
	renderMessages(how || 'append');
	renderMembers();
	renderTyping();
	renderComposer();
}

export function renderStatus() {
	var text, cls, countdown = '';

	switch (S.conn) {
	case 'online':
		if (S.kafkaDown) {
			text = 'Connected, but Kafka is not storing messages';
			countdown = 'messages wait';
			cls = 'connecting';
		} else {
			text = 'Connected';
			cls = 'online';
		}
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
	el.status.dataset.kafka = S.kafkaDown ? 'down' : 'up';
	el.status.title = S.conn === 'online' && S.kafkaDown && S.kafkaWhy ?
	    'Kafka: ' + S.kafkaWhy : '';
	el.retryNow.hidden = S.conn !== 'waiting';
	document.body.dataset.conn = S.conn;
}

export function renderHeader() {
	var room = currentRoom(), n, total = 0, mention = false;

	if (room === null) {
		el.roomTitle.textContent = 'No room';
		el.roomSub.textContent = 'Join a room to start chatting';
		el.roomTopic.hidden = true;
		el.usersCount.textContent = '';
		el.leave.hidden = true;
	} else {
		el.roomTitle.textContent = room.dm ? '@' + room.name : '#' + room.name;
		/* The room's topic line (the rooms topic; text, never markup). */
		el.roomTopic.textContent = !room.dm && room.topic ? room.topic : '';
		el.roomTopic.hidden = el.roomTopic.textContent === '';
		el.roomTopic.title = room.topicBy ? 'Set by ' + room.topicBy : '';
		if (room.dm) {
			el.roomSub.textContent = isStrangers(room) ?
			    'Direct messages from people you never wrote to, past ' +
			    'a few a minute: click a name to answer' : 'Direct message';
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

export function renderSidebar() {
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
			actions.retry(m);
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
	} else if (isStrangers(room)) {
		who = strangerWho(m.user);
	} else {
		who = document.createElement('span');
		who.className = 'who';
		who.appendChild(nickNode(m.user));
	}
	if (m.reply)
		li.appendChild(quoteNode(room, m));
	li.appendChild(who);
	text = document.createElement('span');
	text.className = 'text';
	if (m.deleted) {
		li.classList.add('deleted');
		text.textContent = '[message deleted]';
	} else
		appendLines(text, m.text, m.own);
	if (m.edited) {
		var ed = document.createElement('span');

		ed.className = 'edited';
		ed.textContent = ' (edited)';
		text.appendChild(ed);
	}
	li.appendChild(text);
	if (!m.deleted && m.id && m.id.indexOf('noid-') !== 0)
		li.appendChild(actionsNode(room, m));
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

var NICK_NEW = 'is now known as ';	/* a terminal's /nick (kchat-tui format.c) */

/*
 * The net effect of a run of joins and leaves, as [kind, names] in a
 * fixed order: joined (not there before, there after), back (left and
 * came back: there after), left, passing (came and went), then one
 * ['nick', [old, new]] per name change: kchat-tui's /nick is a leave of
 * the old name with the text "is now known as NEW", then a join of NEW
 * (its text "was OLD"), which the change takes the place of.
 */
function sysSummary(msgs) {
	var first = new Map(), last = new Map(), renamed = new Map(), nicks = [];
	var kinds = { joined: [], back: [], left: [], passing: [] }, out = [];

	msgs.forEach(function (m) {
		var to;

		if (m.type === 'leave' && m.text.indexOf(NICK_NEW) === 0 &&
		    NAME_RE.test(to = m.text.slice(NICK_NEW.length))) {
			nicks.push(['nick', [m.user, to]]);
			renamed.set(to, m.user);
			return;
		}
		if (m.type === 'join' && renamed.has(m.user)) {
			renamed.delete(m.user);		/* the new name's join */
			return;
		}
		if (!first.has(m.user))
			first.set(m.user, m.type);
		last.set(m.user, m.type);
	});
	first.forEach(function (type, user) {
		if (type === 'join')
			kinds[last.get(user) === 'join' ? 'joined' : 'passing'].push(user);
		else
			kinds[last.get(user) === 'join' ? 'back' : 'left'].push(user);
	});
	['joined', 'back', 'left', 'passing'].forEach(function (k) {
		if (kinds[k].length > 0)
			out.push([k, kinds[k]]);
	});
	return out.concat(nicks);
}

var SYS_WORDS = {
	joined: ['\u2192 ', ' joined'],
	back: ['\u21bb ', ' left and came back'],
	left: ['\u2190 ', ' left'],
	passing: ['\u2194 ', ' joined and left']
};

/* One line for several join and leave records (cached by their ids and
 * authors). */
function sysGroup(room, msgs) {
	var sig = msgs.map(function (m) { return m.id + ' ' + m.user; }).join(' ');
	var key = msgs[0].id + ' ' + msgs[0].user, g = room.groups.get(key), li, t, body;

	if (g !== undefined && g.sig === sig)
		return g.node;
	li = document.createElement('li');
	li.className = 'msg sys group';
	li.dataset.type = 'sys';
	t = document.createElement('time');
	t.className = 'ts';
	fillTime(msgs[msgs.length - 1], t);
	li.appendChild(t);
	body = document.createElement('span');
	body.className = 'text';
	sysSummary(msgs).forEach(function (part, i) {
		if (i > 0)
			body.appendChild(document.createTextNode(' \u00b7 '));
		if (part[0] === 'nick') {
			body.appendChild(nickNode(part[1][0]));
			body.appendChild(document.createTextNode(' is now known as '));
			body.appendChild(nickNode(part[1][1]));
			return;
		}
		body.appendChild(document.createTextNode(SYS_WORDS[part[0]][0]));
		nameList(body, part[1]);
		body.appendChild(document.createTextNode(SYS_WORDS[part[0]][1]));
	});
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

export function atBottom() {
	var s = el.scroller;

	return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
}

/*
 * Patches the message list of the current room. how: 'switch' (new room:
 * go to the bottom), 'prepend' (older page: keep the view where it is),
 * 'send' (own message: go to the bottom), 'append' (stick to the bottom
 * only when already there).
 */
export function renderMessages(how) {
	var room = currentRoom(), list = el.messages, want = [], prevDay = null;
	var prev = null;	/* the chat message before, while a run may go on */
	var divided = false;
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
		/* "New messages": before the first one after where the room
		 * was read to when it was opened (readstate.js). */
		if (!divided && room.divider && !m.own && CHAT_TYPES[m.type] &&
		    afterMarker(room.divider, m)) {
			want.push(newDivider(room));
			divided = true;
			prev = null;
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
	if (how === 'switch')
		below = 0;
	renderJump();
}

/*
 * "Jump to newest" while the list is scrolled up, with how many new
 * messages came meanwhile ("3 new messages ↓"); hidden at the bottom.
 */
export function renderJump() {
	if (atBottom()) {
		below = 0;
		el.jump.hidden = true;
		return;
	}
	el.jump.textContent = below > 0 ? below + (below === 1 ?
	    ' new message \u2193' : ' new messages \u2193') : 'Jump to newest \u2193';
	el.jump.hidden = false;
}

function newDivider(room) {
	if (room.dividerNode === undefined) {
		room.dividerNode = document.createElement('li');
		room.dividerNode.className = 'new-divider';
		room.dividerNode.setAttribute('role', 'separator');
		room.dividerNode.textContent = 'New messages';
	}
	return room.dividerNode;
}

export function renderOlder() {
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
	if (isStrangers(room)) {
		o.textContent = 'When more than a few people you never wrote to ' +
		    'send direct messages within a minute, the rest come here. ' +
		    'Click a name (or /msg NAME) to answer in a conversation of its own.';
	} else if (room.dm) {
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
			actions.older(currentRoom());
		});
		o.appendChild(b);
	} else if (room.msgs.length > 0) {
		o.textContent = 'This is the beginning of #' + room.name + '.';
	} else {
		o.hidden = true;
	}
}

export function renderMembers() {
	var room = currentRoom(), list = el.memberList;

	while (list.firstChild)
		list.removeChild(list.firstChild);
	list.classList.remove('stale');
	if (room === null || room.dm) {
		el.membersHeading.textContent = room === null ? 'Nobody here' :
		    'Conversation';
		if (room !== null) {
			/* Strangers: each line says who, each name answers. */
			(isStrangers(room) ? [S.me] : [S.me, room.name]).forEach(function (u) {
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
			awayMark(room, u, li);
		} else {
			b = document.createElement('button');
			b.type = 'button';
			b.className = 'member';
			b.title = 'Send ' + u + ' a direct message';
			b.setAttribute('aria-label', u + ', send a direct message');
			b.appendChild(nickNode(u));
			if (room.away.has(u))
				b.setAttribute('aria-label', u + ', away, send a ' +
				    'direct message');
			b.addEventListener('click', function () {
				actions.openDm(u);
				focusComposer();
			});
			li.appendChild(b);
			awayMark(room, u, li);
		}
		list.appendChild(li);
	});
}

/* " away" after a member who is /away (a terminal's away message). */
function awayMark(room, u, li) {
	var span;

	if (!room.away.has(u))
		return;
	span = document.createElement('span');
	span.className = 'away';
	span.textContent = ' away';
	li.classList.add('is-away');
	li.appendChild(span);
}

export function renderTyping() {
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
	    isStrangers(room) ? 'Answer one of them: /msg NAME TEXT' :
	    room.dm ? 'Message @' + room.name : 'Message #' + room.name;

	el.composerLabel.textContent = label;
	el.input.placeholder = label;
	el.input.disabled = room === null;
	el.send.disabled = room === null;
}

export function autosize() {
	el.input.style.height = 'auto';
	el.input.style.height = Math.min(el.input.scrollHeight + 2, 200) + 'px';
}

export function announce(text) {
	var p = document.createElement('p');

	p.textContent = text.length > 300 ? text.slice(0, 300) + '…' : text;
	el.announce.appendChild(p);
	while (el.announce.children.length > 3)
		el.announce.removeChild(el.announce.firstChild);
}

var errorTimer = null;

export var errorAbout = null;	/* 'text': the error is about the composer's text */

/* An error under the composer; about 'text' when it judges what is typed,
 * so that it goes as soon as the text changes (it would be stale). */
export function showError(text, about) {
	el.composerError.textContent = text;
	errorAbout = about || null;
	clearTimeout(errorTimer);
	errorTimer = setTimeout(clearError, 8000);
}

export function clearError() {
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

export function renderNotify() {
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

export function toggleNotify() {
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

export function openDrawer(which) {
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

export function closeDrawers() {
	el.sidebar.classList.remove('open');
	el.roomsToggle.setAttribute('aria-expanded', 'false');
	if (isNarrow('members')) {
		el.members.classList.remove('open');
		el.usersToggle.setAttribute('aria-expanded', 'false');
	}
	el.scrim.hidden = true;
}

export function isNarrow(which) {
	return window.matchMedia(which === 'rooms' ? '(max-width: 759px)' :
	    '(max-width: 1099px)').matches;
}

export function showMembers(on) {
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

export function focusComposer() {
	if (!el.input.disabled)
		el.input.focus();
}

function focusRoomButton(key) {
	var b = el.sidebar.querySelector('button[data-room="' +
	    (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]');

	if (b !== null && !isNarrow('rooms'))
		b.focus();
}

export function askName(changing) {
	el.welcome.hidden = false;
	el.app.hidden = changing ? false : true;
	el.welcomeCancel.hidden = !changing;
	el.welcomeName.value = S.me || '';
	el.welcomeError.textContent = '';
	el.welcomeName.focus();
	el.welcomeName.select();
}

/* The bridge refused our name (name_in_use): ask for another, saying why. */
export function nameTaken(why) {
	askName(true);
	el.welcomeCancel.hidden = true;
	el.welcomeError.textContent = why;
	el.welcomeName.setAttribute('aria-invalid', 'true');
	renderStatus();
}

export function switchRoom(key) {
	var room;

	if (key !== null && !S.rooms.has(key))
		return;
	S.current = key;
	room = currentRoom();
	if (room !== null) {
		room.unread = 0;
		room.mention = false;
		/* The "new messages" line: where it was read to until now. */
		room.divider = room.marker || undefined;
	}
	saveRooms();
	clearError();
	renderAll('switch');
	closeDrawers();
}

export function moveRoom(delta) {
	var keys = sortedKeys(false).concat(sortedKeys(true)), i;

	if (keys.length === 0)
		return;
	i = keys.indexOf(S.current);
	i = (i + delta + keys.length) % keys.length;
	switchRoom(keys[i]);
	focusRoomButton(keys[i]);
}

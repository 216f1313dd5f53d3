/*
 * composer.js - what the user does: the message box (Enter sends,
 * Shift+Enter a new line, commands), the forms to join a room or message a
 * person, leaving, and changing one's name. Text the bridge would refuse
 * is caught here, with the reason under the box.
 */
import {
	NAME_RE, deleteFrame, editFrame, formatTs, leaveFrame, joinFrame,
	isBlank, roomsFrame, textProblem, typingFrame, whoFrame, awayFrame
} from './protocol.js';
import {
	S, STRANGERS, addRoom, currentRoom, firstRoomKey, fromStrangers, insertMsg,
	lastOwn, loadDms, newRef, note, removeMsg, save, saveDms, saveRooms,
	seenOnline, setState
} from './store.js';
import {
	announce, autosize, clearError, el, errorAbout, focusComposer,
	renderAll, renderMessages, renderSidebar, showError, showMembers,
	switchRoom
} from './views.js';
import { connect, dropSocket, send, transmit, tryName } from './connection.js';
import { topicFrame } from './readstate.js';

var TYPING_SEND_MS = 3000;		/* at most one typing frame this often */

/*
 * What the box is for besides a new message: answering a line (reply) or
 * changing one of mine (edit); both say so above the box, Esc ends them.
 */
var context = { reply: null, edit: null };

function showContext() {
	var c = el.composerContext, m = context.edit || context.reply, b;

	while (c.firstChild)
		c.removeChild(c.firstChild);
	c.hidden = m === null;
	if (m === null)
		return;
	c.appendChild(document.createTextNode(context.edit !== null ?
	    'Editing your message' : 'Replying to ' + m.user + ': ' +
	    m.text.split('\n')[0].slice(0, 60)));
	b = document.createElement('button');
	b.type = 'button';
	b.className = 'text-button';
	b.textContent = 'Cancel (Esc)';
	b.addEventListener('click', function () {
		endContext(true);
		focusComposer();
	});
	c.appendChild(b);
}

/* Ends a reply or edit; clear: empty the box too (an edit's text). */
function endContext(clear) {
	if (clear && context.edit !== null) {
		el.input.value = '';
		autosize();
	}
	context.reply = context.edit = null;
	showContext();
}

/* The hover action Reply: the next message answers m. */
export function startReply(m) {
	context.edit = null;
	context.reply = m;
	showContext();
	focusComposer();
}

/* The hover action Edit (or ↑ on an empty box): m's text in the box. */
export function startEdit(m) {
	context.reply = null;
	context.edit = m;
	el.input.value = m.text;
	autosize();
	showContext();
	focusComposer();
}

/* The hover action Delete: my message m goes, for everyone. */
export function deleteMsg(m) {
	var room = S.rooms.get(m.roomKey);

	if (room === undefined || !m.own || m.deleted)
		return;
	if (!send(deleteFrame(room.name, S.me, m.id, newRef('delete'))))
		showError('Not connected: the message was not deleted. Try again ' +
		    'when the connection is back.');
	if (context.edit === m)
		endContext(true);
}

/* The box's text as the new text of context.edit. */
function sendEdit(text) {
	var m = context.edit, room = S.rooms.get(m.roomKey);

	if (room === undefined)
		return true;
	if (text === m.text) {
		endContext(true);
		return true;
	}
	if (!checkText(text))
		return false;
	if (!send(editFrame(room.name, S.me, m.id, text, newRef('edit'))))
		return fail('Not connected: the edit was not sent. Try again when ' +
		    'the connection is back.');
	endContext(false);
	return true;
}

/* A message of mine in room: shown at once, then sent (or queued). */
function post(room, type, text) {
	var reply = context.reply !== null && context.reply.roomKey === room.key ?
	    context.reply.id : '';
	var m = {
		id: null, local: ++S.localSeq, type: room.dm ? 'dm' : type,
		room: room.dm ? '' : room.name, user: S.me, reply: reply,
		edited: false, deleted: false, editOffset: null,
		to: room.dm ? room.name : '', via: 'web', text: text,
		timestamp: formatTs(new Date()), date: new Date(), own: true,
		state: 'pending', error: '', ref: null, node: null, mention: false
	};

	if (context.reply !== null)
		endContext(false);
	insertMsg(room, m);
	transmit(room, m);
	if (room.dm && S.conn === 'online' && !room.offlineNoted &&
	    !seenOnline(room.name)) {
		/* Stored in Kafka: the bridge (or kchat-tui) hands the DMs
		 * of the last 7 days to someone who comes back. */
		room.offlineNoted = true;
		note(room, room.name + ' is in none of your rooms and may not be ' +
		    'online: the message is stored, and they will see it when ' +
		    'they come back (within 7 days).', 'warn');
	}
	renderMessages('send');
}

export function retry(m) {
	var room = S.rooms.get(m.roomKey);

	if (room === undefined || m.state !== 'failed')
		return;
	removeMsg(room, m);
	m.local = ++S.localSeq;
	if (m.user !== S.me) {
		m.user = S.me;		/* written under an earlier name */
		m.node = null;
	}
	insertMsg(room, m);
	transmit(room, m);
	renderMessages('send');
}

/* What the composer does with a line. Returns false to keep the text. */
function submit(text) {
	var room = currentRoom(), cmd, arg, sp, peer, rest;

	if (isBlank(text))
		return true;
	if (context.edit !== null)
		return sendEdit(text);
	if (text.charAt(0) === '/' && text.charAt(1) !== '/') {
		sp = text.search(/\s/);
		cmd = (sp < 0 ? text.slice(1) : text.slice(1, sp)).toLowerCase();
		arg = sp < 0 ? '' : text.slice(sp + 1).trim();
		switch (cmd) {
		case 'me':
			if (room === null || isBlank(arg))
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
			if (!isBlank(rest)) {
				if (!checkText(rest))
					return false;
				post(currentRoom(), 'dm', rest);
			}
			return true;
		case 'topic':
			if (room === null || room.dm)
				return fail('/topic works in rooms.');
			if (arg === '') {
				note(room, room.topic ? 'Topic of #' + room.name + ': ' +
				    room.topic + (room.topicBy ? ' (set by ' + room.topicBy +
				    ')' : '') : '#' + room.name + ' has no topic.');
				return true;
			}
			if (/[\u0000-\u001f\u007f-\u009f]/.test(arg))
				return fail('A topic is one line of text.');
			send(topicFrame(room.name, arg === '-clear' ? '' : arg));
			return true;
		case 'away':
			if (/[\u0000-\u001f\u007f-\u009f]/.test(arg))
				return fail('An away message is one line of text.');
			if (new TextEncoder().encode(arg).length > 160)
				return fail('An away message is at most 160 bytes.');
			S.away = arg;
			send(awayFrame(arg, S.me));
			note(room, arg !== '' ? 'You are away: ' + arg +
			    ' (/away alone: back)' : 'You are back.');
			return true;
		case 'who':
			if (room !== null && !room.dm)
				send(whoFrame(room.name, S.me));
			showMembers(true);
			return true;
		case 'nick':
			if (!S.keep)	/* accounts: the name is the account's */
				return fail('Your name is your account\'s: log out ' +
				    'and in as another account to change it.');
			if (!NAME_RE.test(arg))
				return fail('Usage: /nick name (letters, digits, _ . -)');
			setName(arg);
			return true;
		case 'help':
			note(room, 'Commands: /me ACTION · /join ROOM · /part [ROOM] · ' +
			    '/msg USER [TEXT] · /who · /topic [TEXT | -clear] · ' +
			    '/away [MESSAGE] · /nick NAME · /help. ' +
			    'Hover a message to Reply (or Edit, Delete your own); ↑ on an empty box edits your last. ' +
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
	if (room.name === STRANGERS && room.dm)
		return fail('Nobody reads this: answer one of them with /msg NAME, ' +
		    'or click their name.');
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
	var problem = textProblem(text);

	if (problem !== null)
		showError(problem, 'text');
	return problem === null;
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
	send(typingFrame(room.name, S.me));
}

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
		send(joinFrame(name, S.me, room.joinRef, null));
	}
	switchRoom(room.key);
	return true;
}

export function openDm(peer) {
	if (!NAME_RE.test(peer)) {
		showError('User names are 1 to 32 letters, digits, _ . or -.');
		return false;
	}
	if (peer === S.me) {
		showError('That is you.');
		return false;
	}
	fromStrangers(addRoom(peer, true));
	switchRoom('@' + peer);
	return true;
}

function leaveRoom(key) {
	var room = S.rooms.get(key);

	if (room === undefined)
		return false;
	if (!room.dm)
		send(leaveFrame(room.name, S.me, newRef('leave')));
	S.rooms.delete(key);
	room.msgs.slice().forEach(function (m) {
		removeMsg(room, m);
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

/*
 * An own message Kafka does not have (queued, sending or failed) when the
 * name changes from old to name: it stays mine, failed, saying so; Retry
 * sends it under the new name. Not sent by itself: it was written as
 * old, perhaps for the name someone else turned out to hold.
 */
function unsentAs(m, old, name) {
	/* Queued with an id: sent once, its answer lost with the link. */
	var why = m.state === 'queued' && !m.cid ? 'Not sent' :
	    m.state === 'failed' ? (m.error || 'Not sent') : 'Not confirmed';

	m.error = why.replace(/[.:]?\s*$/, '') + ' (written as ' + old +
	    '). Retry sends it as ' + name + '.';
	/* Under another name it is another record: its own id. The old one
	 * is kept: Kafka may have the message after all, its answer lost in
	 * the change, and reading it back then confirms it (store.js). */
	if (m.cid)
		S.sentAs.set(m.cid, m);
	m.cid = null;
	setState(m, 'failed');
}

/*
 * A new name. While connected it is tried first (tryName()): the page
 * changes name only once the bridge has bound it; refused, it stays as it
 * was (name, rooms, conversations, unsent lines) and says why. With no
 * connection because our name was refused (S.nameTaken), the new one is
 * simply tried on the next.
 */
export function setName(name) {
	var old = S.me;

	if (old !== null && old !== name && !S.nameTaken) {
		tryName(name, function (why) {
			if (why === null) {
				becomeName(old, name);
				return;
			}
			showError('Your name stays ' + old + ': ' + why.replace(/[.:]?\s*$/, '') +
			    (S.conn === 'online' ? '.' : '. Try again when the connection is back.'));
			announce('Your name stays ' + old);
		});
		return;
	}
	if (old !== null && old !== name) {
		becomeName(old, name);
		dropSocket(1000, 'new name');
		S.attempt = 0;
		connect();
	} else if (S.nameTaken) {
		/* The same name again: perhaps its holder has gone. */
		S.nameTaken = false;
		S.attempt = 0;
		connect();
	}
}

/*
 * The page becomes name's: its own lines not sent yet stay old's, failed,
 * with Retry (unsentAs()); the conversations are name's.
 */
function becomeName(old, name) {
	var carry = [];

	S.me = name;
	save('user', name);
	el.meName.textContent = name;
	el.meName.className = 'nick u-c' + kchatUserColour(name);
	S.rooms.forEach(function (r) {
		r.msgs.forEach(function (m) {
			if (m.own && m.user === old && m.state !== 'sent') {
				unsentAs(m, old, name);
				if (r.dm)
					carry.push({ peer: r.name, m: m });
			} else
				m.own = m.user === name;
			m.node = null;
		});
		if (r.dm)
			S.rooms.delete(r.key);
	});
	loadDms();
	/* Unsent direct messages join the new name's conversation. */
	carry.forEach(function (c) {
		var room = addRoom(c.peer, true);

		c.m.roomKey = room.key;
		insertMsg(room, c.m);
	});
	if (S.current === null || !S.rooms.has(S.current))
		S.current = firstRoomKey();
	S.nameTaken = false;
	renderAll('switch');
}

/* The message box, the forms of the sidebar and the Leave button. */
export function bindComposer() {
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
		var m;

		if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing &&
		    !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
			ev.preventDefault();
			el.composer.requestSubmit();
		} else if (ev.key === 'ArrowUp' && el.input.value === '' &&
		    !ev.altKey && !ev.ctrlKey && !ev.metaKey && !ev.shiftKey &&
		    (m = lastOwn(currentRoom())) !== null) {
			/* As in Slack: ↑ on an empty box edits my last message. */
			ev.preventDefault();
			startEdit(m);
		} else if (ev.key === 'Escape' && (context.edit || context.reply)) {
			ev.preventDefault();
			ev.stopPropagation();
			endContext(true);
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
		send(roomsFrame(S.me, newRef('rooms')));
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
}

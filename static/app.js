/*
 * app.js - the kchat web client: one WebSocket to kchat-bridge, speaking
 * the browser protocol of kchat.7 and kchat-bridge(1). This file starts
 * the page and wires its modules together, each one idea, imported in one
 * direction only (no bundler: the browser loads them as they are):
 *
 *   js/protocol.js    frames: building, parsing, the rules of their fields
 *   js/store.js       state: rooms, messages, offsets, this device's storage
 *   js/text.js        untrusted text made safe to show; times and days
 *   js/views.js       the DOM, drawn from the state (hooks tell it what changed)
 *   js/connection.js  the socket: connect, reconnect, pace, handle frames
 *   js/composer.js    what the user types and does: commands, forms, names
 *   js/account.js     accounts (when the bridge has them): config, log in, out
 *   js/search.js      searching a room, and jumping to a result in context
 *
 * colour.js (a plain script, loaded first) gives kchatUserColour().
 */
import { NAME_RE, whoFrame } from './js/protocol.js';
import {
	S, addRoom, currentRoom, firstRoomKey, load, loadDms, randomId, save
} from './js/store.js';
import {
	actions, askName, bindElements, closeDrawers, el,
	focusComposer, isNarrow, moveRoom, openDrawer, renderAll, renderNotify,
	renderJump, renderSidebar, renderStatus, renderTyping, showMembers,
	toggleNotify
} from './js/views.js';
import {
	connect, dropSocket, requestOlder, retryNow, send, tickConnection
} from './js/connection.js';
import {
	bindComposer, deleteMsg, openDm, retry, setName, startEdit, startReply
} from './js/composer.js';
import { getConfig, logIn, logOut } from './js/account.js';
import { bindSearch } from './js/search.js';

/* Accounts are on: the name is the account's, never asked or kept here. */
var accounts = false;
var started = false;
var lastUser = null;	/* the account this page began with */

/* The login form, with why it is shown again (or ''). */
function askLogin(why) {
	el.app.hidden = true;
	el.welcome.hidden = true;
	el.login.hidden = false;
	el.loginError.textContent = why;
	el.loginPassword.value = '';
	if (el.loginName.value === '')
		el.loginName.focus();
	else
		el.loginPassword.focus();
}

function onLogin(ev) {
	var name = el.loginName.value.trim(), password = el.loginPassword.value;

	ev.preventDefault();
	if (name === '' || password === '') {
		el.loginError.textContent = 'Please give your user name and password.';
		(name === '' ? el.loginName : el.loginPassword).focus();
		return;
	}
	el.loginSubmit.disabled = true;
	logIn(name, password).then(function (why) {
		el.loginSubmit.disabled = false;
		el.loginPassword.value = '';
		if (why !== null) {
			el.loginError.textContent = why;
			el.loginPassword.focus();
			return;
		}
		return getConfig().then(function (c) {
			if (typeof c.user !== 'string' || !NAME_RE.test(c.user)) {
				askLogin('Logged in, but the session did not hold: ' +
				    'are cookies allowed for this site?');
				return;
			}
			el.login.hidden = true;
			loggedIn(c.user);
		});
	});
}

/* The session's user: chat as them (again, after a lost session). */
function loggedIn(user) {
	if (started && user !== lastUser) {
		window.location.reload();	/* someone else: start afresh */
		return;
	}
	S.me = lastUser = user;
	el.changeName.hidden = true;
	el.logout.hidden = false;
	if (started) {
		el.app.hidden = false;
		el.meName.textContent = S.me;
		el.meName.className = 'nick u-c' + kchatUserColour(S.me);
		retryNow();
		focusComposer();
		return;
	}
	started = true;
	start();
}

/* The handshake was refused: with accounts, ask whether the session ended. */
function onRefused() {
	if (!accounts)
		return;
	getConfig().then(function (c) {
		if (c.accounts && c.user === null && S.me !== null) {
			S.me = null;
			dropSocket(4002, 'logged out');
			askLogin('Your session ended: please log in again.');
		}
	});
}

/* Logged out: the page starts afresh, with nothing of the session. */
function onLogout() {
	S.me = null;
	dropSocket(1000, 'logged out');
	logOut().then(function () {
		window.location.reload();
	});
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
		started = true;
		start();
	} else {
		setName(name);
		el.app.hidden = false;
		focusComposer();
	}
}

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
	if (S.conn === 'waiting')
		renderStatus();
	renderTyping();
	tickConnection(Date.now());
}

function bind() {
	bindElements();
	actions.older = requestOlder;
	actions.retry = retry;
	actions.openDm = function (user) {
		openDm(user);
		focusComposer();
	};
	actions.refused = onRefused;
	actions.reply = startReply;
	actions.edit = startEdit;
	actions.del = deleteMsg;
	bindComposer();

	el.loginForm.addEventListener('submit', onLogin);
	el.logout.addEventListener('click', onLogout);
	el.welcomeForm.addEventListener('submit', onWelcome);
	el.welcomeCancel.addEventListener('click', function () {
		el.welcome.hidden = true;
		focusComposer();
	});
	el.changeName.addEventListener('click', function () {
		askName(true);
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
			send(whoFrame(room.name, S.me));
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
		renderJump();
		focusComposer();
	});
	el.scroller.addEventListener('scroll', function () {
		if (el.scroller.scrollTop < 120)
			requestOlder(currentRoom());
		renderJump();
	});
	bindSearch();

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
	getConfig().then(function (c) {
		accounts = c.accounts === true;
		if (accounts) {
			S.keep = false;
			if (typeof c.user === 'string' && NAME_RE.test(c.user))
				loggedIn(c.user);
			else
				askLogin('');
			return;
		}
		/* This browser, the same in every tab: the bridge tells it from
		 * someone else by it (a name it holds is not "in use" to it). */
		S.token = load('token', null);
		if (typeof S.token !== 'string' || !/^[A-Za-z0-9_.-]{16,64}$/.test(S.token)) {
			S.token = 'b' + randomId() + randomId();
			save('token', S.token);
		}
		S.me = load('user', null);
		if (typeof S.me !== 'string' || !NAME_RE.test(S.me)) {
			S.me = null;
			askName(false);
			return;
		}
		started = true;
		start();
	});
}

if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', main);
else
	main();

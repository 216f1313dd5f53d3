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
 *
 * colour.js (a plain script, loaded first) gives kchatUserColour().
 */
import { NAME_RE, whoFrame } from './js/protocol.js';
import {
	S, addRoom, currentRoom, firstRoomKey, load, loadDms, randomId, save
} from './js/store.js';
import {
	actions, askName, atBottom, bindElements, closeDrawers, el,
	focusComposer, isNarrow, moveRoom, openDrawer, renderAll, renderNotify,
	renderSidebar, renderStatus, renderTyping, showMembers, toggleNotify
} from './js/views.js';
import {
	connect, dropSocket, requestOlder, retryNow, send, tickConnection
} from './js/connection.js';
import { bindComposer, openDm, retry, setName } from './js/composer.js';

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
	bindComposer();

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
	start();
}

if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', main);
else
	main();

/*
 * connection.js - the one WebSocket to kchat-bridge at
 * /ws/{client_id}?ext=1: connecting, reconnecting with backoff, pacing
 * frames under the bridge's rate, and what each frame that comes back
 * does to the store (protocol.js builds and parses them; kchat-bridge(1)
 * lists them).
 *
 * Own messages carry an id made here (a ULID), kept across retries: a
 * message whose ack was lost and that is sent again is the same record to
 * every reader. Own messages: pending (sent, no ack yet) -> sent (the
 * bridge's ack, or our own record read back from Kafka, whichever comes
 * first) -> failed (an error, or no answer in time) with a Retry button.
 * Messages written while offline wait as "queued" and go out on reconnect,
 * once the bridge has bound the name; so do those in flight when the
 * connection dropped, sent again with their id, in the order written (a
 * Retry by hand would put them after what was written since).
 */
import {
	HISTORY_MAX, encode, errorText, historyFrame, isRecord, joinFrame,
	leaveFrame, newUlid, parseFrame, parseTs, pingFrame, postFrame, roomKeyOf,
	roomsFrame, whoFrame, awayFrame
} from './protocol.js';
import {
	S, addRecord, confirmMsg, firstRoomKey, historyReset, historyVerdict,
	hooks, load, newRef, saveRooms, setMembers, setState
} from './store.js';
import { onMarker, onTopic, recount, tickRead } from './readstate.js';
import {
	actions, atBottom, nameTaken, renderActiveRooms, renderAll, renderHeader,
	renderMembers, renderMessages, renderOlder, renderSidebar, renderStatus,
	renderTyping, showError, switchRoom
} from './views.js';

var ACK_TIMEOUT_MS = 15000;		/* pending longer than this: failed */
var PING_EVERY_MS = 20000;		/* keepalive; no pong by the next: reconnect */
var TYPING_SHOW_MS = 6000;		/* how long "x is typing" stays */
var BACKOFF_MIN_MS = 500;
var BACKOFF_MAX_MS = 15000;
var GAP_PAGES_MAX = 20;			/* history pages fetched to close a gap */
var CID_KEEP_MS = 12 * 3600 * 1000;	/* an own message's id is reused this long */
var DM_HAVE_MAX = 16;			/* ids named on connecting (the bridge's bound) */
var RENAME_TIMEOUT_MS = 10000;		/* a new name not bound by then: not taken */

var renaming = null;	/* the second connection trying a new name (tryName()) */

/*
 * Queues a frame for the bridge. Frames leave at most at the bridge's
 * advertised rate (hello: rate, burst; a little under it, as clocks differ),
 * so a paste of many lines is paced instead of refused.
 */
export function send(obj, msg) {
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
			S.ws.send(encode(item.obj));
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

/* The address of a connection; dm: its "&dm=..." (dmHave()). */
function wsUrl(dm) {
	var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

	return proto + '//' + window.location.host + '/ws/' +
	    encodeURIComponent(S.clientId) + '?ext=1' +
	    (S.token ? '&token=' + encodeURIComponent(S.token) : '') + dm;
}

export function connect() {
	var ws;

	clearTimeout(S.retryTimer);
	S.retryTimer = null;
	if (S.ws !== null || S.me === null || S.nameTaken)
		return;
	setConn('connecting');
	try {
		ws = new WebSocket(wsUrl(dmHave()));
	} catch (e) {
		scheduleReconnect();
		return;
	}
	S.ws = ws;
	ws.opened = false;
	watch(ws);
}

/* What the page does with the events of ws, its connection. */
function watch(ws) {
	ws.onopen = function () {
		ws.opened = true;
		if (S.ws === ws)
			onOpen(false);
	};
	ws.onmessage = function (ev) {
		var f;

		if (S.ws === ws && (f = parseFrame(ev.data)) !== null)
			onFrame(f);
	};
	ws.onclose = function (ev) {
		if (S.ws === ws) {
			onDrop(ev.code, ev.reason);
			/* refused at the handshake: perhaps the session ended */
			if (!ws.opened)
				actions.refused();
		}
	};
	ws.onerror = function () {
		/* onclose follows */
	};
}

/*
 * A name change while connected (/nick, "Change name"): the new name is
 * tried on a second connection of this browser (its token: the same
 * client instance) while this one goes on as it is, under the name it
 * has. Only once the bridge has bound the new name there (the pong of the
 * ping naming it) does that connection take over: done(null) changes the
 * page's name, this connection is closed, and the rooms are joined on the
 * new one as on a reconnect. Refused (name_in_use: someone online holds
 * it, or one alike), or no answer in time, the second connection is
 * closed and nothing changed: done(why). The first connection is never
 * given up for a name that may not be had, so a refused name strands no
 * one, nor releases the name they had.
 */
export function tryName(name, done) {
	var ref = 'rename' + (++S.refSeq).toString(36), hello = null, ws;

	cancelRename();
	if (S.ws === null || S.conn !== 'online') {
		done('Not connected');
		return;
	}
	try {
		ws = new WebSocket(wsUrl(dmHave(name)));
	} catch (e) {
		done('Cannot connect to the server');
		return;
	}
	/* Bound (why null: ws is kept, to be adopted), or not. */
	function end(why) {
		cancelRename(why === null);
		if (why !== null)
			done(why);
	}
	renaming = {
		ws: ws,
		timer: setTimeout(function () {
			end('No answer from the server');
		}, RENAME_TIMEOUT_MS)
	};
	ws.onopen = function () {
		/* In no room: naming itself writes no join for anyone. */
		ws.send(encode(leaveFrame('general')));
		ws.send(encode(pingFrame(ref, name)));
	};
	ws.onmessage = function (ev) {
		var f = parseFrame(ev.data);

		if (f === null)
			return;
		if (f.type === 'hello')
			hello = f;
		else if (f.type === 'error' && (f.code === 'name_in_use' ||
		    f.ref === ref))
			end(errorText(f));
		else if (f.type === 'pong' && f.ref === ref) {
			end(null);
			adopt(ws, hello, done);
		}
	};
	ws.onclose = function () {
		end('The connection to the server closed');
	};
	ws.onerror = function () {
		/* onclose follows */
	};
}

/* A name being tried (tryName()) is given up, silently: its connection
 * closed, unless keep. */
function cancelRename(keep) {
	var ws;

	if (renaming === null)
		return;
	ws = renaming.ws;
	clearTimeout(renaming.timer);
	renaming = null;
	ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
	if (keep)
		return;
	try {
		ws.close();
	} catch (e) {
		/* already closed */
	}
}

/*
 * ws, bound to the new name, becomes the page's connection: the old one
 * goes (what was in flight on it is queued, as on any drop), done(null)
 * changes the name, and ws is set up as a new connection would be.
 */
function adopt(ws, hello, done) {
	dropSocket(1000, 'new name');
	clearTimeout(S.retryTimer);
	S.retryTimer = null;
	done(null);
	S.ws = ws;
	ws.opened = true;
	watch(ws);
	onOpen(true);
	if (hello !== null)
		onFrame(hello);
}

/*
 * "&dm=ID,ID...": the newest direct messages this page has, so that the
 * stored ones the bridge sends when the name is bound leave them out;
 * with name, those this device keeps for name (a name being tried).
 */
function dmHave(name) {
	var all = [], kept, peer;

	if (name === undefined) {
		S.rooms.forEach(function (r) {
			if (r.dm)
				r.msgs.forEach(function (m) {
					if (m.type === 'dm' && m.id && m.id.indexOf('noid-') !== 0)
						all.push({ key: m.key, id: m.id });
				});
		});
	} else {
		kept = load('dm.' + name, {});
		for (peer in kept) {
			if (Object.prototype.hasOwnProperty.call(kept, peer) &&
			    Array.isArray(kept[peer]))
				kept[peer].forEach(function (rec) {
					if (rec !== null && typeof rec === 'object' &&
					    typeof rec.id === 'string' && rec.id.indexOf('noid-') !== 0)
						all.push({ key: rec.timestamp + ' ' + rec.id, id: rec.id });
				});
		}
	}
	all.sort(function (a, b) {
		return a.key < b.key ? 1 : -1;
	});
	return all.length === 0 ? '' : '&dm=' + all.slice(0, DM_HAVE_MAX).map(function (m) {
		return m.id;
	}).join(',');
}

/* Forgets the socket now (a dead network may take minutes to say so). */
export function dropSocket(code, reason) {
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

/* A connection is open; adopted: one that named us already (tryName()). */
function onOpen(adopted) {
	var joins = [];

	S.attempt = 0;
	S.everOnline = true;
	S.connEpoch++;
	S.hello = null;
	/* An adopted one has sent its leave and ping already. */
	S.tokens = adopted ? 16 : 18;
	S.tokenAt = Date.now();
	setConn('online');
	S.pingRef = null;
	S.typingSent = 0;
	/* A new connection is in "general"; leave it before naming ourselves
	 * so that no join record is written for a room we are not in (an
	 * adopted one has left it). */
	if (!adopted && !S.rooms.has('general'))
		send(leaveFrame('general'));
	send(pingFrame(newRef('hello'), S.me));
	/* Away before the joins: they carry it (a new connection forgot). */
	if (S.away)
		send(awayFrame(S.away, S.me));
	send(roomsFrame(S.me, newRef('rooms')));
	/* A new connection is in general without a join: ask who is there
	 * (the other rooms' joins are answered with their presence). */
	if (!adopted && S.rooms.has('general'))
		send(whoFrame('general', S.me));
	S.rooms.forEach(function (r) {
		if (!r.dm && (adopted || r.name !== 'general'))
			joins.push(r);
	});
	/* The current room last: the bridge's "current room" then matches. */
	joins.sort(function (a, b) {
		return (a.key === S.current) - (b.key === S.current);
	});
	joins.forEach(function (r) {
		r.joinRef = newRef('join', { room: r.key });
		/* Everything after the last record seen, nothing twice. */
		send(joinFrame(r.name, S.me, r.joinRef,
		    r.lastOffset !== null ? r.lastOffset + 1 : null));
	});
	/* Messages written while offline wait for the name (flushQueued()). */
	renderAll();
}

/*
 * The bridge bound our name (the hello ping's pong): messages written
 * while offline go out now, oldest first. Not before: a name someone else
 * took meanwhile is refused (name_in_use), and they must not go out under
 * it, nor be lost with the connection.
 */
function flushQueued() {
	S.bound = true;
	S.rooms.forEach(function (r) {
		r.msgs.forEach(function (m) {
			if (m.own && m.state === 'queued')
				transmit(r, m);
		});
	});
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
		/* Unconfirmed: sent again, the same record, on reconnect. */
		if (req.kind === 'send' && req.msg.state === 'pending')
			setState(req.msg, 'queued');
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

export function retryNow() {
	if (S.ws !== null)
		return;
	S.attempt = 0;
	connect();
}

/*
 * Whether the bridge's Kafka stores messages ("kafka" frames, and the
 * "kafka" of each pong): connected to the bridge is not connected to
 * Kafka, and messages wait for it meanwhile.
 */
function setKafka(ok, why) {
	if (S.kafkaDown === !ok)
		return;
	S.kafkaDown = !ok;
	if (why)
		S.kafkaWhy = why;
	renderStatus();
}

function setConn(state) {
	var was = S.conn;

	S.conn = state;
	if (state !== 'online') {
		S.bound = false;
		S.kafkaDown = false;	/* the next bridge says, at its pong */
	}
	renderStatus();
	if ((was === 'online') !== (state === 'online')) {
		renderHeader();
		renderMembers();
	}
}

function onFrame(f) {
	var req = typeof f.ref === 'string' ? S.reqs.get(f.ref) : undefined;

	switch (f.type) {
	case 'hello':
		S.hello = f;
		if (typeof f.history === 'number' && f.history > 0)
			S.pageSize = Math.min(f.history, HISTORY_MAX);
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
	case 'search':
		if (req !== undefined)
			S.reqs.delete(f.ref);
		hooks.searchResults(f);
		break;
	case 'dms':
		onDms(f);
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
	case 'topic':
		if (onTopic(f) !== null)
			renderHeader();
		break;
	case 'marker':
		if (onMarker(f) !== null) {
			renderSidebar();
			renderHeader();
			if (f.room === S.current)
				renderMessages('append');
		}
		break;
	case 'kafka':
		setKafka(f.ok !== false, f.reason);
		break;
	case 'pong':
		if (typeof f.kafka === 'boolean')
			setKafka(f.kafka, null);
		if (req !== undefined)
			S.reqs.delete(f.ref);
		if (req !== undefined && req.kind === 'hello')
			flushQueued();
		if (f.ref === S.pingRef)
			S.pingRef = null;
		break;
	default:
		/* chat records: message, action, dm, join, leave (or untyped) */
		if (isRecord(f))
			onRecord(f);
		break;
	}
}

function onRecord(f) {
	var key = roomKeyOf({ type: f.type || 'message', room: f.room,
	    username: f.username, to: f.to }, S.me);

	addRecord(f, 'live');
	if (key !== null && key === S.current)
		renderMessages('append');
	renderSidebar();
}

/* Direct messages stored while this user was away: into their
 * conversations, unread, each once (by id). */
function onDms(f) {
	var msgs = Array.isArray(f.messages) ? f.messages : [], i, key, shown = false;

	for (i = 0; i < msgs.length; i++) {
		if (msgs[i] === null || typeof msgs[i] !== 'object' ||
		    msgs[i].type !== 'dm' || addRecord(msgs[i], 'stored-new') === null)
			continue;
		key = roomKeyOf(msgs[i], S.me);
		shown = shown || key === S.current;
	}
	if (shown)
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

function onError(f, req) {
	var room;

	if (f.code === 'name_in_use') {
		/* Someone else who is online has the name: stop, and ask. */
		if (req !== undefined)
			S.reqs.delete(f.ref);
		S.nameTaken = true;
		dropSocket(4002, 'name in use');
		nameTaken(errorText(f));
		return;
	}
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
	case 'search':
		hooks.searchFailed(f);
		return;
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
			room.fillPages = 0;
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
	recount(room);		/* history after the read marker is unread */
	if (room.key === S.current)
		renderMessages(kind === 'older' ? 'prepend' : 'append');
	renderSidebar();
	if (kind === 'older')
		hooks.olderShown(room);
	if (room.fillPages >= 0 && (kind === 'older' || room.fillPages === 0))
		fillRoom(room, msgs);
}

/*
 * A room whose newest page is mostly joins and leaves (a crowd coming and
 * going, or someone churning connections to bury the talk) still shows
 * its talk: while a page of history holds less talk (messages, actions)
 * than half its records, the next older one is fetched by itself, up to
 * FILL_PAGES_MAX. fillPages: -1 until the room's first page, then how
 * many were fetched so.
 */
var FILL_PAGES_MAX = 5;

function fillRoom(room, msgs) {
	var talk = 0;

	msgs.forEach(function (r) {
		if (r !== null && typeof r === 'object' &&
		    (r.type === undefined || r.type === 'message' ||
		    r.type === 'action'))
			talk++;
	});
	if (talk * 2 >= msgs.length || !room.more ||
	    room.fillPages >= FILL_PAGES_MAX)
		return;
	room.fillPages++;
	requestOlder(room);
}

/* The newest record of room below its live stream: see historyVerdict(). */
function requestProbe(room) {
	send(historyFrame({ room: room.name, limit: 1, user: S.me,
	    ref: newRef('probe', { room: room.key }) }));
}

/* A page of the gap after a reconnect: below before_offset (or the
 * record before), at or above the first offset not seen. */
function requestGap(room, before, beforeOffset) {
	var q = { room: room.name, limit: S.pageSize, user: S.me,
	    ref: newRef('gap', { room: room.key }) };

	room.gapPages++;
	if (typeof beforeOffset === 'number') {
		q.beforeOffset = beforeOffset;
		q.since = room.resumeOffset + 1;
	} else
		q.before = before;
	send(historyFrame(q));
}

export function requestOlder(room) {
	var i, before = null, q;

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
	q = { room: room.name, limit: S.pageSize, user: S.me };
	if (typeof room.lowOffset === 'number')
		q.beforeOffset = room.lowOffset;
	else if (!room.wasReset)
		q.before = before;
	else {
		room.loadingOlder = false;	/* ids from before a reset: none */
		return;
	}
	q.ref = newRef('older', { room: room.key });
	send(historyFrame(q));
	renderOlder();
}

function onPresence(f) {
	var room = S.rooms.get(f.room);

	if (room === undefined || !Array.isArray(f.users))
		return;
	setMembers(room, f.users, f.away);
	if (room.key === S.current) {
		renderMembers();
		renderHeader();
	}
}

function onTyping(f) {
	var room = S.rooms.get(f.room), at = parseTs(f.timestamp),
	    said;

	if (room === undefined || typeof f.username !== 'string' ||
	    f.username === S.me)
		return;
	/* Written before their last message (it came by another topic,
	 * read later): not news. */
	said = room.said.get(f.username);
	if (at !== null && said !== undefined && at <= said)
		return;
	room.typing.set(f.username, Date.now() + TYPING_SHOW_MS);
	if (room.key === S.current)
		renderTyping();
}

function onRooms(f) {
	/* Every room of the cluster when the bridge knows them, else the active. */
	if (Array.isArray(f.all))
		renderActiveRooms(f.all);
	else if (Array.isArray(f.active))
		renderActiveRooms(f.active);
}

export function transmit(room, m) {
	var frame;

	m.error = '';
	if (S.conn !== 'online' || !S.bound) {
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
	frame = postFrame(room.dm ? 'dm' : m.type, S.me, room.name, m.text,
	    m.ref, m.cid, m.reply);
	setState(m, send(frame, m) ? 'pending' : 'queued');
}

/* Once a second: ack timeouts and pings (a dead link is noticed). */
export function tickConnection(now) {
	S.reqs.forEach(function (req, ref) {
		/* While the bridge says Kafka does not store messages, it holds
		 * them and answers once stored or given up (up to 5 minutes):
		 * no answer is no fault then; the wait counts from its end. */
		if (req.kind === 'send' && req.msg.state === 'pending' &&
		    S.kafkaDown)
			req.msg.sentAt = now;
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
			send(pingFrame(S.pingRef));
		}
	}
	tickRead(now, send, atBottom());
}

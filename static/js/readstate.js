/*
 * readstate.js - a room's topic line and how far this user has read it,
 * shared through the bridge with every other client of the user, the
 * terminal too (kchat.7: the "topic" and "marker" frames, the state
 * topics). Unread counts come from the read marker: the messages of
 * others after it (by offset, or by id when the marker has no offset),
 * so they survive a reload and agree with kchat-tui. While a room is
 * shown, at its bottom, in a visible tab, it is read up to its newest
 * message: a "read" frame at most once a second, only when that is
 * further on. No DOM.
 */
import { CHAT_TYPES } from './protocol.js';
import { S, currentRoom } from './store.js';

var READ_EVERY_MS = 1000;

/* Whether message m lies after marker mk. */
export function afterMarker(mk, m) {
	if (mk === null || mk === undefined)
		return false;
	if (typeof mk.offset === 'number' && mk.offset >= 0 &&
	    typeof m.offset === 'number' && m.offset >= 0)
		return m.offset > mk.offset;
	return typeof m.id === 'string' && m.id.indexOf('noid-') !== 0 &&
	    m.id > mk.id;
}

/* Whether marker b is further on than a (kc_marker_newer()). */
function further(a, b) {
	if (a === null || a === undefined)
		return true;
	if (typeof a.offset === 'number' && a.offset >= 0 &&
	    typeof b.offset === 'number' && b.offset >= 0)
		return b.offset > a.offset;
	return b.id > a.id;
}

/* room's unread count and mention from its marker (none: as counted). */
export function recount(room) {
	var i, m, n = 0, mention = false;

	if (room.dm || room.marker === null || room.marker === undefined)
		return;
	if (room.key === S.current && !document.hidden)
		return;		/* in view: being read */
	for (i = 0; i < room.msgs.length; i++) {
		m = room.msgs[i];
		if (!CHAT_TYPES[m.type] || m.own || !afterMarker(room.marker, m))
			continue;
		n++;
		mention = mention || m.mention;
	}
	room.unread = n;
	room.mention = mention;
}

export function onTopic(f) {
	var room = typeof f.room === 'string' ? S.rooms.get(f.room) : undefined;

	if (room === undefined || room.dm || typeof f.topic !== 'string')
		return null;
	room.topic = f.topic;
	room.topicBy = typeof f.by === 'string' ? f.by : '';
	return room;
}

/* A marker of this user (any of its clients): its room, when further on. */
export function onMarker(f) {
	var room = typeof f.room === 'string' ? S.rooms.get(f.room) : undefined;
	var mk;

	if (room === undefined || room.dm || typeof f.id !== 'string')
		return null;
	mk = { id: f.id, offset: typeof f.offset === 'number' ? f.offset : -1 };
	if (!further(room.marker, mk))
		return null;
	/* The "new messages" line: where the room was read to when first known. */
	if (room.divider === undefined)
		room.divider = room.marker || mk;
	room.marker = mk;
	recount(room);
	return room;
}

/*
 * Once a second: the shown room, at its bottom in a visible tab, read up
 * to its newest message. send(frame) sends; bottom: whether at the bottom.
 */
export function tickRead(now, send, bottom) {
	var room = currentRoom(), i, m = null, mk;

	if (room === null || room.dm || document.hidden || S.me === null ||
	    S.conn !== 'online' || !bottom)
		return;
	if (room.readAt !== undefined && now - room.readAt < READ_EVERY_MS)
		return;
	for (i = room.msgs.length - 1; i >= 0; i--) {
		if (typeof room.msgs[i].id === 'string' && room.msgs[i].id !== null &&
		    room.msgs[i].id.indexOf('noid-') !== 0 && room.msgs[i].type !== 'note' &&
		    room.msgs[i].state === 'sent') {
			m = room.msgs[i];
			break;
		}
	}
	if (m === null)
		return;
	mk = { id: m.id, offset: typeof m.offset === 'number' ? m.offset : -1 };
	if (!further(room.marker, mk))
		return;
	room.readAt = now;
	if (room.divider === undefined)
		room.divider = room.marker || null;
	room.marker = mk;
	room.unread = 0;
	room.mention = false;
	send(readFrame(room.name, mk));
}

function readFrame(room, mk) {
	var f = { type: 'read', room: room, id: mk.id };

	if (mk.offset >= 0)
		f.offset = mk.offset;
	return f;
}

export function topicFrame(room, text) {
	var f = { type: 'topic', room: room };

	if (text !== undefined)
		f.text = text;
	return f;
}

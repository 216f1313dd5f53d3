/*
 * tui-state-read.js PORT COOKIE ROOM TEXT - the browser's side of
 * tui-state.sh: a WebSocket client of the logged-in user (its session
 * cookie) joins ROOM, finds the message TEXT in the history it gets, and
 * reads the room up to it ({"type":"read"}), as the web client does when
 * the room is shown; prints the marker frame of it the bridge sends back
 * (the one it sends on the join is the marker read before).
 */
'use strict';

const WebSocket = require('ws');

const [port, cookie, room, text] = process.argv.slice(2);
const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/tuistate?ext=1`,
    { headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}` } });
const timer = setTimeout(() => {
	console.error('tui-state-read: timed out');
	process.exit(1);
}, 20000);
ws.on('open', () => ws.send(JSON.stringify({ type: 'join', room, ref: 'j' })));
ws.on('error', (e) => {
	console.error(`tui-state-read: ${e.message}`);
	process.exit(1);
});
let want = null;	/* the id read: its marker is the answer */
ws.on('message', (data) => {
	const f = JSON.parse(data.toString());
	if (f.type === 'history' && f.room === room) {
		const m = f.messages.find((x) => x.message === text);
		if (!m) {
			console.error(`tui-state-read: "${text}" not in ${JSON.stringify(f)}`);
			process.exit(1);
		}
		want = m.id;
		ws.send(JSON.stringify({ type: 'read', room, id: m.id, offset: m.offset, ref: 'r' }));
	} else if (f.type === 'marker' && f.room === room && f.id === want) {
		console.log(JSON.stringify(f));
		clearTimeout(timer);
		ws.close();
	} else if (f.type === 'error') {
		console.error(`tui-state-read: ${JSON.stringify(f)}`);
		process.exit(1);
	}
});

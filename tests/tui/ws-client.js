/*
 * ws-client.js URL - a browser as the tmux scripts need one: sends each
 * line read on stdin (a JSON frame) to the bridge at URL, prints each frame
 * received as one JSON line on stdout, and ends when stdin ends.
 */
'use strict';

const WebSocket = require('ws');
const readline = require('readline');

const ws = new WebSocket(process.argv[2]);
const queue = [];
let open = false;

ws.on('open', () => {
	open = true;
	for (const l of queue.splice(0))
		ws.send(l);
});
ws.on('message', (d) => process.stdout.write(d.toString() + '\n'));
ws.on('error', (e) => {
	process.stderr.write('ws-client: ' + e.message + '\n');
	process.exit(1);
});
ws.on('close', () => process.exit(0));
readline.createInterface({ input: process.stdin }).on('line', (l) => {
	if (open)
		ws.send(l);
	else
		queue.push(l);
}).on('close', () => ws.close());

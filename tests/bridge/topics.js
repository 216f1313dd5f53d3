/*
 * topics.js - the topics a chat lives on: on a fresh cluster the bridge
 * creates its topics to keep history (retention forever, or --retention),
 * the presence topic keeping an hour, the rooms and read topics compacted
 * (a rooms topic auto-created without compaction is a problem); a chat topic made beforehand with the
 * broker's defaults (7 days, as auto-creation gives) is warned about at
 * start, and --check-topics prints the problem with the command that fixes
 * it and exits 1. The settings are read back from the broker by
 * --check-topics (the admin API's DescribeConfigs).
 */
'use strict';

const { spawnSync } = require('child_process');
const L = require('./lib');

const bridgeBin = process.argv[2];

function check(topic, extra = []) {
	const r = spawnSync(bridgeBin, ['-b', L.brokers(), '-t', topic, '--check-topics', ...extra],
	    { encoding: 'utf8' });
	return { code: r.status, out: r.stdout, err: r.stderr };
}

L.run([
	['on a fresh cluster the topics are created to keep the chat', async () => {
		const topic = L.uniqueTopic('topics-fresh');
		const before = check(topic);
		L.eq(before.code, 0, 'nothing wrong before they exist');
		L.assert(/does not exist yet/.test(before.out), before.out);
		const b = await L.startBridge({ topic });
		L.assert(new RegExp(`created ${topic}: 3 partitions`).test(b.logText()), b.logText());
		const after = check(topic);
		L.eq(after.code, 0, `--check-topics: ${after.out}`);
		L.assert(new RegExp(`${topic}: 3 partitions, .*retention forever \\(retention.ms=-1\\)`)
		    .test(after.out), after.out);
		L.assert(new RegExp(`${topic}.presence: 3 partitions, retention 1 hour`).test(after.out),
		    after.out);
		L.assert(new RegExp(`${topic}.rooms: 3 partitions, cleanup.policy=compact`)
		    .test(after.out), after.out);
		L.assert(new RegExp(`${topic}.read: 3 partitions, cleanup.policy=compact`)
		    .test(after.out), after.out);
		L.eq((await b.stop()).code, 0, 'exit');
	}],

	['a rooms topic that is not compacted is a problem', async () => {
		const topic = L.uniqueTopic('topics-rooms');
		/* Auto-created by a writer first: cleanup.policy=delete. */
		L.kcatProduce(`${topic}.rooms`, 'general', { v: 1, room: 'general',
		    created_by: 'early', created_ts: Date.now() * 1000 });
		const r = check(topic);
		L.eq(r.code, 1, r.out);
		L.assert(new RegExp(`^problem: ${topic}.rooms is not compacted \\(cleanup.policy=delete\\)`
		    + '.*--add-config cleanup.policy=compact', 'm').test(r.out), r.out);
	}],

	['--retention chooses the history a new topic keeps', async () => {
		const topic = L.uniqueTopic('topics-30d');
		const b = await L.startBridge({ topic, args: ['--retention', '30d'] });
		L.eq((await b.stop()).code, 0, 'exit');
		const r = check(topic, ['--retention', '30d']);
		L.eq(r.code, 0, r.out);
		L.assert(/retention 30 days \(retention.ms=2592000000\)/.test(r.out), r.out);
		/* Asking for more than the topic keeps is a problem. */
		const more = check(topic, ['--retention', 'forever']);
		L.eq(more.code, 1, more.out);
	}],

	['a topic auto-created with the broker\'s defaults is warned about', async () => {
		const topic = L.uniqueTopic('topics-7d');
		/* What happens when anything else creates it first: auto-creation. */
		L.kcatProduce(topic, 'general', { v: 1, id: L.ulid(), type: 'message', room: 'general',
		    user: 'early', text: 'first', ts: Date.now() * 1000 });
		const b = await L.startBridge({ topic });
		L.assert(/messages older than 7 days will be deleted/.test(b.logText()), b.logText());
		L.eq((await b.stop()).code, 0, 'exit');
		const r = check(topic);
		L.eq(r.code, 1, 'exit 1 on a problem');
		L.assert(/^problem: .*retention.ms=604800000.*--add-config retention.ms=-1/m.test(r.out),
		    r.out);
		L.assert(/1 problem/.test(r.out), r.out);
	}],

	['a cluster that does not answer: exit 2 with the reason', async () => {
		const r = spawnSync(bridgeBin, ['-b', '127.0.0.1:1', '-t', 'x', '--check-topics',
		    '-X', 'socket.connection.setup.timeout.ms=1000'], { encoding: 'utf8' });
		L.eq(r.status, 2, r.stderr);
		L.assert(/cannot check the topics at 127.0.0.1:1/.test(r.stderr), r.stderr);
	}],
]);

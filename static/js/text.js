/*
 * text.js - untrusted text made safe to show: every piece of user text
 * reaches the page through textContent or text nodes; links are made only
 * for http(s) URLs, with rel="noopener noreferrer"; code points that could
 * reorder what is drawn become U+FFFD; mentions of me are marked; a very
 * long message shows its first lines. Also the times and days shown.
 */
import { mentionRe } from './store.js';

var LINES_MAX = 50;			/* lines of one message shown at first */

export function timeLabel(d) {
	return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',
	    hourCycle: 'h23' });
}

export function dayKey(d) {
	return d.getFullYear() + '-' + (d.getMonth() + 1) + '-' + d.getDate();
}

export function dayLabel(d) {
	var today = new Date(), y = new Date();

	y.setDate(today.getDate() - 1);
	if (dayKey(d) === dayKey(today))
		return 'Today';
	if (dayKey(d) === dayKey(y))
		return 'Yesterday';
	return d.toLocaleDateString([], { weekday: 'long', year: 'numeric',
	    month: 'long', day: 'numeric' });
}

export function nickNode(name, tag) {
	var n = document.createElement(tag || 'span');

	n.className = 'nick u-c' + kchatUserColour(name);
	n.textContent = name;
	return n;
}

/* Appends text to parent, marking mentions of me (unless it is mine). */
function appendMentions(parent, text, own) {
	var re = new RegExp(mentionRe().source, 'gi'), last = 0, m, mark;

	while (!own && (m = re.exec(text)) !== null) {
		var start = m.index + m[1].length;

		if (start > last)
			parent.appendChild(document.createTextNode(text.slice(last, start)));
		mark = document.createElement('mark');
		mark.textContent = m[2];
		parent.appendChild(mark);
		last = start + m[2].length;
		if (m[0].length === 0)
			re.lastIndex++;
	}
	if (last < text.length)
		parent.appendChild(document.createTextNode(text.slice(last)));
}

/*
 * What kchat-tui shows too (tui/sanitize.c): code points that could
 * reorder or break up what is drawn become U+FFFD, so that
 * "\u202Egnp.exe" cannot read as "exe.png": C1 controls, bidi marks,
 * embeddings, overrides and isolates, line and paragraph separators,
 * noncharacters. The text's element is a bidi isolate as well (style.css).
 */
var UNSAFE_RE = /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]/g;

export function inert(text) {
	return text.replace(UNSAFE_RE, '\ufffd');
}

/* Appends text to parent: http(s) URLs become links, the rest text nodes. */
export function appendRich(parent, text, own) {
	var re = /\bhttps?:\/\/[^\s<>"'`]+/gi, last = 0, m;

	text = inert(text);
	while ((m = re.exec(text)) !== null) {
		var raw = m[0], url = null, a;

		/* Trailing punctuation belongs to the sentence, not the link. */
		while (/[.,;:!?'")\]]$/.test(raw) &&
		    !(raw.slice(-1) === ')' && raw.indexOf('(') >= 0))
			raw = raw.slice(0, -1);
		try {
			url = new URL(raw);
		} catch (e) {
			url = null;
		}
		if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
			continue;
		if (m.index > last)
			appendMentions(parent, text.slice(last, m.index), own);
		a = document.createElement('a');
		a.href = url.href;
		a.textContent = raw;
		a.rel = 'noopener noreferrer';
		a.target = '_blank';
		parent.appendChild(a);
		last = m.index + raw.length;
		re.lastIndex = last;
	}
	if (last < text.length)
		appendMentions(parent, text.slice(last), own);
}

/*
 * The text of a message, its first LINES_MAX lines only when it has more,
 * with a button that shows the rest: one message of thousands of newlines
 * must not push everything else out of sight (kchat-tui caps it too).
 */
export function appendLines(parent, text, own) {
	var lines = text.split('\n'), b;

	if (lines.length <= LINES_MAX) {
		appendRich(parent, text, own);
		return;
	}
	appendRich(parent, lines.slice(0, LINES_MAX).join('\n'), own);
	b = document.createElement('button');
	b.type = 'button';
	b.className = 'text-button more-lines';
	b.textContent = 'Show ' + (lines.length - LINES_MAX) + ' more lines';
	b.addEventListener('click', function () {
		while (parent.firstChild)
			parent.removeChild(parent.firstChild);
		appendRich(parent, text, own);
	});
	parent.appendChild(document.createTextNode('\n'));
	parent.appendChild(b);
}

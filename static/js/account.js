/*
 * account.js - accounts, when the bridge has them on (kchat-bridge
 * --users): what GET /config says, POST /login and POST /logout. The
 * session is an HttpOnly cookie the bridge sets; this page keeps nothing
 * of it, nor the name or password.
 */

/* {accounts, user, tls}; open mode when the bridge is older or silent. */
export function getConfig() {
	return fetch('/config', { cache: 'no-store', credentials: 'same-origin' })
	    .then(function (r) {
		return r.ok ? r.json() : { accounts: false, user: null };
	}).catch(function () {
		return { accounts: false, user: null };
	});
}

/* Resolves to null when logged in, else a sentence saying why not. */
export function logIn(user, password) {
	return fetch('/login', {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username: user, password: password })
	}).then(function (r) {
		var wait;

		if (r.status === 204)
			return null;
		if (r.status === 401)
			return 'Wrong user name or password.';
		if (r.status === 429) {
			wait = Number(r.headers.get('Retry-After')) || 1;
			return 'Too many failed attempts: try again in ' + wait +
			    (wait === 1 ? ' second.' : ' seconds.');
		}
		return 'The server refused the login (HTTP ' + r.status + ').';
	}).catch(function () {
		return 'The server cannot be reached just now.';
	});
}

export function logOut() {
	return fetch('/logout', { method: 'POST', credentials: 'same-origin' })
	    .catch(function () {});
}

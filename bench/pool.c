/*
 * pool.c - WebSocket connections to the bridge on one level-triggered epoll
 * loop: non-blocking connect, the upgrade, frames in and out. A connection
 * costs a struct conn and its socket; buffers exist only while a frame is
 * half read or a write half taken. Connections to a loopback bridge come
 * from 127.0.0.1, 127.0.0.2, ... (--sources), so that more than one
 * address's worth of ports (about 28,000 here) can be open at once, and
 * each address's ports stay mostly free: the kernel finds a free port for
 * connect() by trying them in turn, so with 15,000 held from one address a
 * reconnecting client spent the load generator's core there (churn: 600
 * handshakes a second, where 8 addresses gave 4,000).
 */
#define POOL_PER_SOURCE	2000	/* connections per source address */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define POOL_READ	(256 * 1024)

struct pool {
	int			 ep;
	struct conn		*c;
	unsigned		 cap;
	unsigned		 connecting;	/* CONNECTING or HANDSHAKE */
	struct pool_cb		 cb;
	struct sockaddr_in	 dst;
	int			 loopback;
	unsigned		 nsrc;
	char			 hostport[300];
	char			*buf;
	size_t			 bufcap;
};

unsigned long	pool_handshakes, pool_failures;
char		pool_last_error[256];

struct pool *
pool_new(unsigned cap, const struct pool_cb *cb)
{
	struct pool	*p;
	struct addrinfo	 hints, *ai;
	char		 port[16];
	unsigned	 i;

	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->c = calloc(cap, sizeof *p->c)) == NULL)
		return NULL;
	p->cap = cap;
	p->cb = *cb;
	for (i = 0; i < cap; i++) {
		p->c[i].fd = -1;
		p->c[i].idx = i;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", opts.port);
	if (getaddrinfo(opts.host, port, &hints, &ai) != 0) {
		snprintf(pool_last_error, sizeof pool_last_error,
		    "cannot resolve %.200s (IPv4)", opts.host);
		free(p->c);
		free(p);
		return NULL;
	}
	memcpy(&p->dst, ai->ai_addr, sizeof p->dst);
	freeaddrinfo(ai);
	p->loopback = (ntohl(p->dst.sin_addr.s_addr) >> 24) == 127;
	p->nsrc = opts.sources > 0 ? (unsigned)opts.sources :
	    1 + cap / POOL_PER_SOURCE;
	if (p->nsrc > 250)
		p->nsrc = 250;
	snprintf(p->hostport, sizeof p->hostport, "%s:%d", opts.host,
	    opts.port);
	p->bufcap = POOL_READ;
	p->buf = malloc(p->bufcap);
	p->ep = epoll_create1(EPOLL_CLOEXEC);
	if (p->buf == NULL || p->ep == -1) {
		pool_free(p);
		return NULL;
	}
	return p;
}

void *
pool_arg(struct pool *p)
{
	return p->cb.arg;
}

struct conn *
pool_conn(struct pool *p, unsigned idx)
{
	return &p->c[idx];
}

unsigned
pool_size(struct pool *p)
{
	return p->cap;
}

void
pool_drop(struct pool *p, struct conn *c)
{
	if (c->fd == -1)
		return;
	if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE)
		p->connecting--;
	close(c->fd);
	c->fd = -1;
	c->state = CONN_IDLE;
	free(c->rbuf);
	free(c->wbuf);
	c->rbuf = c->wbuf = NULL;
	c->rlen = c->wlen = c->woff = 0;
}

void
pool_free(struct pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	for (i = 0; i < p->cap; i++)
		pool_drop(p, &p->c[i]);
	if (p->ep != -1)
		close(p->ep);
	free(p->buf);
	free(p->c);
	free(p);
}

/* A connection ends against the scenario's will: say why, then drop it. */
static void
pool_fail(struct pool *p, struct conn *c, const char *why)
{
	if (c->state != CONN_OPEN && c->state != CONN_CLOSING)
		pool_failures++;
	snprintf(pool_last_error, sizeof pool_last_error, "%s", why);
	if (p->cb.closed != NULL)
		p->cb.closed(p, c, why);
	pool_drop(p, c);
}

static void
pool_want_write(struct pool *p, struct conn *c, int on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0),
	    .data.u32 = c->idx };

	epoll_ctl(p->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int
pool_write(struct pool *p, struct conn *c, const char *b, size_t n)
{
	ssize_t	 w = 0;
	char	*nb;

	if (c->wlen == c->woff) {
		w = write(c->fd, b, n);
		if (w == (ssize_t)n)
			return 0;
		if (w == -1 && errno != EAGAIN) {
			pool_fail(p, c, strerror(errno));
			return -1;
		}
		if (w < 0)
			w = 0;
		c->wlen = c->woff = 0;
		pool_want_write(p, c, 1);
	}
	if ((nb = realloc(c->wbuf, c->wlen + (n - (size_t)w))) == NULL) {
		pool_fail(p, c, "out of memory");
		return -1;
	}
	c->wbuf = nb;
	memcpy(c->wbuf + c->wlen, b + w, n - (size_t)w);
	c->wlen += (uint32_t)(n - (size_t)w);
	return 0;
}

static void
pool_flush(struct pool *p, struct conn *c)
{
	ssize_t w;

	w = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
	if (w == -1) {
		if (errno != EAGAIN)
			pool_fail(p, c, strerror(errno));
		return;
	}
	c->woff += (uint32_t)w;
	if (c->woff == c->wlen) {
		free(c->wbuf);
		c->wbuf = NULL;
		c->wlen = c->woff = 0;
		pool_want_write(p, c, 0);
	}
}

static int
pool_send_frame(struct pool *p, struct conn *c, int op, const char *b,
    size_t n)
{
	char	 small[1024], *f = n + 14 <= sizeof small ? small : malloc(n + 14);
	int	 rc;

	if (f == NULL)
		return -1;
	rc = pool_write(p, c, f, ws_frame(f, op, b, n));
	if (f != small)
		free(f);
	return rc;
}

int
pool_send_text(struct pool *p, struct conn *c, const char *b, size_t n)
{
	if (c->state != CONN_OPEN)
		return -1;
	return pool_send_frame(p, c, 1, b, n);
}

void
pool_close(struct pool *p, struct conn *c)
{
	static const char code[2] = { 0x03, (char)0xe8 };	/* 1000 */

	if (c->state != CONN_OPEN)
		return;
	if (pool_send_frame(p, c, 8, code, 2) == 0)
		c->state = CONN_CLOSING;
}

void
pool_pause(struct pool *p, struct conn *c)
{
	struct epoll_event ev = { .events = 0, .data.u32 = c->idx };

	if (c->fd != -1)
		epoll_ctl(p->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

int
pool_paused_closed(struct pool *p, struct conn *c)
{
	ssize_t r;

	if (c->fd == -1)
		return 1;
	while ((r = recv(c->fd, p->buf, p->bufcap, MSG_DONTWAIT)) > 0)
		;
	return r == 0 || (r == -1 && errno != EAGAIN);
}

int
pool_connect(struct pool *p, unsigned idx, const char *prefix,
    const char *query, int role)
{
	struct conn		*c = &p->c[idx];
	struct sockaddr_in	 src;
	struct epoll_event	 ev;
	int			 one = 1, fd;

	pool_drop(p, c);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(pool_last_error, sizeof pool_last_error,
		    "socket: %s", strerror(errno));
		pool_failures++;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (p->loopback && p->nsrc > 1) {
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof one);
		memset(&src, 0, sizeof src);
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f000001 + idx % p->nsrc);
		if (bind(fd, (struct sockaddr *)&src, sizeof src) == -1) {
			snprintf(pool_last_error, sizeof pool_last_error,
			    "bind 127.0.0.%u: %s", 1 + idx % p->nsrc,
			    strerror(errno));
			close(fd);
			pool_failures++;
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&p->dst, sizeof p->dst) == -1 &&
	    errno != EINPROGRESS) {
		snprintf(pool_last_error, sizeof pool_last_error,
		    "connect to %.100s: %s", p->hostport, strerror(errno));
		close(fd);
		pool_failures++;
		return -1;
	}
	c->fd = fd;
	c->state = CONN_CONNECTING;
	c->role = (unsigned char)role;
	c->t0 = now_ns();
	c->inflight = 0;
	p->connecting++;
	/* The path waits in rbuf until the socket is connected. */
	if (asprintf(&c->rbuf, "/ws/%s%u%s", prefix, idx, query) == -1) {
		c->rbuf = NULL;
		pool_drop(p, c);
		return -1;
	}
	ev.events = EPOLLOUT;
	ev.data.u32 = idx;
	epoll_ctl(p->ep, EPOLL_CTL_ADD, fd, &ev);
	return 0;
}

static void
pool_connected(struct pool *p, struct conn *c)
{
	char		req[1024];
	int		err = 0, n;
	socklen_t	l = sizeof err;

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
	if (err != 0) {
		char why[300];

		snprintf(why, sizeof why, "connect to %.100s: %s", p->hostport,
		    strerror(err));
		pool_fail(p, c, why);
		return;
	}
	n = ws_request(req, sizeof req, p->hostport, c->rbuf);
	free(c->rbuf);
	c->rbuf = NULL;
	c->state = CONN_HANDSHAKE;
	pool_want_write(p, c, 0);
	pool_write(p, c, req, (size_t)n);
}

/* The status line and headers; returns the bytes they took, 0 if more. */
static size_t
pool_upgrade(struct pool *p, struct conn *c, const char *b, size_t n)
{
	const char	*end = memmem(b, n, "\r\n\r\n", 4);
	char		 why[160];
	size_t		 l;

	if (end == NULL) {
		if (n > 8192)
			pool_fail(p, c, "the upgrade's answer has no end");
		return 0;
	}
	if (n < 12 || memcmp(b, "HTTP/1.1 101", 12) != 0) {
		l = (size_t)((const char *)memchr(b, '\r', n) - b);
		snprintf(why, sizeof why, "WebSocket upgrade refused: %.*s",
		    (int)(l < 120 ? l : 120), b);
		pool_fail(p, c, why);
		return 0;
	}
	c->state = CONN_OPEN;
	p->connecting--;
	pool_handshakes++;
	if (p->cb.open != NULL)
		p->cb.open(p, c);
	return (size_t)(end + 4 - b);
}

/* Frames in b[0..n); returns the bytes taken. */
static size_t
pool_frames(struct pool *p, struct conn *c, const char *b, size_t n)
{
	const char	*pl;
	size_t		 off = 0, len;
	long		 fl;
	int		 op, fin;

	while (c->fd != -1 && off < n) {
		fl = ws_parse(b + off, n - off, &op, &fin, &pl, &len);
		if (fl == 0)
			break;
		if (fl < 0 || !fin) {
			pool_fail(p, c, fl < 0 ? "malformed frame from the bridge" :
			    "fragmented frame from the bridge (not supported)");
			break;
		}
		off += (size_t)fl;
		switch (op) {
		case 1:
		case 2:
			if (p->cb.text != NULL)
				p->cb.text(p, c, pl, len);
			break;
		case 8:
			if (c->state == CONN_CLOSING) {
				if (p->cb.closed != NULL)
					p->cb.closed(p, c, NULL);
				pool_drop(p, c);
			} else {
				char why[64];

				snprintf(why, sizeof why, "closed by the bridge "
				    "(code %u)", len >= 2 ?
				    ((unsigned char)pl[0] << 8 | (unsigned char)pl[1]) : 0);
				pool_fail(p, c, why);
			}
			break;
		case 9:
			pool_send_frame(p, c, 10, pl, len);
			break;
		default:
			break;
		}
	}
	return off;
}

static void
pool_read(struct pool *p, struct conn *c)
{
	size_t	 have = c->rlen, took = 0;
	ssize_t	 r;

	if (have + 65536 > p->bufcap) {
		char *nb = realloc(p->buf, have + POOL_READ);

		if (nb == NULL) {
			pool_fail(p, c, "out of memory");
			return;
		}
		p->buf = nb;
		p->bufcap = have + POOL_READ;
	}
	if (have > 0)
		memcpy(p->buf, c->rbuf, have);
	r = read(c->fd, p->buf + have, p->bufcap - have);
	if (r <= 0) {
		if (r == -1 && errno == EAGAIN)
			return;
		if (c->state == CONN_CLOSING) {
			if (p->cb.closed != NULL)
				p->cb.closed(p, c, NULL);
			pool_drop(p, c);
		} else
			pool_fail(p, c, r == 0 ? "connection closed by the bridge" :
			    strerror(errno));
		return;
	}
	free(c->rbuf);
	c->rbuf = NULL;
	c->rlen = 0;
	have += (size_t)r;
	if (c->state == CONN_HANDSHAKE) {
		took = pool_upgrade(p, c, p->buf, have);
		if (c->state != CONN_OPEN)
			goto keep;
	}
	took += pool_frames(p, c, p->buf + took, have - took);
keep:
	if (c->fd != -1 && took < have) {
		if ((c->rbuf = malloc(have - took)) == NULL) {
			pool_fail(p, c, "out of memory");
			return;
		}
		memcpy(c->rbuf, p->buf + took, have - took);
		c->rlen = (uint32_t)(have - took);
	}
}

int
pool_run(struct pool *p, int ms)
{
	struct epoll_event	 ev[512];
	struct conn		*c;
	int			 n, i;

	n = epoll_wait(p->ep, ev, 512, ms);
	for (i = 0; i < n; i++) {
		c = &p->c[ev[i].data.u32];
		if (c->fd == -1)
			continue;
		if (c->state == CONN_CONNECTING) {
			pool_connected(p, c);
			continue;
		}
		if (ev[i].events & EPOLLOUT)
			pool_flush(p, c);
		if (c->fd != -1 && (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			pool_read(p, c);
	}
	return n;
}

unsigned
pool_count(struct pool *p, int state)
{
	unsigned i, n = 0;

	for (i = 0; i < p->cap; i++)
		n += p->c[i].state == state;
	return n;
}

unsigned
pool_open_range(struct pool *p, unsigned from, unsigned to, const char *prefix,
    const char *query, int role, unsigned inflight, int timeout_ms)
{
	uint64_t	 end = now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	unsigned	 next = from, i, n = 0;

	while (now_ns() < end) {
		while (next < to && p->connecting < inflight)
			pool_connect(p, next++, prefix, query, role);
		if (next == to && p->connecting == 0)
			break;
		pool_run(p, 5);
	}
	for (i = from; i < to; i++)
		n += p->c[i].state == CONN_OPEN;
	return n;
}

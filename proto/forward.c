/*
 * forward.c - a TCP forwarder on loopback: every connection to its port is
 * relayed byte for byte to a target address, by one thread with poll().
 * The embedded broker listens on a port the mock cluster picks anew at
 * each start; the forwarder gives it a port that stays (embedded.c).
 *
 * Bounded: FORWARD_MAX connections at once (more are closed at accept),
 * FORWARD_BUF bytes in flight each way per connection (a full buffer stops
 * reading that side until the other takes it).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define FORWARD_MAX	256
#define FORWARD_BUF	65536

/* One direction of a connection: bytes read from fd, not yet written on. */
struct half {
	int		 fd;
	char		*buf;
	size_t		 off, len;
	int		 eof;		/* fd said EOF: shut the other's writing */
};

struct pair {
	struct half	h[2];		/* client -> target, target -> client */
};

struct kc_forward {
	int			 lfd;
	int			 wake[2];
	int			 port;
	struct sockaddr_in	 target;
	pthread_t		 thread;
	int			 running;
	struct pair		*pairs[FORWARD_MAX];
};

static void
pair_free(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (p->h[i].fd >= 0)
			close(p->h[i].fd);
		free(p->h[i].buf);
	}
	free(p);
}

static int
forward_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A new client: its pair with a connection to the target, or nothing. */
static void
forward_accept(struct kc_forward *fw)
{
	struct pair	*p;
	int		 c, t, i, slot = -1, one = 1;

	if ((c = accept(fw->lfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < FORWARD_MAX && slot < 0; i++) {
		if (fw->pairs[i] == NULL)
			slot = i;
	}
	if (slot < 0 || (p = calloc(1, sizeof *p)) == NULL) {
		close(c);
		return;
	}
	p->h[0].fd = c;
	p->h[1].fd = -1;
	if ((t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(t, (struct sockaddr *)&fw->target, sizeof fw->target) == -1) {
		if (t != -1)
			close(t);
		pair_free(p);
		return;
	}
	p->h[1].fd = t;
	for (i = 0; i < 2; i++) {
		setsockopt(p->h[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (forward_nonblock(p->h[i].fd) == -1 ||
		    (p->h[i].buf = malloc(FORWARD_BUF)) == NULL) {
			pair_free(p);
			return;
		}
	}
	fw->pairs[slot] = p;
}

/*
 * Moves what it can along half i of p (read from h[i].fd, write to the
 * other's fd). Returns -1 when the pair is done.
 */
static int
forward_move(struct pair *p, int i, short rev_in, short rev_out)
{
	struct half	*h = &p->h[i];
	int		 out = p->h[!i].fd;
	ssize_t		 n;

	if ((rev_in & (POLLIN | POLLHUP | POLLERR)) && !h->eof && h->len == 0) {
		n = read(h->fd, h->buf, FORWARD_BUF);
		if (n == 0) {
			h->eof = 1;
			shutdown(out, SHUT_WR);
		} else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		else if (n > 0) {
			h->off = 0;
			h->len = (size_t)n;
		}
	}
	if (h->len > 0 && (rev_out & POLLOUT || rev_in & POLLIN)) {
		n = write(out, h->buf + h->off, h->len);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0) {
			h->off += (size_t)n;
			h->len -= (size_t)n;
		}
	}
	return 0;
}

static void *
forward_run(void *arg)
{
	struct kc_forward	*fw = arg;
	struct pollfd		 pfd[2 + 2 * FORWARD_MAX];
	int			 idx[FORWARD_MAX];
	int			 i, j, n;

	for (;;) {
		n = 0;
		pfd[n].fd = fw->wake[0];
		pfd[n++].events = POLLIN;
		pfd[n].fd = fw->lfd;
		pfd[n++].events = POLLIN;
		for (i = 0; i < FORWARD_MAX; i++) {
			struct pair *p = fw->pairs[i];

			idx[i] = -1;
			if (p == NULL)
				continue;
			idx[i] = n;
			for (j = 0; j < 2; j++) {
				pfd[n].fd = p->h[j].fd;
				pfd[n].events = 0;
				/* Read while its buffer is empty; write while
				 * the other side has something for it. */
				if (!p->h[j].eof && p->h[j].len == 0)
					pfd[n].events |= POLLIN;
				if (p->h[!j].len > 0)
					pfd[n].events |= POLLOUT;
				n++;
			}
		}
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;		/* kc_forward_stop() */
		if (pfd[1].revents & POLLIN)
			forward_accept(fw);
		for (i = 0; i < FORWARD_MAX; i++) {
			struct pair *p = fw->pairs[i];

			if (p == NULL || idx[i] < 0)
				continue;
			if (forward_move(p, 0, pfd[idx[i]].revents,
			    pfd[idx[i] + 1].revents) == -1 ||
			    forward_move(p, 1, pfd[idx[i] + 1].revents,
			    pfd[idx[i]].revents) == -1 ||
			    (p->h[0].eof && p->h[1].eof && p->h[0].len == 0 &&
			    p->h[1].len == 0)) {
				pair_free(p);
				fw->pairs[i] = NULL;
			}
		}
	}
	return NULL;
}

int
kc_forward_start(int port, const char *target, struct kc_forward **out,
    char *errstr, size_t errlen)
{
	struct kc_forward	*fw;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;
	char			 host[64];
	const char		*colon;
	int			 one = 1;

	*out = NULL;
	if ((colon = strrchr(target, ':')) == NULL ||
	    (size_t)(colon - target) >= sizeof host) {
		snprintf(errstr, errlen, "bad address %s", target);
		return KC_ERR_INVAL;
	}
	memcpy(host, target, (size_t)(colon - target));
	host[colon - target] = '\0';
	if ((fw = calloc(1, sizeof *fw)) == NULL)
		return KC_ERR_NOMEM;
	fw->lfd = fw->wake[0] = fw->wake[1] = -1;
	fw->target.sin_family = AF_INET;
	fw->target.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &fw->target.sin_addr) != 1) {
		snprintf(errstr, errlen, "bad address %s", target);
		kc_forward_stop(fw);
		return KC_ERR_INVAL;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((fw->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fw->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(fw->lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(fw->lfd, 64) == -1 ||
	    getsockname(fw->lfd, (struct sockaddr *)&sin, &sl) == -1 ||
	    pipe2(fw->wake, O_CLOEXEC) == -1) {
		snprintf(errstr, errlen, "cannot listen on 127.0.0.1:%d: %s",
		    port, strerror(errno));
		kc_forward_stop(fw);
		return KC_ERR_IO;
	}
	fw->port = ntohs(sin.sin_port);
	if (pthread_create(&fw->thread, NULL, forward_run, fw) != 0) {
		snprintf(errstr, errlen, "cannot start a thread");
		kc_forward_stop(fw);
		return KC_ERR_NOMEM;
	}
	fw->running = 1;
	*out = fw;
	return KC_OK;
}

int
kc_forward_port(const struct kc_forward *fw)
{
	return fw->port;
}

void
kc_forward_stop(struct kc_forward *fw)
{
	int i;

	if (fw == NULL)
		return;
	if (fw->running) {
		(void)!write(fw->wake[1], "x", 1);
		pthread_join(fw->thread, NULL);
	}
	for (i = 0; i < FORWARD_MAX; i++) {
		if (fw->pairs[i] != NULL)
			pair_free(fw->pairs[i]);
	}
	if (fw->lfd >= 0)
		close(fw->lfd);
	for (i = 0; i < 2; i++) {
		if (fw->wake[i] >= 0)
			close(fw->wake[i]);
	}
	free(fw);
}

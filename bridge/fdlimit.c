/*
 * fdlimit.c - out of file descriptors: lws cannot accept, its listening
 * socket stays readable, and the loop would spin on it at full CPU while
 * every new client waits. One descriptor is kept in reserve: when an
 * accept fails for want of descriptors, the reserve is given up for a
 * moment to accept the waiting connection and close it at once (the
 * client sees the connection refused and may try again), as nginx and
 * libevent do. Called from the lws log hook (log.c), which is where lws
 * says it.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <unistd.h>

#include "bridge.h"

static int	spare = -1;
static int	listen_fd = -1;

/* The listening socket of port among our descriptors, or -1. */
static int
fdlimit_find_listener(int port)
{
	struct sockaddr_storage	ss;
	socklen_t		sl;
	int			fd, on, max = (int)sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++) {
		sl = sizeof on;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &sl) != 0 ||
		    !on)
			continue;
		sl = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
			continue;
		if ((ss.ss_family == AF_INET &&
		    ntohs(((struct sockaddr_in *)&ss)->sin_port) == port) ||
		    (ss.ss_family == AF_INET6 &&
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == port))
			return fd;
	}
	return -1;
}

void
fdlimit_init(int port)
{
	listen_fd = fdlimit_find_listener(port);
	if (spare == -1)
		spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void
fdlimit_shed(void)
{
	int c;

	if (spare == -1 || listen_fd == -1)
		return;
	close(spare);
	spare = -1;
	if ((c = accept(listen_fd, NULL, NULL)) != -1)
		close(c);
	spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void
fdlimit_free(void)
{
	if (spare != -1)
		close(spare);
	spare = listen_fd = -1;
}

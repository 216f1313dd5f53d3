/*
 * bridge.c - the bridge under test. With --bridge, kchat-bench starts one
 * itself: on a port the kernel picks, with a topic of its own, no history
 * on join, and the per-connection and per-address limits raised so that
 * they do not refuse the load (the rest is the product's defaults;
 * --bridge-arg adds more). It inherits kchat-bench's descriptor limit.
 * Its log goes to a file, kept when something went wrong.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static pid_t	child = -1;
static char	topic[128];
static char	logpath[64];

const char *
bridge_topic(void)
{
	return topic[0] ? topic : NULL;
}

long
bridge_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if ((long)rl.rlim_cur >= n)
		return (long)rl.rlim_cur;
	if ((long)rl.rlim_max < n) {
		struct rlimit up = { (rlim_t)n, (rlim_t)n };

		/* Only root (CAP_SYS_RESOURCE) may raise the hard limit. */
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return n;
	}
	rl.rlim_cur = (long)rl.rlim_max < n ? rl.rlim_max : (rlim_t)n;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}

long
proc_status_kb(long pid, const char *key)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, strlen(key)) == 0) {
			kb = strtol(line + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

long
bridge_rss_kb(void)
{
	return opts.pid > 0 ? proc_status_kb(opts.pid, "VmRSS:") : -1;
}

/* GET /healthz; returns the HTTP status, or -1. */
static int
bridge_health(void)
{
	struct sockaddr_in	 a;
	char			 buf[512];
	int			 fd, st = -1;
	ssize_t			 n;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)opts.port);
	a.sin_addr.s_addr = htonl(0x7f000001);
	n = snprintf(buf, sizeof buf, "GET /healthz HTTP/1.1\r\nHost: "
	    "127.0.0.1:%d\r\nConnection: close\r\n\r\n", opts.port);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    write(fd, buf, (size_t)n) == n &&
	    (n = read(fd, buf, sizeof buf - 1)) > 12) {
		buf[n] = '\0';
		st = atoi(buf + 9);
	}
	close(fd);
	return st;
}

/* The port from the log's "listening on http://ADDR:PORT/". */
static int
bridge_port_from_log(void)
{
	char	 buf[65536], *p;
	int	 fd;
	ssize_t	 n;

	if ((fd = open(logpath, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strstr(buf, "listening on http://")) == NULL ||
	    (p = strchr(p + 20, '/')) == NULL)
		return 0;
	while (p > buf && p[-1] != ':')
		p--;
	return atoi(p);
}

static int
bridge_alive(void)
{
	return child > 0 && waitpid(child, NULL, WNOHANG) == 0;
}

static void
bridge_sleep_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

int
bridge_start(char *err, size_t errlen)
{
	const char	*argv[96];
	char		 exe[4096];
	int		 argc = 0, i, fd;
	uint64_t	 end;

	snprintf(topic, sizeof topic, "kchat-bench-%ld-%llu", (long)getpid(),
	    (unsigned long long)(now_ns() / NS_PER_MS));
	snprintf(logpath, sizeof logpath, "/tmp/kchat-bench-bridge-XXXXXX");
	if ((fd = mkstemp(logpath)) == -1) {
		snprintf(err, errlen, "cannot make a log file in /tmp: %s",
		    strerror(errno));
		return BENCH_ERR_SYS;
	}
	snprintf(exe, sizeof exe, "%s", opts.bridge);
	argv[argc++] = exe;
	if (opts.brokers != NULL) {
		argv[argc++] = "-b";
		argv[argc++] = opts.brokers;
	}
	argv[argc++] = "-t";
	argv[argc++] = topic;
	argv[argc++] = "-H";
	argv[argc++] = "127.0.0.1";
	argv[argc++] = "-p";
	argv[argc++] = "0";
	argv[argc++] = "--history";
	argv[argc++] = "0";
	argv[argc++] = "--max-conns-per-ip";
	argv[argc++] = "1000000";
	argv[argc++] = "--conn-rate-per-ip";
	argv[argc++] = "1000000";
	argv[argc++] = "--rate";
	argv[argc++] = "100000";
	argv[argc++] = "--burst";
	argv[argc++] = "100000";
	argv[argc++] = "--rate-per-ip";
	argv[argc++] = "10000000";
	argv[argc++] = "--burst-per-ip";
	argv[argc++] = "10000000";
	for (i = 0; i < opts.nbridge_args; i++)
		argv[argc++] = opts.bridge_args[i];
	argv[argc] = NULL;
	if ((child = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fd);
		return BENCH_ERR_SYS;
	}
	if (child == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* If kchat-bench dies, however, the bridge goes too. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);

		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(exe, (char **)argv);
		fprintf(stderr, "kchat-bench: cannot run %s: %s\n", exe,
		    strerror(errno));
		_exit(127);
	}
	close(fd);
	opts.pid = child;
	snprintf(opts.host, sizeof opts.host, "127.0.0.1");
	end = now_ns() + 45 * NS_PER_S;
	while ((opts.port = bridge_port_from_log()) == 0) {
		if (!bridge_alive() || now_ns() > end)
			goto fail;
		bridge_sleep_ms(20);
	}
	end = now_ns() + 30 * NS_PER_S;
	while (bridge_health() != 200) {
		if (!bridge_alive() || now_ns() > end)
			goto fail;
		bridge_sleep_ms(50);
	}
	return BENCH_OK;
fail:
	snprintf(err, errlen, "%s did not %s (its log: %s)", opts.bridge,
	    opts.port == 0 ? "start listening" : "become healthy (/healthz)",
	    logpath);
	if (child > 0 && bridge_alive()) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	child = -1;
	logpath[0] = '\0';	/* keep it */
	return BENCH_ERR_BRIDGE;
}

void
bridge_stop(void)
{
	uint64_t	end;
	int		st = 0, done = 0;

	if (child <= 0)
		return;
	kill(child, SIGTERM);
	end = now_ns() + 15 * NS_PER_S;
	while (now_ns() < end) {
		if (waitpid(child, &st, WNOHANG) == child) {
			done = 1;
			break;
		}
		bridge_sleep_ms(20);
	}
	if (!done) {
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
		report_note("the bridge did not stop in 15 s on SIGTERM; killed "
		    "(its log: %s)", logpath);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		report_note("the bridge exited with status %d (its log: %s)",
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), logpath);
	else if (!opts.verbose && logpath[0] != '\0')
		unlink(logpath);
	else if (logpath[0] != '\0')
		report_note("the bridge's log: %s", logpath);
	child = -1;
}

/* From a signal handler: the started bridge goes too (kill is safe there). */
void
bridge_kill(void)
{
	if (child > 0)
		kill(child, SIGTERM);
}

/* The bridge's user + system CPU seconds so far (/proc/PID/stat), -1 unknown. */
double
bridge_cpu_s(void)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 ut, st;
	ssize_t			 n;
	int			 fd, i;

	if (opts.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/stat", opts.pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After "(comm)": state is field 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* This process's CPU seconds. */
double
self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* kafka.h - kchat-tui's Kafka side (tui/kafka.c); the program only. */
#ifndef TUI_KAFKA_H
#define TUI_KAFKA_H

#include "tui.h"

struct pollfd;

struct kafka {
	struct chat		*chat;
	struct kc_conf		*conf;		/* chat topic */
	struct kc_conf		*pconf;		/* presence topic */
	char			 topic[256];
	char			 ptopic[256];
	struct kc_producer	*prod;
	struct kc_producer	*pprod;
	struct kc_reader	*reader;
	struct kc_reader	*preader;
	int			 ever_connected;
	int64_t			 lost_since;	/* µs; 0 while connected */
	int64_t			 last_second;
	int64_t			 last_heartbeat;
};

extern const struct chat_ops kafka_ops;

/* Opens producers and readers; fills errstr on failure. */
int	kafka_open(struct kafka *, struct chat *, struct kc_conf *conf,
	    struct kc_conf *pconf, char *errstr, size_t len);
/* Waits up to flush_ms for deliveries, then closes everything. */
void	kafka_close(struct kafka *, int flush_ms);
/* Two descriptors to poll for reading: chat and presence readers. */
void	kafka_pollfds(struct kafka *, struct pollfd *pfd);
/* Hands waiting records to the chat. */
void	kafka_read(struct kafka *);
/* Delivery reports; once a second: connection state, heartbeats, expiry. */
void	kafka_tick(struct kafka *, int64_t now_us);
/* Messages not yet acknowledged. */
int	kafka_pending(struct kafka *);

#endif

/* stubs.h - what stubs.c recorded. */
#define STUB_SENT_MAX	64

struct stub_sent {
	struct session	*s;
	struct frame	*f;
	int		 ext;
};

extern struct stub_sent	stub_sent[STUB_SENT_MAX];
extern size_t		stub_nsent;
/* Called for every send besides (stub_sent keeps the first 64 only). */
extern void		(*stub_send_hook)(struct session *);
extern int		stub_stopping;
/* What kafka.c would say of every room: the reader's position, partition. */
extern int64_t		stub_live_offset;
extern int32_t		stub_partition;

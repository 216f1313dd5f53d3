/* stubs.h - what stubs.c recorded. */
#define STUB_SENT_MAX	64

struct stub_sent {
	struct session	*s;
	struct frame	*f;
	int		 ext;
};

extern struct stub_sent	stub_sent[STUB_SENT_MAX];
extern size_t		stub_nsent;
extern int		stub_stopping;
/* What kafka.c would say of every room: the reader's position, partition. */
extern int64_t		stub_live_offset;
extern int32_t		stub_partition;

/*
 * Applying a compiled set to the kernel's security policy database (SPD)
 * of the calling thread's network namespace, over one NETLINK_XFRM socket.
 *
 * The handle keeps the set it installed in memory, so an apply sends only
 * the difference and never dumps. The agent never flushes and never
 * changes a policy outside its priority band (weight.h). When another
 * program's policy has the selector of a wanted one, the apply fails
 * instead of replacing it.
 */
#ifndef IPSECCMD_SPD_H
#define IPSECCMD_SPD_H

#include "spd_set.h"

struct spd_handle;

/* Requests per sendmsg(); the kernel acknowledges each one. */
#define SPD_BATCH_MAX 256

#define SPD_ERROR_MAX 512

/* Counts of one apply, for the daemon's log and the benchmarks. */
struct spd_apply_stats {
	size_t added;
	size_t updated;
	size_t deleted;
	size_t unchanged;
	bool rolled_back;
};

/* Open a NETLINK_XFRM socket with extended ACKs; NULL with errno set on
 * failure. The installed set starts empty: call spd_reconcile first when
 * an earlier run may have left policies behind. */
struct spd_handle *spd_open(void);

/* Close the socket and free the installed set; the kernel keeps the
 * policies. NULL is a no-op. */
void spd_close(struct spd_handle *h);

/*
 * Make the kernel hold wanted (sorted, as spd_compile returns it) in place
 * of the installed set: add new policies, replace changed ones with
 * XFRM_MSG_UPDPOLICY (same selector, so no gap), then delete removed ones.
 * On success the handle's installed set becomes a copy of wanted and 0 is
 * returned. On failure the changes already made are undone, the installed
 * set stays as it was, err receives one line naming the policy and the
 * kernel's extended ACK text, and a negative errno is returned. -EIO means
 * the rollback failed too, or acknowledgements were lost, so the kernel may
 * hold a mix of both sets: call spd_reconcile before the next apply. stats
 * and err may be NULL.
 */
int spd_apply(struct spd_handle *h, const struct spd_set *wanted,
	      struct spd_apply_stats *stats, char err[SPD_ERROR_MAX]);

/*
 * Dump the kernel's policies and keep those in the agent's priority band
 * as the installed set (start-up after a restart or crash). Rule names are
 * not stored in the kernel, so they stay empty until the next apply.
 * Returns 0 or a negative errno.
 */
int spd_reconcile(struct spd_handle *h);

/*
 * Dump the kernel's policies in the agent's band into out (which must be
 * empty) for "show filters". Each policy gets the rule name of the
 * installed policy with its key, or an empty name when the agent does not
 * remember it. Returns 0 or a negative errno.
 */
int spd_read(struct spd_handle *h, struct spd_set *out);

/* The set the handle believes installed (sorted); owned by the handle. */
const struct spd_set *spd_installed(const struct spd_handle *h);

/*
 * Set the namespace's hash thresholds (ip xfrm policy set hthresh4/6) so
 * that policies of wanted with prefixes down to /24 (IPv4) and /64 (IPv6)
 * are hashed. Shorter ones stay on the kernel's slower inexact lists.
 * Sends nothing when the thresholds already match. The thresholds are
 * global to the namespace and change only lookup speed, never which
 * policy matches. Returns 0 or a negative errno.
 */
int spd_tune_hthresh(struct spd_handle *h, const struct spd_set *wanted);

/* The thresholds spd_tune_hthresh would choose: local and remote prefix
 * lengths for IPv4 (index 0) and IPv6 (index 1). */
void spd_hthresh_choose(const struct spd_set *wanted, uint8_t local[2],
			uint8_t remote[2]);

/* Request failure injection for tests: the n-th request (1-based) sent by
 * the next apply is replaced by one the kernel rejects. 0 disables. */
void spd_inject_failure(struct spd_handle *h, size_t n);

#endif

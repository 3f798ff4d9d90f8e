/*
 * State shared by the files that implement spd.h; not for the daemon.
 */
#ifndef IPSECCMD_SPD_INTERNAL_H
#define IPSECCMD_SPD_INTERNAL_H

#include "spd.h"

#include <netlink/msg.h>
#include <netlink/socket.h>

struct spd_handle {
	struct nl_sock *sock;
	uint32_t seq;
	struct spd_set installed;
	size_t inject_at;		/* 1-based request to break; 0: none */
	bool hthresh_known;
	uint8_t hthresh_local[2];
	uint8_t hthresh_remote[2];
	uint8_t *send_buf;		/* SPD_BATCH_MAX requests */
	size_t send_size;
	uint8_t *recv_buf;
};

#define SPD_RECV_SIZE (64 * 1024)

enum spd_op_kind { SPD_OP_ADD, SPD_OP_UPDATE, SPD_OP_DELETE };

/* One request of an apply and its outcome. */
struct spd_op {
	enum spd_op_kind kind;
	const struct spd_policy *policy;	/* what to send */
	const struct spd_policy *old;		/* what it replaces, or NULL */
	int error;				/* 0 or a negative errno */
	char ack[160];				/* the kernel's extended ACK text */
};

/*
 * Send ops in batches of SPD_BATCH_MAX per sendmsg() and record each
 * request's acknowledgement in its op. ESRCH on a delete counts as done.
 * Returns the number of failed ops, or a negative errno when building or
 * sending failed. Then every op from the failing batch on is marked with
 * that errno, and *uncertain is set when the kernel may have carried out
 * some of them (the batch was sent but its acknowledgements were lost).
 */
int spd_ops_send(struct spd_handle *h, struct spd_op *ops, size_t count,
		 bool *uncertain);

/* Send one request built by spd_msg.h and wait for its acknowledgement;
 * returns 0 or a negative errno (the kernel's error). */
int spd_request(struct spd_handle *h, struct nl_msg *msg);

#endif

/*
 * Netlink requests for the XFRM policy database, built with libnl's message
 * builders and kept apart from sending so tests can check their bytes.
 * Each builder returns a new struct nl_msg (free it with nlmsg_free) with
 * NLM_F_REQUEST and NLM_F_ACK set and sequence number seq, or NULL when
 * out of memory.
 */
#ifndef IPSECCMD_SPD_MSG_H
#define IPSECCMD_SPD_MSG_H

#include "spd_set.h"

#include <netlink/msg.h>

/* XFRM_MSG_NEWPOLICY (update false) or XFRM_MSG_UPDPOLICY (update true)
 * with the policy's selector, priority, action and templates. */
struct nl_msg *spd_msg_policy(const struct spd_policy *p, bool update,
			      uint32_t seq);

/* XFRM_MSG_DELPOLICY by selector and direction. */
struct nl_msg *spd_msg_delete(const struct spd_policy *p, uint32_t seq);

/* XFRM_MSG_GETPOLICY with NLM_F_DUMP (acknowledged by NLMSG_DONE). */
struct nl_msg *spd_msg_dump(uint32_t seq);

/* XFRM_MSG_NEWSPDINFO setting both families' hash thresholds. */
struct nl_msg *spd_msg_hthresh(const uint8_t local[2], const uint8_t remote[2],
			       uint32_t seq);

/* Parse one XFRM_MSG_NEWPOLICY from a dump into p. Returns 0, 1 for a
 * policy the agent cannot represent (a mark, an interface id, a sub
 * policy or more than SPD_TMPL_MAX templates), or -EINVAL when malformed. */
int spd_msg_parse_policy(struct nlmsghdr *nlh, struct spd_policy *p);

#endif

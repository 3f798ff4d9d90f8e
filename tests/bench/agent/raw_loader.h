/*
 * The reference the agent's apply is measured against: a minimal loader
 * that writes XFRM policy requests by hand (no libnl), sends 256 per
 * sendmsg() and reads every acknowledgement. No templates, no rollback,
 * no bookkeeping: the floor for acknowledged batched requests.
 */
#ifndef IPSECCMD_BENCH_RAW_LOADER_H
#define IPSECCMD_BENCH_RAW_LOADER_H

#include "spd_set.h"

/* Add (delete false) or delete every policy of set; returns the number
 * the kernel rejected, or -1 when the socket failed. */
int raw_load(const struct spd_set *set, bool delete);

#endif

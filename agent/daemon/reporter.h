/*
 * Reports to ipseccmd-server (report_url): one after each apply, rollback
 * or failed apply, and one at each periodic poll. The report library
 * queues them under STATE_DIR/reports while the server is away.
 */
#ifndef IPSECCMD_AGENT_REPORTER_H
#define IPSECCMD_AGENT_REPORTER_H

#include "config.h"

#include <jansson.h>
#include <stdbool.h>

struct reporter;

/* A reporter for cfg->report_url, using tls_cert, tls_key and tls_ca as
 * the client certificate and the trusted CA. NULL when report_url is
 * empty or the client cannot start (logged). */
struct reporter *reporter_new(const struct agent_config *cfg);
void reporter_free(struct reporter *rep);

/*
 * Queue and send one report about `effective`. `apply` marks a report
 * after an apply attempt; `error` is NULL on success, else the reason the
 * apply failed or was rolled back. NULL rep is a no-op.
 */
void reporter_send(struct reporter *rep, const struct agent_config *cfg,
		   const json_t *effective, bool apply, const char *error);

#endif

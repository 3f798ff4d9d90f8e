/*
 * Requests on the control socket (see control.h for the protocol).
 */
#ifndef IPSECCMD_AGENT_HANDLERS_H
#define IPSECCMD_AGENT_HANDLERS_H

#include <jansson.h>
#include <sys/types.h>

/* Dispatch one request; `ctx` is the struct agent. New reference. */
json_t *handlers_dispatch(void *ctx, const json_t *request, uid_t peer);

#endif

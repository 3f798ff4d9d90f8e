/*
 * Client certificate checks. libmicrohttpd 0.9.75 only requests a client
 * certificate: a client without one, or with a self-signed one, still
 * completes the handshake. So every connection's peer chain is verified
 * here with GnuTLS against the configured CAs before any request runs.
 *
 * Roles: a certificate from the client CA is a host named by its CN. It
 * is an administrator instead when its OU is the admin OU or its SHA-256
 * fingerprint is listed. A certificate from the separate admin CA is an
 * administrator. Hosts write their own reports, and administrators read.
 */
#ifndef IPSECCMD_SERVER_PEER_H
#define IPSECCMD_SERVER_PEER_H

#include <gnutls/gnutls.h>

#include "config.h"

enum peer_role { PEER_NONE, PEER_HOST, PEER_ADMIN };

struct peer {
	enum peer_role role;
	char name[256];		/* certificate CN */
	char reason[384];	/* why role is PEER_NONE */
};

struct peer_verifier;

/* Load the trust lists named by `cfg`. Returns NULL with one line in
 * `err`. */
struct peer_verifier *peer_verifier_new(const struct server_config *cfg,
					char *err, size_t errlen);

void peer_verifier_free(struct peer_verifier *verifier);

/* Verify the session's peer certificate chain and fill `out`. */
void peer_identify(const struct peer_verifier *verifier,
		   gnutls_session_t session, struct peer *out);

#endif

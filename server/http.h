/* The HTTPS front end: libmicrohttpd with a thread pool and epoll. */
#ifndef IPSECCMD_SERVER_HTTP_H
#define IPSECCMD_SERVER_HTTP_H

#include "config.h"
#include "peer.h"
#include "store.h"

struct server {
	const struct server_config *cfg;
	struct peer_verifier *verifier;
	struct store *store;
	struct MHD_Daemon *daemon;
	char *cert_pem;
	char *key_pem;
	char *trust_pem;	/* client CA, then admin CA */
};

/* Load the TLS material and start listening. Returns 0, or -1 with one
 * line in `err`. */
int server_start(struct server *server, char *err, size_t errlen);

/* The bound TCP port. */
unsigned server_port(const struct server *server);

/* Stop accepting, finish running requests and free the TLS material. */
void server_stop(struct server *server);

#endif

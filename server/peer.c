#include "peer.h"

#include "util.h"

#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PEER_CHAIN_MAX 8

struct peer_verifier {
	gnutls_x509_trust_list_t clients;
	gnutls_x509_trust_list_t admins;	/* NULL without admin-ca */
	char *admin_ou;
	char **fingerprints;
	size_t fingerprint_count;
};

static gnutls_x509_trust_list_t trust_load(const char *path, char *err,
					   size_t errlen)
{
	gnutls_x509_trust_list_t list = NULL;
	int rc;

	if (gnutls_x509_trust_list_init(&list, 0) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rc = gnutls_x509_trust_list_add_trust_file(list, path, NULL,
						   GNUTLS_X509_FMT_PEM, 0, 0);
	if (rc <= 0) {
		snprintf(err, errlen, "no CA certificate found in '%s'%s%s", path,
			 rc < 0 ? ": " : "", rc < 0 ? gnutls_strerror(rc) : "");
		gnutls_x509_trust_list_deinit(list, 1);
		return NULL;
	}
	return list;
}

struct peer_verifier *peer_verifier_new(const struct server_config *cfg,
					char *err, size_t errlen)
{
	struct peer_verifier *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->clients = trust_load(cfg->client_ca, err, errlen);
	if (!v->clients)
		goto fail;
	if (cfg->admin_ca) {
		v->admins = trust_load(cfg->admin_ca, err, errlen);
		if (!v->admins)
			goto fail;
	}
	v->admin_ou = strdup(cfg->admin_ou);
	v->fingerprints = calloc(cfg->admin_fingerprint_count + 1,
				 sizeof(char *));
	if (!v->admin_ou || !v->fingerprints) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < cfg->admin_fingerprint_count; i++) {
		const char *text = cfg->admin_fingerprints[i];
		char *copy = malloc(strlen(text) + 1);
		size_t n = 0;

		if (!copy) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		/* Accept "AB:CD:..." as openssl prints it, and plain hex. */
		for (; *text; text++)
			if (*text != ':')
				copy[n++] = *text;
		copy[n] = '\0';
		v->fingerprints[v->fingerprint_count++] = copy;
		if (n != 64 || strspn(copy, "0123456789abcdefABCDEF") != 64) {
			snprintf(err, errlen,
				 "invalid admin-fingerprint '%s': give the "
				 "certificate's SHA-256 as 64 hex digits",
				 cfg->admin_fingerprints[i]);
			goto fail;
		}
	}
	return v;
fail:
	peer_verifier_free(v);
	return NULL;
}

void peer_verifier_free(struct peer_verifier *v)
{
	if (!v)
		return;
	if (v->clients)
		gnutls_x509_trust_list_deinit(v->clients, 1);
	if (v->admins)
		gnutls_x509_trust_list_deinit(v->admins, 1);
	for (size_t i = 0; i < v->fingerprint_count; i++)
		free(v->fingerprints[i]);
	free(v->fingerprints);
	free(v->admin_ou);
	free(v);
}

/* Verify a chain for TLS client use; returns 1 when `list` trusts it. */
static int chain_trusted(gnutls_x509_trust_list_t list,
			 gnutls_x509_crt_t *chain, unsigned count)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (void *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	unsigned status = 0;

	if (gnutls_x509_trust_list_verify_crt2(list, chain, count, &purpose, 1,
					       0, &status, NULL) < 0)
		return 0;
	return status == 0;
}

static int fingerprint_listed(const struct peer_verifier *v,
			      gnutls_x509_crt_t crt)
{
	unsigned char digest[32];
	size_t size = sizeof(digest);
	char hex[65];

	if (v->fingerprint_count == 0 ||
	    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, digest,
					    &size) < 0 ||
	    size != sizeof(digest))
		return 0;
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	for (size_t i = 0; i < v->fingerprint_count; i++)
		if (strcasecmp(hex, v->fingerprints[i]) == 0)
			return 1;
	return 0;
}

static int dn_field(gnutls_x509_crt_t crt, const char *oid, char *buf,
		    size_t size)
{
	size_t len = size;

	if (gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, buf, &len) < 0)
		return -1;
	return 0;
}

static void peer_classify(const struct peer_verifier *v,
			  gnutls_x509_crt_t *chain, unsigned count,
			  struct peer *out)
{
	char ou[256] = "";

	if (dn_field(chain[0], GNUTLS_OID_X520_COMMON_NAME, out->name,
		     sizeof(out->name)) != 0 ||
	    !host_name_valid(out->name)) {
		snprintf(out->reason, sizeof(out->reason),
			 "client certificate has no valid CN");
		out->name[0] = '\0';
		return;
	}
	if (chain_trusted(v->clients, chain, count)) {
		dn_field(chain[0], GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, ou,
			 sizeof(ou));
		if (strcmp(ou, v->admin_ou) == 0 ||
		    fingerprint_listed(v, chain[0]))
			out->role = PEER_ADMIN;
		else
			out->role = PEER_HOST;
		return;
	}
	if (v->admins && chain_trusted(v->admins, chain, count)) {
		out->role = PEER_ADMIN;
		return;
	}
	snprintf(out->reason, sizeof(out->reason),
		 "client certificate '%s' is not signed by a trusted CA",
		 out->name);
}

void peer_identify(const struct peer_verifier *v, gnutls_session_t session,
		   struct peer *out)
{
	gnutls_x509_crt_t chain[PEER_CHAIN_MAX];
	const gnutls_datum_t *certs;
	unsigned count = 0;
	unsigned imported = 0;

	memset(out, 0, sizeof(*out));
	certs = gnutls_certificate_get_peers(session, &count);
	if (!certs || count == 0) {
		snprintf(out->reason, sizeof(out->reason),
			 "no client certificate");
		return;
	}
	if (count > PEER_CHAIN_MAX)
		count = PEER_CHAIN_MAX;
	for (; imported < count; imported++) {
		if (gnutls_x509_crt_init(&chain[imported]) < 0)
			break;
		if (gnutls_x509_crt_import(chain[imported], &certs[imported],
					   GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(chain[imported]);
			break;
		}
	}
	if (imported != count)
		snprintf(out->reason, sizeof(out->reason),
			 "unreadable client certificate");
	else
		peer_classify(v, chain, count, out);

	for (unsigned i = 0; i < imported; i++)
		gnutls_x509_crt_deinit(chain[i]);
}

#include "sync.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <ldap.h>
#include <sasl/sasl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest password file read, in bytes. */
#define PASSWORD_MAX 1024

struct sync_watch {
	ldap_sync_t ls;
	char *policy_dn;
	bool refreshed;		/* the initial refresh phase is over */
	bool changed;
	bool ended;		/* the server ended the search */
};

static int on_entry(ldap_sync_t *ls, LDAPMessage *msg,
		    struct berval *uuid, ldap_sync_refresh_t phase)
{
	struct sync_watch *w = ls->ls_private;

	(void)msg;
	(void)uuid;
	(void)phase;
	/* Entries of the refresh phase are the subtree as it is; only those
	 * sent afterwards are changes. */
	if (w->refreshed)
		w->changed = true;
	return 0;
}

static int on_intermediate(ldap_sync_t *ls, LDAPMessage *msg,
			   BerVarray uuids, ldap_sync_refresh_t phase)
{
	struct sync_watch *w = ls->ls_private;

	(void)msg;
	(void)uuids;
	if (phase == LDAP_SYNC_CAPI_DONE)
		w->refreshed = true;
	else if (w->refreshed)
		w->changed = true;
	return 0;
}

static int on_result(ldap_sync_t *ls, LDAPMessage *msg, int deletes)
{
	struct sync_watch *w = ls->ls_private;

	(void)msg;
	(void)deletes;
	/* In refreshAndPersist mode a search result means the server ended
	 * the search. */
	w->ended = true;
	return 0;
}

static int sasl_quiet(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	sasl_interact_t *p = in;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (; p && p->id != SASL_CB_LIST_END; p++) {
		p->result = "";
		p->len = 0;
	}
	return LDAP_SUCCESS;
}

/* Read the simple-bind password; the file must be mode 0600 or stricter. */
static int password_read(const char *path, struct berval *out)
{
	char *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), ret = -1;

	if (fd < 0 || fstat(fd, &st) < 0 || (st.st_mode & 0077) != 0) {
		log_error("sync", "password file '%s' unreadable or readable by "
			  "others: make it mode 0600", path);
		goto out;
	}
	buf = calloc(1, PASSWORD_MAX + 1);
	if (!buf)
		goto out;
	n = read(fd, buf, PASSWORD_MAX);
	if (n <= 0)
		goto out;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	out->bv_val = buf;
	out->bv_len = (ber_len_t)n;
	buf = NULL;
	ret = 0;
out:
	if (buf) {
		explicit_bzero(buf, PASSWORD_MAX);
		free(buf);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static void tls_option(LDAP *ld, int option, const char *path)
{
	if (path && *path && access(path, R_OK) == 0)
		ldap_set_option(ld, option, path);
}

static int sync_bind(LDAP *ld, const struct agent_config *cfg)
{
	struct berval cred = { 0, NULL };
	int version = LDAP_VERSION3, zero = 0, rc;

	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	tls_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cfg->tls_ca);
	/* As in source.c: the client certificate only for SASL EXTERNAL. */
	if (cfg->bind_method == BIND_EXTERNAL) {
		tls_option(ld, LDAP_OPT_X_TLS_CERTFILE, cfg->tls_cert);
		tls_option(ld, LDAP_OPT_X_TLS_KEYFILE, cfg->tls_key);
	}
	/* Per-connection TLS options take effect only with a new context. */
	ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (cfg->starttls) {
		rc = ldap_start_tls_s(ld, NULL, NULL);
		if (rc != LDAP_SUCCESS)
			return rc;
	}
	if (cfg->bind_method == BIND_EXTERNAL)
		return ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL,
						    NULL, LDAP_SASL_QUIET,
						    sasl_quiet, NULL);
	if (password_read(cfg->password_file, &cred) < 0)
		return LDAP_INVALID_CREDENTIALS;
	rc = ldap_sasl_bind_s(ld, cfg->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL,
			      NULL, NULL);
	explicit_bzero(cred.bv_val, cred.bv_len);
	free(cred.bv_val);
	return rc;
}

struct sync_watch *sync_start(const struct agent_config *cfg,
			      const char *policy_dn)
{
	static char *attrs[] = { "ipsecVersion", NULL };
	struct sync_watch *w = calloc(1, sizeof(*w));
	LDAP *ld = NULL;
	int rc;

	if (!w)
		return NULL;
	w->policy_dn = strdup(policy_dn);
	if (!w->policy_dn)
		goto fail;
	rc = ldap_initialize(&ld, cfg->directory_uri[0] ? cfg->directory_uri
							 : NULL);
	if (rc == LDAP_SUCCESS)
		rc = sync_bind(ld, cfg);
	if (rc != LDAP_SUCCESS) {
		log_warning("sync", "unable to watch policy '%s': %s; polling "
			    "only", policy_dn, ldap_err2string(rc));
		goto fail;
	}

	ldap_sync_initialize(&w->ls);
	w->ls.ls_ld = ld;
	w->ls.ls_base = w->policy_dn;
	w->ls.ls_scope = LDAP_SCOPE_SUBTREE;
	w->ls.ls_filter = "(objectClass=*)";
	w->ls.ls_attrs = attrs;
	w->ls.ls_timeout = 0;
	w->ls.ls_search_entry = on_entry;
	w->ls.ls_intermediate = on_intermediate;
	w->ls.ls_search_result = on_result;
	w->ls.ls_private = w;
	ld = NULL;
	rc = ldap_sync_init(&w->ls, LDAP_SYNC_REFRESH_AND_PERSIST);
	if (rc != LDAP_SUCCESS) {
		log_warning("sync", "unable to start the content "
			    "synchronisation on '%s': %s; polling only",
			    policy_dn, ldap_err2string(rc));
		goto fail;
	}
	log_info("sync", "watching policy '%s' for changes", policy_dn);
	return w;
fail:
	if (ld)
		ldap_unbind_ext_s(ld, NULL, NULL);
	sync_stop(w);
	return NULL;
}

void sync_stop(struct sync_watch *w)
{
	if (!w)
		return;
	/* ldap_sync_destroy unbinds and would free ls_base, ls_filter and
	 * ls_attrs, which this module owns; clear them first. */
	w->ls.ls_base = NULL;
	w->ls.ls_filter = NULL;
	w->ls.ls_attrs = NULL;
	if (w->ls.ls_ld)
		ldap_sync_destroy(&w->ls, 0);
	free(w->policy_dn);
	free(w);
}

int sync_fd(const struct sync_watch *w)
{
	int fd = -1;

	if (!w || !w->ls.ls_ld ||
	    ldap_get_option(w->ls.ls_ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS)
		return -1;
	return fd;
}

const char *sync_policy_dn(const struct sync_watch *w)
{
	return w ? w->policy_dn : NULL;
}

int sync_read(struct sync_watch *w)
{
	int rc;

	/* With ls_timeout 0, ldap_sync_poll (OpenLDAP 2.5) passes a zero
	 * timeout to ldap_result, so it handles what has arrived and does
	 * not wait. A negative return means the connection failed. */
	rc = ldap_sync_poll(&w->ls);
	if (rc < 0 || w->ended) {
		log_warning("sync", "watch on policy '%s' ended: %s",
			    w->policy_dn, w->ended ? "the server ended the "
			    "search" : ldap_err2string(rc));
		return -1;
	}
	/* Any message after the refresh phase is taken as a change. With
	 * the directory library's copy-on-write updates and OpenLDAP 2.5
	 * syncprov, the first notification of a write did not always reach
	 * the entry callback in our tests. A poll started in vain costs only
	 * one version read. */
	if (w->changed || w->refreshed) {
		w->changed = false;
		return 1;
	}
	return 0;
}

#include "source.h"

#include "codec.h"
#include "directory.h"
#include "log.h"

#include <errno.h>
#include <ldap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct source {
	const struct agent_config *cfg;
	struct dir_conn *conn;
	char *host;		/* cfg->host_name or gethostname() */
	char *host_dn;		/* NULL when the host has no entry */
};

struct source *source_new(const struct agent_config *cfg)
{
	struct source *src = calloc(1, sizeof(*src));
	char name[256] = "";

	if (!src)
		return NULL;
	src->cfg = cfg;
	if (cfg->host_name[0])
		src->host = strdup(cfg->host_name);
	else if (gethostname(name, sizeof(name) - 1) == 0)
		src->host = strdup(name);
	if (!src->host) {
		free(src);
		return NULL;
	}
	return src;
}

void source_disconnect(struct source *src)
{
	if (!src || !src->conn)
		return;
	dir_close(src->conn);
	src->conn = NULL;
	free(src->host_dn);
	src->host_dn = NULL;
}

void source_free(struct source *src)
{
	if (!src)
		return;
	source_disconnect(src);
	free(src->host);
	free(src);
}

bool source_connected(const struct source *src)
{
	return src && src->conn;
}

const char *source_host_dn(const struct source *src)
{
	return src ? src->host_dn : NULL;
}

const char *source_uri(const struct source *src)
{
	return src && src->cfg->directory_uri[0] ? src->cfg->directory_uri
						 : "(ldap.conf)";
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* TLS files are optional: the defaults name files a host without TLS
 * does not have, and ldapi:// needs none. */
static const char *file_if_present(const char *path)
{
	return path && *path && access(path, R_OK) == 0 ? path : NULL;
}

/* Timeouts set on libldap's global defaults apply to every connection
 * opened afterwards, so a dead server cannot stall a poll. */
static void timeouts_set(uint32_t seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	ldap_set_option(NULL, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(NULL, LDAP_OPT_TIMEOUT, &tv);
}

static void options_fill(const struct agent_config *cfg,
			 struct dir_options *opts)
{
	timeouts_set(cfg->network_timeout_seconds);
	memset(opts, 0, sizeof(*opts));
	opts->uri = nonempty(cfg->directory_uri);
	opts->base = nonempty(cfg->directory_base);
	opts->starttls = cfg->starttls;
	if (cfg->bind_method == BIND_SIMPLE) {
		opts->bind_dn = nonempty(cfg->bind_dn);
		opts->password_file = cfg->password_file;
	} else {
		opts->sasl_external = true;
	}
	/* The client certificate only serves SASL EXTERNAL. libldap 2.5 with
	 * GnuTLS leaks the certificate and key of every per-connection TLS
	 * context (valgrind, about 20 KB per connection), so a simple bind
	 * does not load them. */
	if (cfg->bind_method == BIND_EXTERNAL) {
		opts->tls_cert = file_if_present(cfg->tls_cert);
		opts->tls_key = file_if_present(cfg->tls_key);
	}
	opts->tls_ca = file_if_present(cfg->tls_ca);
}

/* Map a directory error to the errno values source.h promises, and drop
 * the connection unless the error is about one entry. */
static int source_error(struct source *src, int code, const char *what,
			const char *dn)
{
	const char *msg = src->conn ? dir_message(src->conn) : "";

	if (code == DIR_ERR_NOT_FOUND)
		return -ENOENT;
	log_error("ldap", "%s '%s' failed: %s%s%s", what, dn ? dn : "",
		  dir_strerror(code), *msg ? ": " : "", msg);
	if (code == DIR_ERR_NOMEM)
		return -ENOMEM;
	source_disconnect(src);
	return code == DIR_ERR_UNREACHABLE ? -ENOTCONN : -EIO;
}

int source_connect(struct source *src)
{
	struct dir_options opts;
	char msg[512] = "";
	int code;

	if (src->cfg->bind_method == BIND_SIMPLE && !src->cfg->bind_dn[0]) {
		log_error("ldap", "bind_method simple needs bind_dn: set it to "
			  "the host's DN");
		return -EINVAL;
	}
	options_fill(src->cfg, &opts);
	code = dir_connect(&opts, &src->conn, msg, sizeof(msg));
	if (code != DIR_OK) {
		log_warning("ldap", "unable to connect to '%s' as host '%s': "
			    "%s", source_uri(src), src->host, msg);
		src->conn = NULL;
		return code == DIR_ERR_UNREACHABLE ? -ENOTCONN : -EIO;
	}

	code = dir_host_find(src->conn, src->host, &src->host_dn);
	if (code == DIR_ERR_NOT_FOUND) {
		log_warning("ldap", "no entry for host '%s' in '%s'; only the "
			    "domain assignment applies", src->host,
			    dir_root_dn(src->conn));
		src->host_dn = NULL;
	} else if (code != DIR_OK) {
		return source_error(src, code, "finding host", src->host);
	}
	return 0;
}

int source_read_assignment(struct source *src, char **policy_dn, char **from)
{
	static const char *const scopes[] = {
		[DIR_SCOPE_NONE] = "none", [DIR_SCOPE_HOST] = "host",
		[DIR_SCOPE_GROUP] = "group", [DIR_SCOPE_DOMAIN] = "domain",
	};
	enum dir_scope scope = DIR_SCOPE_NONE;
	int code;

	*policy_dn = NULL;
	*from = NULL;
	code = dir_host_assigned(src->conn, src->host, policy_dn, &scope);
	if (code != DIR_OK)
		return source_error(src, code, "reading the assignment of host",
				    src->host);
	if (!*policy_dn || scope == DIR_SCOPE_NONE)
		return -ENOENT;
	*from = strdup(scopes[scope]);
	return *from ? 0 : -ENOMEM;
}

int source_read_version(struct source *src, const char *policy_dn,
			uint64_t *version)
{
	int code = dir_policy_version(src->conn, policy_dn, version);

	return code == DIR_OK ? 0 : source_error(src, code,
					"reading the version of", policy_dn);
}

int source_fetch_policy(struct source *src, const char *policy_dn,
			json_t **doc)
{
	struct policy_doc pd;
	int code;

	memset(&pd, 0, sizeof(pd));
	*doc = NULL;
	code = dir_policy_fetch(src->conn, policy_dn, &pd);
	if (code != DIR_OK)
		return source_error(src, code, "fetching policy", policy_dn);
	*doc = codec_doc_to_json(&pd);
	policy_doc_free(&pd);
	return *doc ? 0 : -ENOMEM;
}

static int rules_to_json(const struct rule_spec *rules, size_t count,
			 json_t **out)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < count; i++) {
		if (json_array_append_new(array,
					  codec_rule_to_json(&rules[i])) < 0) {
			json_decref(array);
			array = NULL;
		}
	}
	*out = array;
	return array ? 0 : -ENOMEM;
}

int source_read_host_rules(struct source *src, json_t **local,
			   json_t **dynamic)
{
	struct policy_doc pd;
	struct rule_spec *rules = NULL;
	size_t count = 0;
	bool found = false;
	int code, ret;

	*local = NULL;
	*dynamic = NULL;
	if (!src->host_dn)
		return 0;

	memset(&pd, 0, sizeof(pd));
	code = dir_host_local_policy(src->conn, src->host, &pd, &found);
	if (code != DIR_OK && code != DIR_ERR_NOT_FOUND)
		return source_error(src, code, "reading the local policy of",
				    src->host_dn);
	if (found) {
		*local = codec_doc_to_json(&pd);
		policy_doc_free(&pd);
		if (!*local)
			return -ENOMEM;
	}

	code = dir_host_dynamic_read(src->conn, src->host, &rules, &count);
	if (code != DIR_OK && code != DIR_ERR_NOT_FOUND) {
		json_decref(*local);
		*local = NULL;
		return source_error(src, code, "reading the dynamic rules of",
				    src->host_dn);
	}
	ret = rules_to_json(rules, count, dynamic);
	dir_rules_free(rules, count);
	if (ret < 0) {
		json_decref(*local);
		*local = NULL;
	}
	return ret;
}

int source_probe(const struct agent_config *cfg)
{
	struct dir_options opts;
	struct dir_conn *conn = NULL;
	char msg[512] = "";
	int code;

	options_fill(cfg, &opts);
	code = dir_connect(&opts, &conn, msg, sizeof(msg));
	if (code != DIR_OK) {
		log_warning("ldap", "reachability check of '%s' failed: %s",
			    cfg->directory_uri[0] ? cfg->directory_uri
						  : "(ldap.conf)", msg);
		return -ENOTCONN;
	}
	dir_close(conn);
	return 0;
}

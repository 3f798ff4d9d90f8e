/*
 * Connecting and binding: options as ldapsearch takes them (libldap reads
 * ldap.conf and LDAP* variables itself), then our own overrides.
 */
#include "dir_internal.h"

#include <arpa/inet.h>
#include <sasl/sasl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Maximum length of a password read from a password file. */
#define PASSWORD_MAX 1024

static const char *const dir_phrases[DIR_ERR_COUNT] = {
	[DIR_OK] = "success",
	[DIR_ERR_NOMEM] = "out of memory",
	[DIR_ERR_USAGE] = "invalid directory options",
	[DIR_ERR_PASSWORD_FILE] = "unusable password file",
	[DIR_ERR_INSECURE] = "password would travel unencrypted",
	[DIR_ERR_NO_BASE] = "no directory base DN",
	[DIR_ERR_UNREACHABLE] = "directory unreachable",
	[DIR_ERR_BIND] = "bind rejected",
	[DIR_ERR_SCHEMA] = "ipseccmd schema or folders missing",
	[DIR_ERR_NOT_FOUND] = "object not found",
	[DIR_ERR_NAME_TOO_LONG] = "name too long",
	[DIR_ERR_BAD_VALUE] = "invalid stored value",
	[DIR_ERR_ACCESS] = "access denied",
	[DIR_ERR_CONFLICT] = "concurrent changes",
	[DIR_ERR_LDAP] = "LDAP error",
};

const char *dir_strerror(int code)
{
	if (code < 0 || code >= DIR_ERR_COUNT || !dir_phrases[code])
		return "unknown directory error";
	return dir_phrases[code];
}

int dir_fail(struct dir_conn *conn, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(conn->message, sizeof(conn->message), fmt, ap);
	va_end(ap);
	return code;
}

int dir_code_from_ldap(int rc)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return DIR_OK;
	case LDAP_NO_MEMORY:
		return DIR_ERR_NOMEM;
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
	case LDAP_TIMEOUT:
	case LDAP_UNAVAILABLE:
	case LDAP_BUSY:
		return DIR_ERR_UNREACHABLE;
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_AUTH_METHOD_NOT_SUPPORTED:
	case LDAP_STRONG_AUTH_REQUIRED:
		return DIR_ERR_BIND;
	case LDAP_NO_SUCH_OBJECT:
		return DIR_ERR_NOT_FOUND;
	case LDAP_INSUFFICIENT_ACCESS:
		return DIR_ERR_ACCESS;
	case LDAP_UNDEFINED_TYPE:
	case LDAP_OBJECT_CLASS_VIOLATION:
	case LDAP_INAPPROPRIATE_MATCHING:
		return DIR_ERR_SCHEMA;
	case LDAP_ASSERTION_FAILED:
	case LDAP_NO_SUCH_ATTRIBUTE:
	case LDAP_ALREADY_EXISTS:
	case LDAP_TYPE_OR_VALUE_EXISTS:
		return DIR_ERR_CONFLICT;
	default:
		return DIR_ERR_LDAP;
	}
}

int dir_fail_ldap(struct dir_conn *conn, int rc, const char *diagnostic,
		  const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(conn->message, sizeof(conn->message), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(conn->message)) {
		if (diagnostic && *diagnostic)
			snprintf(conn->message + n, sizeof(conn->message) - n,
				 ": %s (%s)", ldap_err2string(rc), diagnostic);
		else
			snprintf(conn->message + n, sizeof(conn->message) - n,
				 ": %s", ldap_err2string(rc));
	}
	return dir_code_from_ldap(rc);
}

int dir_check_name(struct dir_conn *conn, const char *kind, const char *name)
{
	if (!name || !*name)
		return dir_fail(conn, DIR_ERR_USAGE,
				"empty %s name; give a name of 1 to %d bytes",
				kind, DIR_NAME_MAX);
	if (strlen(name) > DIR_NAME_MAX)
		return dir_fail(conn, DIR_ERR_NAME_TOO_LONG,
				"%s name '%.40s...' is %zu bytes long; use at most %d",
				kind, name, strlen(name), DIR_NAME_MAX);
	return DIR_OK;
}

const char *dir_message(const struct dir_conn *conn)
{
	return conn ? conn->message : "";
}

const char *dir_root_dn(const struct dir_conn *conn)
{
	return conn->root;
}

const char *dir_base_dn(const struct dir_conn *conn)
{
	return conn->base;
}

void dir_close(struct dir_conn *conn)
{
	if (!conn)
		return;
	if (conn->ld)
		ldap_unbind_ext_s(conn->ld, NULL, NULL);
	free(conn->base);
	free(conn->root);
	free(conn);
}

/* Read the password, refusing a file that group or others can read. */
static int password_read(struct dir_conn *conn, const char *path,
			 char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd;
	int ret = DIR_ERR_PASSWORD_FILE;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		dir_fail(conn, ret, "cannot open password file '%s': %s",
			 path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		dir_fail(conn, ret, "password file '%s' is not a regular file",
			 path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		dir_fail(conn, ret,
			 "password file '%s' is accessible by group or others (mode %03o); run chmod 600 on it",
			 path, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	n = read(fd, buf, size - 1);
	if (n < 0) {
		dir_fail(conn, ret, "cannot read password file '%s': %s",
			 path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n == 0) {
		dir_fail(conn, ret, "password file '%s' is empty", path);
		goto out;
	}
	ret = DIR_OK;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* True when the connected peer is this machine: a Unix socket, or a TCP
 * peer in 127.0.0.0/8 or ::1. */
static bool peer_is_local(LDAP *ld)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = -1;

	if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS ||
	    fd < 0)
		return false;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	if (ss.ss_family == AF_UNIX)
		return true;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 =
			(const struct sockaddr_in6 *)&ss;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			return sin6->sin6_addr.s6_addr[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	return false;
}

static int tls_configure(struct dir_conn *conn, const struct dir_options *o)
{
	static const struct {
		int option;
		size_t offset;
	} files[] = {
		{ LDAP_OPT_X_TLS_CERTFILE, offsetof(struct dir_options, tls_cert) },
		{ LDAP_OPT_X_TLS_KEYFILE, offsetof(struct dir_options, tls_key) },
		{ LDAP_OPT_X_TLS_CACERTFILE, offsetof(struct dir_options, tls_ca) },
	};
	bool any = false;
	int zero = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *path = *(const char *const *)
			((const char *)o + files[i].offset);

		if (!path)
			continue;
		if (access(path, R_OK) < 0)
			return dir_fail(conn, DIR_ERR_USAGE,
					"cannot read TLS file '%s': %s",
					path, strerror(errno));
		if (ldap_set_option(conn->ld, files[i].option, path) !=
		    LDAP_OPT_SUCCESS)
			return dir_fail(conn, DIR_ERR_USAGE,
					"libldap rejected TLS file '%s'", path);
		any = true;
	}
	/* Per-connection TLS settings take effect only in a new context. */
	if (any && ldap_set_option(conn->ld, LDAP_OPT_X_TLS_NEWCTX, &zero) !=
		   LDAP_OPT_SUCCESS)
		return dir_fail(conn, DIR_ERR_USAGE,
				"cannot create a TLS context from the given certificate files");
	return DIR_OK;
}

/* example.com gives dc=example,dc=com; each label is escaped by libldap. */
static int base_from_domain(struct dir_conn *conn, const char *domain)
{
	const char *end = domain + strlen(domain);
	char *dn = NULL;
	char *label = NULL;
	int ret = DIR_OK;

	while (end > domain) {
		const char *start = end;
		char *child = NULL;

		while (start > domain && start[-1] != '.')
			start--;
		if (start == end) {
			ret = dir_fail(conn, DIR_ERR_USAGE,
				       "invalid domain '%s'; write it like example.com",
				       domain);
			goto out;
		}
		label = strndup(start, (size_t)(end - start));
		if (!label) {
			ret = DIR_ERR_NOMEM;
			goto out;
		}
		ret = dir_dn_child(conn, dn, "dc", label, &child);
		if (ret != DIR_OK)
			goto out;
		free(dn);
		dn = child;
		free(label);
		label = NULL;
		end = start > domain ? start - 1 : start;
		if (start > domain && end == domain) {
			ret = dir_fail(conn, DIR_ERR_USAGE,
				       "invalid domain '%s'; write it like example.com",
				       domain);
			goto out;
		}
	}
	if (!dn) {
		ret = dir_fail(conn, DIR_ERR_USAGE,
			       "empty domain in -w ds:; write it like example.com");
		goto out;
	}
	conn->base = dn;
	dn = NULL;
out:
	free(dn);
	free(label);
	return ret;
}

/* A DN in libldap's LDAPv3 string form, so two spellings of one DN
 * compare equal up to case; *out is freed with ldap_memfree. */
static int dn_pretty(const char *text, char **out)
{
	LDAPDN dn = NULL;
	int ret;

	*out = NULL;
	if (ldap_str2dn(text, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    !dn)
		return DIR_ERR_USAGE;
	ret = ldap_dn2str(dn, out, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY);
	ldap_dnfree(dn);
	return ret == LDAP_SUCCESS ? DIR_OK : DIR_ERR_NOMEM;
}

/* -w ds:DOMAIN and --ldap-base both name the base; a difference means
 * one of them is a mistake, so neither wins silently. */
static int base_agree(struct dir_conn *conn, const struct dir_options *o,
		      const char *given_base)
{
	char *domain_base = NULL;
	int ret = base_from_domain(conn, o->domain);

	if (ret != DIR_OK)
		return ret;
	ret = dn_pretty(conn->base, &domain_base);
	if (ret == DIR_OK && strcasecmp(domain_base, given_base) != 0)
		ret = dir_fail(conn, DIR_ERR_USAGE,
			       "-w ds:%s is base '%s' but --ldap-base is '%s'; "
			       "give one of them, or make them name the same DN",
			       o->domain, domain_base, given_base);
	ldap_memfree(domain_base);
	return ret;
}

/* The base DN: --ldap-base, else dc= labels of -w ds:DOMAIN, else BASE
 * from ldap.conf or LDAPBASE. */
static int base_choose(struct dir_conn *conn, const struct dir_options *o)
{
	char *defbase = NULL;
	int ret;

	if (o->base) {
		ret = dn_pretty(o->base, &defbase);
		if (ret == DIR_ERR_USAGE)
			return dir_fail(conn, DIR_ERR_USAGE,
					"invalid base DN '%s'; write it like dc=example,dc=com",
					o->base);
		if (ret != DIR_OK)
			return ret;
		if (o->domain) {
			ret = base_agree(conn, o, defbase);
			ldap_memfree(defbase);
			return ret;
		}
	} else if (o->domain) {
		return base_from_domain(conn, o->domain);
	} else if (ldap_get_option(conn->ld, LDAP_OPT_DEFBASE, &defbase) !=
		   LDAP_OPT_SUCCESS) {
		defbase = NULL;
	}
	if (defbase && *defbase) {
		conn->base = strdup(defbase);
		ldap_memfree(defbase);
		return conn->base ? DIR_OK : DIR_ERR_NOMEM;
	}
	ldap_memfree(defbase);
	return dir_fail(conn, DIR_ERR_NO_BASE,
			"no directory base DN; write -w ds:DOMAIN, --ldap-base=DN, or BASE in ldap.conf");
}

static int bind_simple(struct dir_conn *conn, const struct dir_options *o)
{
	char password[PASSWORD_MAX];
	struct berval cred;
	int rc;
	int ret;

	if (!o->password_file)
		return dir_fail(conn, DIR_ERR_USAGE,
				"--bind-dn needs --password-file=FILE");
	ret = password_read(conn, o->password_file, password, sizeof(password));
	if (ret != DIR_OK)
		goto out;
	if (!peer_is_local(conn->ld) && !ldap_tls_inplace(conn->ld)) {
		ret = dir_fail(conn, DIR_ERR_INSECURE,
			       "refusing to send the password for '%s' unencrypted to a remote server; use ldaps://, --starttls or --sasl-external",
			       o->bind_dn);
		goto out;
	}
	cred.bv_val = password;
	cred.bv_len = strlen(password);
	rc = ldap_sasl_bind_s(conn->ld, o->bind_dn, LDAP_SASL_SIMPLE, &cred,
			      NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL, "bind as '%s' failed",
				    o->bind_dn);
		if (ret == DIR_ERR_CONFLICT || ret == DIR_ERR_NOT_FOUND)
			ret = DIR_ERR_BIND;
		goto out;
	}
	ret = DIR_OK;
out:
	explicit_bzero(password, sizeof(password));
	return ret;
}

/* EXTERNAL prompts only for an optional authorization identity, and an
 * empty result for each prompt means "the authenticated identity". */
static int sasl_interact(LDAP *ld, unsigned flags, void *defaults,
			 void *prompts)
{
	sasl_interact_t *p = prompts;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (; p && p->id != SASL_CB_LIST_END; p++) {
		p->result = "";
		p->len = 0;
	}
	return LDAP_SUCCESS;
}

static int bind_any(struct dir_conn *conn, const struct dir_options *o)
{
	int rc;

	if (o->sasl_external && o->bind_dn)
		return dir_fail(conn, DIR_ERR_USAGE,
				"--sasl-external and --bind-dn exclude each other; give one");
	if (o->bind_dn)
		return bind_simple(conn, o);
	if (!o->sasl_external)
		return DIR_OK;	/* anonymous */
	/* The identity comes from the socket or the TLS client certificate;
	 * the exchange runs through Cyrus SASL, as ldapsearch -Y EXTERNAL. */
	rc = ldap_sasl_interactive_bind_s(conn->ld, NULL, "EXTERNAL", NULL,
					  NULL, LDAP_SASL_QUIET,
					  sasl_interact, NULL);
	if (rc != LDAP_SUCCESS)
		return dir_fail_ldap(conn, rc, NULL,
				     "SASL EXTERNAL bind failed (needs ldapi:// or a TLS client certificate)") ==
		       DIR_ERR_UNREACHABLE ? DIR_ERR_UNREACHABLE : DIR_ERR_BIND;
	return DIR_OK;
}

/* The ipseccmd folders must exist: they show the schema is loaded. */
static int root_check(struct dir_conn *conn)
{
	LDAPMessage *res = NULL;
	char *attrs[] = { "objectClass", NULL };
	int rc;

	rc = ldap_search_ext_s(conn->ld, conn->root, LDAP_SCOPE_BASE,
			       "(objectClass=ipsecContainer)", attrs, 0, NULL,
			       NULL, NULL, 1, &res);
	ldap_msgfree(res);
	if (rc == LDAP_SUCCESS && res)
		return DIR_OK;
	if (rc == LDAP_NO_SUCH_OBJECT || rc == LDAP_SUCCESS)
		return dir_fail(conn, DIR_ERR_SCHEMA,
				"'%s' not found or not readable; load the ipseccmd schema and folders with deploy/ldap/ipseccmd-ldap-setup, or bind as an administrator or host",
				conn->root);
	return dir_fail_ldap(conn, rc, NULL, "cannot read '%s'", conn->root);
}

static int connect_steps(struct dir_conn *conn, const struct dir_options *o)
{
	int version = LDAP_VERSION3;
	char *system = NULL;
	int rc;
	int ret;

	rc = ldap_initialize(&conn->ld, o->uri);
	if (rc != LDAP_SUCCESS)
		return dir_fail_ldap(conn, rc, NULL,
				     "invalid LDAP URI '%s'; write ldap://HOST, ldaps://HOST or ldapi:///",
				     o->uri ? o->uri : "(from ldap.conf)");
	ldap_set_option(conn->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(conn->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ret = tls_configure(conn, o);
	if (ret != DIR_OK)
		return ret;
	ret = base_choose(conn, o);
	if (ret != DIR_OK)
		return ret;
	ret = dir_dn_child(conn, conn->base, "cn", "System", &system);
	if (ret == DIR_OK)
		ret = dir_dn_child(conn, system, "cn", "IP Security", &conn->root);
	free(system);
	if (ret != DIR_OK)
		return ret;

	rc = ldap_connect(conn->ld);
	if (rc != LDAP_SUCCESS)
		return dir_fail_ldap(conn, rc, NULL, "cannot reach the directory at '%s'",
				     o->uri ? o->uri : "(URI from ldap.conf)");
	if (o->starttls) {
		rc = ldap_start_tls_s(conn->ld, NULL, NULL);
		if (rc != LDAP_SUCCESS)
			return dir_fail_ldap(conn, rc, NULL, "StartTLS failed") ==
			       DIR_ERR_UNREACHABLE ? DIR_ERR_UNREACHABLE : DIR_ERR_LDAP;
	}
	ret = bind_any(conn, o);
	if (ret != DIR_OK)
		return ret;
	return root_check(conn);
}

int dir_connect(const struct dir_options *opts, struct dir_conn **out,
		char *msg, size_t msg_size)
{
	struct dir_conn *conn;
	int ret;

	*out = NULL;
	conn = calloc(1, sizeof(*conn));
	if (!conn) {
		if (msg_size)
			snprintf(msg, msg_size, "out of memory");
		return DIR_ERR_NOMEM;
	}
	ret = connect_steps(conn, opts);
	if (ret != DIR_OK) {
		if (msg_size)
			snprintf(msg, msg_size, "%s", conn->message);
		dir_close(conn);
		return ret;
	}
	*out = conn;
	return DIR_OK;
}

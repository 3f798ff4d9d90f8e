/*
 * Assignments (-x / -y) and the links to a policy that must go when the
 * policy goes.
 */
#include "dir_assign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool dn_same(const char *a, const char *b);

/* "host 'h1'", "group 'G'" or "the domain" for an entry that links a
 * policy; local is the host's own link of -w reg:HOST. */
static char *link_describe(const struct dir_conn *conn, const char *dn,
			   bool local)
{
	LDAPDN parsed = NULL;
	char *text = NULL;
	const char *kind = NULL;

	if (dn_same(dn, conn->root))
		return strdup("the domain");
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    parsed && parsed[0] && parsed[1]) {
		struct berval *parent = &parsed[1][0]->la_value;

		if (parent->bv_len == 5 &&
		    strncasecmp(parent->bv_val, "Hosts", 5) == 0)
			kind = local ? "host (local policy)" : "host";
		else if (parent->bv_len == 6 &&
			 strncasecmp(parent->bv_val, "Groups", 6) == 0)
			kind = "group";
	}
	if (!kind)
		text = strdup(dn);
	else if (asprintf(&text, "%s '%.*s'", kind,
			  (int)parsed[0][0]->la_value.bv_len,
			  parsed[0][0]->la_value.bv_val) < 0)
		text = NULL;
	ldap_dnfree(parsed);
	return text;
}

static int lost_add(struct dir_apply_result *result, char *text)
{
	char **grown;

	if (!text)
		return DIR_ERR_NOMEM;
	grown = realloc(result->lost, (result->lost_count + 1) *
					      sizeof(*grown));
	if (!grown) {
		free(text);
		return DIR_ERR_NOMEM;
	}
	result->lost = grown;
	result->lost[result->lost_count++] = text;
	return DIR_OK;
}

/* Queue removing every link to the policy (assignments), so a deleted
 * policy leaves no dangling reference even before refint runs. */
int links_remove(struct dir_conn *conn, struct batch *b,
		 const char *policy_dn, struct dir_apply_result *result)
{
	static const char *const attrs[] = { "ipsecPolicyReference",
					     "ipsecLocalPolicyReference" };
	int ret = DIR_OK;

	for (size_t a = 0; a < 2 && ret == DIR_OK; a++) {
		char *attr_list[] = { NULL };
		LDAPMessage *res = NULL;
		char *filter = NULL;
		int rc;

		ret = dir_filter_eq(conn, attrs[a], policy_dn, &filter);
		if (ret != DIR_OK)
			break;
		rc = ldap_search_ext_s(conn->ld, conn->root, LDAP_SCOPE_SUBTREE,
				       filter, attr_list, 1, NULL, NULL, NULL,
				       LDAP_NO_LIMIT, &res);
		free(filter);
		if (rc != LDAP_SUCCESS) {
			ldap_msgfree(res);
			return dir_fail_ldap(conn, rc, NULL,
					     "cannot find assignments of '%s'",
					     policy_dn);
		}
		for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
		     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
			char *dn = ldap_get_dn(conn->ld, e);

			ret = dn ? batch_value(b, dn, LDAP_MOD_DELETE, attrs[a],
					       policy_dn) : DIR_ERR_NOMEM;
			if (ret == DIR_OK && result)
				ret = lost_add(result,
					       link_describe(conn, dn, a == 1));
			ldap_memfree(dn);
		}
		ldap_msgfree(res);
	}
	return ret;
}

/* The entry and attribute that -x / -y change. */
static int assign_target(struct dir_conn *conn, const struct command *cmd,
			 const struct dir_assign_target *t, char **dn,
			 const char **attr)
{
	char **vals = NULL;
	size_t n = 0;
	int ret;

	*dn = NULL;
	if (cmd->target.store == STORE_REG) {
		*attr = "ipsecLocalPolicyReference";
		return dir_host_dn(conn, cmd->target.location, dn);
	}
	*attr = "ipsecPolicyReference";
	if (t && t->host && t->group)
		return dir_fail(conn, DIR_ERR_USAGE,
				"--host and --group exclude each other; assign to one");
	if (t && t->host) {
		ret = dir_host_find(conn, t->host, dn);
		return ret;
	}
	if (t && t->group) {
		ret = dir_group_dn(conn, t->group, dn);
		if (ret == DIR_OK)
			ret = dir_read_attr(conn, *dn, "ipsecName", &vals, &n);
		dir_names_free(vals, n);
		if (ret == DIR_ERR_NOT_FOUND)
			dir_fail(conn, ret, "group '%s' not found; create it with --add-group=%s",
				 t->group, t->group);
		return ret;
	}
	*dn = strdup(conn->root);
	return *dn ? DIR_OK : DIR_ERR_NOMEM;
}

/* True when two DNs name the same entry, as libldap prints them. */
static bool dn_same(const char *a, const char *b)
{
	LDAPDN pa = NULL, pb = NULL;
	char *sa = NULL, *sb = NULL;
	bool same = false;

	if (ldap_str2dn(a, &pa, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    ldap_str2dn(b, &pb, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    ldap_dn2str(pa, &sa, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) == LDAP_SUCCESS &&
	    ldap_dn2str(pb, &sb, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) == LDAP_SUCCESS)
		same = strcasecmp(sa, sb) == 0;
	ldap_memfree(sa);
	ldap_memfree(sb);
	ldap_dnfree(pa);
	ldap_dnfree(pb);
	return same;
}

int assign_queue(struct dir_conn *conn, struct batch *b,
			const struct command *cmd,
			const struct dir_assign_target *t,
			const char *policy_dn, bool policy_deleted,
			bool *not_assigned)
{
	const char *attr;
	char *dn = NULL;
	char **vals = NULL;
	size_t n = 0;
	int ret;

	if (cmd->target.assign == ASSIGN_KEEP)
		return DIR_OK;
	ret = assign_target(conn, cmd, t, &dn, &attr);
	if (ret != DIR_OK)
		goto out;
	if (cmd->target.assign == ASSIGN_SET) {
		ret = batch_value(b, dn, LDAP_MOD_REPLACE, attr, policy_dn);
		goto out;
	}
	/* -y removes the link only when it points to this policy; a deleted
	 * policy's links are already queued for removal. */
	if (policy_deleted)
		goto out;
	ret = dir_read_attr(conn, dn, attr, &vals, &n);
	if (ret == DIR_ERR_NOT_FOUND && cmd->target.store == STORE_REG)
		ret = DIR_OK;
	if (ret == DIR_OK && n == 1 && dn_same(vals[0], policy_dn))
		ret = batch_value(b, dn, LDAP_MOD_DELETE, attr, NULL);
	else if (ret == DIR_OK && not_assigned)
		*not_assigned = true;
out:
	dir_names_free(vals, n);
	free(dn);
	return ret;
}

/* With -w reg:HOST the host entry is created on first use. */
int host_ensure(struct dir_conn *conn, struct batch *b,
		       const char *host)
{
	struct dir_entry e = { 0 };
	char **vals = NULL;
	size_t n = 0;
	int ret;

	ret = dir_host_dn(conn, host, &e.dn);
	if (ret == DIR_OK)
		ret = dir_read_attr(conn, e.dn, "ipsecName", &vals, &n);
	dir_names_free(vals, n);
	if (ret == DIR_ERR_NOT_FOUND) {
		ret = dir_entry_add(&e, "objectClass", "ipsecHost");
		if (ret == DIR_OK)
			ret = dir_entry_add(&e, "ipsecName", host);
		if (ret == DIR_OK)
			ret = batch_add(b, &e);
	}
	dir_entry_free(&e);
	return ret;
}


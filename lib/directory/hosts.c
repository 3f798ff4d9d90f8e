/*
 * Host and group entries: creating them, group membership (kept on the
 * host entry as ipsecGroupReference, so the access rules can follow it
 * from the bound host), and the host's dynamic rules.
 */
#include "dir_batch.h"
#include "grammar.h"
#include "policy_json.h"

#include <stdlib.h>
#include <string.h>

/* Add an entry of one structural class named by ipsecName, unless an
 * entry with that DN exists. */
static int named_entry_add(struct dir_conn *conn, const char *dn,
			   const char *class, const char *name)
{
	struct dir_entry e = { 0 };
	struct batch b = { 0 };
	char **vals = NULL;
	size_t n = 0;
	int ret;

	ret = dir_read_attr(conn, dn, "ipsecName", &vals, &n);
	dir_names_free(vals, n);
	if (ret != DIR_ERR_NOT_FOUND)
		return ret;
	e.dn = strdup(dn);
	ret = e.dn ? dir_entry_add(&e, "objectClass", class) : DIR_ERR_NOMEM;
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecName", name);
	if (ret == DIR_OK)
		ret = batch_add(&b, &e);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &b, false);
	/* A concurrent command created it first: that is the same result. */
	if (ret == DIR_ERR_CONFLICT)
		ret = DIR_OK;
	batch_free(&b);
	dir_entry_free(&e);
	return ret;
}

int dir_host_add(struct dir_conn *conn, const char *host)
{
	char *dn = NULL;
	int ret = dir_host_dn(conn, host, &dn);

	if (ret == DIR_OK)
		ret = named_entry_add(conn, dn, "ipsecHost", host);
	free(dn);
	return ret;
}

int dir_group_add(struct dir_conn *conn, const char *group)
{
	char *dn = NULL;
	int ret = dir_group_dn(conn, group, &dn);

	if (ret == DIR_OK)
		ret = named_entry_add(conn, dn, "ipsecHostGroup", group);
	free(dn);
	return ret;
}

int dir_group_member(struct dir_conn *conn, const char *host,
		     const char *group, bool add)
{
	char *host_dn = NULL;
	char *group_dn = NULL;
	char **vals = NULL;
	size_t n = 0;
	struct batch b = { 0 };
	int ret;

	ret = dir_host_find(conn, host, &host_dn);
	if (ret == DIR_ERR_NOT_FOUND && !add)
		dir_fail(conn, ret, "host '%s' not found, so it is in no group",
			 host);
	if (ret == DIR_OK)
		ret = dir_group_dn(conn, group, &group_dn);
	if (ret == DIR_OK) {
		ret = dir_read_attr(conn, group_dn, "ipsecName", &vals, &n);
		if (ret == DIR_ERR_NOT_FOUND && add)
			dir_fail(conn, ret, "group '%s' not found; create it with --add-group=%s",
				 group, group);
		else if (ret == DIR_ERR_NOT_FOUND)
			dir_fail(conn, ret, "group '%s' not found, so host '%s' is not its member; check the name",
				 group, host);
	}
	if (ret == DIR_OK)
		ret = batch_value(&b, host_dn, add ? LDAP_MOD_ADD : LDAP_MOD_DELETE,
				  "ipsecGroupReference", group_dn);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &b, false);
	/* Adding a member twice or removing a non-member changes nothing. */
	if (ret == DIR_ERR_CONFLICT)
		ret = DIR_OK;
	batch_free(&b);
	dir_names_free(vals, n);
	free(group_dn);
	free(host_dn);
	return ret;
}

/* Longer DNs first, so every child goes before its parent. */
static int dn_deeper_first(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	if (la == lb)
		return 0;
	return la < lb ? 1 : -1;
}

int dir_host_delete(struct dir_conn *conn, const char *host)
{
	char *attrs[] = { LDAP_NO_ATTRS, NULL };
	char *host_dn = NULL;
	char **dns = NULL;
	size_t count = 0;
	LDAPMessage *res = NULL;
	struct batch b = { 0 };
	int rc, ret;

	ret = dir_host_find(conn, host, &host_dn);
	if (ret != DIR_OK)
		goto out;
	/* The host's local policies and their parts live below its entry. */
	rc = ldap_search_ext_s(conn->ld, host_dn, LDAP_SCOPE_SUBTREE,
			       "(objectClass=*)", attrs, 1, NULL, NULL, NULL,
			       LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL,
				    "cannot read the entries of host '%s'", host);
		goto out;
	}
	dns = calloc((size_t)ldap_count_entries(conn->ld, res) + 1,
		     sizeof(*dns));
	if (!dns) {
		ret = DIR_ERR_NOMEM;
		goto out;
	}
	for (LDAPMessage *e = ldap_first_entry(conn->ld, res); e;
	     e = ldap_next_entry(conn->ld, e)) {
		char *dn = ldap_get_dn(conn->ld, e);

		if (!dn) {
			ret = DIR_ERR_NOMEM;
			goto out;
		}
		dns[count] = strdup(dn);
		ldap_memfree(dn);
		if (!dns[count++]) {
			ret = DIR_ERR_NOMEM;
			goto out;
		}
	}
	qsort(dns, count, sizeof(*dns), dn_deeper_first);
	for (size_t i = 0; ret == DIR_OK && i < count; i++)
		ret = batch_delete(&b, dns[i]);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &b, true);
out:
	dir_names_free(dns, count);
	batch_free(&b);
	ldap_msgfree(res);
	free(host_dn);
	return ret;
}

void dir_rules_free(struct rule_spec *rules, size_t count)
{
	for (size_t i = 0; i < count; i++)
		rule_free(&rules[i]);
	free(rules);
}

int dir_host_dynamic_read(struct dir_conn *conn, const char *host,
			  struct rule_spec **rules, size_t *count)
{
	char *dn = NULL;
	char **vals = NULL;
	size_t n = 0;
	int ret;

	*rules = NULL;
	*count = 0;
	ret = dir_host_find(conn, host, &dn);
	if (ret == DIR_ERR_NOT_FOUND)
		return DIR_OK;	/* a host without an entry has no rules */
	if (ret == DIR_OK)
		ret = dir_read_attr(conn, dn, "ipsecDynamicRule", &vals, &n);
	if (ret != DIR_OK || n == 0)
		goto out;
	*rules = calloc(n, sizeof(**rules));
	if (!*rules) {
		ret = DIR_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char err[256];
		json_error_t jerr;
		json_t *json = json_loads(vals[i], JSON_REJECT_DUPLICATES, &jerr);
		int rc = json ? rule_from_json(json, &(*rules)[i], err,
					       sizeof(err)) : -1;

		json_decref(json);
		if (rc != 0) {
			ret = dir_fail(conn, DIR_ERR_BAD_VALUE,
				       "invalid dynamic rule %zu of host '%s': %s",
				       i + 1, host, json ? err : jerr.text);
			dir_rules_free(*rules, i);
			*rules = NULL;
			goto out;
		}
		*count = i + 1;
	}
out:
	for (size_t i = 0; i < n; i++)
		explicit_bzero(vals[i], strlen(vals[i]));
	dir_names_free(vals, n);
	free(dn);
	return ret;
}

int dir_host_dynamic_write(struct dir_conn *conn, const char *host,
			   const struct rule_spec *rules, size_t count)
{
	struct dir_entry e = { 0 };
	struct batch b = { 0 };
	int ret;

	ret = dir_host_find(conn, host, &e.dn);
	if (ret == DIR_OK)
		ret = dir_entry_touch(&e, "ipsecDynamicRule");
	for (size_t i = 0; ret == DIR_OK && i < count; i++) {
		json_t *json = rule_to_json(&rules[i], PRINT_SECRETS);
		char *text = json ? json_dumps(json, JSON_COMPACT |
						     JSON_SORT_KEYS) : NULL;

		json_decref(json);
		ret = dir_entry_take(&e, "ipsecDynamicRule", text);
	}
	if (ret == DIR_OK)
		ret = batch_replace(&b, &e);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &b, false);
	batch_free(&b);
	dir_entry_free(&e);
	return ret;
}

/* Reading what a writer needs to know about a stored policy. */
#include "dir_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void scan_free(struct policy_scan *s)
{
	for (size_t i = 0; i < s->rule_count; i++) {
		free(s->rules[i].name);
		for (int k = 0; k < DIR_RULE_ENTRIES; k++)
			free(s->rules[i].dns[k]);
	}
	free(s->rules);
	dir_names_free(s->owned, s->owned_count);
	dir_names_free(s->garbage, s->garbage_count);
	free(s->container);
	memset(s, 0, sizeof(*s));
}

static int names_push(char ***names, size_t *count, char *name)
{
	char **grown;

	if (!name)
		return DIR_ERR_NOMEM;
	grown = realloc(*names, (*count + 1) * sizeof(*grown));
	if (!grown) {
		free(name);
		return DIR_ERR_NOMEM;
	}
	grown[(*count)++] = name;
	*names = grown;
	return DIR_OK;
}

static char *value_dup(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **vals = ldap_get_values_len(ld, e, attr);
	char *text = NULL;

	if (vals && vals[0])
		text = strndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return text;
}

/* True when the entry's createTimestamp (GeneralizedTime, UTC) is older
 * than the grace period, or unreadable. */
static bool entry_is_old(LDAP *ld, LDAPMessage *e)
{
	char *stamp = value_dup(ld, e, "createTimestamp");
	struct tm tm = { 0 };
	bool old = true;

	if (stamp && strptime(stamp, "%Y%m%d%H%M%S", &tm))
		old = timegm(&tm) + SCAN_GRACE_SECONDS < time(NULL);
	free(stamp);
	return old;
}

static int scan_rule_add(LDAP *ld, LDAPMessage *e, const char *dn,
			 struct policy_scan *s)
{
	static const char *const links[DIR_RULE_ENTRIES] = {
		NULL, "ipsecFilterReference", "ipsecNegotiationPolicyReference",
		"ipsecISAKMPReference",
	};
	struct scan_rule *grown;
	struct scan_rule *r;

	grown = realloc(s->rules, (s->rule_count + 1) * sizeof(*grown));
	if (!grown)
		return DIR_ERR_NOMEM;
	s->rules = grown;
	r = &grown[s->rule_count++];
	memset(r, 0, sizeof(*r));
	r->name = value_dup(ld, e, "ipsecName");
	r->dns[DIR_NFA] = strdup(dn);
	for (int k = DIR_FILTERS; k < DIR_RULE_ENTRIES; k++)
		r->dns[k] = value_dup(ld, e, links[k]);
	return r->name && r->dns[DIR_NFA] ? DIR_OK : DIR_ERR_NOMEM;
}

/* The DNs every linked rule reaches: its entry and its three parts. */
static int scan_linked(const struct policy_scan *s, char ***set, size_t *n)
{
	char **linked = calloc(s->rule_count * DIR_RULE_ENTRIES + 1,
			       sizeof(*linked));
	int ret;

	*n = 0;
	if (!linked)
		return DIR_ERR_NOMEM;
	for (size_t i = 0; i < s->rule_count; i++)
		for (int k = 0; k < DIR_RULE_ENTRIES; k++)
			if (s->rules[i].dns[k])
				linked[(*n)++] = s->rules[i].dns[k];
	ret = dir_dn_set_new(linked, *n, set);
	free(linked);
	return ret;
}

/* Sort each owned entry: a linked rule, or garbage when old enough. */
static int scan_entries(struct dir_conn *conn, LDAPMessage *res,
			char *const *refs, size_t nrefs, struct policy_scan *s)
{
	char **linked = NULL;
	size_t nlinked = 0;
	int ret = DIR_OK;

	for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
	     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
		char *dn = ldap_get_dn(conn->ld, e);

		ret = dn ? names_push(&s->owned, &s->owned_count, strdup(dn)) :
			   DIR_ERR_NOMEM;
		if (ret == DIR_OK && dir_dn_set_has(refs, nrefs, dn))
			ret = scan_rule_add(conn->ld, e, dn, s);
		ldap_memfree(dn);
	}
	if (ret == DIR_OK)
		ret = scan_linked(s, &linked, &nlinked);
	for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
	     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
		char *dn = ldap_get_dn(conn->ld, e);

		if (!dn)
			ret = DIR_ERR_NOMEM;
		else if (!dir_dn_set_has(linked, nlinked, dn) &&
			 entry_is_old(conn->ld, e))
			ret = names_push(&s->garbage, &s->garbage_count,
					 strdup(dn));
		ldap_memfree(dn);
	}
	dir_names_free(linked, linked ? nlinked : 0);
	return ret;
}

int policy_scan(struct dir_conn *conn, const char *policy_dn,
		struct policy_scan *s)
{
	char *attrs[] = { "ipsecName", "ipsecFilterReference",
			  "ipsecNegotiationPolicyReference",
			  "ipsecISAKMPReference", "createTimestamp", NULL };
	LDAPMessage *res = NULL;
	char *self = NULL, *filter = NULL;
	char **refs = NULL, **set = NULL;
	size_t nrefs = 0;
	int rc;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = dir_policy_version(conn, policy_dn, &s->version);
	if (ret == DIR_ERR_NOT_FOUND)
		return DIR_OK;
	if (ret != DIR_OK)
		return ret;
	s->exists = true;
	ret = dir_read_attr(conn, policy_dn, "ipsecNFAReference", &refs, &nrefs);
	if (ret == DIR_OK)
		ret = dir_dn_set_new(refs, nrefs, &set);
	if (ret == DIR_OK)
		ret = dir_dn_split(policy_dn, &self, &s->container);
	if (ret == DIR_OK)
		ret = dir_filter_eq(conn, "ipsecOwnerReference", policy_dn, &filter);
	if (ret != DIR_OK)
		goto out;
	rc = ldap_search_ext_s(conn->ld, s->container, LDAP_SCOPE_ONELEVEL,
			       filter, attrs, 0, NULL, NULL, NULL,
			       LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL, "cannot read the rules of policy '%s'",
				    policy_dn);
		goto out;
	}
	ret = scan_entries(conn, res, set, nrefs, s);
out:
	ldap_msgfree(res);
	dir_names_free(refs, nrefs);
	dir_names_free(set, set ? nrefs : 0);
	free(self);
	free(filter);
	return ret;
}

const struct scan_rule *scan_rule_find(const struct policy_scan *s,
				       const char *name)
{
	for (size_t i = 0; i < s->rule_count; i++)
		if (strcmp(s->rules[i].name, name) == 0)
			return &s->rules[i];
	return NULL;
}

/*
 * Reading policies, hosts and assignments. A whole policy is one base
 * read of the policy entry and one indexed one-level search for the
 * entries that name it in ipsecOwnerReference.
 */
#include "dir_internal.h"
#include "grammar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dir_names_free(char **names, size_t count)
{
	if (!names)
		return;
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/*
 * Read the values of one attribute of one entry (base scope). Returns
 * DIR_ERR_NOT_FOUND when the entry does not exist; an entry without the
 * attribute gives *count 0.
 */
int dir_read_attr(struct dir_conn *conn, const char *dn, const char *attr,
		  char ***values, size_t *count)
{
	char *attrs[] = { (char *)attr, NULL };
	LDAPMessage *res = NULL;
	LDAPMessage *entry;
	struct berval **vals = NULL;
	size_t n = 0;
	int rc;
	int ret = DIR_ERR_NOMEM;

	*values = NULL;
	*count = 0;
	rc = ldap_search_ext_s(conn->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			       attrs, 0, NULL, NULL, NULL, 1, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL, "cannot read '%s'", dn);
		if (rc == LDAP_NO_SUCH_OBJECT)
			dir_fail(conn, ret, "'%s' not found", dn);
		goto out;
	}
	entry = ldap_first_entry(conn->ld, res);
	if (!entry) {
		ret = dir_fail(conn, DIR_ERR_NOT_FOUND, "'%s' not found", dn);
		goto out;
	}
	vals = ldap_get_values_len(conn->ld, entry, attr);
	while (vals && vals[n])
		n++;
	if (n) {
		*values = calloc(n, sizeof(**values));
		if (!*values)
			goto out;
		for (size_t i = 0; i < n; i++) {
			(*values)[i] = strndup(vals[i]->bv_val, vals[i]->bv_len);
			if (!(*values)[i]) {
				dir_names_free(*values, i);
				*values = NULL;
				goto out;
			}
		}
	}
	*count = n;
	ret = DIR_OK;
out:
	ldap_value_free_len(vals);
	ldap_msgfree(res);
	return ret;
}

static int u64_parse(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-')
		return -1;
	*out = n;
	return 0;
}

int dir_policy_version(struct dir_conn *conn, const char *policy_dn,
		       uint64_t *version)
{
	char **vals = NULL;
	size_t n = 0;
	int ret;

	ret = dir_read_attr(conn, policy_dn, "ipsecVersion", &vals, &n);
	if (ret == DIR_OK && (n != 1 || u64_parse(vals[0], version) != 0))
		ret = dir_fail(conn, DIR_ERR_BAD_VALUE,
			       "policy '%s' has no valid ipsecVersion; is it an ipsecPolicy entry?",
			       policy_dn);
	dir_names_free(vals, n);
	return ret;
}

int dir_dn_split(const char *dn, char **self, char **parent)
{
	LDAPDN parsed = NULL;
	char *text = NULL;
	int ret = DIR_ERR_NOMEM;

	*self = *parent = NULL;
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    !parsed)
		return DIR_ERR_BAD_VALUE;
	if (ldap_dn2str(parsed, &text, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) != LDAP_SUCCESS)
		goto out;
	*self = strdup(text);
	ldap_memfree(text);
	text = NULL;
	if (ldap_dn2str(parsed + 1, &text, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) != LDAP_SUCCESS)
		goto out;
	*parent = strdup(text ? text : "");
	if (*self && *parent)
		ret = DIR_OK;
out:
	ldap_memfree(text);
	ldap_dnfree(parsed);
	return ret;
}

static int canon_compare(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

int dir_dn_set_new(char *const *dns, size_t n, char ***set)
{
	char **out = calloc(n ? n : 1, sizeof(*out));
	int ret = DIR_OK;

	*set = NULL;
	if (!out)
		return DIR_ERR_NOMEM;
	for (size_t i = 0; i < n && ret == DIR_OK; i++) {
		char *parent = NULL;

		ret = dir_dn_split(dns[i], &out[i], &parent);
		free(parent);
	}
	if (ret != DIR_OK) {
		dir_names_free(out, n);
		return ret;
	}
	qsort(out, n, sizeof(*out), canon_compare);
	*set = out;
	return DIR_OK;
}

bool dir_dn_set_has(char *const *set, size_t n, const char *dn)
{
	char *self = NULL, *parent = NULL;
	bool found = false;

	if (n && dir_dn_split(dn, &self, &parent) == DIR_OK)
		found = bsearch(&self, set, n, sizeof(*set), canon_compare) != NULL;
	free(self);
	free(parent);
	return found;
}

static bool has_class(LDAP *ld, LDAPMessage *entry, const char *name)
{
	struct berval **vals = ldap_get_values_len(ld, entry, "objectClass");
	bool found = false;

	for (size_t i = 0; vals && vals[i] && !found; i++)
		found = vals[i]->bv_len == strlen(name) &&
			strncasecmp(vals[i]->bv_val, name, vals[i]->bv_len) == 0;
	ldap_value_free_len(vals);
	return found;
}

static char *first_value(LDAP *ld, LDAPMessage *entry, const char *attr)
{
	struct berval **vals = ldap_get_values_len(ld, entry, attr);
	char *text = NULL;

	if (vals && vals[0])
		text = strndup(vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return text;
}

/* A child entry of a rule during a fetch, found again by its DN. */
struct rule_slot {
	char *dn;
	struct named_rule *rule;
};

static int slot_compare(const void *a, const void *b)
{
	return strcasecmp(((const struct rule_slot *)a)->dn,
			  ((const struct rule_slot *)b)->dn);
}

static int rule_compare(const void *a, const void *b)
{
	return strcmp(((const struct named_rule *)a)->name,
		      ((const struct named_rule *)b)->name);
}

static int policy_entry_read(struct dir_conn *conn, LDAPMessage *entry,
			     struct policy_doc *out)
{
	char *name = first_value(conn->ld, entry, "ipsecName");
	char *version = first_value(conn->ld, entry, "ipsecVersion");
	char *poll = first_value(conn->ld, entry, "ipsecPollInterval");
	char *ike = first_value(conn->ld, entry, "ipsecIKEVersion");
	uint64_t n = POLL_DEFAULT_MINUTES;
	int ret = DIR_OK;

	if (!name || !version || u64_parse(version, &out->version) != 0 ||
	    (poll && (u64_parse(poll, &n) != 0 || n > UINT32_MAX))) {
		ret = dir_fail(conn, DIR_ERR_BAD_VALUE,
			       "policy '%s' lacks a valid ipsecName, ipsecVersion or ipsecPollInterval",
			       name ? name : "?");
		goto out;
	}
	/* An entry without the attribute predates it and means IKEv2. */
	out->ike_version = IKE_V2;
	if (ike && strcmp(ike, "1") == 0) {
		out->ike_version = IKE_V1;
	} else if (ike && strcmp(ike, "2") != 0) {
		ret = dir_fail(conn, DIR_ERR_BAD_VALUE,
			       "policy '%s' has ipsecIKEVersion '%s'; write 1 or 2",
			       name, ike);
		goto out;
	}
	out->poll_minutes = (uint32_t)n;
	out->name = name;
	name = NULL;
out:
	free(name);
	free(version);
	free(poll);
	free(ike);
	return ret;
}

/* Remember the three entries an ipsecNFA entry links to. */
static int slots_add(struct dir_conn *conn, LDAPMessage *e,
		     struct named_rule *r, struct rule_slot *slots,
		     size_t *count)
{
	static const char *const links[] = { "ipsecFilterReference",
					     "ipsecNegotiationPolicyReference",
					     "ipsecISAKMPReference" };
	int ret = DIR_OK;

	for (size_t k = 0; k < 3 && ret == DIR_OK; k++) {
		char *dn = first_value(conn->ld, e, links[k]);
		char *parent = NULL;

		if (!dn)
			continue;
		ret = dir_dn_split(dn, &slots[*count].dn, &parent);
		if (ret == DIR_OK)
			slots[(*count)++].rule = r;
		free(parent);
		free(dn);
	}
	return ret;
}

/* First pass: one named_rule per ipsecNFA entry. */
static int fetch_rules(struct dir_conn *conn, LDAPMessage *res,
		       struct policy_doc *out, char *const *refs, size_t nrefs,
		       struct rule_slot **slots, size_t *nslots)
{
	size_t n = 0;
	int ret = DIR_OK;

	for (LDAPMessage *e = ldap_first_entry(conn->ld, res); e;
	     e = ldap_next_entry(conn->ld, e))
		n += has_class(conn->ld, e, "ipsecNFA");
	out->rules = calloc(n ? n : 1, sizeof(*out->rules));
	*slots = calloc(n ? 3 * n : 1, sizeof(**slots));
	if (!out->rules || !*slots)
		return DIR_ERR_NOMEM;

	for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
	     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
		struct named_rule *r;
		char *dn;
		bool linked;

		if (!has_class(conn->ld, e, "ipsecNFA"))
			continue;
		/* Only rules the policy links to count: a rule whose deletion
		 * was cut short stays unlinked until the next write removes it. */
		dn = ldap_get_dn(conn->ld, e);
		linked = dn && dir_dn_set_has(refs, nrefs, dn);
		ldap_memfree(dn);
		if (!linked)
			continue;
		r = &out->rules[out->rule_count++];
		r->name = first_value(conn->ld, e, "ipsecName");
		if (!r->name)
			return dir_fail(conn, DIR_ERR_BAD_VALUE,
					"a rule of policy '%s' has no ipsecName",
					out->name);
		ret = dir_rule_read(conn, conn->ld, e, &r->rule);
		if (ret == DIR_OK)
			ret = slots_add(conn, e, r, *slots, nslots);
	}
	return ret;
}

/* Second pass: each linked entry fills its rule. */
static int fetch_parts(struct dir_conn *conn, LDAPMessage *res,
		       struct rule_slot *slots, size_t count)
{
	int ret = DIR_OK;

	for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
	     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
		struct rule_slot key = { 0 }, *slot;
		char *parent = NULL, *dn;

		if (has_class(conn->ld, e, "ipsecNFA"))
			continue;
		dn = ldap_get_dn(conn->ld, e);
		if (!dn)
			return DIR_ERR_NOMEM;
		ret = dir_dn_split(dn, &key.dn, &parent);
		ldap_memfree(dn);
		slot = ret == DIR_OK ? bsearch(&key, slots, count,
					       sizeof(*slots), slot_compare) :
				       NULL;
		if (slot)
			ret = dir_rule_read(conn, conn->ld, e, &slot->rule->rule);
		free(parent);
		free(key.dn);
	}
	return ret;
}

/* All values of one attribute of an entry, each malloc'd. */
static int values_copy(LDAP *ld, LDAPMessage *e, const char *attr,
		       char ***values, size_t *count)
{
	struct berval **vals = ldap_get_values_len(ld, e, attr);
	size_t n = 0;
	int ret = DIR_OK;

	*values = NULL;
	*count = 0;
	while (vals && vals[n])
		n++;
	if (n) {
		*values = calloc(n, sizeof(**values));
		if (!*values)
			ret = DIR_ERR_NOMEM;
	}
	for (size_t i = 0; ret == DIR_OK && i < n; i++) {
		(*values)[i] = strndup(vals[i]->bv_val, vals[i]->bv_len);
		if (!(*values)[i])
			ret = DIR_ERR_NOMEM;
		else
			*count = i + 1;
	}
	ldap_value_free_len(vals);
	return ret;
}

/* Read the policy entry itself and its links to rules. */
static int fetch_policy_entry(struct dir_conn *conn, const char *policy_dn,
			      struct policy_doc *out, char ***refs,
			      size_t *nrefs)
{
	LDAPMessage *res = NULL;
	LDAPMessage *e;
	int rc;
	int ret;

	rc = ldap_search_ext_s(conn->ld, policy_dn, LDAP_SCOPE_BASE,
			       "(objectClass=ipsecPolicy)", NULL, 0, NULL, NULL,
			       NULL, 1, &res);
	e = rc == LDAP_SUCCESS ? ldap_first_entry(conn->ld, res) : NULL;
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS && !e))
		ret = dir_fail(conn, DIR_ERR_NOT_FOUND, "policy '%s' not found",
			       policy_dn);
	else if (rc != LDAP_SUCCESS)
		ret = dir_fail_ldap(conn, rc, NULL, "cannot read policy '%s'",
				    policy_dn);
	else
		ret = policy_entry_read(conn, e, out);
	if (ret == DIR_OK)
		ret = values_copy(conn->ld, e, "ipsecNFAReference", refs, nrefs);
	ldap_msgfree(res);
	return ret;
}

int dir_policy_fetch(struct dir_conn *conn, const char *policy_dn,
		     struct policy_doc *out)
{
	LDAPMessage *res = NULL;
	struct rule_slot *slots = NULL;
	size_t nslots = 0;
	char *self = NULL, *container = NULL, *filter = NULL;
	char **refs = NULL, **set = NULL;
	size_t nrefs = 0;
	int rc;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = fetch_policy_entry(conn, policy_dn, out, &refs, &nrefs);
	if (ret == DIR_OK)
		ret = dir_dn_set_new(refs, nrefs, &set);
	if (ret == DIR_OK)
		ret = dir_dn_split(policy_dn, &self, &container);
	if (ret == DIR_OK)
		ret = dir_filter_eq(conn, "ipsecOwnerReference", policy_dn,
				    &filter);
	if (ret != DIR_OK)
		goto out;
	rc = ldap_search_ext_s(conn->ld, container, LDAP_SCOPE_ONELEVEL,
			       filter, NULL, 0, NULL, NULL, NULL,
			       LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL, "cannot read the rules of policy '%s'",
				    policy_dn);
		goto out;
	}
	ret = fetch_rules(conn, res, out, set, nrefs, &slots, &nslots);
	if (ret != DIR_OK)
		goto out;
	qsort(slots, nslots, sizeof(*slots), slot_compare);
	ret = fetch_parts(conn, res, slots, nslots);
	if (ret != DIR_OK)
		goto out;
	qsort(out->rules, out->rule_count, sizeof(*out->rules), rule_compare);
	for (size_t i = 0; i < out->rule_count; i++)
		out->rules[i].rule.ike_version = out->ike_version;
out:
	for (size_t i = 0; i < nslots; i++)
		free(slots[i].dn);
	free(slots);
	free(self);
	free(container);
	free(filter);
	dir_names_free(refs, nrefs);
	dir_names_free(set, set ? nrefs : 0);
	ldap_msgfree(res);
	if (ret != DIR_OK)
		policy_doc_free(out);
	return ret;
}

int dir_host_find(struct dir_conn *conn, const char *host, char **dn)
{
	char **vals = NULL;
	size_t n = 0;
	int ret;

	ret = dir_host_dn(conn, host, dn);
	if (ret != DIR_OK)
		return ret;
	ret = dir_read_attr(conn, *dn, "ipsecName", &vals, &n);
	dir_names_free(vals, n);
	if (ret == DIR_ERR_NOT_FOUND)
		dir_fail(conn, ret, "host '%s' not found; add it with --add-host=%s",
			 host, host);
	if (ret != DIR_OK) {
		free(*dn);
		*dn = NULL;
	}
	return ret;
}

static int str_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The policy linked from one entry, or NULL; a missing entry gives NULL. */
static int linked_policy(struct dir_conn *conn, const char *dn,
			 const char *attr, char **policy_dn)
{
	char **vals = NULL;
	size_t n = 0;
	int ret;

	*policy_dn = NULL;
	ret = dir_read_attr(conn, dn, attr, &vals, &n);
	if (ret == DIR_ERR_NOT_FOUND)
		return DIR_OK;
	if (ret == DIR_OK && n > 0) {
		*policy_dn = vals[0];
		vals[0] = NULL;
	}
	dir_names_free(vals, n);
	return ret;
}

int dir_host_assigned(struct dir_conn *conn, const char *host,
		      char **policy_dn, enum dir_scope *scope)
{
	char *host_dn = NULL;
	char **groups = NULL;
	size_t ngroups = 0;
	int ret;

	*policy_dn = NULL;
	*scope = DIR_SCOPE_NONE;
	ret = dir_host_dn(conn, host, &host_dn);
	if (ret != DIR_OK)
		goto out;
	ret = linked_policy(conn, host_dn, "ipsecPolicyReference", policy_dn);
	if (ret != DIR_OK || *policy_dn) {
		*scope = *policy_dn ? DIR_SCOPE_HOST : DIR_SCOPE_NONE;
		goto out;
	}
	ret = dir_read_attr(conn, host_dn, "ipsecGroupReference", &groups,
			    &ngroups);
	if (ret == DIR_ERR_NOT_FOUND)
		ret = DIR_OK;
	if (ret != DIR_OK)
		goto out;
	if (ngroups > 1)
		qsort(groups, ngroups, sizeof(*groups), str_compare);
	for (size_t i = 0; i < ngroups; i++) {
		ret = linked_policy(conn, groups[i], "ipsecPolicyReference",
				    policy_dn);
		if (ret != DIR_OK)
			goto out;
		if (*policy_dn) {
			*scope = DIR_SCOPE_GROUP;
			goto out;
		}
	}
	ret = linked_policy(conn, conn->root, "ipsecPolicyReference", policy_dn);
	if (ret == DIR_OK && *policy_dn)
		*scope = DIR_SCOPE_DOMAIN;
out:
	dir_names_free(groups, ngroups);
	free(host_dn);
	return ret;
}

int dir_host_local_policy(struct dir_conn *conn, const char *host,
			  struct policy_doc *out, bool *found)
{
	char *host_dn = NULL;
	char *policy_dn = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = false;
	ret = dir_host_find(conn, host, &host_dn);
	if (ret == DIR_ERR_NOT_FOUND)
		return DIR_OK;	/* a host without an entry has no local policy */
	if (ret == DIR_OK)
		ret = linked_policy(conn, host_dn, "ipsecLocalPolicyReference",
				    &policy_dn);
	if (ret == DIR_OK && policy_dn) {
		ret = dir_policy_fetch(conn, policy_dn, out);
		*found = ret == DIR_OK;
	}
	free(policy_dn);
	free(host_dn);
	return ret;
}

int dir_policy_list(struct dir_conn *conn, const char *host, char ***names,
		    size_t *count)
{
	char *attrs[] = { "ipsecName", NULL };
	char *parent = NULL;
	LDAPMessage *res = NULL;
	char **list = NULL;
	size_t n = 0;
	int rc;
	int ret;

	*names = NULL;
	*count = 0;
	if (host)
		ret = dir_host_find(conn, host, &parent);
	else
		ret = dir_dn_child(conn, conn->root, "cn", "Policies", &parent);
	if (ret != DIR_OK)
		goto out;
	rc = ldap_search_ext_s(conn->ld, parent, LDAP_SCOPE_ONELEVEL,
			       "(objectClass=ipsecPolicy)", attrs, 0, NULL,
			       NULL, NULL, LDAP_NO_LIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL, "cannot list policies in '%s'",
				    parent);
		goto out;
	}
	list = calloc((size_t)ldap_count_entries(conn->ld, res) + 1,
		      sizeof(*list));
	ret = DIR_ERR_NOMEM;
	if (!list)
		goto out;
	for (LDAPMessage *e = ldap_first_entry(conn->ld, res); e;
	     e = ldap_next_entry(conn->ld, e)) {
		list[n] = first_value(conn->ld, e, "ipsecName");
		if (list[n])
			n++;
	}
	qsort(list, n, sizeof(*list), str_compare);
	*names = list;
	*count = n;
	list = NULL;
	n = 0;
	ret = DIR_OK;
out:
	dir_names_free(list, n);
	ldap_msgfree(res);
	free(parent);
	return ret;
}

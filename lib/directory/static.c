/*
 * Static mode (-w ds / -w reg:HOST) against the directory, with the
 * Windows command's semantics: -p creates the policy or reuses it, -r
 * adds a rule or replaces only the parts the line gave, -o deletes the
 * policy or the named rules, -x / -y assign and unassign.
 *
 * Each command reads the policy's version and rule names, builds every
 * update, and sends them in one transaction whose first update steps the
 * version. When another writer changed the policy in between, the step
 * fails, nothing is applied, and the command reads again and retries.
 */
#include "dir_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Attempts before a command gives up against concurrent writers. */
#define APPLY_ATTEMPTS 60

/* A stored rule: its name and the DNs of its four entries. */
struct scan_rule {
	char *name;
	char *dns[DIR_RULE_ENTRIES];
};

/* What a command needs to know about the stored policy. */
struct policy_scan {
	bool exists;
	uint64_t version;
	char *container;	/* parent of the policy entry */
	struct scan_rule *rules;
	size_t rule_count;
	char **owned;		/* every entry that belongs to the policy */
	size_t owned_count;
};

static void scan_free(struct policy_scan *s)
{
	for (size_t i = 0; i < s->rule_count; i++) {
		free(s->rules[i].name);
		for (int k = 0; k < DIR_RULE_ENTRIES; k++)
			free(s->rules[i].dns[k]);
	}
	free(s->rules);
	dir_names_free(s->owned, s->owned_count);
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

static int scan_rule_add(struct dir_conn *conn, LDAPMessage *e,
			 const char *dn, struct policy_scan *s)
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
	r->name = value_dup(conn->ld, e, "ipsecName");
	r->dns[DIR_NFA] = strdup(dn);
	for (int k = DIR_FILTERS; k < DIR_RULE_ENTRIES; k++)
		r->dns[k] = value_dup(conn->ld, e, links[k]);
	return r->name && r->dns[DIR_NFA] ? DIR_OK : DIR_ERR_NOMEM;
}

static int policy_scan(struct dir_conn *conn, const char *policy_dn,
		       struct policy_scan *s)
{
	char *attrs[] = { "objectClass", "ipsecName", "ipsecFilterReference",
			  "ipsecNegotiationPolicyReference",
			  "ipsecISAKMPReference", NULL };
	LDAPMessage *res = NULL;
	char *self = NULL, *filter = NULL;
	int rc;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = dir_policy_version(conn, policy_dn, &s->version);
	if (ret == DIR_ERR_NOT_FOUND)
		return DIR_OK;
	if (ret != DIR_OK)
		return ret;
	s->exists = true;
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
	for (LDAPMessage *e = ldap_first_entry(conn->ld, res);
	     e && ret == DIR_OK; e = ldap_next_entry(conn->ld, e)) {
		struct berval **oc = ldap_get_values_len(conn->ld, e, "objectClass");
		char *dn = ldap_get_dn(conn->ld, e);
		bool is_rule = false;

		for (size_t i = 0; oc && oc[i]; i++)
			is_rule |= oc[i]->bv_len == 8 &&
				   strncasecmp(oc[i]->bv_val, "ipsecNFA", 8) == 0;
		ret = dn ? names_push(&s->owned, &s->owned_count, strdup(dn)) :
			   DIR_ERR_NOMEM;
		if (ret == DIR_OK && is_rule)
			ret = scan_rule_add(conn, e, dn, s);
		ldap_memfree(dn);
		ldap_value_free_len(oc);
	}
out:
	ldap_msgfree(res);
	free(self);
	free(filter);
	return ret;
}

static const struct scan_rule *scan_rule_find(const struct policy_scan *s,
					      const char *name)
{
	for (size_t i = 0; i < s->rule_count; i++)
		if (strcmp(s->rules[i].name, name) == 0)
			return &s->rules[i];
	return NULL;
}

/* Queue the deletion of one rule's four entries, all leaves. */
static int rule_delete(struct batch *b, const char *policy_dn,
		       const struct scan_rule *r)
{
	int ret = DIR_OK;

	for (int i = DIR_RULE_ENTRIES - 1; ret == DIR_OK && i >= 0; i--)
		if (r->dns[i])
			ret = batch_delete(b, r->dns[i]);
	if (ret == DIR_OK)
		ret = batch_value(b, policy_dn, LDAP_MOD_DELETE,
				  "ipsecNFAReference", r->dns[DIR_NFA]);
	return ret;
}

/* Queue a new rule's four entries, or the replacement of the parts the
 * command gave for an existing rule. */
static int rule_write(struct dir_conn *conn, struct batch *b,
		      const char *policy_dn, const char *container,
		      const char *name, const struct rule_spec *rule,
		      unsigned parts, const struct scan_rule *existing)
{
	struct dir_entry entries[DIR_RULE_ENTRIES];
	char *fresh[DIR_RULE_ENTRIES] = { NULL };
	char *const *dns = existing ? existing->dns : fresh;
	int ret = DIR_OK;

	if (existing) {
		for (int i = 0; i < DIR_RULE_ENTRIES; i++)
			if (!existing->dns[i])
				return dir_fail(conn, DIR_ERR_BAD_VALUE,
						"rule '%s' lacks a link to its parts; delete it with -o -r and write it again",
						name);
	} else {
		ret = dir_rule_dns_new(conn, container, fresh);
	}
	if (ret == DIR_OK)
		ret = dir_rule_entries(policy_dn, dns, name, rule,
				       existing ? parts : ~0u, !existing, entries);
	if (ret != DIR_OK)
		goto out;
	if (!existing)
		ret = batch_value(b, policy_dn, LDAP_MOD_ADD,
				  "ipsecNFAReference", entries[DIR_NFA].dn);
	for (int i = 0; ret == DIR_OK && i < DIR_RULE_ENTRIES; i++)
		ret = existing ? batch_replace(b, &entries[i]) :
				 batch_add(b, &entries[i]);
	for (int i = 0; i < DIR_RULE_ENTRIES; i++)
		dir_entry_free(&entries[i]);
out:
	for (int i = 0; i < DIR_RULE_ENTRIES; i++)
		free(fresh[i]);
	return ret;
}

/* Queue removing every link to the policy (assignments), so a deleted
 * policy leaves no dangling reference even before refint runs. */
static int links_remove(struct dir_conn *conn, struct batch *b,
			const char *policy_dn)
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

static int assign_queue(struct dir_conn *conn, struct batch *b,
			const struct command *cmd,
			const struct dir_assign_target *t,
			const char *policy_dn, bool policy_deleted)
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
out:
	dir_names_free(vals, n);
	free(dn);
	return ret;
}

/* With -w reg:HOST the host entry is created on first use. */
static int host_ensure(struct dir_conn *conn, struct batch *b,
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

static int policy_create(struct batch *b, const char *policy_dn,
			 const char *name, uint32_t poll_minutes,
			 uint64_t version)
{
	struct dir_entry e = { 0 };
	char poll[16];
	char serial[24];
	int ret = DIR_ERR_NOMEM;

	e.dn = strdup(policy_dn);
	if (!e.dn)
		goto out;
	snprintf(poll, sizeof(poll), "%u", poll_minutes);
	snprintf(serial, sizeof(serial), "%llu", (unsigned long long)version);
	ret = dir_entry_add(&e, "objectClass", "ipsecPolicy");
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecName", name);
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecVersion", serial);
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecPollInterval", poll);
	if (ret == DIR_OK)
		ret = batch_add(b, &e);
out:
	dir_entry_free(&e);
	return ret;
}

static int delete_queue(struct dir_conn *conn, struct batch *b,
			const struct command *cmd, const char *policy_dn,
			const struct policy_scan *s)
{
	int ret;

	if (!s->exists)
		return dir_fail(conn, DIR_ERR_NOT_FOUND, "policy '%s' not found",
				cmd->target.policy);
	ret = batch_version(b, policy_dn, s->version, s->version + 1);
	if (cmd->target.rule_count == 0) {
		if (ret == DIR_OK)
			ret = links_remove(conn, b, policy_dn);
		for (size_t i = 0; ret == DIR_OK && i < s->owned_count; i++)
			ret = batch_delete(b, s->owned[i]);
		if (ret == DIR_OK)
			ret = batch_delete(b, policy_dn);
		return ret;
	}
	for (size_t i = 0; ret == DIR_OK && i < cmd->target.rule_count; i++) {
		const char *rule = cmd->target.rules[i];
		const struct scan_rule *r = scan_rule_find(s, rule);

		if (!r)
			return dir_fail(conn, DIR_ERR_NOT_FOUND,
					"rule '%s' not found in policy '%s'",
					rule, cmd->target.policy);
		ret = rule_delete(b, policy_dn, r);
	}
	return ret;
}

static int write_queue(struct dir_conn *conn, struct batch *b,
		       const struct command *cmd, const char *policy_dn,
		       const struct policy_scan *s)
{
	char poll[16];
	int ret;

	if (!s->exists) {
		ret = policy_create(b, policy_dn, cmd->target.policy,
				    cmd->target.poll_minutes, 1);
	} else {
		ret = batch_version(b, policy_dn, s->version, s->version + 1);
		if (ret == DIR_OK && cmd->target.poll_given) {
			snprintf(poll, sizeof(poll), "%u",
				 cmd->target.poll_minutes);
			ret = batch_value(b, policy_dn, LDAP_MOD_REPLACE,
					  "ipsecPollInterval", poll);
		}
	}
	if (ret == DIR_OK && cmd->has_rule) {
		char *self = NULL, *container = NULL;

		if (cmd->target.rule_count != 1)
			return dir_fail(conn, DIR_ERR_USAGE,
					"a rule needs exactly one -r RuleName");
		ret = dir_dn_split(policy_dn, &self, &container);
		if (ret == DIR_OK)
			ret = rule_write(conn, b, policy_dn, container,
					 cmd->target.rules[0], &cmd->rule,
					 cmd->parts,
					 scan_rule_find(s, cmd->target.rules[0]));
		free(self);
		free(container);
	}
	return ret;
}

static int apply_once(struct dir_conn *conn, const struct command *cmd,
		      const struct dir_assign_target *t, const char *host,
		      const char *policy_dn)
{
	struct policy_scan s;
	struct batch b = { 0 };
	int ret;

	ret = policy_scan(conn, policy_dn, &s);
	if (ret != DIR_OK)
		goto out;
	if (host)
		ret = host_ensure(conn, &b, host);
	if (ret == DIR_OK)
		ret = cmd->target.delete ? delete_queue(conn, &b, cmd, policy_dn, &s) :
					   write_queue(conn, &b, cmd, policy_dn, &s);
	if (ret == DIR_OK)
		ret = assign_queue(conn, &b, cmd, t, policy_dn,
				   cmd->target.delete &&
				   cmd->target.rule_count == 0);
	if (ret == DIR_OK)
		ret = batch_run(conn, &b);
out:
	batch_free(&b);
	scan_free(&s);
	return ret;
}

int dir_static_apply(struct dir_conn *conn, const struct command *cmd,
		     const struct dir_assign_target *target)
{
	const char *host = NULL;
	char *policy_dn = NULL;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	int ret;

	if (cmd->mode != MODE_STATIC || !cmd->target.policy)
		return dir_fail(conn, DIR_ERR_USAGE,
				"static mode needs -w and -p PolicyName");
	if (cmd->target.store == STORE_REG) {
		host = cmd->target.location;
		if (!host)
			return dir_fail(conn, DIR_ERR_USAGE,
					"-w reg without a host writes the local store, not the directory; write -w reg:HOST");
		ret = dir_check_name(conn, "host", host);
		if (ret != DIR_OK)
			return ret;
	}
	for (size_t i = 0; i < cmd->target.rule_count; i++) {
		ret = dir_check_name(conn, "rule", cmd->target.rules[i]);
		if (ret != DIR_OK)
			return ret;
	}
	ret = dir_policy_dn(conn, host, cmd->target.policy, &policy_dn);
	if (ret != DIR_OK)
		return ret;

	for (int attempt = 1; attempt <= APPLY_ATTEMPTS; attempt++) {
		ret = apply_once(conn, cmd, target, host, policy_dn);
		if (ret != DIR_ERR_CONFLICT)
			break;
		/* Random back-off, growing with each lost race. */
		usleep((useconds_t)(1000 + rand_r(&seed) % (2000 * attempt)));
	}
	if (ret == DIR_ERR_CONFLICT)
		dir_fail(conn, ret,
			 "policy '%s' kept changing under %d attempts; try again",
			 cmd->target.policy, APPLY_ATTEMPTS);
	free(policy_dn);
	return ret;
}

static int store_once(struct dir_conn *conn, const char *host,
		      const char *policy_dn, const struct policy_doc *doc)
{
	struct policy_scan s;
	struct batch b = { 0 };
	char *self = NULL, *container = NULL;
	uint64_t version;
	char poll[16];
	int ret;

	ret = policy_scan(conn, policy_dn, &s);
	if (ret != DIR_OK)
		goto out;
	if (host)
		ret = host_ensure(conn, &b, host);
	if (ret != DIR_OK)
		goto out;
	if (!s.exists) {
		version = doc->version > 1 ? doc->version : 1;
		ret = policy_create(&b, policy_dn, doc->name,
				    doc->poll_minutes, version);
	} else {
		version = doc->version > s.version + 1 ? doc->version :
							  s.version + 1;
		snprintf(poll, sizeof(poll), "%u", doc->poll_minutes);
		ret = batch_version(&b, policy_dn, s.version, version);
		if (ret == DIR_OK)
			ret = batch_value(&b, policy_dn, LDAP_MOD_REPLACE,
					  "ipsecPollInterval", poll);
		for (size_t i = 0; ret == DIR_OK && i < s.rule_count; i++)
			ret = rule_delete(&b, policy_dn, &s.rules[i]);
	}
	if (ret == DIR_OK)
		ret = dir_dn_split(policy_dn, &self, &container);
	for (size_t i = 0; ret == DIR_OK && i < doc->rule_count; i++) {
		ret = dir_check_name(conn, "rule", doc->rules[i].name);
		if (ret == DIR_OK)
			ret = rule_write(conn, &b, policy_dn, container,
					 doc->rules[i].name,
					 &doc->rules[i].rule, ~0u, NULL);
	}
	if (ret == DIR_OK)
		ret = batch_run(conn, &b);
out:
	free(self);
	free(container);
	batch_free(&b);
	scan_free(&s);
	return ret;
}

int dir_policy_store(struct dir_conn *conn, const char *host,
		     const struct policy_doc *doc)
{
	char *policy_dn = NULL;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	int ret;

	if (host) {
		ret = dir_check_name(conn, "host", host);
		if (ret != DIR_OK)
			return ret;
	}
	ret = dir_policy_dn(conn, host, doc->name, &policy_dn);
	for (int attempt = 1; ret == DIR_OK && attempt <= APPLY_ATTEMPTS;
	     attempt++) {
		ret = store_once(conn, host, policy_dn, doc);
		if (ret != DIR_ERR_CONFLICT)
			break;
		usleep((useconds_t)(1000 + rand_r(&seed) % (2000 * attempt)));
	}
	free(policy_dn);
	return ret;
}

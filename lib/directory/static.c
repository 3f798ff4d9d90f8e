/*
 * Static mode (-w ds / -w reg:HOST) against the directory, with the
 * Windows command's semantics. -p creates the policy or reuses it. -r
 * adds a rule or replaces only the parts the line gave. -o deletes the
 * policy or the named rules, and -x / -y assign and unassign.
 *
 * Atomicity without LDAP transactions. slapd 2.5.13 implements RFC 5805
 * on back-mdb, but it crashes when two transactions commit at once or
 * when one transaction deletes an entry and its parent, and it rolls back
 * a transaction that deletes the last child of an entry. So writes are
 * copy-on-write instead, with the policy entry as the one commit point:
 *
 *   1. read the policy (its version, links and rules);
 *   2. compute the new policy in memory (store_merge_command);
 *   3. add fresh entries for every new or changed rule (parts of a rule
 *      that did not change keep their entries); no reader sees them,
 *      because readers follow only the policy's ipsecNFAReference;
 *   4. one modify of the policy entry deletes the version read in step 1
 *      and adds the next one (it fails when another writer came first:
 *      optimistic locking in a single atomic operation) and swaps the
 *      rule links;
 *   5. delete the entries no longer linked.
 *
 * When step 4 loses a race, the entries of step 3 are deleted and the
 * command starts again from step 1. Entries left behind by a command that
 * died between steps 3 and 5 are never linked. The next write of the
 * policy deletes them once they are older than SCAN_GRACE_SECONDS.
 */
#include "dir_assign.h"
#include "dir_scan.h"
#include "grammar.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Attempts before a command gives up against concurrent writers. */
#define APPLY_ATTEMPTS 60

/* The updates of one write, in the order they are sent. */
struct write_plan {
	struct batch pre;	/* host entry and fresh rule entries */
	struct batch commit;	/* the one modify or add of the policy */
	struct batch post;	/* unlinked entries, then assignments */
	struct batch assign;
};

static void plan_free(struct write_plan *p)
{
	batch_free(&p->pre);
	batch_free(&p->commit);
	batch_free(&p->post);
	batch_free(&p->assign);
}

/* Field-by-field comparison through command_equal, the model's only
 * public equality: two commands that differ only in their rule. */
static bool rule_same(const struct rule_spec *a, const struct rule_spec *b)
{
	struct command ca = { 0 }, cb = { 0 };

	ca.rule = *a;
	cb.rule = *b;
	/* The IKE version is stored on the policy entry, not the rule's. */
	ca.rule.ike_version = IKE_V2;
	cb.rule.ike_version = IKE_V2;
	return command_equal(&ca, &cb);
}

static const struct named_rule *doc_rule(const struct policy_doc *doc,
					 const char *name)
{
	for (size_t i = 0; doc && i < doc->rule_count; i++)
		if (strcmp(doc->rules[i].name, name) == 0)
			return &doc->rules[i];
	return NULL;
}

/* Bits of the parts (1 << DIR_FILTERS and so on) whose values are the
 * same in a and b, so their stored entries can stay. */
static unsigned parts_same(const struct rule_spec *a, const struct rule_spec *b)
{
	struct rule_spec t;
	unsigned same = 0;

	t = *b;
	t.filters = a->filters;
	if (rule_same(&t, b))
		same |= 1u << DIR_FILTERS;
	t = *b;
	t.qm = a->qm;
	t.soft = a->soft;
	t.soft_expiry_seconds = a->soft_expiry_seconds;
	if (rule_same(&t, b))
		same |= 1u << DIR_ACTION;
	t = *b;
	t.mm_offers = a->mm_offers;
	t.mm_count = a->mm_count;
	t.mm_rekey_qm = a->mm_rekey_qm;
	t.mm_rekey_seconds = a->mm_rekey_seconds;
	t.mm_pfs = a->mm_pfs;
	t.mm_filters = a->mm_filters;
	if (rule_same(&t, b))
		same |= 1u << DIR_MAIN_MODE;
	return same;
}

/*
 * Queue fresh entries for one rule and its link from the policy. Parts
 * in `keep` are not written again: the new rule entry links to the stored
 * entries of stored instead, so changing the action of a rule with
 * 10,000 filters does not copy the filters.
 */
static int rule_add(struct dir_conn *conn, struct write_plan *p,
		    const char *policy_dn, const char *container,
		    const struct named_rule *r, const struct scan_rule *stored,
		    unsigned keep)
{
	struct dir_entry entries[DIR_RULE_ENTRIES];
	char *dns[DIR_RULE_ENTRIES] = { NULL };
	char *fresh[DIR_RULE_ENTRIES] = { NULL };
	int ret;

	ret = dir_check_name(conn, "rule", r->name);
	if (ret == DIR_OK)
		ret = dir_rule_dns_new(conn, container, fresh);
	for (int i = 0; i < DIR_RULE_ENTRIES; i++)
		dns[i] = (keep & (1u << i)) ? stored->dns[i] : fresh[i];
	if (ret == DIR_OK)
		ret = dir_rule_entries(policy_dn, dns, r->name, &r->rule, ~0u,
				       true, entries);
	if (ret == DIR_OK) {
		for (int i = 0; ret == DIR_OK && i < DIR_RULE_ENTRIES; i++)
			if (!(keep & (1u << i)))
				ret = batch_add(&p->pre, &entries[i]);
		for (int i = 0; i < DIR_RULE_ENTRIES; i++)
			dir_entry_free(&entries[i]);
	}
	if (ret == DIR_OK)
		ret = batch_value(&p->commit, policy_dn, LDAP_MOD_ADD,
				  "ipsecNFAReference", dns[DIR_NFA]);
	for (int i = 0; i < DIR_RULE_ENTRIES; i++)
		free(fresh[i]);
	return ret;
}

/* Queue the removal of an old rule: its link in the commit, its entries
 * after it, except the parts in keep that the new rule entry reuses. */
static int rule_drop(struct write_plan *p, const char *policy_dn,
		     const struct scan_rule *r, unsigned keep)
{
	int ret = batch_value(&p->commit, policy_dn, LDAP_MOD_DELETE,
			      "ipsecNFAReference", r->dns[DIR_NFA]);

	for (int i = DIR_RULE_ENTRIES - 1; ret == DIR_OK && i >= 0; i--)
		if (r->dns[i] && !(keep & (1u << i)))
			ret = batch_delete(&p->post, r->dns[i]);
	return ret;
}

static int policy_entry_new(struct write_plan *p, const char *policy_dn,
			    const struct policy_doc *doc)
{
	struct dir_entry e = { 0 };
	char poll[16];
	char serial[24];
	int ret = DIR_ERR_NOMEM;

	e.dn = strdup(policy_dn);
	if (!e.dn)
		goto out;
	snprintf(poll, sizeof(poll), "%u", doc->poll_minutes);
	snprintf(serial, sizeof(serial), "%llu",
		 (unsigned long long)doc->version);
	ret = dir_entry_add(&e, "objectClass", "ipsecPolicy");
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecName", doc->name);
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecVersion", serial);
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecPollInterval", poll);
	if (ret == DIR_OK)
		ret = dir_entry_add(&e, "ipsecIKEVersion",
				    dir_ike_text(doc->ike_version));
	if (ret == DIR_OK)
		ret = batch_add(&p->commit, &e);
out:
	dir_entry_free(&e);
	return ret;
}

/*
 * Plan the change from the stored policy (s, old) to doc. Unchanged rules
 * keep their entries; changed ones get fresh entries and the old ones go.
 */
static int plan_policy(struct dir_conn *conn, struct write_plan *p,
		       const char *policy_dn, const struct policy_scan *s,
		       const struct policy_doc *old,
		       const struct policy_doc *doc)
{
	char *self = NULL, *container = NULL;
	char poll[16];
	int ret;

	ret = dir_dn_split(policy_dn, &self, &container);
	if (ret == DIR_OK && !s->exists)
		ret = policy_entry_new(p, policy_dn, doc);
	if (ret == DIR_OK && s->exists) {
		ret = batch_version(&p->commit, policy_dn, s->version,
				    doc->version);
		snprintf(poll, sizeof(poll), "%u", doc->poll_minutes);
		if (ret == DIR_OK && (!old || old->poll_minutes != doc->poll_minutes))
			ret = batch_value(&p->commit, policy_dn, LDAP_MOD_REPLACE,
					  "ipsecPollInterval", poll);
		if (ret == DIR_OK && (!old || old->ike_version != doc->ike_version))
			ret = batch_value(&p->commit, policy_dn, LDAP_MOD_REPLACE,
					  "ipsecIKEVersion",
					  dir_ike_text(doc->ike_version));
	}
	for (size_t i = 0; ret == DIR_OK && i < doc->rule_count; i++) {
		const struct named_rule *r = &doc->rules[i];
		const struct named_rule *was = doc_rule(old, r->name);
		const struct scan_rule *stored = scan_rule_find(s, r->name);

		unsigned keep = 0;

		if (was && stored && rule_same(&was->rule, &r->rule))
			continue;
		if (was && stored && stored->dns[DIR_FILTERS] &&
		    stored->dns[DIR_ACTION] && stored->dns[DIR_MAIN_MODE])
			keep = parts_same(&was->rule, &r->rule);
		if (stored)
			ret = rule_drop(p, policy_dn, stored, keep);
		if (ret == DIR_OK)
			ret = rule_add(conn, p, policy_dn, container, r, stored,
				       keep);
	}
	for (size_t i = 0; ret == DIR_OK && i < s->rule_count; i++)
		if (!doc_rule(doc, s->rules[i].name))
			ret = rule_drop(p, policy_dn, &s->rules[i], 0);
	for (size_t i = 0; ret == DIR_OK && i < s->garbage_count; i++)
		ret = batch_delete(&p->post, s->garbage[i]);
	free(self);
	free(container);
	return ret;
}

/* A new policy's add carries its links; move them from the modifies. */
static int plan_links_into_add(struct write_plan *p)
{
	struct batch_op *add = &p->commit.ops[0];
	size_t n = 0;
	LDAPMod **mods;
	size_t links = p->commit.count - 1;
	char **values;

	if (add->kind != BATCH_ADD || links == 0)
		return DIR_OK;
	values = calloc(links + 1, sizeof(*values));
	if (!values)
		return DIR_ERR_NOMEM;
	for (size_t i = 1; i < p->commit.count; i++) {
		values[i - 1] = p->commit.ops[i].mods[0]->mod_values[0];
		p->commit.ops[i].mods[0]->mod_values[0] = NULL;
	}
	while (add->mods[n])
		n++;
	mods = realloc(add->mods, (n + 2) * sizeof(*mods));
	if (!mods)
		goto fail;
	add->mods = mods;
	mods[n] = calloc(1, sizeof(**mods));
	if (!mods[n] || !(mods[n]->mod_type = strdup("ipsecNFAReference"))) {
		free(mods[n]);
		mods[n] = NULL;
		goto fail;
	}
	mods[n]->mod_op = LDAP_MOD_ADD;
	mods[n]->mod_values = values;
	mods[n + 1] = NULL;
	for (size_t i = 1; i < p->commit.count; i++) {
		free(p->commit.ops[i].dn);
		free(p->commit.ops[i].mods[0]->mod_values);
		free(p->commit.ops[i].mods[0]->mod_type);
		free(p->commit.ops[i].mods[0]);
		free(p->commit.ops[i].mods);
	}
	p->commit.count = 1;
	return DIR_OK;
fail:
	for (size_t i = 0; i < links; i++)
		free(values[i]);
	free(values);
	return DIR_ERR_NOMEM;
}

/* Merge the batch of modifies of the policy entry into one modify, so
 * the version check and the link changes take effect together. */
static int plan_commit_merge(struct write_plan *p)
{
	struct batch_op *first;
	size_t total = 0;
	LDAPMod **mods;

	if (p->commit.count <= 1)
		return DIR_OK;
	first = &p->commit.ops[0];
	if (first->kind == BATCH_ADD)
		return plan_links_into_add(p);
	for (size_t i = 0; i < p->commit.count; i++)
		for (size_t k = 0; p->commit.ops[i].mods[k]; k++)
			total++;
	mods = calloc(total + 1, sizeof(*mods));
	if (!mods)
		return DIR_ERR_NOMEM;
	total = 0;
	for (size_t i = 0; i < p->commit.count; i++) {
		for (size_t k = 0; p->commit.ops[i].mods[k]; k++)
			mods[total++] = p->commit.ops[i].mods[k];
		free(p->commit.ops[i].mods);
		p->commit.ops[i].mods = NULL;
		if (i > 0)
			free(p->commit.ops[i].dn);
	}
	first->mods = mods;
	p->commit.count = 1;
	return DIR_OK;
}

/* Remove the fresh entries of a write that did not commit. */
static void plan_undo(struct dir_conn *conn, const struct write_plan *p)
{
	struct batch undo = { 0 };
	char saved[sizeof(conn->message)];

	memcpy(saved, conn->message, sizeof(saved));
	for (size_t i = p->pre.count; i-- > 0;)
		if (p->pre.ops[i].kind == BATCH_ADD &&
		    batch_delete(&undo, p->pre.ops[i].dn) != DIR_OK)
			break;
	batch_run_plain(conn, &undo, true);
	batch_free(&undo);
	memcpy(conn->message, saved, sizeof(saved));
}

static int plan_run(struct dir_conn *conn, struct write_plan *p)
{
	int ret;

	ret = plan_commit_merge(p);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &p->pre, false);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &p->commit, false);
	if (ret != DIR_OK) {
		plan_undo(conn, p);
		return ret;
	}
	/* Committed: what follows only tidies up or assigns. */
	batch_run_plain(conn, &p->post, true);
	return batch_run_plain(conn, &p->assign, false);
}

/*
 * Delete a whole policy. The delete of the policy entry, guarded by an
 * assertion (RFC 4528) on the version read before, is the point where
 * the policy disappears for every reader. Links and parts go after it:
 * refint would clear the links too, and a later write removes leftovers.
 */
static int policy_delete(struct dir_conn *conn, const struct command *cmd,
			 const char *policy_dn, const struct policy_scan *s,
			 struct dir_apply_result *result)
{
	struct batch first = { 0 };
	struct batch rest = { 0 };
	char filter[48];
	int ret;

	if (!s->exists)
		return dir_fail(conn, DIR_ERR_NOT_FOUND, "policy '%s' not found",
				cmd->target.policy);
	snprintf(filter, sizeof(filter), "(ipsecVersion=%llu)",
		 (unsigned long long)s->version);
	ret = batch_delete_if(&first, policy_dn, filter);
	if (ret == DIR_OK)
		ret = links_remove(conn, &rest, policy_dn, result);
	for (size_t i = 0; ret == DIR_OK && i < s->owned_count; i++)
		ret = batch_delete(&rest, s->owned[i]);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &first, false);
	if (ret == DIR_OK)
		ret = batch_run_plain(conn, &rest, true);
	batch_free(&first);
	batch_free(&rest);
	return ret;
}

/* The stored policy as a document, or an empty one named after cmd. */
static int doc_load(struct dir_conn *conn, const char *policy_dn,
		    const struct policy_scan *s, const struct command *cmd,
		    struct policy_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	if (s->exists)
		return dir_policy_fetch(conn, policy_dn, doc);
	doc->name = strdup(cmd->target.policy);
	doc->poll_minutes = cmd->target.poll_minutes;
	return doc->name ? DIR_OK : DIR_ERR_NOMEM;
}

/* Whether the one -r rule of cmd is in doc. */
static bool rule_present(const struct policy_doc *doc,
			 const struct command *cmd)
{
	if (cmd->target.rule_count != 1)
		return false;
	for (size_t i = 0; i < doc->rule_count; i++)
		if (strcmp(doc->rules[i].name, cmd->target.rules[0]) == 0)
			return true;
	return false;
}

static int apply_once(struct dir_conn *conn, const struct command *cmd,
		      const struct dir_assign_target *t, const char *host,
		      const char *policy_dn, struct dir_apply_result *result)
{
	struct policy_scan s;
	struct write_plan p;
	struct policy_doc old = { 0 }, doc = { 0 };
	int ret;

	memset(&p, 0, sizeof(p));
	ret = policy_scan(conn, policy_dn, &s);
	if (ret != DIR_OK)
		goto out;
	if (cmd->target.delete && cmd->target.rule_count == 0) {
		ret = policy_delete(conn, cmd, policy_dn, &s, result);
		goto out;
	}
	if (cmd->target.delete && !s.exists) {
		ret = dir_fail(conn, DIR_ERR_NOT_FOUND, "policy '%s' not found",
			       cmd->target.policy);
		goto out;
	}
	ret = doc_load(conn, policy_dn, &s, cmd, &old);
	if (ret == DIR_OK)
		ret = doc_load(conn, policy_dn, &s, cmd, &doc);
	result->rule_existed = rule_present(&old, cmd);
	if (ret == DIR_OK && store_merge_command(&doc, cmd, conn->message,
						 sizeof(conn->message)) != 0)
		ret = cmd->target.delete ? DIR_ERR_NOT_FOUND : DIR_ERR_USAGE;
	if (ret == DIR_OK && host)
		ret = host_ensure(conn, &p.pre, host);
	if (ret == DIR_OK)
		ret = plan_policy(conn, &p, policy_dn, &s, s.exists ? &old : NULL,
				  &doc);
	if (ret == DIR_OK)
		ret = assign_queue(conn, &p.assign, cmd, t, policy_dn, false,
				   &result->not_assigned);
	if (ret == DIR_OK)
		ret = plan_run(conn, &p);
	if (ret == DIR_OK)
		result->version = doc.version;
out:
	policy_doc_free(&old);
	policy_doc_free(&doc);
	plan_free(&p);
	scan_free(&s);
	return ret;
}

/* Run one attempt function until it stops losing races. */
static int retry(struct dir_conn *conn, const char *policy,
		 int (*attempt)(void *), void *arg)
{
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	int ret = DIR_ERR_CONFLICT;

	for (int i = 1; i <= APPLY_ATTEMPTS; i++) {
		ret = attempt(arg);
		if (ret != DIR_ERR_CONFLICT)
			return ret;
		/* Random back-off, growing with each lost race. */
		usleep((useconds_t)(1000 + rand_r(&seed) % (2000 * i)));
	}
	return dir_fail(conn, ret,
			"policy '%s' kept changing during %d attempts; try again",
			policy, APPLY_ATTEMPTS);
}

struct apply_args {
	struct dir_conn *conn;
	const struct command *cmd;
	const struct dir_assign_target *target;
	const char *host;
	const char *policy_dn;
	struct dir_apply_result *result;
};

/* One attempt starts from an empty result, because a lost race repeats
 * every read. */
static int apply_attempt(void *arg)
{
	struct apply_args *a = arg;

	dir_apply_result_free(a->result);
	return apply_once(a->conn, a->cmd, a->target, a->host, a->policy_dn,
			  a->result);
}

void dir_apply_result_free(struct dir_apply_result *result)
{
	for (size_t i = 0; i < result->lost_count; i++)
		free(result->lost[i]);
	free(result->lost);
	memset(result, 0, sizeof(*result));
}

int dir_static_apply(struct dir_conn *conn, const struct command *cmd,
		     const struct dir_assign_target *target)
{
	struct dir_apply_result result = { 0 };
	int ret = dir_static_apply_report(conn, cmd, target, &result);

	dir_apply_result_free(&result);
	return ret;
}

int dir_static_apply_report(struct dir_conn *conn, const struct command *cmd,
			    const struct dir_assign_target *target,
			    struct dir_apply_result *result)
{
	struct apply_args a = { conn, cmd, target, NULL, NULL, result };
	char *policy_dn = NULL;
	int ret;

	memset(result, 0, sizeof(*result));
	if (cmd->mode != MODE_STATIC || !cmd->target.policy)
		return dir_fail(conn, DIR_ERR_USAGE,
				"static mode needs -w and -p PolicyName");
	if (cmd->target.store == STORE_REG) {
		a.host = cmd->target.location;
		if (!a.host)
			return dir_fail(conn, DIR_ERR_USAGE,
					"-w reg without a host writes the local store, not the directory; write -w reg:HOST");
		ret = dir_check_name(conn, "host", a.host);
		if (ret != DIR_OK)
			return ret;
	}
	for (size_t i = 0; i < cmd->target.rule_count; i++) {
		ret = dir_check_name(conn, "rule", cmd->target.rules[i]);
		if (ret != DIR_OK)
			return ret;
	}
	ret = dir_policy_dn(conn, a.host, cmd->target.policy, &policy_dn);
	if (ret != DIR_OK)
		return ret;
	a.policy_dn = policy_dn;
	ret = retry(conn, cmd->target.policy, apply_attempt, &a);
	free(policy_dn);
	return ret;
}

struct store_args {
	struct dir_conn *conn;
	const char *host;
	const char *policy_dn;
	const struct policy_doc *doc;
};

static int store_attempt(void *arg)
{
	struct store_args *a = arg;
	struct policy_scan s;
	struct write_plan p;
	struct policy_doc old = { 0 };
	struct policy_doc doc = *a->doc;
	int ret;

	memset(&p, 0, sizeof(p));
	ret = policy_scan(a->conn, a->policy_dn, &s);
	if (ret == DIR_OK && s.exists)
		ret = dir_policy_fetch(a->conn, a->policy_dn, &old);
	if (ret != DIR_OK)
		goto out;
	if (doc.version <= s.version)
		doc.version = s.version + 1;
	if (doc.version == 0)
		doc.version = 1;
	if (a->host)
		ret = host_ensure(a->conn, &p.pre, a->host);
	if (ret == DIR_OK)
		ret = plan_policy(a->conn, &p, a->policy_dn, &s,
				  s.exists ? &old : NULL, &doc);
	if (ret == DIR_OK)
		ret = plan_run(a->conn, &p);
out:
	policy_doc_free(&old);
	plan_free(&p);
	scan_free(&s);
	return ret;
}

int dir_policy_store(struct dir_conn *conn, const char *host,
		     const struct policy_doc *doc)
{
	struct store_args a = { conn, host, NULL, doc };
	char *policy_dn = NULL;
	int ret = DIR_OK;

	if (host)
		ret = dir_check_name(conn, "host", host);
	if (ret == DIR_OK)
		ret = dir_policy_dn(conn, host, doc->name, &policy_dn);
	if (ret == DIR_OK) {
		a.policy_dn = policy_dn;
		ret = retry(conn, doc->name, store_attempt, &a);
	}
	free(policy_dn);
	return ret;
}

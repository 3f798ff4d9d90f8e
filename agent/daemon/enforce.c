#include "enforce.h"

#include "codec.h"
#include "compile.h"
#include "exempt.h"
#include "grammar.h"
#include "hostfacts.h"
#include "keying.h"
#include "log.h"
#include "spd.h"
#include "statefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One netlink socket for the agent's lifetime: the handle remembers what
 * it installed, so each apply sends only the difference. */
static struct spd_handle *handle;

/* Set when an apply lost acknowledgements (-EIO): the kernel may then hold
 * a mix of the old and the new set, which the handle does not know. */
static bool reconcile_due;

/* The decoded effective policy: the document's rules, then the dynamic
 * rules named "dynamic-N" (1-based, in order). */
struct decoded {
	struct policy_doc doc;
	struct rule_spec *dynamic;
	char **dynamic_names;
	size_t dynamic_count;
	struct spd_rule_ref *refs;
	size_t ref_count;
};

static void decoded_free(struct decoded *d)
{
	policy_doc_free(&d->doc);
	for (size_t i = 0; i < d->dynamic_count; i++) {
		rule_free(&d->dynamic[i]);
		free(d->dynamic_names[i]);
	}
	free(d->dynamic);
	free(d->dynamic_names);
	free(d->refs);
	memset(d, 0, sizeof(*d));
}

static int decode(const json_t *effective, struct decoded *d)
{
	const json_t *policy = json_object_get(effective, "policy");
	const json_t *dynamic = json_object_get(effective, "dynamic");
	size_t n = json_array_size(dynamic);
	char err[256] = "";
	int ret;

	memset(d, 0, sizeof(*d));
	if (json_is_object(policy)) {
		ret = codec_doc_from_json(policy, &d->doc, err, sizeof(err));
		if (ret < 0) {
			log_error("xfrm", "invalid policy: %s", err);
			goto out;
		}
	}
	ret = -ENOMEM;
	d->dynamic = calloc(n + 1, sizeof(*d->dynamic));
	d->dynamic_names = calloc(n + 1, sizeof(*d->dynamic_names));
	d->refs = calloc(d->doc.rule_count + n + 1, sizeof(*d->refs));
	if (!d->dynamic || !d->dynamic_names || !d->refs)
		goto out;
	for (size_t i = 0; i < n; i++) {
		ret = codec_rule_from_json(json_array_get(dynamic, i),
					   &d->dynamic[i], err, sizeof(err));
		if (ret < 0) {
			log_error("xfrm", "invalid dynamic rule %zu: %s", i + 1,
				  err);
			goto out;
		}
		d->dynamic_count++;
		ret = -ENOMEM;
		if (asprintf(&d->dynamic_names[i], "dynamic-%zu", i + 1) < 0) {
			d->dynamic_names[i] = NULL;
			goto out;
		}
	}

	for (size_t i = 0; i < d->doc.rule_count; i++)
		d->refs[d->ref_count++] = (struct spd_rule_ref){
			.name = d->doc.rules[i].name,
			.rule = &d->doc.rules[i].rule };
	for (size_t i = 0; i < d->dynamic_count; i++)
		d->refs[d->ref_count++] = (struct spd_rule_ref){
			.name = d->dynamic_names[i], .rule = &d->dynamic[i] };
	ret = 0;
out:
	if (ret < 0)
		decoded_free(d);
	return ret;
}

static void log_notes(const struct spd_compile_notes *notes)
{
	if (notes->default_filters)
		log_info("xfrm", "%zu 'default' filters install nothing on "
			 "Linux", notes->default_filters);
	if (notes->unresolved)
		log_warning("xfrm", "skipped %zu filters with an unresolved "
			    "DNS name or unknown interface GUID",
			    notes->unresolved);
	if (notes->family_mismatch)
		log_warning("xfrm", "skipped %zu filters whose source and "
			    "destination families differ",
			    notes->family_mismatch);
	if (notes->no_interface)
		log_info("xfrm", "%zu -lan or -dialup rules have no matching "
			 "interface", notes->no_interface);
	if (notes->reqid_collisions)
		log_warning("xfrm", "%zu rules share the reqid of an earlier "
			    "rule, so charon cannot tell their SAs apart: "
			    "rename one of them", notes->reqid_collisions);
	if (notes->inbound_unrestricted)
		log_warning("xfrm", "%zu inbound and forward policies of -lan "
			    "or -dialup rules are not installed, because an "
			    "inbound selector cannot name the receiving link",
			    notes->inbound_unrestricted);
}

/* Save the exemptions where `ipseccmd show filters` and the status
 * request read them. */
static void exemptions_save(const struct agent_config *cfg,
			    const struct exempt_list *list)
{
	json_t *json = exempt_to_json(list);
	char *text = json ? json_dumps(json, JSON_COMPACT) : NULL;
	char *path = config_state_path(cfg, "exemptions");

	if (text && path && statefile_write(path, text, strlen(text)) != 0)
		log_warning("lockout", "unable to write '%s': %s", path,
			    strerror(errno));
	free(path);
	free(text);
	json_decref(json);
}

/*
 * Record, per rule, how many filters installed nothing, so reports and
 * show name the rules that enforce only part of their filters. The file
 * contains {"RULE": {"skipped": N, "filters": M}} for rules with N > 0.
 */
static void skips_save(const struct agent_config *cfg,
		       const struct decoded *d, const size_t *skipped)
{
	json_t *json = json_object();
	char *text = NULL;
	char *path = config_state_path(cfg, "skipped-filters");

	for (size_t i = 0; json && i < d->ref_count; i++) {
		const struct spd_rule_ref *ref = &d->refs[i];

		if (!skipped[i])
			continue;
		log_warning("apply", "rule '%s': %zu of %zu filters installed "
			    "nothing (see the xfrm warnings)", ref->name,
			    skipped[i], ref->rule->filters.count);
		json_object_set_new(json, ref->name, json_pack(
			"{s:I, s:I}", "skipped", (json_int_t)skipped[i],
			"filters", (json_int_t)ref->rule->filters.count));
	}
	text = json ? json_dumps(json, JSON_COMPACT) : NULL;
	if (text && path && statefile_write(path, text, strlen(text)) != 0)
		log_warning("apply", "unable to write '%s': %s", path,
			    strerror(errno));
	free(path);
	free(text);
	json_decref(json);
}

json_t *enforce_skips_read(const struct agent_config *cfg)
{
	char *path = config_state_path(cfg, "skipped-filters");
	json_t *json = statefile_read_json(path);

	free(path);
	if (!json_is_object(json)) {
		json_decref(json);
		return NULL;
	}
	return json;
}

/* Read the kernel's policies into the handle again after an apply whose
 * acknowledgements were lost, so the next apply corrects the mix. */
static int handle_reconcile(void)
{
	int ret;

	log_warning("xfrm", "reading the kernel's policies again, because "
		    "the last apply lost acknowledgements");
	ret = spd_reconcile(handle);
	if (ret < 0) {
		log_error("xfrm", "unable to read the kernel's policies: %s",
			  strerror(-ret));
		return ret;
	}
	reconcile_due = false;
	log_info("xfrm", "found %zu of the agent's policies in the kernel",
		 spd_installed(handle)->count);
	return 0;
}

static int handle_get(void)
{
	int ret;

	if (handle && reconcile_due)
		return handle_reconcile();
	if (handle)
		return 0;
	handle = spd_open();
	if (!handle) {
		log_error("xfrm", "unable to open the XFRM netlink socket: %s",
			  strerror(errno));
		return -errno;
	}
	/* Policies left by an earlier run (or one killed during an apply)
	 * become the installed set, so the next apply corrects them. */
	ret = spd_reconcile(handle);
	if (ret < 0) {
		log_error("xfrm", "unable to read the kernel's policies: %s",
			  strerror(-ret));
		spd_close(handle);
		handle = NULL;
		return ret;
	}
	log_info("xfrm", "found %zu policies of an earlier run in the kernel",
		 spd_installed(handle)->count);
	return 0;
}

int enforce_apply(const struct agent_config *cfg, const json_t *effective)
{
	struct decoded d;
	struct hostfacts facts;
	struct exempt_list exempt;
	struct spd_set wanted = { 0 };
	struct spd_compile_notes notes = { 0 };
	struct spd_apply_stats stats = { 0 };
	size_t *skipped = NULL;
	char err[SPD_ERROR_MAX] = "";
	bool have_d = false, have_facts = false, have_exempt = false;
	int ret;

	ret = handle_get();
	if (ret < 0)
		goto out;
	ret = decode(effective, &d);
	if (ret < 0)
		goto out;
	have_d = true;
	ret = hostfacts_collect(&facts, d.refs, d.ref_count);
	if (ret < 0)
		goto out;
	have_facts = true;
	ret = exempt_collect(cfg, &exempt);
	if (ret < 0)
		goto out;
	have_exempt = true;

	skipped = calloc(d.ref_count ? d.ref_count : 1, sizeof(*skipped));
	ret = -ENOMEM;
	if (!skipped)
		goto out;
	for (size_t i = 0; i < d.ref_count; i++)
		d.refs[i].skipped = &skipped[i];
	ret = spd_compile(d.refs, d.ref_count, &facts.host, exempt.items,
			  exempt.count, &wanted, &notes);
	if (ret < 0) {
		log_error("xfrm", "unable to compile the policy: %s",
			  strerror(-ret));
		goto out;
	}
	log_notes(&notes);
	spd_tune_hthresh(handle, &wanted);

	ret = spd_apply(handle, &wanted, &stats, err);
	if (ret == -EIO)
		reconcile_due = true;
	if (ret < 0) {
		log_error("xfrm", "apply failed%s: %s", ret == -EIO
			  ? " and its undo failed too" : ", changes undone",
			  err[0] ? err : strerror(-ret));
		goto out;
	}
	exemptions_save(cfg, &exempt);
	skips_save(cfg, &d, skipped);
	log_info("xfrm", "kernel policies: %zu added, %zu updated, %zu "
		 "deleted, %zu unchanged, %zu exempt peers", stats.added,
		 stats.updated, stats.deleted, stats.unchanged, exempt.count);

	/* The kernel policies stay in force when keying fails: traffic that
	 * needs an SA is dropped, never sent in clear. */
	keying_sync(cfg, d.doc.name, d.refs, d.ref_count, &facts.host);
out:
	free(skipped);
	spd_set_clear(&wanted);
	if (have_exempt)
		exempt_free(&exempt);
	if (have_facts)
		hostfacts_free(&facts);
	if (have_d)
		decoded_free(&d);
	return ret;
}

const char *enforce_check_rules(const json_t *rules)
{
	static char why[320];
	struct rule_spec rule;
	char err[256];

	for (size_t i = 0; i < json_array_size(rules); i++) {
		if (codec_rule_from_json(json_array_get(rules, i), &rule, err,
					 sizeof(err)) < 0) {
			snprintf(why, sizeof(why), "invalid rule %zu: %s",
				 i + 1, err);
			return why;
		}
		rule_free(&rule);
	}
	return NULL;
}

/* The whole swanctl configuration of a host's rules. */
#include "ike_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ike_reqids_valid(const struct ike_rule_ref *rules, size_t count)
{
	size_t i, j;

	for (i = 0; i < count; i++) {
		if (rules[i].reqid == 0)
			return false;
		for (j = 0; j < i; j++)
			if (rules[j].reqid == rules[i].reqid)
				return false;
	}
	return true;
}

/* Copy a name into a comment, replacing what could end the comment line. */
static void ike_comment_name(struct ike_text *t, const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(name ? name : ""); *p; p++)
		ike_text_printf(t, "%c", *p < 0x20 || *p == 0x7f ? '?' : *p);
}

static void ike_authorities_write(const struct ike_credentials *creds,
				  struct ike_text *t)
{
	size_t i;

	if (!creds || (!creds->fleet_ca && creds->ca_count == 0))
		return;
	ike_text_printf(t, "authorities {\n");
	if (creds->fleet_ca)
		ike_text_printf(t, "\tfleet {\n\t\tcacert = %s\n\t}\n",
				creds->fleet_ca);
	for (i = 0; i < creds->ca_count; i++)
		ike_text_printf(t, "\tca-%zu {\n\t\tcacert = %s\n\t}\n",
				i + 1, creds->ca_files[i]);
	ike_text_printf(t, "}\n");
}

static int ike_rule_build(const struct ike_rule_ref *ref,
			  const struct ike_credentials *creds,
			  struct ike_text *conns, struct ike_text *secrets,
			  struct ike_rule_result *result)
{
	struct ike_build b = { .ref = ref, .creds = creds };
	char name[32];
	int ret = -ENOMEM;

	b.version = ref->version == IKE_VERSION_1 ? 1 : 2;
	/* The rule carries its policy's version; an explicit version in the
	 * reference still wins. */
	if (ref->version == IKE_VERSION_DEFAULT && ref->rule &&
	    ref->rule->ike_version == IKE_V1)
		b.version = 1;
	snprintf(name, sizeof(name), "rule-%08lx", (unsigned long)ref->reqid);

	ike_text_printf(conns, "\t# policy '");
	ike_comment_name(conns, ref->policy);
	ike_text_printf(conns, "' rule '");
	ike_comment_name(conns, ref->name);
	ike_text_printf(conns, "'\n");
	if (ike_conn_write(&b, name, conns, secrets) == 1) {
		result->conn = strdup(name);
		if (!result->conn)
			goto out;
	}
	result->weak = b.weak;
	if (b.note.len) {
		result->note = ike_text_take(&b.note);
		if (!result->note)
			goto out;
	}
	ret = 0;
out:
	ike_text_free(&b.note);
	return ret;
}

int ike_config_build(const struct ike_rule_ref *rules, size_t count,
		     const struct ike_credentials *creds,
		     struct ike_config *out)
{
	struct ike_text conns = { 0 }, secrets = { 0 };
	size_t i;
	int ret = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!ike_reqids_valid(rules, count)) {
		ret = -EINVAL;
		goto out;
	}
	out->results = calloc(count ? count : 1, sizeof(*out->results));
	if (!out->results)
		goto out;
	out->count = count;

	ike_text_printf(&conns, "# Written by ipseccmd-agent from the policy rules; edits are overwritten.\n"
			"connections {\n");
	ike_text_printf(&secrets, "secrets {\n");
	for (i = 0; i < count; i++)
		if (ike_rule_build(&rules[i], creds, &conns, &secrets,
				   &out->results[i]) < 0)
			goto out;
	ike_text_printf(&conns, "}\n");
	ike_text_printf(&secrets, "}\n");
	ike_authorities_write(creds, &conns);

	out->conns = ike_text_take(&conns);
	out->secrets = ike_text_take(&secrets);
	if (!out->conns || !out->secrets)
		goto out;
	ret = 0;
out:
	ike_text_free(&conns);
	ike_text_free(&secrets);
	if (ret < 0)
		ike_config_free(out);
	return ret;
}

void ike_config_free(struct ike_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->conns);
	if (cfg->secrets) {
		explicit_bzero(cfg->secrets, strlen(cfg->secrets));
		free(cfg->secrets);
	}
	for (i = 0; i < cfg->count; i++) {
		free(cfg->results[i].conn);
		free(cfg->results[i].note);
	}
	free(cfg->results);
	memset(cfg, 0, sizeof(*cfg));
}

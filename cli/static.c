/*
 * Static mode: write, show and move stored policies, in the local store
 * (-w reg) or in the directory (-w ds[:DOMAIN], -w reg:HOST).
 *
 * Long options (docs/directory.md describes them in full):
 *   directory   --ldap-uri=URI --ldap-base=DN --bind-dn=DN
 *               --password-file=FILE --sasl-external --starttls
 *               --tls-cert=FILE --tls-key=FILE --tls-ca=FILE
 *   assignment  --host=NAME --group=NAME (with -x / -y and -w ds)
 *   hosts       --add-host=NAME [--to-group=GROUP]
 *               --remove-host=NAME --from-group=GROUP  --add-group=NAME
 *               --delete-host=NAME
 *   local store --store-dir=DIR
 *   show, move  --list --show-policy [--show-secrets] [--json]
 *               --export=FILE --import=FILE
 *
 * --list, --add-host, --add-group, --remove-host, --delete-host and
 * --import need no -p,
 * so target.policy may be NULL here.
 */
#include "cli.h"
#include "directory.h"
#include "grammar.h"
#include "policy_json.h"
#include "static_report.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The requests of the command line besides writing the policy. */
struct static_request {
	const char *store_dir;
	struct dir_options dir;
	struct dir_assign_target assign;
	const char *add_host;
	const char *remove_host;
	const char *delete_host;
	const char *to_group;
	const char *from_group;
	const char *add_group;
	bool list;
	bool show;
	bool show_secrets;
	bool json;		/* --show-policy and --list print JSON */
	const char *export_file;
	const char *import_file;
};

static bool flag_take(struct cli_options *opts, const char *name)
{
	return cli_option_take(opts, name) != NULL;
}

/* Read every long option of static mode; returns 0 or CLI_EXIT_USAGE. */
static int request_read(struct cli_options *opts, struct static_request *r)
{
	bool missing = false;
	const char *unused;

	memset(r, 0, sizeof(*r));
	r->store_dir = cli_option_value(opts, "store-dir", &missing);
	r->dir.uri = cli_option_value(opts, "ldap-uri", &missing);
	r->dir.base = cli_option_value(opts, "ldap-base", &missing);
	r->dir.bind_dn = cli_option_value(opts, "bind-dn", &missing);
	r->dir.password_file = cli_option_value(opts, "password-file", &missing);
	r->dir.sasl_external = flag_take(opts, "sasl-external");
	r->dir.starttls = flag_take(opts, "starttls");
	r->dir.tls_cert = cli_option_value(opts, "tls-cert", &missing);
	r->dir.tls_key = cli_option_value(opts, "tls-key", &missing);
	r->dir.tls_ca = cli_option_value(opts, "tls-ca", &missing);
	r->assign.host = cli_option_value(opts, "host", &missing);
	r->assign.group = cli_option_value(opts, "group", &missing);
	r->add_host = cli_option_value(opts, "add-host", &missing);
	r->remove_host = cli_option_value(opts, "remove-host", &missing);
	r->delete_host = cli_option_value(opts, "delete-host", &missing);
	r->to_group = cli_option_value(opts, "to-group", &missing);
	r->from_group = cli_option_value(opts, "from-group", &missing);
	r->add_group = cli_option_value(opts, "add-group", &missing);
	r->list = flag_take(opts, "list");
	r->show = flag_take(opts, "show-policy");
	r->show_secrets = flag_take(opts, "show-secrets");
	r->json = flag_take(opts, "json");
	r->export_file = cli_option_value(opts, "export", &missing);
	r->import_file = cli_option_value(opts, "import", &missing);
	if (missing)
		return CLI_EXIT_USAGE;
	unused = cli_options_unused(opts);
	if (unused) {
		fprintf(stderr, "ipseccmd: unknown option '--%s' in static mode; see ipseccmd -w /?\n",
			unused);
		return CLI_EXIT_USAGE;
	}
	if (r->remove_host && !r->from_group) {
		fprintf(stderr, "ipseccmd: --remove-host=%s needs --from-group=GROUP "
				"to end a group membership; to delete the host's entry, "
				"write --delete-host=%s\n",
			r->remove_host, r->remove_host);
		return CLI_EXIT_USAGE;
	}
	if ((r->to_group && !r->add_host) || (r->from_group && !r->remove_host)) {
		fputs("ipseccmd: --to-group goes with --add-host, --from-group with --remove-host\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if (r->json && !r->show && !r->list) {
		fputs("ipseccmd: --json in static mode goes with --show-policy or --list; add one, or use --export=FILE\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static bool is_local_store(const struct command *cmd)
{
	return cmd->target.store == STORE_REG && !cmd->target.location;
}

/* One line per rule that re-creates the policy, as ipseccmd commands. */
static int policy_print(FILE *out, const struct command *cmd,
			const struct policy_doc *doc, bool secrets,
			bool assigned)
{
	struct command line = { 0 };
	char *rules[1];
	unsigned flags = secrets ? PRINT_SECRETS : 0;
	char *text;

	line.mode = MODE_STATIC;
	line.target.store = cmd->target.store;
	line.target.location = cmd->target.location;
	line.target.policy = doc->name;
	line.target.poll_minutes = doc->poll_minutes;
	line.target.poll_given = true;
	line.target.ike_given = true;
	line.rule.ike_version = doc->ike_version;
	line.target.assign = assigned ? ASSIGN_SET : ASSIGN_KEEP;
	if (doc->rule_count == 0) {
		text = command_format(&line, flags);
		if (!text)
			return -1;
		fprintf(out, "ipseccmd %s\n", text);
		free(text);
		return 0;
	}
	line.target.rules = rules;
	line.target.rule_count = 1;
	line.has_rule = true;
	line.parts = ~0u;
	for (size_t i = 0; i < doc->rule_count; i++) {
		rules[0] = doc->rules[i].name;
		line.rule = doc->rules[i].rule;	/* borrowed, not freed */
		line.target.assign = assigned && i + 1 == doc->rule_count ?
				     ASSIGN_SET : ASSIGN_KEEP;
		text = command_format(&line, flags);
		if (!text)
			return -1;
		fprintf(out, "ipseccmd %s\n", text);
		free(text);
	}
	return 0;
}

/* Write a policy document as JSON to FILE ("-" is stdout), mode 0600
 * because with PRINT_SECRETS in flags it contains preshared keys. */
static int policy_export(const char *path, const struct policy_doc *doc,
			 unsigned flags)
{
	json_t *json = policy_doc_to_json(doc, flags);
	FILE *f = NULL;
	char *text = NULL;
	int ret = -1;

	if (!json) {
		fputs("ipseccmd: out of memory\n", stderr);
		return -1;
	}
	if (strcmp(path, "-") == 0) {
		f = stdout;
	} else {
		mode_t old = umask(077);

		f = fopen(path, "w");
		umask(old);
	}
	/* One string and one write: json_dumpf writes piece by piece. */
	text = json_dumps(json, JSON_INDENT(2));
	if (!f || !text || fputs(text, f) == EOF || fputc('\n', f) == EOF ||
	    fflush(f) != 0) {
		fprintf(stderr, "ipseccmd: cannot write '%s': %m\n", path);
		goto out;
	}
	ret = 0;
out:
	if (f && f != stdout)
		fclose(f);
	if (text)
		explicit_bzero(text, strlen(text));
	free(text);
	json_decref(json);
	return ret;
}

/* --show-policy: ipseccmd lines, or with --json the policy document. */
static int policy_show(const struct command *cmd,
		       const struct static_request *r,
		       const struct policy_doc *doc, bool assigned)
{
	unsigned flags = r->show_secrets ? PRINT_SECRETS : 0;

	if (r->json)
		return policy_export("-", doc, flags);
	if (policy_print(stdout, cmd, doc, r->show_secrets, assigned) != 0) {
		fputs("ipseccmd: out of memory\n", stderr);
		return -1;
	}
	return 0;
}

/* --list: one name a line, the assigned one marked, or with --json an
 * array of {"name": ..., "assigned": true|false} objects. */
static int names_print(const struct static_request *r,
		       const char *const *names, size_t count,
		       const char *assigned)
{
	json_t *list;
	int ret = 0;

	if (!r->json) {
		for (size_t i = 0; i < count; i++)
			printf("%s%s\n", names[i],
			       assigned && strcmp(assigned, names[i]) == 0 ?
			       "\t(assigned)" : "");
		return 0;
	}
	list = json_array();
	for (size_t i = 0; list && i < count; i++) {
		bool is_assigned = assigned && strcmp(assigned, names[i]) == 0;

		if (json_array_append_new(list, json_pack("{s:s,s:b}", "name",
							  names[i], "assigned",
							  is_assigned)) != 0)
			ret = -1;
	}
	if (!list || ret != 0 || json_dumpf(list, stdout, JSON_INDENT(2)) != 0) {
		fputs("ipseccmd: unable to write JSON: out of memory\n", stderr);
		ret = -1;
	} else {
		putchar('\n');
	}
	json_decref(list);
	return ret;
}

static int policy_import(const char *path, struct policy_doc *doc)
{
	json_error_t jerr;
	json_t *json = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	char err[256];
	int ret = -1;

	if (!json) {
		fprintf(stderr, "ipseccmd: cannot read '%s': line %d: %s\n",
			path, jerr.line, jerr.text);
		return -1;
	}
	if (policy_doc_from_json(json, doc, err, sizeof(err)) != 0)
		fprintf(stderr, "ipseccmd: invalid policy in '%s': %s\n", path,
			err);
	else
		ret = 0;
	json_decref(json);
	return ret;
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

/* Write a static command to the local store and print what changed. The
 * local store has one assignment slot: this host's. */
static int local_apply(struct store *st, const struct command *cmd,
		       const char *dir)
{
	struct policy_doc doc = { 0 };
	struct static_change change = { 0 };
	char where[4096];
	char *lost[] = { "this host" };
	const char **names;
	const char *assigned;
	size_t count;
	bool was_assigned;
	int ret = CLI_EXIT_FAILURE;

	if (store_list(st, &names, &count, &assigned) != 0)
		goto fail;
	was_assigned = assigned && strcmp(assigned, cmd->target.policy) == 0;
	if (store_get(st, cmd->target.policy, &doc) == 0)
		change.rule_existed = rule_present(&doc, cmd);
	policy_doc_free(&doc);
	if (store_apply(st, cmd) != 0 || store_commit(st) != 0)
		goto fail;
	if (!(cmd->target.delete && cmd->target.rule_count == 0)) {
		if (store_get(st, cmd->target.policy, &doc) != 0)
			goto fail;
		change.version = doc.version;
		policy_doc_free(&doc);
	} else if (was_assigned) {
		change.lost = lost;
		change.lost_count = 1;
	}
	snprintf(where, sizeof(where), "local store %s", dir);
	change.where = where;
	change.not_assigned = cmd->target.assign == ASSIGN_UNSET &&
			      !was_assigned;
	static_changes_print(cmd, &change);
	return CLI_EXIT_OK;
fail:
	fprintf(stderr, "ipseccmd: %s\n", store_message(st));
	return ret;
}

static int local_run(const struct command *cmd, const struct static_request *r)
{
	struct store *st = NULL;
	struct policy_doc doc = { 0 };
	const char **names;
	const char *assigned;
	size_t count;
	char msg[512];
	int ret = CLI_EXIT_FAILURE;

	if (store_open(store_dir_choose(r->store_dir), &st, msg,
		       sizeof(msg)) != 0) {
		fprintf(stderr, "ipseccmd: %s\n", msg);
		return CLI_EXIT_FAILURE;
	}
	if (r->list) {
		if (store_list(st, &names, &count, &assigned) != 0)
			goto fail;
		if (names_print(r, names, count, assigned) != 0)
			goto out;
	} else if (r->show || r->export_file) {
		if (store_get(st, cmd->target.policy, &doc) != 0 ||
		    store_list(st, &names, &count, &assigned) != 0)
			goto fail;
		if (r->show && policy_show(cmd, r, &doc,
					   assigned && strcmp(assigned, doc.name) == 0) != 0)
			goto out;
		if (r->export_file &&
		    policy_export(r->export_file, &doc, PRINT_SECRETS) != 0)
			goto out;
	} else if (r->import_file) {
		if (policy_import(r->import_file, &doc) != 0)
			goto out;
		if (store_put(st, &doc) != 0 || store_commit(st) != 0)
			goto fail;
		printf("policy '%s' in local store %s: imported from %s\n",
		       doc.name, store_dir_choose(r->store_dir),
		       r->import_file);
	} else {
		ret = local_apply(st, cmd, store_dir_choose(r->store_dir));
		goto out;
	}
	ret = CLI_EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "ipseccmd: %s\n", store_message(st));
out:
	policy_doc_free(&doc);
	store_close(st);
	return ret;
}

/* Host and group changes, one line on stdout for each. */
static int hosts_run(struct dir_conn *conn, const struct static_request *r)
{
	const char *base = dir_base_dn(conn);
	int rc = DIR_OK;

	if (r->add_group) {
		rc = dir_group_add(conn, r->add_group);
		if (rc == DIR_OK)
			printf("group '%s' in %s: added\n", r->add_group, base);
	}
	if (rc == DIR_OK && r->add_host) {
		rc = dir_host_add(conn, r->add_host);
		if (rc == DIR_OK)
			printf("host '%s' in %s: added\n", r->add_host, base);
	}
	if (rc == DIR_OK && r->add_host && r->to_group) {
		rc = dir_group_member(conn, r->add_host, r->to_group, true);
		if (rc == DIR_OK)
			printf("host '%s' in %s: member of group '%s'\n",
			       r->add_host, base, r->to_group);
	}
	if (rc == DIR_OK && r->remove_host) {
		rc = dir_group_member(conn, r->remove_host, r->from_group, false);
		if (rc == DIR_OK)
			printf("host '%s' in %s: not a member of group '%s'\n",
			       r->remove_host, base, r->from_group);
	}
	if (rc == DIR_OK && r->delete_host) {
		rc = dir_host_delete(conn, r->delete_host);
		if (rc == DIR_OK)
			printf("host '%s' in %s: deleted\n", r->delete_host,
			       base);
	}
	return rc;
}

static int directory_show(struct dir_conn *conn, const struct command *cmd,
			  const struct static_request *r, const char *host)
{
	struct policy_doc doc = { 0 };
	char *dn = NULL;
	int rc;

	rc = dir_policy_dn(conn, host, cmd->target.policy, &dn);
	if (rc == DIR_OK)
		rc = dir_policy_fetch(conn, dn, &doc);
	if (rc == DIR_OK && r->show && policy_show(cmd, r, &doc, false) != 0)
		rc = -1;
	if (rc == DIR_OK && r->export_file &&
	    policy_export(r->export_file, &doc, PRINT_SECRETS) != 0)
		rc = -1;
	policy_doc_free(&doc);
	free(dn);
	return rc;
}

/* Write a static command to the directory and print what changed. */
static int directory_apply(struct dir_conn *conn, const struct command *cmd,
			   const struct static_request *r, const char *host)
{
	struct dir_apply_result result = { 0 };
	struct static_change change = { 0 };
	char where[4096];
	int rc;

	rc = dir_static_apply_report(conn, cmd, &r->assign, &result);
	if (rc == DIR_OK) {
		if (host)
			snprintf(where, sizeof(where), "host '%s' in %s", host,
				 dir_base_dn(conn));
		else
			snprintf(where, sizeof(where), "%s", dir_base_dn(conn));
		change.where = where;
		change.host = r->assign.host;
		change.group = r->assign.group;
		change.version = result.version;
		change.rule_existed = result.rule_existed;
		change.not_assigned = result.not_assigned;
		change.lost = result.lost;
		change.lost_count = result.lost_count;
		static_changes_print(cmd, &change);
	}
	dir_apply_result_free(&result);
	return rc;
}

static int directory_act(struct dir_conn *conn, const struct command *cmd,
			 const struct static_request *r, const char *host)
{
	struct policy_doc doc = { 0 };
	char **names = NULL;
	size_t count = 0;
	int rc;

	if (r->add_host || r->remove_host || r->delete_host || r->add_group)
		return hosts_run(conn, r);
	if (r->list) {
		rc = dir_policy_list(conn, host, &names, &count);
		if (rc == DIR_OK &&
		    names_print(r, (const char *const *)names, count, NULL) != 0)
			rc = -1;
		dir_names_free(names, count);
		return rc;
	}
	if (r->show || r->export_file)
		return directory_show(conn, cmd, r, host);
	if (r->import_file) {
		if (policy_import(r->import_file, &doc) != 0)
			return -1;
		rc = dir_policy_store(conn, host, &doc);
		if (rc == DIR_OK)
			printf("policy '%s' in %s%s%s%s: imported from %s\n",
			       doc.name, host ? "host '" : "", host ? host : "",
			       host ? "' in " : "", dir_base_dn(conn),
			       r->import_file);
		policy_doc_free(&doc);
		return rc;
	}
	return directory_apply(conn, cmd, r, host);
}

static int directory_run(const struct command *cmd, struct static_request *r)
{
	struct dir_conn *conn = NULL;
	const char *host = NULL;
	char msg[512];
	int rc;

	if (cmd->target.store == STORE_DS)
		r->dir.domain = cmd->target.location;
	else
		host = cmd->target.location;
	if ((r->assign.host || r->assign.group) &&
	    cmd->target.assign == ASSIGN_KEEP) {
		fputs("ipseccmd: --host and --group name the target of -x or -y; add one of them\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if ((r->assign.host || r->assign.group) && cmd->target.store != STORE_DS) {
		fputs("ipseccmd: --host and --group assign directory policies; use them with -w ds\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	rc = dir_connect(&r->dir, &conn, msg, sizeof(msg));
	if (rc != DIR_OK) {
		fprintf(stderr, "ipseccmd: %s\n", msg);
		return CLI_EXIT_FAILURE;
	}
	rc = directory_act(conn, cmd, r, host);
	if (rc > 0)
		fprintf(stderr, "ipseccmd: %s\n", dir_message(conn));
	dir_close(conn);
	return rc == DIR_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

int cli_run_static(const struct command *cmd, const struct cli_options *opts)
{
	struct static_request r;
	int ret;

	/* cli_option_take marks options as used; the list itself is ours
	 * to mark for the duration of this call. */
	ret = request_read((struct cli_options *)opts, &r);
	if (ret != 0)
		return ret;
	if (!cmd->target.policy && (r.show || r.export_file)) {
		fprintf(stderr, "ipseccmd: --%s needs a policy: add -p \"Policy Name\"\n",
			r.show ? "show-policy" : "export");
		return CLI_EXIT_USAGE;
	}
	if (is_local_store(cmd)) {
		if (r.add_host || r.remove_host || r.delete_host || r.add_group ||
		    r.assign.host || r.assign.group) {
			fputs("ipseccmd: hosts and groups live in the directory; use -w ds\n",
			      stderr);
			return CLI_EXIT_USAGE;
		}
		return local_run(cmd, &r);
	}
	return directory_run(cmd, &r);
}

#include "charon.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of swanctl output: message, IKE SA, child-sas, CHILD_SA,
 * and a list inside it, with room to spare. */
#define CHARON_DEPTH_MAX 16

/* Add child under name to parent (object), or append it (array). */
static int charon_attach(json_t *parent, const char *name, json_t *child)
{
	if (json_is_array(parent))
		return json_array_append_new(parent, child);
	return json_object_set_new(parent, name, child);
}

static char *charon_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static bool charon_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

json_t *charon_pretty_parse(const char *text)
{
	json_t *root = json_array();
	json_t *stack[CHARON_DEPTH_MAX];
	size_t depth = 0;
	char *copy = strdup(text ? text : "");
	char *line = copy, *next;
	bool ok = root && copy;

	for (; ok && line && *line; line = next) {
		char *eq;
		json_t *parent = depth ? stack[depth - 1] : root;
		json_t *child = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line = charon_trim(line);
		if (!*line)
			continue;
		if (strcmp(line, "}") == 0 || strcmp(line, "]") == 0) {
			ok = depth > 0;
			depth -= ok ? 1 : 0;
			continue;
		}
		if (charon_ends_with(line, " {") || charon_ends_with(line, " = [")) {
			bool list = charon_ends_with(line, "[");

			line[strlen(line) - (list ? 4 : 2)] = '\0';
			child = list ? json_array() : json_object();
			ok = child && depth < CHARON_DEPTH_MAX &&
			     charon_attach(parent, line, json_incref(child)) == 0;
			if (ok)
				stack[depth++] = child;
			json_decref(child);
			continue;
		}
		eq = strstr(line, " = ");
		if (json_is_array(parent) && depth > 0)
			ok = json_array_append_new(parent, json_string(line)) == 0;
		else if (eq && depth > 0) {
			*eq = '\0';
			ok = json_object_set_new(parent, line,
						 json_string(eq + 3)) == 0;
		} else
			ok = false;
	}
	if (!ok || depth != 0) {
		json_decref(root);
		root = NULL;
	}
	free(copy);
	return root;
}

/* Integer value of a decimal string member; 0 when absent. */
static json_int_t charon_int(const json_t *obj, const char *key)
{
	const char *text = json_string_value(json_object_get(obj, key));
	char *end;
	long long n;

	if (!text)
		return 0;
	n = strtoll(text, &end, 10);
	return *end == '\0' && n >= 0 ? (json_int_t)n : 0;
}

static json_t *charon_text(const json_t *obj, const char *key)
{
	const json_t *value = json_object_get(obj, key);

	return json_is_string(value) ? json_copy((json_t *)value) : json_null();
}

struct charon_totals {
	json_int_t ike_sas, established, child_sas;
	json_int_t bytes_in, bytes_out, packets_in, packets_out;
};

static json_t *charon_child_item(const char *name, const json_t *child,
				 struct charon_totals *t)
{
	const char *state = json_string_value(json_object_get(child, "state"));

	if (state && strcmp(state, "INSTALLED") == 0)
		t->child_sas++;
	t->bytes_in += charon_int(child, "bytes-in");
	t->bytes_out += charon_int(child, "bytes-out");
	t->packets_in += charon_int(child, "packets-in");
	t->packets_out += charon_int(child, "packets-out");
	return json_pack("{s:s, s:o, s:I, s:o, s:o, s:o, s:o, s:I, s:I, s:I,"
			 " s:I}",
			 "name", name, "state", charon_text(child, "state"),
			 "reqid", charon_int(child, "reqid"), "protocol",
			 charon_text(child, "protocol"), "mode",
			 charon_text(child, "mode"), "encr_alg",
			 charon_text(child, "encr-alg"), "integ_alg",
			 charon_text(child, "integ-alg"), "bytes_in",
			 charon_int(child, "bytes-in"), "bytes_out",
			 charon_int(child, "bytes-out"), "packets_in",
			 charon_int(child, "packets-in"), "packets_out",
			 charon_int(child, "packets-out"));
}

static json_t *charon_ike_item(const char *name, const json_t *ike,
			       struct charon_totals *t)
{
	const json_t *children = json_object_get(ike, "child-sas");
	json_t *list = json_array();
	const char *child_name;
	json_t *child;

	t->ike_sas++;
	if (json_is_string(json_object_get(ike, "state")) &&
	    strcmp(json_string_value(json_object_get(ike, "state")),
		   "ESTABLISHED") == 0)
		t->established++;
	json_object_foreach ((json_t *)children, child_name, child)
		json_array_append_new(list, charon_child_item(child_name,
							      child, t));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "name", name,
			 "state", charon_text(ike, "state"), "version",
			 charon_text(ike, "version"), "local_host",
			 charon_text(ike, "local-host"), "remote_host",
			 charon_text(ike, "remote-host"), "child_sas", list);
}

/* The first message of a --stats or --counters reply, or NULL. */
static json_t *charon_first(const char *text)
{
	json_t *all = text ? charon_pretty_parse(text) : NULL;
	json_t *first = json_incref(json_array_get(all, 0));

	json_decref(all);
	return first;
}

json_t *charon_ike_build(const char *list_sas, const char *stats,
			 const char *counters)
{
	struct charon_totals t = { 0 };
	json_t *events = list_sas ? charon_pretty_parse(list_sas) : NULL;
	json_t *st = charon_first(stats);
	json_t *ct = charon_first(counters);
	json_t *sas = json_array(), *out = NULL, *event;
	size_t i;

	if (!events || !sas)
		goto out;
	/* The counters reply has them in a "counters" section. */
	if (json_object_get(ct, "counters")) {
		json_t *inner = json_incref(json_object_get(ct, "counters"));

		json_decref(ct);
		ct = inner;
	}
	json_array_foreach (events, i, event) {
		const char *name;
		json_t *ike;

		json_object_foreach (event, name, ike)
			json_array_append_new(sas, charon_ike_item(name, ike,
								   &t));
	}
	out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			" s:O}",
			"source", "charon", "ike_sas", t.ike_sas,
			"main_mode_sas", t.established, "child_sas",
			t.child_sas, "quick_mode_sas", t.child_sas, "bytes_in",
			t.bytes_in, "bytes_out", t.bytes_out, "packets_in",
			t.packets_in, "packets_out", t.packets_out,
			"ike_sas_half_open",
			charon_int(json_object_get(st, "ikesas"), "half-open"),
			"sas", sas);
	if (out)
		json_object_set_new(out, "pending_key_operations",
				    json_integer(charon_int(
					    json_object_get(st, "ikesas"),
					    "half-open")));
	if (out && ct)
		json_object_set_new(out, "rekeys",
				    json_integer(charon_int(ct, "ike-rekey-init") +
						 charon_int(ct, "ike-rekey-resp") +
						 charon_int(ct, "child-rekey")));
out:
	json_decref(ct);
	json_decref(st);
	json_decref(sas);
	json_decref(events);
	return out;
}

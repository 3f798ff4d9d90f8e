/* Writing rules, policies and commands as JSON. */
#include "policy_json.h"
#include "policy_internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

/* Set obj[key] = value, stealing value; marks *ok false on any failure. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (!value || !obj || json_object_set_new(obj, key, value) < 0)
		*ok = false;
}

static void push(json_t *array, json_t *value, bool *ok)
{
	if (!value || !array || json_array_append_new(array, value) < 0)
		*ok = false;
}

/* JSON spells SHA-1 "sha1"; the command line keeps the Windows "sha". */
static const char *hash_json_name(enum hash_alg hash)
{
	return hash == HASH_SHA1 ? "sha1" : hash_name(hash);
}

static json_t *addr_to_json(const struct addr_spec *a)
{
	char buf[INET6_ADDRSTRLEN];

	switch (a->kind) {
	case ADDR_ANY:
		return json_pack("{s:s}", "kind", "any");
	case ADDR_ME:
		return json_pack("{s:s}", "kind", "me");
	case ADDR_DNS:
		return json_pack("{s:s,s:s}", "kind", "dns", "name",
				 a->name ? a->name : "");
	case ADDR_GUID:
		return json_pack("{s:s,s:s}", "kind", "guid", "guid",
				 a->name ? a->name : "");
	case ADDR_IP:
		break;
	}
	if (!inet_ntop(a->family, a->bytes, buf, sizeof(buf)))
		return NULL;
	return json_pack("{s:s,s:s,s:i}", "kind", "ip", "address", buf,
			 "prefix", (int)a->prefix);
}

static const char *const mark_names[] = { "negotiate", "permit", "block" };

static json_t *filter_to_json(const struct filter_spec *f)
{
	json_t *obj;
	bool ok = true;

	if (f->is_default)
		return json_pack("{s:b}", "default", 1);
	obj = json_object();
	put(obj, "action", json_string(mark_names[f->mark]), &ok);
	put(obj, "mirrored", json_boolean(f->mirrored), &ok);
	put(obj, "src", addr_to_json(&f->src), &ok);
	put(obj, "dst", addr_to_json(&f->dst), &ok);
	put(obj, "src_port", json_integer(f->src_port), &ok);
	put(obj, "dst_port", json_integer(f->dst_port), &ok);
	put(obj, "protocol", f->protocol == PROTO_ANY ? json_null() :
			     json_integer(f->protocol), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *filters_to_json(const struct filter_list *list)
{
	json_t *arr = json_array();
	bool ok = true;

	for (size_t i = 0; i < list->count; i++)
		push(arr, filter_to_json(&list->items[i]), &ok);
	if (!ok) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *qm_offer_to_json(const struct qm_offer *o)
{
	json_t *obj = json_object();
	bool ok = true;

	if (o->has_ah)
		put(obj, "ah", json_string(hash_json_name(o->ah_hash)), &ok);
	if (o->has_esp)
		put(obj, "esp", json_pack("{s:s,s:s}", "enc",
					  enc_name(o->esp_enc), "auth",
					  hash_json_name(o->esp_auth)), &ok);
	put(obj, "lifetime_seconds", json_integer(o->lifetime_seconds), &ok);
	put(obj, "lifetime_kbytes", json_integer(o->lifetime_kbytes), &ok);
	put(obj, "pfs", json_boolean(o->pfs), &ok);
	if (o->pfs)
		put(obj, "pfs_group", o->pfs_group == DH_FROM_MM ?
				      json_string("main-mode") :
				      json_integer(o->pfs_group), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static const char *const action_names[] = { "negotiate", "block", "permit" };
static const char *const conn_names[] = { "all", "lan", "dialup" };

static json_t *qm_to_json(const struct qm_policy *qm)
{
	json_t *obj = json_object(), *offers = json_array();
	bool ok = true;

	put(obj, "action", json_string(action_names[qm->action]), &ok);
	put(obj, "inpass", json_boolean(qm->inpass), &ok);
	for (size_t i = 0; i < qm->count; i++)
		push(offers, qm_offer_to_json(&qm->offers[i]), &ok);
	put(obj, "offers", offers, &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *auth_to_json(const struct auth_method *a, unsigned flags)
{
	switch (a->kind) {
	case AUTH_KERBEROS:
		return json_pack("{s:s}", "method", "kerberos");
	case AUTH_PRESHARE:
		if (flags & PRINT_SECRETS)
			return json_pack("{s:s,s:s}", "method", "preshare",
					 "key", a->value ? a->value : "");
		return json_pack("{s:s,s:b}", "method", "preshare",
				 "key_redacted", 1);
	case AUTH_CERT:
		return json_pack("{s:s,s:s}", "method", "cert", "ca",
				 a->value ? a->value : "");
	}
	return NULL;
}

/* The protocol's own number: 1 for IKEv1, 2 for IKEv2. */
static json_int_t ike_number(enum ike_protocol_version v)
{
	return v == IKE_V1 ? 1 : 2;
}

static json_t *main_mode_to_json(const struct rule_spec *r)
{
	json_t *obj = json_object(), *offers = json_array();
	bool ok = true;

	for (size_t i = 0; i < r->mm_count; i++)
		push(offers, json_pack("{s:s,s:s,s:i}", "enc",
				       enc_name(r->mm_offers[i].enc), "hash",
				       hash_json_name(r->mm_offers[i].hash),
				       "group", r->mm_offers[i].group), &ok);
	put(obj, "offers", offers, &ok);
	put(obj, "rekey_qm", json_integer(r->mm_rekey_qm), &ok);
	put(obj, "rekey_seconds", json_integer(r->mm_rekey_seconds), &ok);
	put(obj, "pfs", json_boolean(r->mm_pfs), &ok);
	put(obj, "filters", filters_to_json(&r->mm_filters), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *rule_to_json(const struct rule_spec *r, unsigned flags)
{
	json_t *obj = json_object(), *auth = json_array();
	bool ok = true;

	put(obj, "filters", filters_to_json(&r->filters), &ok);
	put(obj, "negotiation", qm_to_json(&r->qm), &ok);
	put(obj, "tunnel", r->has_tunnel ? addr_to_json(&r->tunnel) :
			   json_null(), &ok);
	for (size_t i = 0; i < r->auth.count; i++)
		push(auth, auth_to_json(&r->auth.items[i], flags), &ok);
	put(obj, "auth", auth, &ok);
	put(obj, "main_mode", main_mode_to_json(r), &ok);
	put(obj, "soft_expiry_seconds", json_integer(r->soft_expiry_seconds),
	    &ok);
	put(obj, "soft", json_boolean(r->soft), &ok);
	put(obj, "connection", json_string(conn_names[r->conn]), &ok);
	put(obj, "ike_version", json_integer(ike_number(r->ike_version)), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *policy_doc_to_json(const struct policy_doc *doc, unsigned flags)
{
	json_t *obj = json_object(), *rules = json_array();
	bool ok = true;

	put(obj, "format", json_string("ipseccmd-policy"), &ok);
	put(obj, "format_version", json_integer(POLICY_JSON_FORMAT_VERSION),
	    &ok);
	put(obj, "name", json_string(doc->name ? doc->name : ""), &ok);
	put(obj, "poll_minutes", json_integer(doc->poll_minutes), &ok);
	put(obj, "version", json_integer((json_int_t)doc->version), &ok);
	put(obj, "ike_version", json_integer(ike_number(doc->ike_version)),
	    &ok);
	for (size_t i = 0; i < doc->rule_count; i++) {
		json_t *entry = json_object();

		put(entry, "name", json_string(doc->rules[i].name ?
					       doc->rules[i].name : ""), &ok);
		put(entry, "rule", rule_to_json(&doc->rules[i].rule, flags),
		    &ok);
		push(rules, entry, &ok);
	}
	put(obj, "rules", rules, &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static const char *const mode_names[] = {
	[MODE_HELP] = "help",
	[MODE_DYNAMIC] = "dynamic",
	[MODE_DYNAMIC_DELETE] = "dynamic-delete",
	[MODE_STATIC] = "static",
	[MODE_QUERY] = "query",
};

static const char *const part_names[] = {
	"filters", "negotiation", "tunnel", "auth", "mm_offers", "mm_rekey",
	"mm_pfs", "mm_filters", "soft_expiry", "soft", "connection",
};

static const char *const topic_names[] = {
	"filters", "policies", "auth", "stats", "sas",
};

static json_t *names_to_json(unsigned bits, const char *const *names,
			     size_t count)
{
	json_t *arr = json_array();
	bool ok = true;

	for (size_t k = 0; k < count; k++)
		if (bits & (1u << k))
			push(arr, json_string(names[k]), &ok);
	if (!ok) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *target_to_json(const struct static_target *t)
{
	static const char *const assign_names[] = { "keep", "set", "unset" };
	json_t *obj = json_object(), *rules = json_array();
	bool ok = true;

	put(obj, "store", json_string(t->store == STORE_DS ? "ds" : "reg"),
	    &ok);
	put(obj, "location", t->location ? json_string(t->location) :
			     json_null(), &ok);
	put(obj, "policy", t->policy ? json_string(t->policy) : json_null(),
	    &ok);
	put(obj, "poll_minutes", json_integer(t->poll_minutes), &ok);
	put(obj, "poll_given", json_boolean(t->poll_given), &ok);
	put(obj, "ike_given", json_boolean(t->ike_given), &ok);
	for (size_t i = 0; i < t->rule_count; i++)
		push(rules, json_string(t->rules[i]), &ok);
	put(obj, "rules", rules, &ok);
	put(obj, "rule_derived", json_boolean(t->rule_derived), &ok);
	put(obj, "assign", json_string(assign_names[t->assign]), &ok);
	put(obj, "delete", json_boolean(t->delete), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *command_to_json(const struct command *cmd, unsigned flags)
{
	json_t *obj = json_object();
	bool ok = true;

	put(obj, "format", json_string("ipseccmd-command"), &ok);
	put(obj, "format_version", json_integer(POLICY_JSON_FORMAT_VERSION),
	    &ok);
	put(obj, "mode", json_string(mode_names[cmd->mode]), &ok);
	if (cmd->mode == MODE_HELP)
		put(obj, "help_mode", json_string(mode_names[cmd->help_mode]),
		    &ok);
	put(obj, "computer", cmd->computer ? json_string(cmd->computer) :
			     json_null(), &ok);
	if (cmd->mode == MODE_QUERY)
		put(obj, "show", names_to_json(cmd->show, topic_names, 5),
		    &ok);
	if (cmd->mode == MODE_DYNAMIC || cmd->mode == MODE_STATIC) {
		put(obj, "confirm", json_boolean(cmd->confirm), &ok);
		put(obj, "parts", names_to_json(cmd->parts, part_names,
						sizeof(part_names) /
						sizeof(part_names[0])), &ok);
	}
	if (cmd->mode == MODE_DYNAMIC || cmd->has_rule)
		put(obj, "rule", rule_to_json(&cmd->rule, flags), &ok);
	if (cmd->mode == MODE_STATIC)
		put(obj, "target", target_to_json(&cmd->target), &ok);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

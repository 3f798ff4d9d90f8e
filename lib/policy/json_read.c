/*
 * Reading rules and policies back from JSON. Every key is checked: unknown
 * keys, wrong types and out-of-range numbers are errors that name the JSON
 * path. Filters and offers are then checked by printing them in the
 * command-line syntax and parsing that text, so JSON accepts exactly what
 * the command line accepts.
 */
#include "policy_json.h"
#include "policy_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct reader {
	char *err;
	size_t errlen;
	char path[256];
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	char message[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (r->err && r->errlen)
		snprintf(r->err, r->errlen, "%s: %s",
			 r->path[0] ? r->path : "(top)", message);
	return -1;
}

/* Append ".key" or "[i]" to the path; returns the old length to restore. */
static size_t path_push(struct reader *r, const char *key, long index)
{
	size_t old = strlen(r->path);
	int n;

	if (key)
		n = snprintf(r->path + old, sizeof(r->path) - old, "%s%s",
			     old ? "." : "", key);
	else
		n = snprintf(r->path + old, sizeof(r->path) - old, "[%ld]",
			     index);
	(void)n;	/* a truncated path still names the start */
	return old;
}

static void path_pop(struct reader *r, size_t old)
{
	r->path[old] = '\0';
}

/* Reject keys outside `allowed` (NULL-terminated). */
static int keys_check(struct reader *r, const json_t *obj,
		      const char *const *allowed)
{
	const char *key;
	json_t *value;

	if (!json_is_object(obj))
		return fail(r, "expected an object");
	json_object_foreach((json_t *)obj, key, value) {
		bool known = false;

		(void)value;
		for (size_t k = 0; allowed[k]; k++)
			if (strcmp(key, allowed[k]) == 0)
				known = true;
		if (!known)
			return fail(r, "unknown key '%s'", key);
	}
	return 0;
}

static const json_t *member(struct reader *r, const json_t *obj,
			    const char *key, bool required)
{
	const json_t *v = json_object_get(obj, key);

	if (!v && required) {
		size_t old = path_push(r, key, 0);

		fail(r, "missing");
		path_pop(r, old);
	}
	return v;
}

static int get_uint(struct reader *r, const json_t *obj, const char *key,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	const json_t *v = member(r, obj, key, true);
	size_t old;
	int ret = 0;

	if (!v)
		return -1;
	old = path_push(r, key, 0);
	if (!json_is_integer(v))
		ret = fail(r, "expected an integer");
	else if (json_integer_value(v) < 0 ||
		 (uint64_t)json_integer_value(v) < min ||
		 (uint64_t)json_integer_value(v) > max)
		ret = fail(r, "%lld is out of range %llu..%llu",
			   (long long)json_integer_value(v),
			   (unsigned long long)min, (unsigned long long)max);
	else
		*out = (uint64_t)json_integer_value(v);
	path_pop(r, old);
	return ret;
}

static int get_u32(struct reader *r, const json_t *obj, const char *key,
		   uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (get_uint(r, obj, key, min, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* "ike_version": 1 or 2. The key came after format version 1 was
 * published, so it is optional and its absence means IKEv2. */
static int get_ike_version(struct reader *r, const json_t *obj,
			   enum ike_protocol_version *out)
{
	uint64_t v;

	*out = IKE_V2;
	if (!json_object_get(obj, "ike_version"))
		return 0;
	if (get_uint(r, obj, "ike_version", 1, 2, &v))
		return -1;
	*out = v == 1 ? IKE_V1 : IKE_V2;
	return 0;
}

static int get_bool(struct reader *r, const json_t *obj, const char *key,
		    bool *out)
{
	const json_t *v = member(r, obj, key, true);
	size_t old;

	if (!v)
		return -1;
	if (!json_is_boolean(v)) {
		old = path_push(r, key, 0);
		fail(r, "expected true or false");
		path_pop(r, old);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static int get_string(struct reader *r, const json_t *obj, const char *key,
		      const char **out)
{
	const json_t *v = member(r, obj, key, true);
	size_t old;

	if (!v)
		return -1;
	if (!json_is_string(v)) {
		old = path_push(r, key, 0);
		fail(r, "expected a string");
		path_pop(r, old);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Index of `value` in names, or a failure naming the choices. */
static int get_choice(struct reader *r, const json_t *obj, const char *key,
		      const char *const *names, size_t count, int *out)
{
	const char *s;
	size_t old;

	if (get_string(r, obj, key, &s))
		return -1;
	for (size_t k = 0; k < count; k++)
		if (strcmp(s, names[k]) == 0) {
			*out = (int)k;
			return 0;
		}
	old = path_push(r, key, 0);
	fail(r, "invalid value '%s'", s);
	path_pop(r, old);
	return -1;
}

static int addr_from_json(struct reader *r, const json_t *obj,
			  struct addr_spec *out)
{
	static const char *const keys[] = { "kind", "address", "prefix",
					    "name", "guid", NULL };
	static const char *const kinds[] = { "any", "me", "ip", "dns",
					     "guid" };
	const char *text;
	uint32_t prefix;
	int kind;

	memset(out, 0, sizeof(*out));
	if (keys_check(r, obj, keys) ||
	    get_choice(r, obj, "kind", kinds, 5, &kind))
		return -1;
	out->kind = (enum addr_kind)kind;
	switch (out->kind) {
	case ADDR_ANY:
	case ADDR_ME:
		return 0;
	case ADDR_IP:
		if (get_string(r, obj, "address", &text))
			return -1;
		if (inet_pton(AF_INET, text, out->bytes) == 1)
			out->family = AF_INET;
		else if (inet_pton(AF_INET6, text, out->bytes) == 1)
			out->family = AF_INET6;
		else
			return fail(r, "invalid IP address '%s'", text);
		if (get_u32(r, obj, "prefix", 0,
			    out->family == AF_INET ? 32 : 128, &prefix))
			return -1;
		out->prefix = (uint8_t)prefix;
		return 0;
	case ADDR_DNS:
	case ADDR_GUID:
		if (get_string(r, obj, out->kind == ADDR_DNS ? "name" : "guid",
			       &text))
			return -1;
		if (addr_parse(text, strlen(text), false, -1, "JSON", out,
			       NULL) != 0 || out->kind != (enum addr_kind)kind) {
			addr_free(out);
			return fail(r, "invalid %s '%s'", kinds[kind], text);
		}
		return 0;
	}
	return -1;
}

/* Check an element the way the command line would: format, parse back and
 * compare. */
static int filter_validate(struct reader *r, const struct filter_spec *f)
{
	struct filter_spec back;
	struct diag_list diags = { 0 };
	char *text = filter_format(f);
	int ret = 0;

	if (!text)
		return fail(r, "out of memory");
	if (filter_parse(text, -1, &back, &diags) != 0) {
		for (size_t i = 0; i < diags.count; i++)
			if (!diags.items[i].is_warning) {
				ret = fail(r, "%s", diags.items[i].message);
				break;
			}
	} else {
		struct filter_list a = { (struct filter_spec *)f, 1 };
		struct rule_spec ra = { .filters = a }, rb = { 0 };

		rb.filters.items = &back;
		rb.filters.count = 1;
		if (!rule_equal(&ra, &rb))
			ret = fail(r, "filter '%s' is not in canonical form "
				   "(host bits set beyond the prefix?)", text);
		filter_free(&back);
	}
	diag_list_free(&diags);
	free(text);
	return ret;
}

static int filter_from_json(struct reader *r, const json_t *obj,
			    struct filter_spec *out)
{
	static const char *const keys[] = { "default", "action", "mirrored",
					    "src", "dst", "src_port",
					    "dst_port", "protocol", NULL };
	static const char *const marks[] = { "negotiate", "permit", "block" };
	const json_t *v;
	uint32_t port;
	size_t old;
	int mark, ret = -1;

	memset(out, 0, sizeof(*out));
	out->protocol = PROTO_ANY;
	if (keys_check(r, obj, keys))
		return -1;
	v = json_object_get(obj, "default");
	if (v) {
		if (!json_is_true(v) || json_object_size(obj) != 1)
			return fail(r, "a default filter is {\"default\": "
				    "true} and nothing else");
		out->is_default = true;
		return 0;
	}
	if (get_choice(r, obj, "action", marks, 3, &mark) ||
	    get_bool(r, obj, "mirrored", &out->mirrored))
		return -1;
	out->mark = (enum filter_mark)mark;

	v = member(r, obj, "src", true);
	old = path_push(r, "src", 0);
	ret = v ? addr_from_json(r, v, &out->src) : -1;
	path_pop(r, old);
	if (ret)
		goto out;
	v = member(r, obj, "dst", true);
	old = path_push(r, "dst", 0);
	ret = v ? addr_from_json(r, v, &out->dst) : -1;
	path_pop(r, old);
	if (ret)
		goto out;

	ret = -1;
	if (get_u32(r, obj, "src_port", 0, 65535, &port))
		goto out;
	out->src_port = (uint16_t)port;
	if (get_u32(r, obj, "dst_port", 0, 65535, &port))
		goto out;
	out->dst_port = (uint16_t)port;
	v = member(r, obj, "protocol", true);
	if (!v)
		goto out;
	if (!json_is_null(v)) {
		if (get_u32(r, obj, "protocol", 1, 255, &port))
			goto out;
		out->protocol = (int)port;
	}
	ret = filter_validate(r, out);
out:
	if (ret)
		filter_free(out);
	return ret;
}

static int filters_from_json(struct reader *r, const json_t *obj,
			     const char *key, struct filter_list *out)
{
	const json_t *arr = member(r, obj, key, true);
	size_t old, n;
	int ret = 0;

	if (!arr)
		return -1;
	old = path_push(r, key, 0);
	if (!json_is_array(arr)) {
		ret = fail(r, "expected an array");
		goto out;
	}
	n = json_array_size(arr);
	out->items = n ? calloc(n, sizeof(*out->items)) : NULL;
	if (n && !out->items) {
		ret = fail(r, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		size_t o2 = path_push(r, NULL, (long)i);

		ret = filter_from_json(r, json_array_get(arr, i),
				       &out->items[i]);
		if (!ret)
			out->count++;
		path_pop(r, o2);
	}
out:
	path_pop(r, old);
	return ret;
}

static int hash_from_name(struct reader *r, const char *name, bool allow_none,
			  enum hash_alg *out)
{
	int h = hash_lookup(name, strlen(name));

	if (h < 0 || (h == HASH_NONE && !allow_none))
		return fail(r, "unknown hash '%s'", name);
	*out = (enum hash_alg)h;
	return 0;
}

static int qm_offer_validate(struct reader *r, const struct qm_offer *o)
{
	struct qm_offer back;
	struct diag_list diags = { 0 };
	char *text = qm_offer_format(o);
	int ret = 0;

	if (!text)
		return fail(r, "out of memory");
	if (qm_offer_parse(text, -1, &back, &diags) != 0) {
		for (size_t i = 0; i < diags.count; i++)
			if (!diags.items[i].is_warning) {
				ret = fail(r, "%s", diags.items[i].message);
				break;
			}
	} else if (back.has_esp != o->has_esp || back.esp_enc != o->esp_enc ||
		   back.esp_auth != o->esp_auth ||
		   back.lifetime_seconds != o->lifetime_seconds ||
		   back.lifetime_kbytes != o->lifetime_kbytes) {
		ret = fail(r, "offer '%s' is not valid", text);
	}
	diag_list_free(&diags);
	free(text);
	return ret;
}

static int qm_offer_from_json(struct reader *r, const json_t *obj,
			      struct qm_offer *out)
{
	static const char *const keys[] = { "ah", "esp", "lifetime_seconds",
					    "lifetime_kbytes", "pfs",
					    "pfs_group", NULL };
	static const char *const esp_keys[] = { "enc", "auth", NULL };
	const json_t *v;
	const char *s;
	uint32_t group;
	int enc;

	memset(out, 0, sizeof(*out));
	if (keys_check(r, obj, keys))
		return -1;
	if (json_object_get(obj, "ah")) {
		if (get_string(r, obj, "ah", &s) ||
		    hash_from_name(r, s, false, &out->ah_hash))
			return -1;
		out->has_ah = true;
	}
	v = json_object_get(obj, "esp");
	if (v) {
		size_t old = path_push(r, "esp", 0);
		int ret = keys_check(r, v, esp_keys) ||
			  get_string(r, v, "enc", &s);

		if (!ret) {
			enc = enc_lookup(s, strlen(s));
			ret = enc < 0 ? fail(r, "unknown cipher '%s'", s) : 0;
			out->esp_enc = (enum enc_alg)(enc < 0 ? 0 : enc);
		}
		if (!ret)
			ret = get_string(r, v, "auth", &s) ||
			      hash_from_name(r, s, true, &out->esp_auth);
		path_pop(r, old);
		if (ret)
			return -1;
		out->has_esp = true;
	}
	if (!out->has_ah && !out->has_esp)
		return fail(r, "an offer needs \"ah\", \"esp\" or both");
	if (get_u32(r, obj, "lifetime_seconds", 0, UINT32_MAX,
		    &out->lifetime_seconds) ||
	    get_u32(r, obj, "lifetime_kbytes", 0, UINT32_MAX,
		    &out->lifetime_kbytes) ||
	    get_bool(r, obj, "pfs", &out->pfs))
		return -1;
	v = json_object_get(obj, "pfs_group");
	if (out->pfs && !v)
		return fail(r, "pfs_group is missing");
	if (out->pfs && json_is_string(v) &&
	    strcmp(json_string_value(v), "main-mode") == 0) {
		out->pfs_group = DH_FROM_MM;
	} else if (out->pfs) {
		if (get_u32(r, obj, "pfs_group", 1, 255, &group))
			return -1;
		if (!dh_group_supported((int)group))
			return fail(r, "unsupported pfs_group %u", group);
		out->pfs_group = (int)group;
	} else if (v) {
		return fail(r, "pfs_group given while pfs is false");
	}
	return qm_offer_validate(r, out);
}

static int qm_from_json(struct reader *r, const json_t *obj,
			struct qm_policy *out)
{
	static const char *const keys[] = { "action", "inpass", "offers",
					    NULL };
	static const char *const actions[] = { "negotiate", "block",
					       "permit" };
	const json_t *arr;
	size_t old, n;
	int action, ret = 0;

	if (keys_check(r, obj, keys) ||
	    get_choice(r, obj, "action", actions, 3, &action) ||
	    get_bool(r, obj, "inpass", &out->inpass))
		return -1;
	out->action = (enum rule_action)action;
	arr = member(r, obj, "offers", true);
	if (!arr)
		return -1;
	old = path_push(r, "offers", 0);
	n = json_is_array(arr) ? json_array_size(arr) : 0;
	if (!json_is_array(arr))
		ret = fail(r, "expected an array");
	else if (out->action == ACTION_NEGOTIATE && n == 0)
		ret = fail(r, "negotiate needs at least one offer");
	else if (out->action != ACTION_NEGOTIATE && (n || out->inpass))
		ret = fail(r, "block and permit take no offers or inpass");
	if (!ret && n) {
		out->offers = calloc(n, sizeof(*out->offers));
		if (!out->offers)
			ret = fail(r, "out of memory");
	}
	for (size_t i = 0; i < n && !ret; i++) {
		size_t o2 = path_push(r, NULL, (long)i);

		ret = qm_offer_from_json(r, json_array_get(arr, i),
					 &out->offers[i]);
		if (!ret)
			out->count++;
		path_pop(r, o2);
	}
	path_pop(r, old);
	return ret;
}

static int auth_from_json(struct reader *r, const json_t *obj,
			  struct auth_method *out)
{
	static const char *const keys[] = { "method", "key", "key_redacted",
					    "ca", NULL };
	static const char *const methods[] = { "kerberos", "preshare",
					       "cert" };
	const char *value = NULL;
	int kind;

	memset(out, 0, sizeof(*out));
	if (keys_check(r, obj, keys) ||
	    get_choice(r, obj, "method", methods, 3, &kind))
		return -1;
	out->kind = (enum auth_kind)kind;
	if (out->kind == AUTH_KERBEROS)
		return json_object_size(obj) == 1 ? 0 :
		       fail(r, "kerberos takes no other keys");
	if (out->kind == AUTH_PRESHARE && json_object_get(obj, "key_redacted"))
		return fail(r, "the preshared key was left out when this JSON "
			    "was written: write it again with secrets");
	if (get_string(r, obj, out->kind == AUTH_PRESHARE ? "key" : "ca",
		       &value))
		return -1;
	if (!*value)
		return fail(r, "empty %s", out->kind == AUTH_PRESHARE ?
			    "preshared key" : "CA name");
	out->value = strdup(value);
	return out->value ? 0 : fail(r, "out of memory");
}

static int auth_list_from_json(struct reader *r, const json_t *obj,
			       struct auth_list *out)
{
	const json_t *arr = member(r, obj, "auth", true);
	size_t old, n;
	int ret = 0;

	if (!arr)
		return -1;
	old = path_push(r, "auth", 0);
	n = json_is_array(arr) ? json_array_size(arr) : 0;
	if (n == 0)
		ret = fail(r, "expected a non-empty array");
	else if (!(out->items = calloc(n, sizeof(*out->items))))
		ret = fail(r, "out of memory");
	for (size_t i = 0; i < n && !ret; i++) {
		size_t o2 = path_push(r, NULL, (long)i);

		ret = auth_from_json(r, json_array_get(arr, i),
				     &out->items[i]);
		if (!ret)
			out->count++;
		path_pop(r, o2);
	}
	path_pop(r, old);
	return ret;
}

static int mm_offer_from_json(struct reader *r, const json_t *obj,
			      struct mm_offer *out)
{
	static const char *const keys[] = { "enc", "hash", "group", NULL };
	const char *s;
	uint32_t group;
	int enc;

	if (keys_check(r, obj, keys) || get_string(r, obj, "enc", &s))
		return -1;
	enc = enc_lookup(s, strlen(s));
	if (enc <= ENC_NONE)
		return fail(r, "unknown cipher '%s'", s);
	out->enc = (enum enc_alg)enc;
	if (get_string(r, obj, "hash", &s) ||
	    hash_from_name(r, s, false, &out->hash) ||
	    get_u32(r, obj, "group", 1, 255, &group))
		return -1;
	if (!dh_group_supported((int)group))
		return fail(r, "unsupported group %u", group);
	out->group = (int)group;
	return 0;
}

static int main_mode_from_json(struct reader *r, const json_t *obj,
			       struct rule_spec *out)
{
	static const char *const keys[] = { "offers", "rekey_qm",
					    "rekey_seconds", "pfs", "filters",
					    NULL };
	const json_t *arr;
	size_t old, n;
	int ret = 0;

	if (keys_check(r, obj, keys))
		return -1;
	arr = member(r, obj, "offers", true);
	if (!arr)
		return -1;
	old = path_push(r, "offers", 0);
	n = json_is_array(arr) ? json_array_size(arr) : 0;
	if (n == 0)
		ret = fail(r, "expected a non-empty array");
	else if (!(out->mm_offers = calloc(n, sizeof(*out->mm_offers))))
		ret = fail(r, "out of memory");
	for (size_t i = 0; i < n && !ret; i++) {
		size_t o2 = path_push(r, NULL, (long)i);

		ret = mm_offer_from_json(r, json_array_get(arr, i),
					 &out->mm_offers[i]);
		if (!ret)
			out->mm_count++;
		path_pop(r, o2);
	}
	path_pop(r, old);
	if (ret || get_u32(r, obj, "rekey_qm", 0, UINT32_MAX,
			   &out->mm_rekey_qm) ||
	    get_u32(r, obj, "rekey_seconds", 1, UINT32_MAX,
		    &out->mm_rekey_seconds) ||
	    get_bool(r, obj, "pfs", &out->mm_pfs) ||
	    filters_from_json(r, obj, "filters", &out->mm_filters))
		return -1;
	return 0;
}

static int rule_read(struct reader *r, const json_t *obj,
		     struct rule_spec *out)
{
	static const char *const keys[] = { "filters", "negotiation",
					    "tunnel", "auth", "main_mode",
					    "soft_expiry_seconds", "soft",
					    "connection", "ike_version",
					    NULL };
	static const char *const conns[] = { "all", "lan", "dialup" };
	const json_t *v;
	size_t old;
	int conn, ret;

	memset(out, 0, sizeof(*out));
	if (keys_check(r, obj, keys) ||
	    filters_from_json(r, obj, "filters", &out->filters))
		return -1;

	v = member(r, obj, "negotiation", true);
	if (!v)
		return -1;
	old = path_push(r, "negotiation", 0);
	ret = qm_from_json(r, v, &out->qm);
	path_pop(r, old);
	if (ret)
		return -1;

	v = json_object_get(obj, "tunnel");
	if (v && !json_is_null(v)) {
		old = path_push(r, "tunnel", 0);
		ret = addr_from_json(r, v, &out->tunnel);
		if (!ret && out->tunnel.kind != ADDR_IP &&
		    out->tunnel.kind != ADDR_DNS)
			ret = fail(r, "a tunnel endpoint is an IP address or "
				   "a DNS name");
		else if (!ret && out->tunnel.kind == ADDR_IP &&
			 out->tunnel.prefix !=
			 (out->tunnel.family == AF_INET ? 32 : 128))
			ret = fail(r, "a tunnel endpoint is a single address");
		path_pop(r, old);
		if (ret)
			return -1;
		out->has_tunnel = true;
	}

	if (auth_list_from_json(r, obj, &out->auth))
		return -1;
	v = member(r, obj, "main_mode", true);
	if (!v)
		return -1;
	old = path_push(r, "main_mode", 0);
	ret = main_mode_from_json(r, v, out);
	path_pop(r, old);
	if (ret ||
	    get_u32(r, obj, "soft_expiry_seconds", 1, UINT32_MAX,
		    &out->soft_expiry_seconds) ||
	    get_bool(r, obj, "soft", &out->soft) ||
	    get_choice(r, obj, "connection", conns, 3, &conn) ||
	    get_ike_version(r, obj, &out->ike_version))
		return -1;
	out->conn = (enum conn_type)conn;
	return 0;
}

int rule_from_json(const json_t *json, struct rule_spec *out, char *err,
		   size_t errlen)
{
	struct reader r = { .err = err, .errlen = errlen };

	if (rule_read(&r, json, out)) {
		rule_free(out);
		return -1;
	}
	return 0;
}

int policy_doc_from_json(const json_t *json, struct policy_doc *out,
			 char *err, size_t errlen)
{
	static const char *const keys[] = { "format", "format_version", "name",
					    "poll_minutes", "version",
					    "ike_version", "rules", NULL };
	static const char *const rule_keys[] = { "name", "rule", NULL };
	struct reader r = { .err = err, .errlen = errlen };
	const json_t *arr;
	const char *s;
	uint64_t version, fv;
	size_t n, old;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (keys_check(&r, json, keys) || get_string(&r, json, "format", &s))
		goto out;
	if (strcmp(s, "ipseccmd-policy") != 0) {
		fail(&r, "format is '%s', expected 'ipseccmd-policy'", s);
		goto out;
	}
	if (get_uint(&r, json, "format_version", 0, UINT32_MAX, &fv))
		goto out;
	if (fv != POLICY_JSON_FORMAT_VERSION) {
		fail(&r, "format_version %llu is not supported, expected %d",
		     (unsigned long long)fv, POLICY_JSON_FORMAT_VERSION);
		goto out;
	}
	if (get_string(&r, json, "name", &s))
		goto out;
	if (!*s) {
		fail(&r, "empty policy name");
		goto out;
	}
	out->name = strdup(s);
	if (!out->name ||
	    get_u32(&r, json, "poll_minutes", 0, UINT32_MAX,
		    &out->poll_minutes) ||
	    get_uint(&r, json, "version", 0, INT64_MAX, &version) ||
	    get_ike_version(&r, json, &out->ike_version))
		goto out;
	out->version = version;

	arr = member(&r, json, "rules", true);
	if (!arr)
		goto out;
	old = path_push(&r, "rules", 0);
	n = json_is_array(arr) ? json_array_size(arr) : 0;
	ret = 0;
	if (!json_is_array(arr))
		ret = fail(&r, "expected an array");
	else if (n && !(out->rules = calloc(n, sizeof(*out->rules))))
		ret = fail(&r, "out of memory");
	for (size_t i = 0; i < n && !ret; i++) {
		const json_t *entry = json_array_get(arr, i);
		struct named_rule *nr = &out->rules[i];
		size_t o2 = path_push(&r, NULL, (long)i);
		const json_t *rule;

		ret = keys_check(&r, entry, rule_keys) ||
		      get_string(&r, entry, "name", &s) ? -1 : 0;
		if (!ret && !*s)
			ret = fail(&r, "empty rule name");
		if (!ret && !(nr->name = strdup(s)))
			ret = fail(&r, "out of memory");
		rule = ret ? NULL : member(&r, entry, "rule", true);
		if (!ret && !rule)
			ret = -1;
		if (!ret) {
			size_t o3 = path_push(&r, "rule", 0);

			ret = rule_read(&r, rule, &nr->rule);
			path_pop(&r, o3);
		}
		/* The policy's setting is the one that counts. */
		nr->rule.ike_version = out->ike_version;
		out->rule_count++;
		path_pop(&r, o2);
	}
	path_pop(&r, old);
out:
	if (ret)
		policy_doc_free(out);
	return ret;
}

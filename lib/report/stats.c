#include "stats.h"

#include <string.h>

/* Sum of one SA counter over the SAs whose fields match. */
struct sa_filter {
	const char *direction;	/* "in", "out" */
	const char *mode;	/* NULL: any */
	int needs_enc;		/* encrypting SAs only */
	int needs_auth;		/* integrity-protected SAs only */
};

static int sa_encrypts(const json_t *sa)
{
	const char *enc = json_string_value(json_object_get(sa, "enc"));

	return enc && strstr(enc, "null") == NULL;
}

static int sa_authenticates(const json_t *sa)
{
	const char *enc = json_string_value(json_object_get(sa, "enc"));
	const char *proto = json_string_value(json_object_get(sa, "proto"));

	/* AEAD ciphers (gcm, ccm, chacha20poly1305) authenticate as well. */
	return json_is_string(json_object_get(sa, "auth")) ||
	       (proto && strcmp(proto, "ah") == 0) ||
	       (enc && (strstr(enc, "gcm") || strstr(enc, "ccm") ||
			strstr(enc, "poly1305")));
}

static json_t *sa_bytes(const json_t *sas, const struct sa_filter *f)
{
	const json_t *items = json_object_get(sas, "items");
	json_int_t sum = 0;
	size_t i;
	const json_t *sa;

	if (!json_is_array(items))
		return json_null();
	json_array_foreach (items, i, sa) {
		const char *dir = json_string_value(json_object_get(sa, "direction"));
		const char *mode = json_string_value(json_object_get(sa, "mode"));

		if (!dir || strcmp(dir, f->direction) != 0)
			continue;
		if (f->mode && (!mode || strcmp(mode, f->mode) != 0))
			continue;
		if ((f->needs_enc && !sa_encrypts(sa)) ||
		    (f->needs_auth && !sa_authenticates(sa)))
			continue;
		sum += json_integer_value(json_object_get(sa, "bytes"));
	}
	return json_integer(sum);
}

static json_t *member_copy(const json_t *obj, const char *key)
{
	const json_t *value = json_object_get(obj, key);

	return json_is_integer(value) ? json_copy((json_t *)value) : json_null();
}

static void stat_add(json_t *list, const char *name, json_t *value,
		     const char *source)
{
	json_array_append_new(list, json_pack("{s:s, s:o, s:s}", "name", name,
					      "value", value ? value : json_null(),
					      "source", source));
}

/* Counters under the Windows names. */
static void windows_stats_add(json_t *list, const json_t *xfrm,
			      const json_t *ike)
{
	const json_t *sas = json_object_get(xfrm, "sas");
	const json_t *stat = json_object_get(xfrm, "stat");
	static const struct {
		const char *name;
		struct sa_filter filter;
		const char *source;
	} bytes[] = {
		{ "Confidential Bytes Sent", { "out", NULL, 1, 0 },
		  "bytes of outbound SAs that encrypt" },
		{ "Confidential Bytes Received", { "in", NULL, 1, 0 },
		  "bytes of inbound SAs that encrypt" },
		{ "Authenticated Bytes Sent", { "out", NULL, 0, 1 },
		  "bytes of outbound SAs with integrity" },
		{ "Authenticated Bytes Received", { "in", NULL, 0, 1 },
		  "bytes of inbound SAs with integrity" },
		{ "Transport Bytes Sent", { "out", "transport", 0, 0 },
		  "bytes of outbound transport-mode SAs" },
		{ "Transport Bytes Received", { "in", "transport", 0, 0 },
		  "bytes of inbound transport-mode SAs" },
		{ "Bytes Sent In Tunnels", { "out", "tunnel", 0, 0 },
		  "bytes of outbound tunnel-mode SAs" },
		{ "Bytes Received In Tunnels", { "in", "tunnel", 0, 0 },
		  "bytes of inbound tunnel-mode SAs" },
	};
	static const struct {
		const char *name;
		const char *key;
	} ike_names[] = {
		{ "Main Mode SAs", "main_mode_sas" },
		{ "Quick Mode SAs", "quick_mode_sas" },
		{ "Key Additions", "key_additions" },
		{ "Key Deletions", "key_deletions" },
		{ "Rekeys", "rekeys" },
		{ "Authentication Failures", "authentication_failures" },
		{ "Negotiation Failures", "negotiation_failures" },
		{ "Pending Key Operations", "pending_key_operations" },
	};

	stat_add(list, "Active Associations", member_copy(sas, "total"),
		 "SAs in the kernel");
	stat_add(list, "Bad SPI Packets", member_copy(stat, "XfrmInNoStates"),
		 "XfrmInNoStates");
	stat_add(list, "Packets Not Decrypted",
		 member_copy(stat, "XfrmInStateProtoError"),
		 "XfrmInStateProtoError");
	stat_add(list, "Packets Not Authenticated",
		 member_copy(sas, "integrity_failed"),
		 "integrity failures summed over SAs");
	stat_add(list, "Packets With Replay Detection",
		 member_copy(stat, "XfrmInStateSeqError"),
		 "XfrmInStateSeqError");
	for (size_t i = 0; i < sizeof(bytes) / sizeof(*bytes); i++)
		stat_add(list, bytes[i].name,
			 sas ? sa_bytes(sas, &bytes[i].filter) : json_null(),
			 bytes[i].source);
	for (size_t i = 0; i < sizeof(ike_names) / sizeof(*ike_names); i++)
		stat_add(list, ike_names[i].name,
			 member_copy(ike, ike_names[i].key), "ike");
}

json_t *report_stats(const json_t *report)
{
	const json_t *xfrm = json_object_get(report, "xfrm");
	const json_t *sas = json_object_get(xfrm, "sas");
	const json_t *stat = json_object_get(xfrm, "stat");
	const json_t *policies = json_object_get(xfrm, "policies");
	json_t *list = json_array();
	const char *name;
	json_t *value;

	if (!list)
		return NULL;
	windows_stats_add(list, xfrm, json_object_get(report, "ike"));

	stat_add(list, "XFRM Policies", member_copy(policies, "total"),
		 "policies in the kernel");
	stat_add(list, "SA Replay Window Failures",
		 member_copy(sas, "replay_window_failed"),
		 "replay window failures summed over SAs");
	stat_add(list, "SA Packets Received", member_copy(sas, "packets_in"),
		 "packets of inbound SAs");
	stat_add(list, "SA Packets Sent", member_copy(sas, "packets_out"),
		 "packets of outbound SAs");
	if (json_is_object(stat))
		json_object_foreach ((json_t *)stat, name, value)
			stat_add(list, name, json_copy(value), name);
	return list;
}

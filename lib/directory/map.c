/*
 * Mapping between a rule_spec and its four entries: the rule (ipsecNFA),
 * its filter list (ipsecFilter), its filter action
 * (ipsecNegotiationPolicy) and its main-mode settings
 * (ipsecISAKMPPolicy). The four are siblings of the policy entry, named
 * cn=CLASS{UUID} as Active Directory names them, and linked by DN. Filters, offers and authentication methods are
 * stored as the grammar's canonical text, one value each, and read back
 * with the grammar's element parsers.
 */
#include "dir_internal.h"
#include "grammar.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

static const char *const rule_classes[DIR_RULE_ENTRIES] = {
	[DIR_NFA] = "ipsecNFA",
	[DIR_FILTERS] = "ipsecFilter",
	[DIR_ACTION] = "ipsecNegotiationPolicy",
	[DIR_MAIN_MODE] = "ipsecISAKMPPolicy",
};

static const char *const action_names[] = {
	[ACTION_NEGOTIATE] = "negotiate",
	[ACTION_BLOCK] = "block",
	[ACTION_PERMIT] = "pass",
};

static const char *const conn_names[] = {
	[CONN_ALL] = "all",
	[CONN_LAN] = "lan",
	[CONN_DIALUP] = "dialup",
};

int dir_rule_dns_new(struct dir_conn *conn, const char *container,
		     char *dns[DIR_RULE_ENTRIES])
{
	static const char *const prefixes[DIR_RULE_ENTRIES] = {
		[DIR_NFA] = "ipsecNFA",
		[DIR_FILTERS] = "ipsecFilter",
		[DIR_ACTION] = "ipsecNegotiationPolicy",
		[DIR_MAIN_MODE] = "ipsecISAKMPPolicy",
	};
	uint8_t id[16];
	char rdn[64];
	int ret = DIR_OK;

	memset(dns, 0, DIR_RULE_ENTRIES * sizeof(*dns));
	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
		return dir_fail(conn, DIR_ERR_LDAP,
				"cannot read random bytes for a rule identifier: %s",
				strerror(errno));
	/* Random (version 4) UUID, as Active Directory names these objects. */
	id[6] = (uint8_t)((id[6] & 0x0f) | 0x40);
	id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
	for (int i = 0; ret == DIR_OK && i < DIR_RULE_ENTRIES; i++) {
		snprintf(rdn, sizeof(rdn),
			 "%s{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x}", prefixes[i],
			 id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7],
			 id[8], id[9], id[10], id[11], id[12], id[13], id[14],
			 id[15]);
		ret = dir_dn_child(conn, container, "cn", rdn, &dns[i]);
	}
	if (ret != DIR_OK)
		for (int i = 0; i < DIR_RULE_ENTRIES; i++) {
			free(dns[i]);
			dns[i] = NULL;
		}
	return ret;
}

/* The value of the first RDN of dn, malloc'd. */
const char *dir_ike_text(enum ike_protocol_version v)
{
	return v == IKE_V1 ? "1" : "2";
}

static char *rdn_value(const char *dn)
{
	LDAPDN parsed = NULL;
	char *value = NULL;

	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    parsed && parsed[0] && parsed[0][0])
		value = strndup(parsed[0][0]->la_value.bv_val,
				parsed[0][0]->la_value.bv_len);
	ldap_dnfree(parsed);
	return value;
}

static int add_number(struct dir_entry *e, const char *name, uint64_t n)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, n);
	return dir_entry_add(e, name, text);
}

static int add_bool(struct dir_entry *e, const char *name, bool b)
{
	return dir_entry_add(e, name, b ? "TRUE" : "FALSE");
}

/* Text of a tunnel endpoint: an address without prefix, or a DNS name. */
static char *tunnel_format(const struct addr_spec *a)
{
	char text[INET6_ADDRSTRLEN];

	if (a->kind == ADDR_DNS)
		return strdup(a->name);
	if (a->kind != ADDR_IP ||
	    !inet_ntop(a->family, a->bytes, text, sizeof(text)))
		return NULL;
	return strdup(text);
}

static int filters_add(struct dir_entry *e, const char *name,
		       const struct filter_list *list)
{
	int ret = dir_entry_touch(e, name);

	for (size_t i = 0; ret == DIR_OK && i < list->count; i++)
		ret = dir_entry_take(e, name, filter_format(&list->items[i]));
	return ret;
}

static int nfa_build(struct dir_entry *e, const struct rule_spec *r,
		     unsigned parts)
{
	int ret = DIR_OK;

	if (parts & PART_AUTH) {
		ret = dir_entry_touch(e, "ipsecAuthMethod");
		for (size_t i = 0; ret == DIR_OK && i < r->auth.count; i++)
			ret = dir_entry_take(e, "ipsecAuthMethod",
					     auth_format(&r->auth.items[i],
							 PRINT_SECRETS));
	}
	if (ret == DIR_OK && (parts & PART_TUNNEL)) {
		ret = dir_entry_touch(e, "ipsecTunnelEndpoint");
		if (ret == DIR_OK && r->has_tunnel)
			ret = dir_entry_take(e, "ipsecTunnelEndpoint",
					     tunnel_format(&r->tunnel));
	}
	if (ret == DIR_OK && (parts & PART_CONN))
		ret = dir_entry_add(e, "ipsecConnectionType",
				    conn_names[r->conn]);
	return ret;
}

static int action_build(struct dir_entry *e, const struct rule_spec *r,
			unsigned parts)
{
	int ret = DIR_OK;

	if (parts & PART_QM) {
		ret = dir_entry_add(e, "ipsecAction",
				    action_names[r->qm.action]);
		if (ret == DIR_OK)
			ret = add_bool(e, "ipsecInpass", r->qm.inpass);
		if (ret == DIR_OK)
			ret = dir_entry_touch(e, "ipsecOffer");
		for (size_t i = 0; ret == DIR_OK && i < r->qm.count; i++)
			ret = dir_entry_take(e, "ipsecOffer",
					     qm_offer_format(&r->qm.offers[i]));
	}
	if (ret == DIR_OK && (parts & PART_SOFT))
		ret = add_bool(e, "ipsecSoft", r->soft);
	if (ret == DIR_OK && (parts & PART_SOFT_EXPIRY))
		ret = add_number(e, "ipsecSoftExpiry", r->soft_expiry_seconds);
	return ret;
}

static int mm_build(struct dir_entry *e, const struct rule_spec *r,
		    unsigned parts)
{
	int ret = DIR_OK;

	if (parts & PART_MM_OFFERS) {
		ret = dir_entry_touch(e, "ipsecMMOffer");
		for (size_t i = 0; ret == DIR_OK && i < r->mm_count; i++)
			ret = dir_entry_take(e, "ipsecMMOffer",
					     mm_offer_format(&r->mm_offers[i]));
	}
	if (ret == DIR_OK && (parts & PART_MM_REKEY)) {
		ret = add_number(e, "ipsecMMRekeyQM", r->mm_rekey_qm);
		if (ret == DIR_OK)
			ret = add_number(e, "ipsecMMRekeySeconds",
					 r->mm_rekey_seconds);
	}
	if (ret == DIR_OK && (parts & PART_MM_PFS))
		ret = add_bool(e, "ipsecMMPFS", r->mm_pfs);
	if (ret == DIR_OK && (parts & PART_MM_FILTERS))
		ret = filters_add(e, "ipsecMMFilterValue", &r->mm_filters);
	return ret;
}

int dir_rule_entries(const char *policy_dn, char *const dns[DIR_RULE_ENTRIES],
		     const char *rule_name, const struct rule_spec *rule,
		     unsigned parts, bool with_class,
		     struct dir_entry out[DIR_RULE_ENTRIES])
{
	int ret = DIR_OK;

	memset(out, 0, DIR_RULE_ENTRIES * sizeof(*out));
	for (int i = 0; i < DIR_RULE_ENTRIES; i++) {
		out[i].dn = strdup(dns[i]);
		if (!out[i].dn)
			ret = DIR_ERR_NOMEM;
		if (ret == DIR_OK)
			ret = dir_entry_add(&out[i], "ipsecOwnerReference",
					    policy_dn);
		if (ret == DIR_OK && with_class)
			ret = dir_entry_add(&out[i], "objectClass",
					    rule_classes[i]);
		if (ret == DIR_OK && with_class)
			ret = dir_entry_take(&out[i], "cn", rdn_value(dns[i]));
	}
	if (ret == DIR_OK && with_class) {
		ret = dir_entry_add(&out[DIR_NFA], "ipsecName", rule_name);
		if (ret == DIR_OK)
			ret = dir_entry_add(&out[DIR_NFA], "ipsecFilterReference",
					    dns[DIR_FILTERS]);
		if (ret == DIR_OK)
			ret = dir_entry_add(&out[DIR_NFA],
					    "ipsecNegotiationPolicyReference",
					    dns[DIR_ACTION]);
		if (ret == DIR_OK)
			ret = dir_entry_add(&out[DIR_NFA],
					    "ipsecISAKMPReference",
					    dns[DIR_MAIN_MODE]);
	}
	if (ret == DIR_OK)
		ret = nfa_build(&out[DIR_NFA], rule, parts);
	if (ret == DIR_OK && (parts & PART_FILTERS))
		ret = filters_add(&out[DIR_FILTERS], "ipsecFilterValue",
				  &rule->filters);
	if (ret == DIR_OK)
		ret = action_build(&out[DIR_ACTION], rule, parts);
	if (ret == DIR_OK)
		ret = mm_build(&out[DIR_MAIN_MODE], rule, parts);
	if (ret != DIR_OK)
		for (int i = 0; i < DIR_RULE_ENTRIES; i++)
			dir_entry_free(&out[i]);
	return ret;
}

/* Reading back. */

static int bad_value(struct dir_conn *conn, const char *attr,
		     const char *value)
{
	return dir_fail(conn, DIR_ERR_BAD_VALUE,
			"invalid stored %s value '%s'; rewrite the rule with ipseccmd",
			attr, strncmp(attr, "ipsecAuth", 9) == 0 ? "(hidden)" : value);
}

static int number_read(struct dir_conn *conn, const char *attr,
		       const char *text, uint32_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text || *end || n > UINT32_MAX)
		return bad_value(conn, attr, text);
	*out = (uint32_t)n;
	return DIR_OK;
}

static int bool_read(struct dir_conn *conn, const char *attr,
		     const char *text, bool *out)
{
	if (strcmp(text, "TRUE") == 0)
		*out = true;
	else if (strcmp(text, "FALSE") == 0)
		*out = false;
	else
		return bad_value(conn, attr, text);
	return DIR_OK;
}

static int keyword_read(struct dir_conn *conn, const char *attr,
			const char *text, const char *const *names,
			size_t count, int *out)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(text, names[i]) == 0) {
			*out = (int)i;
			return DIR_OK;
		}
	return bad_value(conn, attr, text);
}

static int tunnel_read(struct dir_conn *conn, const char *text,
		       struct rule_spec *r)
{
	struct addr_spec *a = &r->tunnel;

	addr_free(a);
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->kind = ADDR_IP;
		a->family = AF_INET;
		a->prefix = 32;
	} else if (inet_pton(AF_INET6, text, a->bytes) == 1) {
		a->kind = ADDR_IP;
		a->family = AF_INET6;
		a->prefix = 128;
	} else {
		if (!*text)
			return bad_value(conn, "ipsecTunnelEndpoint", text);
		a->kind = ADDR_DNS;
		a->name = strdup(text);
		if (!a->name)
			return DIR_ERR_NOMEM;
	}
	r->has_tunnel = true;
	return DIR_OK;
}

/* Grow an array by one zeroed element and return it, or NULL. The
 * capacity doubles whenever count reaches a power of two, so a rule with
 * 10,000 filters costs 14 reallocations, not 10,000. */
static void *array_push(void **items, size_t *count, size_t size)
{
	char *grown = *items;
	size_t n = *count;

	if (n == 0 || (n & (n - 1)) == 0) {
		grown = realloc(*items, (n ? 2 * n : 1) * size);
		if (!grown)
			return NULL;
	}
	*items = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

static int filter_read(struct dir_conn *conn, const char *attr,
		       const char *text, struct filter_list *list)
{
	struct filter_spec *f;

	f = array_push((void **)&list->items, &list->count, sizeof(*f));
	if (!f)
		return DIR_ERR_NOMEM;
	if (filter_parse(text, -1, f, NULL) != 0) {
		list->count--;
		return bad_value(conn, attr, text);
	}
	return DIR_OK;
}

/* Apply one attribute value to the rule. Unknown attributes are skipped:
 * they belong to newer versions of the schema. */
static int value_read(struct dir_conn *conn, const char *attr,
		      const char *text, struct rule_spec *r)
{
	int k = 0;
	int ret = DIR_OK;

	if (strcasecmp(attr, "ipsecFilterValue") == 0)
		return filter_read(conn, attr, text, &r->filters);
	if (strcasecmp(attr, "ipsecMMFilterValue") == 0)
		return filter_read(conn, attr, text, &r->mm_filters);
	if (strcasecmp(attr, "ipsecOffer") == 0) {
		struct qm_offer *o = array_push((void **)&r->qm.offers,
						&r->qm.count, sizeof(*o));

		if (!o)
			return DIR_ERR_NOMEM;
		if (qm_offer_parse(text, -1, o, NULL) != 0) {
			r->qm.count--;
			return bad_value(conn, attr, text);
		}
		return DIR_OK;
	}
	if (strcasecmp(attr, "ipsecMMOffer") == 0) {
		struct mm_offer *o = array_push((void **)&r->mm_offers,
						&r->mm_count, sizeof(*o));

		if (!o)
			return DIR_ERR_NOMEM;
		if (mm_offer_parse(text, -1, o, NULL) != 0) {
			r->mm_count--;
			return bad_value(conn, attr, text);
		}
		return DIR_OK;
	}
	if (strcasecmp(attr, "ipsecAuthMethod") == 0) {
		struct auth_method *m = array_push((void **)&r->auth.items,
						   &r->auth.count, sizeof(*m));

		if (!m)
			return DIR_ERR_NOMEM;
		if (auth_parse(text, -1, m, NULL) != 0) {
			r->auth.count--;
			return bad_value(conn, attr, text);
		}
		return DIR_OK;
	}
	if (strcasecmp(attr, "ipsecAction") == 0) {
		ret = keyword_read(conn, attr, text, action_names, 3, &k);
		r->qm.action = (enum rule_action)k;
	} else if (strcasecmp(attr, "ipsecConnectionType") == 0) {
		ret = keyword_read(conn, attr, text, conn_names, 3, &k);
		r->conn = (enum conn_type)k;
	} else if (strcasecmp(attr, "ipsecInpass") == 0) {
		ret = bool_read(conn, attr, text, &r->qm.inpass);
	} else if (strcasecmp(attr, "ipsecSoft") == 0) {
		ret = bool_read(conn, attr, text, &r->soft);
	} else if (strcasecmp(attr, "ipsecMMPFS") == 0) {
		ret = bool_read(conn, attr, text, &r->mm_pfs);
	} else if (strcasecmp(attr, "ipsecSoftExpiry") == 0) {
		ret = number_read(conn, attr, text, &r->soft_expiry_seconds);
	} else if (strcasecmp(attr, "ipsecMMRekeyQM") == 0) {
		ret = number_read(conn, attr, text, &r->mm_rekey_qm);
	} else if (strcasecmp(attr, "ipsecMMRekeySeconds") == 0) {
		ret = number_read(conn, attr, text, &r->mm_rekey_seconds);
	} else if (strcasecmp(attr, "ipsecTunnelEndpoint") == 0) {
		ret = tunnel_read(conn, text, r);
	}
	return ret;
}

int dir_rule_read(struct dir_conn *conn, LDAP *ld, LDAPMessage *entry,
		  struct rule_spec *rule)
{
	BerElement *ber = NULL;
	int ret = DIR_OK;

	char *attr = ldap_first_attribute(ld, entry, &ber);

	while (attr) {
		struct berval **vals = ldap_get_values_len(ld, entry, attr);

		for (size_t i = 0; vals && vals[i] && ret == DIR_OK; i++) {
			size_t len = vals[i]->bv_len;
			char small[256];
			/* Filter values fit on the stack, which saves a
			 * malloc() and free() for each of 10,000 filters. */
			char *text = len < sizeof(small) ? small : malloc(len + 1);

			if (!text) {
				ret = DIR_ERR_NOMEM;
				break;
			}
			memcpy(text, vals[i]->bv_val, len);
			text[len] = '\0';
			ret = value_read(conn, attr, text, rule);
			/* The value may be a preshared key. */
			explicit_bzero(text, len);
			if (text != small)
				free(text);
		}
		ldap_value_free_len(vals);
		ldap_memfree(attr);
		if (ret != DIR_OK)
			break;
		attr = ldap_next_attribute(ld, entry, ber);
	}
	ber_free(ber, 0);
	return ret;
}

/* One rule as a swanctl connection: peers, traffic selectors,
 * authentication, lifetimes and the CHILD_SA bound to the rule's reqid. */
#include "ike_internal.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void ike_build_note(struct ike_build *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ike_text_printf(&b->note, "%s%s", b->note.len ? "; " : "", line);
}

/* Host or network in strongSwan's notation ("192.0.2.1", "192.0.2.0/24"),
 * or NULL for address kinds that have no literal form here. */
static const char *ike_addr_literal(const struct addr_spec *a, char *buf,
				    size_t size)
{
	char ip[INET6_ADDRSTRLEN];
	int full = a->family == AF_INET6 ? 128 : 32;

	if (a->kind != ADDR_IP ||
	    !inet_ntop(a->family, a->bytes, ip, sizeof(ip)))
		return NULL;
	if (a->prefix == full)
		snprintf(buf, size, "%s", ip);
	else
		snprintf(buf, size, "%s/%u", ip, a->prefix);
	return buf;
}

/* The local side of a filter is the one that names this host: source
 * unless only the destination is `0` or an interface GUID. */
static bool ike_filter_is_reversed(const struct filter_spec *f)
{
	bool src_local = f->src.kind == ADDR_ME || f->src.kind == ADDR_GUID;
	bool dst_local = f->dst.kind == ADDR_ME || f->dst.kind == ADDR_GUID;

	return !src_local && dst_local;
}

static bool ike_filter_negotiates(const struct filter_spec *f)
{
	return !f->is_default && f->mark == FILTER_NEGOTIATE;
}

/* Append item to a ", "-separated list unless it is there already. */
static void ike_list_add(struct ike_text *list, const char *item)
{
	const char *p = list->data;
	size_t n = strlen(item);

	while (p && *p) {
		const char *end = strstr(p, ", ");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, item, n) == 0)
			return;
		if (!end)
			break;
		p = end + 2;
	}
	ike_text_printf(list, "%s%s", list->len ? ", " : "", item);
}

static void ike_peer_add(struct ike_text *list, const struct addr_spec *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *literal = ike_addr_literal(a, buf, sizeof(buf));

	if (literal)
		ike_list_add(list, literal);
	else if (a->kind == ADDR_DNS && a->name)
		ike_list_add(list, a->name);
	else
		ike_list_add(list, "%any");
}

/* Traffic selector of one filter side: "dynamic" stands for the IKE
 * address itself, which is what `0`, a GUID or a DNS name resolve to. */
static void ike_ts_add(struct ike_text *list, const struct addr_spec *a,
		       int other_family, int protocol, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN + 32];
	char item[INET6_ADDRSTRLEN + 64];
	const char *net = ike_addr_literal(a, buf, sizeof(buf));

	/* `*` against `*` gives no family, so it covers both. */
	if (!net && a->kind == ADDR_ANY && other_family == 0) {
		ike_ts_add(list, a, AF_INET, protocol, port);
		ike_ts_add(list, a, AF_INET6, protocol, port);
		return;
	}
	if (!net && a->kind == ADDR_ANY)
		net = other_family == AF_INET6 ? "::/0" : "0.0.0.0/0";
	if (!net)
		net = "dynamic";
	if (protocol == PROTO_ANY && port == 0)
		snprintf(item, sizeof(item), "%s", net);
	else if (protocol == PROTO_ANY)
		snprintf(item, sizeof(item), "%s[%%any/%u]", net, port);
	else if (port == 0)
		snprintf(item, sizeof(item), "%s[%d]", net, protocol);
	else
		snprintf(item, sizeof(item), "%s[%d/%u]", net, protocol, port);
	ike_list_add(list, item);
}

struct ike_sides {
	struct ike_text local_addrs, remote_addrs;
	struct ike_text local_ts, remote_ts;
	size_t filters;
};

static void ike_sides_collect(const struct rule_spec *rule,
			      struct ike_sides *s)
{
	size_t i;

	for (i = 0; i < rule->filters.count; i++) {
		const struct filter_spec *f = &rule->filters.items[i];
		bool reversed = ike_filter_is_reversed(f);
		const struct addr_spec *local = reversed ? &f->dst : &f->src;
		const struct addr_spec *remote = reversed ? &f->src : &f->dst;
		uint16_t local_port = reversed ? f->dst_port : f->src_port;
		uint16_t remote_port = reversed ? f->src_port : f->dst_port;

		if (!ike_filter_negotiates(f))
			continue;
		s->filters++;
		/* In tunnel mode the filters name the networks behind the
		 * gateways, so the local IKE address is left to the route. */
		if (rule->has_tunnel) {
			ike_list_add(&s->local_addrs, "%any");
			ike_peer_add(&s->remote_addrs, &rule->tunnel);
		} else {
			ike_peer_add(&s->local_addrs, local);
			ike_peer_add(&s->remote_addrs, remote);
		}
		ike_ts_add(&s->local_ts, local, remote->family, f->protocol,
			   local_port);
		ike_ts_add(&s->remote_ts, remote, local->family, f->protocol,
			   remote_port);
	}
}

static void ike_sides_free(struct ike_sides *s)
{
	ike_text_free(&s->local_addrs);
	ike_text_free(&s->remote_addrs);
	ike_text_free(&s->local_ts);
	ike_text_free(&s->remote_ts);
}

static bool ike_is_single_ip(const char *text)
{
	unsigned char bytes[16];

	return inet_pton(AF_INET, text, bytes) == 1 ||
	       inet_pton(AF_INET6, text, bytes) == 1;
}

/* A value swanctl reads as one quoted string: no quote, backslash or
 * control character, which the settings parser would take as syntax. */
static bool ike_value_is_plain(const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p; p++)
		if (*p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Write the local and remote authentication rounds; false (with a note)
 * when the rule's method cannot be configured on this host. */
static bool ike_auth_write(struct ike_build *b, const char *name,
			   const struct ike_sides *s, struct ike_text *conns,
			   struct ike_text *secrets)
{
	const struct auth_list *auth = &b->ref->rule->auth;
	const struct ike_credentials *creds = b->creds;
	const struct auth_method *m;
	const char *host_cert = creds ? creds->host_cert : NULL;
	bool single_peer;

	if (auth->count == 0) {
		ike_build_note(b, "no authentication method; no key exchange");
		return false;
	}
	m = &auth->items[0];
	if (auth->count > 1)
		ike_build_note(b, "charon authenticates a connection with one method; only the first of %zu is offered",
			       auth->count);

	switch (m->kind) {
	case AUTH_PRESHARE:
		if (!m->value || !*m->value) {
			ike_build_note(b, "empty preshared key; no key exchange");
			return false;
		}
		/* With one peer address, the peer's IKE identity is that
		 * address (charon's default) and the secret is bound to it.
		 * Otherwise the secret has no id and matches every peer. The
		 * key is written in hex so that no character of it is
		 * syntax. */
		single_peer = ike_is_single_ip(s->remote_addrs.data);
		ike_text_printf(conns, "\t\tlocal {\n\t\t\tauth = psk\n\t\t}\n"
				"\t\tremote {\n\t\t\tauth = psk\n");
		if (single_peer)
			ike_text_printf(conns, "\t\t\tid = %s\n",
					s->remote_addrs.data);
		ike_text_printf(conns, "\t\t}\n");
		ike_text_printf(secrets, "\tike-%s {\n", name);
		if (single_peer)
			ike_text_printf(secrets, "\t\tid = %s\n",
					s->remote_addrs.data);
		ike_text_printf(secrets, "\t\tsecret = 0x");
		ike_text_hex(secrets, (const unsigned char *)m->value,
			     strlen(m->value));
		ike_text_printf(secrets, "\n\t}\n");
		return true;
	case AUTH_CERT:
		if (!host_cert) {
			ike_build_note(b, "certificate authentication needs the host certificate, which the agent has not configured");
			return false;
		}
		if (!m->value || !ike_value_is_plain(m->value)) {
			ike_build_note(b, "CA name contains a quote, backslash or control character; no key exchange");
			return false;
		}
		ike_text_printf(conns, "\t\tlocal {\n\t\t\tauth = pubkey\n"
				"\t\t\tcerts = %s\n\t\t}\n"
				"\t\tremote {\n\t\t\tauth = pubkey\n"
				"\t\t\tca_id = \"%s\"\n\t\t}\n",
				host_cert, m->value);
		return true;
	case AUTH_KERBEROS:
		if (!host_cert || !creds->fleet_ca) {
			ike_build_note(b, "kerberos maps to the host certificate and the fleet CA, which the agent has not configured");
			return false;
		}
		ike_text_printf(conns, "\t\tlocal {\n\t\t\tauth = pubkey\n"
				"\t\t\tcerts = %s\n\t\t}\n"
				"\t\tremote {\n\t\t\tauth = pubkey\n"
				"\t\t\tcacerts = %s\n\t\t}\n",
				host_cert, creds->fleet_ca);
		return true;
	}
	return false;
}

/* Windows rekeys at the end of an SA's life. charon rekeys at rekey_time
 * and deletes the SA at life_time, so rekeying starts at 90 % of it. */
static void ike_lifetime_write(struct ike_text *conns, uint32_t seconds,
			       uint32_t kbytes)
{
	if (seconds) {
		ike_text_printf(conns, "\t\t\t\trekey_time = %lus\n"
				"\t\t\t\tlife_time = %lus\n",
				(unsigned long)seconds / 10 * 9,
				(unsigned long)seconds);
	}
	if (kbytes) {
		unsigned long long bytes = (unsigned long long)kbytes * 1024;

		ike_text_printf(conns, "\t\t\t\trekey_bytes = %llu\n"
				"\t\t\t\tlife_bytes = %llu\n",
				bytes / 10 * 9, bytes);
	}
}

static void ike_ike_lifetime_write(struct ike_build *b,
				   struct ike_text *conns)
{
	const struct rule_spec *rule = b->ref->rule;
	uint32_t seconds = rule->mm_rekey_seconds;
	uint32_t child = b->child_offer->lifetime_seconds;

	/* -1p: a new main mode for every quick mode. charon comes closest
	 * by renewing the IKE_SA's keys at the CHILD_SA's lifetime. */
	if (rule->mm_pfs && child && (!seconds || child < seconds))
		seconds = child;
	if (rule->mm_rekey_qm)
		ike_build_note(b, "main-mode rekey after %lu quick modes has no strongSwan setting; rekeyed by time only",
			       (unsigned long)rule->mm_rekey_qm);
	if (!seconds)
		return;
	/* IKEv1 has no IKE_SA rekeying in charon, only reauthentication. */
	if (b->version == 1)
		ike_text_printf(conns, "\t\treauth_time = %lus\n"
				"\t\trekey_time = 0\n", (unsigned long)seconds);
	else
		ike_text_printf(conns, "\t\trekey_time = %lus\n",
				(unsigned long)seconds);
}

static void ike_rule_remarks(struct ike_build *b)
{
	const struct rule_spec *rule = b->ref->rule;

	if (rule->qm.inpass)
		ike_build_note(b, "inpass: the kernel policy admits clear inbound traffic; charon only answers with SAs");
	if (rule->soft)
		ike_build_note(b, "soft SAs: traffic flows in clear while no SA exists; -1e %lu s becomes net.core.xfrm_acq_expires, one value for the host (the smallest -1e of its soft rules)",
			       (unsigned long)rule->soft_expiry_seconds);
}

static void ike_child_write(struct ike_build *b, const char *name,
			    const struct ike_sides *s,
			    const struct ike_text *child_proposals,
			    struct ike_text *conns)
{
	ike_text_printf(conns, "\t\tchildren {\n\t\t\t%s {\n"
			"\t\t\t\tmode = %s\n"
			"\t\t\t\tpolicies = no\n"
			"\t\t\t\treqid = %lu\n"
			"\t\t\t\tstart_action = trap\n"
			"\t\t\t\tlocal_ts = %s\n"
			"\t\t\t\tremote_ts = %s\n"
			"\t\t\t\t%s_proposals = %s\n",
			name, b->ref->rule->has_tunnel ? "tunnel" : "transport",
			(unsigned long)b->ref->reqid, s->local_ts.data,
			s->remote_ts.data, b->child_is_ah ? "ah" : "esp",
			child_proposals->data);
	ike_lifetime_write(conns, b->child_offer->lifetime_seconds,
			   b->child_offer->lifetime_kbytes);
	ike_text_printf(conns, "\t\t\t}\n\t\t}\n");
}

int ike_conn_write(struct ike_build *b, const char *name,
		   struct ike_text *conns, struct ike_text *secrets)
{
	const struct rule_spec *rule = b->ref->rule;
	struct ike_sides s = { 0 };
	struct ike_text ike_proposals = { 0 }, child_proposals = { 0 };
	struct ike_text body = { 0 };
	int ret = 0;

	if (rule->qm.action != ACTION_NEGOTIATE)
		goto out;
	if (rule->has_tunnel && b->ref->tunnel_to_self) {
		ike_build_note(b, "inbound half of a tunnel pair; the rule whose -t names the peer negotiates its SAs");
		goto out;
	}
	ike_sides_collect(rule, &s);
	if (s.filters == 0)
		goto out;

	if (ike_proposals_ike(b, &ike_proposals) == 0) {
		ike_build_note(b, "no main-mode offer is usable; no key exchange");
		goto out;
	}
	if (ike_proposals_child(b, &child_proposals) == 0) {
		ike_build_note(b, "no quick-mode offer is usable; no key exchange");
		goto out;
	}
	ike_rule_remarks(b);

	/* The connection goes to a buffer of its own first, because the
	 * authentication step may still reject the rule. */
	ike_text_printf(&body, "\t%s {\n\t\tversion = %d\n"
			"\t\tlocal_addrs = %s\n\t\tremote_addrs = %s\n"
			"\t\tproposals = %s\n\t\tmobike = no\n",
			name, b->version, s.local_addrs.data,
			s.remote_addrs.data, ike_proposals.data);
	ike_ike_lifetime_write(b, &body);
	if (!ike_auth_write(b, name, &s, &body, secrets))
		goto out;
	ike_child_write(b, name, &s, &child_proposals, &body);
	ike_text_printf(&body, "\t}\n");
	if (body.failed)
		goto out;
	ike_text_printf(conns, "%s", body.data);
	ret = 1;
out:
	ike_sides_free(&s);
	ike_text_free(&ike_proposals);
	ike_text_free(&child_proposals);
	ike_text_free(&body);
	return ret;
}

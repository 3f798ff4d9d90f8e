#include "compile.h"
#include "expand.h"
#include "weight.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A policy before merging, with what decides between two of one key. */
struct candidate {
	struct spd_policy policy;
	enum spd_rank rank;
	size_t order;		/* rule position; earlier wins a tie */
};

struct candidate_list {
	struct candidate *items;
	size_t count;
	size_t capacity;
};

/* The resolved -t endpoint of a rule, local when it is this host's address. */
struct tunnel_end {
	bool present;
	bool local;
	struct spd_addr addr;
};

struct rule_ctx {
	const struct spd_rule_ref *ref;
	size_t order;
	const struct spd_host *host;
	struct candidate_list *out;
	struct spd_compile_notes *notes;
	struct tunnel_end tunnel;
	uint32_t reqid;
	int *ifindexes;
	size_t ifindex_count;
};

/* Effect of one filter: its kernel action, its rank and whether it needs
 * templates. */
struct filter_effect {
	enum spd_action action;
	enum spd_rank rank;
	bool negotiate;
};

uint32_t spd_rule_reqid(const char *name)
{
	uint32_t hash = 2166136261u;	/* FNV-1a, 32 bit */

	for (const unsigned char *c = (const unsigned char *)(name ? name : "");
	     *c; c++) {
		hash ^= *c;
		hash *= 16777619u;
	}
	return 0x10000000u | (hash & 0x0fffffffu);
}

static int candidate_push(struct candidate_list *list,
			  const struct candidate *c)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 64;
		struct candidate *items;

		items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return -ENOMEM;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = *c;
	return 0;
}

static uint8_t selector_protocol(int protocol)
{
	return protocol == PROTO_ANY ? 0 : (uint8_t)protocol;
}

static void selector_reverse(struct spd_selector *sel)
{
	uint8_t bytes[16], prefix = sel->src_prefix;
	uint16_t port = sel->src_port;

	memcpy(bytes, sel->src, sizeof(bytes));
	memcpy(sel->src, sel->dst, sizeof(bytes));
	memcpy(sel->dst, bytes, sizeof(bytes));
	sel->src_prefix = sel->dst_prefix;
	sel->dst_prefix = prefix;
	sel->src_port = sel->dst_port;
	sel->dst_port = port;
}

static bool is_local_kind(const struct addr_spec *a)
{
	return a->kind == ADDR_ME || a->kind == ADDR_GUID;
}

/*
 * Add the templates for one direction. ESP comes first because the kernel
 * applies templates in array order on output (innermost first), as
 * strongSwan installs AH+ESP bundles. Only the innermost template of a
 * tunnel rule is in tunnel mode, so AH authenticates the outer header in
 * transport mode.
 */
static void add_templates(const struct rule_ctx *ctx, struct spd_policy *p)
{
	const struct rule_spec *rule = ctx->ref->rule;
	const struct qm_offer *offer = rule->qm.count ? &rule->qm.offers[0]
						       : NULL;
	bool esp = !offer || offer->has_esp || !offer->has_ah;
	bool ah = offer && offer->has_ah;
	bool inbound = p->dir != SPD_DIR_OUT;
	bool optional = rule->soft || (inbound && rule->qm.inpass);
	bool first = true;
	uint8_t protocols[2];
	size_t n = 0;

	if (esp)
		protocols[n++] = IPPROTO_ESP;
	if (ah)
		protocols[n++] = IPPROTO_AH;

	for (size_t i = 0; i < n; i++) {
		struct spd_tmpl *t = &p->tmpl[p->tmpl_count++];

		memset(t, 0, sizeof(*t));
		t->protocol = protocols[i];
		t->reqid = ctx->reqid;
		/* The inbound half of a Windows-style tunnel pair: its SAs
		 * are keyed for the outbound rule and carry that rule's
		 * reqid, and the kernel compares the reqid of inbound
		 * templates with the SA's. Reqid 0 matches any SA of the
		 * template's protocol and mode. */
		if (ctx->tunnel.present && ctx->tunnel.local)
			t->reqid = 0;
		t->optional = optional;
		if (first && ctx->tunnel.present) {
			t->tunnel = true;
			t->tunnel_src.family = ctx->tunnel.addr.family;
			t->tunnel_dst.family = ctx->tunnel.addr.family;
			if (ctx->tunnel.local == inbound)
				t->tunnel_dst = ctx->tunnel.addr;
			else
				t->tunnel_src = ctx->tunnel.addr;
			/* The kernel rejects optional tunnel-mode templates
			 * in outbound policies ("Mode in optional template
			 * not allowed in outbound policy", Linux 6.18), so a
			 * soft tunnel rule still requires its SA outbound. */
			if (!inbound)
				t->optional = false;
		}
		first = false;
	}
}

static int emit(struct rule_ctx *ctx, const struct filter_effect *effect,
		const struct spd_selector *sel, enum spd_dir dir)
{
	for (size_t i = 0; i < ctx->ifindex_count; i++) {
		struct candidate c;
		int ret;

		/* NOTE: the kernel compares a selector's ifindex with the
		 * device of the packet's route. Outbound, that is the link the
		 * packet leaves by. Inbound, it is the loopback device for
		 * every locally delivered packet (Linux 6.18, checked by the
		 * kernel test). An inbound policy cannot name the receiving
		 * link, so -lan and -dialup rules secure or block outbound
		 * traffic only. */
		if (ctx->ifindexes[i] && dir != SPD_DIR_OUT) {
			ctx->notes->inbound_unrestricted++;
			continue;
		}

		memset(&c, 0, sizeof(c));
		c.policy.sel = *sel;
		c.policy.sel.ifindex = ctx->ifindexes[i];
		c.policy.dir = dir;
		c.policy.action = effect->action;
		c.policy.priority = spd_weight_priority(
			spd_weight(&c.policy.sel, effect->rank));
		if (effect->negotiate)
			add_templates(ctx, &c.policy);
		if (ctx->ref->name) {
			strncpy(c.policy.rule, ctx->ref->name,
				sizeof(c.policy.rule) - 1);
		}
		c.rank = effect->rank;
		c.order = ctx->order;
		ret = candidate_push(ctx->out, &c);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Whether one expanded side of a filter is only this host: `0`, a GUID, or
 * a single address (/32 or /128) that the host holds.
 */
static bool side_is_local(const struct rule_ctx *ctx,
			  const struct addr_spec *spec, const struct spd_net *net)
{
	struct spd_addr addr;

	if (is_local_kind(spec))
		return true;
	if (net->prefix != (net->family == AF_INET ? 32 : 128))
		return false;
	memset(&addr, 0, sizeof(addr));
	addr.family = net->family;
	memcpy(addr.bytes, net->bytes, sizeof(addr.bytes));
	return spd_host_has_addr(ctx->host, &addr);
}

/* Emit a transport or plain selector: outbound unless its destination is
 * only this host, inbound unless its source is. */
static int emit_plain(struct rule_ctx *ctx, const struct filter_effect *effect,
		      struct spd_selector *sel, bool from_local, bool to_local)
{
	int ret = 0;

	if (!to_local)
		ret = emit(ctx, effect, sel, SPD_DIR_OUT);
	if (!ret && !from_local)
		ret = emit(ctx, effect, sel, SPD_DIR_IN);
	return ret;
}

/*
 * Emit the policies of one selector (written source -> destination) in
 * each direction it needs. As on Windows, a transport or plain filter
 * matches the traffic it names whichever way it crosses this host. It is
 * only outbound when its source is this host (`0` or one of its
 * addresses), and only inbound when its destination is. Otherwise it is
 * both, so `192.0.2.0/24=198.51.100.0/24` acts on a host at either end. A mirrored filter adds the same for the
 * reverse selector. A tunnel filter to a remote endpoint is outbound;
 * mirrored, it adds inbound and forward policies for the reverse
 * selector. A tunnel filter whose endpoint is this host is inbound and
 * forward.
 */
static int emit_directions(struct rule_ctx *ctx,
			   const struct filter_effect *effect,
			   const struct filter_spec *f, struct spd_selector *sel,
			   bool src_local, bool dst_local)
{
	struct spd_selector back = *sel;
	int ret;

	selector_reverse(&back);
	if (effect->negotiate && ctx->tunnel.present) {
		if (ctx->tunnel.local) {
			ret = emit(ctx, effect, sel, SPD_DIR_IN);
			if (!ret)
				ret = emit(ctx, effect, sel, SPD_DIR_FWD);
			return ret;
		}
		ret = emit(ctx, effect, sel, SPD_DIR_OUT);
		if (!ret && f->mirrored)
			ret = emit(ctx, effect, &back, SPD_DIR_IN);
		if (!ret && f->mirrored)
			ret = emit(ctx, effect, &back, SPD_DIR_FWD);
		return ret;
	}

	ret = emit_plain(ctx, effect, sel, src_local, dst_local);
	if (!ret && f->mirrored)
		ret = emit_plain(ctx, effect, &back, dst_local, src_local);
	return ret;
}

static struct filter_effect filter_effect_of(const struct rule_spec *rule,
					     const struct filter_spec *f)
{
	struct filter_effect e = { SPD_ACTION_ALLOW, SPD_RANK_PERMIT, false };
	enum rule_action action = rule->qm.action;

	if (f->mark == FILTER_PERMIT)
		action = ACTION_PERMIT;
	else if (f->mark == FILTER_BLOCK)
		action = ACTION_BLOCK;

	switch (action) {
	case ACTION_BLOCK:
		e.action = SPD_ACTION_BLOCK;
		e.rank = SPD_RANK_BLOCK;
		break;
	case ACTION_PERMIT:
		break;
	case ACTION_NEGOTIATE:
		e.rank = SPD_RANK_NEGOTIATE;
		e.negotiate = true;
		break;
	}
	return e;
}

static int compile_filter(struct rule_ctx *ctx, const struct filter_spec *f)
{
	struct filter_effect effect = filter_effect_of(ctx->ref->rule, f);
	struct spd_net_list src = { 0 }, dst = { 0 };
	bool paired = false;
	int ret;

	if (f->is_default) {
		ctx->notes->default_filters++;
		return 0;
	}
	if (effect.negotiate && ctx->ref->rule->has_tunnel &&
	    !ctx->tunnel.present) {
		ctx->notes->unresolved++;
		return 0;
	}

	ret = spd_expand_addr(&f->src, ctx->host, &src);
	if (!ret)
		ret = spd_expand_addr(&f->dst, ctx->host, &dst);
	if (ret == 1) {
		ctx->notes->unresolved++;
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;

	for (size_t i = 0; i < src.count; i++) {
		for (size_t j = 0; j < dst.count; j++) {
			const struct spd_net *s = &src.items[i];
			const struct spd_net *d = &dst.items[j];
			struct spd_selector sel;

			if (s->family != d->family)
				continue;
			paired = true;
			memset(&sel, 0, sizeof(sel));
			sel.family = s->family;
			memcpy(sel.src, s->bytes, sizeof(sel.src));
			memcpy(sel.dst, d->bytes, sizeof(sel.dst));
			sel.src_prefix = s->prefix;
			sel.dst_prefix = d->prefix;
			sel.src_port = f->src_port;
			sel.dst_port = f->dst_port;
			sel.protocol = selector_protocol(f->protocol);
			ret = emit_directions(ctx, &effect, f, &sel,
					      side_is_local(ctx, &f->src, s),
					      side_is_local(ctx, &f->dst, d));
			if (ret)
				goto out;
		}
	}
	if (!paired && src.count && dst.count)
		ctx->notes->family_mismatch++;
	ret = 0;
out:
	spd_net_list_free(&src);
	spd_net_list_free(&dst);
	return ret;
}

/* Resolve -t once per rule: a literal, or the first address of a name. */
static void resolve_tunnel(struct rule_ctx *ctx)
{
	const struct rule_spec *rule = ctx->ref->rule;
	struct spd_net_list nets = { 0 };

	memset(&ctx->tunnel, 0, sizeof(ctx->tunnel));
	if (!rule->has_tunnel || rule->tunnel.kind == ADDR_ANY)
		return;
	if (spd_expand_addr(&rule->tunnel, ctx->host, &nets) || !nets.count)
		goto out;
	ctx->tunnel.present = true;
	ctx->tunnel.addr.family = nets.items[0].family;
	memcpy(ctx->tunnel.addr.bytes, nets.items[0].bytes, 16);
	ctx->tunnel.local = spd_host_has_addr(ctx->host, &ctx->tunnel.addr);
out:
	spd_net_list_free(&nets);
}

/* Select the interfaces a rule applies on: every one (ifindex 0), or the
 * LAN or dial-up links by index. */
static void select_interfaces(struct rule_ctx *ctx, int *buffer, size_t size)
{
	enum conn_type conn = ctx->ref->rule->conn;

	ctx->ifindexes = buffer;
	ctx->ifindex_count = 0;
	if (conn == CONN_ALL) {
		buffer[ctx->ifindex_count++] = 0;
		return;
	}
	for (size_t i = 0; i < ctx->host->iface_count && i < size; i++) {
		const struct spd_iface *iface = &ctx->host->ifaces[i];

		if (iface->dialup == (conn == CONN_DIALUP))
			buffer[ctx->ifindex_count++] = iface->ifindex;
	}
}

static int compile_rule(struct rule_ctx *ctx)
{
	const struct rule_spec *rule = ctx->ref->rule;
	size_t size = ctx->host->iface_count ? ctx->host->iface_count : 1;
	int *buffer = calloc(size, sizeof(*buffer));
	int ret = -ENOMEM;

	if (!buffer)
		goto out;
	select_interfaces(ctx, buffer, size);
	if (!ctx->ifindex_count) {
		ctx->notes->no_interface++;
		ret = 0;
		goto out;
	}
	resolve_tunnel(ctx);
	ctx->reqid = spd_rule_reqid(ctx->ref->name);

	for (size_t i = 0; i < rule->filters.count; i++) {
		ret = compile_filter(ctx, &rule->filters.items[i]);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	free(buffer);
	return ret;
}

static int add_exemption_side(struct candidate_list *out,
			      const struct spd_exemption *e, uint8_t protocol,
			      enum spd_dir dir)
{
	struct candidate c;
	struct spd_selector *sel = &c.policy.sel;
	uint8_t prefix = e->addr.family == AF_INET ? 32 : 128;

	memset(&c, 0, sizeof(c));
	sel->family = e->addr.family;
	sel->protocol = protocol;
	if (dir == SPD_DIR_OUT) {
		memcpy(sel->dst, e->addr.bytes, 16);
		sel->dst_prefix = prefix;
		sel->dst_port = e->port;
	} else {
		memcpy(sel->src, e->addr.bytes, 16);
		sel->src_prefix = prefix;
		sel->src_port = e->port;
	}
	c.policy.dir = dir;
	c.policy.action = SPD_ACTION_ALLOW;
	c.policy.priority = SPD_PRIORITY_EXEMPT;
	c.rank = SPD_RANK_BLOCK + 1;	/* beats any rule on the same key */
	strncpy(c.policy.rule, "(exemption)", sizeof(c.policy.rule) - 1);
	return candidate_push(out, &c);
}

/* Allow both directions to and from the peer ahead of every rule. A port
 * without a protocol covers TCP and UDP. */
static int add_exemption(struct candidate_list *out,
			 const struct spd_exemption *e)
{
	uint8_t protocols[2] = { e->protocol, 0 };
	size_t n = 1;
	int ret = 0;

	if (e->port && !e->protocol) {
		protocols[0] = IPPROTO_TCP;
		protocols[1] = IPPROTO_UDP;
		n = 2;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		ret = add_exemption_side(out, e, protocols[i], SPD_DIR_OUT);
		if (!ret)
			ret = add_exemption_side(out, e, protocols[i],
						 SPD_DIR_IN);
	}
	return ret;
}

struct named_reqid {
	uint32_t reqid;
	const char *name;
};

static int named_reqid_cmp(const void *a, const void *b)
{
	const struct named_reqid *x = a, *y = b;

	if (x->reqid != y->reqid)
		return x->reqid < y->reqid ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Count rules whose distinct names share a reqid. With 28 bits of hash,
 * a pair collides with probability 1 in 268 million, so this stays 0 in
 * practice, but the daemon should report it when it is not. */
static int count_reqid_collisions(const struct spd_rule_ref *rules,
				  size_t count, size_t *collisions)
{
	struct named_reqid *all = calloc(count ? count : 1, sizeof(*all));

	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		all[i].name = rules[i].name ? rules[i].name : "";
		all[i].reqid = spd_rule_reqid(all[i].name);
	}
	qsort(all, count, sizeof(*all), named_reqid_cmp);
	for (size_t i = 1; i < count; i++)
		if (all[i].reqid == all[i - 1].reqid &&
		    strcmp(all[i].name, all[i - 1].name))
			(*collisions)++;
	free(all);
	return 0;
}

/* Key order, then the winner first: higher rank, then the earlier rule. */
static int candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = spd_policy_key_cmp(&x->policy, &y->policy);

	if (c)
		return c;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The kernel stores one policy per selector and direction, so of several
 * candidates with one key only the first after sorting is kept. */
static int merge_candidates(struct candidate_list *list, struct spd_set *out,
			    struct spd_compile_notes *notes)
{
	const struct candidate *kept = NULL;

	if (list->count > 1)
		qsort(list->items, list->count, sizeof(*list->items),
		      candidate_cmp);
	for (size_t i = 0; i < list->count; i++) {
		const struct candidate *c = &list->items[i];
		int ret;

		if (kept && !spd_policy_key_cmp(&kept->policy, &c->policy)) {
			if (c->order != kept->order || c->rank != kept->rank)
				notes->merged++;
			continue;
		}
		ret = spd_set_add(out, &c->policy);
		if (ret)
			return ret;
		kept = c;
	}
	return 0;
}

int spd_compile(const struct spd_rule_ref *rules, size_t rule_count,
		const struct spd_host *host,
		const struct spd_exemption *exemptions, size_t exemption_count,
		struct spd_set *out, struct spd_compile_notes *notes)
{
	struct spd_compile_notes scratch;
	struct candidate_list list = { 0 };
	int ret = 0;

	if (!notes)
		notes = &scratch;
	memset(notes, 0, sizeof(*notes));

	for (size_t i = 0; i < rule_count && !ret; i++) {
		struct rule_ctx ctx = {
			.ref = &rules[i], .order = i, .host = host,
			.out = &list, .notes = notes,
		};

		size_t before = notes->unresolved + notes->family_mismatch;
		size_t links_before = notes->no_interface;

		ret = compile_rule(&ctx);
		if (rules[i].skipped) {
			*rules[i].skipped = notes->unresolved +
					    notes->family_mismatch - before;
			if (notes->no_interface != links_before)
				*rules[i].skipped = rules[i].rule->filters.count;
		}
	}
	for (size_t i = 0; i < exemption_count && !ret; i++)
		ret = add_exemption(&list, &exemptions[i]);
	if (!ret)
		ret = count_reqid_collisions(rules, rule_count,
					     &notes->reqid_collisions);
	if (!ret)
		ret = merge_candidates(&list, out, notes);

	if (ret)
		spd_set_clear(out);
	free(list.items);
	return ret;
}

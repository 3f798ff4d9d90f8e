#include "spd_set.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int spd_set_add(struct spd_set *set, const struct spd_policy *p)
{
	if (set->count == set->capacity) {
		size_t capacity = set->capacity ? set->capacity * 2 : 64;
		struct spd_policy *items;

		items = realloc(set->items, capacity * sizeof(*items));
		if (!items)
			return -ENOMEM;
		set->items = items;
		set->capacity = capacity;
	}
	set->items[set->count++] = *p;
	return 0;
}

static int int_cmp(long a, long b)
{
	return (a > b) - (a < b);
}

int spd_policy_key_cmp(const struct spd_policy *a, const struct spd_policy *b)
{
	const struct spd_selector *x = &a->sel, *y = &b->sel;
	int c;

	if ((c = int_cmp(x->family, y->family)) ||
	    (c = memcmp(x->dst, y->dst, sizeof(x->dst))) ||
	    (c = memcmp(x->src, y->src, sizeof(x->src))) ||
	    (c = int_cmp(x->dst_prefix, y->dst_prefix)) ||
	    (c = int_cmp(x->src_prefix, y->src_prefix)) ||
	    (c = int_cmp(x->dst_port, y->dst_port)) ||
	    (c = int_cmp(x->src_port, y->src_port)) ||
	    (c = int_cmp(x->protocol, y->protocol)) ||
	    (c = int_cmp(x->ifindex, y->ifindex)))
		return c;
	return int_cmp(a->dir, b->dir);
}

static int key_cmp_void(const void *a, const void *b)
{
	return spd_policy_key_cmp(a, b);
}

void spd_set_sort(struct spd_set *set)
{
	if (set->count > 1)
		qsort(set->items, set->count, sizeof(*set->items),
		      key_cmp_void);
}

const struct spd_policy *spd_set_find(const struct spd_set *set,
				      const struct spd_policy *key)
{
	if (!set->count)
		return NULL;
	return bsearch(key, set->items, set->count, sizeof(*set->items),
		       key_cmp_void);
}

int spd_set_copy(struct spd_set *dst, const struct spd_set *src)
{
	dst->items = NULL;
	dst->count = 0;
	dst->capacity = 0;
	if (!src->count)
		return 0;
	dst->items = malloc(src->count * sizeof(*dst->items));
	if (!dst->items)
		return -ENOMEM;
	memcpy(dst->items, src->items, src->count * sizeof(*dst->items));
	dst->count = src->count;
	dst->capacity = src->count;
	return 0;
}

void spd_set_clear(struct spd_set *set)
{
	if (!set)
		return;
	free(set->items);
	set->items = NULL;
	set->count = 0;
	set->capacity = 0;
}

static bool tmpl_equal(const struct spd_tmpl *a, const struct spd_tmpl *b)
{
	if (a->protocol != b->protocol || a->tunnel != b->tunnel ||
	    a->reqid != b->reqid || a->optional != b->optional)
		return false;
	if (!a->tunnel)
		return true;
	return a->tunnel_src.family == b->tunnel_src.family &&
	       a->tunnel_dst.family == b->tunnel_dst.family &&
	       !memcmp(a->tunnel_src.bytes, b->tunnel_src.bytes, 16) &&
	       !memcmp(a->tunnel_dst.bytes, b->tunnel_dst.bytes, 16);
}

bool spd_policy_content_equal(const struct spd_policy *a,
			      const struct spd_policy *b)
{
	if (a->priority != b->priority || a->action != b->action ||
	    a->tmpl_count != b->tmpl_count)
		return false;
	for (size_t i = 0; i < a->tmpl_count; i++)
		if (!tmpl_equal(&a->tmpl[i], &b->tmpl[i]))
			return false;
	return true;
}

static void describe_side(char *buf, size_t size, int family,
			  const uint8_t *bytes, uint8_t prefix)
{
	char text[INET6_ADDRSTRLEN];

	if (!prefix) {
		snprintf(buf, size, "any");
		return;
	}
	if (!inet_ntop(family, bytes, text, sizeof(text)))
		snprintf(text, sizeof(text), "?");
	snprintf(buf, size, "%s/%u", text, prefix);
}

const char *spd_policy_describe(const struct spd_policy *p, char *buf,
				size_t size)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	char src[INET6_ADDRSTRLEN + 8], dst[INET6_ADDRSTRLEN + 8];
	char proto[32] = "";

	describe_side(src, sizeof(src), p->sel.family, p->sel.src,
		      p->sel.src_prefix);
	describe_side(dst, sizeof(dst), p->sel.family, p->sel.dst,
		      p->sel.dst_prefix);
	if (p->sel.protocol)
		snprintf(proto, sizeof(proto), " proto %u", p->sel.protocol);
	snprintf(buf, size, "%s %s port %u -> %s port %u%s",
		 p->dir <= SPD_DIR_FWD ? dirs[p->dir] : "?", src,
		 p->sel.src_port, dst, p->sel.dst_port, proto);
	return buf;
}

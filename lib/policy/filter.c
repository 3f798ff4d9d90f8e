/*
 * Filters: Src[/Mask][:Port[:Proto]] (= or +) Dst[/Mask][:Port][:Proto],
 * optionally wrapped in ( ) for permit or [ ] for block, or "default".
 */
#include "policy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROTO_UNSET (-2)
#define SIDE_FIELDS 3

struct side {
	struct addr_spec *addr;
	uint16_t port;
	int protocol;		/* PROTO_UNSET when the side gives none */
};

/* Split at ':' outside braces; returns the field count (may exceed max). */
static size_t side_split(const char *text, size_t len, const char **starts,
			 size_t *lens, size_t max)
{
	size_t n = 0, start = 0;
	int depth = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] == '{')
			depth++;
		else if (i < len && text[i] == '}' && depth > 0)
			depth--;
		if (i < len && (text[i] != ':' || depth > 0))
			continue;
		if (n < max) {
			starts[n] = text + start;
			lens[n] = i - start;
		}
		n++;
		start = i + 1;
	}
	return n;
}

static int port_parse(const char *text, size_t len, int argi,
		      const char *context, uint16_t *out,
		      struct diag_list *diags)
{
	uint32_t v;

	*out = 0;
	if (len == 0 || (len == 1 && text[0] == '*'))
		return 0;
	if (!number_parse(text, len, 0, 65535, &v))
		return diag_add(diags, GRAMMAR_BAD_PORT, argi, 0,
				"invalid port '%.*s' in %s: write a number "
				"from 1 to 65535, or '*' or nothing for all "
				"ports", (int)len, text, context);
	*out = (uint16_t)v;
	return 0;
}

static int proto_parse(const char *text, size_t len, int argi,
		       const char *context, int *out, struct diag_list *diags)
{
	uint32_t v;
	int number;

	*out = PROTO_UNSET;
	if (len == 0 || (len == 1 && text[0] == '*'))
		return 0;
	if (number_parse(text, len, 0, 255, &v)) {
		/* Protocol 0 is "any" in the Windows syntax and in XFRM
		 * selectors alike. */
		*out = v == 0 ? PROTO_ANY : (int)v;
		return 0;
	}
	number = proto_lookup(text, len);
	if (number < 0)
		return diag_add(diags, GRAMMAR_BAD_PROTOCOL, argi, 0,
				"unknown protocol '%.*s' in %s: write TCP, "
				"UDP, ICMP, RAW, another IANA protocol name or "
				"a number from 0 to 255", (int)len, text,
				context);
	*out = number;
	return 0;
}

static int side_parse(const char *text, size_t len, bool is_source,
		      int argi, const char *context, struct side *out,
		      struct diag_list *diags)
{
	const char *starts[SIDE_FIELDS];
	size_t lens[SIDE_FIELDS];
	size_t n;
	int ret;

	out->protocol = PROTO_UNSET;
	n = side_split(text, len, starts, lens, SIDE_FIELDS);
	if (n > SIDE_FIELDS)
		return diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
				"invalid %s: the %s '%.*s' has %zu ':' "
				"fields, write Address[/Mask][:Port][:Protocol]",
				context, is_source ? "source" : "destination",
				(int)len, text, n);
	ret = addr_parse(starts[0], lens[0], true, argi, context, out->addr,
			 diags);
	if (ret)
		return ret;
	ret = addr_normalize(out->addr, argi, context, diags);
	if (ret)
		return ret;
	if (n >= 2) {
		ret = port_parse(starts[1], lens[1], argi, context, &out->port,
				 diags);
		if (ret)
			return ret;
	}
	if (n >= 3)
		return proto_parse(starts[2], lens[2], argi, context,
				   &out->protocol, diags);
	return 0;
}

/* Offset of the single '=' or '+' outside braces, or -1 (none) or -2
 * (more than one). */
static long separator_find(const char *text, size_t len)
{
	long found = -1;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '{')
			depth++;
		else if (text[i] == '}' && depth > 0)
			depth--;
		else if (depth == 0 && (text[i] == '=' || text[i] == '+')) {
			if (found >= 0)
				return -2;
			found = (long)i;
		}
	}
	return found;
}

/* The user's filter text with ":TCP" as its protocol, the usual one for a
 * port: "0+192.0.2.0/24:80" gives "0+192.0.2.0/24:80:TCP" and "0:80+*"
 * gives "0:80+*::TCP". A closing ')' or ']' mark stays last. */
static char *filter_with_tcp(const char *text)
{
	size_t len = strlen(text), body_len = len;
	long sep;
	unsigned colons = 0;
	int depth = 0;
	char *out = NULL;

	if (len > 0 && (text[len - 1] == ')' || text[len - 1] == ']'))
		body_len--;
	sep = separator_find(text, body_len);
	for (size_t i = sep >= 0 ? (size_t)sep + 1 : 0; i < body_len; i++) {
		if (text[i] == '{')
			depth++;
		else if (text[i] == '}' && depth > 0)
			depth--;
		else if (depth == 0 && text[i] == ':')
			colons++;
	}
	if (asprintf(&out, "%.*s%s%s", (int)body_len, text,
		     colons >= 1 ? ":TCP" : "::TCP", text + body_len) < 0)
		return NULL;
	return out;
}

static int filter_check_ports(const char *text, int argi,
			      struct filter_spec *f, struct diag_list *diags)
{
	struct filter_spec bare;
	char *hint, *tcp_hint;
	int ret;

	if (f->src_port == 0 && f->dst_port == 0)
		return 0;
	if (f->protocol != PROTO_ANY && proto_has_ports(f->protocol))
		return 0;

	bare = *f;
	bare.src_port = bare.dst_port = 0;
	hint = filter_format(&bare);
	if (!hint)
		return GRAMMAR_ENOMEM;
	if (f->protocol == PROTO_ANY) {
		tcp_hint = filter_with_tcp(text);
		if (!tcp_hint) {
			free(hint);
			return GRAMMAR_ENOMEM;
		}
		ret = diag_add(diags, GRAMMAR_BAD_PORT, argi, 0,
			       "port without a protocol in filter '%s': add "
			       "the protocol, such as '%s', or write '%s' for "
			       "all ports", text, tcp_hint, hint);
		free(tcp_hint);
	} else
		ret = diag_add(diags, GRAMMAR_BAD_PORT, argi, 0,
			       "port on protocol %s in filter '%s': ports "
			       "apply only to tcp, udp, sctp, udplite and "
			       "dccp, write '%s'", proto_name(f->protocol) ?
			       proto_name(f->protocol) : "given", text, hint);
	free(hint);
	return ret;
}

static bool has_non_address_char(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789.*/:", text[i]))
			return true;
	return false;
}

static int filter_parse_sides(const char *text, const char *body,
			      size_t blen, int argi, const char *context,
			      struct filter_spec *out,
			      struct diag_list *diags)
{
	struct side src = { .addr = &out->src };
	struct side dst = { .addr = &out->dst };
	long sep = separator_find(body, blen);
	int ret;

	/* "192.0.2.11-192.0.2.13" is a range, which filters cannot express,
	 * so adding '+*' as below would only lead to the next error. A bare
	 * address such as "192.0.2.1:80" keeps the advice below. */
	if (sep == -1 && addr_is_mistyped_ipv4(body, blen) &&
	    has_non_address_char(body, blen))
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"invalid filter '%s': '%.*s' is not an "
				"address; write an IP address, address/mask, "
				"a wildcard network such as 192.0.2.*, or a "
				"DNS name, with '+' or '=' and the other side, "
				"such as '0+192.0.2.0/24'", text, (int)blen,
				body);
	if (sep == -1)
		return diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
				"invalid filter '%s': missing '=' or '+' "
				"between source and destination, write "
				"'%.*s+*' (mirrored, to and from any address) "
				"or '0=%.*s'", text, (int)blen, body,
				(int)blen, body);
	if (sep == -2)
		return diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
				"invalid filter '%s': more than one '=' or "
				"'+', write one filter per word such as "
				"'0+192.0.2.1 0+192.0.2.2'", text);
	out->mirrored = body[sep] == '+';

	ret = side_parse(body, (size_t)sep, true, argi, context, &src, diags);
	if (ret)
		return ret;
	ret = side_parse(body + sep + 1, blen - (size_t)sep - 1, false, argi,
			 context, &dst, diags);
	if (ret)
		return ret;

	if (src.protocol != PROTO_UNSET && dst.protocol != PROTO_UNSET &&
	    src.protocol != dst.protocol)
		return diag_add(diags, GRAMMAR_BAD_PROTOCOL, argi, 0,
				"invalid filter '%s': source and destination "
				"name different protocols, write the "
				"protocol once at the end", text);
	out->protocol = dst.protocol != PROTO_UNSET ? dst.protocol :
			src.protocol != PROTO_UNSET ? src.protocol :
			PROTO_ANY;
	out->src_port = src.port;
	out->dst_port = dst.port;

	if (out->src.kind == ADDR_IP && out->dst.kind == ADDR_IP &&
	    out->src.family != out->dst.family)
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"invalid filter '%s': source and destination "
				"mix IPv4 and IPv6, use one family or '*', "
				"'0' or a DNS name on one side", text);
	return filter_check_ports(text, argi, out, diags);
}

int filter_parse(const char *text, int argi, struct filter_spec *out,
		 struct diag_list *diags)
{
	static const char prefix[] = "filter '";
	size_t len = strlen(text);
	const char *body = text;
	size_t blen = len;
	char small[128];
	char *context = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	out->protocol = PROTO_ANY;

	if (len > 0 && (text[0] == '(' || text[0] == '[')) {
		char close = text[0] == '(' ? ')' : ']';

		if (len < 2 || text[len - 1] != close) {
			ret = diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
				       "invalid filter '%s': missing '%c' at "
				       "the end, write %c0+*%c", text, close,
				       text[0], close);
			goto out;
		}
		out->mark = text[0] == '(' ? FILTER_PERMIT : FILTER_BLOCK;
		body = text + 1;
		blen = len - 2;
	}
	if (blen == 0) {
		ret = diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
			       "empty filter '%s': write Source=Destination "
			       "or Source+Destination, such as 0+*", text);
		goto out;
	}
	if (text_equal_nocase(body, blen, "default")) {
		if (out->mark != FILTER_NEGOTIATE) {
			ret = diag_add(diags, GRAMMAR_BAD_FILTER, argi, 0,
				       "invalid filter '%s': the default "
				       "response rule takes no ( ) or [ ], "
				       "write default", text);
			goto out;
		}
		out->is_default = true;
		ret = 0;
		goto out;
	}

	/* The context names the filter in error messages only. Built by hand
	 * on the stack: asprintf() per filter was a tenth of the time to read
	 * a rule with 10,000 filters. */
	if (sizeof(prefix) + len + 1 <= sizeof(small)) {
		memcpy(small, prefix, sizeof(prefix) - 1);
		memcpy(small + sizeof(prefix) - 1, text, len);
		memcpy(small + sizeof(prefix) - 1 + len, "'", 2);
		ret = filter_parse_sides(text, body, blen, argi, small, out,
					 diags);
		goto out;
	}
	if (asprintf(&context, "filter '%s'", text) < 0) {
		context = NULL;
		ret = GRAMMAR_ENOMEM;
		goto out;
	}
	ret = filter_parse_sides(text, body, blen, argi, context, out, diags);
out:
	free(context);
	if (ret)
		filter_free(out);
	return ret;
}

char *filter_format(const struct filter_spec *f)
{
	struct strbuf sb = { 0 };

	filter_format_append(&sb, f);
	return strbuf_finish(&sb);
}

void filter_format_append(struct strbuf *out, const struct filter_spec *f)
{
	struct strbuf sb = *out;
	const char *name;

	if (f->mark == FILTER_PERMIT)
		strbuf_append(&sb, "(");
	else if (f->mark == FILTER_BLOCK)
		strbuf_append(&sb, "[");

	if (f->is_default) {
		strbuf_append(&sb, "default");
	} else {
		addr_format(&sb, &f->src);
		if (f->src_port) {
			strbuf_append_len(&sb, ":", 1);
			strbuf_append_uint(&sb, f->src_port);
		}
		strbuf_append(&sb, f->mirrored ? "+" : "=");
		addr_format(&sb, &f->dst);
		if (f->protocol != PROTO_ANY || f->dst_port)
			strbuf_append_len(&sb, ":", 1);
		if (f->dst_port)
			strbuf_append_uint(&sb, f->dst_port);
		if (f->protocol != PROTO_ANY) {
			/* protocol is 0..255 here, PROTO_ANY being -1 */
			name = proto_name(f->protocol);
			strbuf_append_len(&sb, ":", 1);
			if (name)
				strbuf_append(&sb, name);
			else
				strbuf_append_uint(&sb, (uint32_t)f->protocol);
		}
	}

	if (f->mark == FILTER_PERMIT)
		strbuf_append(&sb, ")");
	else if (f->mark == FILTER_BLOCK)
		strbuf_append(&sb, "]");
	*out = sb;
}

int filter_copy(struct filter_spec *dst, const struct filter_spec *src)
{
	*dst = *src;
	dst->src.name = dst->dst.name = NULL;
	if (addr_copy(&dst->src, &src->src) ||
	    addr_copy(&dst->dst, &src->dst)) {
		filter_free(dst);
		return GRAMMAR_ENOMEM;
	}
	return 0;
}

void filter_free(struct filter_spec *f)
{
	if (!f)
		return;
	addr_free(&f->src);
	addr_free(&f->dst);
}

void filter_list_free(struct filter_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		filter_free(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

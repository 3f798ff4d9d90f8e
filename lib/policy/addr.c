/*
 * Filter and tunnel addresses: '0' (this host), '*' (any), IPv4 with an
 * optional dotted mask or prefix length, trailing octet wildcards, IPv6
 * inside braces with an optional prefix length, interface GUIDs inside
 * braces, and DNS names.
 */
#include "policy_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool is_hex_run(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* {8-4-4-4-12} including the braces. */
static bool guid_valid(const char *text, size_t len)
{
	static const size_t runs[] = { 8, 4, 4, 4, 12 };
	const char *p = text + 1;

	if (len != 38 || text[0] != '{' || text[37] != '}')
		return false;
	for (size_t i = 0; i < 5; i++) {
		if (!is_hex_run(p, runs[i]))
			return false;
		p += runs[i];
		if (i < 4 && *p++ != '-')
			return false;
	}
	return true;
}

static bool dns_name_valid(const char *text, size_t len)
{
	size_t label = 0;
	bool all_numeric = true;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-' && c != '_')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (!isdigit((unsigned char)c))
			all_numeric = false;
		if (++label > 63)
			return false;
	}
	/* Dotted digits are a mistyped IPv4 address, not a host name. */
	return !all_numeric;
}

/* The first two labels all digits ("192.0.2.1x", "10.1.2.3.4x",
 * "192.0.2.11-192.0.2.13") mark a mistyped IPv4 address that the agent
 * could never resolve; "10.example.com" is a name. */
bool addr_is_mistyped_ipv4(const char *text, size_t len)
{
	size_t i = 0;

	for (int label = 0; label < 2; label++) {
		size_t start = i;

		while (i < len && isdigit((unsigned char)text[i]))
			i++;
		if (i == start)
			return false;
		if (label == 0 && (i == len || text[i] != '.'))
			return false;
		if (label == 0)
			i++;
	}
	return i == len || text[i] == '.';
}

static void prefix_to_mask(int prefix, int bytes, uint8_t *mask)
{
	for (int i = 0; i < bytes; i++) {
		int bits = prefix - i * 8;

		if (bits >= 8)
			mask[i] = 0xff;
		else if (bits <= 0)
			mask[i] = 0;
		else
			mask[i] = (uint8_t)(0xff << (8 - bits));
	}
}

/* Prefix length of a contiguous IPv4 mask, or -1. */
static int mask_to_prefix(const uint8_t *mask)
{
	uint32_t m = ((uint32_t)mask[0] << 24) | ((uint32_t)mask[1] << 16) |
		     ((uint32_t)mask[2] << 8) | mask[3];
	uint32_t inverted = ~m;

	if ((inverted & (inverted + 1)) != 0)
		return -1;
	return 32 - __builtin_popcount(inverted);
}

/* 10.92.*.* style: trailing '*' octets become the prefix length. */
static int ipv4_wildcard_parse(const char *text, size_t len, uint8_t *bytes,
			       int *prefix)
{
	size_t start = 0;
	int octet = 0;
	bool wild = false;

	*prefix = 0;

	for (size_t i = 0; i <= len; i++) {
		uint32_t v;

		if (i < len && text[i] != '.')
			continue;
		if (octet >= 4)
			return -1;
		if (i - start == 1 && text[start] == '*') {
			wild = true;
			bytes[octet] = 0;
		} else if (wild || !number_parse(text + start, i - start, 0,
						 255, &v)) {
			return -1;
		} else {
			bytes[octet] = (uint8_t)v;
			*prefix = (octet + 1) * 8;
		}
		octet++;
		start = i + 1;
	}
	if (octet != 4 || !wild)
		return -1;
	return 0;
}

static void addr_clear_host_bits(struct addr_spec *a)
{
	uint8_t mask[16];
	int n = a->family == AF_INET ? 4 : 16;

	prefix_to_mask(a->prefix, n, mask);
	for (int i = 0; i < n; i++)
		a->bytes[i] &= mask[i];
}

static bool has_host_bits(const struct addr_spec *a)
{
	uint8_t mask[16];
	int n = a->family == AF_INET ? 4 : 16;

	prefix_to_mask(a->prefix, n, mask);
	for (int i = 0; i < n; i++)
		if (a->bytes[i] & (uint8_t)~mask[i])
			return true;
	return false;
}

static int ipv4_mask_parse(const char *text, size_t len, int argi,
			   const char *context, int *prefix,
			   struct diag_list *diags)
{
	char buf[INET_ADDRSTRLEN];
	uint8_t mask[4];
	uint32_t v;

	if (memchr(text, '.', len) == NULL) {
		if (!number_parse(text, len, 0, 32, &v))
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"invalid mask '%.*s' in %s: write a "
					"prefix length from 0 to 32 or a "
					"dotted mask such as 255.255.255.0",
					(int)len, text, context);
		*prefix = (int)v;
		return 0;
	}
	if (len >= sizeof(buf) || (memcpy(buf, text, len), buf[len] = '\0',
				   inet_pton(AF_INET, buf, mask) != 1))
		return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
				"invalid mask '%.*s' in %s: write a dotted "
				"mask such as 255.255.255.0", (int)len, text,
				context);
	*prefix = mask_to_prefix(mask);
	if (*prefix < 0)
		return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
				"non-contiguous mask '%.*s' in %s: write a "
				"mask whose one bits come first, such as "
				"255.255.255.0", (int)len, text, context);
	return 0;
}

static int addr_parse_braced(const char *text, size_t len, const char *mask,
			     size_t mask_len, int argi, const char *context,
			     struct addr_spec *out, struct diag_list *diags)
{
	char buf[INET6_ADDRSTRLEN + 1];
	uint32_t v;

	if (memchr(text, ':', len) == NULL) {
		if (!guid_valid(text, len))
			return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
					"invalid interface GUID '%.*s' in %s: "
					"write {12345678-1234-1234-1234-"
					"123456789ABC}", (int)len, text, context);
		if (mask)
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"mask on interface GUID '%.*s' in %s: "
					"remove '/%.*s'", (int)len, text, context,
					(int)mask_len, mask);
		out->kind = ADDR_GUID;
		out->name = text_dup(text, len);
		if (!out->name)
			return GRAMMAR_ENOMEM;
		for (char *p = out->name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		return 0;
	}

	if (len < 3 || text[len - 1] != '}' || len - 2 >= sizeof(buf))
		goto bad;
	memcpy(buf, text + 1, len - 2);
	buf[len - 2] = '\0';
	if (inet_pton(AF_INET6, buf, out->bytes) != 1)
		goto bad;
	out->kind = ADDR_IP;
	out->family = AF_INET6;
	out->prefix = 128;
	if (mask) {
		if (!number_parse(mask, mask_len, 0, 128, &v))
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"invalid IPv6 prefix length '%.*s' in "
					"%s: write a number from 0 to 128",
					(int)mask_len, mask, context);
		out->prefix = (uint8_t)v;
	}
	return 0;
bad:
	return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
			"invalid IPv6 address '%.*s' in %s: write it inside "
			"braces, such as {2001:db8::1} or {2001:db8::}/32",
			(int)len, text, context);
}

static int addr_parse_ipv4(const char *text, size_t len, const char *mask,
			   size_t mask_len, int argi, const char *context,
			   struct addr_spec *out, struct diag_list *diags)
{
	char buf[INET_ADDRSTRLEN];
	int prefix = 32;
	int ret;

	out->kind = ADDR_IP;
	out->family = AF_INET;
	if (memchr(text, '*', len)) {
		if (ipv4_wildcard_parse(text, len, out->bytes, &prefix) < 0)
			return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
					"invalid address '%.*s' in %s: '*' may "
					"replace only trailing octets, such as "
					"10.92.*.*", (int)len, text, context);
		if (mask)
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"mask on wildcard address '%.*s' in "
					"%s: write either 10.92.*.* or "
					"10.92.0.0/255.255.0.0", (int)len,
					text, context);
		out->prefix = (uint8_t)prefix;
		return 0;
	}

	memcpy(buf, text, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, out->bytes) != 1)
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"invalid IPv4 address '%.*s' in %s: write "
				"four numbers from 0 to 255 such as "
				"192.0.2.10, address/mask, a wildcard "
				"network such as 192.0.2.*, or a DNS name",
				(int)len, text, context);
	if (mask) {
		ret = ipv4_mask_parse(mask, mask_len, argi, context, &prefix,
				      diags);
		if (ret)
			return ret;
	}
	out->prefix = (uint8_t)prefix;
	return 0;
}

static bool looks_like_ipv4(const char *text, size_t len)
{
	if (len >= INET_ADDRSTRLEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)text[i]) && text[i] != '.' &&
		    text[i] != '*')
			return false;
	return true;
}

int addr_parse(const char *text, size_t len, bool allow_mask, int argi,
	       const char *context, struct addr_spec *out,
	       struct diag_list *diags)
{
	const char *slash, *mask = NULL;
	size_t addr_len = len, mask_len = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->kind = ADDR_ANY;

	/* The mask starts at the first '/' after any closing brace. */
	slash = memchr(text, '/', len);
	if (slash) {
		const char *brace = memchr(text, '}', len);

		if (brace && brace > slash)
			slash = NULL;
	}
	if (slash) {
		addr_len = (size_t)(slash - text);
		mask = slash + 1;
		mask_len = len - addr_len - 1;
		if (!allow_mask)
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"mask '/%.*s' on %s: write a single "
					"address without a mask", (int)mask_len,
					mask, context);
	}
	if (addr_len == 0)
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"missing address in %s: write 0 (this host), "
				"* (any), an IP address or a DNS name", context);

	if (addr_len == 1 && text[0] == '*') {
		if (mask)
			return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
					"mask on '*' in %s: '*' already means "
					"any address, remove '/%.*s'", context,
					(int)mask_len, mask);
		return 0;
	}
	if (addr_len == 1 && text[0] == '0') {
		int prefix = 32;

		if (mask) {
			ret = ipv4_mask_parse(mask, mask_len, argi, context,
					      &prefix, diags);
			if (ret)
				return ret;
			if (prefix != 32)
				return diag_add(diags, GRAMMAR_BAD_MASK, argi,
						0, "mask '/%.*s' on '0' in %s: "
						"'0' means this host's "
						"addresses, write 0 alone or "
						"0.0.0.0/%d for a network",
						(int)mask_len, mask, context,
						prefix);
		}
		out->kind = ADDR_ME;
		return 0;
	}
	if (text[0] == '{')
		return addr_parse_braced(text, addr_len, mask, mask_len, argi,
					 context, out, diags);
	if (looks_like_ipv4(text, addr_len))
		return addr_parse_ipv4(text, addr_len, mask, mask_len, argi,
				       context, out, diags);
	if (addr_is_mistyped_ipv4(text, addr_len))
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"invalid address '%.*s' in %s: write an IP "
				"address, address/mask, a wildcard network "
				"such as 192.0.2.*, or a DNS name",
				(int)addr_len, text, context);
	if (!dns_name_valid(text, addr_len))
		return diag_add(diags, GRAMMAR_BAD_ADDRESS, argi, 0,
				"invalid address '%.*s' in %s: write 0 (this "
				"host), * (any), an IPv4 address, an IPv6 "
				"address in braces, a GUID in braces or a DNS "
				"name", (int)addr_len, text, context);
	if (mask)
		return diag_add(diags, GRAMMAR_BAD_MASK, argi, 0,
				"mask on DNS name '%.*s' in %s: remove "
				"'/%.*s'", (int)addr_len, text, context,
				(int)mask_len, mask);
	out->kind = ADDR_DNS;
	out->name = text_dup(text, addr_len);
	return out->name ? 0 : GRAMMAR_ENOMEM;
}

int addr_normalize(struct addr_spec *a, int argi, const char *context,
		   struct diag_list *diags)
{
	struct strbuf sb = { 0 };
	char *text;
	int ret;

	if (a->kind != ADDR_IP || !has_host_bits(a))
		return 0;
	addr_clear_host_bits(a);
	addr_format(&sb, a);
	text = strbuf_finish(&sb);
	if (!text)
		return GRAMMAR_ENOMEM;
	ret = diag_warn(diags, argi, 0,
			"address in %s has host bits set beyond its mask: "
			"using the network %s", context, text);
	free(text);
	return ret;
}

void addr_format(struct strbuf *sb, const struct addr_spec *a)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t mask[4];

	switch (a->kind) {
	case ADDR_ANY:
		strbuf_append(sb, "*");
		return;
	case ADDR_ME:
		strbuf_append(sb, "0");
		return;
	case ADDR_DNS:
	case ADDR_GUID:
		strbuf_append(sb, a->name ? a->name : "");
		return;
	case ADDR_IP:
		break;
	}
	if (a->family == AF_INET6) {
		inet_ntop(AF_INET6, a->bytes, buf, sizeof(buf));
		strbuf_appendf(sb, "{%s}", buf);
		if (a->prefix < 128)
			strbuf_appendf(sb, "/%u", a->prefix);
		return;
	}
	strbuf_append_ipv4(sb, a->bytes);
	if (a->prefix < 32) {
		prefix_to_mask(a->prefix, 4, mask);
		strbuf_append_len(sb, "/", 1);
		strbuf_append_ipv4(sb, mask);
	}
}

bool addr_equal(const struct addr_spec *a, const struct addr_spec *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case ADDR_ANY:
	case ADDR_ME:
		return true;
	case ADDR_IP:
		return a->family == b->family && a->prefix == b->prefix &&
		       memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
	case ADDR_DNS:
	case ADDR_GUID:
		if (!a->name || !b->name)
			return a->name == b->name;
		return strcmp(a->name, b->name) == 0;
	}
	return false;
}

int addr_copy(struct addr_spec *dst, const struct addr_spec *src)
{
	*dst = *src;
	dst->name = NULL;
	if (src->name) {
		dst->name = strdup(src->name);
		if (!dst->name)
			return GRAMMAR_ENOMEM;
	}
	return 0;
}

void addr_free(struct addr_spec *a)
{
	if (!a)
		return;
	free(a->name);
	a->name = NULL;
}

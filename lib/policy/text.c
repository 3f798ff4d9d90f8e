/* Small string, number and array helpers for the parsers and printers. */
#include "policy_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int array_reserve(void **items, size_t count, size_t size)
{
	size_t cap;
	void *grown;

	/* The array has exactly `count` slots only when count is 0 or a
	 * power of two. Otherwise room is left from the last doubling. */
	if (count != 0 && (count & (count - 1)) != 0)
		return 0;
	cap = count ? count * 2 : 1;
	if (cap < count || cap > SIZE_MAX / size)
		return -1;
	grown = realloc(*items, cap * size);
	if (!grown)
		return -1;
	*items = grown;
	return 0;
}

static bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *grown;

	if (sb->failed)
		return false;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	grown = realloc(sb->data, cap);
	if (!grown) {
		sb->failed = true;
		return false;
	}
	sb->data = grown;
	sb->cap = cap;
	return true;
}

void strbuf_append_len(struct strbuf *sb, const char *text, size_t len)
{
	if (!strbuf_grow(sb, len))
		return;
	memcpy(sb->data + sb->len, text, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
}

void strbuf_append(struct strbuf *sb, const char *text)
{
	strbuf_append_len(sb, text, strlen(text));
}

void strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
{
	char small[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		strbuf_append_len(sb, small, (size_t)n);
		return;
	}
	if (!strbuf_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_clear(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void strbuf_append_uint(struct strbuf *sb, uint32_t v)
{
	char digits[10];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_append_len(sb, digits + n, sizeof(digits) - n);
}

void strbuf_append_ipv4(struct strbuf *sb, const uint8_t bytes[4])
{
	for (size_t i = 0; i < 4; i++) {
		if (i)
			strbuf_append_len(sb, ".", 1);
		strbuf_append_uint(sb, bytes[i]);
	}
}

char *strbuf_finish(struct strbuf *sb)
{
	char *out;

	if (sb->failed) {
		free(sb->data);
		out = NULL;
	} else if (!sb->data) {
		out = strdup("");
	} else {
		out = sb->data;
	}
	sb->data = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
	return out;
}

bool text_equal_nocase(const char *text, size_t len, const char *keyword)
{
	return strlen(keyword) == len && strncasecmp(text, keyword, len) == 0;
}

bool number_parse(const char *text, size_t len, uint32_t min, uint32_t max,
		  uint32_t *out)
{
	uint64_t value = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return false;
		value = value * 10 + (uint64_t)(text[i] - '0');
	}
	if (value < min || value > max)
		return false;
	*out = (uint32_t)value;
	return true;
}

bool utf8_valid(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		unsigned char c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		p += n + 1;
	}
	return true;
}

char *text_dup(const char *text, size_t len)
{
	return strndup(text, len);
}

static bool shell_safe_char(char c)
{
	return isalnum((unsigned char)c) || strchr("+-=_.,:/@%^", c) != NULL;
}

/* Characters that keep their special meaning inside double quotes. */
static bool needs_single_quotes(const char *word)
{
	return strpbrk(word, "$`\\\"!\n") != NULL;
}

void shell_quote(struct strbuf *sb, const char *word)
{
	bool plain = *word != '\0';

	for (const char *p = word; *p; p++)
		if (!shell_safe_char(*p))
			plain = false;
	if (plain) {
		strbuf_append(sb, word);
		return;
	}

	/* Double quotes also work in cmd.exe, so prefer them. */
	if (!needs_single_quotes(word)) {
		strbuf_append(sb, "\"");
		strbuf_append(sb, word);
		strbuf_append(sb, "\"");
		return;
	}
	strbuf_append(sb, "'");
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			strbuf_append(sb, "'\\''");
		else
			strbuf_append_len(sb, p, 1);
	}
	strbuf_append(sb, "'");
}

#include "ike_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ike_text_reserve(struct ike_text *t, size_t extra)
{
	size_t need, cap;
	char *data;

	if (t->failed)
		return false;
	need = t->len + extra + 1;
	if (need <= t->cap)
		return true;
	cap = t->cap ? t->cap : 256;
	while (cap < need)
		cap *= 2;
	data = malloc(cap);
	if (!data) {
		t->failed = true;
		return false;
	}
	if (t->data) {
		memcpy(data, t->data, t->len + 1);
		explicit_bzero(t->data, t->cap);
		free(t->data);
	} else {
		data[0] = '\0';
	}
	t->data = data;
	t->cap = cap;
	return true;
}

void ike_text_printf(struct ike_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !ike_text_reserve(t, (size_t)n)) {
		t->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void ike_text_hex(struct ike_text *t, const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (!ike_text_reserve(t, 2 * len))
		return;
	for (i = 0; i < len; i++) {
		t->data[t->len++] = digits[bytes[i] >> 4];
		t->data[t->len++] = digits[bytes[i] & 0xf];
	}
	t->data[t->len] = '\0';
}

char *ike_text_take(struct ike_text *t)
{
	char *data;

	if (!ike_text_reserve(t, 0)) {
		ike_text_free(t);
		return NULL;
	}
	data = t->data;
	memset(t, 0, sizeof(*t));
	return data;
}

void ike_text_free(struct ike_text *t)
{
	if (t->data) {
		explicit_bzero(t->data, t->cap);
		free(t->data);
	}
	memset(t, 0, sizeof(*t));
}

/*
 * A growing text buffer for generated configuration. Growing moves the
 * text to a new allocation and wipes the old one, so a buffer that held a
 * preshared key leaves no copy behind in freed memory.
 */
#ifndef IPSECCMD_IKE_TEXT_H
#define IPSECCMD_IKE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct ike_text {
	char *data;		/* NUL-terminated once anything was added */
	size_t len;
	size_t cap;
	bool failed;		/* an allocation failed; data is unchanged */
};

/* Append formatted text; on allocation failure set failed and keep the
 * text as it was. */
void ike_text_printf(struct ike_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append bytes as lower-case hexadecimal digits. */
void ike_text_hex(struct ike_text *t, const unsigned char *bytes, size_t len);

/* Take the text out of t (an empty string when nothing was added), or
 * NULL when an allocation failed; t is empty afterwards. */
char *ike_text_take(struct ike_text *t);

/* Wipe and free the text. */
void ike_text_free(struct ike_text *t);

#endif

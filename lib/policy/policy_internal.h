/*
 * Helpers shared by the policy library's source files. Not installed and
 * not part of the interface other parts of ipseccmd code against.
 */
#ifndef IPSECCMD_POLICY_INTERNAL_H
#define IPSECCMD_POLICY_INTERNAL_H

#include "grammar.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Append a diagnostic; diags may be NULL. Returns code (0 for warnings),
 * or GRAMMAR_ENOMEM when the list cannot grow. */
int diag_add(struct diag_list *diags, int code, int argi, int offset,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int diag_warn(struct diag_list *diags, int argi, int offset,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Make room for one more element in an array of `count` elements
 * of `size` bytes. Capacity doubles whenever count reaches a power of two,
 * so n appends cost O(n) without storing the capacity. Returns 0 or -1.
 */
int array_reserve(void **items, size_t count, size_t size);

/* Growable string for the formatters. On allocation failure `failed` is
 * set and later appends do nothing. */
struct strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void strbuf_append(struct strbuf *sb, const char *text);
void strbuf_append_len(struct strbuf *sb, const char *text, size_t len);
void strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Return the string (caller frees), or NULL after a failed append. */
char *strbuf_finish(struct strbuf *sb);
/* Empty sb for reuse, keeping its memory and any failure. */
void strbuf_clear(struct strbuf *sb);
/* Append v in decimal. Faster than strbuf_appendf(sb, "%u", v), which
 * matters when a rule with 10,000 filters is printed or stored. */
void strbuf_append_uint(struct strbuf *sb, uint32_t v);
/* Append a 4-byte IPv4 address in dotted-decimal form, as inet_ntop()
 * writes it. glibc 2.36's inet_ntop() calls sprintf() for each address,
 * which was a third of the time to format 10,000 filters. */
void strbuf_append_ipv4(struct strbuf *sb, const uint8_t bytes[4]);

/* Case-insensitive comparison of a counted string with a NUL-terminated
 * keyword. */
bool text_equal_nocase(const char *text, size_t len, const char *keyword);

/* Parse an unsigned decimal number of exactly len characters into
 * [min, max]. Returns false on any other character or overflow. */
bool number_parse(const char *text, size_t len, uint32_t min, uint32_t max,
		  uint32_t *out);

char *text_dup(const char *text, size_t len);

/* Whether text is well-formed UTF-8 (no overlong forms or surrogates). */
bool utf8_valid(const char *text);

/* Protocol names: IANA keyword to number, and back (NULL if unnamed). */
int proto_lookup(const char *name, size_t len);
const char *proto_name(int number);
/* Whether a protocol carries ports (TCP, UDP, SCTP, UDP-Lite, DCCP). */
bool proto_has_ports(int number);

/* Algorithm names and strength. */
int enc_lookup(const char *name, size_t len);	/* -1 if unknown */
int hash_lookup(const char *name, size_t len);	/* -1 if unknown */
const char *enc_name(enum enc_alg enc);
const char *hash_name(enum hash_alg hash);
bool enc_is_gcm(enum enc_alg enc);
bool enc_is_weak(enum enc_alg enc);
bool hash_is_weak(enum hash_alg hash);
bool dh_group_supported(int group);
bool dh_group_is_weak(int group);

/*
 * Parse one address, optionally with a mask, from text[0..len). `context`
 * is the phrase messages use for the word ("filter '0+*'"). allow_mask false
 * rejects any mask (tunnel endpoints).
 */
int addr_parse(const char *text, size_t len, bool allow_mask, int argi,
	       const char *context, struct addr_spec *out,
	       struct diag_list *diags);

/* Whether text[0..len) starts with two all-digit labels ("192.0.2.1x"):
 * a mistyped IPv4 address, never a host name. */
bool addr_is_mistyped_ipv4(const char *text, size_t len);
/* Zero host bits beyond the prefix, with a warning that shows the network
 * actually used. */
int addr_normalize(struct addr_spec *a, int argi, const char *context,
		   struct diag_list *diags);
void addr_format(struct strbuf *sb, const struct addr_spec *a);
/* Append filter_format()'s text to sb without a string of its own. */
void filter_format_append(struct strbuf *sb, const struct filter_spec *f);
bool addr_equal(const struct addr_spec *a, const struct addr_spec *b);
int addr_copy(struct addr_spec *dst, const struct addr_spec *src);

/* Deep copies, for the defaults and the JSON reader. */
int filter_copy(struct filter_spec *dst, const struct filter_spec *src);

/* Defaults the Windows reference states: main-mode lifetime 480 minutes,
 * soft SA expiry 300 seconds. */
#define RULE_DEFAULT_MM_REKEY_SECONDS 28800
#define RULE_DEFAULT_SOFT_EXPIRY_SECONDS 300

/* Rule part defaults; each frees the part it replaces. */
int rule_default_qm(struct rule_spec *rule);
int rule_default_auth(struct rule_spec *rule);
int rule_default_mm_offers(struct rule_spec *rule);

void filter_list_free(struct filter_list *list);
void auth_list_free(struct auth_list *list);

/* Scan "NS", "NK", "NS/NK" or "NK/NS" at text; *used is set to the
 * characters consumed. Returns 0 or an error code. */
int qm_rekey_scan(const char *text, size_t len, int argi, const char *word,
		  struct qm_offer *out, size_t *used,
		  struct diag_list *diags);
/* Scan "PFS", "PFSn" or "Pn". */
int qm_pfs_scan(const char *text, size_t len, int argi, const char *word,
		struct qm_offer *out, size_t *used, struct diag_list *diags);

/* Write a word for a POSIX shell, quoted only where needed. */
void shell_quote(struct strbuf *sb, const char *word);

#endif

/*
 * Quick-mode offers: esp[Enc,Auth], ah[Hash] or ah[Hash]+esp[Enc,Auth],
 * each optionally followed by a rekey setting (NS, NK, NS/NK) and PFS,
 * PFSn or Pn, glued or separated by spaces.
 */
#include "policy_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Quick-mode lifetimes accepted from the command line. */
#define QM_SECONDS_MIN 60
#define QM_SECONDS_MAX 172800
#define QM_KBYTES_MIN 1
#define QM_KBYTES_MAX 2147483647u

static size_t digits_span(const char *text, size_t len)
{
	size_t n = 0;

	while (n < len && isdigit((unsigned char)text[n]))
		n++;
	return n;
}

static int rekey_one(const char *text, size_t len, int argi,
		     const char *word, struct qm_offer *out, bool *seen_s,
		     bool *seen_k, size_t *used, struct diag_list *diags)
{
	size_t n = digits_span(text, len);
	uint32_t v;
	char unit;

	if (n == 0 || n >= len || !strchr("SsKk", text[n]))
		return diag_add(diags, GRAMMAR_BAD_REKEY, argi, 0,
				"invalid rekey setting in '%s': write "
				"seconds with S and kilobytes with K, such as "
				"3600S/50000K", word);
	unit = (char)toupper((unsigned char)text[n]);
	if (unit == 'S') {
		if (*seen_s || !number_parse(text, n, QM_SECONDS_MIN,
					     QM_SECONDS_MAX, &v))
			goto range;
		*seen_s = true;
		out->lifetime_seconds = v;
	} else {
		if (*seen_k || !number_parse(text, n, QM_KBYTES_MIN,
					     QM_KBYTES_MAX, &v))
			goto range;
		*seen_k = true;
		out->lifetime_kbytes = v;
	}
	*used = n + 1;
	return 0;
range:
	if ((unit == 'S' && *seen_s) || (unit == 'K' && *seen_k))
		return diag_add(diags, GRAMMAR_BAD_REKEY, argi, 0,
				"rekey setting in '%s' gives %c twice: write "
				"NS, NK or NS/NK", word, unit);
	if (unit == 'S')
		return diag_add(diags, GRAMMAR_BAD_NUMBER, argi, 0,
				"quick-mode lifetime '%.*sS' in '%s' is out "
				"of range: write %u to %u seconds", (int)n,
				text, word, QM_SECONDS_MIN, QM_SECONDS_MAX);
	return diag_add(diags, GRAMMAR_BAD_NUMBER, argi, 0,
			"quick-mode lifetime '%.*sK' in '%s' is out of "
			"range: write %u to %u kilobytes", (int)n, text, word,
			QM_KBYTES_MIN, QM_KBYTES_MAX);
}

int qm_rekey_scan(const char *text, size_t len, int argi, const char *word,
		  struct qm_offer *out, size_t *used,
		  struct diag_list *diags)
{
	bool seen_s = false, seen_k = false;
	size_t n1, n2;
	int ret;

	ret = rekey_one(text, len, argi, word, out, &seen_s, &seen_k, &n1,
			diags);
	if (ret)
		return ret;
	if (n1 < len && text[n1] == '/') {
		ret = rekey_one(text + n1 + 1, len - n1 - 1, argi, word, out,
				&seen_s, &seen_k, &n2, diags);
		if (ret)
			return ret;
		n1 += 1 + n2;
	}
	*used = n1;
	return 0;
}

int qm_pfs_scan(const char *text, size_t len, int argi, const char *word,
		struct qm_offer *out, size_t *used, struct diag_list *diags)
{
	size_t n = 0, digits;
	uint32_t group;

	if (len >= 3 && strncasecmp(text, "pfs", 3) == 0)
		n = 3;
	else if (len >= 1 && (text[0] == 'p' || text[0] == 'P'))
		n = 1;
	digits = digits_span(text + n, len - n);
	if (n == 0 || (n == 1 && digits == 0))
		return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
				"invalid PFS setting in '%s': write PFS, "
				"PFS2 or P2 (any of groups 1, 2, 14, 15, 16, "
				"19, 20, 21)", word);
	out->pfs = true;
	out->pfs_group = DH_FROM_MM;
	if (digits > 0) {
		if (!number_parse(text + n, digits, 1, 255, &group) ||
		    !dh_group_supported((int)group))
			return diag_add(diags, GRAMMAR_BAD_GROUP, argi, 0,
					"unsupported Diffie-Hellman group "
					"'%.*s' in '%s': write one of 1, 2, "
					"14, 15, 16, 19, 20, 21", (int)digits,
					text + n, word);
		out->pfs_group = (int)group;
	}
	*used = n + digits;
	return 0;
}

/* Parse "esp[" NAMES "]" contents: one GCM cipher, or two names. */
static int esp_parse(const char *names, size_t len, int argi,
		     const char *word, struct qm_offer *out,
		     struct diag_list *diags)
{
	const char *comma = memchr(names, ',', len);
	const char *a = names, *b = NULL;
	size_t alen = len, blen = 0;
	int enc, hash;
	bool swapped = false;

	if (comma) {
		alen = (size_t)(comma - names);
		b = comma + 1;
		blen = len - alen - 1;
		if (memchr(b, ',', blen))
			goto bad;
		/* Reversed order: an integrity name first or a cipher
		 * second. "none" counts as neither. */
		if ((hash_lookup(a, alen) > HASH_NONE &&
		     enc_lookup(a, alen) < 0) ||
		    enc_lookup(b, blen) > ENC_NONE) {
			const char *t = a;
			size_t tl = alen;

			a = b, alen = blen;
			b = t, blen = tl;
			swapped = true;
		}
	}

	enc = enc_lookup(a, alen);
	if (enc < 0)
		return diag_add(diags, GRAMMAR_BAD_ALGORITHM, argi, 0,
				"unknown cipher '%.*s' in '%s': write none, "
				"des, 3des, aes128, aes192, aes256 or "
				"aes128gcm, aes192gcm, aes256gcm", (int)alen, a,
				word);
	hash = HASH_NONE;
	if (b) {
		hash = hash_lookup(b, blen);
		if (hash < 0)
			return diag_add(diags, GRAMMAR_BAD_ALGORITHM, argi, 0,
					"unknown integrity algorithm '%.*s' in "
					"'%s': write none, md5, sha, sha256, "
					"sha384 or sha512", (int)blen, b, word);
	} else if (!enc_is_gcm((enum enc_alg)enc)) {
		return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
				"missing integrity algorithm in '%s': write "
				"esp[Cipher,Integrity] such as "
				"esp[aes256,sha256], or a GCM cipher alone "
				"such as esp[aes256gcm]", word);
	}
	if (enc_is_gcm((enum enc_alg)enc) && hash != HASH_NONE)
		return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
				"integrity algorithm with GCM cipher in '%s': "
				"GCM includes integrity, write esp[%s]", word,
				enc_name((enum enc_alg)enc));
	if (enc == ENC_NONE && hash == HASH_NONE)
		return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
				"esp[none,none] in '%s' protects nothing: "
				"write a cipher, an integrity algorithm or "
				"both, such as esp[aes256,sha256]", word);
	out->has_esp = true;
	out->esp_enc = (enum enc_alg)enc;
	out->esp_auth = (enum hash_alg)hash;
	if (swapped)
		return diag_warn(diags, argi, 0,
				 "'%s' names the integrity algorithm before "
				 "the cipher: read as esp[%s,%s]", word,
				 enc_name(out->esp_enc),
				 hash_name(out->esp_auth));
	return 0;
bad:
	return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
			"invalid negotiation policy '%s': write "
			"esp[Cipher,Integrity], ah[Hash] or "
			"ah[Hash]+esp[Cipher,Integrity]", word);
}

static int ah_parse(const char *name, size_t len, int argi,
		    const char *word, struct qm_offer *out,
		    struct diag_list *diags)
{
	int hash = hash_lookup(name, len);

	if (hash <= HASH_NONE)
		return diag_add(diags, GRAMMAR_BAD_ALGORITHM, argi, 0,
				"invalid AH hash '%.*s' in '%s': write md5, "
				"sha, sha256, sha384 or sha512", (int)len,
				name, word);
	out->has_ah = true;
	out->ah_hash = (enum hash_alg)hash;
	return 0;
}

/* Parse "KEYWORD[...]" at text; *used gets the length through ']'. */
static bool bracket_take(const char *text, size_t len, const char *keyword,
			 const char **inner, size_t *inner_len, size_t *used)
{
	size_t k = strlen(keyword);
	const char *close;

	if (len <= k || strncasecmp(text, keyword, k) != 0 || text[k] != '[')
		return false;
	close = memchr(text + k + 1, ']', len - k - 1);
	if (!close)
		return false;
	*inner = text + k + 1;
	*inner_len = (size_t)(close - *inner);
	*used = (size_t)(close - text) + 1;
	return true;
}

static int head_parse(const char *text, size_t len, int argi,
		      const char *word, struct qm_offer *out, size_t *used,
		      struct diag_list *diags)
{
	const char *inner;
	size_t inner_len, n, pos = 0;
	int ret;

	if (bracket_take(text, len, "ah", &inner, &inner_len, &n)) {
		ret = ah_parse(inner, inner_len, argi, word, out, diags);
		if (ret)
			return ret;
		pos = n;
		if (pos < len && text[pos] == '+') {
			if (!bracket_take(text + pos + 1, len - pos - 1, "esp",
					  &inner, &inner_len, &n))
				goto bad;
			ret = esp_parse(inner, inner_len, argi, word, out,
					diags);
			if (ret)
				return ret;
			pos += 1 + n;
		}
	} else if (bracket_take(text, len, "esp", &inner, &inner_len, &n)) {
		ret = esp_parse(inner, inner_len, argi, word, out, diags);
		if (ret)
			return ret;
		pos = n;
	} else {
		goto bad;
	}
	*used = pos;
	return 0;
bad:
	return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
			"invalid negotiation policy '%s': write "
			"esp[Cipher,Integrity], ah[Hash], "
			"ah[Hash]+esp[Cipher,Integrity], BLOCK, PASS or "
			"INPASS", word);
}

static int offer_warn_weak(const struct qm_offer *o, int argi,
			   const char *word, struct diag_list *diags)
{
	struct strbuf sb = { 0 };
	char *names;
	int ret = 0;

	if (o->has_ah && hash_is_weak(o->ah_hash))
		strbuf_appendf(&sb, " %s", hash_name(o->ah_hash));
	if (o->has_esp && enc_is_weak(o->esp_enc))
		strbuf_appendf(&sb, " %s", enc_name(o->esp_enc));
	if (o->has_esp && hash_is_weak(o->esp_auth))
		strbuf_appendf(&sb, " %s", hash_name(o->esp_auth));
	if (o->pfs && dh_group_is_weak(o->pfs_group))
		strbuf_appendf(&sb, " group%d", o->pfs_group);
	names = strbuf_finish(&sb);
	if (!names)
		return GRAMMAR_ENOMEM;
	if (*names)
		ret = diag_warn(diags, argi, 0,
				"weak algorithm in '%s' (%s): prefer "
				"esp[aes256gcm] or esp[aes256,sha256]", word,
				names + 1);
	free(names);
	return ret;
}

int qm_offer_parse(const char *text, int argi, struct qm_offer *out,
		   struct diag_list *diags)
{
	size_t len = strlen(text), pos = 0, n = 0;
	bool seen_rekey = false, seen_pfs = false;
	int ret;

	memset(out, 0, sizeof(*out));
	while (pos < len && text[pos] == ' ')
		pos++;
	ret = head_parse(text + pos, len - pos, argi, text, out, &n, diags);
	if (ret)
		return ret;
	pos += n;

	for (;;) {
		while (pos < len && text[pos] == ' ')
			pos++;
		if (pos == len)
			break;
		if (isdigit((unsigned char)text[pos]) && !seen_rekey) {
			ret = qm_rekey_scan(text + pos, len - pos, argi, text,
					    out, &n, diags);
			seen_rekey = true;
		} else if ((text[pos] == 'p' || text[pos] == 'P') &&
			   !seen_pfs) {
			ret = qm_pfs_scan(text + pos, len - pos, argi, text,
					  out, &n, diags);
			seen_pfs = true;
		} else {
			ret = diag_add(diags, GRAMMAR_BAD_OFFER, argi,
				       (int)pos, "unexpected '%s' in "
				       "negotiation policy '%s': after the "
				       "algorithms write a rekey setting such "
				       "as 3600S/50000K and then PFS",
				       text + pos, text);
		}
		if (ret)
			return ret;
		pos += n;
	}
	return offer_warn_weak(out, argi, text, diags);
}

char *qm_offer_format(const struct qm_offer *o)
{
	struct strbuf sb = { 0 };

	if (o->has_ah)
		strbuf_appendf(&sb, "ah[%s]", hash_name(o->ah_hash));
	if (o->has_ah && o->has_esp)
		strbuf_append(&sb, "+");
	if (o->has_esp) {
		if (enc_is_gcm(o->esp_enc) && o->esp_auth == HASH_NONE)
			strbuf_appendf(&sb, "esp[%s]", enc_name(o->esp_enc));
		else
			strbuf_appendf(&sb, "esp[%s,%s]", enc_name(o->esp_enc),
				       hash_name(o->esp_auth));
	}
	if (o->lifetime_seconds)
		strbuf_appendf(&sb, "%uS", o->lifetime_seconds);
	if (o->lifetime_seconds && o->lifetime_kbytes)
		strbuf_append(&sb, "/");
	if (o->lifetime_kbytes)
		strbuf_appendf(&sb, "%uK", o->lifetime_kbytes);
	if (o->pfs && o->pfs_group == DH_FROM_MM)
		strbuf_append(&sb, "PFS");
	else if (o->pfs)
		strbuf_appendf(&sb, "PFS%d", o->pfs_group);
	return strbuf_finish(&sb);
}

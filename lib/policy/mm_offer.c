/* Main-mode offers: Cipher-Hash-Group, such as 3des-sha-2 or
 * aes256gcm-sha384-20 (with a GCM cipher the hash is the IKE PRF). */
#include "policy_internal.h"

#include <stdlib.h>
#include <string.h>

int mm_offer_parse(const char *text, int argi, struct mm_offer *out,
		   struct diag_list *diags)
{
	const char *d1 = strchr(text, '-');
	const char *d2 = d1 ? strchr(d1 + 1, '-') : NULL;
	size_t elen, hlen;
	uint32_t group;
	int enc, hash;

	memset(out, 0, sizeof(*out));
	if (!d1 || !d2 || strchr(d2 + 1, '-'))
		return diag_add(diags, GRAMMAR_BAD_OFFER, argi, 0,
				"invalid key exchange method '%s': write "
				"Cipher-Hash-Group such as aes256-sha256-14 "
				"or 3des-sha-2", text);
	elen = (size_t)(d1 - text);
	hlen = (size_t)(d2 - d1 - 1);

	enc = enc_lookup(text, elen);
	if (enc <= ENC_NONE)
		return diag_add(diags, GRAMMAR_BAD_ALGORITHM, argi, 0,
				"unknown cipher '%.*s' in '%s': write des, "
				"3des, aes128, aes192, aes256, aes128gcm, "
				"aes192gcm or aes256gcm", (int)elen, text,
				text);
	hash = hash_lookup(d1 + 1, hlen);
	if (hash <= HASH_NONE)
		return diag_add(diags, GRAMMAR_BAD_ALGORITHM, argi, 0,
				"unknown hash '%.*s' in '%s': write md5, sha, "
				"sha256, sha384 or sha512", (int)hlen, d1 + 1,
				text);
	if (!number_parse(d2 + 1, strlen(d2 + 1), 1, 255, &group) ||
	    !dh_group_supported((int)group))
		return diag_add(diags, GRAMMAR_BAD_GROUP, argi, 0,
				"unsupported Diffie-Hellman group '%s' in "
				"'%s': write one of 1, 2, 14, 15, 16, 19, 20, "
				"21", d2 + 1, text);
	out->enc = (enum enc_alg)enc;
	out->hash = (enum hash_alg)hash;
	out->group = (int)group;

	if (enc_is_weak(out->enc) || hash_is_weak(out->hash) ||
	    dh_group_is_weak(out->group))
		return diag_warn(diags, argi, 0,
				 "weak key exchange method '%s': prefer "
				 "aes256gcm-sha384-20 or aes256-sha256-14",
				 text);
	return 0;
}

char *mm_offer_format(const struct mm_offer *o)
{
	struct strbuf sb = { 0 };

	strbuf_appendf(&sb, "%s-%s-%d", enc_name(o->enc), hash_name(o->hash),
		       o->group);
	return strbuf_finish(&sb);
}

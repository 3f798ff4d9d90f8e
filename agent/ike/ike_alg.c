#include "ike_alg.h"

#include <stddef.h>

const char *ike_alg_cipher(enum enc_alg enc)
{
	switch (enc) {
	case ENC_NONE: return "null";
	case ENC_DES: return "des";
	case ENC_3DES: return "3des";
	case ENC_AES128: return "aes128";
	case ENC_AES192: return "aes192";
	case ENC_AES256: return "aes256";
	case ENC_AES128GCM: return "aes128gcm16";
	case ENC_AES192GCM: return "aes192gcm16";
	case ENC_AES256GCM: return "aes256gcm16";
	}
	return "null";
}

bool ike_alg_is_aead(enum enc_alg enc)
{
	return enc == ENC_AES128GCM || enc == ENC_AES192GCM ||
	       enc == ENC_AES256GCM;
}

const char *ike_alg_integrity(enum hash_alg hash)
{
	switch (hash) {
	case HASH_NONE: return NULL;
	case HASH_MD5: return "md5";
	case HASH_SHA1: return "sha1";
	case HASH_SHA256: return "sha256";
	case HASH_SHA384: return "sha384";
	case HASH_SHA512: return "sha512";
	}
	return NULL;
}

const char *ike_alg_prf(enum hash_alg hash)
{
	switch (hash) {
	case HASH_NONE: return NULL;
	case HASH_MD5: return "prfmd5";
	case HASH_SHA1: return "prfsha1";
	case HASH_SHA256: return "prfsha256";
	case HASH_SHA384: return "prfsha384";
	case HASH_SHA512: return "prfsha512";
	}
	return NULL;
}

const char *ike_alg_group(int group)
{
	static const struct {
		int number;
		const char *keyword;
	} groups[] = {
		{ 1, "modp768" }, { 2, "modp1024" }, { 5, "modp1536" },
		{ 14, "modp2048" }, { 15, "modp3072" }, { 16, "modp4096" },
		{ 17, "modp6144" }, { 18, "modp8192" }, { 19, "ecp256" },
		{ 20, "ecp384" }, { 21, "ecp521" }, { 22, "modp1024s160" },
		{ 23, "modp2048s224" }, { 24, "modp2048s256" },
	};
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].number == group)
			return groups[i].keyword;
	return NULL;
}

bool ike_alg_cipher_is_weak(enum enc_alg enc)
{
	return enc == ENC_NONE || enc == ENC_DES || enc == ENC_3DES;
}

bool ike_alg_hash_is_weak(enum hash_alg hash)
{
	return hash == HASH_MD5;
}

bool ike_alg_group_is_weak(int group)
{
	return group == 1 || group == 2 || group == 22;
}

/*
 * Name tables: IP protocols (a built-in subset of the IANA registry, so
 * parsing never depends on /etc/protocols), ciphers, integrity algorithms
 * and Diffie-Hellman groups.
 */
#include "policy_internal.h"

#include <stddef.h>

struct proto_name {
	const char *name;
	int number;
};

/* The first name for a number is the canonical one. */
static const struct proto_name protocols[] = {
	{ "ICMP", 1 },     { "IGMP", 2 },     { "GGP", 3 },
	{ "IPENCAP", 4 },  { "IPIP", 4 },     { "ST", 5 },
	{ "TCP", 6 },      { "EGP", 8 },      { "IGP", 9 },
	{ "PUP", 12 },     { "UDP", 17 },     { "HMP", 20 },
	{ "XNS-IDP", 22 }, { "RDP", 27 },     { "ISO-TP4", 29 },
	{ "DCCP", 33 },    { "XTP", 36 },     { "DDP", 37 },
	{ "IDPR-CMTP", 38 }, { "IPV6", 41 },  { "IPV6-ROUTE", 43 },
	{ "IPV6-FRAG", 44 }, { "IDRP", 45 },  { "RSVP", 46 },
	{ "GRE", 47 },     { "ESP", 50 },     { "AH", 51 },
	{ "SKIP", 57 },    { "ICMPV6", 58 },  { "IPV6-ICMP", 58 },
	{ "IPV6-NONXT", 59 }, { "IPV6-OPTS", 60 }, { "RSPF", 73 },
	{ "VMTP", 81 },    { "EIGRP", 88 },   { "OSPF", 89 },
	{ "OSPFIGP", 89 }, { "AX.25", 93 },   { "IPIP-OLD", 94 },
	{ "ETHERIP", 97 }, { "ENCAP", 98 },   { "PIM", 103 },
	{ "IPCOMP", 108 }, { "VRRP", 112 },   { "L2TP", 115 },
	{ "ISIS", 124 },   { "SCTP", 132 },   { "FC", 133 },
	{ "MOBILITY-HEADER", 135 }, { "UDPLITE", 136 }, { "MPLS-IN-IP", 137 },
	{ "MANET", 138 },  { "HIP", 139 },    { "SHIM6", 140 },
	{ "WESP", 141 },   { "ROHC", 142 },   { "ETHERNET", 143 },
	/* Windows ipseccmd names protocol 255 RAW. */
	{ "RAW", 255 },
};

int proto_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (text_equal_nocase(name, len, protocols[i].name))
			return protocols[i].number;
	return -1;
}

const char *proto_name(int number)
{
	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (protocols[i].number == number)
			return protocols[i].name;
	return NULL;
}

bool proto_has_ports(int number)
{
	return number == 6 || number == 17 || number == 33 || number == 132 ||
	       number == 136;
}

struct alg_name {
	const char *name;
	int value;
};

/* Canonical names first; later entries are accepted spellings. */
static const struct alg_name ciphers[] = {
	{ "none", ENC_NONE },		{ "des", ENC_DES },
	{ "3des", ENC_3DES },		{ "aes128", ENC_AES128 },
	{ "aes192", ENC_AES192 },	{ "aes256", ENC_AES256 },
	{ "aes128gcm", ENC_AES128GCM },	{ "aes192gcm", ENC_AES192GCM },
	{ "aes256gcm", ENC_AES256GCM },
};

/* "sha" is SHA-1 in the Windows syntax and stays the canonical spelling so
 * canonical lines remain valid there. */
static const struct alg_name hashes[] = {
	{ "none", HASH_NONE },		{ "md5", HASH_MD5 },
	{ "sha", HASH_SHA1 },		{ "sha256", HASH_SHA256 },
	{ "sha384", HASH_SHA384 },	{ "sha512", HASH_SHA512 },
	{ "sha1", HASH_SHA1 },
};

static int alg_lookup(const struct alg_name *table, size_t n,
		      const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (text_equal_nocase(name, len, table[i].name))
			return table[i].value;
	return -1;
}

static const char *alg_name_of(const struct alg_name *table, size_t n,
			       int value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return "?";
}

int enc_lookup(const char *name, size_t len)
{
	return alg_lookup(ciphers, sizeof(ciphers) / sizeof(ciphers[0]), name,
			  len);
}

int hash_lookup(const char *name, size_t len)
{
	return alg_lookup(hashes, sizeof(hashes) / sizeof(hashes[0]), name,
			  len);
}

const char *enc_name(enum enc_alg enc)
{
	return alg_name_of(ciphers, sizeof(ciphers) / sizeof(ciphers[0]),
			   (int)enc);
}

const char *hash_name(enum hash_alg hash)
{
	return alg_name_of(hashes, sizeof(hashes) / sizeof(hashes[0]),
			   (int)hash);
}

bool enc_is_gcm(enum enc_alg enc)
{
	return enc == ENC_AES128GCM || enc == ENC_AES192GCM ||
	       enc == ENC_AES256GCM;
}

bool enc_is_weak(enum enc_alg enc)
{
	return enc == ENC_DES || enc == ENC_3DES;
}

bool hash_is_weak(enum hash_alg hash)
{
	return hash == HASH_MD5;
}

/* MODP 768, 1024, 2048, 3072, 4096 (RFC 2409, 3526) and ECP 256,
 * 384, 521 (RFC 5903). */
bool dh_group_supported(int group)
{
	switch (group) {
	case 1: case 2: case 14: case 15: case 16:
	case 19: case 20: case 21:
		return true;
	default:
		return false;
	}
}

bool dh_group_is_weak(int group)
{
	return group == 1 || group == 2;
}

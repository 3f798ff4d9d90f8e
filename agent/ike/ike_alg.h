/*
 * strongSwan's keywords for the model's algorithms and DH groups (the
 * names in strongSwan's proposal keyword table, 5.9), and which of them
 * count as weak. Weak ones are still offered, because the rule names
 * them, and the rule's result is flagged.
 */
#ifndef IPSECCMD_IKE_ALG_H
#define IPSECCMD_IKE_ALG_H

#include "model.h"

#include <stdbool.h>

/* Cipher keyword ("3des", "aes128gcm16"); ENC_NONE gives "null". */
const char *ike_alg_cipher(enum enc_alg enc);

/* True for the AES-GCM ciphers, which need no separate integrity. */
bool ike_alg_is_aead(enum enc_alg enc);

/* Integrity keyword ("sha1"), or NULL for HASH_NONE. */
const char *ike_alg_integrity(enum hash_alg hash);

/* PRF keyword ("prfsha256"), or NULL for HASH_NONE. */
const char *ike_alg_prf(enum hash_alg hash);

/* DH group keyword ("modp2048", "ecp256") for an IANA group number, or
 * NULL for a group strongSwan does not know. */
const char *ike_alg_group(int group);

/* DES, 3DES and null encryption, MD5, and groups 1, 2 and 22 (768- and
 * 1024-bit MODP) are weak. */
bool ike_alg_cipher_is_weak(enum enc_alg enc);
bool ike_alg_hash_is_weak(enum hash_alg hash);
bool ike_alg_group_is_weak(int group);

#endif

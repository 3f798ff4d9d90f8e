/* IKE and ESP/AH proposals from the rule's main-mode and quick-mode offers. */
#include "ike_alg.h"
#include "ike_internal.h"

static void ike_flag_weak(struct ike_build *b, enum enc_alg enc,
			  enum hash_alg hash, int group)
{
	if (ike_alg_cipher_is_weak(enc) || ike_alg_hash_is_weak(hash) ||
	    (group > 0 && ike_alg_group_is_weak(group)))
		b->weak = true;
}

static void ike_group_remember(struct ike_build *b, int group)
{
	size_t i;

	for (i = 0; i < b->mm_group_count; i++)
		if (b->mm_groups[i] == group)
			return;
	if (b->mm_group_count < IKE_MAX_GROUPS)
		b->mm_groups[b->mm_group_count++] = group;
}

size_t ike_proposals_ike(struct ike_build *b, struct ike_text *out)
{
	const struct rule_spec *rule = b->ref->rule;
	size_t i, written = 0;

	for (i = 0; i < rule->mm_count; i++) {
		const struct mm_offer *o = &rule->mm_offers[i];
		const char *cipher = ike_alg_cipher(o->enc);
		const char *group = ike_alg_group(o->group);
		const char *mac;

		if (o->enc == ENC_NONE) {
			ike_build_note(b, "main-mode offer %zu has no encryption, which IKE requires; not offered",
				       i + 1);
			continue;
		}
		if (!group) {
			ike_build_note(b, "main-mode offer %zu uses DH group %d, unknown to strongSwan; not offered",
				       i + 1, o->group);
			continue;
		}
		if (ike_alg_is_aead(o->enc)) {
			if (b->version == 1) {
				ike_build_note(b, "main-mode offer %zu (%s) is AES-GCM, which only IKEv2 offers; not offered",
					       i + 1, cipher);
				continue;
			}
			/* An AEAD proposal still needs a PRF; SHA-256 when
			 * the offer names no hash. */
			mac = o->hash == HASH_NONE ? "prfsha256"
						   : ike_alg_prf(o->hash);
		} else {
			mac = ike_alg_integrity(o->hash);
			if (!mac) {
				ike_build_note(b, "main-mode offer %zu has no hash, which %s needs; not offered",
					       i + 1, cipher);
				continue;
			}
		}

		ike_flag_weak(b, o->enc, o->hash, o->group);
		ike_group_remember(b, o->group);
		ike_text_printf(out, "%s%s-%s-%s", written ? ", " : "", cipher,
				mac, group);
		written++;
	}
	return written;
}

/* Append the PFS groups of a quick-mode offer: its own group, or with
 * DH_FROM_MM every group of the main-mode offers, because charon cannot
 * tie the CHILD_SA's group to the IKE_SA's. IKEv1 takes one group per
 * proposal, so it gets the first. -1p requests a fresh DH exchange for
 * every CHILD_SA, so it adds the main-mode groups to offers without PFS. */
static void ike_pfs_write(struct ike_build *b, const struct qm_offer *o,
			  struct ike_text *out)
{
	const struct rule_spec *rule = b->ref->rule;
	int group = o->pfs ? o->pfs_group : DH_FROM_MM;
	size_t i, count;

	if (!o->pfs && !rule->mm_pfs)
		return;
	if (group != DH_FROM_MM && group != DH_NONE) {
		const char *keyword = ike_alg_group(group);

		if (!keyword) {
			ike_build_note(b, "PFS group %d is unknown to strongSwan; quick mode without PFS",
				       group);
			return;
		}
		if (ike_alg_group_is_weak(group))
			b->weak = true;
		ike_text_printf(out, "-%s", keyword);
		return;
	}
	count = b->version == 1 && b->mm_group_count > 1 ? 1
							 : b->mm_group_count;
	for (i = 0; i < count; i++)
		ike_text_printf(out, "-%s", ike_alg_group(b->mm_groups[i]));
}

static bool ike_offer_write(struct ike_build *b, const struct qm_offer *o,
			    size_t index, struct ike_text *out,
			    const char *separator)
{
	const char *cipher = ike_alg_cipher(o->esp_enc);
	const char *integrity;

	if (o->has_ah) {
		integrity = ike_alg_integrity(o->ah_hash);
		if (!integrity) {
			ike_build_note(b, "quick-mode offer %zu is AH without a hash; not offered",
				       index + 1);
			return false;
		}
		ike_flag_weak(b, ENC_AES128, o->ah_hash, 0);
		ike_text_printf(out, "%s%s", separator, integrity);
	} else {
		integrity = ike_alg_is_aead(o->esp_enc)
			? NULL : ike_alg_integrity(o->esp_auth);
		if (o->esp_enc == ENC_NONE && !integrity) {
			ike_build_note(b, "quick-mode offer %zu is ESP without encryption and integrity; not offered",
				       index + 1);
			return false;
		}
		ike_flag_weak(b, o->esp_enc, o->esp_auth, 0);
		ike_text_printf(out, "%s%s", separator, cipher);
		if (integrity)
			ike_text_printf(out, "-%s", integrity);
	}
	ike_pfs_write(b, o, out);
	return true;
}

size_t ike_proposals_child(struct ike_build *b, struct ike_text *out)
{
	const struct qm_policy *qm = &b->ref->rule->qm;
	size_t i, written = 0;
	bool lifetime_noted = false;

	b->child_offer = NULL;
	for (i = 0; i < qm->count; i++) {
		const struct qm_offer *o = &qm->offers[i];

		if (o->has_ah && o->has_esp) {
			ike_build_note(b, "quick-mode offer %zu is an AH+ESP bundle, which charon cannot negotiate; not offered",
				       i + 1);
			continue;
		}
		if (b->child_offer && o->has_ah != b->child_is_ah) {
			ike_build_note(b, "quick-mode offer %zu uses %s but the first offer kept uses %s, and a CHILD_SA has one protocol; not offered",
				       i + 1, o->has_ah ? "AH" : "ESP",
				       b->child_is_ah ? "AH" : "ESP");
			continue;
		}
		if (!ike_offer_write(b, o, i, out, written ? ", " : ""))
			continue;
		if (!b->child_offer) {
			b->child_offer = o;
			b->child_is_ah = o->has_ah;
		} else if (!lifetime_noted &&
			   (o->lifetime_seconds != b->child_offer->lifetime_seconds ||
			    o->lifetime_kbytes != b->child_offer->lifetime_kbytes)) {
			ike_build_note(b, "quick-mode lifetimes differ between offers; all SAs use those of the first offer kept");
			lifetime_noted = true;
		}
		written++;
	}
	return written;
}

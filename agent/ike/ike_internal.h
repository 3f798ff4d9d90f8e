/* State shared by the files that build one rule's connection. */
#ifndef IPSECCMD_IKE_INTERNAL_H
#define IPSECCMD_IKE_INTERNAL_H

#include "ike.h"
#include "ike_text.h"

#define IKE_MAX_GROUPS 16

/* The rule being turned into a connection, and what was found on the way. */
struct ike_build {
	const struct ike_rule_ref *ref;
	const struct ike_credentials *creds;
	int version;			/* 1 or 2 */
	struct ike_text note;		/* "; "-separated remarks */
	bool weak;
	int mm_groups[IKE_MAX_GROUPS];	/* DH groups of the kept main-mode
					 * offers, in offer order */
	size_t mm_group_count;
	const struct qm_offer *child_offer;	/* first kept quick-mode offer */
	bool child_is_ah;
};

/* Add a remark to the rule's note. */
void ike_build_note(struct ike_build *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write the IKE proposals (main-mode offers) as a comma-separated list;
 * returns how many were written. */
size_t ike_proposals_ike(struct ike_build *b, struct ike_text *out);

/* Write the ESP or AH proposals (quick-mode offers) and set child_offer and
 * child_is_ah; returns how many were written. Call after
 * ike_proposals_ike(), whose groups DH_FROM_MM takes. */
size_t ike_proposals_child(struct ike_build *b, struct ike_text *out);

/* Write the connection of one rule into conns, and its preshared key into
 * secrets; returns 1 when written, 0 when the rule gets no connection
 * (the note gives the reason when it should have had one). */
int ike_conn_write(struct ike_build *b, const char *name,
		   struct ike_text *conns, struct ike_text *secrets);

#endif

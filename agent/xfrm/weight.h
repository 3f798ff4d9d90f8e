/*
 * Specificity of a policy and its kernel priority.
 *
 * As on Windows, the most specific filter wins whatever the order the rules
 * were written in. The weight orders, most significant first: the sum of
 * both address prefix lengths, the number of fixed ports, whether the
 * protocol is fixed, and the action (block, then negotiate, then permit)
 * as the tie-break. The kernel picks the policy with the lowest priority
 * number, so priority = SPD_PRIORITY_RULES + SPD_WEIGHT_MAX - weight.
 *
 * The agent's policies occupy SPD_PRIORITY_MIN..SPD_PRIORITY_MAX and no
 * other priority: this band is how the agent recognises its own policies
 * when it reads the kernel's database back.
 */
#ifndef IPSECCMD_SPD_WEIGHT_H
#define IPSECCMD_SPD_WEIGHT_H

#include "spd_set.h"

/* Action ranks for the tie-break; a higher rank wins. */
enum spd_rank { SPD_RANK_PERMIT = 0, SPD_RANK_NEGOTIATE = 1,
		SPD_RANK_BLOCK = 2 };

/* ((prefix sum 0..256) * 3 + ports 0..2) * 2 + protocol 0..1, * 3 + rank */
#define SPD_WEIGHT_MAX ((((256u * 3u + 2u) * 2u + 1u) * 3u) + 2u)

#define SPD_PRIORITY_MIN 10000u
/* Exemptions for the directory and the report server sit above all rules. */
#define SPD_PRIORITY_EXEMPT SPD_PRIORITY_MIN
#define SPD_PRIORITY_RULES (SPD_PRIORITY_MIN + 16u)
#define SPD_PRIORITY_MAX (SPD_PRIORITY_RULES + SPD_WEIGHT_MAX)

/* The weight of a selector with the given action rank. */
unsigned spd_weight(const struct spd_selector *sel, enum spd_rank rank);

/* The kernel priority for a weight. */
uint32_t spd_weight_priority(unsigned weight);

/* Whether a priority read from the kernel lies in the agent's band. */
bool spd_priority_is_agent(uint32_t priority);

#endif

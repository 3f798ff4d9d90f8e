#include "weight.h"

unsigned spd_weight(const struct spd_selector *sel, enum spd_rank rank)
{
	unsigned prefixes = sel->src_prefix + sel->dst_prefix;
	unsigned ports = (sel->src_port != 0) + (sel->dst_port != 0);
	unsigned protocol = sel->protocol != 0;

	return ((prefixes * 3u + ports) * 2u + protocol) * 3u + rank;
}

uint32_t spd_weight_priority(unsigned weight)
{
	if (weight > SPD_WEIGHT_MAX)
		weight = SPD_WEIGHT_MAX;
	return SPD_PRIORITY_RULES + SPD_WEIGHT_MAX - weight;
}

bool spd_priority_is_agent(uint32_t priority)
{
	return priority >= SPD_PRIORITY_MIN && priority <= SPD_PRIORITY_MAX;
}

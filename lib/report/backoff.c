#include "backoff.h"

unsigned backoff_delay_ms(unsigned attempt, unsigned initial_ms,
			  unsigned max_ms, double random_value)
{
	unsigned long long ceiling = initial_ms;
	unsigned half;

	for (unsigned i = 0; i < attempt && ceiling < max_ms; i++)
		ceiling *= 2;
	if (ceiling > max_ms)
		ceiling = max_ms;
	if (random_value < 0 || random_value >= 1)
		random_value = 0;
	half = (unsigned)(ceiling / 2);
	return half + (unsigned)((double)(ceiling - half) * random_value);
}

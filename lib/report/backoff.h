/* Retry delays: exponential backoff with jitter. */
#ifndef IPSECCMD_BACKOFF_H
#define IPSECCMD_BACKOFF_H

/*
 * Delay before retry number `attempt` (0 for the first retry). The ceiling
 * doubles from `initial_ms` with each attempt up to `max_ms`; the delay is
 * half the ceiling plus a random part of the other half, picked by
 * `random_value` in [0, 1), so many agents cut off by one outage spread
 * their retries out instead of returning together.
 */
unsigned backoff_delay_ms(unsigned attempt, unsigned initial_ms,
			  unsigned max_ms, double random_value);

#endif

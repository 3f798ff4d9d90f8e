/* Per-thread SQLite connections of the report store. */
#ifndef IPSECCMD_SERVER_STORE_INTERNAL_H
#define IPSECCMD_SERVER_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

/* The calling thread's connection, opened on first use; NULL on error. */
sqlite3 *store_db(struct store *store);

#endif

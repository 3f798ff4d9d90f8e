/*
 * A list of LDAP updates carried out in one LDAP transaction (RFC 5805,
 * served by OpenLDAP 2.5 on back-mdb): all of them take effect, or none.
 */
#include "dir_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Updates are sent one at a time, each after the answer to the one
 * before. slapd 2.5 queues the updates of a transaction in the order its
 * worker threads pick them up, not in message order, so pipelined adds of
 * a parent and its child can reach the commit child first and fail with
 * noSuchObject.
 */
#define BATCH_WINDOW 1

static void mods_free(LDAPMod **mods)
{
	for (size_t i = 0; mods && mods[i]; i++) {
		for (size_t j = 0; mods[i]->mod_values &&
				   mods[i]->mod_values[j]; j++) {
			char *v = mods[i]->mod_values[j];

			explicit_bzero(v, strlen(v));
			free(v);
		}
		free(mods[i]->mod_values);
		free(mods[i]->mod_type);
		free(mods[i]);
	}
	free(mods);
}

void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->count; i++) {
		free(b->ops[i].dn);
		free(b->ops[i].assertion);
		mods_free(b->ops[i].mods);
	}
	free(b->ops);
	memset(b, 0, sizeof(*b));
}

static struct batch_op *op_new(struct batch *b, enum batch_kind kind,
			       const char *dn)
{
	struct batch_op *ops = realloc(b->ops, (b->count + 1) * sizeof(*ops));
	struct batch_op *op;

	if (!ops)
		return NULL;
	b->ops = ops;
	op = &ops[b->count];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->dn = strdup(dn);
	if (!op->dn)
		return NULL;
	b->count++;
	return op;
}

/* Append one LDAPMod to op, taking over values (NULL-terminated or NULL). */
static int mod_push(struct batch_op *op, int mod_op, const char *attr,
		    char **values)
{
	size_t n = 0;
	LDAPMod **mods;
	LDAPMod *mod;

	while (op->mods && op->mods[n])
		n++;
	mods = realloc(op->mods, (n + 2) * sizeof(*mods));
	if (!mods)
		return DIR_ERR_NOMEM;
	op->mods = mods;
	mods[n] = NULL;
	mod = calloc(1, sizeof(*mod));
	if (!mod)
		return DIR_ERR_NOMEM;
	mod->mod_op = mod_op;
	mod->mod_type = strdup(attr);
	if (!mod->mod_type) {
		free(mod);
		return DIR_ERR_NOMEM;
	}
	mod->mod_values = values;
	mods[n] = mod;
	mods[n + 1] = NULL;
	return DIR_OK;
}

/* Move an entry's attributes into op as mods of type mod_op. An add
 * skips attributes without values. */
static int mods_from_entry(struct batch_op *op, int mod_op,
			   struct dir_entry *e)
{
	int ret = DIR_OK;

	for (size_t i = 0; i < e->count && ret == DIR_OK; i++) {
		if (mod_op == LDAP_MOD_ADD && e->attrs[i].count == 0)
			continue;
		ret = mod_push(op, mod_op, e->attrs[i].name,
			       e->attrs[i].values);
		if (ret == DIR_OK) {
			e->attrs[i].values = NULL;
			e->attrs[i].count = 0;
		}
	}
	return ret;
}

int batch_add(struct batch *b, struct dir_entry *e)
{
	struct batch_op *op = op_new(b, BATCH_ADD, e->dn);

	return op ? mods_from_entry(op, LDAP_MOD_ADD, e) : DIR_ERR_NOMEM;
}

int batch_replace(struct batch *b, struct dir_entry *e)
{
	struct batch_op *op = op_new(b, BATCH_MODIFY, e->dn);

	return op ? mods_from_entry(op, LDAP_MOD_REPLACE, e) : DIR_ERR_NOMEM;
}

int batch_delete(struct batch *b, const char *dn)
{
	return op_new(b, BATCH_DELETE, dn) ? DIR_OK : DIR_ERR_NOMEM;
}

int batch_delete_if(struct batch *b, const char *dn, const char *filter)
{
	struct batch_op *op = op_new(b, BATCH_DELETE, dn);

	if (!op)
		return DIR_ERR_NOMEM;
	op->assertion = strdup(filter);
	return op->assertion ? DIR_OK : DIR_ERR_NOMEM;
}

int batch_value(struct batch *b, const char *dn, int mod_op,
		const char *attr, const char *value)
{
	struct batch_op *op = op_new(b, BATCH_MODIFY, dn);
	char **values = NULL;

	if (!op)
		return DIR_ERR_NOMEM;
	if (value) {
		values = calloc(2, sizeof(*values));
		if (!values || !(values[0] = strdup(value))) {
			free(values);
			return DIR_ERR_NOMEM;
		}
	}
	if (mod_push(op, mod_op, attr, values) != DIR_OK) {
		if (values)
			free(values[0]);
		free(values);
		return DIR_ERR_NOMEM;
	}
	return DIR_OK;
}

int batch_version(struct batch *b, const char *policy_dn, uint64_t old,
		  uint64_t new)
{
	char text[2][24];
	struct batch_op *op = op_new(b, BATCH_MODIFY, policy_dn);
	int ret = DIR_ERR_NOMEM;

	if (!op)
		return ret;
	snprintf(text[0], sizeof(text[0]), "%llu", (unsigned long long)old);
	snprintf(text[1], sizeof(text[1]), "%llu", (unsigned long long)new);
	/* Deleting the value read earlier fails with noSuchAttribute when
	 * another writer got there first: optimistic locking in one modify. */
	for (int i = 0; i < 2; i++) {
		char **values = calloc(2, sizeof(*values));

		if (!values || !(values[0] = strdup(text[i]))) {
			free(values);
			return ret;
		}
		ret = mod_push(op, i == 0 ? LDAP_MOD_DELETE : LDAP_MOD_ADD,
			       "ipsecVersion", values);
		if (ret != DIR_OK) {
			free(values[0]);
			free(values);
			return ret;
		}
	}
	return DIR_OK;
}

static int op_send_ctrls(LDAP *ld, const struct batch_op *op,
			 LDAPControl **ctrls, int *msgid)
{
	switch (op->kind) {
	case BATCH_ADD:
		return ldap_add_ext(ld, op->dn, op->mods, ctrls, NULL, msgid);
	case BATCH_MODIFY:
		return ldap_modify_ext(ld, op->dn, op->mods, ctrls, NULL,
				       msgid);
	case BATCH_DELETE:
		return ldap_delete_ext(ld, op->dn, ctrls, NULL, msgid);
	}
	return LDAP_PARAM_ERROR;
}

static int op_send(LDAP *ld, const struct batch_op *op, LDAPControl *spec,
		   int *msgid)
{
	LDAPControl *ctrls[3] = { NULL, NULL, NULL };
	LDAPControl *assertion = NULL;
	size_t n = 0;
	int rc;

	if (spec)
		ctrls[n++] = spec;
	if (op->assertion) {
		rc = ldap_create_assertion_control(ld, op->assertion, 1,
						   &assertion);
		if (rc != LDAP_SUCCESS)
			return rc;
		ctrls[n++] = assertion;
	}
	rc = op_send_ctrls(ld, op, ctrls, msgid);
	ldap_control_free(assertion);
	return rc;
}

static const char *op_verb(enum batch_kind kind)
{
	return kind == BATCH_ADD ? "add" :
	       kind == BATCH_MODIFY ? "modify" : "delete";
}

/* Index of the op that was sent as msgid, or b->count. */
static size_t op_find(const int *msgids, size_t count, int msgid)
{
	for (size_t i = 0; i < count; i++)
		if (msgids[i] == msgid)
			return i;
	return count;
}

/* Read one answer to a queued update; LDAP_TXN_SPECIFY_OKAY is success. */
static int answer_read(struct dir_conn *conn, const struct batch_op *ops,
		       const int *msgids, size_t sent)
{
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int err = LDAP_SUCCESS;
	size_t i;
	int rc;

	rc = ldap_result(conn->ld, LDAP_RES_ANY, LDAP_MSG_ALL, NULL, &res);
	if (rc <= 0) {
		ldap_get_option(conn->ld, LDAP_OPT_RESULT_CODE, &err);
		return dir_fail_ldap(conn, err, NULL,
				     "lost the directory during a transaction");
	}
	i = op_find(msgids, sent, ldap_msgid(res));
	rc = ldap_parse_result(conn->ld, res, &err, NULL, &diag, NULL, NULL, 1);
	if (rc == LDAP_SUCCESS && err != LDAP_SUCCESS &&
	    err != LDAP_TXN_SPECIFY_OKAY)
		rc = err;
	if (rc != LDAP_SUCCESS && rc != LDAP_TXN_SPECIFY_OKAY) {
		rc = dir_fail_ldap(conn, rc, diag, "cannot %s '%s'",
				   i < sent ? op_verb(ops[i].kind) : "update",
				   i < sent ? ops[i].dn : "?");
		ldap_memfree(diag);
		return rc;
	}
	ldap_memfree(diag);
	return DIR_OK;
}

/* End the transaction with a commit and report the server's reason when
 * one of its updates failed. */
static int txn_commit(struct dir_conn *conn, struct berval *txnid)
{
	LDAPMessage *res = NULL;
	char *matched = NULL;
	char *diag = NULL;
	int err = LDAP_OTHER;
	int msgid;
	int rc;
	int ret;

	rc = ldap_txn_end(conn->ld, 1, txnid, NULL, NULL, &msgid);
	if (rc == LDAP_SUCCESS &&
	    ldap_result(conn->ld, msgid, LDAP_MSG_ALL, NULL, &res) <= 0)
		ldap_get_option(conn->ld, LDAP_OPT_RESULT_CODE, &rc);
	if (rc == LDAP_SUCCESS)
		rc = ldap_parse_result(conn->ld, res, &err, &matched, &diag,
				       NULL, NULL, 0);
	if (rc != LDAP_SUCCESS) {
		ret = dir_fail_ldap(conn, rc, NULL,
				    "cannot commit the LDAP transaction");
		goto out;
	}
	ret = DIR_OK;
	if (err != LDAP_SUCCESS)
		ret = dir_fail_ldap(conn, err, diag,
				    "transaction rolled back, nothing changed");
out:
	ldap_memfree(matched);
	ldap_memfree(diag);
	ldap_msgfree(res);
	return ret;
}

int batch_run(struct dir_conn *conn, const struct batch *b)
{
	struct berval *txnid = NULL;
	LDAPControl spec = { 0 };
	int *msgids = NULL;
	size_t answered = 0;
	int rc;
	int ret;

	if (b->count == 0)
		return DIR_OK;
	msgids = calloc(b->count, sizeof(*msgids));
	if (!msgids)
		return DIR_ERR_NOMEM;
	rc = ldap_txn_start_s(conn->ld, NULL, NULL, &txnid);
	if (rc != LDAP_SUCCESS || !txnid) {
		ret = dir_fail_ldap(conn, rc, NULL,
				    "cannot start an LDAP transaction (needs OpenLDAP 2.5 or later with back-mdb)");
		goto out;
	}
	spec.ldctl_oid = LDAP_CONTROL_TXN_SPEC;
	spec.ldctl_value = *txnid;
	spec.ldctl_iscritical = 1;

	for (size_t i = 0; i < b->count; i++) {
		rc = op_send(conn->ld, &b->ops[i], &spec, &msgids[i]);
		if (rc != LDAP_SUCCESS) {
			ret = dir_fail_ldap(conn, rc, NULL, "cannot send %s of '%s'",
					    op_verb(b->ops[i].kind), b->ops[i].dn);
			goto abort;
		}
		while (i + 1 - answered >= BATCH_WINDOW) {
			ret = answer_read(conn, b->ops, msgids, i + 1);
			if (ret != DIR_OK)
				goto abort;
			answered++;
		}
	}
	while (answered < b->count) {
		ret = answer_read(conn, b->ops, msgids, b->count);
		if (ret != DIR_OK)
			goto abort;
		answered++;
	}

	ret = txn_commit(conn, txnid);
	if (ret != DIR_OK)
		goto out;
	ret = DIR_OK;
	goto out;
abort:
	/* Drain what is still in flight, then drop the whole transaction. */
	while (answered < b->count && answer_read(conn, b->ops, msgids, b->count) !=
					      DIR_ERR_UNREACHABLE)
		answered++;
	ldap_txn_end_s(conn->ld, 0, txnid, NULL, NULL, NULL);
out:
	ber_bvfree(txnid);
	free(msgids);
	return ret;
}

int batch_run_plain(struct dir_conn *conn, const struct batch *b,
		    bool tolerate_missing)
{
	int ret = DIR_OK;

	for (size_t i = 0; i < b->count && ret == DIR_OK; i++) {
		int msgid;
		int rc = op_send(conn->ld, &b->ops[i], NULL, &msgid);

		if (rc != LDAP_SUCCESS)
			return dir_fail_ldap(conn, rc, NULL, "cannot send %s of '%s'",
					     op_verb(b->ops[i].kind), b->ops[i].dn);
		ret = answer_read(conn, &b->ops[i], &msgid, 1);
		if (tolerate_missing && (ret == DIR_ERR_NOT_FOUND ||
					 ret == DIR_ERR_CONFLICT))
			ret = DIR_OK;
	}
	return ret;
}

/*
 * Lists of LDAP updates, built first and then sent in order. Each update
 * is one atomic LDAP operation; static.c explains how a whole command is
 * made atomic on top of them.
 */
#include "dir_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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
			e->attrs[i].capacity = 0;
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

/* Read the result of one sent update. */
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
				     "lost the connection to the directory");
	}
	i = op_find(msgids, sent, ldap_msgid(res));
	rc = ldap_parse_result(conn->ld, res, &err, NULL, &diag, NULL, NULL, 1);
	if (rc == LDAP_SUCCESS && err != LDAP_SUCCESS)
		rc = err;
	if (rc != LDAP_SUCCESS) {
		rc = dir_fail_ldap(conn, rc, diag, "cannot %s '%s'",
				   i < sent ? op_verb(ops[i].kind) : "update",
				   i < sent ? ops[i].dn : "?");
		ldap_memfree(diag);
		return rc;
	}
	ldap_memfree(diag);
	return DIR_OK;
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

/*
 * DNs and search filters, built only through libldap so that names with
 * any of , + " \ < > ; = * ( ) # or outer spaces round-trip exactly.
 */
#include "dir_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dir_dn_child(struct dir_conn *conn, const char *parent, const char *attr,
		 const char *value, char **dn)
{
	LDAPDN parent_dn = NULL;
	LDAPDN child_dn = NULL;
	LDAPAVA ava = { 0 };
	LDAPAVA *rdn[2] = { &ava, NULL };
	char *text = NULL;
	size_t n = 0;
	int ret = DIR_ERR_NOMEM;

	*dn = NULL;
	if (parent && ldap_str2dn(parent, &parent_dn, LDAP_DN_FORMAT_LDAPV3) !=
		      LDAP_SUCCESS) {
		ret = dir_fail(conn, DIR_ERR_USAGE, "invalid DN '%s'", parent);
		goto out;
	}
	while (parent_dn && parent_dn[n])
		n++;
	child_dn = calloc(n + 2, sizeof(*child_dn));
	if (!child_dn)
		goto out;
	ava.la_attr.bv_val = (char *)attr;
	ava.la_attr.bv_len = strlen(attr);
	ava.la_value.bv_val = (char *)value;
	ava.la_value.bv_len = strlen(value);
	ava.la_flags = LDAP_AVA_STRING;
	child_dn[0] = rdn;
	for (size_t i = 0; i < n; i++)
		child_dn[i + 1] = parent_dn[i];
	if (ldap_dn2str(child_dn, &text, LDAP_DN_FORMAT_LDAPV3 | LDAP_DN_PRETTY) != LDAP_SUCCESS) {
		ret = dir_fail(conn, DIR_ERR_USAGE,
			       "cannot build a DN from %s '%s'", attr, value);
		goto out;
	}
	*dn = strdup(text);
	if (*dn)
		ret = DIR_OK;
out:
	ldap_memfree(text);
	free(child_dn);
	ldap_dnfree(parent_dn);
	return ret;
}

int dir_filter_eq(struct dir_conn *conn, const char *attr, const char *value,
		  char **filter)
{
	struct berval in = { strlen(value), (char *)value };
	struct berval out = { 0, NULL };
	size_t size;
	int ret = DIR_ERR_NOMEM;

	(void)conn;
	*filter = NULL;
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		goto out;
	size = strlen(attr) + out.bv_len + 4;
	*filter = malloc(size);
	if (!*filter)
		goto out;
	snprintf(*filter, size, "(%s=%s)", attr, out.bv_val);
	ret = DIR_OK;
out:
	ber_memfree(out.bv_val);
	return ret;
}

int dir_policy_dn(struct dir_conn *conn, const char *host, const char *policy,
		  char **dn)
{
	char *parent = NULL;
	int ret;

	*dn = NULL;
	ret = dir_check_name(conn, "policy", policy);
	if (ret != DIR_OK)
		return ret;
	if (host)
		ret = dir_host_dn(conn, host, &parent);
	else
		ret = dir_dn_child(conn, conn->root, "cn", "Policies", &parent);
	if (ret == DIR_OK)
		ret = dir_dn_child(conn, parent, "ipsecName", policy, dn);
	free(parent);
	return ret;
}

static int dir_folder_child(struct dir_conn *conn, const char *folder,
			    const char *kind, const char *name, char **dn)
{
	char *parent = NULL;
	int ret;

	*dn = NULL;
	ret = dir_check_name(conn, kind, name);
	if (ret != DIR_OK)
		return ret;
	ret = dir_dn_child(conn, conn->root, "cn", folder, &parent);
	if (ret == DIR_OK)
		ret = dir_dn_child(conn, parent, "ipsecName", name, dn);
	free(parent);
	return ret;
}

int dir_host_dn(struct dir_conn *conn, const char *host, char **dn)
{
	return dir_folder_child(conn, "Hosts", "host", host, dn);
}

int dir_group_dn(struct dir_conn *conn, const char *group, char **dn)
{
	return dir_folder_child(conn, "Groups", "group", group, dn);
}

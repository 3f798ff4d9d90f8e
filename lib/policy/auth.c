/* Authentication methods: kerberos, preshare:KEY, cert:CA-DN, and their
 * one-letter forms k, p:KEY and c:DN. */
#include "policy_internal.h"

#include <stdlib.h>
#include <string.h>

int auth_parse(const char *text, int argi, struct auth_method *out,
	       struct diag_list *diags)
{
	const char *colon = strchr(text, ':');
	size_t mlen = colon ? (size_t)(colon - text) : strlen(text);
	const char *value = colon ? colon + 1 : NULL;

	memset(out, 0, sizeof(*out));
	if (text_equal_nocase(text, mlen, "kerberos") ||
	    text_equal_nocase(text, mlen, "k")) {
		if (colon)
			return diag_add(diags, GRAMMAR_BAD_AUTH, argi, 0,
					"kerberos takes no value in '%.*s:...':"
					" write kerberos", (int)mlen, text);
		out->kind = AUTH_KERBEROS;
		return 0;
	}
	if (text_equal_nocase(text, mlen, "preshare") ||
	    text_equal_nocase(text, mlen, "p")) {
		/* The key itself never appears in a message. */
		if (!value || !*value)
			return diag_add(diags, GRAMMAR_BAD_AUTH, argi, 0,
					"missing preshared key after '%.*s': "
					"write preshare:\"KEY\"", (int)mlen,
					text);
		out->kind = AUTH_PRESHARE;
	} else if (text_equal_nocase(text, mlen, "cert") ||
		   text_equal_nocase(text, mlen, "c")) {
		if (!value || !*value)
			return diag_add(diags, GRAMMAR_BAD_AUTH, argi, 0,
					"missing CA name after '%.*s': write "
					"cert:\"CN=Example CA, O=Example\"",
					(int)mlen, text);
		out->kind = AUTH_CERT;
	} else {
		return diag_add(diags, GRAMMAR_BAD_AUTH, argi, 0,
				"unknown authentication method '%.*s': write "
				"kerberos, preshare:\"KEY\" or cert:\"CA DN\", "
				"and quote a DN that contains spaces",
				(int)mlen, text);
	}
	out->value = strdup(value);
	return out->value ? 0 : GRAMMAR_ENOMEM;
}

char *auth_format(const struct auth_method *a, unsigned flags)
{
	struct strbuf sb = { 0 };

	switch (a->kind) {
	case AUTH_KERBEROS:
		strbuf_append(&sb, "kerberos");
		break;
	case AUTH_PRESHARE:
		strbuf_append(&sb, "preshare:");
		strbuf_append(&sb, (flags & PRINT_SECRETS) && a->value ?
				   a->value : "********");
		break;
	case AUTH_CERT:
		strbuf_append(&sb, "cert:");
		strbuf_append(&sb, a->value ? a->value : "");
		break;
	}
	return strbuf_finish(&sb);
}

void auth_list_free(struct auth_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++) {
		struct auth_method *a = &list->items[i];

		if (a->value && a->kind == AUTH_PRESHARE)
			explicit_bzero(a->value, strlen(a->value));
		free(a->value);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

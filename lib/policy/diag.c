/* Diagnostics collected by the parsers, and the error phrases. */
#include "policy_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_phrases[GRAMMAR_ERROR_COUNT] = {
	[GRAMMAR_OK] = "success",
	[GRAMMAR_ENOMEM] = "out of memory",
	[GRAMMAR_UNKNOWN_OPTION] = "unknown option",
	[GRAMMAR_MISSING_VALUE] = "missing value",
	[GRAMMAR_BAD_FILTER] = "invalid filter",
	[GRAMMAR_BAD_ADDRESS] = "invalid address",
	[GRAMMAR_BAD_MASK] = "invalid mask",
	[GRAMMAR_BAD_PORT] = "invalid port",
	[GRAMMAR_BAD_PROTOCOL] = "invalid protocol",
	[GRAMMAR_BAD_OFFER] = "invalid negotiation policy",
	[GRAMMAR_BAD_ALGORITHM] = "invalid algorithm",
	[GRAMMAR_BAD_REKEY] = "invalid rekey setting",
	[GRAMMAR_BAD_GROUP] = "invalid Diffie-Hellman group",
	[GRAMMAR_BAD_AUTH] = "invalid authentication method",
	[GRAMMAR_BAD_NUMBER] = "number out of range",
	[GRAMMAR_BAD_STORE] = "invalid policy store",
	[GRAMMAR_BAD_NAME] = "invalid name",
	[GRAMMAR_CONFLICT] = "conflicting options",
	[GRAMMAR_REPEATED] = "option given twice",
	[GRAMMAR_MISSING_OPTION] = "missing option",
	[GRAMMAR_BAD_TOPIC] = "invalid show topic",
};

const char *grammar_strerror(int code)
{
	if (code < 0 || code >= GRAMMAR_ERROR_COUNT)
		return "unknown error";
	return error_phrases[code];
}

static int diag_vadd(struct diag_list *diags, int code, bool warning,
		     int argi, int offset, const char *fmt, va_list ap)
{
	struct diag *d;
	char *message = NULL;

	if (!diags)
		return code;
	if (vasprintf(&message, fmt, ap) < 0)
		return GRAMMAR_ENOMEM;
	if (array_reserve((void **)&diags->items, diags->count,
			  sizeof(*diags->items)) < 0) {
		free(message);
		return GRAMMAR_ENOMEM;
	}
	d = &diags->items[diags->count++];
	d->code = code;
	d->is_warning = warning;
	d->argi = argi;
	d->offset = offset;
	d->message = message;
	return code;
}

int diag_add(struct diag_list *diags, int code, int argi, int offset,
	     const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = diag_vadd(diags, code, false, argi, offset, fmt, ap);
	va_end(ap);
	return ret;
}

int diag_warn(struct diag_list *diags, int argi, int offset,
	      const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = diag_vadd(diags, GRAMMAR_OK, true, argi, offset, fmt, ap);
	va_end(ap);
	return ret;
}

void diag_list_free(struct diag_list *diags)
{
	if (!diags)
		return;
	for (size_t i = 0; i < diags->count; i++)
		free(diags->items[i].message);
	free(diags->items);
	diags->items = NULL;
	diags->count = 0;
}

size_t diag_error_count(const struct diag_list *diags)
{
	size_t n = 0;

	if (!diags)
		return 0;
	for (size_t i = 0; i < diags->count; i++)
		if (!diags->items[i].is_warning)
			n++;
	return n;
}

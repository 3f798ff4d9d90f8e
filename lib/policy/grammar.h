/*
 * Parser from argv to a struct command, and the canonical printer.
 *
 * Parsers never exit and never print: they collect diagnostics, each with
 * the argv index and character offset of the offending word, and return 0
 * or the first error code. Warnings (weak algorithms, accepted spelling
 * variants) are diagnostics with is_warning set.
 */
#ifndef IPSECCMD_GRAMMAR_H
#define IPSECCMD_GRAMMAR_H

#include "model.h"

#include <stdio.h>

enum grammar_error {
	GRAMMAR_OK = 0,
	GRAMMAR_ENOMEM,
	GRAMMAR_UNKNOWN_OPTION,
	GRAMMAR_MISSING_VALUE,
	GRAMMAR_BAD_FILTER,
	GRAMMAR_BAD_ADDRESS,
	GRAMMAR_BAD_MASK,
	GRAMMAR_BAD_PORT,
	GRAMMAR_BAD_PROTOCOL,
	GRAMMAR_BAD_OFFER,
	GRAMMAR_BAD_ALGORITHM,
	GRAMMAR_BAD_REKEY,
	GRAMMAR_BAD_GROUP,
	GRAMMAR_BAD_AUTH,
	GRAMMAR_BAD_NUMBER,
	GRAMMAR_BAD_STORE,
	GRAMMAR_BAD_NAME,
	GRAMMAR_CONFLICT,	/* a combination the reference forbids */
	GRAMMAR_REPEATED,	/* an option given twice where once is allowed */
	GRAMMAR_MISSING_OPTION,	/* e.g. -p without -w */
	GRAMMAR_BAD_TOPIC,
	GRAMMAR_ERROR_COUNT,
};

/* Short phrase for a grammar_error code ("invalid filter"). */
const char *grammar_strerror(int code);

struct diag {
	int code;		/* enum grammar_error; GRAMMAR_OK for a warning */
	bool is_warning;
	int argi;		/* argv index, -1 when not tied to a word */
	int offset;		/* character offset inside that word */
	char *message;		/* one line: offending value and what to write */
};

struct diag_list {
	struct diag *items;
	size_t count;
};

void diag_list_free(struct diag_list *diags);

/* Number of errors (not warnings) in the list. */
size_t diag_error_count(const struct diag_list *diags);

/*
 * Parse a whole command line (argv without the program name). Fills *out
 * with every default applied. Returns 0, or the first error's code; on
 * error *out is freed and zeroed. The long options the CLI itself handles
 * (--dry-run, --json and the directory connection options) are removed by
 * the CLI before this call. --ike=1|2 belongs to the grammar and stays in
 * argv.
 */
int grammar_parse(int argc, char *const argv[], struct command *out,
		  struct diag_list *diags);

/* Flags of grammar_parse_flags(). */
enum grammar_flags {
	/* Accept -w without -p when the line gives nothing else of static
	 * mode: the CLI's administration options (--list, --add-host,
	 * --import and the like) work on the store, not on one policy.
	 * target.policy is then NULL. */
	GRAMMAR_POLICY_OPTIONAL = 1u << 0,
};

/* grammar_parse() with enum grammar_flags bits. */
int grammar_parse_flags(int argc, char *const argv[], unsigned flags,
			struct command *out, struct diag_list *diags);

/*
 * Element parsers, also used by the directory and store code to read
 * stored values back. `argi` is passed through to diagnostics.
 */
int filter_parse(const char *text, int argi, struct filter_spec *out,
		 struct diag_list *diags);
int qm_offer_parse(const char *text, int argi, struct qm_offer *out,
		   struct diag_list *diags);
int mm_offer_parse(const char *text, int argi, struct mm_offer *out,
		   struct diag_list *diags);
int auth_parse(const char *text, int argi, struct auth_method *out,
	       struct diag_list *diags);

/* Apply the reference's defaults to a rule with no parts given. */
int rule_set_defaults(struct rule_spec *rule);
void rule_free(struct rule_spec *rule);
void filter_free(struct filter_spec *f);
void addr_free(struct addr_spec *a);

/* Printer flags. */
enum print_flags {
	PRINT_SECRETS = 1u << 0,	/* write preshared keys; otherwise
					 * they print as "********" */
	PRINT_GIVEN_ONLY = 1u << 1,	/* omit parts the line did not give */
};

/*
 * Canonical text of one element, malloc'd; NULL on allocation failure.
 * For every value v that the parser accepts, parsing the printed text
 * gives v back.
 */
char *filter_format(const struct filter_spec *f);
char *qm_offer_format(const struct qm_offer *o);
char *mm_offer_format(const struct mm_offer *o);
char *auth_format(const struct auth_method *a, unsigned flags);

/*
 * The whole command as one canonical ipseccmd line (without the program
 * name), with words quoted where needed so a POSIX shell gives back the
 * same argv. parse(print(c)) equals c.
 */
char *command_format(const struct command *cmd, unsigned flags);

#endif

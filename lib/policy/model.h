/*
 * The ipseccmd policy model: one parsed command line with every default the
 * Windows ipseccmd documentation states applied explicitly, so the directory
 * writer, the agent and --dry-run all see the values that will really be used.
 *
 * Ownership: every pointer in these structures is owned by the structure that
 * contains it and is released by command_free(). Lists are arrays with a
 * count; an empty list is {NULL, 0}.
 */
#ifndef IPSECCMD_MODEL_H
#define IPSECCMD_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Address forms a filter side can take. */
enum addr_kind {
	ADDR_ANY,	/* '*': any address */
	ADDR_ME,	/* '0': every address of this host, followed as they change */
	ADDR_IP,	/* literal IPv4 or IPv6 network: family, bytes, prefix */
	ADDR_DNS,	/* DNS name, resolved by the agent at each apply */
	ADDR_GUID,	/* local interface GUID, {8-4-4-4-12} hex */
};

struct addr_spec {
	enum addr_kind kind;
	int family;		/* AF_INET or AF_INET6 for ADDR_IP, else 0 */
	uint8_t bytes[16];	/* network order; host bits are zero */
	uint8_t prefix;		/* 0..32 or 0..128 for ADDR_IP */
	char *name;		/* ADDR_DNS: the name as written (case kept);
				 * ADDR_GUID: upper-case GUID with braces */
};

/* What a single filter does when it stands alone in a dynamic-mode list. */
enum filter_mark {
	FILTER_NEGOTIATE,	/* plain: the rule's filter action applies */
	FILTER_PERMIT,		/* written in parentheses: ( ... ) */
	FILTER_BLOCK,		/* written in brackets: [ ... ] */
};

/*
 * One filter: source = destination, or source + destination when mirrored.
 * Ports are 0 for "any"; protocol is an IANA protocol number, or
 * PROTO_ANY. A "default" filter enables the default response rule and has
 * no addresses.
 */
#define PROTO_ANY (-1)

struct filter_spec {
	bool is_default;
	bool mirrored;
	enum filter_mark mark;
	struct addr_spec src;
	struct addr_spec dst;
	uint16_t src_port;
	uint16_t dst_port;
	int protocol;		/* 0..255 or PROTO_ANY */
};

struct filter_list {
	struct filter_spec *items;
	size_t count;
};

/* Cipher and integrity algorithms; *_NONE is the explicit "none". */
enum enc_alg {
	ENC_NONE, ENC_DES, ENC_3DES,
	ENC_AES128, ENC_AES192, ENC_AES256,
	ENC_AES128GCM, ENC_AES192GCM, ENC_AES256GCM,	/* 16-byte ICV */
};

enum hash_alg {
	HASH_NONE, HASH_MD5, HASH_SHA1,
	HASH_SHA256, HASH_SHA384, HASH_SHA512,
};

/*
 * Diffie-Hellman groups by their IANA number (RFC 2409, 3526, 5903).
 * DH_FROM_MM means "take the group of the main-mode offer in use", the
 * Windows default for quick-mode PFS.
 */
#define DH_NONE 0
#define DH_FROM_MM (-1)

/* One quick-mode offer: esp[enc,auth], ah[hash] or ah[hash]+esp[enc,auth]. */
struct qm_offer {
	bool has_ah;
	enum hash_alg ah_hash;
	bool has_esp;
	enum enc_alg esp_enc;
	enum hash_alg esp_auth;
	uint32_t lifetime_seconds;	/* 0: no time limit given */
	uint32_t lifetime_kbytes;	/* 0: no volume limit given */
	bool pfs;
	int pfs_group;			/* DH group, or DH_FROM_MM when pfs */
};

/* What the rule does with matching traffic (static mode -n). */
enum rule_action {
	ACTION_NEGOTIATE,	/* secure with one of the offers */
	ACTION_BLOCK,		/* -n block */
	ACTION_PERMIT,		/* -n pass */
};

struct qm_policy {
	enum rule_action action;
	bool inpass;		/* accept clear inbound, answer secured */
	struct qm_offer *offers;
	size_t count;
};

/* Main-mode (IKE phase 1) offer: EncrypAlg-HashAlg-GroupNum. */
struct mm_offer {
	enum enc_alg enc;
	enum hash_alg hash;
	int group;
};

enum auth_kind { AUTH_KERBEROS, AUTH_PRESHARE, AUTH_CERT };

struct auth_method {
	enum auth_kind kind;
	char *value;	/* PRESHARE: the key (secret); CERT: CA distinguished
			 * name; KERBEROS: NULL. Case kept exactly. */
};

struct auth_list {
	struct auth_method *items;
	size_t count;
};

enum conn_type { CONN_ALL, CONN_LAN, CONN_DIALUP };

/*
 * Key exchange protocol of a rule. IKEv2 (RFC 7296) is the default;
 * IKEv1 Main Mode and Quick Mode (RFC 2409) is chosen per policy with
 * --ike=1 for peers that speak nothing else. The type is not named
 * ike_version because agent/ike's ike.h has an enum of that name.
 */
enum ike_protocol_version { IKE_V2 = 0, IKE_V1 };

/*
 * One rule: everything a dynamic-mode command line or a static rule says.
 * Defaults from the reference are filled in by the parser:
 *   qm offers   esp[3des,sha] esp[3des,md5] esp[des,sha] esp[des,md5]
 *               (after a modern suite, see grammar.h)
 *   auth        kerberos
 *   mm offers   3des-sha-2 3des-md5-2 des-sha-1 des-md5-1 (after a modern
 *               suite)
 *   mm rekey    unlimited quick-mode SAs, 480 minutes
 *   soft expiry 300 seconds, soft SAs off
 *   tunnel      none (transport mode)
 *   connection  all adapters
 *   key exchange IKEv2
 */
struct rule_spec {
	struct filter_list filters;
	struct qm_policy qm;
	struct addr_spec tunnel;	/* kind ADDR_ANY means no tunnel */
	bool has_tunnel;
	struct auth_list auth;
	struct mm_offer *mm_offers;
	size_t mm_count;
	uint32_t mm_rekey_qm;		/* 0: unlimited quick-mode SAs */
	uint32_t mm_rekey_seconds;	/* default 28800 */
	bool mm_pfs;			/* -1p */
	struct filter_list mm_filters;	/* -1f; empty: derived from filters */
	uint32_t soft_expiry_seconds;	/* -1e, default 300 */
	bool soft;			/* -soft */
	enum conn_type conn;
	/* --ike; in a rule read from a stored policy, the policy's value */
	enum ike_protocol_version ike_version;
};

/* Bits of rule_spec that the command line gave, for static-mode updates
 * that replace only the given parts of an existing rule. */
enum rule_part {
	PART_FILTERS = 1u << 0,		/* -f */
	PART_QM = 1u << 1,		/* -n */
	PART_TUNNEL = 1u << 2,		/* -t */
	PART_AUTH = 1u << 3,		/* -a */
	PART_MM_OFFERS = 1u << 4,	/* -1s */
	PART_MM_REKEY = 1u << 5,	/* -1k */
	PART_MM_PFS = 1u << 6,		/* -1p */
	PART_MM_FILTERS = 1u << 7,	/* -1f */
	PART_SOFT_EXPIRY = 1u << 8,	/* -1e */
	PART_SOFT = 1u << 9,		/* -soft */
	PART_CONN = 1u << 10,		/* -dialup / -lan */
};

enum command_mode {
	MODE_HELP,	/* /?, -?, --help */
	MODE_DYNAMIC,	/* add a rule to the running agent */
	MODE_DYNAMIC_DELETE,	/* -u */
	MODE_STATIC,	/* -w */
	MODE_QUERY,	/* show */
};

enum store_type { STORE_REG, STORE_DS };

enum assign_op { ASSIGN_KEEP, ASSIGN_SET, ASSIGN_UNSET };	/* -x, -y */

/* Query topics, as a bit set; "all" sets every bit. */
enum show_topic {
	SHOW_FILTERS = 1u << 0,
	SHOW_POLICIES = 1u << 1,
	SHOW_AUTH = 1u << 2,
	SHOW_STATS = 1u << 3,
	SHOW_SAS = 1u << 4,
	SHOW_ALL = 0x1f,
};

/* Default PollInterval in minutes for a policy whose -p gives none; the
 * Active Directory IPsec default. */
#define POLL_DEFAULT_MINUTES 180

struct static_target {
	enum store_type store;
	char *location;		/* -w reg:HOST or -w ds:DOMAIN; NULL if none */
	char *policy;		/* -p name, exactly as written */
	uint32_t poll_minutes;	/* POLL_DEFAULT_MINUTES unless given */
	bool poll_given;
	char **rules;		/* -r names; several only together with -o */
	size_t rule_count;
	enum assign_op assign;
	bool delete;		/* -o */
	bool rule_derived;	/* rules[0] was derived from the canonical -f
				 * text because rule parts came without -r */
	bool ike_given;		/* --ike was given: the policy's version
				 * becomes command.rule.ike_version */
};

struct command {
	enum command_mode mode;
	enum command_mode help_mode;	/* MODE_HELP: which mode's usage */
	char *computer;		/* \\ComputerName without the backslashes */
	bool confirm;		/* -confirm / -c, dynamic mode only */
	bool has_rule;		/* a rule (-f or other rule parts) was given */
	unsigned parts;		/* enum rule_part bits given on the line */
	struct rule_spec rule;
	struct static_target target;	/* MODE_STATIC */
	unsigned show;		/* MODE_QUERY: enum show_topic bits */
};

/* A named rule inside a stored policy. */
struct named_rule {
	char *name;
	struct rule_spec rule;
};

/*
 * A stored policy as the directory, the local store, the agent's cache and
 * the reports see it. Main-mode settings live on the policy in the Active
 * Directory model; here each rule carries a copy so a rule is complete on
 * its own. The IKE version is a policy setting, and every rule read from
 * a policy carries the policy's value in the same way. `version` increases with every write to the policy or any of
 * its rules, so a reader detects change with one small read.
 */
struct policy_doc {
	char *name;
	uint32_t poll_minutes;
	uint64_t version;
	enum ike_protocol_version ike_version;
	struct named_rule *rules;
	size_t rule_count;
};

void policy_doc_free(struct policy_doc *doc);

/* Release everything a command owns, wiping preshared keys; NULL is a no-op. */
void command_free(struct command *cmd);

/* Compare two commands field by field (order of lists matters). */
bool command_equal(const struct command *a, const struct command *b);

/* Compare two rules field by field (order of lists matters). */
bool rule_equal(const struct rule_spec *a, const struct rule_spec *b);

#endif

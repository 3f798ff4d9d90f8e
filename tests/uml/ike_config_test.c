/* Unit tests of the swanctl configuration that agent/ike generates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ike.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQID 0x10000001u

struct rule_fixture {
	struct filter_spec filters[2];
	struct qm_offer qm[3];
	struct mm_offer mm[3];
	struct auth_method auth[2];
	struct rule_spec rule;
	struct ike_rule_ref ref;
};

static void addr_set(struct addr_spec *a, const char *ip, uint8_t prefix)
{
	memset(a, 0, sizeof(*a));
	a->kind = ADDR_IP;
	a->family = AF_INET;
	a->prefix = prefix;
	assert_int_equal(inet_pton(AF_INET, ip, a->bytes), 1);
}

/* A mirrored transport rule 192.0.2.1 <-> 192.0.2.2, IKEv2 AES-GCM, ESP
 * AES-GCM, preshared key "fixture key". */
static void fixture_init(struct rule_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->filters[0].mirrored = true;
	f->filters[0].protocol = PROTO_ANY;
	addr_set(&f->filters[0].src, "192.0.2.1", 32);
	addr_set(&f->filters[0].dst, "192.0.2.2", 32);
	f->qm[0] = (struct qm_offer){ .has_esp = true,
				      .esp_enc = ENC_AES128GCM };
	f->mm[0] = (struct mm_offer){ ENC_AES256GCM, HASH_SHA256, 14 };
	f->auth[0] = (struct auth_method){ AUTH_PRESHARE,
					   (char *)"fixture key" };
	f->rule.filters = (struct filter_list){ f->filters, 1 };
	f->rule.qm = (struct qm_policy){ ACTION_NEGOTIATE, false, f->qm, 1 };
	f->rule.auth = (struct auth_list){ f->auth, 1 };
	f->rule.mm_offers = f->mm;
	f->rule.mm_count = 1;
	f->rule.mm_rekey_seconds = 28800;
	f->rule.soft_expiry_seconds = 300;
	f->ref = (struct ike_rule_ref){ .policy = "Office", .name = "Peer B",
					.rule = &f->rule, .reqid = REQID };
}

static void build_one(struct rule_fixture *f,
		      const struct ike_credentials *creds,
		      struct ike_config *cfg)
{
	assert_int_equal(ike_config_build(&f->ref, 1, creds, cfg), 0);
	assert_int_equal(cfg->count, 1);
}

static void psk_transport_ikev2(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	build_one(&f, NULL, &cfg);

	assert_string_equal(cfg.results[0].conn, "rule-10000001");
	assert_null(cfg.results[0].note);
	assert_false(cfg.results[0].weak);
	assert_non_null(strstr(cfg.conns, "\t\tversion = 2\n"));
	assert_non_null(strstr(cfg.conns, "local_addrs = 192.0.2.1\n"));
	assert_non_null(strstr(cfg.conns, "remote_addrs = 192.0.2.2\n"));
	assert_non_null(strstr(cfg.conns,
			       "proposals = aes256gcm16-prfsha256-modp2048\n"));
	assert_non_null(strstr(cfg.conns, "rekey_time = 28800s\n"));
	assert_non_null(strstr(cfg.conns, "auth = psk\n"));
	assert_non_null(strstr(cfg.conns, "mode = transport\n"));
	assert_non_null(strstr(cfg.conns, "policies = no\n"));
	assert_non_null(strstr(cfg.conns, "reqid = 268435457\n"));
	assert_non_null(strstr(cfg.conns, "start_action = trap\n"));
	assert_non_null(strstr(cfg.conns, "local_ts = 192.0.2.1\n"));
	assert_non_null(strstr(cfg.conns, "remote_ts = 192.0.2.2\n"));
	assert_non_null(strstr(cfg.conns, "esp_proposals = aes128gcm16\n"));
	assert_non_null(strstr(cfg.conns, "# policy 'Office' rule 'Peer B'"));
	ike_config_free(&cfg);
}

static void psk_only_in_secrets_hex(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	build_one(&f, NULL, &cfg);

	assert_null(strstr(cfg.conns, "fixture key"));
	assert_null(strstr(cfg.secrets, "fixture key"));
	/* "fixture key" in hex */
	assert_non_null(strstr(cfg.secrets,
			       "secret = 0x66697874757265206b6579\n"));
	assert_non_null(strstr(cfg.secrets, "\tike-rule-10000001 {\n"));
	assert_non_null(strstr(cfg.secrets, "id = 192.0.2.2\n"));
	ike_config_free(&cfg);
}

static void ikev1_drops_gcm_offer(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.mm[1] = (struct mm_offer){ ENC_3DES, HASH_SHA1, 2 };
	f.rule.mm_count = 2;
	f.qm[0] = (struct qm_offer){ .has_esp = true, .esp_enc = ENC_3DES,
				     .esp_auth = HASH_SHA1 };
	f.ref.version = IKE_VERSION_1;
	build_one(&f, NULL, &cfg);

	assert_non_null(strstr(cfg.conns, "\t\tversion = 1\n"));
	assert_non_null(strstr(cfg.conns, "proposals = 3des-sha1-modp1024\n"));
	assert_null(strstr(cfg.conns, "gcm16-prf"));
	assert_non_null(strstr(cfg.conns, "esp_proposals = 3des-sha1\n"));
	assert_non_null(strstr(cfg.conns, "reauth_time = 28800s\n"));
	assert_non_null(strstr(cfg.conns, "rekey_time = 0\n"));
	assert_non_null(cfg.results[0].note);
	assert_non_null(strstr(cfg.results[0].note, "only IKEv2 offers"));
	assert_true(cfg.results[0].weak);
	ike_config_free(&cfg);
}

/* A rule read from an IKEv1 policy carries the policy's version, and the
 * reference's default takes it; an explicit reference version wins. */
static void rule_version_from_policy(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.mm[0] = (struct mm_offer){ ENC_3DES, HASH_SHA1, 2 };
	f.qm[0] = (struct qm_offer){ .has_esp = true, .esp_enc = ENC_3DES,
				     .esp_auth = HASH_SHA1 };
	f.rule.ike_version = IKE_V1;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "\t\tversion = 1\n"));
	ike_config_free(&cfg);

	f.ref.version = IKE_VERSION_2;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "\t\tversion = 2\n"));
	ike_config_free(&cfg);
}

static void ikev1_gcm_only_gets_no_conn(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.ref.version = IKE_VERSION_1;
	build_one(&f, NULL, &cfg);

	assert_null(cfg.results[0].conn);
	assert_non_null(strstr(cfg.results[0].note,
			       "no main-mode offer is usable"));
	assert_null(strstr(cfg.conns, "rule-10000001 {"));
	assert_null(strstr(cfg.secrets, "ike-rule-10000001"));
	ike_config_free(&cfg);
}

static void pfs_from_main_mode_groups(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.mm[1] = (struct mm_offer){ ENC_AES128, HASH_SHA256, 19 };
	f.rule.mm_count = 2;
	f.qm[0].pfs = true;
	f.qm[0].pfs_group = DH_FROM_MM;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "proposals = aes256gcm16-prfsha256-modp2048, aes128-sha256-ecp256\n"));
	assert_non_null(strstr(cfg.conns,
			       "esp_proposals = aes128gcm16-modp2048-ecp256\n"));
	ike_config_free(&cfg);

	f.qm[0].pfs_group = 2;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns,
			       "esp_proposals = aes128gcm16-modp1024\n"));
	assert_true(cfg.results[0].weak);
	ike_config_free(&cfg);
}

static void ah_and_bundle(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.qm[0] = (struct qm_offer){ .has_ah = true, .ah_hash = HASH_SHA1,
				     .has_esp = true, .esp_enc = ENC_AES128,
				     .esp_auth = HASH_SHA1 };
	f.qm[1] = (struct qm_offer){ .has_ah = true, .ah_hash = HASH_SHA256 };
	f.qm[2] = (struct qm_offer){ .has_esp = true, .esp_enc = ENC_AES256,
				     .esp_auth = HASH_SHA256 };
	f.rule.qm.count = 3;
	build_one(&f, NULL, &cfg);

	assert_non_null(strstr(cfg.conns, "ah_proposals = sha256\n"));
	assert_null(strstr(cfg.conns, "esp_proposals"));
	assert_non_null(strstr(cfg.results[0].note, "offer 1 is an AH+ESP bundle"));
	assert_non_null(strstr(cfg.results[0].note, "offer 3 uses ESP"));
	ike_config_free(&cfg);
}

static void tunnel_mode_endpoint(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	addr_set(&f.filters[0].src, "198.51.100.0", 24);
	addr_set(&f.filters[0].dst, "203.0.113.0", 24);
	f.filters[0].mirrored = false;
	f.filters[0].protocol = 6;
	f.filters[0].dst_port = 80;
	f.rule.has_tunnel = true;
	addr_set(&f.rule.tunnel, "192.0.2.2", 32);
	f.ref.tunnel_to_self = true;
	build_one(&f, NULL, &cfg);
	assert_null(cfg.results[0].conn);
	assert_non_null(strstr(cfg.results[0].note, "inbound half"));
	ike_config_free(&cfg);

	f.ref.tunnel_to_self = false;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "local_addrs = %any\n"));
	assert_non_null(strstr(cfg.conns, "remote_addrs = 192.0.2.2\n"));
	assert_non_null(strstr(cfg.conns, "mode = tunnel\n"));
	assert_non_null(strstr(cfg.conns, "local_ts = 198.51.100.0/24[6]\n"));
	assert_non_null(strstr(cfg.conns,
			       "remote_ts = 203.0.113.0/24[6/80]\n"));
	ike_config_free(&cfg);
}

static void me_and_any_selectors(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	/* "192.0.2.2+0": the peer is the source, this host the destination. */
	f.filters[0].dst.kind = ADDR_ME;
	addr_set(&f.filters[0].src, "192.0.2.2", 32);
	f.filters[1] = f.filters[0];
	f.filters[1].mark = FILTER_PERMIT;
	f.rule.filters.count = 2;
	build_one(&f, NULL, &cfg);

	assert_non_null(strstr(cfg.conns, "local_addrs = %any\n"));
	assert_non_null(strstr(cfg.conns, "remote_addrs = 192.0.2.2\n"));
	assert_non_null(strstr(cfg.conns, "local_ts = dynamic\n"));
	assert_non_null(strstr(cfg.conns, "remote_ts = 192.0.2.2\n"));
	ike_config_free(&cfg);
}

static void certificate_ca_dn(void **state)
{
	static const char *const cas[] = { "/etc/ipseccmd/ca/partner.pem" };
	struct ike_credentials creds = {
		"/etc/ipseccmd/host.pem", "/etc/ipseccmd/host.key",
		"/etc/ipseccmd/fleet-ca.pem", cas, 1,
	};
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.auth[0] = (struct auth_method){ AUTH_CERT,
					  (char *)"CN=Partner CA, O=Example" };
	build_one(&f, &creds, &cfg);

	assert_non_null(strstr(cfg.conns, "auth = pubkey\n"));
	assert_non_null(strstr(cfg.conns, "certs = /etc/ipseccmd/host.pem\n"));
	assert_non_null(strstr(cfg.conns,
			       "ca_id = \"CN=Partner CA, O=Example\"\n"));
	assert_non_null(strstr(cfg.conns,
			       "cacert = /etc/ipseccmd/fleet-ca.pem\n"));
	assert_non_null(strstr(cfg.conns,
			       "cacert = /etc/ipseccmd/ca/partner.pem\n"));
	assert_null(strstr(cfg.secrets, "ike-"));
	ike_config_free(&cfg);

	build_one(&f, NULL, &cfg);
	assert_null(cfg.results[0].conn);
	assert_non_null(strstr(cfg.results[0].note, "host certificate"));
	ike_config_free(&cfg);

	f.auth[0].value = (char *)"CN=Bad\"CA";
	build_one(&f, &creds, &cfg);
	assert_null(cfg.results[0].conn);
	ike_config_free(&cfg);
}

static void kerberos_maps_to_fleet_ca(void **state)
{
	struct ike_credentials creds = {
		"/etc/ipseccmd/host.pem", "/etc/ipseccmd/host.key",
		"/etc/ipseccmd/fleet-ca.pem", NULL, 0,
	};
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.auth[0] = (struct auth_method){ AUTH_KERBEROS, NULL };
	f.auth[1] = (struct auth_method){ AUTH_PRESHARE, (char *)"second" };
	f.rule.auth.count = 2;
	build_one(&f, &creds, &cfg);

	assert_non_null(strstr(cfg.conns, "certs = /etc/ipseccmd/host.pem\n"));
	assert_non_null(strstr(cfg.conns,
			       "cacerts = /etc/ipseccmd/fleet-ca.pem\n"));
	assert_non_null(strstr(cfg.results[0].note, "only the first of 2"));
	assert_null(strstr(cfg.secrets, "0x"));
	ike_config_free(&cfg);
}

static void block_rule_needs_no_conn(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.rule.qm.action = ACTION_BLOCK;
	build_one(&f, NULL, &cfg);
	assert_null(cfg.results[0].conn);
	assert_null(cfg.results[0].note);
	assert_null(strstr(cfg.conns, "rule-10000001 {"));
	ike_config_free(&cfg);
}

static void reqid_zero_or_repeated(void **state)
{
	struct rule_fixture f, g;
	struct ike_rule_ref refs[2];
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	fixture_init(&g);
	refs[0] = f.ref;
	refs[1] = g.ref;
	assert_int_equal(ike_config_build(refs, 2, NULL, &cfg), -EINVAL);
	assert_null(cfg.conns);
	refs[1].reqid = REQID + 1;
	assert_int_equal(ike_config_build(refs, 2, NULL, &cfg), 0);
	assert_non_null(strstr(cfg.conns, "rule-10000002 {"));
	ike_config_free(&cfg);
	refs[0].reqid = 0;
	assert_int_equal(ike_config_build(refs, 1, NULL, &cfg), -EINVAL);
}

static void lifetimes_and_rekey(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.qm[0].lifetime_seconds = 3600;
	f.qm[0].lifetime_kbytes = 50000;
	f.rule.mm_rekey_qm = 10;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "\t\t\t\trekey_time = 3240s\n"));
	assert_non_null(strstr(cfg.conns, "\t\t\t\tlife_time = 3600s\n"));
	assert_non_null(strstr(cfg.conns, "rekey_bytes = 46080000\n"));
	assert_non_null(strstr(cfg.conns, "life_bytes = 51200000\n"));
	assert_non_null(strstr(cfg.results[0].note, "after 10 quick modes"));
	ike_config_free(&cfg);

	/* -1p: IKE_SA rekeyed at the CHILD_SA lifetime, with PFS. */
	f.rule.mm_rekey_qm = 0;
	f.rule.mm_pfs = true;
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "\t\trekey_time = 3600s\n"));
	assert_non_null(strstr(cfg.conns,
			       "esp_proposals = aes128gcm16-modp2048\n"));
	ike_config_free(&cfg);
}

static void inpass_and_soft_notes(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.rule.qm.inpass = true;
	f.rule.soft = true;
	f.rule.soft_expiry_seconds = 120;
	build_one(&f, NULL, &cfg);
	assert_non_null(cfg.results[0].conn);
	assert_non_null(strstr(cfg.results[0].note, "inpass"));
	assert_non_null(strstr(cfg.results[0].note, "-1e 120 s"));
	ike_config_free(&cfg);
}

static void write_modes_and_changes(void **state)
{
	char dir[] = "/tmp/ike-config-test.XXXXXX";
	char path[256], cmd[640];
	struct rule_fixture f;
	struct ike_config cfg;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ike_dir_prepare(dir), 0);
	fixture_init(&f);
	build_one(&f, NULL, &cfg);

	assert_int_equal(ike_config_write(&cfg, NULL, dir),
			 IKE_CHANGED_CONNS | IKE_CHANGED_SECRETS);
	snprintf(path, sizeof(path), "%s/ipseccmd.secrets", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/conf.d/ipseccmd.conf", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	snprintf(cmd, sizeof(cmd), "grep -qx 'include %s/ipseccmd.secrets' '%s'",
		 dir, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ike_config_write(&cfg, NULL, dir), 0);
	ike_config_free(&cfg);

	f.qm[0].lifetime_seconds = 600;
	build_one(&f, NULL, &cfg);
	assert_int_equal(ike_config_write(&cfg, NULL, dir),
			 IKE_CHANGED_CONNS);
	ike_config_free(&cfg);

	f.auth[0].value = (char *)"another key";
	build_one(&f, NULL, &cfg);
	assert_int_equal(ike_config_write(&cfg, NULL, dir),
			 IKE_CHANGED_SECRETS);
	ike_config_free(&cfg);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void algorithm_keywords(void **state)
{
	static const struct {
		int group;
		const char *keyword;
		bool weak;
	} groups[] = {
		{ 1, "modp768", true }, { 2, "modp1024", true },
		{ 14, "modp2048", false }, { 19, "ecp256", false },
		{ 20, "ecp384", false }, { 21, "ecp521", false },
		{ 3, NULL, false },
	};
	struct rule_fixture f;
	struct ike_config cfg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		fixture_init(&f);
		f.mm[0] = (struct mm_offer){ ENC_AES128, HASH_SHA256,
					     groups[i].group };
		build_one(&f, NULL, &cfg);
		if (groups[i].keyword) {
			char expected[64];

			snprintf(expected, sizeof(expected),
				 "proposals = aes128-sha256-%s\n",
				 groups[i].keyword);
			assert_non_null(strstr(cfg.conns, expected));
			assert_int_equal(cfg.results[0].weak, groups[i].weak);
		} else {
			assert_null(cfg.results[0].conn);
			assert_non_null(strstr(cfg.results[0].note,
					       "unknown to strongSwan"));
		}
		ike_config_free(&cfg);
	}

	fixture_init(&f);
	f.mm[0] = (struct mm_offer){ ENC_DES, HASH_MD5, 14 };
	f.qm[0] = (struct qm_offer){ .has_esp = true, .esp_enc = ENC_NONE,
				     .esp_auth = HASH_SHA512 };
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "proposals = des-md5-modp2048\n"));
	assert_non_null(strstr(cfg.conns, "esp_proposals = null-sha512\n"));
	assert_true(cfg.results[0].weak);
	ike_config_free(&cfg);
}

static void names_cannot_break_lines(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	f.ref.name = "evil\n}\nconnections {";
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "rule 'evil?}?connections {'"));
	assert_null(strstr(cfg.conns, "\n}\nconnections {"));
	ike_config_free(&cfg);
}

static void any_to_any_both_families(void **state)
{
	struct rule_fixture f;
	struct ike_config cfg;

	(void)state;
	fixture_init(&f);
	memset(&f.filters[0].src, 0, sizeof(f.filters[0].src));
	memset(&f.filters[0].dst, 0, sizeof(f.filters[0].dst));
	build_one(&f, NULL, &cfg);
	assert_non_null(strstr(cfg.conns, "local_ts = 0.0.0.0/0, ::/0\n"));
	assert_non_null(strstr(cfg.conns, "remote_addrs = %any\n"));
	/* No single peer: the key has no id and matches every peer. */
	assert_null(strstr(cfg.secrets, "id = "));
	ike_config_free(&cfg);
}

static void acquire_expiry_from_soft_rules(void **state)
{
	struct rule_fixture f, g;
	struct ike_rule_ref refs[2];

	(void)state;
	fixture_init(&f);
	fixture_init(&g);
	refs[0] = f.ref;
	refs[1] = g.ref;
	assert_int_equal(ike_acquire_expiry(refs, 2), 0);
	f.rule.soft = true;
	f.rule.soft_expiry_seconds = 120;
	g.rule.soft = true;
	g.rule.soft_expiry_seconds = 45;
	assert_int_equal(ike_acquire_expiry(refs, 2), 45);
	g.rule.qm.action = ACTION_PERMIT;
	assert_int_equal(ike_acquire_expiry(refs, 2), 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk_transport_ikev2),
		cmocka_unit_test(psk_only_in_secrets_hex),
		cmocka_unit_test(ikev1_drops_gcm_offer),
		cmocka_unit_test(ikev1_gcm_only_gets_no_conn),
		cmocka_unit_test(pfs_from_main_mode_groups),
		cmocka_unit_test(ah_and_bundle),
		cmocka_unit_test(tunnel_mode_endpoint),
		cmocka_unit_test(me_and_any_selectors),
		cmocka_unit_test(certificate_ca_dn),
		cmocka_unit_test(kerberos_maps_to_fleet_ca),
		cmocka_unit_test(block_rule_needs_no_conn),
		cmocka_unit_test(reqid_zero_or_repeated),
		cmocka_unit_test(lifetimes_and_rekey),
		cmocka_unit_test(inpass_and_soft_notes),
		cmocka_unit_test(write_modes_and_changes),
		cmocka_unit_test(algorithm_keywords),
		cmocka_unit_test(names_cannot_break_lines),
		cmocka_unit_test(any_to_any_both_families),
		cmocka_unit_test(acquire_expiry_from_soft_rules),
		cmocka_unit_test(rule_version_from_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

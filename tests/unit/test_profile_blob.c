/* policy/profile_blob.c: effective profiles as bytes and back. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/profile.h"
#include "policy/profile_blob.h"

#define PROFILES_DIR TEST_DATA_DIR "/../../profiles"

static const char *const shipped[] = {"default", "strict",     "web",  "database",
                                      "build",   "audit-only", "learn"};

static void resolve(const char *name, struct policy_profile *p)
{
        struct sb_err e = {0};

        setenv("SANDBOX_PROFILE_PATH", PROFILES_DIR, 1);
        cr_assert_eq(policy_profile_resolve(name, p, NULL, &e), 0, "%s: %s", name, e.msg);
}

static char *json_of(const struct policy_profile *p)
{
        json_t *j = policy_profile_to_json(p);
        char *s = json_dumps(j, JSON_SORT_KEYS);

        json_decref(j);
        cr_assert_not_null(s);
        return s;
}

/* What comes back is the same profile: the same language text, the same
 * fields the language does not show (source, origins), the same bytes again. */
Test(profile_blob, shipped_profiles_round_trip)
{
        for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
                struct policy_profile p, back;
                char *blob, *blob2, *a, *b;
                size_t len, len2;

                resolve(shipped[i], &p);
                cr_assert_eq(policy_profile_to_blob(&p, &blob, &len), 0);
                cr_assert_eq(policy_profile_from_blob(blob, len, &back), 0, "%s", shipped[i]);
                a = json_of(&p);
                b = json_of(&back);
                cr_assert_str_eq(a, b, "%s", shipped[i]);
                cr_assert_str_eq(back.source, p.source);
                cr_assert_eq(back.n_rules, p.n_rules);
                for (size_t k = 0; k < p.n_rules; k++) {
                        cr_assert_str_eq(back.rules[k].origin, p.rules[k].origin);
                        cr_assert_eq(back.rules[k].optional, p.rules[k].optional);
                }
                cr_assert_eq(memcmp(&back.bounds, &p.bounds, sizeof(p.bounds)), 0);
                cr_assert_eq(back.learn, p.learn);
                cr_assert_eq(policy_profile_to_blob(&back, &blob2, &len2), 0);
                cr_assert_eq(len2, len);
                cr_assert_eq(memcmp(blob, blob2, len), 0, "%s: not the same bytes", shipped[i]);
                free(a);
                free(b);
                free(blob);
                free(blob2);
                policy_profile_free(&back);
                policy_profile_free(&p);
        }
}

/* Every truncation is refused, and so are trailing bytes. */
Test(profile_blob, truncated_or_longer_is_refused)
{
        struct policy_profile p, back;
        char *blob, *longer;
        size_t len;

        resolve("strict", &p);
        cr_assert_eq(policy_profile_to_blob(&p, &blob, &len), 0);
        for (size_t n = 0; n < len; n++)
                cr_assert_eq(policy_profile_from_blob(blob, n, &back), -1, "%zu of %zu bytes", n,
                             len);
        longer = malloc(len + 1);
        memcpy(longer, blob, len);
        longer[len] = 0;
        cr_assert_eq(policy_profile_from_blob(longer, len + 1, &back), -1);
        free(longer);
        free(blob);
        policy_profile_free(&p);
}

/* A changed byte gives an error or a profile, never a crash or a
 * leak (ASan runs this too); the magic number and the enumerations are
 * checked. */
Test(profile_blob, any_changed_byte_is_safe)
{
        struct policy_profile p, back;
        char *blob;
        size_t len, refused = 0;

        resolve("web", &p);
        cr_assert_eq(policy_profile_to_blob(&p, &blob, &len), 0);
        /* every byte of the header and the first rules, then a sample */
        for (size_t i = 0; i < len; i += i < 4096 ? 1 : 13) {
                for (int v = 0; v < 3; v++) {
                        static const unsigned char with[] = {0x00, 0x7f, 0xff};
                        unsigned char was = (unsigned char)blob[i];

                        if (was == with[v])
                                continue;
                        blob[i] = (char)with[v];
                        if (policy_profile_from_blob(blob, len, &back) == 0)
                                policy_profile_free(&back);
                        else
                                refused++;
                        blob[i] = (char)was;
                }
        }
        cr_assert_gt(refused, 0);
        blob[0] ^= 1;
        cr_assert_eq(policy_profile_from_blob(blob, len, &back), -1, "magic number");
        free(blob);
        policy_profile_free(&p);
}

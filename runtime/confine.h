/* A container's policy profile and its sentry, from the runtime's side:
 * which profile applies, its bounds, its compiled kernel filter and decision
 * tables, and the connection on which a container process hands the
 * listener of that filter to the sentry. */
#ifndef SANDBOX_CONFINE_H
#define SANDBOX_CONFINE_H

#include <seccomp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "policy/profile.h"
#include "policy/tables.h"
#include "runtime/commands.h"
#include "runtime/error.h"
#include "runtime/oci_config.h"
#include "runtime/seccomp_oci.h"

#define SB_PROFILE_ANNOTATION "dev.sandbox.profile"
#define SB_EVENTS_LOG_DEFAULT "/var/log/sandbox/events.jsonl"

struct runtime_confinement {
        char *profile_path; /* the file the profile came from */
        struct policy_profile eff;
        bool have_profile;
        struct runtime_bpf filter; /* loaded in the container after the OCI filter */
        struct runtime_bpf oci;    /* the config's linux.seccomp; len 0: none */
        struct policy_tables tables;
        bool have_tables;
        bool routes;     /* the filter sends calls to the sentry */
        bool refused;    /* prepare failed because the config exceeds the bounds */
        int sentry_conn; /* connected to the sentry: the process sends its listener here */
};

/* The profile for a new container, strongest first: --profile, the
 * dev.sandbox.profile annotation, "default". Pure. */
const char *runtime_profile_select(const struct sb_global *g, const struct oci_config *cfg);

/* Resolves and compiles `ref`; with check_bounds, also refuses a config
 * that exceeds the profile's bounds (every problem in diags). The three
 * steps below, in this order. */
int runtime_confinement_prepare(const char *ref, const struct oci_config *cfg, bool check_bounds,
                                struct runtime_confinement *c, struct sb_diags *diags,
                                struct sb_err *err);
/* Where the profile `ref` is (c->profile_path); c is reset first. */
int runtime_confinement_find(const char *ref, struct runtime_confinement *c, struct sb_err *err);
/* The profile found, resolved (c->eff), and the bounds check: what may
 * refuse a container. `create` does this while the init sets up. */
int runtime_confinement_resolve(const char *ref, const struct oci_config *cfg, bool check_bounds,
                                struct runtime_confinement *c, struct sb_diags *diags,
                                struct sb_err *err);
/* The resolved profile compiled: the sentry's tables (with the refusals of
 * the config's own seccomp section) and the kernel filter (c->filter,
 * c->routes). `create` does this while the init sets the container up. */
int runtime_confinement_compile(const char *ref, const struct oci_config *cfg,
                                struct runtime_confinement *c, struct sb_err *err);
void runtime_confinement_free(struct runtime_confinement *c);

/* The config's own linux.seccomp filter as a program, into c->oci (nothing
 * when the config has none). In the runtime, before the container's
 * processes exist: they only load it. */
int runtime_confinement_prepare_oci(const struct oci_config *cfg, struct runtime_confinement *c,
                                    struct sb_err *err);

/* `create` made the init before compiling its filters: they go to it over
 * the sync socket when it asks (SYNC_CONFINE), with the sentry connection
 * when the filter routes calls. receive fills only filter, oci, routes and
 * sentry_conn (free with runtime_confinement_free). */
int runtime_confinement_send(int sock, const struct runtime_confinement *c, struct sb_err *err);
int runtime_confinement_receive(int sock, struct runtime_confinement *c, struct sb_err *err);

/* In the container, after the OCI filter: loads the profile's filter and
 * hands its listener to the sentry. */
int runtime_confinement_load(const struct runtime_confinement *c, struct sb_err *err);

/* The sentry's socket in the state directory: listen (create) or connect
 * (exec). Returns the fd. */
int runtime_sentry_socket_listen(const char *root, const char *id, struct sb_err *err);
int runtime_sentry_socket_connect(const char *root, const char *id, struct sb_err *err);

/* The events log path in force (--events-log or the default), its folder made. */
const char *runtime_events_log(const struct sb_global *g);

#endif

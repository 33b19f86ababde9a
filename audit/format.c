/* Output of a report (text, JSON, SARIF 2.1.0) and of the catalogue (text,
 * JSON, Markdown). Pure: text goes to a FILE, documents are returned. */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

static const char *const colours[AUDIT_NSEVERITIES] = {"\033[2m", "\033[36m", "\033[33m",
                                                       "\033[31m", "\033[1;31m"};
#define RESET "\033[0m"

static void summary_counts(const struct audit_report *r, size_t counts[AUDIT_NSEVERITIES])
{
        memset(counts, 0, sizeof(size_t) * AUDIT_NSEVERITIES);
        for (size_t i = 0; i < r->count; i++)
                counts[r->items[i].severity]++;
}

void audit_format_text(FILE *out, const struct audit_report *r, bool colour)
{
        size_t counts[AUDIT_NSEVERITIES];

        summary_counts(r, counts);
        for (int s = AUDIT_CRITICAL; s >= AUDIT_INFO; s--) {
                const char *name = audit_severity_name((enum audit_severity)s);
                if (counts[s] == 0)
                        continue;
                fprintf(out, "%s", colour ? colours[s] : "");
                for (const char *p = name; *p != '\0'; p++)
                        fputc(*p - 'a' + 'A', out);
                fprintf(out, " (%zu)%s\n", counts[s], colour ? RESET : "");
                for (size_t i = 0; i < r->count; i++) {
                        const struct audit_finding *f = &r->items[i];
                        if ((int)f->severity != s)
                                continue;
                        fprintf(out, "  %s%s%s %s\n", colour ? colours[s] : "", f->check->id,
                                colour ? RESET : "", f->check->title);
                        fprintf(out, "      %s%s%s", f->input ? f->input : "", f->input ? ": " : "",
                                f->field);
                        if (f->value[0] != '\0')
                                fprintf(out, " = %s", f->value);
                        fprintf(out, "\n      %s\n      fix: %s\n", f->message,
                                f->check->remediation);
                }
        }
        fprintf(out, "%zu finding%s: %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
                r->count, r->count == 1 ? "" : "s", counts[AUDIT_CRITICAL], counts[AUDIT_HIGH],
                counts[AUDIT_MEDIUM], counts[AUDIT_LOW], counts[AUDIT_INFO]);
}

static json_t *summary_json(const struct audit_report *r)
{
        size_t counts[AUDIT_NSEVERITIES];
        json_t *o = json_object();

        summary_counts(r, counts);
        for (int s = AUDIT_CRITICAL; s >= AUDIT_INFO; s--)
                json_object_set_new(o, audit_severity_name((enum audit_severity)s),
                                    json_integer((json_int_t)counts[s]));
        json_object_set_new(o, "total", json_integer((json_int_t)r->count));
        return o;
}

static char *dump(json_t *doc)
{
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(doc);
        if (s == NULL)
                abort();
        return s;
}

char *audit_format_json(const struct audit_report *r)
{
        json_t *doc = json_object(), *arr = json_array();

        for (size_t i = 0; i < r->count; i++) {
                const struct audit_finding *f = &r->items[i];
                json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}",
                                                     "id", f->check->id, "severity",
                                                     audit_severity_name(f->severity), "title",
                                                     f->check->title, "field", f->field, "value",
                                                     f->value, "message", f->message, "remediation",
                                                     f->check->remediation, "input", f->input));
        }
        json_object_set_new(doc, "findings", arr);
        json_object_set_new(doc, "summary", summary_json(r));
        return dump(doc);
}

static const char *sarif_level(enum audit_severity s)
{
        return s >= AUDIT_HIGH ? "error" : s == AUDIT_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning's numeric severity (>= 9 critical, >= 7 high, >= 4 medium). */
static const char *security_severity(enum audit_severity s)
{
        static const char *const v[AUDIT_NSEVERITIES] = {"0.0", "2.0", "5.0", "8.0", "9.5"};
        return v[s];
}

static json_t *rule_json(const struct audit_check *c)
{
        json_t *tags = json_array();
        json_t *props;

        json_array_append_new(tags, json_string("security"));
        if (c->pss != AUDIT_PSS_NONE)
                json_array_append_new(tags, json_sprintf("pss-%s", c->pss == AUDIT_PSS_BASELINE
                                                                       ? "baseline"
                                                                       : "restricted"));
        if (c->cis != NULL)
                json_array_append_new(tags, json_sprintf("cis-docker-%s", c->cis));
        props =
            json_pack("{s:o, s:s, s:s}", "tags", tags, "security-severity",
                      security_severity(c->severity), "severity", audit_severity_name(c->severity));
        return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:o}", "id", c->id, "name",
                         c->id, "shortDescription", "text", c->title, "fullDescription", "text",
                         c->why, "help", "text", c->remediation, "defaultConfiguration", "level",
                         sarif_level(c->severity), "properties", props);
}

static const struct audit_input_file *find_file(const struct audit_input_file *files, size_t n,
                                                const char *name)
{
        for (size_t i = 0; name != NULL && i < n; i++)
                if (strcmp(files[i].name, name) == 0)
                        return &files[i];
        return NULL;
}

char *audit_format_sarif(const struct audit_report *r, const struct audit_input_file *files,
                         size_t n_files)
{
        json_t *rules = json_array(), *results = json_array(), *run, *doc;
        const struct audit_check **used = calloc(r->count + 1, sizeof(*used));
        size_t n_used = 0;

        if (used == NULL)
                abort();
        for (size_t i = 0; i < r->count; i++) {
                const struct audit_finding *f = &r->items[i];
                const struct audit_input_file *file = find_file(files, n_files, f->input);
                size_t idx;
                json_t *phys, *loc, *res;
                char *text = NULL;

                for (idx = 0; idx < n_used && used[idx] != f->check; idx++)
                        ;
                if (idx == n_used) {
                        used[n_used++] = f->check;
                        json_array_append_new(rules, rule_json(f->check));
                }
                phys = json_pack("{s:{s:s}}", "artifactLocation", "uri",
                                 f->input != NULL ? f->input : "config.json");
                if (file != NULL && file->text != NULL) {
                        int line = audit_json_locate(file->text, file->len, f->field);
                        if (line > 0)
                                json_object_set_new(phys, "region",
                                                    json_pack("{s:i}", "startLine", line));
                }
                loc =
                    json_pack("{s:o, s:[{s:s, s:s}]}", "physicalLocation", phys, "logicalLocations",
                              "fullyQualifiedName", f->field, "kind", "member");
                if (asprintf(&text, "%s%s%s: %s", f->field, f->value[0] ? " = " : "", f->value,
                             f->message) < 0)
                        abort();
                res = json_pack("{s:s, s:i, s:s, s:{s:s}, s:[o], s:{s:s}}", "ruleId", f->check->id,
                                "ruleIndex", (int)idx, "level", sarif_level(f->severity), "message",
                                "text", text, "locations", loc, "properties", "severity",
                                audit_severity_name(f->severity));
                free(text);
                json_array_append_new(results, res);
        }
        free(used);
        run = json_pack(
            "{s:{s:{s:s, s:s, s:s, s:s, s:o}}, s:o}", "tool", "driver", "name", "sandbox-audit",
            "version", SANDBOX_VERSION, "semanticVersion", SANDBOX_VERSION, "informationUri",
            "https://github.com/opencontainers/runtime-spec", "rules", rules, "results", results);
        doc = json_pack("{s:s, s:s, s:[o]}", "$schema",
                        "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                        run);
        return dump(doc);
}

static const char *pss_name(enum audit_pss p)
{
        return p == AUDIT_PSS_BASELINE     ? "baseline"
               : p == AUDIT_PSS_RESTRICTED ? "restricted"
                                           : "-";
}

void audit_catalogue_print_text(FILE *out, enum audit_standard std)
{
        size_t n;
        const struct audit_check *c = audit_catalogue(&n);

        for (size_t i = 0; i < n; i++) {
                if (!audit_check_in_standard(&c[i], std))
                        continue;
                fprintf(out, "%-15s %-8s %s\n", c[i].id, audit_severity_name(c[i].severity),
                        c[i].title);
                fprintf(out, "    why: %s\n    fix: %s\n", c[i].why, c[i].remediation);
                fprintf(out, "    PSS: %s%s%s%s  CIS Docker: %s\n", pss_name(c[i].pss),
                        c[i].pss_control ? " (" : "", c[i].pss_control ? c[i].pss_control : "",
                        c[i].pss_control ? ")" : "", c[i].cis ? c[i].cis : "-");
        }
}

char *audit_catalogue_json(enum audit_standard std)
{
        size_t n;
        const struct audit_check *c = audit_catalogue(&n);
        json_t *arr = json_array();

        for (size_t i = 0; i < n; i++) {
                if (!audit_check_in_standard(&c[i], std))
                        continue;
                json_array_append_new(
                    arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id",
                                   c[i].id, "severity", audit_severity_name(c[i].severity), "title",
                                   c[i].title, "why", c[i].why, "remediation", c[i].remediation,
                                   "pss", c[i].pss == AUDIT_PSS_NONE ? NULL : pss_name(c[i].pss),
                                   "pss_control", c[i].pss_control, "cis_docker", c[i].cis,
                                   "docker_inspect_field", c[i].docker_field));
        }
        return dump(json_pack("{s:o}", "checks", arr));
}

void audit_catalogue_print_markdown(FILE *out, enum audit_standard std)
{
        size_t n;
        const struct audit_check *c = audit_catalogue(&n);

        fprintf(out, "# `sandbox audit` checks\n\n"
                     "Generated by `sandbox audit --list-checks --format markdown` from "
                     "`audit/catalogue.c`; do not edit by hand.\n\n"
                     "Severities: critical, high, medium, low, info. `--fail-on SEVERITY` "
                     "(default high) makes the exit status 1 when a finding is at or above it. "
                     "PSS is the Kubernetes Pod Security Standards level and control; CIS is the "
                     "CIS Docker Benchmark item.\n\n"
                     "| ID | Severity | Title | PSS | CIS |\n| --- | --- | --- | --- | --- |\n");
        for (size_t i = 0; i < n; i++) {
                char anchor[32];
                size_t k;
                if (!audit_check_in_standard(&c[i], std))
                        continue;
                /* GitHub's heading anchors are lower case. */
                for (k = 0; c[i].id[k] != '\0' && k + 1 < sizeof(anchor); k++)
                        anchor[k] = (char)tolower((unsigned char)c[i].id[k]);
                anchor[k] = '\0';
                fprintf(out, "| [%s](#%s) | %s | %s | %s%s%s%s | %s |\n", c[i].id, anchor,
                        audit_severity_name(c[i].severity), c[i].title, pss_name(c[i].pss),
                        c[i].pss_control ? " (" : "", c[i].pss_control ? c[i].pss_control : "",
                        c[i].pss_control ? ")" : "", c[i].cis ? c[i].cis : "-");
        }
        for (size_t i = 0; i < n; i++) {
                if (!audit_check_in_standard(&c[i], std))
                        continue;
                fprintf(out, "\n## %s\n\n**%s** (%s)\n\n%s\n\n**Fix:** %s\n", c[i].id, c[i].title,
                        audit_severity_name(c[i].severity), c[i].why, c[i].remediation);
                if (c[i].docker_field != NULL)
                        fprintf(out, "\n`docker inspect` field: `%s`\n", c[i].docker_field);
        }
}

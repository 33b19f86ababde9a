/* libFuzzer harness: the auditor on any bytes, as config.json and as docker
 * inspect output (the first byte chooses), plus every output format and the
 * JSON path locator. Must never crash, overread or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "audit/audit.h"

static void outputs(struct audit_report *r, const char *text, size_t len)
{
        struct audit_input_file f = {"config.json", text, len};
        char *s;
        FILE *null = fopen("/dev/null", "w");

        audit_report_sort(r);
        s = audit_format_json(r);
        free(s);
        s = audit_format_sarif(r, &f, 1);
        free(s);
        if (null != NULL) {
                audit_format_text(null, r, true);
                fclose(null);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct audit_report r = {0};
        struct sb_err err;
        const char *text;

        if (size < 1)
                return 0;
        text = (const char *)data + 1;
        size--;
        if (data[0] & 1) {
                struct audit_docker_inspect d;
                if (audit_docker_inspect_parse("inspect.json", text, size, &d, &err) == 0) {
                        for (size_t i = 0; i < d.count; i++)
                                audit_docker_container(&d, i, d.items[i].name, &r);
                        audit_docker_inspect_free(&d);
                }
        } else {
                struct oci_config cfg;
                if (oci_config_parse("config.json", text, size, &cfg, NULL, &err) == 0) {
                        audit_config(&cfg, "config.json", &r);
                        oci_config_free(&cfg);
                }
        }
        outputs(&r, text, size);
        audit_json_locate(text, size, ".linux.namespaces[1].path");
        audit_report_free(&r);
        return 0;
}

/* The OCI features document (runtime-spec features.md, features-schema.json)
 * that `sandbox features` prints: what this build of the runtime accepts in
 * config.json. Pure apart from asking libcap and libseccomp what they know. */
#ifndef SANDBOX_FEATURES_H
#define SANDBOX_FEATURES_H

#include <jansson.h>

#define RUNTIME_OCI_VERSION_MIN "1.0.0"
#define RUNTIME_OCI_VERSION_MAX "1.3.0"

/* A new reference to the features document, or NULL if out of memory. */
json_t *runtime_features(void);

#endif

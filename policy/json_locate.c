/* Positions of JSON values for error messages. jansson reports line and
 * column for syntax errors only; semantic errors ("unknown syscall") are
 * found on the parsed tree and placed here by rescanning the text along the
 * value's path. The text has already been parsed by jansson, so the scanner
 * only needs to skip values, not to validate them; it still never reads past
 * `len` whatever the input. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile.h"

#define LOCATE_MAX_DEPTH 256

struct scan {
        const char *p;
        const char *end;
};

static void skip_ws(struct scan *s)
{
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
                s->p++;
}

/* At '"': moves past the closing quote; [*k, *klen) is the raw contents. */
static bool skip_string(struct scan *s, const char **k, size_t *klen)
{
        const char *start;

        if (s->p >= s->end || *s->p != '"')
                return false;
        start = ++s->p;
        while (s->p < s->end && *s->p != '"') {
                if (*s->p == '\\' && s->p + 1 < s->end)
                        s->p++;
                s->p++;
        }
        if (s->p >= s->end)
                return false;
        if (k != NULL) {
                *k = start;
                *klen = (size_t)(s->p - start);
        }
        s->p++;
        return true;
}

static bool skip_value(struct scan *s, int depth)
{
        skip_ws(s);
        if (s->p >= s->end || depth > LOCATE_MAX_DEPTH)
                return false;
        if (*s->p == '"')
                return skip_string(s, NULL, NULL);
        if (*s->p == '{' || *s->p == '[') {
                char close = *s->p == '{' ? '}' : ']';

                s->p++;
                for (;;) {
                        skip_ws(s);
                        if (s->p >= s->end)
                                return false;
                        if (*s->p == close) {
                                s->p++;
                                return true;
                        }
                        if (close == '}') {
                                if (!skip_string(s, NULL, NULL))
                                        return false;
                                skip_ws(s);
                                if (s->p >= s->end || *s->p != ':')
                                        return false;
                                s->p++;
                        }
                        if (!skip_value(s, depth + 1))
                                return false;
                        skip_ws(s);
                        if (s->p < s->end && *s->p == ',')
                                s->p++;
                        else if (s->p < s->end && *s->p != close)
                                return false;
                }
        }
        /* number, true, false, null: at least one character (no progress
         * on malformed text would loop forever) */
        const char *start = s->p;

        while (s->p < s->end && *s->p != '\0' && !strchr(",]}: \t\r\n", *s->p))
                s->p++;
        return s->p > start;
}

/* Moves to the value of member `key` of the object at s->p. */
static bool enter_member(struct scan *s, const char *key, size_t keylen)
{
        skip_ws(s);
        if (s->p >= s->end || *s->p != '{')
                return false;
        s->p++;
        for (;;) {
                const char *k;
                size_t klen;

                skip_ws(s);
                if (s->p >= s->end || *s->p == '}')
                        return false;
                if (!skip_string(s, &k, &klen))
                        return false;
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                        return false;
                s->p++;
                skip_ws(s);
                if (klen == keylen && memcmp(k, key, klen) == 0)
                        return true;
                if (!skip_value(s, 0))
                        return false;
                skip_ws(s);
                if (s->p < s->end && *s->p == ',')
                        s->p++;
        }
}

static bool enter_index(struct scan *s, unsigned long idx)
{
        skip_ws(s);
        if (s->p >= s->end || *s->p != '[')
                return false;
        s->p++;
        for (unsigned long i = 0;; i++) {
                skip_ws(s);
                if (s->p >= s->end || *s->p == ']')
                        return false;
                if (i == idx)
                        return true;
                if (!skip_value(s, 0))
                        return false;
                skip_ws(s);
                if (s->p < s->end && *s->p == ',')
                        s->p++;
        }
}

static void position(const char *text, const char *at, int *line, int *col)
{
        *line = 1;
        *col = 1;
        for (const char *c = text; c < at; c++) {
                if (*c == '\n') {
                        (*line)++;
                        *col = 1;
                } else {
                        (*col)++;
                }
        }
}

int policy_json_locate(const char *text, size_t len, const char *path, int *line, int *col)
{
        struct scan s = {text, text + len};
        const char *found;
        const char *c = path;

        skip_ws(&s);
        found = s.p;
        while (*c != '\0') {
                bool ok;

                if (*c == '.') {
                        const char *k = ++c;

                        while (*c != '\0' && *c != '.' && *c != '[')
                                c++;
                        ok = enter_member(&s, k, (size_t)(c - k));
                } else if (*c == '[') {
                        char *e;
                        unsigned long idx = strtoul(c + 1, &e, 10);

                        if (*e != ']')
                                break;
                        c = e + 1;
                        ok = enter_index(&s, idx);
                } else {
                        break;
                }
                if (!ok) {
                        position(text, found, line, col);
                        return 1;
                }
                skip_ws(&s);
                found = s.p;
        }
        position(text, found, line, col);
        return *c == '\0' ? 0 : 1;
}

/* Finds the line of a JSON path in JSON text, for SARIF regions. A small
 * scanner rather than jansson because jansson does not keep positions. It
 * never trusts the text: any syntax it does not expect ends the scan with the
 * best line found so far. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

#define MAX_PARTS 32
#define MAX_DEPTH 256

struct part {
        bool is_index;
        size_t index;
        char key[256];
};

struct scan {
        const char *s;
        size_t len, pos;
        int line;
        const struct part *parts;
        size_t nparts;
        int best_line;
        size_t best_depth;
        bool bad;
};

/* ".a.b[2][\"x.y\"]" -> parts; -1 when the path is malformed. */
static int split_path(const char *p, struct part *parts, size_t *n)
{
        *n = 0;
        while (*p != '\0') {
                struct part *pt;
                if (*n == MAX_PARTS)
                        return -1;
                pt = &parts[*n];
                memset(pt, 0, sizeof(*pt));
                if (*p == '.') {
                        size_t k = 0;
                        p++;
                        while (*p != '\0' && *p != '.' && *p != '[') {
                                if (k + 1 >= sizeof(pt->key))
                                        return -1;
                                pt->key[k++] = *p++;
                        }
                        if (k == 0)
                                return -1;
                } else if (p[0] == '[' && p[1] == '"') {
                        size_t k = 0;
                        p += 2;
                        while (*p != '\0' && !(p[0] == '"' && p[1] == ']')) {
                                if (k + 1 >= sizeof(pt->key))
                                        return -1;
                                pt->key[k++] = *p++;
                        }
                        if (*p == '\0')
                                return -1;
                        p += 2;
                } else if (*p == '[') {
                        char *end;
                        pt->is_index = true;
                        pt->index = strtoul(p + 1, &end, 10);
                        if (end == p + 1 || *end != ']')
                                return -1;
                        p = end + 1;
                } else
                        return -1;
                (*n)++;
        }
        return 0;
}

static void skip_ws(struct scan *sc)
{
        while (sc->pos < sc->len) {
                char c = sc->s[sc->pos];
                if (c == '\n')
                        sc->line++;
                else if (c != ' ' && c != '\t' && c != '\r')
                        return;
                sc->pos++;
        }
}

/* Reads a string at pos (which is '"'); copies at most len-1 bytes of its raw
 * contents into buf (escapes kept: keys in our paths have none). */
static void read_string(struct scan *sc, char *buf, size_t len)
{
        size_t k = 0;

        sc->pos++;
        while (sc->pos < sc->len && sc->s[sc->pos] != '"') {
                char c = sc->s[sc->pos];
                if (c == '\\' && sc->pos + 1 < sc->len) {
                        if (buf != NULL && k + 2 < len) {
                                buf[k++] = c;
                                buf[k++] = sc->s[sc->pos + 1];
                        }
                        sc->pos += 2;
                        continue;
                }
                if (c == '\n')
                        sc->line++;
                if (buf != NULL && k + 1 < len)
                        buf[k++] = c;
                sc->pos++;
        }
        if (sc->pos >= sc->len)
                sc->bad = true;
        else
                sc->pos++;
        if (buf != NULL && len > 0)
                buf[k] = '\0';
}

static void found(struct scan *sc, size_t depth, int line)
{
        if (depth > sc->best_depth) {
                sc->best_depth = depth;
                sc->best_line = line;
        }
}

/* Scans one value; `depth` parts of the path matched so far when `matching`. */
static void scan_value(struct scan *sc, size_t depth, bool matching, int level)
{
        skip_ws(sc);
        if (sc->bad || sc->pos >= sc->len || level > MAX_DEPTH) {
                sc->bad = true;
                return;
        }
        char c = sc->s[sc->pos];
        if (c == '{') {
                sc->pos++;
                for (;;) {
                        char key[256];
                        int line;
                        skip_ws(sc);
                        if (sc->pos >= sc->len) {
                                sc->bad = true;
                                return;
                        }
                        if (sc->s[sc->pos] == '}') {
                                sc->pos++;
                                return;
                        }
                        if (sc->s[sc->pos] == ',') {
                                sc->pos++;
                                continue;
                        }
                        if (sc->s[sc->pos] != '"') {
                                sc->bad = true;
                                return;
                        }
                        line = sc->line;
                        read_string(sc, key, sizeof(key));
                        skip_ws(sc);
                        if (sc->bad || sc->pos >= sc->len || sc->s[sc->pos] != ':') {
                                sc->bad = true;
                                return;
                        }
                        sc->pos++;
                        bool m = matching && depth < sc->nparts && !sc->parts[depth].is_index &&
                                 strcmp(sc->parts[depth].key, key) == 0;
                        if (m)
                                found(sc, depth + 1, line);
                        scan_value(sc, depth + 1, m, level + 1);
                        if (sc->bad)
                                return;
                }
        } else if (c == '[') {
                size_t idx = 0;
                sc->pos++;
                for (;;) {
                        skip_ws(sc);
                        if (sc->pos >= sc->len) {
                                sc->bad = true;
                                return;
                        }
                        if (sc->s[sc->pos] == ']') {
                                sc->pos++;
                                return;
                        }
                        if (sc->s[sc->pos] == ',') {
                                sc->pos++;
                                idx++;
                                continue;
                        }
                        bool m = matching && depth < sc->nparts && sc->parts[depth].is_index &&
                                 sc->parts[depth].index == idx;
                        if (m)
                                found(sc, depth + 1, sc->line);
                        scan_value(sc, depth + 1, m, level + 1);
                        if (sc->bad)
                                return;
                }
        } else if (c == '"') {
                read_string(sc, NULL, 0);
        } else {
                /* number, true, false, null */
                size_t start = sc->pos;
                while (sc->pos < sc->len && strchr(",]} \t\r\n", sc->s[sc->pos]) == NULL)
                        sc->pos++;
                if (sc->pos == start)
                        sc->bad = true;
        }
}

int audit_json_locate(const char *buf, size_t len, const char *path)
{
        struct part parts[MAX_PARTS];
        struct scan sc = {.s = buf, .len = len, .line = 1};

        if (buf == NULL || path == NULL || split_path(path, parts, &sc.nparts) < 0)
                return 0;
        sc.parts = parts;
        scan_value(&sc, 0, true, 0);
        return sc.best_line;
}

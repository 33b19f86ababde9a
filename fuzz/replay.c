/* Runs a libFuzzer harness on files (no libFuzzer): `make check` replays each
 * seed corpus under valgrind's memcheck with it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "rb");
                uint8_t *buf = NULL;
                size_t len = 0, cap = 0, r;

                if (f == NULL) {
                        perror(argv[i]);
                        return 1;
                }
                do {
                        if (len == cap) {
                                uint8_t *t = realloc(buf, cap = cap * 2 + 4096);
                                if (t == NULL)
                                        return 1;
                                buf = t;
                        }
                        r = fread(buf + len, 1, cap - len, f);
                        len += r;
                } while (r > 0);
                fclose(f);
                LLVMFuzzerTestOneInput(buf, len);
                free(buf);
        }
        return 0;
}

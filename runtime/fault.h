/* Fault injection, for the tests that prove a failure at any step leaves
 * nothing behind (tests/integration/test_faults.sh).
 *
 *   SANDBOX_FAULT=N          the Nth fault point this process reaches fails
 *                            with "injected fault at POINT (N)"
 *   SANDBOX_FAULT_MODE=kill  the process kills itself (SIGKILL) there instead
 *
 * Inert unless SANDBOX_FAULT is set. Fault points sit after every step of
 * create, start, exec and delete that makes or changes something. */
#ifndef SANDBOX_RUNTIME_FAULT_H
#define SANDBOX_RUNTIME_FAULT_H

#include "runtime/error.h"

/* 0, or -1 with err set when this is the injected point. */
int sb_fault(const char *point, struct sb_err *err);

#endif

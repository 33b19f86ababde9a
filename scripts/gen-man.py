#!/usr/bin/python3
"""Writes the sandbox(8) man page from the help text the binary prints.

    scripts/gen-man.py build/sandbox > docs/sandbox.8

Every command's section is its `sandbox COMMAND --help`, so the page says
exactly what the binary says; tests/integration/test_cli.sh checks that
docs/sandbox.8 is current.
"""
import re
import subprocess
import sys


def helptext(binary, *args):
    out = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, check=True)
    return out.stdout


def roff(text):
    """Escapes text for a no-fill block: backslashes, and lines that would be requests."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/sandbox"
    top = helptext(binary)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True,
                             check=True).stdout.split("\n")[0].split()[-1]
    summary = top.split("\n")[0].split(": ", 1)[1]
    commands = re.findall(r"^  (\S+) +(.+)$", top.split("Commands:", 1)[1].split("\n\n")[0],
                          re.M)
    globals_ = top.split("Global options:", 1)[1].split("\n\nRun ", 1)[0]

    out = []
    out.append('.TH SANDBOX 8 "" "sandbox %s" "System Administration"' % version)
    out.append(".SH NAME")
    out.append("sandbox \\- " + summary)
    out.append(".SH SYNOPSIS")
    out.append(".B sandbox")
    out.append("[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIcommand options\\fR] [\\fIarguments\\fR]")
    out.append(".SH DESCRIPTION")
    out.append("An OCI runtime-spec 1.3 container runtime with runc's command line, so that "
               "Docker, containerd and podman can use it in place of runc. Every container "
               "gets a policy profile, compiled into a seccomp filter, and a small supervisor, "
               "the sentry, that decides on the system calls the profile routes to it and "
               "records each breakout attempt as a JSON event.")
    out.append(".SH GLOBAL OPTIONS")
    out.append(".nf")
    out.append(roff(globals_.strip("\n")))
    out.append(".fi")
    out.append(".SH COMMANDS")
    for name, _ in commands:
        out.append(".SS " + name)
        out.append(".nf")
        out.append(roff(helptext(binary, name)))
        out.append(".fi")
    out.append(".SH FILES")
    for path, what in [
        ("/run/sandbox", "container state (--root)"),
        ("/var/log/sandbox/events.jsonl", "security events (--events-log)"),
        ("/etc/sandbox/profiles", "the administrator's policy profiles"),
        ("/usr/local/share/sandbox/profiles", "the shipped policy profiles"),
        ("/var/cache/sandbox/seccomp", "compiled seccomp programs and resolved profiles ($SANDBOX_SECCOMP_CACHE)"),
    ]:
        out.append(".TP")
        out.append(".I " + path)
        out.append(what)
    out.append(".SH ENVIRONMENT")
    out.append(".TP")
    out.append(".B SANDBOX_PROFILE_PATH")
    out.append("colon-separated folders searched first for profiles named by --profile")
    out.append(".TP")
    out.append(".B SANDBOX_SECCOMP_CACHE")
    out.append("folder of the compiled seccomp programs and resolved profiles, or \\fBoff\\fR")
    out.append(".SH SEE ALSO")
    out.append(".BR runc (8),")
    out.append(".BR crun (1)")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

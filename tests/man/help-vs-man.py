#!/usr/bin/python3
"""help-vs-man.py PROGRAM MANPAGE - every option PROGRAM --help lists appears
in its man page, and every option the man page documents (.Fl) appears in
--help. Prints the differences; exits 1 when there are any."""
import re
import subprocess
import sys

prog, page = sys.argv[1], sys.argv[2]
out = subprocess.run([prog, "--help"], capture_output=True, text=True, timeout=10)
if out.returncode != 0:
    print("FAIL - %s --help exited %d" % (prog, out.returncode))
    sys.exit(1)
text = out.stdout + out.stderr
# Options as written in --help: -b, --brokers, --allow-origin (not inside words).
help_opts = set(re.findall(r"(?<![\w/.-])(--?[A-Za-z][A-Za-z0-9-]*)", text))

man_opts = set()
for line in open(page):
    if not line.startswith((".Fl", ".It Fl", ".Op Fl", ".Nm")) and " Fl " not in line:
        continue
    # .Fl b ; .Fl \-brokers ; .Fl -brokers ; ".It Fl X Ar prop=val"
    for m in re.finditer(r"\bFl\s+(\\?-?-?)([A-Za-z][A-Za-z0-9-]*)", line):
        dashes = m.group(1).replace("\\", "")
        man_opts.add("-" + dashes + m.group(2) if dashes else "-" + m.group(2))

fail = 0
for o in sorted(help_opts - man_opts):
    print("FAIL - %s is in --help but not in %s" % (o, page))
    fail = 1
for o in sorted(man_opts - help_opts):
    print("FAIL - %s is in %s but not in --help" % (o, page))
    fail = 1
if not fail:
    print("ok - %d options agree between --help and %s" % (len(help_opts), page))
sys.exit(fail)

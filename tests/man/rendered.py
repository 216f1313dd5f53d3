#!/usr/bin/python3
"""rendered.py PAGE... - renders each man page with mandoc and with groff, as
man(1) would for a reader, and fails on what that reader would see wrong:

  - mandoc -T lint warnings, and groff warnings (-ww: a line it cannot
    break, ...);
  - a line wider than an 80-column terminal (an unbreakable tag, a wide
    literal display);
  - a quote opened and not closed, or closed and not opened, in a paragraph
    (an mdoc enclosure macro that swallowed the rest of its line);
  - a run of closing quotes (enclosures nested instead of listed:
    "('90s, '10m, '1w''''')");
  - a space before closing punctuation outside quotes ("kchat-bridge(1) ),");
  - a quote and a bracket that cross ("[not sent: reason"]": a trailing
    delimiter moved out of the quotes);
  - a JSON example of the source whose double quotes did not survive (a macro
    argument in "..." loses its quotes).

Prints one line per problem with the renderer and the rendered text; exits 1
when there is any."""
import re
import shutil
import subprocess
import sys

WIDTH = 80
OPEN_QUOTE = {"\u2018": "\u2019", "\u201c": "\u201d"}
CLOSE_QUOTE = {v: k for k, v in OPEN_QUOTE.items()}
OPEN_BRACKET = {"(": ")", "[": "]", "{": "}"}
CLOSE_BRACKET = {v: k for k, v in OPEN_BRACKET.items()}


def render(cmd):
    out = subprocess.run(cmd, capture_output=True, timeout=60)
    text = out.stdout.decode("utf-8", "replace")
    # Bold and underline as overstrikes or SGR sequences: keep the letters.
    text = re.sub(r".\x08", "", text)
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return out.returncode, text, out.stderr.decode("utf-8", "replace")


def paragraphs(text):
    """Blank-line separated blocks, each with the number of its first line."""
    block, start = [], 0
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                start = n
            block.append(line)
        elif block:
            yield start, "\n".join(block)
            block = []
    if block:
        yield start, "\n".join(block)


def quote_problems(text):
    """Unbalanced quotes, runs of closing quotes, quotes crossing brackets."""
    problems = []
    for start, para in paragraphs(text):
        shown = " ".join(para.split())
        if re.search("[\u2019\u201d]{2,}", para):
            problems.append("line %d: a run of closing quotes: %s" % (start, shown))
            continue
        stack = []  # (character, position)
        bad = None
        for i, c in enumerate(para):
            if c in OPEN_QUOTE:
                stack.append(c)
            elif c in CLOSE_QUOTE:
                if CLOSE_QUOTE[c] not in stack:
                    bad = "%s without %s" % (c, CLOSE_QUOTE[c])
                    break
                if stack[-1] != CLOSE_QUOTE[c]:
                    bad = "%s closes inside %s" % (c, stack[-1])
                    break
                stack.pop()
            elif c in OPEN_BRACKET:
                stack.append(c)
            elif c in CLOSE_BRACKET:
                # A lone closing bracket ("1)", "[0, 10)") is the author's;
                # one whose opener sits below an open quote crosses it.
                if CLOSE_BRACKET[c] not in stack:
                    continue
                while stack and stack[-1] in OPEN_BRACKET and stack[-1] != CLOSE_BRACKET[c]:
                    stack.pop()
                if stack and stack[-1] in OPEN_QUOTE:
                    bad = "%s closes inside %s" % (c, stack[-1])
                    break
                stack.pop()
        if bad is None:
            left = [c for c in stack if c in OPEN_QUOTE]
            if left:
                bad = "%s without %s" % (left[0], OPEN_QUOTE[left[0]])
        if bad:
            problems.append("line %d: %s: %s" % (start, bad, shown))
    return problems


ESCAPES = [("\\(dq", '"'), ("\\(aq", "'"), ("\\e", "\\"), ("\\&", ""),
           ("\\-", "-"), ("\\ ", " "), ("\\(em", "\u2014")]


def json_examples(source):
    """Every JSON object written in the source ({"... or {\\(dq...), as the
    author meant it to read: escapes decoded, quotes kept."""
    text = source
    found = []
    for m in re.finditer(r'\{(?="|\\\(dq)', text):
        depth, i = 0, m.start()
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        if depth:
            continue
        raw = text[m.start():i + 1]
        # Lines in between: drop the request (macro) names a line may start
        # with; what a macro line means is compared, not its markup.
        raw = re.sub(r"\n\.(?:[A-Z][a-z]{1,2}\s+)*", "\n", raw)
        for esc, plain in ESCAPES:
            raw = raw.replace(esc, plain)
        if raw not in found:
            found.append(raw)
    return found


def unwrap(text):
    """The running text: words broken by groff's hyphenation (U+2010) joined
    back, a break after a real hyphen joined without a space, other white
    space as single spaces."""
    text = re.sub("\u2010\n\\s*", "", text)
    text = re.sub("-\n\\s*", "-", text)
    return " ".join(text.split())


def squeeze(text):
    """What is printed, without any layout."""
    return re.sub(r"\s+", "", unwrap(text))


QUOTING = {"Ql": ("\u2018", "\u2019"), "Sq": ("\u2018", "\u2019"),
           "Dq": ("\u201c", "\u201d")}
DELIMITERS = set(". , : ; ) ] ? ! ( [ |".split())


def quoted_literals(source):
    """What each one-line quoting macro (.Ql, .Sq, .Dq with plain words)
    must show: its words, spaced as written, between its quotes, with only
    the delimiters that end the line outside. A delimiter in the middle
    (".Ql A-Z _ . -") is glued to its neighbour by mdoc, which a reader of
    a character list must not see."""
    found = []
    for line in source.split("\n"):
        m = re.match(r"\.(Ql|Sq|Dq) (.*)$", line)
        # JSON is compared whole by json_examples().
        if not m or re.search(r'\{("|\\\(dq)', line):
            continue
        words = re.findall(r'"[^"]*"|\S+', m.group(2))
        while words and words[-1] in DELIMITERS:
            words.pop()
        # Only plain words: a macro inside (Ar, Ns, ...) has its own rules.
        if not words or any(re.fullmatch(r"[A-Z][a-z]{1,2}", w) for w in words):
            continue
        text = " ".join(w[1:-1] if w.startswith('"') else w for w in words)
        for esc, plain in ESCAPES:
            text = text.replace(esc, plain)
        if "\\" in text:
            continue
        q = QUOTING[m.group(1)]
        found.append((line, q[0] + text + q[1]))
    return found


def check(page):
    problems = []
    source = open(page, encoding="utf-8").read()
    lint = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", page],
                          capture_output=True, text=True, timeout=60)
    for line in (lint.stdout + lint.stderr).splitlines():
        problems.append("mandoc -T lint: " + line)
    renderers = {
        "mandoc": ["mandoc", "-T", "utf8", page],
        "groff": ["groff", "-mandoc", "-T", "utf8", "-ww", page],
    }
    for name, cmd in renderers.items():
        rc, text, err = render(cmd)
        if rc != 0:
            problems.append("%s exited %d: %s" % (name, rc, err.strip()))
        for line in err.splitlines():
            if line.strip():
                problems.append("%s: %s" % (name, line))
        for n, line in enumerate(text.split("\n"), 1):
            if len(line.expandtabs()) > WIDTH:
                problems.append("%s: line %d is %d columns, wider than an %d-column terminal: %s"
                                % (name, n, len(line.expandtabs()), WIDTH, line.strip()))
        for p in quote_problems(text):
            problems.append("%s: %s" % (name, p))
        running = unwrap(text)
        for line, want in quoted_literals(source):
            if want not in running:
                problems.append("%s: %s does not render as %s" % (name, line, want))
        # Outside quotes, a space before closing punctuation is a
        # delimiter mdoc did not see: ".Xr kchat-bridge 1 ), so" shows
        # "kchat-bridge(1) ), so".
        for start, para in paragraphs(text):
            prose = re.sub("\u2018[^\u2019]*\u2019|\u201c[^\u201d]*\u201d", "Q",
                           " ".join(para.split()))
            m = re.search(r"\S (?:[),;:]|\.(?!\.))(?=[\s),;:.]|$)", prose)
            if m:
                problems.append("%s: line %d: a space before %r: ...%s..." % (
                    name, start, m.group(0)[-1], prose[max(0, m.start() - 30):m.end() + 10]))
        flat = squeeze(text)
        for example in json_examples(source):
            if squeeze(example) not in flat:
                problems.append("%s: JSON example not rendered as written: %s"
                                % (name, " ".join(example.split())))
    return problems


def main():
    missing = [(tool, pkg) for tool, pkg in (("mandoc", "mandoc"), ("groff", "groff-base"))
               if shutil.which(tool) is None]
    for tool, pkg in missing:
        print("FAIL - %s is missing: apt-get install %s (or make deps-test)" % (tool, pkg))
    if missing:
        sys.exit(1)
    fail = 0
    for page in sys.argv[1:]:
        problems = check(page)
        for p in problems:
            print("FAIL - %s: %s" % (page, p))
        if problems:
            fail = 1
        else:
            print("ok - %s renders cleanly in mandoc and groff (%d JSON examples intact)"
                  % (page, len(json_examples(open(page, encoding="utf-8").read()))))
    sys.exit(fail)


if __name__ == "__main__":
    main()

#!/bin/sh
# no-cycles.sh OBJECT... - fails when files of kchat-bridge call each other,
# directly or round a longer loop (bridge.h's rule: calls go one way). Each
# object's undefined symbols are matched to the object that defines them,
# and tsort(1) reports any loop in the resulting "caller callee" pairs.
set -eu
export LC_ALL=C
# CMake hands $<TARGET_OBJECTS:...> over as one ;-separated argument.
# shellcheck disable=SC2046
set -- $(printf '%s\n' "$@" | tr ';' ' ')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "path/to/FILE.c.o: [address] TYPE symbol" -> "symbol FILE"
nm -A -g --defined-only "$@" | sed 's|^.*/||; s|\.c\.o:| |' |
    awk 'NF == 4 { print $4, $1 }' | sort > "$tmp/defs"
nm -A -u "$@" | sed 's|^.*/||; s|\.c\.o:| |' |
    awk '{ print $NF, $1 }' | sort > "$tmp/uses"
join "$tmp/defs" "$tmp/uses" | awk '$2 != $3 { print $3, $2 }' | sort -u > "$tmp/calls"
[ -s "$tmp/calls" ] || { echo "no-cycles: no calls found between $# objects" >&2; exit 1; }
if tsort "$tmp/calls" > /dev/null 2> "$tmp/loops" && ! [ -s "$tmp/loops" ]; then
	echo "no-cycles: $(wc -l < "$tmp/calls") calls between $# files, no loop"
	exit 0
fi
echo "no-cycles: files of kchat-bridge call each other (caller callee):" >&2
cat "$tmp/loops" >&2
exit 1

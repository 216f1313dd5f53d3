/*
 * report.c - what a run prints: a title and rows for people (not with
 * --json), notes on stderr, and exactly one JSON object per scenario on a
 * line of its own on stdout, for scripts.
 */
#include <stdarg.h>
#include <stdio.h>

#include "bench.h"

/* One line on stdout after indent. */
static void
report_line(const char *indent, const char *fmt, va_list ap)
{
	fputs(indent, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void
report_title(const char *fmt, ...)
{
	va_list ap;

	if (opts.json_only)
		return;
	va_start(ap, fmt);
	report_line("", fmt, ap);
	va_end(ap);
}

void
report_row(const char *fmt, ...)
{
	va_list ap;

	if (opts.json_only)
		return;
	va_start(ap, fmt);
	report_line("  ", fmt, ap);
	va_end(ap);
}

void
report_json(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_line("", fmt, ap);
	va_end(ap);
}

void
report_note(const char *fmt, ...)
{
	va_list ap;

	fputs("kchat-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

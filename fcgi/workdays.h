/* workdays: calendar arithmetic for deadlines (SPEC R24): working days skip weekends and holidays, with make-up workdays (调休). Pure. */
#ifndef XJ_WORKDAYS_H
#define XJ_WORKDAYS_H
#include <stddef.h>

/* A day is a count of days since 1970-01-01 (negative before). */
typedef long wd_day;

/* An exception to the Monday-Friday rule: a holiday on a weekday, or a working Saturday/Sunday. */
struct wd_exception {
	wd_day day;
	int working; /* 1: a working day (调休 make-up day), 0: a holiday */
};

/* Day number of y-m-d (proleptic Gregorian; the date must be valid). */
wd_day wd_from_ymd(int y, int m, int d);
/* Inverse of wd_from_ymd. */
void wd_to_ymd(wd_day day, int *y, int *m, int *d);
/* The calendar day of Unix time t at a fixed offset from UTC (minutes; China Standard Time is +480). */
wd_day wd_from_unix(long long t, long offset_minutes);
/* 0 Monday .. 6 Sunday. */
int wd_weekday(wd_day day);
/* Parse "YYYY-MM-DD" (exactly, a real date, years 1900-2999) into *day. 0 on success, -1 otherwise. */
int wd_parse(const char *s, wd_day *day);
/* Write "YYYY-MM-DD" into out (11 bytes). */
void wd_format(wd_day day, char out[11]);

/* 1 if day is a working day: Monday-Friday unless listed as a holiday, Saturday/Sunday only if listed
 * as working. exc is sorted by day ascending, without duplicates (n may be 0, exc NULL). */
int wd_is_working(wd_day day, const struct wd_exception *exc, size_t n);
/* The day on which a step started on `start` falls due: the n-th working day after start (start itself
 * not counted; n >= 1). n == 0 returns start. */
wd_day wd_add_working(wd_day start, int n, const struct wd_exception *exc, size_t nexc);

/* Issue 11 item 9 (R24): a step due on `due` is escalated on `today` once n whole working days have passed after its
 * due date without it being done (n working days lie strictly between due and today): exactly when due is before
 * the day this returns (the n-th working day before today). n >= 1. */
wd_day wd_escalation_cutoff(wd_day today, int n, const struct wd_exception *exc, size_t nexc);

#endif

/* workdays: days since the epoch, weekdays, and adding working days across weekends, holidays and make-up days (R24). */
#include "workdays.h"
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
wd_day wd_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void wd_to_ymd(wd_day z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long dd = doy - (153 * mp + 2) / 5 + 1;
	long mm = mp + (mp < 10 ? 3 : -9);
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

wd_day wd_from_unix(long long t, long offset_minutes)
{
	long long s = t + (long long)offset_minutes * 60;
	return (wd_day)(s >= 0 ? s / 86400 : (s - 86399) / 86400);
}

int wd_weekday(wd_day day)
{
	long w = (day + 3) % 7; /* 1970-01-01 was a Thursday (3 when Monday is 0) */
	return (int)(w < 0 ? w + 7 : w);
}

int wd_parse(const char *s, wd_day *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*day = wd_from_ymd(y, m, d);
	return 0;
}

void wd_format(wd_day day, char out[11])
{
	int y, m, d;
	wd_to_ymd(day, &y, &m, &d);
	unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + um / 10);
	out[6] = (char)('0' + um % 10);
	out[7] = '-';
	out[8] = (char)('0' + ud / 10);
	out[9] = (char)('0' + ud % 10);
	out[10] = 0;
}

/* Index of day in exc (binary search), or -1. */
static long find(wd_day day, const struct wd_exception *exc, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (exc[mid].day == day)
			return (long)mid;
		if (exc[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int wd_is_working(wd_day day, const struct wd_exception *exc, size_t n)
{
	long i = find(day, exc, n);
	if (i >= 0)
		return exc[i].working;
	return wd_weekday(day) < 5;
}

wd_day wd_add_working(wd_day start, int n, const struct wd_exception *exc, size_t nexc)
{
	wd_day d = start;
	while (n > 0) {
		d++;
		if (wd_is_working(d, exc, nexc))
			n--;
	}
	return d;
}

wd_day wd_escalation_cutoff(wd_day today, int n, const struct wd_exception *exc, size_t nexc)
{
	wd_day d = today;
	while (n > 0) {
		d--;
		if (wd_is_working(d, exc, nexc))
			n--;
	}
	return d;
}

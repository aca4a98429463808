/* authpolicy: password policy, login back-off and role/level rules (pure; only policy_load_common reads a file). */
#include "authpolicy.h"
#include "xmalloc.h"
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **common;      /* sorted, lowercased; process-lifetime */
static int n_common;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

void policy_free_common(void)
{
	for (int i = 0; i < n_common; i++)
		free(common[i]);
	free(common);
	common = NULL;
	n_common = 0;
}

int policy_load_common(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int cap = 0, n = 0;
	char **list = NULL;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			list = xrealloc(list, (size_t)cap * sizeof *list);
		}
		list[n] = xstrdup(line);
		lower_ascii(list[n++]);
	}
	qsort(list, (size_t)n, sizeof *list, cmp_str);
	policy_free_common();
	common = list;
	n_common = n;
	fclose(f);
	return n;
}

int policy_common_count(void) { return n_common; }

int policy_is_common(const char *pw)
{
	char buf[512];
	size_t len = strlen(pw);
	if (!n_common || len >= sizeof buf)
		return 0;
	memcpy(buf, pw, len + 1);
	lower_ascii(buf);
	const char *key = buf;
	return bsearch(&key, common, (size_t)n_common, sizeof *common, cmp_str) != NULL;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Case-insensitive (ASCII) substring test. */
static int contains_ci(const char *hay, const char *needle)
{
	size_t hn = strlen(hay), nn = strlen(needle);
	for (size_t i = 0; nn && i + nn <= hn; i++) {
		size_t k = 0;
		while (k < nn && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nn)
			return 1;
	}
	return 0;
}

/* 1 if s is exactly 8 digits forming a plausible date YYYYMMDD with year 1900-2099. */
static int is_date8(const char *s)
{
	if (strlen(s) != 8)
		return 0;
	for (int i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0'), d = (s[6] - '0') * 10 + (s[7] - '0');
	return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

const char *policy_password_problem(const char *pw, const char *username)
{
	size_t n = utf8_chars(pw);
	if (n < POLICY_MIN_PASSWORD)
		return "too_short";
	if (n > POLICY_MAX_PASSWORD)
		return "too_long";
	if (policy_is_common(pw))
		return "common";
	if (is_date8(pw))
		return "date";
	if (username && strlen(username) >= 3 && contains_ci(pw, username))
		return "contains_username";
	return NULL;
}

const char *policy_password_message_zh(const char *reason)
{
	static const struct { const char *reason, *zh; } t[] = {
		{"too_short", "密码至少需要 8 个字符。"},
		{"too_long", "密码最多 128 个字符。"},
		{"common", "这个密码太常见，请换一个。"},
		{"date", "日期太容易被猜到，请换一个密码。"},
		{"contains_username", "密码不能包含用户名。"},
		{"same", "新密码不能与旧密码相同。"},
	};
	for (size_t i = 0; reason && i < sizeof t / sizeof *t; i++)
		if (!strcmp(reason, t[i].reason))
			return t[i].zh;
	return reason ? "这个密码不符合要求。" : "密码符合要求。";
}

const char *policy_password_message(const char *reason)
{
	if (!reason)
		return "OK.";
	if (!strcmp(reason, "too_short"))
		return "The password must have at least 8 characters.";
	if (!strcmp(reason, "too_long"))
		return "The password must have at most 128 characters.";
	if (!strcmp(reason, "common"))
		return "This password is too common; choose another.";
	if (!strcmp(reason, "date"))
		return "A date is too easy to guess; choose another password.";
	if (!strcmp(reason, "contains_username"))
		return "The password must not contain the user name.";
	if (!strcmp(reason, "same"))
		return "The new password must differ from the old one.";
	return "The password is not acceptable.";
}

long policy_backoff_delay(long failures, long threshold)
{
	assert(threshold > 0);
	if (failures < threshold)
		return 0;
	long d = POLICY_BASE_DELAY;
	for (long i = threshold; i < failures && d < POLICY_MAX_DELAY; i++)
		d *= 2;
	return d > POLICY_MAX_DELAY ? POLICY_MAX_DELAY : d;
}

long policy_backoff_wait(long failures, long threshold, long since_last)
{
	long d = policy_backoff_delay(failures, threshold);
	if (since_last < 0)
		since_last = 0;
	return d > since_last ? d - since_last : 0;
}

int policy_role_fits_level(enum role role, int level)
{
	switch (role) {
	case ROLE_SCHOOL_CLERK:
	case ROLE_SCHOOL_LEADER:
		return level == LEVEL_SCHOOL;
	case ROLE_COUNTY:
		return level == LEVEL_COUNTY;
	case ROLE_BUREAU:
		return level >= LEVEL_MINISTRY && level <= LEVEL_CITY;
	case ROLE_ADMIN:
		return level >= LEVEL_MINISTRY && level <= LEVEL_SCHOOL;
	default:
		return 0;
	}
}

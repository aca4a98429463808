/* config: the table of every XJ_* setting (default, range, meaning), checked once at start. */
#include "config.h"
#include "suspect.h" /* SX_THRESHOLD_DEFAULT */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct config cfg;
static int loaded;

enum kind { K_INT, K_STR, K_SECRET };

struct setting {
	const char *name;
	enum kind kind;
	long def, min, max;      /* K_INT */
	const char *sdef;        /* K_STR: the default (NULL: none) */
	const char *meaning;
	/* filled by config_load */
	long v;
	const char *s;
};

#define INT(n, d, lo, hi, m) {n, K_INT, d, lo, hi, NULL, m, 0, NULL}
#define STR(n, d, m) {n, K_STR, 0, 0, 0, d, m, 0, NULL}

/* One place for every setting: defaults and ranges here only (README's table is `xueji --settings`, checked by
 * tests/api/foundation.test.mjs). A bound that is the code's own stays beside the code that needs it and is named
 * here (SX_THRESHOLD_DEFAULT: the matcher's unit tests use it). */
static struct setting T[] = {
	STR("XJ_LISTEN", "127.0.0.1:9000", "FastCGI address (host:port, or a unix socket path)"),
	INT("XJ_PROCESSES", 2, 1, 64, "worker processes"),
	INT("XJ_THREADS", 48, 1, 4096, "threads per worker process (one FastCGI connection each: above nginx's keepalive plus the peak)"),
	STR("XJ_DB_SOCKET", NULL, "MariaDB unix socket (preferred to host and port when set)"),
	STR("XJ_DB_HOST", "127.0.0.1", "MariaDB host"),
	INT("XJ_DB_PORT", 3306, 1, 65535, "MariaDB TCP port"),
	STR("XJ_DB_NODES", NULL, "a Galera cluster, `host:port,...`: one writer node, the next on failure (see \"Deployment on a Galera cluster\")"),
	INT("XJ_DB_FOLLOW", 1, 0, 1, "with `XJ_DB_NODES`: a starting process writes through the node the running ones use (0: the first ready node)"),
	STR("XJ_DB_NAME", "xueji", "database"),
	STR("XJ_DB_USER", "xueji", "least-privilege database user"),
	{"XJ_DB_PASSWORD", K_SECRET, 0, 0, 0, "", "its password (generated per instance in `var/<instance>/secrets.env`)", 0, NULL},
	INT("XJ_DB_REQUEST_TIMEOUT", 5, 1, 3600, "seconds a request's statement may wait for the database: a stalled server answers 503 with Retry-After (issue 12)"),
	STR("XJ_ACCESS_LOG", NULL, "request log file, one JSON line per request (time, method, path, status, µs, user); unset: stderr"),
	STR("XJ_OPENAPI_DIR", "fcgi/openapi", "OpenAPI fragments"),
	STR("XJ_DATA_DIR", "var/data", "evidence storage (on several service machines: one shared file system)"),
	STR("XJ_PASSWORD_LIST", NULL, "the common-password list; unset: `../data/common-passwords.txt` from `XJ_OPENAPI_DIR`"),
	STR("XJ_CURSOR_KEY", NULL, "key of the list cursors' signatures; unset: derived from `XJ_DB_PASSWORD` (every process of a deployment must share it)"),
	INT("XJ_SECURE_COOKIES", 0, 0, 1, "1 adds `Secure` to the session cookie (behind https)"),
	INT("XJ_HASH_CONCURRENCY", 0, 0, 1024, "password hashes computed at once (argon2id, 19 MiB each); 0: one per core"),
	INT("XJ_TZ_OFFSET_MINUTES", 480, -720, 840, "the registry's time zone, minutes east of UTC (China: 480): today's date for due dates and ID checks"),
	INT("XJ_DUE_WORKING_DAYS", 10, 1, 200, "working days a step may take from the day it is entered (R24)"),
	INT("XJ_ESCALATE_WORKING_DAYS", 5, 1, 200, "working days past its due date after which a step is escalated: a reminder of the unit above (`GET /api/v1/reminders`, issue 11)"),
	INT("XJ_EVIDENCE_MAX_FILES", EVIDENCE_MAX_FILES_CAP, 1, EVIDENCE_MAX_FILES_CAP, "evidence files per action"),
	INT("XJ_EVIDENCE_QUOTA_BYTES", 1073741824L, 0, 1099511627776L, "bytes of evidence one school may store"),
	INT("XJ_IMPORT_SYNC_ROWS", 2000, 0, 1000000, "an import file of more rows runs as a background job (fewer: answered at once)"),
	INT("XJ_IMPORT_CHUNK", 5000, 1, 1000000, "rows an import checks and stores per step of its transaction"),
	INT("XJ_IMPORT_JOBS", 4, 1, 64, "import jobs a process runs at once (more: 503, try again)"),
	INT("XJ_IMPORT_PROFILE", 0, 0, 1, "1 logs each import's time per phase"),
	INT("XJ_JOB_DB_WAIT", 900, 0, 86400, "seconds a job waits for a database that went away before it fails"),
	INT("XJ_LOAD_CHUNK", 20000, 1, 1000000, "rows per bulk load of `xueji --load`"),
	INT("XJ_REDETECT_ALL", 0, 0, 1, "1: `xueji --redetect` evaluates every key, also those found settled"),
	INT("XJ_REDETECT_READERS", 0, 0, 16, "connections `xueji --redetect` and an import's re-check read their keys on at once; 0: the cores + 1, at most 16"),
	INT("XJ_REDETECT_SETTLED_CHUNK", 5000, 1, 1000000, "keys per lock-free read of `xueji --redetect`'s settled check (`XJ_REDETECT_READERS` such reads at once)"),
	INT("XJ_REDETECT_SLICE", 0, 0, 1000000, "keys per re-detection transaction; 0: grown or shrunk to `XJ_REDETECT_SLICE_MS`"),
	INT("XJ_REDETECT_SLICE_MS", 250, 1, 60000, "the length a re-detection transaction aims at (registrations wait at most about this long)"),
	INT("XJ_SUSPECT_INCREMENTAL", 1, 0, 1, "0 turns off the suspected-duplicate check of each registration, import and change (R31; `xueji --suspects` still runs)"),
	INT("XJ_SUSPECT_THRESHOLD", SX_THRESHOLD_DEFAULT, 1, 1000, "score (per mille) from which a pair is suggested as a suspected duplicate (R31)"),
	INT("XJ_HOUSEKEEP_INTERVAL", 3600, 0, 604800, "seconds between housekeeping passes (0: never; `xueji --housekeep` runs one)"),
	INT("XJ_KEEP_SESSIONS_DAYS", 30, 1, 3650, "sessions expired longer ago are deleted (every session expires 12 h after sign-in)"),
	INT("XJ_KEEP_IDEMPOTENCY_DAYS", 7, 1, 3650, "idempotency keys (workflow actions, provincial batches) are honoured this long"),
	INT("XJ_KEEP_IMPORT_FILES_DAYS", 30, 1, 3650, "an import job's stored file and row issues are removed this long after it finished (its counts stay)"),
	INT("XJ_KEEP_ORPHAN_EVIDENCE_HOURS", 24, 1, 87600, "evidence content no evidence row names (an upload cut before its commit) is removed once this old"),
	INT("XJ_TEST_HOOKS", 0, 0, 1, "1 enables test-only hooks (`/api/v1/health?delay_ms=`; `X-Test-Commit-Fault`; `X-Test-Explain`, whose answer carries the `EXPLAIN` rows of every `SELECT` the request ran in `X-Explain`, `analyze` for `ANALYZE`). Never in production"),
};
#define NT (sizeof T / sizeof T[0])

static struct setting *find(const char *name)
{
	for (size_t i = 0; i < NT; i++)
		if (strcmp(T[i].name, name) == 0)
			return &T[i];
	return NULL;
}

/* The value of s from the environment into s->v / s->s; 0, or -1 after saying on stderr why it is refused. */
static int read_one(struct setting *s)
{
	const char *v = getenv(s->name);
	s->v = s->def;
	s->s = s->sdef;
	if (!v || !*v)
		return 0;
	if (s->kind != K_INT) {
		s->s = v;
		return 0;
	}
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || end == v) {
		fprintf(stderr, "xueji: %s=%s is not a whole number (allowed: %ld to %ld; unset: %ld)\n", s->name, v, s->min, s->max, s->def);
		return -1;
	}
	if (x < s->min || x > s->max) {
		fprintf(stderr, "xueji: %s=%s is outside %ld to %ld (unset: %ld)\n", s->name, v, s->min, s->max, s->def);
		return -1;
	}
	s->v = x;
	return 0;
}

extern char **environ;

/* Edit distance of a[0..n) and b, capped: a misspelt setting is within 2 of its name. */
static size_t distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b), row[64];
	if (n >= 63 || m >= 63)
		return 99;
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[m];
}

int config_load(void)
{
	int bad = 0;
	for (size_t i = 0; i < NT; i++)
		bad |= read_one(&T[i]);
	/* an XJ_* name nobody reads but within two letters of a setting is a mistyped one (other XJ_* names belong to other
	 * tools, e.g. the tests' XJ_ROOT) */
	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (strncmp(*e, "XJ_", 3) != 0 || !eq)
			continue;
		size_t n = (size_t)(eq - *e), d;
		const char *near = NULL;
		for (size_t i = 0; i < NT; i++)
			if ((d = distance(*e, n, T[i].name)) == 0) {
				near = NULL;
				break;
			} else if (d <= 2 && !near)
				near = T[i].name;
		if (near)
			fprintf(stderr, "xueji: warning: %.*s is not a setting of xueji: did you mean %s? (xueji --settings lists them)\n",
				(int)n, *e, near);
	}
	loaded = 1;
	cfg.listen = config_str("XJ_LISTEN");
	cfg.processes = (int)config_int("XJ_PROCESSES");
	cfg.threads = (int)config_int("XJ_THREADS");
	cfg.db_socket = config_str("XJ_DB_SOCKET");
	cfg.db_host = config_str("XJ_DB_HOST");
	cfg.db_port = (int)config_int("XJ_DB_PORT");
	cfg.db_nodes = config_str("XJ_DB_NODES");
	cfg.db_name = config_str("XJ_DB_NAME");
	cfg.db_user = config_str("XJ_DB_USER");
	cfg.db_password = config_str("XJ_DB_PASSWORD");
	cfg.access_log = config_str("XJ_ACCESS_LOG");
	cfg.openapi_dir = config_str("XJ_OPENAPI_DIR");
	cfg.data_dir = config_str("XJ_DATA_DIR");
	cfg.secure_cookies = (int)config_int("XJ_SECURE_COOKIES");
	return bad ? -1 : 0;
}

const char *config_str(const char *name)
{
	struct setting *s = find(name);
	assert(s && s->kind != K_INT);
	return loaded ? s->s : s->sdef;
}

long config_int(const char *name)
{
	struct setting *s = find(name);
	assert(s && s->kind == K_INT);
	return loaded ? s->v : s->def; /* before config_load (unit tests): the default */
}

wd_day config_today(void)
{
	return wd_from_unix((long long)time(NULL), config_int("XJ_TZ_OFFSET_MINUTES"));
}

void config_print(FILE *f)
{
	for (size_t i = 0; i < NT; i++) {
		const struct setting *s = &T[i];
		if (s->kind == K_INT)
			fprintf(f, "| `%s` | %ld (%ld–%ld) | %s |\n", s->name, s->def, s->min, s->max, s->meaning);
		else
			fprintf(f, "| `%s` | %s | %s |\n", s->name, s->kind == K_SECRET ? "–" : s->sdef ? s->sdef : "–", s->meaning);
	}
}

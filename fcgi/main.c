/* main: the only file that touches libfcgi: supervisor process, worker processes and threads, request I/O. */
#include <fcgiapp.h>
#include <magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "cursor.h"
#include "dedupcli.h"
#include "api.h"
#include "xmalloc.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "housekeep.h"
#include "divisions.h"
#include "counters.h"
#include "suspects.h"
#include "json.h"
#include "log.h"
#include "registry.h"
#include "router.h"
#include "thread.h"

#define MAX_URI 8192
#define MAX_QUERY 4096

static int listen_fd = -1;
static atomic_int inflight;
static atomic_int stopping;

/* Per-thread context: the long-lived handles of one worker thread. */
struct worker {
	struct arena arena;
	struct db *db;
	magic_t magic;
};

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void write_response(FCGX_Request *rq, const struct req *r, const struct resp *w)
{
	char head[4096];
	size_t n = 0;
	n += (size_t)snprintf(head + n, sizeof head - n, "Status: %d\r\n", w->status);
	if (w->content_type)
		n += (size_t)snprintf(head + n, sizeof head - n, "Content-Type: %s\r\n", w->content_type);
	n += (size_t)snprintf(head + n, sizeof head - n, "Content-Length: %lu\r\n", (unsigned long)w->body_len);
	for (int i = 0; i < w->n_headers && n < sizeof head - 16; i++) {
		/* header values never carry CR/LF (they come from our code, not from clients) */
		if (strpbrk(w->hvalue[i], "\r\n"))
			continue;
		n += (size_t)snprintf(head + n, sizeof head - n, "%s: %s\r\n", w->hname[i], w->hvalue[i]);
	}
	if (n > sizeof head - 3)
		n = sizeof head - 3;
	n += (size_t)snprintf(head + n, sizeof head - n, "\r\n");
	FCGX_PutStr(head, (int)n, rq->out);
	if (w->body_len && strcmp(r->method, "HEAD") != 0)
		FCGX_PutStr(w->body, (int)w->body_len, rq->out);
}

/* Read the body (CONTENT_LENGTH bytes, at most max) into the arena. */
static enum xerr read_body(FCGX_Request *rq, struct req *r, size_t max, struct resp *w)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	unsigned long long len = cl && *cl ? strtoull(cl, NULL, 10) : 0;
	if (len > max)
		return resp_error(r, w, XE_TOO_LARGE, NULL,
				  arena_printf(r->arena, "The body is larger than this endpoint accepts (%lu bytes).", (unsigned long)max));
	unsigned char *buf = arena_alloc(r->arena, (size_t)len + 1);
	size_t got = 0;
	while (got < len) {
		int k = FCGX_GetStr((char *)buf + got, (int)((len - got) > (1 << 20) ? (1 << 20) : (len - got)), rq->in);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	/* a body longer than announced is cut off at the limit, never buffered */
	buf[got] = 0;
	if (got != len)
		return resp_error(r, w, XE_BAD_REQUEST, NULL, "The body is shorter than Content-Length.");
	r->body = buf;
	r->body_len = got;
	return XE_OK;
}

static void handle(struct worker *wk, FCGX_Request *rq)
{
	long long t0 = now_us();
	struct req r = {0};
	struct resp w = {0};
	r.arena = &wk->arena;
	r.db = wk->db;
	r.magic = wk->magic;
	r.envp = rq->envp;
	arena_set_current(&wk->arena);
	r.method = FCGX_GetParam("REQUEST_METHOD", rq->envp);
	const char *uri = FCGX_GetParam("REQUEST_URI", rq->envp);
	const char *script = FCGX_GetParam("DOCUMENT_URI", rq->envp);
	r.query = FCGX_GetParam("QUERY_STRING", rq->envp);
	r.content_type = FCGX_GetParam("CONTENT_TYPE", rq->envp);
	r.remote_addr = FCGX_GetParam("REMOTE_ADDR", rq->envp);
	if (!r.method) r.method = "GET";
	if (!r.query) r.query = "";
	if (!r.content_type) r.content_type = "";
	if (!uri) uri = "/";
	if (strlen(uri) > MAX_URI || strlen(r.query) > MAX_QUERY) {
		r.path = "(too long)";
		resp_error(&r, &w, XE_URI_TOO_LONG, NULL, NULL);
		goto send;
	}
	/* path: DOCUMENT_URI is nginx's normalised, decoded path; fall back to REQUEST_URI up to '?' */
	if (script && *script) {
		r.path = script;
	} else {
		size_t pl = strcspn(uri, "?");
		r.path = http_urldecode(r.arena, uri, pl, 0);
		if (!r.path) {
			r.path = "(bad)";
			resp_error(&r, &w, XE_BAD_REQUEST, NULL, "The path is not valid.");
			goto send;
		}
	}
	size_t bad;
	if (!http_utf8_valid((const unsigned char *)r.path, strlen(r.path), &bad)) {
		r.path = "(bad)";
		resp_error(&r, &w, XE_BAD_UTF8, NULL, NULL);
		goto send;
	}
	if (router_match(&r, &w) != XE_OK)
		goto send;
	if (read_body(rq, &r, r.route->max_body, &w) != XE_OK)
		goto send;
	router_run(&r, &w);
send:
	write_response(rq, &r, &w);
	log_request(r.method, r.path, w.status, now_us() - t0, r.who ? r.who->username : NULL,
		    w.status >= 400 ? err_code(w.err) : NULL);
	arena_set_current(NULL);
	arena_reset(&wk->arena);
}

static void *worker_thread(void *arg)
{
	(void)arg;
	struct worker wk;
	FCGX_Request rq;
	arena_init(&wk.arena, 64 * 1024);
	wk.db = db_open();
	/* issue 12 item 3: a stalled database answers 503 with Retry-After within a few seconds, not when it wakes */
	db_set_timeout(wk.db, (unsigned)config_int("XJ_DB_REQUEST_TIMEOUT")); /* 1..3600, config.c */
	wk.magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!wk.magic || magic_load(wk.magic, NULL) != 0)
		log_error("libmagic: cannot load database");
	db_ensure(wk.db); /* connect early; statements are prepared on first use */
	FCGX_InitRequest(&rq, listen_fd, 0);
	while (!atomic_load(&stopping)) {
		if (FCGX_Accept_r(&rq) < 0)
			break;
		atomic_fetch_add(&inflight, 1);
		handle(&wk, &rq);
		FCGX_Finish_r(&rq);
		atomic_fetch_sub(&inflight, 1);
	}
	return NULL;
}

/* One worker process: cfg.threads threads; SIGTERM waits for in-flight requests, then exits; SIGUSR1 reopens the logs. */
static void worker_main(int index)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_SETMASK, &set, NULL); /* these taken by sigwait alone; the supervisor's SIGCHLD block dropped */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < cfg.threads; i++)
		if (thread_spawn(worker_thread, NULL) != 0) {
			log_error("cannot start thread %d", i);
			break;
		}
	if (index == 0 && housekeep_start() != 0) /* one process does the housekeeping */
		log_error("cannot start the housekeeping thread");
	int sig = 0;
	while (sigwait(&set, &sig) == 0 && sig == SIGUSR1) {
		log_reopen();
		log_error("logs reopened");
	}
	atomic_store(&stopping, 1);
	/* let in-flight requests finish (at most 10 s), then leave */
	for (int i = 0; i < 1000 && atomic_load(&inflight) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	_exit(0);
}

static volatile sig_atomic_t got_term, got_reopen;
static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_reopen = 1;
	else if (sig != SIGCHLD)
		got_term = 1;
}

static pid_t spawn_worker(int index)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		worker_main(index);
	}
	return pid;
}

/* Supervisor: keeps cfg.processes workers alive; on SIGTERM forwards it and waits; SIGUSR1 (log rotation) reopens its
 * logs and forwards it. The signals are blocked but inside sigsuspend, so none arrives between a look at the flags and
 * the wait. */
static int supervise(void)
{
	pid_t *pids = xcalloc((size_t)cfg.processes, sizeof *pids);
	sigset_t set, waiting;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &waiting);
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	for (int i = 0; i < cfg.processes; i++)
		pids[i] = spawn_worker(i);
	log_error("xueji started: %d processes x %d threads on %s", cfg.processes, cfg.threads, cfg.listen);
	while (!got_term) {
		if (got_reopen) {
			got_reopen = 0;
			log_reopen();
			log_error("logs reopened");
			for (int i = 0; i < cfg.processes; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGUSR1);
		}
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p < 0 && errno == ECHILD)
			break;
		if (p <= 0) {
			sigsuspend(&waiting);
			continue;
		}
		for (int i = 0; i < cfg.processes; i++)
			if (pids[i] == p && !got_term) {
				log_error("worker %d ended (%s %d); restarting", (int)p, WIFSIGNALED(st) ? "signal" : "status",
					  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
				struct timespec ts = {0, 50 * 1000 * 1000};
				nanosleep(&ts, NULL);
				pids[i] = spawn_worker(i);
			}
	}
	for (int i = 0; i < cfg.processes; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < cfg.processes; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	free(pids);
	log_error("xueji stopped");
	return 0;
}

static int hash_password_cmd(void)
{
	char pw[256], out[128];
	if (!fgets(pw, sizeof pw, stdin))
		return 1;
	pw[strcspn(pw, "\r\n")] = 0;
	if (auth_hash_password(pw, out) != 0)
		return 1;
	puts(out);
	return 0;
}

/* Write the JSON bodies nginx answers itself (nginx/render.sh) into dir: one file per status nginx can produce on its
 * own, named by that status (render.sh makes an error_page line of each NNN.json), in the one error shape with err.c's
 * texts or a text naming nginx's own reason; and the upload route's 413 with the limits of R23. Returns the exit status.
 * Issue 12 item 6: every status nginx produces itself answers JSON. */
static int nginx_errors_cmd(const char *dir)
{
	static const struct { const char *file; enum xerr e; const char *code, *zh, *en; } pages[] = {
		{"400.json", XE_BAD_REQUEST, NULL, NULL, NULL},
		/* request header or cookie too large: nginx sends it as 400 */
		{"494.json", XE_BAD_REQUEST, "header_too_large", "请求头太大（例如 Cookie 过多），请清除本站 Cookie 后重试。",
		 "The request header or cookie is too large."},
		{"403.json", XE_FORBIDDEN, "forbidden", "不允许访问此地址。", "Access to this address is not allowed."},
		{"404.json", XE_NOT_FOUND, "not_found", "没有找到此页面或文件。", "No such page or file."},
		{"405.json", XE_METHOD, NULL, NULL, NULL},
		{"408.json", XE_BAD_REQUEST, "request_timeout", "请求发送超时，请重试。", "The request was not received in time."},
		{"411.json", XE_BAD_REQUEST, "length_required", "请求缺少内容长度。", "The request lacks a Content-Length."},
		{"413.json", XE_TOO_LARGE, NULL, NULL, NULL},
		{"414.json", XE_URI_TOO_LONG, NULL, NULL, NULL},
		{"416.json", XE_BAD_REQUEST, "range_not_satisfiable", "请求的范围超出了文件。", "The requested range is not satisfiable."},
		{"429.json", XE_RATE_LIMITED, NULL, NULL, NULL},
		{"500.json", XE_INTERNAL, NULL, NULL, NULL},
		{"501.json", XE_BAD_REQUEST, "not_implemented", "不支持此请求方式。", "The request uses a method or encoding that is not supported."},
		{"502.json", XE_UNAVAILABLE, NULL, NULL, NULL},
		{"503.json", XE_UNAVAILABLE, NULL, NULL, NULL},
		{"504.json", XE_UNAVAILABLE, NULL, NULL, NULL},
		{"505.json", XE_BAD_REQUEST, "http_version", "不支持此 HTTP 版本。", "This HTTP version is not supported."},
		{"413-evidence.json", XE__COUNT, NULL, NULL, NULL},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		char *body;
		if (pages[i].e == XE__COUNT) {
			body = api_evidence_too_large_body();
		} else {
			cJSON *root = resp_error_body(pages[i].e, pages[i].code, NULL, pages[i].zh, pages[i].en, NULL);
			body = cJSON_PrintUnformatted(root);
			cJSON_Delete(root);
		}
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, pages[i].file);
		FILE *f = fopen(path, "w");
		if (!f || fputs(body, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "xueji --nginx-errors: cannot write %s\n", path);
			rc = 1;
		}
		free(body);
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
		router_print();
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "--nginx-errors") == 0) /* issue 10: nginx's own error bodies, the one shape */
		return nginx_errors_cmd(argv[2]);
	if (argc > 1 && strcmp(argv[1], "--dedup-reference") == 0)
		return dedup_cli(stdin, stdout); /* issue 10: the reference detector for the differential test */
	if (argc > 1 && strcmp(argv[1], "--settings") == 0) { /* every XJ_* setting: default, range, meaning (README) */
		config_print(stdout);
		return 0;
	}
	if (config_load() != 0) {
		fputs("xueji: not started: a setting above is not valid (xueji --settings lists them)\n", stderr);
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "--check-settings") == 0) /* make service-start: a bad value said on the terminal */
		return 0;
	json_init();
	if (auth_init() != 0) {
		fputs("xueji: start-up failed (libsodium or the common-password list; see the log)\n", stderr);
		return 1;
	}
	cursor_init();
	if (argc > 1 && strcmp(argv[1], "--hash-password") == 0)
		return hash_password_cmd();
	if (argc > 1 && (strcmp(argv[1], "--seed-demo") == 0 || strcmp(argv[1], "--redetect") == 0 ||
			strcmp(argv[1], "--load") == 0))
		return registry_cli(argc - 1, argv + 1); /* issue 4: demo records through detection; full re-detection */
	if (argc > 1 && strcmp(argv[1], "--housekeep") == 0)
		return housekeep_cli();
	if (argc > 1 && strcmp(argv[1], "--divisions") == 0)
		return divisions_cli(argc - 1, argv + 1); /* issue 16 item 3: a new division list with its old->new mapping */
	if (argc > 1 && (strcmp(argv[1], "--check-counters") == 0 || strcmp(argv[1], "--rebuild-counters") == 0))
		return counters_cli(argc - 1, argv + 1); /* issue 13 item 3: the counters against COUNT(*); recompute */
	if (argc > 1 && strcmp(argv[1], "--suspects") == 0)
		return suspects_cli(); /* issue 17 (R31): the full run of suspected duplicates */
	if (argc > 1) {
		fprintf(stderr, "usage: %s [--routes | --settings | --check-settings | --dedup-reference | --nginx-errors DIR | --hash-password | --seed-demo CSV [JSON] | --redetect | --load FILE... | --housekeep | --suspects | --divisions FILE [--dry-run] | --check-counters | --rebuild-counters]  (settings from XJ_* environment variables)\n", argv[0]);
		return 2;
	}
	log_open(cfg.access_log);
	if (api_openapi_load(cfg.openapi_dir) != 0)
		log_error("openapi document incomplete");
	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		return 1;
	}
	const char *addr = cfg.listen; /* "host:port" binds that host only; a path is a unix socket */
	listen_fd = FCGX_OpenSocket(addr, 1024);
	if (listen_fd < 0) {
		log_error("cannot listen on %s", addr);
		return 1;
	}
	return supervise();
}

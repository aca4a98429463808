/* db: connection, prepared-statement cache, execution, transactions and retries (MariaDB Connector/C). */
#include "db.h"
#include <sodium.h>
#include "xmalloc.h"
#include "config.h"
#include "log.h"
#include "sbuf.h"
#include <strings.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <assert.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>

#define STMT_SLOTS 1024
#define DB_TX_ATTEMPTS 12  /* transaction attempts on deadlock / lock wait timeout */  /* power of two, above the number of statements in the program */

struct stmt_slot {
	const struct db_sql *key;
	MYSQL_STMT *stmt;
};

struct db {
	MYSQL *conn;           /* NULL when not connected */
	int in_tx;
	int tx_dead;               /* the server ended the transaction (deadlock, certification, lost): only a rollback now */
	unsigned last_errno;
	const char *retry_sql; /* the statement of the last deadlock/lock-wait/duplicate (static text), for the log */
	long long schema_version;  /* read once per connection; -1 = not yet */
	unsigned rw_timeout;       /* seconds a statement may wait for the server (read/write), set before connecting */
	char tx_token[33];         /* the last db_tx attempt's request token (hex), issue 12 item 2 */
	int commit_fault;          /* test hook (db_test_commit_fault): lose the connection at the next COMMIT */
	int commit_fault_skip;     /* ... after letting this many COMMITs through */
	int explain;               /* test hook (db_explain_begin): EXPLAIN (1) or ANALYZE (2) every SELECT into explain_out */
	struct sbuf explain_out;
	int read_committed;        /* db_tx_read_committed: the transactions it begins are READ COMMITTED */
	int tx_once;               /* db_tx_once: one attempt */
	int fence;                 /* Galera (XJ_DB_NODES): the next statement first waits for the cluster's commits */
	struct stmt_slot slots[STMT_SLOTS];
};

static const struct db_sql Q_SCHEMA_VERSION = {"SELECT COALESCE(MAX(version),0) FROM schema_version"};

struct db *db_open(void)
{
	struct db *db = xcalloc(1, sizeof *db);
	db->rw_timeout = 60; /* background jobs and commands: long statements are normal there */
	return db;
}

void db_set_timeout(struct db *db, unsigned seconds)
{
	assert(seconds > 0);
	db->rw_timeout = seconds;
}

static void db_drop(struct db *db)
{
	for (size_t i = 0; i < STMT_SLOTS; i++)
		if (db->slots[i].stmt) {
			mysql_stmt_close(db->slots[i].stmt);
			db->slots[i].stmt = NULL;
			db->slots[i].key = NULL;
		}
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	if (db->in_tx)
		db->tx_dead = 1; /* the transaction stays open for its caller, who can only roll it back */
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_drop(db);
	free(db->explain_out.s);
	free(db);
}

unsigned db_errno(const struct db *db) { return db->last_errno; }

static int is_conn_error(unsigned e)
{
	return e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR || e == CR_SERVER_GONE_ERROR ||
	       e == CR_SERVER_LOST || e == 2055 /* CR_SERVER_LOST_EXTENDED */ || e == 1927 /* ER_CONNECTION_KILLED */ ||
	       e == ER_SERVER_SHUTDOWN || e == 4031 /* client idle timeout */ || e == CR_COMMANDS_OUT_OF_SYNC ||
	       e == 1047 /* ER_UNKNOWN_COM_ERROR: a Galera node out of the primary component */;
}

/* ---------------------------------------------------------------- Galera nodes (issue 15 item 2)
 * XJ_DB_NODES "host:port,...": every connection of the process goes to one node (single writer); when it cannot
 * connect, or the node is not ready (not in the primary component), the next node of the list is tried and becomes
 * the writer for all later connections. A process that starts while others run (a restarted service) first asks each
 * node how many of the service's connections it holds and joins the busiest, so that it does not write through
 * another node than they do (node_probe; XJ_DB_FOLLOW=0: not, for a test that wants two writers). Each request
 * first waits once for every commit the cluster made before it (a causal read, wsrep_sync_wait, db_fence), so it
 * sees its own earlier writes and other processes' also while processes write through different nodes; so does a new
 * connection (perhaps to another node) and a transaction run again after a certification failure (its winner's
 * writeset may not be applied on this node yet). Not every statement: each causal wait is a message through the
 * cluster's total order, which all nodes handle (measured: issue 15, README). */
static _Atomic unsigned node_cur;
static pthread_once_t node_probed = PTHREAD_ONCE_INIT;

static unsigned node_count(void)
{
	unsigned n = 1;
	for (const char *p = cfg.db_nodes; *p; p++)
		n += *p == ',';
	return n;
}

/* Host and port of node k of XJ_DB_NODES; 0 when its entry does not fit. */
static int node_addr(unsigned k, char host[128], unsigned *port)
{
	const char *p = cfg.db_nodes;
	for (unsigned i = 0; i < k && (p = strchr(p, ',')) != NULL; i++)
		p++;
	size_t len = strcspn(p, ",");
	if (len >= 128)
		return 0;
	memcpy(host, p, len);
	host[len] = 0;
	char *colon = strrchr(host, ':');
	*port = 3306;
	if (colon)
		*colon = 0, *port = (unsigned)strtoul(colon + 1, NULL, 10);
	return 1;
}

/* A handle with the service's options: utf8mb4, 2 s to connect, rw seconds to read or write, no silent reconnect. */
static MYSQL *conn_init(unsigned rw)
{
	MYSQL *m = mysql_init(NULL);
	if (!m)
		return NULL;
	unsigned timeout = 2;
	my_bool off = 0;
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	unsigned local = 1; /* LOAD DATA LOCAL of db_load (issue 14); local_infile_setup: never a file */
	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &local);
	return m;
}

/* One integer answer of a query on m; -1 when it fails. */
static long long node_int(MYSQL *m, const char *q)
{
	MYSQL_RES *r = NULL;
	MYSQL_ROW row;
	long long v = -1;
	if (!mysql_query(m, q) && (r = mysql_store_result(m)) && (row = mysql_fetch_row(r)) && row[0])
		v = strtoll(row[0], NULL, 10);
	if (r)
		mysql_free_result(r);
	return v;
}

static const char Q_NODE_READY[] = "SELECT @@wsrep_on=0 OR VARIABLE_VALUE='ON' FROM information_schema.GLOBAL_STATUS "
				   "WHERE VARIABLE_NAME='WSREP_READY'";

/* Once per process: the ready node holding most of the service user's connections (a user sees its own threads in
 * the process list) becomes the writer; none (every process starting): the first ready node, as before. The probe
 * connects without a database and counts only connections with one: probes of processes starting at the same time
 * never count each other (they did: two services started together both chose node 3 of 3, while the cluster's tests
 * read node 1). */
static void node_probe(void)
{
	unsigned n = node_count(), best = 0;
	long long most = 0;
	for (unsigned k = 0; k < n && config_int("XJ_DB_FOLLOW"); k++) {
		char host[128];
		unsigned port;
		MYSQL *m = node_addr(k, host, &port) ? conn_init(5) : NULL;
		if (m && mysql_real_connect(m, host, cfg.db_user, cfg.db_password, NULL, port, NULL, 0) &&
		    node_int(m, Q_NODE_READY) == 1) {
			long long c = node_int(m, "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
						  "WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AND DB IS NOT NULL");
			if (c > most)
				most = c, best = k;
		}
		if (m)
			mysql_close(m);
	}
	if (best != 0)
		log_error("db: the other service processes write through node %u of %u: so does this one", best + 1, n);
	node_cur = best;
}

static MYSQL *node_connect(MYSQL *m, unsigned rw)
{
	unsigned n = node_count();
	pthread_once(&node_probed, node_probe);
	for (unsigned k = 0; k < n; k++) {
		unsigned want = (node_cur + k) % n;
		char host[128];
		unsigned port;
		if (!node_addr(want, host, &port))
			continue;
		if (mysql_real_connect(m, host, cfg.db_user, cfg.db_password, cfg.db_name, port, NULL, 0) &&
		    node_int(m, Q_NODE_READY) == 1) {
			if (want != node_cur % n) {
				log_error("db: writing through node %s:%u (node %u of %u)", host, port, want + 1, n);
				node_cur = want;
			}
			return m;
		}
		log_error("db: node %s:%u unavailable (%u %s): next node", host, port, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		if (!(m = conn_init(rw)))
			return NULL;
	}
	mysql_close(m);
	return NULL;
}

static void local_infile_setup(MYSQL *m);

enum xerr db_ensure(struct db *db)
{
	if (db->conn)
		return XE_OK;
	unsigned rw = db->rw_timeout;
	MYSQL *m = conn_init(rw);
	if (!m)
		return XE_UNAVAILABLE;
	mysql_options(m, MYSQL_INIT_COMMAND, "SET time_zone='+00:00'");
	if (cfg.db_nodes) {
		m = node_connect(m, rw);
		if (!m)
			return XE_UNAVAILABLE;
		db->fence = 1;
	} else if (!mysql_real_connect(m, cfg.db_socket ? NULL : cfg.db_host, cfg.db_user, cfg.db_password, cfg.db_name,
				(unsigned)cfg.db_port, cfg.db_socket, 0)) {
		db->last_errno = mysql_errno(m);
		static _Thread_local time_t last_log;
		time_t now = time(NULL);
		if (now != last_log) {
			log_error("db connect failed: %u %s", mysql_errno(m), mysql_error(m));
			last_log = now;
		}
		mysql_close(m);
		return XE_UNAVAILABLE;
	}
	local_infile_setup(m);
	db->conn = m;
	db->schema_version = -1;
	return XE_OK;
}

/* Map a server/client error to our model; logs unexpected ones. */
static enum xerr map_error(struct db *db, unsigned e, const char *msg, const char *sql)
{
	db->last_errno = e;
	switch (e) {
	case ER_DUP_ENTRY:
		db->retry_sql = sql;
		return XE_DUPLICATE;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		db->retry_sql = sql;
		return XE_RETRY;
	default:
		break;
	}
	if (is_conn_error(e))
		return XE_UNAVAILABLE;
	log_error("db error %u: %s [%.200s]", e, msg, sql);
	return XE_INTERNAL;
}

static struct stmt_slot *slot_for(struct db *db, const struct db_sql *q)
{
	size_t h = ((size_t)(uintptr_t)q >> 3) * 2654435761u;
	for (size_t k = 0; k < STMT_SLOTS; k++) {
		struct stmt_slot *s = &db->slots[(h + k) & (STMT_SLOTS - 1)];
		if (s->key == q || s->key == NULL)
			return s;
	}
	assert(!"statement cache full");
	return NULL;
}

static void slot_forget(struct db *db, const struct db_sql *q)
{
	/* Closing one statement would break the probe chain; drop it but keep the key with a NULL stmt. */
	struct stmt_slot *s = slot_for(db, q);
	if (s->key == q && s->stmt) {
		mysql_stmt_close(s->stmt);
		s->stmt = NULL;
	}
}

void db_forget(struct db *db, const struct db_sql *q)
{
	if (db->conn)
		slot_forget(db, q);
}

static enum xerr get_stmt(struct db *db, const struct db_sql *q, MYSQL_STMT **out)
{
	struct stmt_slot *s = slot_for(db, q);
	if (s->key == q && s->stmt) {
		*out = s->stmt;
		return XE_OK;
	}
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	if (!st)
		return XE_UNAVAILABLE;
	if (mysql_stmt_prepare(st, q->sql, (unsigned long)strlen(q->sql))) {
		enum xerr e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->sql);
		mysql_stmt_close(st);
		return e;
	}
	s->key = q;
	s->stmt = st;
	*out = st;
	return XE_OK;
}

static void bind_args(MYSQL_BIND *b, const struct db_arg *args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++) {
		switch (args[i].t) {
		case DB_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&args[i].i;
			break;
		case DB_STR:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)args[i].s;
			b[i].buffer_length = args[i].len;
			b[i].length = (unsigned long *)&args[i].len;
			break;
		default:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
}

#define FETCH_BUF 256

/* The error of a failed fetch: an error packet that arrives while rows are read unbuffered (a deadlock or a
 * lock wait timeout met by a locking read after its first rows) is left on the connection by the client
 * library, with the statement's own error number 0. */
static enum xerr fetch_error(struct db *db, MYSQL_STMT *st, const char *sql)
{
	if (mysql_stmt_errno(st))
		return map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
	return map_error(db, mysql_errno(db->conn), mysql_error(db->conn), sql);
}

/* Fetch every row of st's result into rows (arena a). */
static enum xerr fetch_all(struct db *db, MYSQL_STMT *st, struct arena *a, struct db_rows *rows, const char *sql)
{
	enum xerr e = XE_OK;
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	MYSQL_BIND *rb = NULL;
	char *bufs = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL, *errs = NULL;
	rows->n = 0;
	rows->ncols = 0;
	rows->cell = NULL;
	rows->len = NULL;
	if (!meta)
		goto out;
	size_t nc = mysql_num_fields(meta);
	rows->ncols = nc;
	rb = xcalloc(nc, sizeof *rb);
	bufs = xmalloc(nc * FETCH_BUF);
	lens = xcalloc(nc, sizeof *lens);
	nulls = xcalloc(nc, sizeof *nulls);
	errs = xcalloc(nc, sizeof *errs);
	for (size_t c = 0; c < nc; c++) {
		rb[c].buffer_type = MYSQL_TYPE_STRING;
		rb[c].buffer = bufs + c * FETCH_BUF;
		rb[c].buffer_length = FETCH_BUF;
		rb[c].length = &lens[c];
		rb[c].is_null = &nulls[c];
		rb[c].error = &errs[c];
	}
	if (mysql_stmt_bind_result(st, rb)) {
		e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
		goto out;
	}
	size_t cap = 0;
	for (;;) {
		int rc = mysql_stmt_fetch(st);
		if (rc == MYSQL_NO_DATA)
			break;
		if (rc == 1) {
			e = fetch_error(db, st, sql);
			goto out;
		}
		if (rows->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **ncell = arena_alloc(a, ncap * nc * sizeof *ncell);
			unsigned long *nlen = arena_alloc(a, ncap * nc * sizeof *nlen);
			if (cap) {
				memcpy(ncell, rows->cell, cap * nc * sizeof *ncell);
				memcpy(nlen, rows->len, cap * nc * sizeof *nlen);
			}
			rows->cell = ncell;
			rows->len = nlen;
			cap = ncap;
		}
		for (size_t c = 0; c < nc; c++) {
			size_t idx = rows->n * nc + c;
			if (nulls[c]) {
				rows->cell[idx] = NULL;
				rows->len[idx] = 0;
				continue;
			}
			char *v = arena_alloc(a, lens[c] + 1);
			if (lens[c] <= FETCH_BUF) {
				memcpy(v, bufs + c * FETCH_BUF, lens[c]);
			} else {
				MYSQL_BIND one = {0};
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = v;
				one.buffer_length = lens[c];
				if (mysql_stmt_fetch_column(st, &one, (unsigned)c, 0)) {
					e = fetch_error(db, st, sql);
					goto out;
				}
			}
			v[lens[c]] = 0;
			rows->cell[idx] = v;
			rows->len[idx] = lens[c];
		}
		rows->n++;
	}
out:
	if (meta)
		mysql_free_result(meta);
	free(rb);
	free(bufs);
	free(lens);
	free(nulls);
	free(errs);
	return e;
}

/* ---- the EXPLAIN hook (issue 13 item 1, XJ_TEST_HOOKS only) ---- */
void db_explain_begin(struct db *db, int analyze)
{
	db->explain = analyze ? 2 : 1;
	db->explain_out.n = 0;
	if (db->explain_out.s)
		db->explain_out.s[0] = 0;
}

const char *db_explain_take(struct db *db, struct arena *a)
{
	db->explain = 0;
	const char *o = arena_strdup(a, db->explain_out.s ? db->explain_out.s : "");
	free(db->explain_out.s);
	memset(&db->explain_out, 0, sizeof db->explain_out);
	return o;
}

/* EXPLAIN's Extra says the row reads its key alone: one of its "; "-separated notes is "Using index" */
static int extra_index_only(const char *x)
{
	for (const char *p = x; p && *p;) {
		size_t n = strcspn(p, ";");
		if (n == 11 && strncmp(p, "Using index", 11) == 0)
			return 1;
		p += n;
		while (*p == ';' || *p == ' ')
			p++;
	}
	return 0;
}

/* EXPLAIN (or ANALYZE) q with its arguments (a statement of its own, not cached) and append table:type:key:rows per
 * row, then ":index-only" when the row reads its key alone (Extra "Using index": no table row read), then ANALYZE's
 * ":r=N", the rows read (r_rows). */
static void explain_one(struct db *db, const struct db_sql *q, MYSQL_BIND *b, size_t nargs)
{
	const char *p = q->sql;
	while (*p == ' ' || *p == '(')
		p++;
	if (strncasecmp(p, "SELECT", 6) != 0)
		return;
	int analyze = db->explain == 2;
	char *sql = xmalloc(strlen(q->sql) + 9);
	strcpy(sql, analyze ? "ANALYZE " : "EXPLAIN ");
	strcat(sql, q->sql);
	MYSQL_STMT *st = mysql_stmt_init(db->conn);
	struct arena a;
	arena_init(&a, 4096);
	struct db_rows rs = {0};
	if (st && !mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) && !(nargs && mysql_stmt_bind_param(st, b)) &&
	    !mysql_stmt_execute(st) && fetch_all(db, st, &a, &rs, sql) == XE_OK) {
		if (db->explain_out.n)
			sbuf_puts(&db->explain_out, " | ");
		/* id select_type table type possible_keys key key_len ref rows [r_rows filtered r_filtered] Extra */
		size_t extra = analyze ? 12 : 9;
		for (size_t i = 0; i < rs.n; i++) {
			if (i)
				sbuf_puts(&db->explain_out, ";");
			for (size_t c = 2; c <= 8; c++) {
				if (c == 4 || c == 6 || c == 7)
					continue;
				if (c > 2)
					sbuf_puts(&db->explain_out, ":");
				sbuf_puts(&db->explain_out, db_get(&rs, i, c) ? db_get(&rs, i, c) : "-");
			}
			if (rs.ncols > extra && extra_index_only(db_get(&rs, i, extra)))
				sbuf_puts(&db->explain_out, ":index-only");
			if (analyze) {
				const char *rr = db_get(&rs, i, 9);
				sbuf_puts(&db->explain_out, ":r=");
				sbuf_puts(&db->explain_out, rr ? rr : "-");
			}
		}
	} else {
		log_error("db: EXPLAIN failed [%.200s]", q->sql);
	}
	if (st)
		mysql_stmt_close(st);
	arena_free(&a);
	free(sql);
}

/* Inside a transaction (issue 15 item 2): XE_RETRY once it failed, XE_UNAVAILABLE once its connection is gone. A
 * Galera node rolls back a local transaction whose rows a replicated writeset needs (a "brute force abort", error
 * 1213) also while the client is between statements; the error then answers the client's next command. So every
 * command's error is checked, and a transaction that failed refuses every later statement and its COMMIT. Should an
 * abort still go unseen, the statements after it cannot commit on their own: transactions run with autocommit off
 * (db_begin), and db_tx seals its token row, inserted first, before COMMIT (tx_seal): no row, no COMMIT. */
static enum xerr tx_check(struct db *db, const char *sql)
{
	if (!db->conn) {
		db->tx_dead = 1;
		return XE_UNAVAILABLE; /* the connection was lost: the server rolled the transaction back */
	}
	if (!db->tx_dead)
		return XE_OK;
	db->last_errno = ER_LOCK_DEADLOCK;
	db->retry_sql = sql;
	return XE_RETRY;
}

void db_request_begin(struct db *db)
{
	db->fence = cfg.db_nodes != NULL;
}

/* The causal wait of a Galera connection (db->fence): one read that waits until this node has applied every
 * writeset the cluster ordered before it. */
static enum xerr db_fence(struct db *db)
{
	assert(db->conn && cfg.db_nodes);
	MYSQL_RES *r = NULL;
	if (mysql_query(db->conn, "SET STATEMENT wsrep_sync_wait=1 FOR SELECT 1") || !(r = mysql_store_result(db->conn)))
		return map_error(db, mysql_errno(db->conn), mysql_error(db->conn), "wsrep_sync_wait");
	mysql_free_result(r);
	db->fence = 0;
	return XE_OK;
}

/* A statement that only reads: sent again after a lost connection. */
static int is_read(const char *sql)
{
	return strncmp(sql, "SELECT", 6) == 0 || strncmp(sql, "WITH", 4) == 0 || strncmp(sql, "(SELECT", 7) == 0 ||
	       strncmp(sql, "SHOW", 4) == 0;
}

/* A connection error that says the statement never ran: it could not be sent (a connection already gone), or the
 * server refused it before running it. Any other loss after sending leaves a write's outcome unknown. */
static int never_ran(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_COMMANDS_OUT_OF_SYNC || e == 4031 /* client idle timeout */ ||
	       e == 1047 /* ER_UNKNOWN_COM_ERROR: a Galera node out of the primary component */ || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR;
}

enum xerr db_exec(struct db *db, struct arena *a, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		  struct db_rows *rows, unsigned long long *affected, unsigned long long *insert_id)
{
	enum xerr e = XE_OK;
	MYSQL_BIND *b = NULL;
	assert(!rows || a);
	if (rows)
		memset(rows, 0, sizeof *rows);
	if (nargs) {
		b = xcalloc(nargs, sizeof *b);
		bind_args(b, args, nargs);
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		MYSQL_STMT *st = NULL;
		int was_tx = db->in_tx, sent = 0;
		if (was_tx && (e = tx_check(db, q->sql)) != XE_OK)
			break;
		if (was_tx && db->commit_fault == 4 && db->conn && strncmp(q->sql, "INSERT INTO api_idem", 20) == 0) {
			/* test hook: the server rolls the transaction back and its error answers a command nobody reads */
			db->commit_fault = 0;
			(void)mysql_query(db->conn, "ROLLBACK");
		}
		e = db_ensure(db);
		if (e != XE_OK)
			break;
		if (db->fence)
			e = db_fence(db);
		if (e == XE_OK)
			e = get_stmt(db, q, &st);
		if (e == XE_OK) {
			if (mysql_stmt_param_count(st) != nargs) {
				log_error("db: statement wants %lu args, got %lu [%.200s]", mysql_stmt_param_count(st),
					  (unsigned long)nargs, q->sql);
				e = XE_INTERNAL;
				break;
			}
			if (db->explain)
				explain_one(db, q, b, nargs);
			int bad = nargs && mysql_stmt_bind_param(st, b);
			if (!bad) {
				sent = 1;
				bad = mysql_stmt_execute(st) != 0;
			}
			if (bad)
				e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->sql);
			else {
				if (rows)
					e = fetch_all(db, st, a, rows, q->sql);
				else
					mysql_stmt_free_result(st);
				if (affected)
					*affected = mysql_stmt_affected_rows(st);
				if (insert_id)
					*insert_id = mysql_stmt_insert_id(st);
				/* No reset after a statement whose rows are all read (issue 13, 15: it was one more round trip per
				 * statement; without it a county's decision took 2.5 ms of the database's CPU instead of 3.2). An
				 * error the server holds for us (a Galera transaction aborted by a replicated writeset while we
				 * were between statements) answers the transaction's next command, the next statement or its
				 * COMMIT, and each is checked (tx_check). A CALL's closing result is cleared by the reset. */
				if (strncmp(q->sql, "CALL", 4) == 0 && mysql_stmt_reset(st) && e == XE_OK)
					e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->sql);
			}
		}
		if (e == XE_OK && !was_tx && db->commit_fault == 5 && strncmp(q->sql, "INSERT", 6) == 0) {
			db->commit_fault = 0; /* test hook: this write outside a transaction ran, and its answer is lost */
			db->last_errno = CR_SERVER_LOST;
			e = XE_UNAVAILABLE;
		}
		if (was_tx && e != XE_OK && e != XE_DUPLICATE)
			db->tx_dead = 1;
		if (e == XE_OK)
			break;
		if (db->last_errno == ER_NEED_REPREPARE) {
			slot_forget(db, q);
			continue;
		}
		if (e == XE_UNAVAILABLE) {
			db_drop(db);
			if (was_tx)
				break;  /* the server rolled the transaction back: the caller's db_tx retries */
			if (sent && !is_read(q->sql) && !never_ran(db->last_errno)) {
				/* a write outside a transaction whose answer was lost may have been applied: sent again it could
				 * be stored twice (a login failure, a security-log row) or answer "taken" for what it stored */
				log_error("db: connection lost after a write outside a transaction: not sent again, its outcome is"
					  " unknown (error %u) [%.200s]", db->last_errno, q->sql);
				break;
			}
			continue;
		}
		break;
	}
	free(b);
	return e;
}

/* ---- LOAD DATA LOCAL from memory (issue 14) ---- */

struct mem_infile {
	const char *data;
	size_t len, off;
};
static _Thread_local struct mem_infile mem_src; /* the buffer of the db_load running on this thread */

static int mem_init(void **ptr, const char *name, void *userdata)
{
	(void)name;
	(void)userdata;
	*ptr = &mem_src;
	if (!mem_src.data)
		return 1; /* the server asked for a file outside db_load: refused, nothing of this host is ever sent */
	mem_src.off = 0;
	return 0;
}

static int mem_read(void *ptr, char *buf, unsigned int n)
{
	struct mem_infile *m = ptr;
	size_t k = m->len - m->off < n ? m->len - m->off : n;
	memcpy(buf, m->data + m->off, k);
	m->off += k;
	return (int)k;
}

static void mem_end(void *ptr) { (void)ptr; }

static int mem_error(void *ptr, char *msg, unsigned int n)
{
	(void)ptr;
	snprintf(msg, n, "in-memory load failed");
	return CR_UNKNOWN_ERROR;
}

void db_load_field(struct sbuf *b, const char *s, size_t len, char sep)
{
	if (!s)
		sbuf_put(b, "\\N", 2);
	else
		for (size_t i = 0, run = 0; i <= len; i++) {
			char c = i < len ? s[i] : 0;
			const char *esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
			if (i < len && !esc && c)
				continue;
			sbuf_put(b, s + run, i - run);
			if (i < len)
				sbuf_put(b, esc ? esc : "\\0", 2);
			run = i + 1;
		}
	sbuf_put(b, &sep, 1);
}

int db_in_tx(const struct db *db)
{
	return db->in_tx;
}

static void local_infile_setup(MYSQL *m)
{
	mysql_set_local_infile_handler(m, mem_init, mem_read, mem_end, mem_error, NULL);
}

/* One command on the connection outside the statement cache (db_load's session flag); 0 when it succeeded. */
static int plain_query(struct db *db, const char *sql)
{
	return db->conn && mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) == 0 ? 0 : -1;
}

/* The counter triggers (sql/320) skip the statements between these two (@xj_bulk_load); whatever happened, no later
 * statement of this connection skips a trigger: a connection that cannot say so is closed (its transaction rolls back,
 * its session variables end with it). uncounted_end returns e, or the error of the reset. */
static enum xerr uncounted_begin(struct db *db)
{
	return plain_query(db, "SET @xj_bulk_load = 1") ? map_error(db, mysql_errno(db->conn), mysql_error(db->conn), "SET @xj_bulk_load")
							 : XE_OK;
}

static enum xerr uncounted_end(struct db *db, enum xerr e)
{
	if (db->conn && plain_query(db, "SET @xj_bulk_load = NULL")) {
		enum xerr r = map_error(db, mysql_errno(db->conn), mysql_error(db->conn), "SET @xj_bulk_load = NULL");
		e = e != XE_OK ? e : r != XE_OK ? r : XE_INTERNAL;
		db_drop(db);
	}
	return e;
}

enum xerr db_load(struct db *db, const struct db_sql *q, const char *data, size_t len, unsigned flags,
		  unsigned long long *affected, unsigned *warnings)
{
	assert(db->in_tx); /* a lost connection mid-load must roll back the whole transaction */
	*affected = 0;
	*warnings = 0;
	enum xerr e = tx_check(db, q->sql); /* issue 15 item 2: never after a rollback nobody saw */
	if (e != XE_OK)
		return e;
	/* DB_LOAD_UNCOUNTED: the counter triggers (320) skip this one statement; the caller counts its rows set-based in
	 * the same transaction (issue 14 item 1) */
	if ((flags & DB_LOAD_UNCOUNTED) && (e = uncounted_begin(db)) != XE_OK)
		goto out;
	mem_src = (struct mem_infile){data, len, 0};
	if (mysql_real_query(db->conn, q->sql, (unsigned long)strlen(q->sql))) {
		e = map_error(db, mysql_errno(db->conn), mysql_error(db->conn), q->sql);
	} else {
		*affected = mysql_affected_rows(db->conn);
		*warnings = mysql_warning_count(db->conn);
	}
	mem_src = (struct mem_infile){0};
	if (flags & DB_LOAD_UNCOUNTED)
		e = uncounted_end(db, e);
out:
	if (e == XE_UNAVAILABLE && db->conn)
		db_drop(db);
	if (e != XE_OK && e != XE_DUPLICATE)
		db->tx_dead = 1;
	return e;
}

enum xerr db_exec_bulk(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nrows, size_t ncols,
		       unsigned long long *affected)
{
	enum xerr e = XE_OK;
	MYSQL_STMT *st = NULL;
	MYSQL_BIND *b = NULL;
	void **cols = NULL;
	if (nrows == 0)
		return XE_OK;
	if (db->in_tx && (e = tx_check(db, q->sql)) != XE_OK)
		goto out;
	e = db_ensure(db);
	if (e != XE_OK)
		goto out;
	e = get_stmt(db, q, &st);
	if (e != XE_OK)
		goto out;
	/* Column-wise arrays of values, lengths and indicators (MariaDB bulk array binding). */
	b = xcalloc(ncols, sizeof *b);
	cols = xcalloc(ncols * 3, sizeof *cols);
	for (size_t c = 0; c < ncols; c++) {
		char *ind = xcalloc(nrows, 1);
		cols[c * 3 + 2] = ind;
		int is_int = 1, any = 0;
		for (size_t r = 0; r < nrows; r++) {
			const struct db_arg *v = &args[r * ncols + c];
			if (v->t == DB_STR) { is_int = 0; any = 1; }
			if (v->t == DB_INT) any = 1;
		}
		(void)any;
		if (is_int) {
			long long *vals = xcalloc(nrows, sizeof *vals);
			for (size_t r = 0; r < nrows; r++) {
				const struct db_arg *v = &args[r * ncols + c];
				vals[r] = v->i;
				ind[r] = v->t == DB_NULL ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
			}
			cols[c * 3] = vals;
			b[c].buffer_type = MYSQL_TYPE_LONGLONG;
			b[c].buffer = vals;
		} else {
			char **ptrs = xcalloc(nrows, sizeof *ptrs);
			unsigned long *lens = xcalloc(nrows, sizeof *lens);
			for (size_t r = 0; r < nrows; r++) {
				const struct db_arg *v = &args[r * ncols + c];
				ptrs[r] = (char *)v->s;
				lens[r] = v->len;
				ind[r] = v->t == DB_NULL ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
			}
			cols[c * 3] = ptrs;
			cols[c * 3 + 1] = lens;
			b[c].buffer_type = MYSQL_TYPE_STRING;
			b[c].buffer = ptrs;
			b[c].length = lens;
		}
		b[c].u.indicator = ind;
	}
	unsigned int n = (unsigned int)nrows;
	if (mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &n) || mysql_stmt_bind_param(st, b) ||
	    mysql_stmt_execute(st)) {
		e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->sql);
		if (e == XE_UNAVAILABLE)
			db_drop(db);
		st = NULL;
		goto out;
	}
	if (affected)
		*affected = mysql_stmt_affected_rows(st);
out:
	if (st) {
		unsigned int one = 0;
		mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &one);
		if (mysql_stmt_reset(st) && e == XE_OK) { /* see tx_check */
			e = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->sql);
			if (e == XE_UNAVAILABLE)
				db_drop(db);
		}
	}
	if (db->in_tx && e != XE_OK && e != XE_DUPLICATE)
		db->tx_dead = 1;
	if (cols)
		for (size_t i = 0; i < ncols * 3; i++)
			free(cols[i]);
	free(cols);
	free(b);
	return e;
}

enum xerr db_exec_bulk_uncounted(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nrows,
				 size_t ncols, unsigned long long *affected)
{
	assert(db->in_tx); /* the rows are counted in the same transaction */
	enum xerr e = nrows ? tx_check(db, q->sql) : XE_OK;
	if (e != XE_OK || nrows == 0)
		return e;
	if ((e = uncounted_begin(db)) != XE_OK) {
		db->tx_dead = 1;
		return e;
	}
	return uncounted_end(db, db_exec_bulk(db, q, args, nrows, ncols, affected));
}

enum xerr db_begin(struct db *db)
{
	enum xerr e = db_ensure(db);
	if (e != XE_OK)
		return e;
	/* autocommit off rather than START TRANSACTION: after a rollback the client did not see (tx_check), the next
	 * statements open a new transaction that db_tx rolls back, instead of each committing on its own; the import's
	 * commit runs at READ COMMITTED (db_tx_read_committed, issue 14 item 4) */
	if ((db->read_committed && mysql_query(db->conn, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED")) ||
	    mysql_autocommit(db->conn, 0)) {
		e = map_error(db, mysql_errno(db->conn), mysql_error(db->conn), "SET autocommit=0");
		if (e == XE_UNAVAILABLE)
			db_drop(db);
		return e;
	}
	db->in_tx = 1;
	db->tx_dead = 0;
	return XE_OK;
}

enum xerr db_begin_read_committed(struct db *db)
{
	int was = db->read_committed;
	db->read_committed = 1;
	enum xerr e = db_begin(db);
	db->read_committed = was;
	return e;
}

/* Back to autocommit after COMMIT or ROLLBACK; a connection that cannot is dropped (a new one starts in autocommit). */
static void autocommit_on(struct db *db)
{
	if (db->conn && mysql_autocommit(db->conn, 1))
		db_drop(db);
}

enum xerr db_commit(struct db *db)
{
	assert(db->in_tx);
	if (!db->conn) {
		db->in_tx = db->tx_dead = 0;
		return XE_UNAVAILABLE;
	}
	enum xerr dead = tx_check(db, "COMMIT");
	if (dead != XE_OK) { /* never COMMIT what the server no longer holds as one transaction */
		db_rollback(db);
		return dead;
	}
	db->in_tx = 0;
	if (mysql_commit(db->conn)) {
		enum xerr e = map_error(db, mysql_errno(db->conn), mysql_error(db->conn), "COMMIT");
		if (e == XE_UNAVAILABLE)
			db_drop(db);
		else
			autocommit_on(db);
		return e;
	}
	autocommit_on(db);
	return XE_OK;
}

void db_rollback(struct db *db)
{
	db->in_tx = 0;
	db->tx_dead = 0;
	if (db->conn && mysql_rollback(db->conn) && is_conn_error(mysql_errno(db->conn)))
		db_drop(db);
	autocommit_on(db);
}

/* ---------------------------------------------------------------- request tokens (issue 12 item 2) */

/* the token row, inserted first in the transaction (lost = 0: it commits with it or not at all), and read back just
 * before COMMIT (the seal: a read, so the token is one row change of the writeset, not two; it was an UPDATE from an
 * in-flight mark, the same check with a write more per transaction, issue 15) */
static const struct db_sql Q_TX_TOKEN_PUT = {"INSERT INTO tx_token (token, lost) VALUES (UNHEX(?), 0)"};
static const struct db_sql Q_TX_TOKEN_SEAL = {"SELECT 1 FROM tx_token WHERE token = UNHEX(?)"};
static const struct db_sql Q_TX_TOKEN_SETTLE = {"INSERT INTO tx_token (token, lost) VALUES (UNHEX(?), 1)"};
static const struct db_sql Q_TX_TOKEN_GET = {"SELECT lost FROM tx_token WHERE token=UNHEX(?)"};

void db_test_commit_fault(struct db *db, int mode, int skip)
{
	db->commit_fault = mode;
	db->commit_fault_skip = skip;
}

void db_test_commit_fault_move(struct db *to, struct db *from)
{
	to->commit_fault = from->commit_fault;
	to->commit_fault_skip = from->commit_fault_skip;
	from->commit_fault = from->commit_fault_skip = 0;
}

const char *db_tx_token(const struct db *db)
{
	return db->tx_token;
}

int db_tx_token_expired(const char *token)
{
	char t[9]; /* the creation time: the first 4 bytes, big-endian seconds (db_tx) */
	memcpy(t, token, 8);
	t[8] = 0;
	unsigned long created = strtoul(t, NULL, 16);
	return (long long)time(NULL) - (long long)created > DB_TX_TOKEN_KEEP_SECONDS - 60;
}

void db_tx_token_copy(struct db *to, const struct db *from)
{
	memcpy(to->tx_token, from->tx_token, sizeof to->tx_token);
}

/* Settles a token (migration 222): the insert waits for a transaction that still holds the token (its COMMIT in flight
 * on a lost connection), then finds it committed (duplicate key, lost = 0) or stores it lost, so that the transaction
 * can never commit after "not committed" was answered. */
enum xerr db_tx_token_known(struct db *db, const char *token, int *found)
{
	*found = 0;
	enum xerr e = db_exec(db, NULL, &Q_TX_TOKEN_SETTLE, DB_ARGS(DBS(token)), NULL, NULL, NULL);
	if (e != XE_DUPLICATE)
		return e; /* XE_OK: it did not commit and now never will */
	struct arena a;
	struct db_rows rs;
	arena_init(&a, 256);
	e = db_exec(db, &a, &Q_TX_TOKEN_GET, DB_ARGS(DBS(token)), &rs, NULL, NULL);
	if (e == XE_OK && rs.n)
		*found = db_get_int(&rs, 0, 0) == 0;
	arena_free(&a);
	return e;
}

/* The token row inserted first is still there: the transaction the server holds is the one db_tx began (see
 * tx_check). Otherwise an unseen rollback cut it: XE_RETRY (db_tx rolls back what came after and runs it again). */
static enum xerr tx_seal(struct db *db)
{
	struct arena a;
	struct db_rows rs;
	arena_init(&a, 256);
	enum xerr e = db_exec(db, &a, &Q_TX_TOKEN_SEAL, DB_ARGS(DBS(db->tx_token)), &rs, NULL, NULL);
	size_t n = e == XE_OK ? rs.n : 0;
	arena_free(&a);
	if (e != XE_OK || n == 1)
		return e;
	log_error("db: the server rolled the transaction back unseen (token %s gone before COMMIT): run again", db->tx_token);
	db->tx_dead = 1;
	db->last_errno = ER_LOCK_DEADLOCK;
	db->retry_sql = Q_TX_TOKEN_SEAL.sql;
	return XE_RETRY;
}

/* COMMIT of a transaction that recorded db->tx_token. A connection lost at COMMIT leaves the outcome unknown: the
 * token is looked up on a fresh connection: present, it committed (XE_OK: fn's results stand, nothing is run again);
 * absent, it did not (XE_UNAVAILABLE: db_tx may run it again); not answerable, XE_OUTCOME_UNKNOWN. */
static enum xerr commit_known(struct db *db)
{
	enum xerr e;
	if (((db->commit_fault >= 1 && db->commit_fault <= 3) || db->commit_fault == 6) && db->commit_fault_skip > 0) {
		db->commit_fault_skip--; /* test hook: this COMMIT goes through; a later one is lost */
		e = db_commit(db);
	} else if (db->commit_fault == 1) { /* test hook: the COMMIT reaches the server, its answer is lost */
		db->commit_fault = 0;
		e = db_commit(db);
		db_drop(db);
		if (e == XE_OK)
			e = XE_UNAVAILABLE;
	} else if (db->commit_fault == 2) { /* test hook: the connection is lost before the COMMIT reaches the server */
		db->commit_fault = 0;
		db_rollback(db);
		db_drop(db);
		e = XE_UNAVAILABLE;
	} else if (db->commit_fault == 6) { /* test hook: every COMMIT is refused as a deadlock (db_tx's retries are spent) */
		db_rollback(db);
		db->last_errno = ER_LOCK_DEADLOCK;
		db->retry_sql = "COMMIT (test hook 6)";
		return XE_RETRY;
	} else if (db->commit_fault == 3) { /* test hook: the answer is lost and the server cannot be asked */
		db->commit_fault = 0;
		db_commit(db);
		db_drop(db);
		return XE_OUTCOME_UNKNOWN;
	} else {
		e = db_commit(db);
	}
	if (e != XE_UNAVAILABLE)
		return e;
	int found = 0;
	if (db_tx_token_known(db, db->tx_token, &found) != XE_OK) {
		log_error("db: connection lost at COMMIT and the server cannot be asked: outcome unknown (token %s)", db->tx_token);
		return XE_OUTCOME_UNKNOWN;
	}
	log_error("db: connection lost at COMMIT: token %s %s", db->tx_token, found ? "committed" : "not committed, run again");
	return found ? XE_OK : XE_UNAVAILABLE;
}

enum xerr db_tx(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx)
{
	enum xerr e = XE_OK;
	int lost = 0;
	int attempts = db->tx_once ? 1 : DB_TX_ATTEMPTS;
	for (int attempt = 0; attempt < attempts; attempt++) {
		/* the creation time (seconds, big-endian) then 12 random bytes: inserted in key order, purged by key range */
		unsigned char raw[16];
		uint32_t now = (uint32_t)time(NULL);
		raw[0] = (unsigned char)(now >> 24), raw[1] = (unsigned char)(now >> 16), raw[2] = (unsigned char)(now >> 8);
		raw[3] = (unsigned char)now;
		randombytes_buf(raw + 4, sizeof raw - 4);
		sodium_bin2hex(db->tx_token, sizeof db->tx_token, raw, sizeof raw);
		e = db_begin(db);
		if (e == XE_OK) {
			/* the token commits with the transaction's writes: their outcome can be asked after a lost COMMIT */
			e = db_exec(db, NULL, &Q_TX_TOKEN_PUT, DB_ARGS(DBS(db->tx_token)), NULL, NULL, NULL);
			if (e == XE_OK)
				e = fn(db, ctx);
			if (e == XE_OK)
				e = tx_seal(db);
			if (e == XE_OK)
				e = commit_known(db);
			else
				db_rollback(db);
		}
		if (e == XE_RETRY && attempt + 1 < attempts) {
			db_request_begin(db); /* a certification loser reads the winner's writes when it runs again */
			/* exponential back-off with jitter: 1, 2, 4 ... 256 ms, times 0.5-1.5 (about 1 s in all before the
			 * last attempt: 40 registrations of 20 clashing pairs at once, on a loaded host, spent the attempts
			 * within 64 ms steps and one answered 503) */
			long ms = 1L << (attempt < 8 ? attempt : 8);
			long ns = ms * 1000000L / 2 + (long)(rand() % 1000) * ms * 1000L;
			struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		if (e == XE_UNAVAILABLE && !lost) {
			lost = 1;  /* connection dropped mid-transaction (or at a COMMIT that did not commit): one fresh attempt */
			continue;
		}
		break;
	}
	if (e == XE_RETRY && !db->tx_once)
		log_error("db: transaction still deadlocking after retries (last: error %u in [%.200s])", db->last_errno,
			  db->retry_sql ? db->retry_sql : "?");
	return e;
}

enum xerr db_tx_once(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx)
{
	db->tx_once = 1;
	enum xerr e = db_tx(db, fn, ctx);
	db->tx_once = 0;
	return e;
}

enum xerr db_tx_read_committed(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx)
{
	db->read_committed = 1;
	enum xerr e = db_tx(db, fn, ctx);
	db->read_committed = 0;
	return e;
}

long long db_get_int(const struct db_rows *rs, size_t r, size_t c)
{
	const char *v = db_get(rs, r, c);
	return v ? strtoll(v, NULL, 10) : 0;
}

enum xerr db_ping(struct db *db)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		enum xerr e = db_ensure(db);
		if (e != XE_OK)
			return e;
		if (mysql_ping(db->conn) == 0)
			return XE_OK;
		db->last_errno = mysql_errno(db->conn);
		db_drop(db); /* stale connection: one fresh attempt */
	}
	return XE_UNAVAILABLE;
}

enum xerr db_schema_version(struct db *db, struct arena *a, long long *version)
{
	/* reachability by a ping (no statement), the version read once per connection; on a Galera cluster read by a
	 * statement each time (issue 15): a node outside the primary component answers a ping but refuses statements
	 * (1047), and health said "ok" while every other request failed; the refusal moves the process to a ready node */
	enum xerr e = db_ping(db);
	if (e != XE_OK)
		return e;
	if (db->schema_version < 0 || cfg.db_nodes) {
		struct db_rows rows;
		e = db_exec(db, a, &Q_SCHEMA_VERSION, DB_NOARGS, &rows, NULL, NULL);
		if (e != XE_OK)
			return e;
		db->schema_version = rows.n ? db_get_int(&rows, 0, 0) : 0;
	}
	*version = db->schema_version;
	return XE_OK;
}

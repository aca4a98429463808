/* db: the only place that talks to MariaDB: one connection per thread, statements prepared once per
 * connection (re-prepared after a reconnect), results copied into the request arena, transactions
 * retried on deadlock (1213) and lock wait timeout (1205). */
#ifndef XJ_DB_H
#define XJ_DB_H
#include <stddef.h>
#include <string.h>
#include "err.h"
#include "arena.h"

struct db;

/* A statement: declare as `static const struct db_sql Q_X = {"SELECT ... WHERE a=?"};` in a db_*.c file.
 * Its address is the key of the per-connection prepared-statement cache. */
struct db_sql {
	const char *sql;
};

enum db_type { DB_NULL = 0, DB_INT, DB_STR };
struct db_arg {
	enum db_type t;
	long long i;
	const char *s;
	unsigned long len;
};
#define DBI(x) ((struct db_arg){.t = DB_INT, .i = (long long)(x)})
#define DBSN(x, n) ((struct db_arg){.t = (x) ? DB_STR : DB_NULL, .s = (x), .len = (unsigned long)(n)})
#define DBS(x) DBSN((x), (x) ? strlen(x) : 0)
#define DBNULL ((struct db_arg){.t = DB_NULL})
/* DB_ARGS(a, b, c) expands to `array, count` for db_exec. */
#define DB_ARGS(...) ((const struct db_arg[]){__VA_ARGS__}), (sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

/* Result rows: cell r,c is cell[r*ncols+c] (NUL-terminated, NULL for SQL NULL), len likewise. Arena-owned. */
struct db_rows {
	size_t n, ncols;
	char **cell;
	unsigned long *len;
};
static inline const char *db_get(const struct db_rows *rs, size_t r, size_t c) { return rs->cell[r * rs->ncols + c]; }
long long db_get_int(const struct db_rows *rs, size_t r, size_t c);

/* Open a per-thread context (connects lazily). Owned by the caller; db_close frees it. */
struct db *db_open(void);
/* Bound every statement of db's next connections: the server must answer within seconds (read and write timeouts;
 * a stalled server then reads as a lost connection, XE_UNAVAILABLE). Default 60 s; request workers use
 * XJ_DB_REQUEST_TIMEOUT (issue 12 item 3). Call before db_ensure. */
void db_set_timeout(struct db *db, unsigned seconds);
void db_close(struct db *db);
/* Connect if not connected. XE_UNAVAILABLE if the server cannot be reached. */
enum xerr db_ensure(struct db *db);

/* Execute q with args. rows (may be NULL) receives the result set, allocated in a.
 * affected/insert_id may be NULL. Errors: XE_DUPLICATE (1062), XE_RETRY (1213/1205: roll back and
 * retry the transaction, see db_tx), XE_UNAVAILABLE (connection lost; outside a transaction a read, or a statement
 * that never ran, is sent again on a fresh connection; a write whose answer was lost is not, its outcome unknown: a
 * write that must be known runs in db_tx), XE_INTERNAL (logged; text never sent to clients). */
enum xerr db_exec(struct db *db, struct arena *a, const struct db_sql *q, const struct db_arg *args, size_t nargs,
		  struct db_rows *rows, unsigned long long *affected, unsigned long long *insert_id);
/* Close q's prepared statement on this connection (db_exec prepares it again). For a statement whose plan must be
 * chosen at each execution: MariaDB 10.11 runs a re-executed prepared loose index scan ("index for group-by") as a
 * plain range scan (measured: sql/407's bound read 72 index entries when just prepared, 58,231 when re-executed). */
void db_forget(struct db *db, const struct db_sql *q);

/* Bulk-load rows from the caller's memory (issue 14): q is a `LOAD DATA LOCAL INFILE 'xj:mem' INTO TABLE ...` with
 * fields terminated by tab, lines by newline, escaped by backslash (db_load_field writes a field so); the server reads
 * data[0..len) through the connection's local-infile handler, never a file. Inside a transaction. LOCAL turns row
 * errors into warnings and skips rows with duplicate keys, so: *affected receives the rows stored and *warnings the
 * server's warning count; the caller checks both (a skipped or changed row is its error).
 * DB_LOAD_UNCOUNTED: the counter triggers (sql/320) skip exactly this statement (@xj_bulk_load, reset after it whatever
 * happened; a connection that cannot reset it is closed), the caller counts the rows set-based in the same transaction. */
#define DB_LOAD_UNCOUNTED 1u
enum xerr db_load(struct db *db, const struct db_sql *q, const char *data, size_t len, unsigned flags,
		  unsigned long long *affected, unsigned *warnings);
/* Append s (len bytes; NULL writes \N) as a db_load field, escaped, followed by sep ('\t' or '\n'). */
struct sbuf;
void db_load_field(struct sbuf *b, const char *s, size_t len, char sep);

/* Execute q once per row with array binding (MariaDB bulk): args holds nrows*ncols values, row-major.
 * For INSERT/UPDATE/DELETE without result sets. */
enum xerr db_exec_bulk(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nrows, size_t ncols,
		       unsigned long long *affected);
/* db_exec_bulk inside a transaction with the counter triggers skipped for exactly this statement, as DB_LOAD_UNCOUNTED;
 * the caller counts its rows set-based in the same transaction. */
enum xerr db_exec_bulk_uncounted(struct db *db, const struct db_sql *q, const struct db_arg *args, size_t nrows,
				 size_t ncols, unsigned long long *affected);

/* Run fn(db, ctx) inside a transaction; commit on XE_OK, roll back otherwise; on XE_RETRY retry up to
 * 11 times with exponential back-off and jitter (1-64 ms). fn must be safe to re-run (it must not keep state across attempts
 * except through ctx, which it should reset). */
enum xerr db_tx(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx);
/* db_tx at READ COMMITTED (issue 14 item 4): locking reads lock the records they find and no gaps, so two imports of
 * different provinces do not block each other over index ranges; the caller makes up for the gaps it did not lock
 * (registry.c: the import's re-check after its commit). */
enum xerr db_tx_read_committed(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx);
/* db_tx with one attempt: XE_RETRY (a deadlock or a lock it would not wait for) is answered at once, not logged; for
 * work that can be left for later (housekeeping's counter fold). */
enum xerr db_tx_once(struct db *db, enum xerr (*fn)(struct db *db, void *ctx), void *ctx);
enum xerr db_begin(struct db *db);
/* db_begin of a READ COMMITTED transaction (the import's suspects check keeps its keys in one on its side connection) */
enum xerr db_begin_read_committed(struct db *db);
/* Issue 12 item 2: each db_tx attempt records a random request token (hex) in its transaction; after a connection lost
 * at COMMIT the token is looked up instead of running fn again (XE_OUTCOME_UNKNOWN when the server cannot be asked).
 * db_tx_token: the last attempt's token. db_tx_token_known: whether a token committed (tokens are kept a day); asking
 * settles it: it waits for a COMMIT still in flight, and a token found not committed can never commit afterwards. */
const char *db_tx_token(const struct db *db);
/* How long request tokens are kept (housekeeping removes older ones by the time each begins with). */
#define DB_TX_TOKEN_KEEP_SECONDS 86400
/* 1 when token (32 hex characters) began longer ago than can be answered: it may already be removed, so asking would
 * answer "not committed" for a write that was (db_tx_token_known settles an absent token as lost). A minute's margin
 * before DB_TX_TOKEN_KEEP_SECONDS. */
int db_tx_token_expired(const char *token);
/* A transaction run on a connection of its own (from) but answered on the request's (to): to's token becomes from's
 * last, so an outcome_unknown names the transaction that ran. */
void db_tx_token_copy(struct db *to, const struct db *from);
/* 1 inside db_tx (or between db_begin and db_commit/db_rollback). */
int db_in_tx(const struct db *db);
enum xerr db_tx_token_known(struct db *db, const char *token, int *found);
/* Test hook (XJ_TEST_HOOKS only): at the next COMMIT of db_tx lose the connection: 1 after the server committed,
 * 2 before it did, 3 after and the server cannot be asked; 4: no connection lost, but just before the request's
 * idempotency row the server rolls the transaction back unseen (a Galera brute-force abort whose error went unread,
 * issue 15); 5: the next INSERT outside a transaction runs and its answer is lost; 6: every COMMIT is refused as a
 * deadlock (XE_RETRY once db_tx's attempts are spent); 0 off. */
void db_test_commit_fault(struct db *db, int mode, int skip); /* skip: COMMITs let through first (modes 1-3, 6) */
/* The hook set on from (the request's connection) moves to to (a connection of its own for one transaction). */
void db_test_commit_fault_move(struct db *to, struct db *from);
enum xerr db_commit(struct db *db);
void db_rollback(struct db *db);

/* The EXPLAIN hook (XJ_TEST_HOOKS only, issue 13 item 1): while on, every SELECT db_exec runs is also EXPLAINed
 * with the same arguments; db_explain_take returns the rows as "table:type:key:rows" joined by ";" per row and
 * " | " per statement (arena a), and turns it off. analyze: ANALYZE instead (the SELECT runs twice), each row then
 * also ":r=N", the rows it read (an estimate of rows is only an estimate). */
void db_explain_begin(struct db *db, int analyze);
const char *db_explain_take(struct db *db, struct arena *a);

/* A request (or a job's unit of work) begins: on a Galera cluster its first statement waits for every commit the
 * cluster made before it (issue 15); nothing on a single server. */
void db_request_begin(struct db *db);

/* MariaDB error number of the last failure (0 if none). */
unsigned db_errno(const struct db *db);

/* Health: reachability by a protocol ping (reconnecting once if the connection went stale). */
enum xerr db_ping(struct db *db);
/* Ping, then the schema version (read once per connection, so a reconnect after a migration re-reads it). */
enum xerr db_schema_version(struct db *db, struct arena *a, long long *version);

#endif

/* config: settings from environment variables, read once at startup (defaults documented in README). */
#ifndef XJ_CONFIG_H
#define XJ_CONFIG_H

struct config {
	const char *listen;        /* XJ_LISTEN, FastCGI address host:port or unix path, default 127.0.0.1:9000 */
	int processes;             /* XJ_PROCESSES, worker processes, default 2 */
	int threads;               /* XJ_THREADS, threads per process, default 48 */
	const char *db_socket;     /* XJ_DB_SOCKET, unix socket (preferred when set) */
	const char *db_host;       /* XJ_DB_HOST, default 127.0.0.1 */
	int db_port;               /* XJ_DB_PORT, default 3306 */
	const char *db_nodes;      /* XJ_DB_NODES, a Galera cluster "host:port,host:port,...": replaces socket/host/port (issue 15) */
	const char *db_name;       /* XJ_DB_NAME, default xueji */
	const char *db_user;       /* XJ_DB_USER, default xueji */
	const char *db_password;   /* XJ_DB_PASSWORD, default empty */
	const char *access_log;    /* XJ_ACCESS_LOG, request log file, default stderr */
	const char *openapi_dir;   /* XJ_OPENAPI_DIR, folder of OpenAPI fragments, default fcgi/openapi */
	const char *data_dir;      /* XJ_DATA_DIR, evidence storage root, default var/data */
	int secure_cookies;        /* XJ_SECURE_COOKIES, 1 behind https, default 0 */
};

/* The process-wide configuration; valid after config_load. */
extern struct config cfg;
void config_load(void);
/* Any other setting: environment value or def (static strings; never freed). */
const char *config_str(const char *name, const char *def);
long config_int(const char *name, long def);

#endif

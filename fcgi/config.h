/* config: every setting of the service and its commands (XJ_* environment variables), in one table (config.c). */
#ifndef XJ_CONFIG_H
#define XJ_CONFIG_H

#include "workdays.h"
#include <stdio.h>

/* Most files one evidence upload may carry: the bound of an upload's arrays and of its route's body (api.h);
 * XJ_EVIDENCE_MAX_FILES may lower it, not raise it. */
#define EVIDENCE_MAX_FILES_CAP 10

struct config {
	const char *listen;        /* XJ_LISTEN */
	int processes;             /* XJ_PROCESSES */
	int threads;               /* XJ_THREADS */
	const char *db_socket;     /* XJ_DB_SOCKET (preferred when set) */
	const char *db_host;       /* XJ_DB_HOST */
	int db_port;               /* XJ_DB_PORT */
	const char *db_nodes;      /* XJ_DB_NODES, a Galera cluster: replaces socket/host/port (issue 15) */
	const char *db_name;       /* XJ_DB_NAME */
	const char *db_user;       /* XJ_DB_USER */
	const char *db_password;   /* XJ_DB_PASSWORD */
	const char *access_log;    /* XJ_ACCESS_LOG (NULL: stderr) */
	const char *openapi_dir;   /* XJ_OPENAPI_DIR */
	const char *data_dir;      /* XJ_DATA_DIR */
	int secure_cookies;        /* XJ_SECURE_COOKIES */
};

/* The process-wide configuration; valid after config_load. */
extern struct config cfg;
/* Reads and checks every setting once: a value that is not of its kind or outside its range is reported on stderr,
 * naming the variable, its value and what it allows, and config_load returns -1 (the caller stops: a mistyped value
 * is never replaced by the default in silence). An XJ_* variable the table does not know but within two letters of
 * a setting is reported as a warning (a mistyped name). An empty value is the default. 0 when every value is good. */
int config_load(void);
/* A setting's value (config_load's, else the table's default). name must be in the table (assert). Strings are the
 * environment's or the table's (never freed); NULL when a string setting has no default. */
const char *config_str(const char *name);
long config_int(const char *name);
/* Today in the registry's time zone (XJ_TZ_OFFSET_MINUTES): the one "today" of due dates, escalation, the counters
 * and the ID checks (idcheck_today); served to the app as GET /api/v1/rules' calendar.tz_offset_minutes. */
wd_day config_today(void);
/* The table as Markdown rows `| name | default | meaning |` (xueji --settings; README's configuration table). */
void config_print(FILE *f);

#endif

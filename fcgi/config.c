/* config: environment variables with defaults. */
#include "config.h"
#include <stdlib.h>

struct config cfg;

const char *config_str(const char *name, const char *def)
{
	const char *v = getenv(name);
	return (v && *v) ? v : def;
}

long config_int(const char *name, long def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	long x = strtol(v, &end, 10);
	return *end ? def : x;
}

void config_load(void)
{
	cfg.listen = config_str("XJ_LISTEN", "127.0.0.1:9000");
	cfg.processes = (int)config_int("XJ_PROCESSES", 2);
	cfg.threads = (int)config_int("XJ_THREADS", 48);
	cfg.db_socket = config_str("XJ_DB_SOCKET", NULL);
	cfg.db_host = config_str("XJ_DB_HOST", "127.0.0.1");
	cfg.db_port = (int)config_int("XJ_DB_PORT", 3306);
	cfg.db_nodes = config_str("XJ_DB_NODES", NULL);
	cfg.db_name = config_str("XJ_DB_NAME", "xueji");
	cfg.db_user = config_str("XJ_DB_USER", "xueji");
	cfg.db_password = config_str("XJ_DB_PASSWORD", "");
	cfg.access_log = config_str("XJ_ACCESS_LOG", NULL);
	cfg.openapi_dir = config_str("XJ_OPENAPI_DIR", "fcgi/openapi");
	cfg.data_dir = config_str("XJ_DATA_DIR", "var/data");
	cfg.secure_cookies = (int)config_int("XJ_SECURE_COOKIES", 0);
	if (cfg.processes < 1) cfg.processes = 1;
	if (cfg.threads < 1) cfg.threads = 1;
}

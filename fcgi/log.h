/* log: one JSON line per request to the access log, and error lines to stderr. Thread-safe. */
#ifndef XJ_LOG_H
#define XJ_LOG_H

/* Open the access log (path NULL = stderr); remember stderr's file, if it is one, for log_reopen. */
void log_open(const char *path);
/* Reopen the access log and stderr's file by their paths (after a log rotation renamed them). Not for a signal handler. */
void log_reopen(void);
/* One structured line: time, method, path, status, microseconds, user. Strings are JSON-escaped. */
void log_request(const char *method, const char *path, int status, long long usec, const char *user, const char *err_code);
/* An error or notice for operators (never sent to clients). printf-style; newlines in args are escaped. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Escape s as a JSON string body into out (always NUL-terminated, truncated to outsz). */
void log_escape(const char *s, char *out, unsigned long outsz);

#endif

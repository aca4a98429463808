/* log: access log lines (JSON) and error lines, each written with one write(2). */
#include "log.h"
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/time.h>

static int access_fd = 2;

void log_open(const char *path)
{
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd >= 0)
		access_fd = fd;
}

void log_escape(const char *s, char *out, unsigned long outsz)
{
	size_t o = 0;
	if (!outsz)
		return;
	for (; s && *s && o + 7 < outsz; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, outsz - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
}

static void now_iso(char *buf, size_t n)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + k, n - k, ".%03dZ", (int)(tv.tv_usec / 1000));
}

void log_request(const char *method, const char *path, int status, long long usec, const char *user, const char *err_code)
{
	char t[40], m[32], p[1024], u[200], e[64], line[1500];
	now_iso(t, sizeof t);
	log_escape(method, m, sizeof m);
	log_escape(path, p, sizeof p);
	log_escape(user ? user : "", u, sizeof u);
	log_escape(err_code ? err_code : "", e, sizeof e);
	int n = snprintf(line, sizeof line,
			 "{\"time\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":%d,\"us\":%lld,\"user\":\"%s\"%s%s%s}\n",
			 t, m, p, status, usec, u, *e ? ",\"error\":\"" : "", e, *e ? "\"" : "");
	if (n > 0)
		(void)!write(access_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void log_error(const char *fmt, ...)
{
	char msg[1024], esc[1400], t[40], line[1600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_escape(msg, esc, sizeof esc);
	now_iso(t, sizeof t);
	int n = snprintf(line, sizeof line, "{\"time\":\"%s\",\"pid\":%d,\"error\":\"%s\"}\n", t, (int)getpid(), esc);
	if (n > 0)
		(void)!write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

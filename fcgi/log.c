/* log: access log lines (JSON) and error lines, each written with one write(2). */
#include "log.h"
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>

static int access_fd = 2;
static const char *access_path;
static char error_path[4096]; /* stderr's file at start when it is one (make service-start: >>service.log) */

void log_open(const char *path)
{
	struct stat st;
	if (fstat(2, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n = readlink("/proc/self/fd/2", error_path, sizeof error_path - 1);
		error_path[n > 0 ? n : 0] = 0;
	}
	if (!path)
		return;
	access_path = path;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd >= 0)
		access_fd = fd;
}

/* The file at path becomes fd: dup3 swaps it at once, so a line another thread writes meanwhile goes whole to one file. */
static void reopen(const char *path, int fd, int flags)
{
	int nfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (nfd < 0 || dup3(nfd, fd, flags) < 0)
		log_error("cannot reopen %s: %s", path, strerror(errno));
	if (nfd >= 0)
		close(nfd);
}

void log_reopen(void)
{
	if (*error_path)
		reopen(error_path, 2, 0);
	if (access_path && access_fd != 2)
		reopen(access_path, access_fd, O_CLOEXEC);
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

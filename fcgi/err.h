/* err: the one error model: an enum mapped once to HTTP status, stable code and message. */
#ifndef XJ_ERR_H
#define XJ_ERR_H

enum xerr {
	XE_OK = 0,
	XE_BAD_REQUEST,        /* 400 malformed request */
	XE_BAD_JSON,           /* 400 body is not valid JSON */
	XE_BAD_UTF8,           /* 400 invalid UTF-8 */
	XE_UNAUTHENTICATED,    /* 401 no valid session or credential */
	XE_CSRF,               /* 403 missing or wrong CSRF token */
	XE_FORBIDDEN,          /* 403 role may not use this endpoint */
	XE_NOT_FOUND,          /* 404 no such object (or outside the caller's jurisdiction) */
	XE_NO_ROUTE,           /* 404 unknown path */
	XE_METHOD,             /* 405 method not allowed on this path */
	XE_CONFLICT,           /* 409 state changed or action not allowed now */
	XE_DUPLICATE,          /* 409 unique key taken */
	XE_TOO_LARGE,          /* 413 body over the route's limit */
	XE_URI_TOO_LONG,       /* 414 */
	XE_MEDIA_TYPE,         /* 415 wrong content type */
	XE_VALIDATION,         /* 422 a field is invalid */
	XE_RATE_LIMITED,       /* 429 too many attempts */
	XE_INTERNAL,           /* 500 bug; details only in the log */
	XE_UNAVAILABLE,        /* 503 database unreachable */
	XE_RETRY,              /* internal: deadlock or lock wait timeout, retry the transaction */
	XE_OUTCOME_UNKNOWN,    /* 503 the connection was lost at COMMIT and the outcome cannot be known now (issue 12) */
	XE_GONE,               /* 410 what was asked about is no longer kept (a request token past its retention) */
	XE__COUNT
};

/* HTTP status for an error (200 for XE_OK). */
int err_status(enum xerr e);
/* Stable machine code, e.g. "not_found". Static string. */
const char *err_code(enum xerr e);
/* Default message for the screens: Chinese (message) and English (message_en). Static strings. */
const char *err_message_zh(enum xerr e);
const char *err_message_en(enum xerr e);

#endif

/* err: the table mapping each error to HTTP status, code and default message. */
#include "err.h"
#include <assert.h>

static const struct { int status; const char *code, *message; } table[XE__COUNT] = {
	[XE_OK] = {200, "ok", "OK"},
	[XE_BAD_REQUEST] = {400, "bad_request", "The request is malformed."},
	[XE_BAD_JSON] = {400, "bad_json", "The body is not valid JSON."},
	[XE_BAD_UTF8] = {400, "bad_utf8", "The request contains invalid UTF-8."},
	[XE_UNAUTHENTICATED] = {401, "unauthenticated", "Please sign in."},
	[XE_CSRF] = {403, "csrf", "The request lacks a valid CSRF token."},
	[XE_FORBIDDEN] = {403, "forbidden", "Your role may not do this."},
	[XE_NOT_FOUND] = {404, "not_found", "No such object."},
	[XE_NO_ROUTE] = {404, "no_route", "No such endpoint."},
	[XE_METHOD] = {405, "method_not_allowed", "This method is not allowed here."},
	[XE_CONFLICT] = {409, "conflict", "The object changed or the action is not allowed now."},
	[XE_DUPLICATE] = {409, "duplicate", "This already exists."},
	[XE_TOO_LARGE] = {413, "too_large", "The request body is too large."},
	[XE_URI_TOO_LONG] = {414, "uri_too_long", "The request URI is too long."},
	[XE_MEDIA_TYPE] = {415, "unsupported_media_type", "Unsupported content type."},
	[XE_VALIDATION] = {422, "invalid", "A field is invalid."},
	[XE_RATE_LIMITED] = {429, "rate_limited", "Too many attempts; try again later."},
	[XE_INTERNAL] = {500, "internal", "Internal error."},
	[XE_UNAVAILABLE] = {503, "unavailable", "The service is temporarily unavailable."},
	[XE_RETRY] = {503, "unavailable", "The service is busy; try again."},
};

int err_status(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].status; }
const char *err_code(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].code; }
const char *err_message(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].message; }

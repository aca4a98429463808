/* err: the table mapping each error to HTTP status, code and default message in Chinese and English (the one place of these texts). */
#include "err.h"
#include <assert.h>

static const struct { int status; const char *code, *en, *zh; } table[XE__COUNT] = {
	[XE_OK] = {200, "ok", "OK", "成功"},
	[XE_BAD_REQUEST] = {400, "bad_request", "The request is malformed.", "请求格式有误。"},
	[XE_BAD_JSON] = {400, "bad_json", "The body is not valid JSON.", "提交的内容不是有效的 JSON。"},
	[XE_BAD_UTF8] = {400, "bad_utf8", "The request contains invalid UTF-8.", "提交的内容含有无法识别的字符（不是有效的 UTF-8）。"},
	[XE_UNAUTHENTICATED] = {401, "unauthenticated", "Please sign in.", "请先登录。"},
	[XE_CSRF] = {403, "csrf", "The request lacks a valid CSRF token.", "页面已过期，请刷新后重试。"},
	[XE_FORBIDDEN] = {403, "forbidden", "Your role may not do this.", "您的角色无权进行此操作。"},
	[XE_NOT_FOUND] = {404, "not_found", "No such object.", "没有找到该记录。"},
	[XE_NO_ROUTE] = {404, "no_route", "No such endpoint.", "系统没有此功能。"},
	[XE_METHOD] = {405, "method_not_allowed", "This method is not allowed here.", "此处不允许该操作。"},
	[XE_CONFLICT] = {409, "conflict", "The object changed or the action is not allowed now.", "记录已被他人更改，或当前不允许此操作，请刷新后重试。"},
	[XE_DUPLICATE] = {409, "duplicate", "This already exists.", "该记录已存在。"},
	[XE_TOO_LARGE] = {413, "too_large", "The request body is too large.", "提交的内容太大。"},
	[XE_URI_TOO_LONG] = {414, "uri_too_long", "The request URI is too long.", "查询条件太长。"},
	[XE_MEDIA_TYPE] = {415, "unsupported_media_type", "Unsupported content type.", "不支持的内容类型。"},
	[XE_VALIDATION] = {422, "invalid", "A field is invalid.", "填写的内容有误，请检查后重试。"},
	[XE_RATE_LIMITED] = {429, "rate_limited", "Too many attempts; try again later.", "尝试次数过多，请稍后再试。"},
	[XE_INTERNAL] = {500, "internal", "Internal error.", "系统内部错误，请稍后重试。"},
	[XE_UNAVAILABLE] = {503, "unavailable", "The service is temporarily unavailable.", "系统暂时不可用，请稍后重试。"},
	[XE_RETRY] = {503, "unavailable", "The service is busy; try again.", "系统繁忙，请稍后重试。"},
	[XE_OUTCOME_UNKNOWN] = {503, "outcome_unknown",
				"The connection to the database was lost while saving: whether it was saved is not known yet. Ask GET /api/v1/outcomes/{token} with the token before sending it again.",
				"保存时与数据库的连接中断，暂时无法确定是否已保存。请稍后用本次的 token 查询结果，再决定是否重新提交。"},
	[XE_GONE] = {410, "gone", "This is no longer kept.", "该记录已超过保存期限，无法查询。"},
};

int err_status(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].status; }
const char *err_code(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].code; }
const char *err_message_en(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].en; }
const char *err_message_zh(enum xerr e) { assert(e >= 0 && e < XE__COUNT); return table[e].zh; }

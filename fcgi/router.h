/* router: the static route table {method, path, handler, roles, max_body} and dispatch (404, 405+Allow, 401, 403, CSRF). */
#ifndef XJ_ROUTER_H
#define XJ_ROUTER_H
#include <stddef.h>
#include "http.h"

/* The table, in routes.c. */
extern const struct route routes[];
extern const size_t routes_count;

/* Find the route for r->method and r->path, filling r->route and path params.
 * On failure fills w (404 no_route, or 405 with Allow) and returns the error. */
enum xerr router_match(struct req *r, struct resp *w);
/* Authenticate, check role and CSRF, run the handler; always leaves a response in w. */
void router_run(struct req *r, struct resp *w);
/* Print the table (method path roles max_body), one route a line: used by tests. */
void router_print(void);

#endif

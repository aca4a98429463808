// rules.js: the service's limits and workflow table (GET /api/v1/rules, fetched once): the app's checks and its help
// are drawn from the one place of the rules (fcgi/filetype.h, fcgi/api.h, fcgi/routes.c, fcgi/workflow.c), not copies.
import { api } from './api.js';

let once = null;
/** The rules answer {limits, workflow: {transitions}}, fetched once per page load. @returns {Promise<any>} */
export function rules() {
  once ??= api('GET', '/api/v1/rules').catch((e) => { once = null; throw e; });
  return once;
}

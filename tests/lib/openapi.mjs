// openapi.mjs: every response an API test receives is checked against the service's OpenAPI document
// (fcgi/openapi/*.json, merged as the service serves it), so the document cannot drift from the service (issue 10).
// A small validator of the OpenAPI 3.0 schema subset the document uses; errors name the JSON path.
import { readFileSync, readdirSync } from 'node:fs';

const DIR = new URL('../../fcgi/openapi/', import.meta.url);

/** Merge b into a member by member (objects recursively, arrays appended), as fcgi/api_meta.c does. */
function merge(a, b) {
  for (const [k, v] of Object.entries(b)) {
    if (a[k] && typeof a[k] === 'object' && !Array.isArray(a[k]) && v && typeof v === 'object' && !Array.isArray(v)) merge(a[k], v);
    else if (Array.isArray(a[k]) && Array.isArray(v)) a[k].push(...v);
    else a[k] = v;
  }
  return a;
}

let DOC = null;
/** The merged document (read once). */
export function openapiDoc() {
  DOC ??= readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
    .reduce((d, f) => merge(d, JSON.parse(readFileSync(new URL(f, DIR), 'utf8'))), {});
  return DOC;
}

function deref(s) {
  let n = 0;
  while (s && s.$ref) {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    s = parts.reduce((o, p) => o?.[p], openapiDoc());
    if (!s || ++n > 20) throw new Error(`openapi: cannot resolve ${parts.join('/')}`);
  }
  return s;
}

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Errors of value v against schema s at JSON path p (empty when valid). */
export function validate(v, s, p = '$') {
  s = deref(s);
  if (!s || Object.keys(s).length === 0) return [];
  const out = [];
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : null; // 3.0 nullable, or 3.1 type lists
  if (v === null) return s.nullable || types?.includes('null') ? [] : [`${p}: null is not allowed`];
  if (s.allOf) for (const x of s.allOf) out.push(...validate(v, x, p));
  if (s.oneOf || s.anyOf) {
    const alts = s.oneOf || s.anyOf;
    if (!alts.some((x) => validate(v, x, p).length === 0)) out.push(`${p}: matches none of ${alts.length} alternatives`);
  }
  if (s.enum && !s.enum.includes(v)) out.push(`${p}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  const t = typeOf(v);
  if (types) {
    const ok = types.includes(t) || (types.includes('number') && (t === 'integer' || t === 'number'));
    if (!ok) return [...out, `${p}: ${t} where the document says ${types.join(' or ')}`];
  }
  if (t === 'string') {
    if (s.maxLength !== undefined && [...v].length > s.maxLength) out.push(`${p}: longer than ${s.maxLength}`);
    if (s.minLength !== undefined && [...v].length < s.minLength) out.push(`${p}: shorter than ${s.minLength}`);
    if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) out.push(`${p}: does not match ${s.pattern}`);
  }
  if (t === 'integer' || t === 'number') {
    if (s.minimum !== undefined && v < s.minimum) out.push(`${p}: below ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) out.push(`${p}: above ${s.maximum}`);
  }
  if (t === 'array' && s.items) v.forEach((x, i) => out.push(...validate(x, s.items, `${p}[${i}]`)));
  if (t === 'object') {
    for (const k of s.required || []) if (!(k in v)) out.push(`${p}: required member ${k} is missing`);
    for (const [k, x] of Object.entries(v)) {
      if (s.properties?.[k]) out.push(...validate(x, s.properties[k], `${p}.${k}`));
      else if (s.additionalProperties === false) out.push(`${p}: member ${k} is not in the document`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') out.push(...validate(x, s.additionalProperties, `${p}.${k}`));
    }
  }
  return out;
}

/** The operation of method + path (literal segments win over {templates}); null if the document has none. */
export function operationOf(method, path) {
  const segs = path.split('?')[0].split('/');
  let best = null, bestLiteral = -1;
  for (const [tpl, item] of Object.entries(openapiDoc().paths || {})) {
    const op = item[method.toLowerCase()];
    if (!op) continue;
    const ts = tpl.split('/');
    if (ts.length !== segs.length) continue;
    let literal = 0, ok = true;
    for (let i = 0; i < ts.length && ok; i++) {
      if (/^\{.+\}$/.test(ts[i])) ok = segs[i] !== '';
      else if (ts[i] === segs[i]) literal++;
      else ok = false;
    }
    if (ok && literal > bestLiteral) { best = { op, path: tpl }; bestLiteral = literal; }
  }
  return best;
}

/**
 * Check one response of the service against the document; returns the errors (empty when it conforms).
 * Rules: an /api/ response must belong to a documented operation (but the router's own 404 no_route and 405 answers
 * for paths and methods outside the table); a 2xx must be a documented status and, when it is JSON, have a schema it
 * satisfies; an error status (4xx/5xx) satisfies its documented schema, or the one error shape of every route.
 */
export function checkResponse(method, path, status, contentType, body) {
  if (!path.startsWith('/api/')) return [];
  const json = /application\/json/.test(contentType || '');
  const found = operationOf(method, path);
  const errorShape = () => (json ? validate(body, { $ref: '#/components/schemas/Error' }, '$') : [`${status} answered ${contentType}, not the JSON error shape`]);
  if (!found) {
    if (status === 404 || status === 405 || status === 413 || status === 414 || status === 400) return errorShape();
    return [`${method} ${path}: not an operation of the OpenAPI document (answered ${status})`];
  }
  const where = `${method} ${found.path} ${status}`;
  const r = deref(found.op.responses?.[String(status)] ?? found.op.responses?.default);
  if (!r) {
    if (status >= 400) return errorShape().map((e) => `${where}: ${e}`);
    return [`${where}: status not in the document`];
  }
  const schema = r.content?.['application/json']?.schema;
  if (!json) return status >= 400 && status !== 413 ? [`${where}: answered ${contentType}, not JSON`] : [];
  if (!schema) return status >= 400 ? errorShape().map((e) => `${where}: ${e}`) : [`${where}: the document gives no schema for this JSON answer`];
  return validate(body, schema).map((e) => `${where}: ${e}`);
}

#!/usr/bin/env node
// slowlog-top.mjs: where a bench's database time went, by statement (issue 14: the import's profile below its phases).
// Reads a MariaDB slow query log written with long_query_time=0 and prints the statements that took the most time in
// total, grouped by their text with literals replaced (numbers, quoted strings, JSON arrays), with count and mean.
// Usage: node slowlog-top.mjs SLOW.LOG [N=25]
import { readFileSync } from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: slowlog-top.mjs SLOW.LOG [N]');
  process.exit(2);
}
/** The statement's shape: literals out, whitespace folded, the first 110 characters. */
function shape(sql) {
  return sql
    .replace(/'(?:[^'\\]|\\.)*'/g, "'?'")
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 110);
}
const total = new Map();
let t = null;
let sql = '';
let all = 0;
/** Account the statement read so far. */
function flush() {
  if (t === null || !sql) return;
  const k = shape(sql);
  const e = total.get(k) || { s: 0, c: 0 };
  e.s += t;
  e.c += 1;
  total.set(k, e);
  all += t;
}
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.startsWith('# Query_time:')) {
    flush();
    t = Number(line.split(/\s+/)[2]);
    sql = '';
  } else if (line.startsWith('#') || /^(SET timestamp|use )/.test(line)) {
    continue;
  } else if (t !== null) {
    sql += ` ${line}`;
  }
}
flush();
console.log(`statements' time in total: ${all.toFixed(3)} s`);
for (const [k, e] of [...total].sort((a, b) => b[1].s - a[1].s).slice(0, Number(n)))
  console.log(`${e.s.toFixed(3).padStart(9)} s ${String(e.c).padStart(7)} x ${((1000 * e.s) / e.c).toFixed(2).padStart(8)} ms  ${k}`);

#!/usr/bin/env node
// walk.mjs: the cursor of page P of a list, reached as the app reaches it (issue 13 item 2): by following next_cursor
// from the first page. The limit is not part of a cursor, so the walk takes the list's largest page (STEP rows) and
// stops at row (P - 1) * SIZE; a list shorter than that gives the cursor of its last full page of SIZE rows instead.
//
// Usage: node walk.mjs BASE_URL COOKIE PATH PAGE SIZE STEP   (PATH without limit and cursor, e.g. /api/v1/students?)
// Prints "PAGE CURSOR REQUESTS" (PAGE: the page the cursor opens, 1 with an empty cursor when the list has one page).
// A walk stops after BENCH_WALK_SECONDS (default 180: at 10M the ministry's problem list answers in seconds a page) at
// the page it reached.

const [base, cookie, path, pageArg, sizeArg, stepArg] = process.argv.slice(2);
const page = Number(pageArg), size = Number(sizeArg), step = Number(stepArg);
const sep = path.includes('?') ? (path.endsWith('?') ? '' : '&') : '?';
let requests = 0;
const deadline = Date.now() + 1000 * Number(process.env.BENCH_WALK_SECONDS || 180);

/** GET one page of `limit` rows after `cursor`; returns the answer's body. */
async function get(limit, cursor) {
  requests++;
  const url = `${base}${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const r = await fetch(url, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

/** Follow the cursor for `rows` rows; returns {cursor, rows} reached (fewer rows when the list ends first). */
async function walk(rows) {
  let cursor = null, done = 0;
  while (done < rows && Date.now() < deadline) {
    const limit = Math.min(step, rows - done);
    const b = await get(limit, cursor);
    done += b.items.length;
    if (b.items.length < limit || !b.next_cursor) return { cursor: b.items.length === limit ? b.next_cursor : null, rows: done, end: true };
    cursor = b.next_cursor;
  }
  return { cursor, rows: done, end: false };
}

let w = await walk((page - 1) * size);
let reached = page;
if (!w.end && w.rows < (page - 1) * size) reached = Math.floor(w.rows / size) + 1; // out of time: the page reached
else if (w.end || !w.cursor) { // the list is shorter: the last full page of SIZE rows
  const lastStart = Math.floor(Math.max(0, w.rows - 1) / size) * size;
  reached = lastStart / size + 1;
  w = lastStart > 0 ? await walk(lastStart) : { cursor: '' };
}
process.stdout.write(`${reached} ${w.cursor || ''} ${requests}\n`);

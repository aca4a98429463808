// explain.mjs: the lists' EXPLAIN checks (issue 13 item 1, issue 17 item 4): the service EXPLAINs each SELECT of a
// request with its arguments when asked by the X-Test-Explain header (XJ_TEST_HOOKS only) and answers the rows in
// X-Explain ("table:type:key:rows", then ":index-only" when the key alone is read; ";" per row, " | " per statement).
// Asked "analyze", the service runs ANALYZE instead and each row ends in ":r=N", the rows it read.
import assert from 'node:assert/strict';

/** Parse X-Explain into rows {table, type, key, rows, indexOnly, read, raw} (read: ANALYZE's rows read, else null). */
export function explainRows(h) {
  return (h || '').split(' | ').flatMap((st) => st.split(';')).filter(Boolean).map((r) => {
    const [table, type, key, rows, ...extra] = r.split(':');
    const read = extra.find((x) => x.startsWith('r='));
    return { table, type: type.split('|')[0], key, rows: Number(rows) || 0, indexOnly: extra.includes('index-only'),
      read: read ? Number(read.slice(2)) : null, raw: r };
  });
}

/** The EXPLAIN of a list's first page and, when there is one, of its second by cursor (the keyset condition must stay
 * on the index too): [{url, rows, header}], each answered 200. */
export async function explainPages(client, path) {
  const out = [];
  for (const page of [1, 2]) {
    let url = path;
    if (page === 2) {
      const first = await client.get(path);
      if (!first.body?.next_cursor) continue;
      url = `${path}&cursor=${encodeURIComponent(first.body.next_cursor)}`;
    }
    const r = await client.get(url, { headers: { 'x-test-explain': '1' } });
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    const header = r.headers.get('x-explain');
    const rows = explainRows(header);
    assert.ok(rows.length > 0, `${url}: no EXPLAIN rows`);
    out.push({ url, rows, header });
  }
  return out;
}

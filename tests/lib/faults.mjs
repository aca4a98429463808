// faults.mjs: the write load and the after-fault checks shared by the fault suites (tests/faults, issue 12 item 8;
// tests/cluster, issue 15 item 4).
import { http, sql } from './api.mjs';
import { as, record, sameId, province, SCHOOLS } from './registry.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The write load: `clients` loops, each registering records until stopped; every write keeps its key and retries
 * with it (a lost answer is asked again, never guessed) for up to 60 s. */
export function load(clients) {
  const writes = []; // {rec, key, acked: {student_id, status} | null, attempts, last}
  let stop = false;
  const who = [
    async () => ({ c: await as('clerk_a'), school: SCHOOLS.a }),
    async () => ({ c: await as('clerk_b'), school: SCHOOLS.b }),
    async () => ({ c: await province('13'), school: SCHOOLS.c, batch: true }),
  ];
  const one = async (i) => {
    const { c, school, batch } = await who[i % who.length]();
    let n = 0;
    while (!stop) {
      n++;
      // every 7th write: the same resident number as an acked record of another school (an ID duplicate to detect)
      const prior = writes.filter((w) => w.acked && w.rec.school_code !== school.code);
      const rec = n % 7 === 0 && prior.length ? sameId(prior[prior.length - 1].rec, school) : record(school);
      const w = { rec, key: `fault-${process.pid}-${i}-${n}-${Math.random().toString(36).slice(2)}`, acked: null, attempts: 0, last: '', tries: [] };
      writes.push(w);
      const t0 = Date.now();
      while (!w.acked && Date.now() - t0 < 60000) {
        w.attempts++;
        const t1 = Date.now();
        try {
          const r = batch
            ? await c.post('/api/v1/students/batch', { records: [{ ...rec, idempotency_key: w.key }] })
            : await c.post('/api/v1/students', rec, { headers: { 'idempotency-key': w.key } });
          w.last = `${r.status}`;
          const out = batch && r.status === 200 ? r.body.results[0] : r.body;
          w.tries.push(`${new Date(t1).toISOString().slice(11, 23)}+${Date.now() - t1}ms ${r.status} ${out?.status ?? out?.error?.code ?? ''} ${out?.student_id ?? ''}`);
          if ((r.status === 200 || r.status === 201) && out && out.student_id && out.status !== 'error') w.acked = { student_id: out.student_id, status: out.status };
          else if (r.status < 500 && !(batch && r.status === 200)) { w.last += ` ${r.text.slice(0, 200)}`; break; } // refused: not a write
        } catch (e) { w.last = String(e.cause?.code ?? e.message); w.tries.push(`${new Date(t1).toISOString().slice(11, 23)} ${w.last}`); }
        if (!w.acked) await sleep(100);
      }
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
  return { writes, stop: async () => { stop = true; await running; } };
}

/** ms until a health check and a write both succeed again. */
export async function recovery(t0, limit = 60000) {
  const c = await as('clerk_a');
  for (;;) {
    try {
      const h = await http('GET', '/api/v1/health');
      if (h.status === 200) {
        const w = await c.get('/api/v1/queue');
        if (w.status === 200) return Date.now() - t0;
      }
    } catch { /* nginx or the service is away */ }
    if (Date.now() - t0 > limit) throw new Error('no recovery within ' + limit + ' ms');
    await sleep(50);
  }
}


/** Every acknowledged write exactly once, no write stored twice, every ID duplicate detected, the §6 invariants. */
export function verify(writes) {
  // every acknowledged write exactly once, and no write stored twice
  const W = writes;
  const nums = [...new Set(W.map((w) => w.rec.id_number))];
  const stored = new Map(); // id_number|school|name (one write's record) -> [ids]
  for (let i = 0; i < nums.length; i += 500) {
    const list = nums.slice(i, i + 500).map((n) => `'${n}'`).join(',');
    for (const [id, n, sc, nm] of sql(`SELECT s.id, s.id_number, u.code, s.name FROM student s JOIN unit u ON u.id = s.school_id
      WHERE s.id_number IN (${list}) AND s.status <> 'deleted'`)) {
      const k = `${n}|${sc}|${nm}`;
      stored.set(k, [...(stored.get(k) ?? []), Number(id)]);
    }
  }
  const acked = W.filter((w) => w.acked);
  const lost = acked.filter((w) => !(stored.get(`${w.rec.id_number}|${w.rec.school_code}|${w.rec.name}`) ?? []).includes(w.acked.student_id));
  const doubled = [...stored.entries()].filter(([, ids]) => ids.length > 1);
  const unanswered = W.filter((w) => !w.acked);
  // every live resident number held by two or more records is in an open ID-duplicate group (R7, R9)
  const undetected = sql(`SELECT s.id_number FROM student s WHERE s.id_type='1' AND s.status<>'deleted' AND s.id_number IN (${nums.map((n) => `'${n}'`).join(',')})
    GROUP BY s.id_number HAVING COUNT(*) > 1 AND COUNT(*) > (SELECT COUNT(*) FROM group_member m JOIN problem_group g ON g.id=m.group_id
    JOIN student t ON t.id=m.student_id WHERE g.type='id_dup' AND t.id_number=s.id_number AND m.state NOT IN ('deleted','changed','closed'))`);
  // §6 invariants over every group: a done group has no pending member; outside arbitration an ID duplicate has at
  // most one standing member; one upheld at most; a member's record exists
  const inv = sql(`SELECT 'done_with_pending', g.id FROM problem_group g JOIN group_member m ON m.group_id=g.id
      WHERE g.state='done' AND m.state IN ('unconfirmed','open','awaiting_leader','awaiting_review')
    UNION ALL SELECT 'two_standing', g.id FROM problem_group g JOIN group_member m ON m.group_id=g.id
      WHERE g.type='id_dup' AND g.state<>'awaiting_arbitration' AND m.state IN ('approved','upheld') GROUP BY g.id HAVING COUNT(*) > 1
    UNION ALL SELECT 'two_upheld', g.id FROM problem_group g JOIN group_member m ON m.group_id=g.id
      WHERE m.state='upheld' GROUP BY g.id HAVING COUNT(*) > 1
    UNION ALL SELECT 'member_without_record', m.id FROM group_member m LEFT JOIN student s ON s.id=m.student_id WHERE s.id IS NULL
    UNION ALL SELECT 'open_group_without_pending', g.id FROM problem_group g WHERE g.state='open' AND NOT EXISTS
      (SELECT 1 FROM group_member m WHERE m.group_id=g.id AND m.state IN ('unconfirmed','open','awaiting_leader','awaiting_review','approved'))`);

  return { W, acked, lost, doubled, unanswered, undetected, inv };
}

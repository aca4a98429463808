// recheck-readers.test.mjs: issue 14 item 4: the re-check after an import's commit reads the file's keys in chunks on
// several connections at once (fcgi/registry.c readers_run: chunks t, t + n, ...; the last reader on the import's own
// connection). With chunks of 2 keys (the test hook test_recheck_chunk) the clashes lie in the chunks of every reader,
// not only the first's: each one planted across two provinces' files, which neither import could see, ends up in a
// problem group the ministry lists (R7, R9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlCount, whileHeld } from '../lib/api.mjs';
import { as, province, record, SCHOOLS, csv, upload, sameId } from '../lib/registry.mjs';

const IDS = 16, NBGS = 4;

test('R7 R9 issue 14 item 4: two provinces import at the same time, blind to each other; the re-check read by several readers in chunks of 2 keys puts every cross-province clash, in whichever reader\'s chunk, in a problem group', async () => {
  // every ID number of both files clashes across the provinces (so every chunk of numbers holds a clash, whatever
  // order the re-check reads them in), and four name+gender+birth keys of records without an ID number (R7: type Z)
  const hebei = Array.from({ length: IDS }, () => record(SCHOOLS.a));
  const shandong = hebei.map((r) => sameId(r, SCHOOLS.d));
  for (let i = 0; i < NBGS; i++) {
    const z = record(SCHOOLS.a, { id_type: 'Z', id_number: '' });
    hebei.push(z);
    shandong.push(record(SCHOOLS.d, { name: z.name, gender: z.gender, birth_date: z.birth_date, id_type: 'Z', id_number: '' }));
  }
  // another transaction holds both schools, so each import stops at its school check after its own look-ups (which
  // find nothing of the other file): neither import groups a clash; only a re-check after both commits can
  const [a, d] = [SCHOOLS.a, SCHOOLS.d].map((x) => sqlCount(`SELECT id FROM unit WHERE code='${x.code}'`));
  const [p13, p37] = [await province('13'), await province('37')];
  const ups = await whileHeld(`SELECT id FROM unit WHERE id IN (${a}, ${d}) FOR UPDATE`, () => Promise.all([
    upload(p13, csv(hebei), { dryRun: false, query: '&test_recheck_chunk=2' }),
    upload(p37, csv(shandong), { dryRun: false, query: '&test_recheck_chunk=2' }),
  ]), 2);
  for (const u of ups) {
    assert.equal(u.status, 201, u.text);
    assert.equal(u.body.state, 'done', JSON.stringify(u.body.error));
    assert.equal(u.body.rows_created, IDS + NBGS);
    assert.equal(u.body.error, null, 'the re-check finished');
  }
  // what users see: the ministry's problem list holds one group per planted clash, of the two provinces' records
  const ministry = await as('ministry');
  const groupOf = async (query, type, pair) => {
    const r = await ministry.get(`/api/v1/groups?${query}&type=${type}&state=open`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 1, `one open ${type} group for ${query}`);
    const g = r.body.items[0];
    assert.deepEqual(g.members.map((m) => `${m.school.code} ${m.name}`).sort(), pair.map((x) => `${x.school_code} ${x.name}`).sort());
  };
  for (let i = 0; i < IDS; i++) await groupOf(`id_number=${hebei[i].id_number}`, 'id_dup', [hebei[i], shandong[i]]);
  for (let i = IDS; i < IDS + NBGS; i++)
    await groupOf(`name=${encodeURIComponent(hebei[i].name)}&name_match=exact`, 'nbg_dup', [hebei[i], shandong[i]]);
});

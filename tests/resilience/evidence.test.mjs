// evidence.test.mjs (resilience): issue 6, R23 "an accepted file must never be lost": workers are killed with
// SIGKILL while uploads are in flight; afterwards no evidence row lacks its complete content, no file under a
// content name (the only names ever served) is partial, and every upload answered 201 is whole.
// Like the other resilience tests it kills service processes, so it must not run beside other suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { http, VARDIR, until, Client, sql } from '../lib/api.mjs';
import { uniqueJpeg, upload, download, dataFiles, contentPath, sha256, MAX_FILE } from '../lib/evidence.mjs';

const servicePid = () => Number(readFileSync(`${VARDIR}/run/service.pid`, 'utf8'));
const alive = (pid) => { try { return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim()); } catch { return false; } };
/** Live worker pids (none while the supervisor is between a kill and the restart). */
const workers = () => {
  try { return execFileSync('pgrep', ['-P', String(servicePid())], { encoding: 'utf8' }).trim().split('\n').map(Number).filter(alive); } catch { return []; }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('R23 kill -9 during uploads: no row without its complete content, no partial file under a content name', async () => {
  const c = await Client.login('clerk_e');
  const answers = [];
  for (let round = 0; round < 2; round++) {
    const inflight = Array.from({ length: 6 }, async (_, i) => {
      const parts = Array.from({ length: 4 }, (_, k) => ({ filename: `r${round}-${i}-${k}.jpg`, data: uniqueJpeg(undefined, MAX_FILE - k) }));
      const r = await upload(c, parts).catch((e) => ({ status: 0, text: String(e) }));
      answers.push({ parts, r });
    });
    // early kills cut most uploads; later ones let some commit first (either outcome must keep the invariant)
    for (const delay of round === 0 ? [30, 80, 150] : [300, 600]) {
      await sleep(delay);
      for (const w of workers()) { try { process.kill(w, 'SIGKILL'); } catch { /* already gone */ } }
    }
    await Promise.all(inflight);
    await until(async () => (await http('GET', '/api/v1/health')).status === 200, 10000);
  }
  const statuses = answers.map((a) => a.r.status);
  assert.ok(statuses.every((s) => [201, 502, 503, 0].includes(s)), `statuses ${statuses}: ${answers.map((a) => a.r.text.slice(0, 200)).join(" | ")}`);

  // every upload answered 201 is stored whole and can be downloaded
  for (const { parts, r } of answers.filter((a) => a.r.status === 201)) {
    assert.equal(r.body.length, parts.length);
    for (let k = 0; k < parts.length; k++) {
      assert.equal(r.body[k].sha256, sha256(parts[k].data));
      const d = await download(c, r.body[k].id);
      assert.equal(d.status, 200);
      assert.equal(sha256(d.buf), r.body[k].sha256);
    }
  }
  // every row in the table has its complete content (the commit comes after fsync + rename)
  for (const [hex, size] of sql('SELECT LOWER(HEX(sha256)), size FROM evidence')) {
    const buf = readFileSync(contentPath(hex));
    assert.equal(buf.length, Number(size), hex);
    assert.equal(sha256(buf), hex);
  }
  // every file under a content name is complete; only temp files (never served) may be left by a kill
  const files = dataFiles();
  for (const f of files) {
    const name = f.split('/').pop();
    if (name.startsWith('.tmp-')) continue;
    assert.match(f, /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/, f);
    assert.equal(sha256(readFileSync(`${VARDIR}/data/${f}`)), name, `${f} is complete`);
  }
  console.log(`# uploads: ${statuses.filter((s) => s === 201).length} stored, ${statuses.filter((s) => s !== 201).length} cut by kill -9; `
    + `temp files left: ${files.filter((f) => f.includes('.tmp-')).length}`);
});

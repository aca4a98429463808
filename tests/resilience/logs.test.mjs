// logs.test.mjs: log rotation (README "Log rotation"): once access.log and service.log are renamed, SIGUSR1 to the
// service makes the supervisor and every worker write to new files at the same paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { http, VARDIR, until } from '../lib/api.mjs';

const servicePid = () => Number(readFileSync(`${VARDIR}/run/service.pid`, 'utf8'));
const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

test('SIGUSR1 reopens the logs: after a rename, every process writes to the new files', async () => {
  const log = `${VARDIR}/log`;
  const pid = servicePid();
  const processes = 1 + execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').length;
  renameSync(`${log}/access.log`, `${log}/access.log.1`);
  renameSync(`${log}/service.log`, `${log}/service.log.1`);
  process.kill(pid, 'SIGUSR1');
  await until(() => read(`${log}/service.log`).split('logs reopened').length - 1 === processes, 5000, 50);

  const path = `/api/v1/rotated-${Date.now()}`;
  for (let i = 0; i < 8; i++) assert.equal((await http('GET', path)).status, 404);
  await until(() => read(`${log}/access.log`).split(`"path":"${path}"`).length - 1 === 8, 5000, 50);
  assert.ok(!read(`${log}/access.log.1`).includes(path), 'no line in the renamed file');
  assert.equal((await http('GET', '/api/v1/health')).status, 200, 'and the service serves on');
});

// browser.mjs: start Debian's chromium through playwright-core with the flags this machine needs.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:18080';
export const SHOTS = join(process.env.XJ_VARDIR || tmpdir(), 'screenshots');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

/** Launch chromium (playwright gives it a fresh temporary user-data-dir); use browser.newContext() per user. */
export async function launchBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
}

/** Launch chromium with an explicit fresh user-data-dir; returns the persistent context (close it when done). */
export async function launch() {
  const dir = mkdtempSync(join(tmpdir(), 'xj-chromium-'));
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    args: ARGS,
  });
}

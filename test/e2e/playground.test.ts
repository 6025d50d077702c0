/**
 * The playground as a newcomer meets it: `npm start` with no Slack credentials, a real browser on
 * the page, and only what the page offers by its accessible roles (the "Playground" row of the
 * contract). The whole journey: a production key requested, approved by someone else, revealed,
 * hidden again by the durable timer (live, no reload), used, its usage read, rotated, revoked by
 * on-call, and verify then says REVOKED.
 *
 * KEYOPS_SCREENSHOTS=docs/playground keeps a screenshot of each step for the README.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { spawnKeyops, type KeyopsProcess } from '../support/keyopsProcess';
import { createDevServerEnv } from '../support/temporal';

const DISPLAY_SECONDS = 8;
const shots = process.env.KEYOPS_SCREENSHOTS ? path.resolve(process.env.KEYOPS_SCREENSHOTS) : mkdtempSync(path.join(tmpdir(), 'keyops-shots-'));
const dataDir = mkdtempSync(path.join(tmpdir(), 'keyops-playground-'));

let database: TestDatabase;
let temporal: Awaited<ReturnType<typeof createDevServerEnv>>;
let keyops: KeyopsProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [database, temporal, browser] = await Promise.all([createTestDatabase(), createDevServerEnv(), launchBrowser()]);
  keyops = await spawnKeyops({
    entry: 'keyops',
    // No SLACK_* variable at all: that is what turns the playground on.
    env: { PORT: '0', DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, KEYOPS_DATA_DIR: dataDir, KEY_DISPLAY_SECONDS: String(DISPLAY_SECONDS) },
    readyTimeoutMs: 120_000,
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await keyops?.stop();
  await temporal?.teardown();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const shoot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const log = () => page.getByRole('log');

async function actAsPersona(name: string): Promise<void> {
  const select = page.getByRole('combobox', { name: 'Acting as' });
  const value = await select.locator('option', { hasText: `${name} — ` }).getAttribute('value');
  await select.selectOption(value as string);
}

async function type(text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

async function verify(key: string): Promise<Record<string, unknown>> {
  const token = await page.locator('#verify-token').innerText();
  const res = await fetch(`${keyops.url}/v1/keys/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  return (await res.json()) as Record<string, unknown>;
}

it('walks a key from request to revocation in the browser, by roles only', async () => {
  await page.goto(`${keyops.url}/`);
  await page.getByText('This page plays Slack for keyops').waitFor();
  expect(await page.getByText(/placeholder ids/).isVisible()).toBe(true);

  // A developer asks for a production key; the modal's own rules first (Reason is required there).
  await actAsPersona('Dana');
  await type('/apikey new');
  const form = page.getByRole('dialog', { name: 'New API key' });
  await form.getByLabel('Name').fill('Payments service');
  await form.getByLabel('Environment').selectOption('production');
  await form.getByLabel('Expires in').locator('option', { hasText: '365d' }).waitFor({ state: 'attached' });
  await form.getByRole('button', { name: 'Create' }).click();
  await form.locator('[aria-invalid="true"]').waitFor();
  expect(await form.getByLabel('Name').inputValue()).toBe('Payments service');
  await form.getByLabel('Reason').fill('Charging cards for the shop');
  await shoot('01-new-key');
  await form.getByRole('button', { name: 'Create' }).click();
  await form.waitFor({ state: 'detached' });
  await page.getByRole('tab', { name: 'Messages' }).click();
  await log().getByText('needs approval').waitFor();

  // Someone else approves it.
  await actAsPersona('Priya');
  await page.getByRole('tab', { name: 'Messages' }).click();
  await log().getByRole('button', { name: 'Approve' }).click();
  await log().getByText(/Approved by/).waitFor();
  await shoot('02-approved');

  // The owner reveals it once; the page shows it "only visible to you".
  await actAsPersona('Dana');
  await page.getByRole('tab', { name: /keyops-demo/ }).click();
  await log().getByRole('button', { name: 'Reveal key' }).click();
  const revealed = log().locator('article', { hasText: 'copy your key now' });
  await revealed.waitFor();
  expect(await revealed.innerText()).toContain('Only visible to you');
  const key = /ko_live_[A-Za-z0-9]+_[A-Za-z0-9]+/.exec(await revealed.innerText())?.[0] as string;
  const masked = /ko_live_…[A-Za-z0-9]{4}/.exec(await revealed.innerText())?.[0] as string;
  expect(key).toBeDefined();
  await shoot('03-revealed');

  // The durable timer replaces the message; the page follows without a reload.
  const reloads: string[] = [];
  page.on('framenavigated', (frame) => reloads.push(frame.url()));
  await eventually(async () => !(await log().innerText()).includes(key), { timeoutMs: (DISPLAY_SECONDS + 30) * 1000, what: 'the key to disappear' });
  expect(reloads).toEqual([]);
  await shoot('04-hidden');

  // The page's own token and curl line work with the key.
  expect(await page.locator('#curl').innerText()).toContain(await page.locator('#verify-token').innerText());
  for (let i = 0; i < 3; i++) expect(await verify(key)).toMatchObject({ valid: true, code: 'VALID' });
  // Verifications are counted in memory and written about once a second: ask until they are in.
  const usage = log().locator('article', { hasText: 'Usage of Payments service' });
  await eventually(async () => {
    const before = await usage.count();
    await type(`/apikey usage ${masked}`);
    await eventually(async () => (await usage.count()) > before, { timeoutMs: 10_000, what: 'a usage message' });
    return /\b3 requests\b/.test(await usage.last().innerText());
  }, { timeoutMs: 30_000, what: 'usage to show 3 requests' });
  await usage.last().scrollIntoViewIfNeeded();
  await shoot('05-usage');

  // Rotation: a production key needs an approver again, as a new one would.
  await type(`/apikey rotate ${masked}`);
  const rotate = page.getByRole('dialog', { name: 'Rotate key' });
  await rotate.getByLabel('Grace period').selectOption({ label: '1h' });
  await rotate.getByRole('button', { name: 'Rotate' }).click();
  await rotate.waitFor({ state: 'detached' });
  await actAsPersona('Priya');
  await page.getByRole('tab', { name: 'Messages' }).click();
  await log().getByRole('button', { name: 'Approve' }).click();
  await actAsPersona('Dana');
  await page.getByRole('tab', { name: /keyops-demo/ }).click();
  await log().getByRole('button', { name: 'Reveal key' }).click();
  await log().getByText('copy your key now').waitFor();
  await shoot('06-rotated');
  expect(await verify(key)).toMatchObject({ valid: true });

  // The grace period's "Revoke old now" asks first (Slack's confirm dialog); Back changes nothing.
  await page.getByRole('tab', { name: 'Messages' }).click();
  await log().getByRole('button', { name: 'Revoke old now' }).last().click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke the old key?' });
  await confirm.getByText('stops working at once').waitFor();
  await shoot('06b-confirm');
  await confirm.getByRole('button', { name: 'Back' }).click();
  await confirm.waitFor({ state: 'detached' });
  expect(await verify(key)).toMatchObject({ valid: true });

  // On-call revokes the old key, with a reason; verify says REVOKED.
  await actAsPersona('Omar');
  await type(`/apikey revoke ${masked}`);
  const revoke = page.getByRole('dialog', { name: 'Revoke API key' });
  await revoke.getByLabel('Reason').fill('Seen in a public gist');
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Key revoked' }).waitFor();
  await shoot('07-revoked');
  await page.getByRole('dialog', { name: 'Key revoked' }).getByRole('button', { name: 'Done' }).click();
  expect(await verify(key)).toMatchObject({ valid: false, code: 'REVOKED' });

  // App Home, behind its tab: the owner's keys, published when the tab opens.
  await actAsPersona('Dana');
  await page.getByRole('tab', { name: 'Home' }).click();
  await page.getByRole('tabpanel', { name: 'Home' }).getByText('Payments service').first().waitFor();
  await shoot('08-home');
});

it('is off as soon as Slack credentials are set', async () => {
  const withSlack = await spawnKeyops({
    entry: 'keyops',
    env: {
      PORT: '0', DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporal.address, KEYOPS_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-real-workspace', SLACK_SIGNING_SECRET: 'a-real-signing-secret', SLACK_API_URL: 'http://127.0.0.1:9/api/',
    },
    readyTimeoutMs: 120_000,
  });
  try {
    expect((await fetch(`${withSlack.url}/`)).status).toBe(404);
    expect((await fetch(`${withSlack.url}/playground/session`)).status).toBe(404);
    expect(withSlack.logs.join('\n')).not.toContain('the playground plays Slack');
  } finally {
    await withSlack.stop();
  }
}, 180_000);

it('answers only this machine and only JSON posts', async () => {
  // A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own Host.
  const foreign = await new Promise<number>((resolve, reject) => {
    http.get(`${keyops.url}/playground/session`, { headers: { host: 'evil.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
  expect(foreign).toBe(403);
  const form = await fetch(`${keyops.url}/playground/command`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=U0DEMODEV1&text=/apikey+help' });
  expect(form.status).toBe(415);
  const other = await fetch(`${keyops.url}/playground/click`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'U0DEMODEV2', actionId: 'reveal_key', messageTs: '1.000001' }),
  });
  expect(other.status).toBe(400);
  expect(keyops.logs.join('\n')).toContain('the playground plays Slack at http://127.0.0.1:');
});

import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import { chromium, Browser } from 'playwright-core';
import { createApp, App } from '../../src/app';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer } from '../support/factories';
import { READ_SCOPES } from '../../src/modules/partners';
import { describeIf } from '../support/requirements';

// Debian's chromium (`.ci/run` installs it). Without it the test says so and is skipped, unless REQUIRE_BROWSER_TEST is set.
const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER_TEST)
  throw new Error(
    `REQUIRE_BROWSER_TEST is set but ${CHROMIUM} is missing: apt-get install chromium`,
  );
const describeWithBrowser = describeIf({
  met: haveBrowser,
  reason: `needs Chromium at ${CHROMIUM} (apt-get install chromium)`,
});

describeWithBrowser('GraphiQL in a real browser, offline', () => {
  let t: TestApp;
  let app: App;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createCustomer(t, { givenName: 'Ida', familyName: 'Browser' });
    const key = await t.keyWith([...READ_SCOPES, 'pii:read']);
    app = await createApp(t.database.config, t.database.db, { ideKey: key });
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    app?.httpServer.close();
    await t?.close();
  });

  it('loads from the server alone with the ready operations as tabs, runs the customer-page tab with the key in its headers and shows the result', async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    // Every address but loopback is unreachable; anything the page tries to fetch from elsewhere is noted and refused.
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
        return route.continue();
      elsewhere.push(route.request().url());
      return route.abort('addressunreachable');
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/graphql`, { waitUntil: 'load' });
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ timeout: 30_000 });
    // The ready operations open as tabs, titled by operation name; the first, the customer page, is in front.
    const tabs = (await page.locator('.graphiql-tab').allInnerTexts()).map((text) => text.trim());
    expect(tabs).toEqual(
      expect.arrayContaining(['CustomerPage', 'CustomerList', 'RecordOrder', 'LoyaltyProgram']),
    );
    const graphqlResponse = page.waitForResponse(
      (res) =>
        res.url() === `${base}/graphql` &&
        res.request().method() === 'POST' &&
        (res.request().postData() ?? '').includes('LAST_ORDER_DATE'),
    );
    await run.click();
    const response = await graphqlResponse;
    expect(response.status()).toBe(200);
    expect((await response.json()).data.customers.nodes[0]).toMatchObject({
      fullName: 'Ida Browser',
      email: expect.stringContaining('@example.com'),
    });
    await page.locator('.graphiql-response').getByText('Ida Browser').waitFor({ timeout: 15_000 });
    // The editor shows non-breaking spaces and wraps long lines.
    const shown = (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
    expect(shown).toContain('"fullName": "Ida Browser"');
    expect(shown).not.toContain('"errors"');
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});

import { isPrivateAddress, parseWebhookUrl } from '../../../src/modules/webhooks/webhook-address';
import { RETRY_MULTIPLES, retryDelayMs } from '../../../src/modules/webhooks/webhook-retry';

describe('webhook addresses', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::192.168.0.1',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('takes only https in production, and no credentials', () => {
    const production = { allowPrivate: false, httpsOnly: true };
    expect(() => parseWebhookUrl('http://example.com/', production)).toThrow(/https/);
    expect(() => parseWebhookUrl('ftp://example.com/', production)).toThrow(/http or https/);
    expect(() => parseWebhookUrl('https://u:p@example.com/', production)).toThrow(/credentials/);
    expect(parseWebhookUrl('https://example.com/h', production).hostname).toBe('example.com');
  });
});

describe('webhook retry schedule', () => {
  it('grows at every step whatever the jitter, and lasts about a day at the default base', () => {
    const low = (n: number) => retryDelayMs(n, 5000, () => 0);
    const high = (n: number) => retryDelayMs(n, 5000, () => 1);
    for (let n = 2; n < RETRY_MULTIPLES.length; n += 1) {
      if (RETRY_MULTIPLES[n - 1] > RETRY_MULTIPLES[n - 2])
        expect(low(n)).toBeGreaterThan(high(n - 1));
    }
    const total = RETRY_MULTIPLES.reduce((sum, m) => sum + m * 5000, 0);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(26);
    expect(retryDelayMs(1, 5000, () => 0.5)).toBe(5000);
  });
});

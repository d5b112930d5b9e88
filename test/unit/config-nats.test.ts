import { ConfigError, loadConfig } from '../../src/config';

describe('NATS configuration', () => {
  it('is off by default, with the C360 stream, the c360 prefix and no personal data', () => {
    const config = loadConfig({});
    expect(config.natsUrl).toBeNull();
    expect(config.natsStream).toBe('C360');
    expect(config.natsSubjectPrefix).toBe('c360');
    expect(config.natsPersonalData).toBe(false);
  });

  it('takes a nats:// URL and refuses anything else', () => {
    expect(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' }).natsUrl).toBe('nats://127.0.0.1:4222');
    expect(() => loadConfig({ NATS_URL: 'http://127.0.0.1:4222' })).toThrow(ConfigError);
  });

  it('refuses a stream name or a subject prefix NATS would not take', () => {
    expect(() => loadConfig({ NATS_STREAM: 'c360.events' })).toThrow(/NATS_STREAM/);
    expect(() => loadConfig({ NATS_SUBJECT_PREFIX: 'c360.>' })).toThrow(/NATS_SUBJECT_PREFIX/);
    expect(loadConfig({ NATS_SUBJECT_PREFIX: 'shop1.c360' }).natsSubjectPrefix).toBe('shop1.c360');
  });
});

import { loadConfig } from './load-config';

describe('securityAlerts configuration', () => {
  it('has the detector’s defaults and takes its thresholds from the environment', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).securityAlerts).toEqual({
      accountFailures: 5,
      accountWindowSeconds: 900,
      ipFailures: 20,
      ipWindowSeconds: 900,
      deniedBurst: 10,
      deniedWindowSeconds: 300,
      knownAddressDays: 30,
      groupWindowSeconds: 86400,
      mailIntervalSeconds: 300,
    });
    const tuned = loadConfig({ NODE_ENV: 'test', SECURITY_ALERT_ACCOUNT_FAILURES: '8', SECURITY_ALERT_IP_FAILURES: '50', SECURITY_ALERT_DENIED_BURST: '25', SECURITY_ALERT_KNOWN_ADDRESS_DAYS: '90', SECURITY_ALERT_MAIL_INTERVAL_SECONDS: '0' });
    expect(tuned.securityAlerts).toMatchObject({ accountFailures: 8, ipFailures: 50, deniedBurst: 25, knownAddressDays: 90, mailIntervalSeconds: 0 });
  });

  it('refuses a threshold that is not a positive whole number, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', SECURITY_ALERT_ACCOUNT_FAILURES: '0' })).toThrow(/SECURITY_ALERT_ACCOUNT_FAILURES/);
    expect(() => loadConfig({ NODE_ENV: 'test', SECURITY_ALERT_IP_FAILURES: 'many' })).toThrow(/SECURITY_ALERT_IP_FAILURES/);
    expect(() => loadConfig({ NODE_ENV: 'test', SECURITY_ALERT_MAIL_INTERVAL_SECONDS: '-1' })).toThrow(/SECURITY_ALERT_MAIL_INTERVAL_SECONDS/);
  });
});

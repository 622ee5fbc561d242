import { X509Certificate } from 'node:crypto';
import { selfSignedCertificate, serialNumber } from './self-signed-certificate';

describe(selfSignedCertificate.name, () => {
  it('makes a certificate that verifies with its own key and carries the given validity', () => {
    const notBefore = new Date('2026-12-01T00:00:00Z');
    const { certificatePem, privateKeyPem } = selfSignedCertificate('gatehouse sp', notBefore, 10);
    const certificate = new X509Certificate(certificatePem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.subject).toBe('CN=gatehouse sp');
    expect(new Date(certificate.validTo).toISOString()).toBe('2026-12-11T00:00:00.000Z');
    expect(privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });
});

describe(serialNumber.name, () => {
  it('is a minimal, positive DER integer whatever the random bytes, so no certificate is malformed', () => {
    for (const first of [0x00, 0x01, 0x3f, 0x7f, 0x80, 0xff]) {
      const random = Buffer.alloc(16, 0x00);
      random[0] = first;
      const serial = serialNumber(random);
      expect(serial).toHaveLength(16);
      expect(serial[0]).toBeGreaterThanOrEqual(0x40);
      expect(serial[0]).toBeLessThanOrEqual(0x7f);
    }
  });
});

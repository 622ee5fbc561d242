import { X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed-certificate';

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

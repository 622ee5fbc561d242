import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// Minimal DER, enough for one self-signed certificate: SAML peers pin the certificate
// itself, so no CA, extensions or chain are needed, and Node has no certificate builder.
function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const head =
    length < 0x80 ? Buffer.from([length]) : length < 0x100 ? Buffer.from([0x81, length]) : length < 0x10000 ? Buffer.from([0x82, length >> 8, length & 0xff]) : Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), head, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
const oid = (dotted: string) => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
};
const utf8 = (value: string) => der(0x0c, Buffer.from(value, 'utf8'));
const time = (date: Date) => der(0x18, Buffer.from(date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+/, ''), 'ascii'));
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), der(0x05, Buffer.alloc(0)));

/**
 * A certificate serial from random bytes. A DER INTEGER must be minimal and this one must be
 * positive: a leading 0x00 byte (1 serial in 256) made a certificate that strict parsers
 * refuse, so the top byte is kept in 0x40–0x7f.
 */
export function serialNumber(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** A new RSA-2048 key and a self-signed SHA-256 certificate for it, both PEM. */
export function selfSignedCertificate(commonName: string, notBefore: Date, validDays: number): { privateKeyPem: string; certificatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = serialNumber(randomBytes(16));
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName.slice(0, 64)))));
  const notAfter = new Date(notBefore.getTime() + validDays * 86_400_000);
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    SHA256_RSA,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = seq(tbs, SHA256_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = certificate.toString('base64').match(/.{1,64}/g)!.join('\n');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certificatePem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
  };
}

export function certificateFingerprint(pem: string): string {
  const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(body).digest('hex');
}

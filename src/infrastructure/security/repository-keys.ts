import { createHash } from 'node:crypto';

/**
 * SHA-256 of every encryption key that has appeared in this repository (decoded bytes, so
 * the same key written as hex or base64 matches too). Anyone with the source has them, so
 * production refuses them. Fingerprints rather than the keys: the list outlives the files
 * the keys were removed from without shipping the keys again.
 */
const REPOSITORY_KEY_FINGERPRINTS = new Set([
  // the former development key of config/development.json
  '53a085c6846232e58848a233475e2458c61420b82dbb7b414bcb3c1d7016dd4b',
  // the test key of config/test.json
  '3c2c7cec6e232caf8d75c22d56ace829db571605102fbf3eb4368e16440f3c42',
  // the keys of secret-box.spec.ts
  'aeb278da2d457fa3825910320ee7beb89b09033b20fd73ea8e7cbd01eccdfa48',
  '601cf00dbbc35e484e4018aac27f82e4f221ad5f9ad1b52aa78a16ceede6ac65',
]);

export function isRepositoryKey(key: Buffer): boolean {
  return REPOSITORY_KEY_FINGERPRINTS.has(createHash('sha256').update(key).digest('hex'));
}

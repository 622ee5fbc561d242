import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionKeyFileError, readOrCreateKeyFile } from './encryption-key-file';

describe(readOrCreateKeyFile.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-keyfile-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the folders and a 0600 file of 32 random bytes even under a permissive umask, and leaves no temporary file', () => {
    const previous = process.umask(0);
    try {
      const file = join(dir, 'nested/var/encryption.key');
      const created = readOrCreateKeyFile(file);
      expect(created).toMatchObject({ path: file, created: true });
      expect(created.key).toHaveLength(32);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'nested/var'))).toEqual(['encryption.key']);
      expect(readOrCreateKeyFile(file)).toEqual({ key: created.key, path: file, created: false });
    } finally {
      process.umask(previous);
    }
  });

  it('refuses a file its group or others may read, naming ENCRYPTION_KEY_FILE', () => {
    const file = join(dir, 'encryption.key');
    readOrCreateKeyFile(file);
    for (const mode of [0o640, 0o604, 0o660]) {
      chmodSync(file, mode);
      expect(() => readOrCreateKeyFile(file)).toThrow(EncryptionKeyFileError);
      expect(() => readOrCreateKeyFile(file)).toThrow(new RegExp(`^ENCRYPTION_KEY_FILE ${file} .*mode 0${mode.toString(8)}.*chmod 600`));
    }
  });

  it('refuses a file that holds no key, without echoing what it holds', () => {
    const file = join(dir, 'encryption.key');
    writeFileSync(file, 'hunter2-not-a-key\n', { mode: 0o600 });
    expect(() => readOrCreateKeyFile(file)).toThrow(/^ENCRYPTION_KEY_FILE .* does not hold a valid key/);
    expect(() => readOrCreateKeyFile(file)).not.toThrow(/hunter2/);
    expect(readFileSync(file, 'utf8')).toBe('hunter2-not-a-key\n');
  });
});

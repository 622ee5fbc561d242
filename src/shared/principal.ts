/** The authenticated caller of a request, as the authentication guard established it. */
export interface Principal {
  userId: string;
  organizationId: string;
  role: string;
  platformOperator: boolean;
  sessionId: string | null;
  /** Set when the caller authenticated with a personal API key. */
  apiKeyId: string | null;
}

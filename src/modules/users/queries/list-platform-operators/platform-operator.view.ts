/** A platform operator as the operators' list shows them. */
export interface PlatformOperatorView {
  userId: string;
  email: string | null;
  name: string | null;
  grantedBy: string | null;
  grantedAt: Date;
}

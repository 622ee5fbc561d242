import { Injectable } from '@nestjs/common';
import { CommonPasswords } from '../domain/common-passwords';
import { checkPassword, WeakPasswordError, type PasswordPolicy } from '../domain/password-policy';
import { PolicyStore } from './policy-store';

/** Checks a new password against the organization's password policy and the common list. */
@Injectable()
export class PasswordRules {
  private common: CommonPasswords | null = null;

  constructor(private readonly policies: PolicyStore) {}

  /** Throws WeakPasswordError naming `field` once per broken rule; returns the policy applied. */
  async assertAcceptable(organizationId: string, password: string, email: string | null, field = 'password'): Promise<PasswordPolicy> {
    const policy = (await this.policies.get(organizationId)).document.password;
    // loaded on first use: 100,000 entries, once per process
    this.common ??= new CommonPasswords();
    const broken = checkPassword(password, { policy, email, common: this.common });
    if (broken.length) throw new WeakPasswordError(broken, policy, field);
    return policy;
  }
}

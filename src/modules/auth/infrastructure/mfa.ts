import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SecretBox } from '../../../infrastructure/security/secret-box';
import { Clock } from '../../../shared/clock';
import { DomainError } from '../../../shared/domain-error';
import { IdGenerator } from '../../../shared/ids';
import { UserAccounts } from '../../users';
import { generateRecoveryCodes, hashRecoveryCode } from '../domain/recovery-codes';
import { RecoveryCode } from '../domain/recovery-code.entity';
import { generateTotpSecret, otpauthUri, verifyTotp } from '../domain/totp';
import { UserMfa } from '../domain/user-mfa.entity';

export type MfaMethod = 'totp' | 'recovery_code';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export class InvalidMfaCodeError extends DomainError {
  constructor() {
    super('AUTH.INVALID_MFA_CODE', 'invalid', 'The code is not valid', [{ field: 'code', message: 'is not a current code or an unused recovery code' }]);
  }
}

/** TOTP and recovery codes, used inside a command's transaction (its EntityManager). */
@Injectable()
export class Mfa {
  private readonly recoveryKey: Buffer;

  constructor(
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly users: UserAccounts,
  ) {
    this.recoveryKey = box.deriveKey('recovery-codes');
  }

  async find(em: EntityManager, userId: string, lock = false): Promise<UserMfa | null> {
    return em.findOne(UserMfa, { userId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  }

  /** Starts (or restarts, while unconfirmed) a TOTP enrolment. */
  async beginEnrolment(em: EntityManager, user: { id: string; organizationId: string; email: string | null }, issuer: string): Promise<TotpEnrolment> {
    const existing = await this.find(em, user.id, true);
    if (existing?.enabled) throw new DomainError('MFA.ALREADY_ENABLED', 'conflict', 'Two-factor authentication is already on; turn it off first');
    const secret = generateTotpSecret(randomBytes(20));
    const sealed = this.box.seal(secret, user.id);
    if (existing) existing.restart(sealed, this.clock.now());
    else em.persist(UserMfa.begin({ userId: user.id, organizationId: user.organizationId, sealedSecret: sealed, now: this.clock.now() }));
    return { secret, otpauthUri: otpauthUri({ secretBase32: secret, issuer, accountName: user.email ?? user.id }) };
  }

  /** Confirms an enrolment with a first code; returns fresh recovery codes (shown once). */
  async confirmEnrolment(em: EntityManager, user: { id: string; organizationId: string }, code: string): Promise<string[]> {
    const mfa = await this.find(em, user.id, true);
    if (!mfa || mfa.enabled) throw new DomainError('MFA.NO_ENROLMENT', 'conflict', 'Start an enrolment first');
    const check = verifyTotp(this.box.open(mfa.totpSecretSealed, user.id), code.trim(), this.clock.now());
    if (!check.ok) throw new InvalidMfaCodeError();
    mfa.confirm(check.step, this.clock.now());
    await this.users.setMfaEnabled(em, user.id, true);
    return this.replaceRecoveryCodes(em, user);
  }

  /** Accepts a current TOTP code (never one already used) or an unused recovery code. */
  async verify(em: EntityManager, userId: string, rawCode: string): Promise<MfaMethod | null> {
    const mfa = await this.find(em, userId, true);
    if (!mfa?.enabled) return null;
    const code = rawCode.replace(/\s+/g, '');
    if (/^\d{6}$/.test(code)) {
      const check = verifyTotp(this.box.open(mfa.totpSecretSealed, userId), code, this.clock.now(), { lastUsedStep: mfa.lastUsedStep });
      if (!check.ok) return null;
      mfa.useStep(check.step);
      return 'totp';
    }
    const recovery = await em.findOne(RecoveryCode, { userId, codeHash: hashRecoveryCode(code, this.recoveryKey), usedAt: null });
    if (!recovery) return null;
    recovery.usedAt = this.clock.now();
    return 'recovery_code';
  }

  async replaceRecoveryCodes(em: EntityManager, user: { id: string; organizationId: string }): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { userId: user.id });
    const codes = generateRecoveryCodes((bytes) => randomBytes(bytes));
    codes.forEach((code) =>
      em.persist(RecoveryCode.of({ id: this.ids.uuid(), organizationId: user.organizationId, userId: user.id, codeHash: hashRecoveryCode(code, this.recoveryKey) })),
    );
    return codes;
  }

  /** Removes the factor and its recovery codes (the caller records why). */
  async remove(em: EntityManager, userId: string): Promise<boolean> {
    const removed = await em.nativeDelete(UserMfa, { userId });
    await em.nativeDelete(RecoveryCode, { userId });
    await this.users.setMfaEnabled(em, userId, false);
    return removed > 0;
  }
}

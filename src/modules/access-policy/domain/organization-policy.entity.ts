import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent } from '../../../shared/domain-event';
import { DEFAULT_POLICY, type PolicyDocument } from './policy-document';

/** JSON with object keys sorted: PostgreSQL's jsonb hands a stored document back in an order of its own. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** What the change's event notes besides the documents. */
export interface ChangeNote {
  /** The administrator confirmed a change that locks them out. */
  selfLockoutConfirmed?: boolean;
}

/** An organization's policy document; absent until first saved (the defaults apply). */
@Entity({ tableName: 'policies' })
@TenantOwned()
export class OrganizationPolicy {
  @PrimaryKey({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'json' })
  document!: PolicyDocument;

  @Property({ type: 'integer', version: true })
  version!: number;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(organizationId: string, document: PolicyDocument, now: Date, note: ChangeNote = {}): OrganizationPolicy {
    const policy = new OrganizationPolicy();
    policy.organizationId = organizationId;
    policy.document = document;
    policy.updatedAt = now;
    // the organization ran on the defaults until now
    policy.recordChange(DEFAULT_POLICY, document, note);
    return policy;
  }

  replace(document: PolicyDocument, now: Date, note: ChangeNote = {}): void {
    const before = this.document;
    this.document = document;
    this.updatedAt = now;
    this.recordChange(before, document, note);
  }

  private recordChange(saved: Partial<PolicyDocument>, after: PolicyDocument, note: ChangeNote): void {
    // a document saved before a section existed ran on that section's defaults
    const before: PolicyDocument = { ...DEFAULT_POLICY, ...saved };
    const changed = (Object.keys(after) as (keyof PolicyDocument)[]).filter(
      (section) => canonical(before[section]) !== canonical(after[section]),
    );
    recordEvent(this, {
      type: 'policy.updated',
      organizationId: this.organizationId,
      subject: { type: 'policy', id: this.organizationId },
      // policies hold no personal data beyond user and team ids: auditors see both whole documents
      payload: { changedSections: changed, before, after, ...(note.selfLockoutConfirmed ? { selfLockoutConfirmed: true } : {}) },
    });
  }
}

import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { recordEvent } from '../../../shared/domain-event';
import { InvalidInputError } from '../../../shared/domain-error';

/** The tenant. Its id scopes every tenant-owned record. */
@Entity({ tableName: 'organizations' })
export class Organization {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text', unique: true })
  slug!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'json' })
  settings: Record<string, unknown> & Opt = {};

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(input: { id: string; slug: string; name: string; now: Date; createdBy: string | null }): Organization {
    const organization = new Organization();
    organization.id = input.id;
    organization.slug = input.slug;
    organization.name = input.name.trim();
    organization.settings = {};
    organization.createdAt = input.now;
    organization.updatedAt = input.now;
    recordEvent(organization, {
      type: 'organization.created',
      organizationId: organization.id,
      subject: { type: 'organization', id: organization.id },
      payload: { slug: organization.slug, name: organization.name, createdBy: input.createdBy },
    });
    return organization;
  }

  get auditRetentionDays(): number | null {
    const days = this.settings.auditRetentionDays;
    return typeof days === 'number' ? days : null;
  }

  /**
   * Renames, re-slugs or changes settings; records `organization.updated` with the changed
   * fields before and after, or nothing when nothing changed. Answers the changed fields.
   */
  update(changes: OrganizationChanges, by: string | null, now: Date): (keyof OrganizationChanges)[] {
    const current: Required<OrganizationChanges> = { name: this.name, slug: this.slug, auditRetentionDays: this.auditRetentionDays };
    const changed = (Object.keys(changes) as (keyof OrganizationChanges)[]).filter(
      (key) => changes[key] !== undefined && changes[key] !== current[key],
    );
    if (!changed.length) return [];
    if (changes.auditRetentionDays !== undefined) {
      const days = changes.auditRetentionDays;
      if (days !== null && (!Number.isInteger(days) || days < AUDIT_RETENTION_DAYS.min || days > AUDIT_RETENTION_DAYS.max)) {
        throw new InvalidInputError(
          'ORGANIZATIONS.BAD_RETENTION',
          'settings.auditRetentionDays',
          `settings.auditRetentionDays must be a whole number of days from ${AUDIT_RETENTION_DAYS.min} to ${AUDIT_RETENTION_DAYS.max}, or null to keep forever`,
        );
      }
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of changed) {
      before[key] = current[key];
      after[key] = changes[key];
    }
    if (changes.name !== undefined) this.name = changes.name.trim();
    if (changes.slug !== undefined) this.slug = changes.slug;
    if (changes.auditRetentionDays !== undefined) this.settings = { ...this.settings, auditRetentionDays: changes.auditRetentionDays };
    this.updatedAt = now;
    recordEvent(this, {
      type: 'organization.updated',
      organizationId: this.id,
      subject: { type: 'organization', id: this.id },
      payload: { changed, before, after, updatedBy: by },
    });
    return changed;
  }
}

export interface OrganizationChanges {
  name?: string;
  slug?: string;
  /** Days the audit read models keep; null keeps them forever. */
  auditRetentionDays?: number | null;
}

/** Sane bounds for a read model's retention: a month at least (an investigation's window), ten years at most. */
export const AUDIT_RETENTION_DAYS = { min: 30, max: 3650 } as const;

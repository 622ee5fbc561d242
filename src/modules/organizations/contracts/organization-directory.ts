import { Injectable } from '@nestjs/common';
import { HotReads } from '../../../infrastructure/database/hot-reads';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Organization } from '../domain/organization.entity';

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  version: number;
  settings: { auditRetentionDays: number | null };
}

export function summary(organization: Organization): OrganizationSummary {
  return {
    id: organization.id,
    slug: organization.slug,
    name: organization.name,
    createdAt: organization.createdAt,
    version: organization.version,
    settings: { auditRetentionDays: organization.auditRetentionDays },
  };
}

/** Looks organizations up for other modules (sign-in by slug, invitation pages). */
@Injectable()
export class OrganizationDirectory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hot: HotReads,
  ) {}

  /** On every password sign-in: one prepared statement on the pool, no unit of work. */
  async findBySlug(slug: string): Promise<OrganizationSummary | null> {
    const [row] = await this.hot.rows<{ id: string; slug: string; name: string; created_at: Date; version: number; retention: number | null }>(
      'organizations.by_slug',
      `select id, slug, name, created_at, version, (settings->>'auditRetentionDays')::int as retention from organizations where slug = $1`,
      [slug.trim().toLowerCase()],
    );
    return row
      ? { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at, version: row.version, settings: { auditRetentionDays: row.retention } }
      : null;
  }

  /** Organizations whose audit read models expire, with their retention in days (the retention job's list). */
  async withAuditRetention(): Promise<{ id: string; auditRetentionDays: number }[]> {
    const organizations = await this.uow.reader(null).find(Organization, {}, { orderBy: { id: 'asc' } });
    return organizations.flatMap((o) => (o.auditRetentionDays === null ? [] : [{ id: o.id, auditRetentionDays: o.auditRetentionDays }]));
  }

  /** Every organization, with when it was made (the weekly digest's round). */
  async all(): Promise<{ id: string; createdAt: Date }[]> {
    const rows = await this.uow.reader(null).getConnection().execute<{ id: string; created_at: Date }[]>('select id, created_at from organizations order by id', [], 'all');
    return rows.map((row) => ({ id: row.id, createdAt: new Date(row.created_at) }));
  }

  async findById(id: string): Promise<OrganizationSummary | null> {
    const organization = await this.uow.reader(null).findOne(Organization, { id });
    return organization ? summary(organization) : null;
  }
}

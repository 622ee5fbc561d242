import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';
import { recordEvent } from '../../../shared/domain-event';
import { InvalidTransitionError } from './team-errors';
import { EMPTY_DASHBOARD, type DashboardLayout } from './dashboard-layout';

/** A team, or a department when others sit under it (parentId). */
@Entity({ tableName: 'teams' })
@TenantOwned()
export class Team {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  parentId: string | null = null;

  @Property({ type: 'json' })
  dashboard: DashboardLayout & Opt = EMPTY_DASHBOARD;

  @Property({ type: 'Date', nullable: true })
  archivedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version!: number & Opt;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static create(input: { id: string; organizationId: string; name: string; description: string | null; parentId: string | null; now: Date }): Team {
    const team = new Team();
    Object.assign(team, { ...input, createdAt: input.now, updatedAt: input.now });
    recordEvent(team, {
      type: 'team.created',
      organizationId: team.organizationId,
      subject: { type: 'team', id: team.id },
      payload: { name: team.name, parentId: team.parentId },
    });
    return team;
  }

  get archived(): boolean {
    return this.archivedAt !== null;
  }

  /** Returns the names of the fields that changed. The caller checked that the parent makes no cycle. */
  update(changes: { name?: string; description?: string | null; parentId?: string | null }, now: Date): string[] {
    if (this.archived) throw new InvalidTransitionError('archived', 'changed');
    const fields: string[] = [];
    if (changes.name !== undefined && changes.name !== this.name) {
      this.name = changes.name;
      fields.push('name');
    }
    if (changes.description !== undefined && changes.description !== this.description) {
      this.description = changes.description;
      fields.push('description');
    }
    if (changes.parentId !== undefined && changes.parentId !== this.parentId) {
      this.parentId = changes.parentId;
      fields.push('parentId');
    }
    if (!fields.length) return fields;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'team.updated',
      organizationId: this.organizationId,
      subject: { type: 'team', id: this.id },
      payload: { fields, name: this.name, parentId: this.parentId },
    });
    return fields;
  }

  archive(now: Date): void {
    if (this.archived) throw new InvalidTransitionError('archived', 'archived');
    this.archivedAt = now;
    this.updatedAt = now;
    recordEvent(this, { type: 'team.archived', organizationId: this.organizationId, subject: { type: 'team', id: this.id }, payload: {} });
  }

  saveDashboard(layout: DashboardLayout, now: Date): void {
    if (this.archived) throw new InvalidTransitionError('archived', 'changed');
    this.dashboard = layout;
    this.updatedAt = now;
    recordEvent(this, {
      type: 'team.dashboard_saved',
      organizationId: this.organizationId,
      subject: { type: 'team', id: this.id },
      payload: { widgets: layout.widgets.length },
    });
  }
}

import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { TenantOwned } from '../../../../infrastructure/database/tenant';
import { recordEvent, type DomainEvent } from '../../../../shared/domain-event';

/** A user's identity at the organization's IdP: (connection, NameID) names exactly one account. */
@Entity({ tableName: 'saml_identities' })
@TenantOwned()
export class SamlIdentity {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'uuid' })
  connectionId!: string;

  @Property({ type: 'text' })
  nameId!: string;

  @Property({ type: 'uuid' })
  userId!: string;

  /** The groups the IdP sent at the last login; a change re-maps roles and teams. */
  @Property({ type: 'json' })
  groups: string[] & Opt = [];

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  lastLoginAt!: Date;

  static link(input: { id: string; organizationId: string; connectionId: string; nameId: string; userId: string; how: 'provisioned' | 'linked_existing' | 'linked_invited'; now: Date }): SamlIdentity {
    const identity = new SamlIdentity();
    Object.assign(identity, { ...input, groups: [], createdAt: input.now, lastLoginAt: input.now });
    recordEvent(identity, {
      type: 'sso.identity_linked',
      organizationId: input.organizationId,
      subject: { type: 'user', id: input.userId },
      payload: { identityId: input.id, connectionId: input.connectionId, how: input.how },
    });
    return identity;
  }

  /** Recorded by the caller (context.record): a removed entity's own events would leave with it. */
  unlinkedEvent(by: 'user' | 'admin'): DomainEvent {
    return {
      type: 'sso.identity_unlinked',
      organizationId: this.organizationId,
      subject: { type: 'user', id: this.userId },
      payload: { identityId: this.id, connectionId: this.connectionId, by },
    };
  }
}

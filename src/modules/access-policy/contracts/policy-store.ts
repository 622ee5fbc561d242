import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { OrganizationPolicy } from '../domain/organization-policy.entity';
import { DEFAULT_POLICY, type PolicyDocument } from '../domain/policy-document';

export interface VersionedPolicy {
  document: PolicyDocument;
  /** 0 while the organization runs on the defaults. */
  version: number;
}

/** Reads an organization's effective policy (the defaults until one is saved). */
@Injectable()
export class PolicyStore {
  constructor(private readonly uow: UnitOfWork) {}

  async get(organizationId: string): Promise<VersionedPolicy> {
    const saved = await this.uow.reader(organizationId).findOne(OrganizationPolicy, { organizationId });
    if (!saved) return { document: structuredClone(DEFAULT_POLICY), version: 0 };
    return { document: { ...structuredClone(DEFAULT_POLICY), ...saved.document }, version: saved.version };
  }
}

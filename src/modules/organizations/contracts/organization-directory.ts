import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../infrastructure/event-store/unit-of-work';
import { Organization } from '../domain/organization.entity';

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
}

function summary(organization: Organization): OrganizationSummary {
  return { id: organization.id, slug: organization.slug, name: organization.name, createdAt: organization.createdAt };
}

/** Looks organizations up for other modules (sign-in by slug, invitation pages). */
@Injectable()
export class OrganizationDirectory {
  constructor(private readonly uow: UnitOfWork) {}

  async findBySlug(slug: string): Promise<OrganizationSummary | null> {
    const organization = await this.uow.reader(null).findOne(Organization, { slug: slug.trim().toLowerCase() });
    return organization ? summary(organization) : null;
  }

  async findById(id: string): Promise<OrganizationSummary | null> {
    const organization = await this.uow.reader(null).findOne(Organization, { id });
    return organization ? summary(organization) : null;
  }
}

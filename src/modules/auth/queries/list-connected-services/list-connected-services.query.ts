import { Query } from '@nestjs/cqrs';

export interface ConnectedServiceView {
  id: string;
  type: 'saml';
  connectionId: string;
  nameId: string;
  groups: string[];
  linkedAt: string;
  lastLoginAt: string;
}

/** A user's identities at outside providers (today: the organization's SAML IdP). */
export class ListConnectedServicesQuery extends Query<ConnectedServiceView[]> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
  ) {
    super();
  }
}

import { Query } from '@nestjs/cqrs';

export interface StoredAvatar {
  contentType: string;
  image: Buffer;
  updatedAt: Date;
}

/** A user's picture, within the caller's organization; not found when there is none. */
export class GetAvatarQuery extends Query<StoredAvatar> {
  constructor(
    readonly organizationId: string,
    readonly userId: string,
  ) {
    super();
  }
}

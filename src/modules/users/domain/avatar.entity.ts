import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantOwned } from '../../../infrastructure/database/tenant';

/** A user's picture, already re-encoded to a small WebP; the owner's events record its changes. */
@Entity({ tableName: 'avatars' })
@TenantOwned()
export class Avatar {
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'uuid' })
  organizationId!: string;

  @Property({ type: 'text' })
  contentType!: string;

  // loaded only when served
  @Property({ type: 'blob', lazy: true })
  image!: Buffer;

  @Property({ type: 'Date' })
  updatedAt!: Date;

  static of(input: { userId: string; organizationId: string; contentType: string; image: Buffer; now: Date }): Avatar {
    const avatar = new Avatar();
    avatar.userId = input.userId;
    avatar.organizationId = input.organizationId;
    avatar.replace(input.contentType, input.image, input.now);
    return avatar;
  }

  replace(contentType: string, image: Buffer, now: Date): void {
    this.contentType = contentType;
    this.image = image;
    this.updatedAt = now;
  }
}

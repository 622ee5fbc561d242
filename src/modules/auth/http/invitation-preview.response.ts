import { ApiProperty } from '@nestjs/swagger';

export class InvitationPreviewResponse {
  @ApiProperty()
  organization!: { id: string; slug: string; name: string };

  @ApiProperty({ nullable: true, type: String })
  email!: string | null;

  @ApiProperty()
  role!: string;

  @ApiProperty({ nullable: true, type: String, description: 'who sent it; null for the bootstrap' })
  inviter!: string | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

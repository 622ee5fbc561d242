import { ApiProperty } from '@nestjs/swagger';
import { ProfileResponse } from '../../users';

/** The signed-in user: their profile, plus what sign-in knows of them. */
export class MeResponse extends ProfileResponse {
  @ApiProperty({ description: 'a platform operator may create organizations' })
  platformOperator!: boolean;

  @ApiProperty({ type: [String], description: 'the permissions the role grants' })
  permissions!: string[];
}

import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyRequest {
  @ApiProperty({ example: 'CI deploys' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: ['users:read'], description: 'permissions of the owner this key may use' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z-]+:[a-z-]+$/, { each: true, message: 'each scope must be a permission such as users:read' })
  scopes!: string[];

  @ApiProperty({ format: 'date-time', description: 'within a year from now' })
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an RFC 3339 date-time' })
  expiresAt!: Date;
}

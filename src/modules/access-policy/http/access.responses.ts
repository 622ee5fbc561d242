import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECISION_REASONS } from '../domain/decision';

export class PermissionResponse {
  @ApiProperty({ example: 'audit:read' }) name!: string;
  @ApiProperty() description!: string;
}

export class PermissionCatalogueResponse {
  @ApiProperty({ type: [PermissionResponse] }) items!: PermissionResponse[];
}

export class RoleResponse {
  @ApiProperty({ nullable: true, type: String, description: 'null for a built-in role' }) id!: string | null;
  @ApiProperty({ example: 'Security Analyst' }) name!: string;
  @ApiProperty() builtIn!: boolean;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [String], example: ['audit:read'] }) permissions!: string[];
}

export class RoleListResponse {
  @ApiProperty({ type: [RoleResponse] }) items!: RoleResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: null;
}

export class RoleDeletedResponse {
  @ApiProperty({ description: 'holders given the replacement role' }) reassignedUsers!: number;
}

export class ResourceResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'application' }) type!: string;
  @ApiProperty({ example: 'app-42' }) externalId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) teamId!: string | null;
  @ApiProperty() createdAt!: string;
}

export class ResourcePageResponse {
  @ApiProperty({ type: [ResourceResponse] }) items!: ResourceResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class GrantPrincipalResponse {
  @ApiProperty({ enum: ['user', 'team', 'role'] }) type!: 'user' | 'team' | 'role';
  @ApiProperty() id!: string;
}

export class GrantResponse {
  @ApiProperty() id!: string;
  @ApiProperty() resourceId!: string;
  @ApiProperty({ type: GrantPrincipalResponse }) principal!: GrantPrincipalResponse;
  @ApiProperty({ type: [String] }) actions!: string[];
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
}

export class GrantListResponse {
  @ApiProperty({ type: [GrantResponse] }) grants!: GrantResponse[];
}

export class ResourceDetailResponse extends ResourceResponse {
  @ApiProperty({ type: [GrantResponse] }) grants!: GrantResponse[];
}

export class DecisionResponse {
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ enum: DECISION_REASONS }) reason!: string;
}

export class DecisionRuleResponse {
  @ApiProperty({ enum: ['role', 'team_lead', 'grant', 'policy'] }) source!: string;
  @ApiPropertyOptional({ enum: ['ipAllowlist', 'accessWindows', 'breakGlassUsers', 'mfa'], description: 'the policy section that refused' }) policy?: string;
  @ApiPropertyOptional({ type: [Number], description: 'which entries of that section decided' }) indexes?: number[];
  @ApiPropertyOptional({ description: 'the refusal in a sentence an administrator can act on' }) description?: string;
  @ApiPropertyOptional() role?: string;
  @ApiPropertyOptional() custom?: boolean;
  @ApiPropertyOptional({ example: 'applications:deploy' }) permission?: string;
  @ApiPropertyOptional() teamId?: string;
  @ApiPropertyOptional() grantId?: string;
  @ApiPropertyOptional() resourceId?: string;
  @ApiPropertyOptional({ type: GrantPrincipalResponse }) principal?: GrantPrincipalResponse;
  @ApiPropertyOptional({ type: [String] }) actions?: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) expiresAt?: string | null;
}

export class ExplanationResponse extends DecisionResponse {
  @ApiProperty({ type: [DecisionRuleResponse], description: 'the rule that allowed, or the expired grants that would have' }) rules!: DecisionRuleResponse[];
  @ApiProperty() userId!: string;
  @ApiProperty() action!: string;
}

export class DecisionBatchResponse {
  @ApiProperty({ type: [DecisionResponse] }) results!: DecisionResponse[];
}

export class MyPermissionsResponse {
  @ApiProperty() role!: string;
  @ApiProperty({ type: [String], description: 'the catalogue permissions of the role' }) permissions!: string[];
  @ApiProperty({ type: [String] }) teamIds!: string[];
  @ApiProperty({ type: [DecisionRuleResponse], description: 'every rule of the effective ability' }) rules!: DecisionRuleResponse[];
}

import { ApiProperty } from '@nestjs/swagger';

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'gap-free per organization' })
  seq!: number;

  @ApiProperty({ example: 'auth.login_succeeded' })
  type!: string;

  @ApiProperty({ example: { type: 'user', id: '…', ip: '203.0.113.7' } })
  actor!: { type: string; id: string | null; ip: string | null };

  @ApiProperty({ example: { type: 'user', id: '…' } })
  subject!: { type: string; id: string | null };

  @ApiProperty({ type: Object, description: 'shaped by the type: components EventPayload.<type>, or AuditEventByType' })
  payload!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] })
  items!: AuditEventResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class VerifyResponse {
  @ApiProperty()
  valid!: boolean;

  @ApiProperty({ description: 'how many events were checked' })
  checked!: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'the first event whose seq, link or hash is wrong, that is missing, or that a signed checkpoint contradicts',
  })
  firstBrokenSeq!: number | null;

  @ApiProperty({ nullable: true, type: Object, example: { seq: 120, at: '2026-12-02T00:00:00.000Z' }, description: 'the newest signed checkpoint held against' })
  checkpoint!: { seq: number; at: string } | null;
}

export class CheckpointResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty({ description: 'the last event the checkpoint vouches for' })
  seq!: number;

  @ApiProperty({ description: 'that event’s hash' })
  hash!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ description: 'the signing key, published in /.well-known/jwks.json' })
  kid!: string;

  @ApiProperty({ enum: ['periodic', 'on_demand', 'retention'] })
  reason!: string;

  @ApiProperty({ description: 'compact JWS (RS256) over { organizationId, seq, hash, at }' })
  jws!: string;
}

export class CheckpointPage {
  @ApiProperty({ type: [CheckpointResponse] })
  items!: CheckpointResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  url!: string;

  @ApiProperty({ type: [String] })
  eventTypes!: string[];

  @ApiProperty({ enum: ['active', 'paused'] })
  status!: string;

  @ApiProperty({ description: 'failed attempts in a row; the webhook pauses at WEBHOOK_PAUSE_AFTER_FAILURES' })
  consecutiveFailures!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  pausedAt!: string | null;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({ description: 'whsec_ + base64: the signing secret, shown this once' })
  secret!: string;
}

export class WebhookList {
  @ApiProperty({ type: [WebhookResponse] })
  items!: WebhookResponse[];
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'also the webhook-id header of every attempt' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty()
  seq!: number;

  @ApiProperty()
  eventType!: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  status!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'the HTTP status of the last attempt' })
  lastStatus!: number | null;

  @ApiProperty({ nullable: true, type: String })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deliveredAt!: string | null;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryResponse] })
  items!: WebhookDeliveryResponse[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class EventTypeResponse {
  @ApiProperty({ example: 'auth.login_failed', description: '<area>.<snake_case_past_participle>' })
  type!: string;

  @ApiProperty({ example: 'auth', description: 'the module that records it' })
  module!: string;

  @ApiProperty({ description: 'what the event means' })
  description!: string;

  @ApiProperty({ type: [String], example: ['user'], description: 'the aggregate types it is about (subject.type)' })
  subject!: string[];

  @ApiProperty({ enum: ['login', 'permission', 'security'], nullable: true, description: 'the read model beyond the audit log it feeds' })
  category!: string | null;

  @ApiProperty({ type: Object, description: "the payload's JSON Schema (draft 2020-12); also components EventPayload.<type> of this document" })
  payloadSchema!: Record<string, unknown>;
}

export class EventTypeList {
  @ApiProperty({ type: [EventTypeResponse] })
  items!: EventTypeResponse[];
}

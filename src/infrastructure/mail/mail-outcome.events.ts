import { payload, z, type EventPayloads, type EventType } from '../../shared/event-catalogue';

/** The payload of every mail outcome event (`MailRequest.events`): recorded by the mail worker. */
export const mailOutcomePayload = payload({
  mailId: z.string().describe('the outbox mail'),
  template: z.string().describe('the mail template'),
  attempts: z.number().int().describe('delivery attempts made'),
  reason: z.string().optional().describe('why delivery was given up (failed only)'),
});
export type MailOutcomePayload = z.input<typeof mailOutcomePayload>;

/** The declared types whose payload is a mail outcome: the only ones a mail's `events` may name. */
export type MailOutcomeEventType = {
  [K in EventType]: EventPayloads[K] extends MailOutcomePayload ? (MailOutcomePayload extends EventPayloads[K] ? K : never) : never;
}[EventType];

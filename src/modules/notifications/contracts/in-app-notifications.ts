import { Injectable } from '@nestjs/common';
import type { CommandContext } from '../../../infrastructure/event-store/unit-of-work';
import { Clock } from '../../../shared/clock';
import { IdGenerator } from '../../../shared/ids';
import { NOTICE_TOPICS, type Notice } from '../domain/notice';

/**
 * Puts notices in their recipients' in-app feeds, in the transaction of the command that has
 * something to tell, so a notice exists only if what it tells committed. Whom to tell (their
 * `inApp` preferences) is the caller's to decide, as it is for a mail.
 */
@Injectable()
export class InAppNotifications {
  constructor(
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async deliver(context: CommandContext, organizationId: string, notices: readonly Notice[]): Promise<void> {
    if (!notices.length) return;
    const now = this.clock.now();
    await context.statement(
      'notifications.deliver',
      `insert into notifications (id, organization_id, user_id, topic, kind, data, subject_type, subject_id, created_at)
       select id, $1::uuid, user_id, topic, kind, data, subject_type, subject_id, $2::timestamptz
         from unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
           as n(id, user_id, topic, kind, data, subject_type, subject_id)`,
      [
        organizationId,
        now,
        notices.map(() => this.ids.uuid()),
        notices.map((notice) => notice.userId),
        notices.map((notice) => NOTICE_TOPICS[notice.kind]),
        notices.map((notice) => notice.kind),
        notices.map((notice) => JSON.stringify(notice.data)),
        notices.map((notice) => notice.subject?.type ?? null),
        notices.map((notice) => notice.subject?.id ?? null),
      ],
    );
  }

  /**
   * A removal's part: the person's own feed goes, and where another's notice names them (an
   * invitation they accepted), their address and name become null ("a removed user").
   */
  async eraseUser(context: CommandContext, organizationId: string, userId: string, email: string | null): Promise<void> {
    await context.statement('notifications.erase_feed', 'delete from notifications where organization_id = $1 and user_id = $2', [organizationId, userId]);
    if (!email) return;
    await context.statement(
      'notifications.erase_invitee',
      `update notifications
          set data = jsonb_set(data, '{invitees}', (
                select jsonb_agg(case when lower(i->>'email') = lower($2) then i || '{"email": null, "name": null}'::jsonb else i end order by at)
                  from jsonb_array_elements(data->'invitees') with ordinality as t(i, at)))
        where organization_id = $1 and kind = 'invitation_outcome'
          and exists (select 1 from jsonb_array_elements(data->'invitees') i where lower(i->>'email') = lower($2))`,
      [organizationId, email],
    );
  }
}

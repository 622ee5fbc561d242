import type { EntityManager } from '@mikro-orm/postgresql';
import type { Job } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import type { UnitOfWork } from '../event-store/unit-of-work';
import type { RedisService } from '../queue/redis.service';
import { SystemClock } from '../../shared/clock';
import { MailTemplates } from './mail-templates';
import type { MailJob } from './mail.constants';
import { MailWorker } from './mail.worker';
import type { Mailer, OutgoingMail } from './mailer';

/** A mail_outbox that answers the claim statement as PostgreSQL would: each pending, unleased row once. */
function outbox(ids: string[]) {
  const leased = new Set<string>();
  const statements: unknown[][] = [];
  const execute = jest.fn(async (sql: string, params: unknown[]) => {
    if (!sql.trim().startsWith('update mail_outbox set claimed_until = ?')) return [];
    statements.push(params);
    const wanted = params.slice(1, -1) as string[];
    return [...new Set(wanted)]
      .filter((id) => ids.includes(id) && !leased.has(id))
      .map((id) => {
        leased.add(id);
        return { id, organization_id: 'org', template: 'note', recipient: `${id}@example.com`, data: {}, status: 'pending', event_subject: { type: 'user', id }, sent_event: 'invitation.sent', failed_event: 'invitation.delivery_failed' };
      });
  });
  const em = { fork: () => ({ getConnection: () => ({ execute }) }) } as unknown as EntityManager;
  return { em, statements };
}

describe(MailWorker.name, () => {
  function worker(em: EntityManager, sent: OutgoingMail[]) {
    const templates = new MailTemplates();
    templates.register('note', () => ({ subject: 's', text: 't', html: 'h' }));
    const mailer = { send: jest.fn(async (mail: OutgoingMail) => void sent.push(mail)), close: jest.fn() } as unknown as Mailer;
    const config = { values: { mail: { leaseMs: 60_000 } } } as AppConfig;
    const sut = new MailWorker({} as RedisService, em, {} as UnitOfWork, templates, mailer, new SystemClock(), config);
    // the settlement's transaction is the unit of work's (tested end to end): here it only answers
    jest.spyOn(sut as unknown as { settle: () => Promise<void> }, 'settle').mockResolvedValue(undefined);
    return sut;
  }
  const job = (mailId: string) => ({ data: { mailId }, attemptsMade: 0, opts: { attempts: 3 } }) as Job<MailJob>;

  it('claims the mails of jobs taken together in one statement', async () => {
    const { em, statements } = outbox(['a', 'b', 'c']);
    const sent: OutgoingMail[] = [];
    const sut = worker(em, sent);
    await Promise.all(['a', 'b', 'c'].map((id) => sut.process(job(id))));
    expect(statements).toHaveLength(1);
    expect(sent.map((mail) => mail.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('sends a mail once when two of its jobs are claimed in the same statement', async () => {
    const { em, statements } = outbox(['a']);
    const sent: OutgoingMail[] = [];
    const sut = worker(em, sent);
    await Promise.all([sut.process(job('a')), sut.process(job('a')), sut.process(job('a'))]);
    expect(statements).toHaveLength(1);
    expect(sent.map((mail) => mail.id)).toEqual(['a']);
  });
});

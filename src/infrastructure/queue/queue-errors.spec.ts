import { EventEmitter } from 'node:events';
import { QueueErrorLog, REPORT_EVERY_MS } from './queue-errors';

describe(QueueErrorLog.name, () => {
  let now: number;
  let warnings: string[];
  let notices: string[];
  let log: QueueErrorLog;

  beforeEach(() => {
    now = 1_000_000;
    warnings = [];
    notices = [];
    log = new QueueErrorLog({ warn: (message: string) => warnings.push(message), log: (message: string) => notices.push(message) }, () => now);
  });

  it('reports the first failure of an outage at once, naming the queue and the error', () => {
    const queue = new EventEmitter();
    log.watch('mail', queue);
    queue.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(warnings).toEqual(['queue mail cannot reach Redis: connect ECONNREFUSED 127.0.0.1:6379; retrying']);
  });

  it('counts the failures of every queue within a minute into the next report', () => {
    const [audit, mail] = [new EventEmitter(), new EventEmitter()];
    log.watch('audit', audit);
    log.watch('mail', mail);
    audit.emit('error', new Error('down'));
    for (let i = 0; i < 40; i++) {
      now += 1000;
      (i % 2 ? audit : mail).emit('error', new Error('down'));
    }
    expect(warnings).toHaveLength(1);
    now += REPORT_EVERY_MS;
    mail.emit('error', new Error('still down'));
    expect(warnings).toEqual(['queue audit cannot reach Redis: down; retrying', 'queue mail cannot reach Redis: still down; retrying (40 more connection errors since the last report)']);
  });

  it('ends the outage when a connection is back, counting what it did not report, so the next outage is reported at once', () => {
    const [queue, backend] = [new EventEmitter(), new EventEmitter()];
    log.watch('mail', queue, backend);
    backend.emit('ready'); // the first connection: no outage to end
    expect(notices).toEqual([]);
    queue.emit('error', new Error('down'));
    queue.emit('error', new Error('down'));
    now += 5000;
    backend.emit('ready');
    backend.emit('ready'); // its other connection
    now += 5000;
    queue.emit('error', new Error('down again'));
    expect(warnings).toEqual(['queue mail cannot reach Redis: down; retrying', 'queue mail cannot reach Redis: down again; retrying']);
    expect(notices).toEqual(['queue mail reaches Redis again (1 more connection errors since the last report)']);
  });
});

import { Logger } from '@nestjs/common';
import { PeriodicRun } from './periodic-run';

describe(PeriodicRun.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the promise callbacks queued so far run (the fake timers hold no promise). */
  const settled = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  const deferred = () => {
    let resolve!: (value: number) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<number>((res, rej) => ([resolve, reject] = [res, rej]));
    return { promise, resolve, reject };
  };

  it('runs every interval, skips a tick while a run is under way, and joins it when asked', async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const job = new PeriodicRun('the job', () => (runs.push(deferred()), runs[runs.length - 1].promise), new Logger('test'));
    job.start(1000);
    jest.advanceTimersByTime(1000);
    expect(runs).toHaveLength(1);
    jest.advanceTimersByTime(3000);
    expect(runs).toHaveLength(1);
    const joined = job.now();
    runs[0].resolve(7);
    await expect(joined).resolves.toBe(7);
    jest.advanceTimersByTime(1000);
    expect(runs).toHaveLength(2);
    runs[1].resolve(0);
    await job.stop();
    jest.advanceTimersByTime(5000);
    expect(runs).toHaveLength(2);
  });

  it('logs a failed run and runs again at the next tick; stop() waits for the run under way', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const runs: ReturnType<typeof deferred>[] = [];
    const job = new PeriodicRun('the job', () => (runs.push(deferred()), runs[runs.length - 1].promise), logger);
    job.start(1000);
    jest.advanceTimersByTime(1000);
    runs[0].reject(new Error('down'));
    await settled();
    expect(warn).toHaveBeenCalledWith('the job failed: down');
    jest.advanceTimersByTime(1000);
    expect(runs).toHaveLength(2);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await settled();
    expect(stopped).toBe(false);
    runs[1].resolve(1);
    await stopping;
    expect(stopped).toBe(true);
  });
});

import { Histogram, Registry, type Metric } from 'prom-client';
import { HTTP_DURATION_BUCKETS, HttpDurations } from './http-durations';

describe(HttpDurations.name, () => {
  it('is exposed exactly as prom-client’s Histogram with the same observations', async () => {
    const ours = new Registry();
    const durations = new HttpDurations();
    ours.registerMetric(durations as unknown as Metric);
    const theirs = new Registry();
    const histogram = new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [...HTTP_DURATION_BUCKETS],
      registers: [theirs],
    });
    const observations: [string, string, number, number][] = [
      ['GET', '/health/live', 200, 0.0004],
      ['GET', '/health/live', 200, 0.001],
      ['GET', '/health/live', 200, 0.0011],
      ['POST', '/api/v1/auth/login', 401, 0.3],
      ['GET', 'unmatched', 404, 7],
      ['GET', '/api/v1/users/:id', 200, 0.02],
    ];
    for (const [method, route, status, seconds] of observations) {
      durations.observe(method, route, status, seconds);
      histogram.labels({ method, route, status: String(status) }).observe(seconds);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    durations.reset();
    histogram.reset();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});

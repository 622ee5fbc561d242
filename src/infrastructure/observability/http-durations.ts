/** Upper bounds (seconds) of the HTTP latency histogram's buckets. */
export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface Series {
  readonly labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last slot is beyond the largest bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
}

/**
 * `gatehouse_http_request_duration_seconds`, the one metric every request observes: exposed
 * exactly as prom-client's Histogram exposes it (a metric object its Registry formats), but
 * observed with three Map lookups and an array increment. prom-client's Histogram validates,
 * copies and hashes the label set on every observation (≈ 3 µs a request, a tenth of a
 * public route's CPU). The labels are bounded as before: a method, a route template
 * (`unmatched` for a 404), a status.
 */
export class HttpDurations {
  readonly name = 'gatehouse_http_request_duration_seconds';
  readonly help = 'HTTP request latency by method, route and status';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(status);
    if (!series) {
      series = { labels: { method, route, status: String(status) }, counts: new Array<number>(HTTP_DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      byStatus.set(status, series);
    }
    let bucket = 0;
    while (bucket < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** What prom-client's Registry asks a metric for (the shape of Histogram.get()). */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: MetricValue[] }> {
    const values: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const byMethod of this.series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const series of byStatus.values()) {
          let cumulative = 0;
          HTTP_DURATION_BUCKETS.forEach((le, i) => {
            cumulative += series.counts[i];
            values.push({ labels: { le }, sharedLabels: series.labels, value: cumulative, metricName: bucket });
          });
          values.push({ labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count, metricName: bucket });
          values.push({ labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
          values.push({ labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_count` });
        }
      }
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }
}

import { describe, expect, it } from 'vitest';
import { ServingMetrics } from './serving-metrics.js';

describe('ServingMetrics', () => {
  it('exposes counters and cumulative, upper-inclusive histograms per model and version in the Prometheus text format', async () => {
    const metrics = new ServingMetrics();
    const a = metrics.forModel('fraud', '3');
    const b = metrics.forModel('fraud', '4');
    a.requests(200).inc();
    a.requests(200).inc();
    a.requests(400).inc();
    a.errors('INVALID_ARGUMENT').inc();
    a.inferences.inc(32);
    b.inferences.inc(5);
    for (const v of [1, 2, 3, 32, 2000]) a.batchSize.observe(v);
    a.requestSeconds.observe(0.0015);
    const text = await metrics.registry.metrics();
    const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));
    expect(text).toContain('# TYPE keel_serving_requests_total counter');
    expect(text).toContain('# TYPE keel_serving_batch_size histogram');
    expect(line('keel_serving_requests_total{model="fraud",version="3",status="200"}')).toMatch(/ 2$/);
    expect(line('keel_serving_requests_total{model="fraud",version="3",status="400"}')).toMatch(/ 1$/);
    expect(line('keel_serving_errors_total{model="fraud",version="3",code="INVALID_ARGUMENT"}')).toMatch(/ 1$/);
    expect(line('keel_serving_inference_count_total{model="fraud",version="3"}')).toMatch(/ 32$/);
    expect(line('keel_serving_inference_count_total{model="fraud",version="4"}')).toMatch(/ 5$/);
    const bucket = (le: string) => line(`keel_serving_batch_size_bucket{le="${le}",model="fraud",version="3"}`)?.split(' ')[1];
    expect([bucket('1'), bucket('2'), bucket('4'), bucket('16'), bucket('32'), bucket('1024'), bucket('+Inf')]).toEqual(['1', '2', '3', '3', '4', '4', '5']);
    expect(line('keel_serving_batch_size_sum{model="fraud",version="3"}')).toMatch(/ 2038$/);
    expect(line('keel_serving_batch_size_count{model="fraud",version="3"}')).toMatch(/ 5$/);
    expect(line('keel_serving_request_duration_seconds_bucket{le="0.001",model="fraud",version="3"}')).toMatch(/ 0$/);
    expect(line('keel_serving_request_duration_seconds_bucket{le="0.002",model="fraud",version="3"}')).toMatch(/ 1$/);
    expect(text).toContain('keel_serving_prediction_log_dropped 0');
  });
});

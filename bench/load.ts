import autocannon from 'autocannon';

/**
 * The load generator, run as its own process so that it does not share a CPU budget with what it measures:
 * autocannon with N connections for D seconds, each request the next body of the list.
 */
interface LoadPlan {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  connections: number;
  seconds: number;
}

const plan = JSON.parse(process.argv[2]) as LoadPlan;
let next = 0;
// Every response time, so that the rounds of a side are pooled into exact percentiles (autocannon reports each
// run's own percentiles only).
const latencies: number[] = [];
const instance = autocannon(
  {
    url: plan.url,
    method: 'POST',
    connections: plan.connections,
    duration: plan.seconds,
    headers: { 'content-type': 'application/json', ...plan.headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: plan.bodies[next++ % plan.bodies.length] }),
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    process.stdout.write(
      JSON.stringify({
        requests: result.requests.total,
        seconds: result.duration,
        rps: result.requests.total / result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        latencies: latencies.map((ms) => Math.round(ms * 100) / 100),
      }),
    );
  },
);
instance.on('response', (_client, _status, _bytes, responseTime: number) => {
  latencies.push(responseTime);
});
autocannon.track(instance, {
  renderProgressBar: false,
  renderResultsTable: false,
  renderLatencyTable: false,
});

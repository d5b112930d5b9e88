import http from 'node:http';
import { Pool } from 'pg';
import { apiScenarios } from './api-scenarios';

/**
 * The floor of `npm run bench -- api`: each request is one hand-written SQL statement whose JSON PostgreSQL
 * builds, parsed by pg and serialised again by Node. No GraphQL, no keys, no logs: what serving the same data
 * cannot go below on this stack.
 */
const [port, databaseUrl, currency, poolSize] = process.argv.slice(2);
const scenarios = new Map(
  apiScenarios(currency, { customerIds: [], countries: [] }).map((s) => [s.name, s]),
);
const pool = new Pool({ connectionString: databaseUrl, max: Number(poolSize) });

async function answer(body: string, res: http.ServerResponse) {
  try {
    const { scenario, value } = JSON.parse(body) as { scenario: string; value: string };
    const sql = scenarios.get(scenario)?.floorSql;
    if (!sql) throw new Error(`unknown scenario ${scenario}`);
    // A named statement, prepared once per connection, as the GraphQL side's driver could too.
    const { rows } = await pool.query({ name: scenario, text: sql, values: [value] });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ data: rows[0].data }));
  } catch (error) {
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
  }
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  // An emitter ignores what its listener returns: answer() catches its own errors (a 500), so nothing waits for it.
  req.on('end', () => void answer(body, res));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1', () => console.log(`floor listening on ${port}`));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));

import 'reflect-metadata';
import request from 'supertest';
import { createApp, App } from '../../src/app';
import { AppConfig } from '../../src/config';
import { SqlStatementLogger } from '../../src/common/sql-statements';
import { createTestDatabase, TestDatabase } from './test-db';

export interface GqlResponse<T = any> {
  status: number;
  data: T;
  errors?: { message: string; path?: string[]; extensions: Record<string, any> }[];
  /** SQL statements the request ran. */
  statements: number;
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  /** A key with every scope (admin), used by gql and ok. */
  adminKey: string;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GqlResponse<T>>;
  /** A new key with these scopes. */
  keyWith(scopes: string[]): Promise<string>;
  /** Runs a query and fails the test on any GraphQL error. */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  return startTestAppOn(await createTestDatabase(overrides));
}

/** The same, on a database the test prepared itself (a cluster of its own, a replica set). */
export async function startTestAppOn(database: TestDatabase): Promise<TestApp> {
  const app = await createApp(database.config, database.db);
  const adminKey = (await app.services.apiKeys.create('tests', ['admin'], null)).key;
  const gql = async (
    query: string,
    variables?: Record<string, unknown>,
    key: string | null = adminKey,
  ) => {
    const before = SqlStatementLogger.count;
    const req = request(app.app).post('/graphql').set('content-type', 'application/json');
    if (key) req.set('authorization', `Bearer ${key}`);
    const res = await req.send({ query, variables });
    return {
      status: res.status,
      data: res.body.data,
      errors: res.body.errors,
      statements: SqlStatementLogger.count - before,
    };
  };
  return {
    app,
    database,
    gql,
    adminKey,
    keyWith: async (scopes) =>
      (await app.services.apiKeys.create(`test ${scopes.join(' ')}`, scopes, null)).key,
    async ok(query, variables) {
      const res = await gql(query, variables);
      if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
      return res.data;
    },
    sql: (text, params) => database.db.dataSource.query(text, params),
    async close() {
      await app.stop();
      await database.drop();
    },
  };
}

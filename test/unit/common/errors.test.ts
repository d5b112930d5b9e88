import { QueryFailedError } from 'typeorm';
import { isUnavailable, toAppError } from '../../../src/common/errors';

describe('connection-level failures', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });

  it.each([
    ['a refused connection', refused],
    [
      'every address refused (AggregateError, no code of its own)',
      new AggregateError([refused, refused]),
    ],
    ['a connection ended mid-query', new Error('Connection terminated unexpectedly')],
    [
      'a pooled client that broke',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'the server shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
    ],
    [
      'a cause wrapped by TypeORM',
      new QueryFailedError('select 1', [], Object.assign(new Error('x'), { cause: refused })),
    ],
    [
      'a cause wrapped in a plain Error',
      new Error('failed', { cause: new AggregateError([refused]) }),
    ],
  ])('%s is SERVICE_UNAVAILABLE', (_name, error) => {
    expect(isUnavailable(error)).toBe(true);
    expect(toAppError(error).extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('leaves other errors alone', () => {
    expect(
      toAppError(Object.assign(new Error('duplicate'), { code: '23505' })).extensions.code,
    ).toBe('CONFLICT');
    expect(toAppError(new Error('boom')).extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

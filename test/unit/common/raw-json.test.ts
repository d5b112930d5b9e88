import { RawJson, stringifyResult } from '../../../src/compiled-reads';

describe('stringifyResult', () => {
  it('splices the text of each RawJson where it stands, and serialises the rest as JSON.stringify does', () => {
    const value = {
      data: {
        customers: {
          nodes: [new RawJson('{"id" : "a", "n" : [1, 2]}'), new RawJson('{"id" : "b$&$1"}')],
          totalCount: 2,
        },
      },
      extensions: { cost: 3 },
    };
    const text = stringifyResult(value);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      data: { customers: { nodes: [{ id: 'a', n: [1, 2] }, { id: 'b$&$1' }], totalCount: 2 } },
      extensions: { cost: 3 },
    });
  });

  it('leaves strings that look like its placeholders alone', () => {
    const lookalike = '\u0000000000000000000000000:0';
    const text = stringifyResult({ data: { a: lookalike, b: new RawJson('true') } });
    expect(JSON.parse(text)).toEqual({ data: { a: lookalike, b: true } });
  });

  it('gives the parsed value to any other JSON.stringify', () => {
    expect(JSON.stringify({ a: new RawJson('{"x" : 1}') })).toBe('{"a":{"x":1}}');
    expect(stringifyResult({ data: null })).toBe('{"data":null}\n');
  });
});

import { describe, expect, it } from 'vitest';
import { listQuery } from '../../src/sensay/list-query.js';

describe('listQuery', () => {
  it('sends status and type as one comma-separated value each', () => {
    const query = listQuery({ status: ['NEW', 'FILE_UPLOADED', 'RAW_TEXT'], type: ['file', 'text'] });
    expect(query.getAll('status')).toEqual(['NEW,FILE_UPLOADED,RAW_TEXT']);
    expect(query.getAll('type')).toEqual(['file,text']);
  });

  it('always sends pageSize, 100 by default, and only the filters given', () => {
    expect(listQuery({}).toString()).toBe('pageSize=100');
    expect(listQuery({ pageSize: 0 }).toString()).toBe('pageSize=0');
  });

  it('writes hasError as the strings the API expects', () => {
    expect(listQuery({ hasError: true }).get('hasError')).toBe('true');
    expect(listQuery({ hasError: false }).get('hasError')).toBe('false');
  });

  it('passes search, page and sorting through', () => {
    const query = listQuery({ search: 'docs/a', page: 3, sortBy: 'createdAt', sortOrder: 'asc' });
    expect(Object.fromEntries(query)).toEqual({ search: 'docs/a', page: '3', pageSize: '100', sortBy: 'createdAt', sortOrder: 'asc' });
  });

  it('rejects page sizes and pages the API would refuse, naming the option', () => {
    expect(() => listQuery({ pageSize: 101 })).toThrow('Expected `pageSize` to be an integer from 0 to 100, got `101`');
    expect(() => listQuery({ pageSize: 2.5 })).toThrow(RangeError);
    expect(() => listQuery({ page: 0 })).toThrow('Expected `page` to be an integer >= 1, got `0`');
  });
});

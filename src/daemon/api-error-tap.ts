import { SensayApiError } from '../sensay/errors.js';
import type { SensayClient } from '../sensay/client.js';

type Report = (error: SensayApiError) => void;

/**
 * The client, unchanged, except that every call (or paged iteration) failing with a
 * SensayApiError is reported to `onError` first, after the client's own retries. The error still
 * reaches the caller, whose handling decides what it means; this only counts.
 */
export function tapApiErrors(api: SensayClient, onError: Report): SensayClient {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]): unknown => tapResult(Reflect.apply(value, target, args), onError);
    },
  });
}

function tapResult(result: unknown, onError: Report): unknown {
  const report = (error: unknown): never => {
    if (error instanceof SensayApiError) onError(error);
    throw error;
  };
  if (result instanceof Promise) return result.catch(report);
  if (isAsyncIterable(result)) return tapIterable(result, report);
  return result;
}

async function* tapIterable<T>(source: AsyncIterable<T>, report: (error: unknown) => never): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    report(error);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

import { SensayApiError } from '../sensay/errors.js';
import type { SensayClient } from '../sensay/client.js';

type Report = (error: SensayApiError) => void;
type Answered = () => void;

/**
 * The client, unchanged, except that every call (or paged iteration) failing with a
 * SensayApiError is reported to `onError` first, after the client's own retries, and every call
 * that succeeded (an iteration: each page) to `onAnswer`. The error still reaches the caller,
 * whose handling decides what it means; this only counts.
 */
export function tapApiErrors(api: SensayClient, onError: Report, onAnswer: Answered = () => undefined): SensayClient {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]): unknown => tapResult(Reflect.apply(value, target, args), onError, onAnswer);
    },
  });
}

function tapResult(result: unknown, onError: Report, onAnswer: Answered): unknown {
  const report = (error: unknown): never => {
    if (error instanceof SensayApiError) onError(error);
    throw error;
  };
  const answered = <T>(value: T): T => {
    onAnswer();
    return value;
  };
  if (result instanceof Promise) return result.then(answered, report);
  if (isAsyncIterable(result)) return tapIterable(result, report, onAnswer);
  return result;
}

async function* tapIterable<T>(source: AsyncIterable<T>, report: (error: unknown) => never, onAnswer: Answered): AsyncGenerator<T> {
  try {
    for await (const item of source) {
      onAnswer();
      yield item;
    }
  } catch (error) {
    report(error);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

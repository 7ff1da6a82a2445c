/**
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A date is read
 * relative to the injected clock, never the host's, so a fake clock drives it in tests.
 * Returns milliseconds to wait (0 for a date in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '') return undefined;

  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // A bare negative or otherwise numeric-looking value is malformed, not a date.
  if (/^[-+]?[\d.]+$/.test(value)) return undefined;

  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

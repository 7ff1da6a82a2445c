/** The upload budget's window: uploadsPerHour is a sliding hour (DESIGN §5). */
export const UPLOAD_WINDOW_MS = 3_600_000;

/**
 * The name of the shared budget in the ledger: the API's origin, so every process talking to the
 * same API (and only those) shares one window. Never derived from the secret.
 */
export function budgetScope(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

import { budgetView } from './budget-view.js';
import { ConsoleRequestError } from './console-errors.js';
import { documentDetail, documentsPage, problems, totals, type ConsoleReadDeps } from './console-reads.js';

/** The read-only JSON routes of `/api/` (GET never changes anything). */
export async function routeRead(deps: ConsoleReadDeps, path: string, params: URLSearchParams): Promise<unknown> {
  switch (path) {
    case '/api/totals':
      return totals(deps);
    case '/api/documents':
      return documentsPage(deps, params);
    case '/api/budget':
      return budgetView(deps);
    case '/api/problems':
      return problems(deps);
  }
  const one = /^\/api\/documents\/([^/]+)$/.exec(path);
  if (one) {
    const id = Number(one[1]);
    if (!Number.isSafeInteger(id) || id < 1) throw new ConsoleRequestError(404, 'NOT_FOUND', `no document has id "${one[1]!.slice(0, 40)}"`);
    return documentDetail(deps, id);
  }
  throw new ConsoleRequestError(404, 'NOT_FOUND', 'no such API route; see docs/console.md');
}

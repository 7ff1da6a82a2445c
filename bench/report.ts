/**
 * Prints bench/results.json as one table per section (validation, extraction, PDF engines, rescan, idle):
 * our figure, the native anchor, the ratio and the target. `npm run bench` ends with it.
 */
import { printRows, readResults, RESULTS_PATH } from './support/results.js';

const results = readResults();
const order = ['validation', 'extraction', 'pdfEngines', 'rescan', 'idle'];
for (const name of [...order, ...Object.keys(results).filter((k) => !order.includes(k))]) {
  const section = results[name];
  if (section === undefined) {
    process.stdout.write(`\n${name}: not measured yet\n`);
  } else if ('pending' in section) {
    process.stdout.write(`\n${name}: ${section.pending}\n`);
  } else {
    printRows(`${name} (${section.measuredAt}, ${section.machine})`, section.rows);
  }
}
process.stdout.write(`\n(from ${RESULTS_PATH})\n`);

/**
 * Entry point of an extraction worker process (forked by the pool). Loads the parsers once, then
 * extracts one file at a time on request. pdf.js reports its warnings through console.log; this
 * process's stdout is nobody's output, so it is captured and returned with the task's result.
 */
import { loadMammoth } from './docx.js';
import { extractFile } from './extract-file.js';
import { reject, type Extraction } from './extraction.js';
import { loadPdfParse } from './pdf.js';
import { isTaskMessage, type TaskMessage, type WorkerMessage } from './worker-protocol.js';

const MAX_WARNINGS = 20;
let captured: string[] = [];

process.stdout.write = ((chunk: string | Uint8Array) => {
  for (const line of String(chunk).split('\n')) {
    const text = line.replace(/^Warning:\s*/, '').trim();
    if (text && captured.length < MAX_WARNINGS * 4 && !captured.includes(text)) captured.push(text);
  }
  return true;
}) as typeof process.stdout.write;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function handle(task: TaskMessage): Promise<void> {
  captured = [];
  let extraction: Extraction;
  try {
    extraction = await extractFile(task.path, task.limits);
  } catch (error) {
    // A parser bug must cost this file, not the worker.
    const message = error instanceof Error ? error.message : String(error);
    extraction = reject('CORRUPT', `the extractor failed on this file (${message.slice(0, 160)}); report it if the file is valid`);
  }
  const warnings = captured.slice(0, MAX_WARNINGS).map((w) => `pdf.js: ${w}`);
  send({ type: 'result', id: task.id, extraction, warnings });
}

// One task at a time: the pool never sends a second before the first result, but be safe.
let chain: Promise<void> = Promise.resolve();
process.on('message', (message: unknown) => {
  if (!isTaskMessage(message)) return;
  chain = chain.then(() => handle(message));
});
process.on('disconnect', () => process.exit(0));

await Promise.all([loadPdfParse(), loadMammoth(), import('cheerio')]);
send({ type: 'ready' });

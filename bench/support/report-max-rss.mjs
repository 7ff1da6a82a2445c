// Preloaded into a CLI run by bench/memory.ts (`node --import`): writes the process's peak RSS
// (KiB, from getrusage) to $BENCH_MAX_RSS_FILE when it exits, however it exits.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));

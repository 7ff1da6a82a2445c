// Makes the built CLI executable so `npx sensay-ingest` and `./dist/cli.js` work after `npm ci`.
import { chmodSync, existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);

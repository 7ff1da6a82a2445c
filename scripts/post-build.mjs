// Makes the built CLI executable so `npx sensay-ingest` and `./dist/cli.js` work after `npm ci`,
// and copies the console's page (HTML, CSS, the browser module) beside the compiled server.
import { chmodSync, cpSync, existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);

cpSync(new URL('../src/console/page/', import.meta.url), new URL('../dist/console/page/', import.meta.url), { recursive: true });

// Generates the TypeScript types of every service's HTTP API from the OpenAPI documents the
// running services publish through the origin. With --check it only compares and fails when
// the committed files no longer match, so an API change cannot ship with stale types.
//
//   node packages/api/scripts/generate.mjs [--check] [--origin http://127.0.0.1:8080]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../src/generated');
const args = process.argv.slice(2);
const check = args.includes('--check');
const originFlag = args.indexOf('--origin');
const origin =
  (originFlag >= 0 ? args[originFlag + 1] : process.env.BOXOFFICE_ORIGIN) ?? 'http://127.0.0.1:8080';

// One generated module per service, named after its public prefix.
const services = [
  { file: 'manage.ts', service: 'command-service', url: '/api/manage/openapi.json' },
  { file: 'catalog.ts', service: 'query-service', url: '/api/catalog/openapi.json' },
  { file: 'sales.ts', service: 'order-service', url: '/api/sales/openapi.json' },
];

async function fetchDocument({ service, url }) {
  let response;
  try {
    response = await fetch(new URL(url, origin), { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(
      `cannot reach ${origin}${url} (${service}): ${error.cause?.code ?? error.message}; is the stack up?`,
    );
  }
  if (!response.ok) throw new Error(`${origin}${url} (${service}) answered ${response.status}`);
  return response.json();
}

async function render(entry) {
  const document = await fetchDocument(entry);
  const ast = await openapiTS(document, { alphabetize: true, exportType: true });
  return `// Generated from ${entry.service}'s ${entry.url} by packages/api/scripts/generate.mjs; do not edit.\n// Regenerate with \`npm run api:generate\` (the stack must be running).\n\n${astToString(ast)}`;
}

let stale = 0;
for (const entry of services) {
  const target = path.join(outDir, entry.file);
  const fresh = await render(entry);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (check) {
    if (current === fresh) {
      console.log(`api types up to date: ${entry.file} (${entry.service})`);
    } else {
      stale++;
      console.error(
        `api types stale: src/generated/${entry.file} no longer matches ${entry.service}'s ${entry.url}`,
      );
      printFirstDifference(current ?? '', fresh);
    }
  } else if (current !== fresh) {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(target, fresh);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  } else {
    console.log(`unchanged ${entry.file}`);
  }
}
if (stale) {
  console.error(
    `${stale} generated API module(s) are stale; run: npm run api:generate (in web/) and commit the result`,
  );
  process.exit(1);
}

function printFirstDifference(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  console.error(`  first difference at line ${at + 1}:`);
  console.error(`  - committed: ${a[at] ?? '(end of file)'}`);
  console.error(`  + service:   ${b[at] ?? '(end of file)'}`);
}

/**
 * `npm run sandbox:ddl` — regenerates src/sandbox/opendental-db/schema.generated.ts from
 * OpenDental's official schema document (OpenDentalDocumentation25-4.xml, DB 25.4.0.0).
 *
 * Usage: node dist/src/cli/generate-sandbox-ddl.js [--xml <path>] [--check]
 *   --xml    schema XML path; default ../shared/vendors/opendental/OpenDentalDocumentation25-4.xml
 *            relative to the project root (process.cwd()).
 *   --check  write nothing; exit 1 when the committed file differs from what would be generated.
 * Exit codes: 0 ok, 1 out of date (--check), 2 bad arguments or unreadable XML.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDdlModule } from '../sandbox/opendental-db/ddl-generator';

const OUTPUT = 'src/sandbox/opendental-db/schema.generated.ts';
const DEFAULT_XML = '../shared/vendors/opendental/OpenDentalDocumentation25-4.xml';

/** Parsed command line of this script. */
interface Args {
  xml: string;
  check: boolean;
}

/** Parses argv; throws on unknown flags so typos do not silently regenerate. */
function parseArgs(argv: string[]): Args {
  const args: Args = { xml: DEFAULT_XML, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--xml' && argv[i + 1]) args.xml = argv[++i];
    else if (a.startsWith('--xml=')) args.xml = a.slice('--xml='.length);
    else throw new Error(`Unknown argument: ${a}`);
  }
  return args;
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const root = process.cwd();
  const xmlPath = resolve(root, args.xml);
  const outPath = resolve(root, OUTPUT);
  if (!existsSync(xmlPath)) {
    console.error(`Schema XML not found: ${xmlPath} (pass --xml <path>)`);
    return 2;
  }
  const generated = generateDdlModule(readFileSync(xmlPath, 'utf8'));
  if (args.check) {
    const current = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
    if (current !== generated) {
      console.error(`${OUTPUT} is out of date with ${args.xml}; run \`npm run sandbox:ddl\`.`);
      return 1;
    }
    console.log(`${OUTPUT} is up to date.`);
    return 0;
  }
  writeFileSync(outPath, generated, 'utf8');
  console.log(`Wrote ${OUTPUT} from ${xmlPath}`);
  return 0;
}

process.exitCode = main();

/**
 * `npm run bench`: runs every bench in bench/benches.ts, or those named on the command line
 * (`npm run bench -- approvals`).
 */
import { runBenches } from './bench';
import { BENCHES } from './benches';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
void runBenches(wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES);

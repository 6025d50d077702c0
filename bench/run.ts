/** `npm run bench`: every benchmark, one after the other (they share the machine's two cores). */
import { benchKeyRequest } from './keyRequest';
import { benchLifecycle } from './lifecycle';

const BENCHES: Array<[string, () => Promise<void>]> = [
  ['self-service key requests', benchKeyRequest],
  ['key lifecycles at scale and /apikey list', benchLifecycle],
];

async function main(): Promise<void> {
  for (const [name, bench] of BENCHES) {
    console.log(`\n=== ${name} ===`);
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

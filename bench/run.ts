/** `npm run bench`: every benchmark, one after the other (they share the machine's two cores). */
import { benchKeyRequest } from './keyRequest';

const BENCHES: Array<[string, () => Promise<void>]> = [['self-service key requests', benchKeyRequest]];

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

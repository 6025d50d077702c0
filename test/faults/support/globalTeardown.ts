import { formatFaultTable } from './faultTable';

/** Prints the fault table after every file ran (jest's own output is above it). */
export default function globalTeardown(): void {
  process.stdout.write(`\nFault injection: fault, step, outcome, recovery time\n${formatFaultTable()}\n`);
}

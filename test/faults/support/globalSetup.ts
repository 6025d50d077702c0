import { resetFaultTable } from './faultTable';

export default function globalSetup(): void {
  resetFaultTable();
}

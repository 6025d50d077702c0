/** Every bench `npm run bench` runs, in order. Add yours here (one import, one entry). */
import { acksBench } from './acks';
import { approvalsBench } from './approvals';
import { keyRequestBenches } from './keyRequest';
import { leaksBench } from './leaks';
import { lifecycleBench } from './lifecycle';
import type { Bench } from './bench';

export const BENCHES: Bench[] = [...keyRequestBenches, approvalsBench, lifecycleBench, leaksBench, acksBench];

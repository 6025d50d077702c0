import { runProductionRole } from './production';

runProductionRole('worker');

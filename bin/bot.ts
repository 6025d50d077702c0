import { runProductionRole } from './production';

runProductionRole('bot');

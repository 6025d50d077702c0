import { runProductionRole } from './production';

runProductionRole('api');

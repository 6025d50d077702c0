/**
 * Every `npx keyops` command, in the order `--help` lists them. A new command is a module in this
 * folder exporting a CliCommand, and one line here.
 */
import type { CliCommand } from '../command';
import { auditExportCommand } from './auditExport';
import { doctorCommand } from './doctor';
import { keysListCommand } from './keysList';
import { keysRevokeCommand } from './keysRevoke';
import { migrateCommand } from './migrate';
import { openapiCommand } from './openapi';
import { patternsCommand } from './patterns';
import { policyCheckCommand } from './policyCheck';
import { policyInitCommand } from './policyInit';

export const COMMANDS: CliCommand[] = [doctorCommand, policyCheckCommand, policyInitCommand, keysListCommand, keysRevokeCommand, auditExportCommand, migrateCommand, patternsCommand, openapiCommand];

/** The default UI's dialogs, a chunk loaded the first time one is shown (on-demand.ts). */
export { IdleDialog } from './idle-dialog.ts';
export { SwitchDialog } from './switch-dialog.ts';

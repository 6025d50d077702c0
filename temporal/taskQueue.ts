/** The one task queue every keyops workflow and activity runs on. */
export const TASK_QUEUE = 'keyops';

/**
 * Lets the event loop answer the requests waiting on it before a long piece of work goes on: a
 * server that handles verify on the same loop must not stop answering for tens of milliseconds
 * while it writes or judges a large batch. setImmediate runs after the pending I/O callbacks.
 */
export const yieldToRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

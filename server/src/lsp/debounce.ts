/**
 * Runs a task once after changes stop arriving for `delayMs`; a change during the wait restarts it, so work is done
 * for the latest state only. A delay of 0 still defers to the next turn of the event loop.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly task: () => void,
  ) {}

  /** Asks for the task to run after the delay, cancelling a pending run. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.task();
    }, this.delayMs);
  }

  /** Cancels a pending run. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

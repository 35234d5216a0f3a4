/**
 * Progress for long jobs: a bar with rate and ETA on a terminal, plain lines (at most every few
 * seconds) when output is piped, nothing in --json mode. Written to stderr so stdout stays clean
 * for results.
 */
export interface ProgressOptions {
  total: number;
  label: string;
  unit?: string;
  /** Extra text after the counts, updated with `tick`. */
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

export class Progress {
  private done = 0;
  private readonly t0 = performance.now();
  private lastPrint = 0;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;
  private extra = '';
  private printedDone = -1;

  constructor(private readonly opt: ProgressOptions) {
    this.stream = opt.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  tick(n = 1, extra?: string): void {
    this.done += n;
    if (extra !== undefined) this.extra = extra;
    this.render(false);
  }

  finish(): void {
    this.render(true);
    if (this.tty && !this.opt.quiet) this.stream.write('\n');
  }

  private render(force: boolean): void {
    if (this.opt.quiet) return;
    const now = performance.now();
    const interval = this.tty ? 100 : 5000;
    if (!force && now - this.lastPrint < interval && this.done < this.opt.total) return;
    if (this.printedDone === this.done) return;
    this.printedDone = this.done;
    this.lastPrint = now;
    const el = (now - this.t0) / 1000;
    const rate = el > 0 ? this.done / el : 0;
    const left = rate > 0 ? (this.opt.total - this.done) / rate : NaN;
    const unit = this.opt.unit ?? 'it';
    const stats = `${this.done}/${this.opt.total} ${unit} ${rate.toFixed(rate < 10 ? 2 : 0)} ${unit}/s ETA ${fmtTime(left)}${this.extra ? ' ' + this.extra : ''}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round((width * this.done) / Math.max(1, this.opt.total));
      this.stream.write(`\r${this.opt.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${stats}\x1b[K`);
    } else this.stream.write(`${this.opt.label}: ${stats}\n`);
  }
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

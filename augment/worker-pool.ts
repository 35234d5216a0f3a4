/**
 * Runs candidates on K worker threads (one MuJoCo instance each), or in this thread when K = 0.
 * Results come back in completion order; the caller restores candidate order.
 */
import { Worker } from 'node:worker_threads';
import type { Task } from '../sim/index.ts';
import { runCandidate, type CandidateContext, type CandidateResult } from './candidate.ts';

export interface CandidateRunner {
  /** Idle capacity: how many more candidates can start now. */
  readonly idle: number;
  start(k: number): void;
  /** The next finished candidate (rejects on a bug in a worker). */
  next(): Promise<CandidateResult>;
  close(): Promise<void>;
}

/** A one-slot runner in the calling thread (tests, library users without threads). */
export class InlineRunner implements CandidateRunner {
  private job?: Promise<CandidateResult>;
  constructor(
    private readonly ctx: CandidateContext,
    private readonly task?: Task,
  ) {}
  get idle(): number {
    return this.job ? 0 : 1;
  }
  start(k: number): void {
    this.job = runCandidate(this.ctx, k, this.task);
  }
  async next(): Promise<CandidateResult> {
    const j = this.job;
    if (!j) throw new Error('no candidate running');
    try {
      return await j;
    } finally {
      this.job = undefined;
    }
  }
  async close(): Promise<void> {}
}

type Reply = { ready: true } | { result: CandidateResult } | { k: number; error: string };

export class WorkerPool implements CandidateRunner {
  private readonly workers: Worker[] = [];
  private readonly free: Worker[] = [];
  private readonly done: (CandidateResult | Error)[] = [];
  private waiter?: () => void;
  private running = 0;

  constructor(ctx: CandidateContext, count: number) {
    const url = new URL('./worker-bootstrap.mjs', import.meta.url);
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { workerData: { ctx } });
      w.on('message', (m: Reply) => {
        if ('ready' in m) return;
        this.running--;
        this.free.push(w);
        this.push('result' in m ? m.result : new Error(`worker failed on candidate ${m.k}: ${m.error}`));
      });
      w.on('error', (e) => this.push(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (code !== 0 && this.workers.includes(w)) this.push(new Error(`worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.free.push(w);
    }
  }

  get idle(): number {
    return this.free.length;
  }

  start(k: number): void {
    const w = this.free.pop();
    if (!w) throw new Error('no idle worker');
    this.running++;
    w.postMessage({ k });
  }

  private push(r: CandidateResult | Error): void {
    this.done.push(r);
    this.waiter?.();
  }

  async next(): Promise<CandidateResult> {
    while (this.done.length === 0) {
      if (this.running === 0) throw new Error('no candidate running');
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    const r = this.done.shift()!;
    if (r instanceof Error) throw r;
    return r;
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

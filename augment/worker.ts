/**
 * Worker thread: one MuJoCo instance, running the candidates the pool sends it, one at a time.
 * Messages in: { k }. Out: { result } (typed arrays transferred) or { k, error } for a bug.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCandidate, transferables, type CandidateContext } from './candidate.ts';

const ctx = (workerData as { ctx: CandidateContext }).ctx;
const port = parentPort!;

port.on('message', (msg: { k: number }) => {
  runCandidate(ctx, msg.k).then(
    (result) => port.postMessage({ result }, transferables(result)),
    (e: unknown) => port.postMessage({ k: msg.k, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
port.postMessage({ ready: true });

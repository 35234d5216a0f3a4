// Worker threads start without the parent's TypeScript loader: register tsx, then load the
// TypeScript worker. (Plain JS on purpose — it is what makes the .ts importable.)
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

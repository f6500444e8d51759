import { parentPort, workerData } from 'node:worker_threads';
import { initEngine } from '../backend/engine.ts';
import { jobRunner } from './jobs.ts';
import type { FromWorker, ToWorker, WorkerData } from './pool.ts';

const port = parentPort!;
const data = workerData as WorkerData;
const send = (message: FromWorker) => port.postMessage(message);

try {
  await initEngine(data.engine);
  const run = jobRunner(data.spec);
  // jobs arrive one at a time, so handling them in arrival order needs no queue here
  port.on('message', (message: ToWorker) => {
    if (message.type === 'exit') {
      port.close();
      return;
    }
    run(message.index).then(
      (result) => send({ type: 'result', index: message.index, result }),
      (error: Error) => send({ type: 'error', message: error.message, stack: error.stack }),
    );
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'error', message: (error as Error).message, stack: (error as Error).stack });
}

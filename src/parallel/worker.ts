import { parentPort, workerData } from 'node:worker_threads';
import { initEngine } from '../backend/engine.ts';
import type { FromWorker, JobRunner, ToWorker, WorkerData } from './pool.ts';

const port = parentPort!;
const data = workerData as WorkerData;
const send = (message: FromWorker) => port.postMessage(message);

try {
  await initEngine(data.engine);
  for (const module of data.spec.setup ?? []) await import(module);
  const { runner } = (await import(data.spec.runner)) as { runner: JobRunner<unknown> };
  const run = runner(data.spec.data);
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

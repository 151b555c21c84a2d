import { expect, it } from 'vitest'

it('a custodian runs inside a browser worker (no Node built-ins)', async () => {
  const worker = new Worker(new URL('./_custodianWorker.ts', import.meta.url), { type: 'module' })
  try {
    const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data as Record<string, unknown>)
      worker.onerror = (e) => reject(new Error(e.message))
      worker.postMessage('run')
    })
    expect(result).toMatchObject({
      ok: true,
      inWorker: true,
      logSize: 1,
      value: { resourceType: 'Observation', status: 'final', code: { text: 'Heart rate' } },
    })
  } finally {
    worker.terminate()
  }
})

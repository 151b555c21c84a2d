import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildCcaasPackage } from '../ccaas/package.mjs'
import { type ChaincodeServerHandle, chaincodeServerOptionsFromEnv, startChaincodeServer } from './chaincodeServer.js'

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })

describe('chaincodeServerOptionsFromEnv', () => {
  it('reads address, package id and chaincode name; TLS from PEM files', () => {
    expect(
      chaincodeServerOptionsFromEnv({ CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999', CHAINCODE_ID: 'medseal_1:ab' }),
    ).toEqual({ address: '0.0.0.0:9999', ccid: 'medseal_1:ab', chaincodeName: 'medseal' })
    const files: Record<string, Uint8Array> = {
      '/k': Uint8Array.of(1),
      '/c': Uint8Array.of(2),
      '/ca': Uint8Array.of(3),
    }
    const options = chaincodeServerOptionsFromEnv(
      {
        CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999',
        CHAINCODE_ID: 'medseal_1:ab',
        MEDSEAL_CHAINCODE_NAME: 'records',
        CHAINCODE_TLS_KEY: '/k',
        CHAINCODE_TLS_CERT: '/c',
        CHAINCODE_CLIENT_CA_CERT: '/ca',
      },
      (path) => files[path] as Uint8Array,
    )
    expect(options.chaincodeName).toBe('records')
    expect(options.tls).toEqual({ key: Uint8Array.of(1), cert: Uint8Array.of(2), clientCACerts: Uint8Array.of(3) })
  })

  it('names what is missing, never file contents', () => {
    expect(() => chaincodeServerOptionsFromEnv({ CHAINCODE_ID: 'x:y' })).toThrow(/CHAINCODE_SERVER_ADDRESS/)
    expect(() => chaincodeServerOptionsFromEnv({ CHAINCODE_SERVER_ADDRESS: 'a:1' })).toThrow(/CHAINCODE_ID/)
    const env = { CHAINCODE_SERVER_ADDRESS: 'a:1', CHAINCODE_ID: 'x:y' }
    expect(() => chaincodeServerOptionsFromEnv({ ...env, CHAINCODE_TLS_KEY: '/k' })).toThrow(/both/)
    expect(() => chaincodeServerOptionsFromEnv({ ...env, CHAINCODE_CLIENT_CA_CERT: '/ca' })).toThrow(/needs TLS/)
    expect(() =>
      chaincodeServerOptionsFromEnv({ ...env, CHAINCODE_TLS_KEY: '/nope/key.pem', CHAINCODE_TLS_CERT: '/nope/c.pem' }),
    ).toThrow('Could not read the file named by CHAINCODE_TLS_KEY.')
  })
})

describe('startChaincodeServer', () => {
  let server: ChaincodeServerHandle | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('listens where peers will dial it and stops', async () => {
    const port = await freePort()
    server = await startChaincodeServer({ address: `127.0.0.1:${port}`, ccid: 'medseal_test:00' })
    expect(server.chaincodeName).toBe('medseal')
    expect(await accepts(port)).toBe(true)
    await server.close()
    server = undefined
    expect(await accepts(port)).toBe(false)
  })
})

describe('ccaas/package.mjs', () => {
  it('builds metadata.json + code.tar.gz(connection.json) and prints the package id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medseal-ccaas-test-'))
    try {
      const ca = join(dir, 'ca.pem')
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
      const out = join(dir, 'pkg.tar.gz')
      const built = buildCcaasPackage({ address: 'medseal.org1:9999', label: 'medseal_t1', out, 'tls-root-cert': ca })
      expect(built.packageId).toBe(`medseal_t1:${createHash('sha256').update(readFileSync(out)).digest('hex')}`)
      expect(execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual([
        'code.tar.gz',
        'metadata.json',
      ])
      const metadata = JSON.parse(execFileSync('tar', ['-xzOf', out, 'metadata.json'], { encoding: 'utf8' }))
      expect(metadata).toEqual({ type: 'ccaas', label: 'medseal_t1' })
      execFileSync('tar', ['-xzf', out, '-C', dir, 'code.tar.gz'])
      const connection = JSON.parse(
        execFileSync('tar', ['-xzOf', join(dir, 'code.tar.gz'), 'connection.json'], { encoding: 'utf8' }),
      )
      expect(connection).toMatchObject({ address: 'medseal.org1:9999', dial_timeout: '10s', tls_required: true })
      expect(connection.root_cert).toContain('BEGIN CERTIFICATE')
      expect(() => buildCcaasPackage({ address: 'no port', out })).toThrow(/host:port/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('review fabric: dials by default the chaincode container the deployment guide starts', () => {
    // docs/adapters/fabric.md step 5 runs the server as `docker run -d --name <container> --network fabric_test`
    const guide = readFileSync(new URL('../../../../../docs/adapters/fabric.md', import.meta.url), 'utf8')
    const container = /docker run -d --name (\S+) --network fabric_test/.exec(guide)?.[1]
    const port = /CHAINCODE_SERVER_ADDRESS=0\.0\.0\.0:(\d+)/.exec(guide)?.[1]
    expect(container).toBeDefined()
    const dir = mkdtempSync(join(tmpdir(), 'medseal-ccaas-test-'))
    try {
      const out = join(dir, 'pkg.tar.gz')
      const built = buildCcaasPackage({ out }) // no --address: ccaas/connection.json's default
      expect(built.address).toBe(`${container}:${port}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

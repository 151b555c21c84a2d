#!/usr/bin/env node
/**
 * Builds the chaincode-as-a-service package a Fabric 2.4+ peer installs with `peer lifecycle chaincode install`:
 *
 *   <out>.tar.gz
 *   ├── metadata.json   { "type": "ccaas", "label": "<label>" }
 *   └── code.tar.gz
 *       └── connection.json   { "address": "<host:port>", "dial_timeout": "10s", "tls_required": ... }
 *
 * The peer's built-in `ccaas` external builder reads connection.json and dials the chaincode server at `address`
 * (run it with `node dist/server.js`). Prints the package id (`<label>:<sha256 of the tarball>`), the value of
 * CHAINCODE_ID for the server; `peer lifecycle chaincode calculatepackageid <file>` gives the same.
 *
 * Usage: node ccaas/package.mjs [--address host:port] [--label medseal_0.1.0] [--out medseal-ccaas.tar.gz]
 *          [--tls-root-cert ca.pem [--client-key key.pem --client-cert cert.pem]]
 * Defaults come from ccaas/connection.json and ccaas/metadata.json. Needs the `tar` command (GNU or BSD).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}`)
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`)
    out[arg.slice(2)] = value
    i++
  }
  return out
}

/** Builds the package; returns its path and id. Exported for the test. */
export function buildCcaasPackage(options = {}) {
  const connection = JSON.parse(readFileSync(join(here, 'connection.json'), 'utf8'))
  const metadata = JSON.parse(readFileSync(join(here, 'metadata.json'), 'utf8'))
  if (options.address) connection.address = options.address
  if (options.label) metadata.label = options.label
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(metadata.label)) throw new Error('label: letters, digits, _ . + - only')
  if (!/^[^\s:]+:\d{1,5}$/.test(connection.address)) throw new Error('address must be host:port')
  if (options['tls-root-cert']) {
    connection.tls_required = true
    connection.root_cert = readFileSync(options['tls-root-cert'], 'utf8')
    if (options['client-key'] || options['client-cert']) {
      if (!options['client-key'] || !options['client-cert']) throw new Error('give both --client-key and --client-cert')
      connection.client_auth_required = true
      connection.client_key = readFileSync(options['client-key'], 'utf8')
      connection.client_cert = readFileSync(options['client-cert'], 'utf8')
    }
  }
  const out = resolve(options.out ?? `${metadata.label}.tar.gz`)
  const work = mkdtempSync(join(tmpdir(), 'medseal-ccaas-'))
  try {
    writeFileSync(join(work, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`)
    writeFileSync(join(work, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`)
    execFileSync('tar', ['-C', work, '-czf', join(work, 'code.tar.gz'), 'connection.json'])
    execFileSync('tar', ['-C', work, '-czf', out, 'metadata.json', 'code.tar.gz'])
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  const packageId = `${metadata.label}:${createHash('sha256').update(readFileSync(out)).digest('hex')}`
  return { file: out, packageId, label: metadata.label, address: connection.address }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { file, packageId, address } = buildCcaasPackage(parseArgs(process.argv.slice(2)))
    console.log(`package: ${file}`)
    console.log(`peers will dial: ${address}`)
    console.log(`package id (CHAINCODE_ID): ${packageId}`)
  } catch (error) {
    console.error(`ccaas package failed: ${error.message}`)
    process.exit(1)
  }
}

// Makes sure Debian's chromium is installed for the browser tests (never downloads a browser build of its own).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(path)) {
  if (process.getuid?.() !== 0) {
    console.error(
      `chromium not found at ${path}. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    )
    process.exit(1)
  }
  console.log("Installing Debian's chromium for the browser tests (apt-get)…")
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // apt's output is kept out of a green run (hundreds of lines) and shown in full only when a step fails.
  const apt = (args) => {
    try {
      execFileSync('apt-get', args, { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8' })
    } catch (err) {
      process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`)
      throw err
    }
  }
  apt(['update', '-qq'])
  apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium'])
  console.log(`chromium installed at ${path}`)
}

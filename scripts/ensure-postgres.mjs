// Makes sure a PostgreSQL server (Debian's `postgresql` package) is installed for the store tests, which start a
// throwaway cluster of their own (packages/stores/postgres/src/testing/startPostgres.ts). Quiet when it is there.
// Debian's package would create and start a "main" cluster on port 5432: the tests never use it, so it is turned
// off before installing (create_main_cluster = false).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'

const base = '/usr/lib/postgresql'
const installed = () =>
  process.env.PG_BIN
    ? existsSync(`${process.env.PG_BIN}/initdb`)
    : existsSync(base) && readdirSync(base).some((v) => existsSync(`${base}/${v}/bin/initdb`))

if (!installed()) {
  if (process.getuid?.() !== 0) {
    console.error(
      "PostgreSQL not found under /usr/lib/postgresql. Install Debian's postgresql (sudo apt-get install -y postgresql) or set PG_BIN.",
    )
    process.exit(1)
  }
  console.log("Installing Debian's postgresql for the store tests…")
  const conf = '/etc/postgresql-common/createcluster.conf'
  mkdirSync('/etc/postgresql-common', { recursive: true })
  const current = existsSync(conf) ? readFileSync(conf, 'utf8') : ''
  if (!/^\s*create_main_cluster\s*=\s*false/m.test(current)) {
    writeFileSync(conf, `${current.replace(/^\s*create_main_cluster\s*=.*$/gm, '')}\ncreate_main_cluster = false\n`)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync(
    'apt-get',
    [
      'install',
      '-y',
      '-qq',
      '--no-install-recommends',
      // keep our createcluster.conf when the package brings its own
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
      'postgresql',
    ],
    { stdio: 'inherit', env },
  )
  if (!installed()) {
    console.error('postgresql was installed but no initdb was found under /usr/lib/postgresql.')
    process.exit(1)
  }
}

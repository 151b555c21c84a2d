// Gives every published package (scripts/lib/packages.mjs) the project's standard metadata, LICENSE (a copy of the
// root one) and a CHANGELOG.md if it has none. Idempotent; fields a package already has (description, keywords, its
// own engines, build script) are kept. Run after adding a package, then check with `pnpm run gates`.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishedPackages } from './lib/packages.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
for (const pkg of publishedPackages(root)) {
  const { name, version, description, keywords, ...rest } = pkg.json
  const toRoot = relative(pkg.dir, root) || '.'
  const next = {
    name,
    version,
    description,
    keywords: keywords ?? ['medseal'],
    homepage: 'https://medseal.dev',
    bugs: { url: 'https://github.com/medseal/medseal/issues' },
    repository: { type: 'git', url: 'git+https://github.com/medseal/medseal.git', directory: pkg.rel },
    license: 'Apache-2.0',
    author: { name: 'The medseal authors', url: 'https://medseal.dev' },
    ...rest,
  }
  next.engines = {
    ...rest.engines,
    node: rest.engines?.node?.includes('||') ? rest.engines.node : '^20.19.0 || ^22.12.0 || ^24.0.0',
  }
  next.files = [...new Set([...(rest.files ?? ['dist']), 'README.md', 'CHANGELOG.md', 'LICENSE'])]
  next.publishConfig = { ...rest.publishConfig, access: 'public' }
  next.scripts = { ...rest.scripts, build: `node ${toRoot}/scripts/build-package.mjs` }
  writeFileSync(join(pkg.dir, 'package.json'), `${JSON.stringify(next, null, 2)}\n`)
  copyFileSync(join(root, 'LICENSE'), join(pkg.dir, 'LICENSE'))
  const changelog = join(pkg.dir, 'CHANGELOG.md')
  if (!existsSync(changelog))
    writeFileSync(changelog, `# ${name}\n\n## ${version}\n\nFirst version. Not published to the npm registry.\n`)
  if (!readFileSync(join(pkg.dir, 'package.json'), 'utf8').includes('"exports"'))
    console.warn(`${name}: no "exports" map`)
}

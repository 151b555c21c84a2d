/** Builds the CCaaS package (see package.mjs). */
export function buildCcaasPackage(options?: {
  address?: string
  label?: string
  out?: string
  'tls-root-cert'?: string
  'client-key'?: string
  'client-cert'?: string
}): { file: string; packageId: string; label: string; address: string }
